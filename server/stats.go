package server

import (
	"context"
	"sync"

	"github.com/komoru/komoru/catalog"
)

// statsCache holds the catalog's counts for the codebook and stats pages,
// recomputed only when the store's change sequence has moved.
type statsCache struct {
	mu       sync.Mutex
	seq      int64
	valid    bool
	byDecade *catalog.Stats
	byMedium *catalog.Stats
}

// stats returns the counts per facet value, split by decade and by medium.
func (s *Server) stats(ctx context.Context) (byDecade, byMedium *catalog.Stats, err error) {
	seq, err := s.store.LastSeq(ctx)
	if err != nil {
		return nil, nil, err
	}
	sc := &s.statsCache
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.valid && sc.seq == seq {
		return sc.byDecade, sc.byMedium, nil
	}
	d, m := catalog.NewStats(s.cb, catalog.FacetDecade), catalog.NewStats(s.cb, catalog.FacetMedium)
	err = s.store.Each(ctx, func(w *catalog.Work) error {
		d.Add(w)
		return m.Add(w)
	})
	if err != nil {
		return nil, nil, err
	}
	d.Finish()
	m.Finish()
	sc.seq, sc.valid, sc.byDecade, sc.byMedium = seq, true, d, m
	return d, m, nil
}
