package indexer

import (
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/komoru/komoru/catalog"
)

// pickSorted returns size ordinals of res from offset in a sort order.
func (s *state) pickSorted(res *roaring.Bitmap, sort string, offset, size int) []uint32 {
	c := int(res.GetCardinality())
	switch sort {
	case SortYear:
		return s.pick(res, c, s.orders.byYear, s.orders.rankYear, false, offset, size)
	case SortYearDesc:
		return s.pick(res, c, s.orders.byYearDesc, s.orders.rankYearDesc, false, offset, size)
	case SortTitle:
		return s.pick(res, c, s.orders.byTitle, s.orders.rankTitle, false, offset, size)
	}
	return s.pick(res, c, s.orders.byID, s.orders.rankID, true, offset, size)
}

// pick returns up to n ordinals of bm (of cardinality c) from position
// offset in the order given by order and rank. It never loads the
// earlier hits: in id order it selects by rank in the bitmap itself;
// otherwise it walks the precomputed order when bm is dense, and sorts
// bm alone when it is sparse.
func (s *state) pick(bm *roaring.Bitmap, c int, order, rank []uint32, byID bool, offset, n int) []uint32 {
	if offset >= c || n <= 0 {
		return nil
	}
	out := make([]uint32, 0, min(n, c-offset))
	switch {
	case byID && s.idOrdered:
		first, err := bm.Select(uint32(offset))
		if err != nil {
			return nil
		}
		it := bm.Iterator()
		it.AdvanceIfNeeded(first)
		for it.HasNext() && len(out) < n {
			out = append(out, it.Next())
		}
	case c*16 >= len(order):
		skip := offset
		for _, o := range order {
			if !bm.Contains(o) {
				continue
			}
			if skip > 0 {
				skip--
				continue
			}
			out = append(out, o)
			if len(out) == n {
				break
			}
		}
	default:
		all := bm.ToArray()
		slices.SortFunc(all, func(a, b uint32) int { return int(rank[a]) - int(rank[b]) })
		out = append(out, all[offset:min(offset+n, len(all))]...)
	}
	return out
}

// hit builds the hit of one ordinal; with synopses, its synopsis as plain
// text when no highlight shows it (Query.Synopses).
func (ix *Index) hit(snap *snapshot, st *state, o uint32, ht *highlightTerms, synopses bool) Hit {
	d := &st.docs[o]
	h := Hit{ID: st.ids[o], Year: d.year}
	// Titles are read from the stored document: only a page of hits
	// needs them, so they are not kept in memory.
	doc, _ := snap.doc(o) // a document that cannot be read shows its id
	t := decodeTitles(doc.titles)
	h.Title, h.OriginalTitle = t.Title, t.Original
	if ms := st.valuesOf(o, catalog.FacetMedium); len(ms) > 0 {
		h.Medium = ms[0]
	}
	h.Portrayal = catalog.Portrayal{}
	for _, dim := range ix.cb.Dimensions {
		vs := st.valuesOf(o, dim.ID)
		switch {
		case dim.Multi && vs != nil:
			h.Portrayal[dim.ID] = catalog.Coding{Values: vs, Spoiler: st.isFlagged(dim.ID, o)}
		case len(vs) > 0:
			h.Portrayal[dim.ID] = catalog.Coding{Value: vs[0], Spoiler: st.isFlagged(dim.ID, o)}
		}
	}
	if vs := st.valuesOf(o, catalog.FacetCodingStatus); len(vs) > 0 {
		h.CodingStatus = vs[0]
	}
	if ht != nil {
		h.Highlights = ix.highlights(doc, st, o, &h, ht)
	}
	if synopses && len(h.Highlights[HighlightSynopsis]) == 0 {
		h.Synopsis = doc.synopsis
	}
	return h
}
