package indexer

import (
	"context"
	"slices"
)

// IDs returns the id of every work q matches, in the order Search gives
// them (its relevance ranking, or its sort), all pages at once: what an
// export of a search writes. q's page, size, facets, explain and synopses
// are ignored. It builds no hits and reads no stored document: the ids
// share the index's memory, so the list costs a string header (16 bytes)
// a work, and the lock is held only while it is made. A bad query is a
// *catalog.ValidationError, as for Search; a canceled ctx ends it with
// ctx's error.
func (ix *Index) IDs(ctx context.Context, q Query) (_ []string, err error) {
	defer guardFaults()()
	defer ix.catchFault(&err)
	q.Page, q.Size, q.Facets, q.Explain, q.Synopses = 0, 0, nil, false, false
	st, snap, release, err := ix.view(ctx, &q, q.Validate(ix.cb))
	if err != nil {
		return nil, err
	}
	defer release()
	m, err := ix.matchWorks(ctx, snap, st, q)
	if err != nil {
		return nil, err
	}
	total := int(m.res.GetCardinality())
	var order []uint32
	if q.Sort == SortRelevance && m.text != nil && len(m.text.units) > 0 {
		rk := &ranker{ctx: ctx, tm: m.text, st: st, snap: snap}
		if order, _, err = rk.sortPage(rankingRules, m.res, 0, total, false); err != nil {
			return nil, err
		}
	} else {
		order = st.pickSorted(m.res, q.Sort, 0, total)
	}
	ids := make([]string, len(order))
	for i, o := range order {
		ids[i] = st.ids[o]
	}
	return slices.Clip(ids), ctx.Err()
}
