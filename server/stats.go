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
	// until it moves; one that does not is asked every time.
	seq, known := int64(0), false
	if sq, ok := s.search.(interface{ Seq() int64 }); ok {
		seq, known = sq.Seq(), true
	}
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
