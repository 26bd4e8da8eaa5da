package server

import (
	"context"
	"sync"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/indexer"
)

// statsCache holds the catalog's counts for the codebook and stats pages,
// recounted only when the index has applied a new change.
type statsCache struct {
	mu       sync.Mutex
	seq      int64
	valid    bool
	byDecade *catalog.Stats
	byMedium *catalog.Stats

	charts chartCache // the stats page's charts of the whole catalog
}

// stats returns the counts per facet value, split by decade and by medium.
// They come from the search index's facet counts: one search for the
// totals and one per decade and per medium, each narrowed to that value,
// so the cost does not grow with the catalog.
func (s *Server) stats(ctx context.Context) (byDecade, byMedium *catalog.Stats, err error) {
	if s.search == nil {
		return nil, nil, errNoIndex
	}
	// An index that tells its change sequence lets the counts be kept
	// until it moves.
	seq, known := s.indexSeq()
	sc := &s.statsCache
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if known && sc.valid && sc.seq == seq {
		return sc.byDecade, sc.byMedium, nil
	}
	// The counts are many small searches, within the search limits as
	// one: one turn, one budget.
	err = s.searches.do(ctx, func(ctx context.Context) error {
		var err error
		byDecade, byMedium, err = s.countStats(ctx)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	sc.seq, sc.valid, sc.byDecade, sc.byMedium = seq, true, byDecade, byMedium
	return byDecade, byMedium, nil
}

// countStats counts the catalog for stats.
func (s *Server) countStats(ctx context.Context) (byDecade, byMedium *catalog.Stats, err error) {
	all, err := s.search.Search(ctx, indexer.Query{Size: 1})
	if err != nil {
		return nil, nil, err
	}
	split := func(by string) (*catalog.Stats, error) {
		st := catalog.NewStats(s.cb, by)
		st.Works = all.Total
		for _, f := range all.Facets {
			for _, v := range f.Values {
				st.AddCount(f.Name, v.Value, "", v.Count)
				if f.Name != by {
					continue
				}
				// The works of this column: every other facet's counts
				// narrowed to it.
				col, err := s.search.Search(ctx, indexer.Query{Size: 1, Filters: map[string][]string{by: {v.Value}}})
				if err != nil {
					return nil, err
				}
				st.ByTotal[v.Value] = col.Total
				st.AddCount(by, v.Value, v.Value, col.Total)
				for _, cf := range col.Facets {
					if cf.Name == by {
						continue // disjunctive: its own counts are not narrowed
					}
					for _, cv := range cf.Values {
						st.AddCount(cf.Name, cv.Value, v.Value, cv.Count)
					}
				}
			}
		}
		st.Finish()
		return st, nil
	}
	if byDecade, err = split(catalog.FacetDecade); err != nil {
		return nil, nil, err
	}
	if byMedium, err = split(catalog.FacetMedium); err != nil {
		return nil, nil, err
	}
	return byDecade, byMedium, nil
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
	if sq, ok := s.search.(interface{ Seq() int64 }); ok {
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
