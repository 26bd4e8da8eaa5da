package indexer

import (
	"context"
	"fmt"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
)

// Search is laid out by concern, as Meilisearch's engine is: query terms
// (terms.go: a word's term sets), matching (matching.go: postings to
// bitmaps), ranking rules (ranking.go: buckets, best first) and hits
// (hits.go: the page taken from the buckets, and each Hit built).

// Search runs a query. It validates it first: a bad query is a
// *catalog.ValidationError. It stops when ctx is done, with ctx's error
// and no result: a search past its deadline returns
// context.DeadlineExceeded, never a partial page.
func (ix *Index) Search(ctx context.Context, q Query) (_ *Result, err error) {
	defer guardFaults()()
	defer ix.catchFault(&err)
	st, snap, release, err := ix.view(ctx, &q, q.Validate(ix.cb))
	if err != nil {
		return nil, err
	}
	defer release()
	key := fmt.Sprintf("%#v", q) // fmt prints maps sorted, nil apart from empty
	if r, ok := snap.resultCache.get(key); ok {
		return r.copy(), nil
	}

	m, err := ix.matchWorks(ctx, snap, st, q)
	if err != nil {
		return nil, err
	}
	base, res, filters, tm := m.base, m.res, m.filters, m.text
	total := int(res.GetCardinality())

	out := &Result{Total: total, Page: q.Page, Size: q.Size}
	if tm != nil {
		out.DroppedWords = tm.dropped
	}
	out.Facets = st.countFacets(ix.cb, q, base, res, filters)

	offset := (q.Page - 1) * q.Size
	var page []uint32
	var why [][]RankingStep // with explain, per hit of page
	if offset < total {
		if q.Sort == SortRelevance && tm != nil && len(tm.units) > 0 {
			rk := &ranker{ctx: ctx, tm: tm, st: st, snap: snap}
			var err error
			if page, why, err = rk.sortPage(rankingRules, res, offset, q.Size, q.Explain); err != nil {
				return nil, err
			}
		} else {
			page = st.pickSorted(res, q.Sort, offset, q.Size)
		}
	}
	var ht *highlightTerms
	if tm != nil && len(tm.terms) > 0 {
		ht = newHighlightTerms(tm.terms)
	}
	for i, o := range page {
		h := ix.hit(snap, st, o, ht, q.Synopses)
		if i < len(why) {
			h.Ranking = why[i]
		}
		out.Hits = append(out.Hits, h)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	snap.resultCache.put(key, out, 1, resultCacheEntries)
	return out.copy(), nil
}

// matched is the works of a query: base (alive, matching the text and
// the year range), res (base narrowed by every filter: the result) and
// what they were made of.
type matched struct {
	base, res *roaring.Bitmap
	filters   map[string]*roaring.Bitmap // facet → its values' works, ORed
	text      *textMatch                 // nil without text
}

// matchWorks finds the works of q, which has its defaults set; Search and
// Crosstab share it, so that a crosstab covers exactly a search's works.
func (ix *Index) matchWorks(ctx context.Context, snap *snapshot, st *state, q Query) (matched, error) {
	// The filters come on top of base, one facet at a time.
	m := matched{base: st.alive.Clone(), filters: map[string]*roaring.Bitmap{}}
	if tq := parseText(q.Text); !tq.empty() {
		tm, err := ix.matchText(ctx, snap, tq, q.Typo, st.alive, q.Matching == MatchingLast)
		if err != nil {
			return matched{}, err
		}
		m.base.And(tm.all)
		m.text = tm
	}
	if q.YearFrom > 0 || q.YearTo > 0 {
		m.base.And(st.yearRange(q.YearFrom, q.YearTo))
	}
	for f, vs := range q.Filters {
		if len(vs) == 0 {
			continue
		}
		bms := make([]*roaring.Bitmap, 0, len(vs))
		for _, v := range vs {
			if c, ok := st.codeOf[f][v]; ok {
				bms = append(bms, st.values[c].bm)
			}
		}
		m.filters[f] = roaring.FastOr(bms...)
	}
	m.res = m.base.Clone()
	for _, fb := range m.filters {
		m.res.And(fb)
	}
	return m, nil
}

// copy is a result whose slices are the caller's to change: a cached
// result is shared. Hits' maps are shared too, and only read.
// view is the start of every read of the index: the query's validation
// error (invalid) or ctx's ends it; else q gets its defaults and the index
// is read-locked until release, giving the state and snapshot to read.
func (ix *Index) view(ctx context.Context, q *Query, invalid error) (st *state, snap *snapshot, release func(), err error) {
	if invalid != nil {
		return nil, nil, nil, invalid
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, nil, err
	}
	q.setDefaults()
	ix.mu.RLock()
	if ix.st == nil || ix.snap == nil {
		ix.mu.RUnlock()
		return nil, nil, nil, errClosed
	}
	return ix.st, ix.snap, ix.mu.RUnlock, nil
}

func (r *Result) copy() *Result {
	c := *r
	c.Hits = slices.Clone(r.Hits)
	c.Facets = slices.Clone(r.Facets)
	for i := range c.Facets {
		c.Facets[i].Values = slices.Clone(c.Facets[i].Values)
	}
	c.DroppedWords = slices.Clone(r.DroppedWords)
	return &c
}

// yearRange returns the works whose year is within [from, to]; 0 leaves
// an end open.
func (s *state) yearRange(from, to int) *roaring.Bitmap {
	var bms []*roaring.Bitmap
	for y, bm := range s.years {
		if (from == 0 || y >= from) && (to == 0 || y <= to) {
			bms = append(bms, bm)
		}
	}
	return roaring.FastOr(bms...)
}

// DropCaches empties the caches of the current snapshot, so that the
// next searches compute everything, as the first search after a change
// does: komoru bench times searches so.
func (ix *Index) DropCaches() {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.snap != nil {
		ix.snap.dropCaches()
	}
}
