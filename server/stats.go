package server

import (
	"context"
	"sync"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/indexer"
)

// statsCache holds the catalog's counts for the codebook page and the
// stats page's charts, recounted only when the index has applied a new
// change.
type statsCache struct {
	mu     sync.Mutex
	seq    int64
	valid  bool
	counts *catalog.Stats

	charts chartCache // the stats page's charts of the whole catalog
}

// stats returns the catalog's count of works per facet value, for the
// codebook page: one search's facet counts, kept until the index moves.
func (s *Server) stats(ctx context.Context) (*catalog.Stats, error) {
	if s.search == nil {
		return nil, errNoIndex
	}
	seq, known := s.indexSeq()
	sc := &s.statsCache
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if known && sc.valid && sc.seq == seq {
		return sc.counts, nil
	}
	var all *indexer.Result
	err := s.searches.do(ctx, func(ctx context.Context) error {
		var err error
		all, err = s.search.Search(ctx, indexer.Query{Size: 1})
		return err
	})
	if err != nil {
		return nil, err
	}
	st := catalog.NewStats(s.cb, "")
	st.Works = all.Total
	for _, f := range all.Facets {
		for _, v := range f.Values {
			st.AddCount(f.Name, v.Value, v.Count)
		}
	}
	st.Finish()
	sc.seq, sc.valid, sc.counts = seq, true, st
	return st, nil
}

// chartCache holds the whole catalog's charts, remade only when the index
// has applied a new change.
type chartCache struct {
	mu     sync.Mutex
	seq    int64
	valid  bool
	works  int
	charts map[string]chartData
}

// indexSeq is the search index's change sequence, if it tells one: an
// index that does not is asked every time.
func (s *Server) indexSeq() (int64, bool) {
	if sq, ok := s.search.(sequencer); ok {
		return sq.Seq(), true
	}
	return 0, false
}

// charts returns the charts of specs over the works q matches, and how
// many works that is: a cross-tab per chart, in one turn of the search
// limits. The whole catalog's charts are kept per index change, all at
// once.
func (s *Server) charts(ctx context.Context, q indexer.Query, specs []chartSpec) ([]chartData, int, error) {
	count := func(specs []chartSpec) (out []chartData, works int, err error) {
		err = s.searches.do(ctx, func(ctx context.Context) error {
			xs, ok := s.search.(crosstabSearcher)
			if !ok {
				return errNoIndex
			}
			for _, spec := range specs {
				xt, err := xs.Crosstab(ctx, q, spec.Row, spec.Col)
				if err != nil {
					return err
				}
				out, works = append(out, buildChart(spec, s.cb, xt)), xt.Works
			}
			return nil
		})
		return out, works, err
	}
	if !isWholeCatalog(q) {
		return count(specs)
	}
	seq, known := s.indexSeq()
	cc := &s.statsCache.charts
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if !known || !cc.valid || cc.seq != seq {
		all, works, err := count(chartSpecs)
		if err != nil {
			return nil, 0, err
		}
		cc.charts = map[string]chartData{}
		for _, d := range all {
			cc.charts[d.Spec.Name] = d
		}
		cc.seq, cc.valid, cc.works = seq, true, works
	}
	out := make([]chartData, len(specs))
	for i, spec := range specs {
		out[i] = cc.charts[spec.Name]
	}
	return out, cc.works, nil
}
