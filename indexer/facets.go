package indexer

import (
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/komoru/komoru/catalog"
)

// countFacets counts every asked facet disjunctively: a facet's counts are
// taken over base narrowed by every other facet's filter, never its own.
// res is base narrowed by all filters, shared by the facets that have no
// filter. Each count is one AND-cardinality of two bitmaps: nothing walks
// the hits.
func (s *state) countFacets(cb *catalog.Codebook, q Query, base, res *roaring.Bitmap, filters map[string]*roaring.Bitmap) []FacetResult {
	names := q.Facets
	if names == nil {
		for _, f := range cb.Facets() {
			names = append(names, f.Name)
		}
	}
	// A small result is counted document by document, every facet at
	// once; a large one value by value, with bitmap intersections.
	var resCounts []int
	sparse := func(bm *roaring.Bitmap) bool { return bm.GetCardinality()*8 <= uint64(len(s.ids)) }
	if sparse(res) {
		resCounts = s.countDocs(res)
	}
	out := make([]FacetResult, 0, len(names))
	for _, name := range names {
		f, _ := cb.Facet(name)
		within, counts := res, resCounts
		if _, own := filters[name]; own {
			within = base.Clone()
			for g, fb := range filters {
				if g != name {
					within.And(fb)
				}
			}
			counts = nil
			if sparse(within) {
				counts = s.countDocs(within)
			}
		}
		fr := FacetResult{Name: name, Label: f.Label, Values: []FacetValue{}}
		selected := q.Filters[name]
		spoilers := s.spoilerValues(name, within)
		for _, c := range s.facets[name] {
			v := &s.values[c]
			var n int
			if counts != nil {
				n = counts[c]
			} else {
				n = int(within.AndCardinality(v.bm))
			}
			sel := slices.Contains(selected, v.value)
			if n == 0 && !sel {
				continue
			}
			fr.Values = append(fr.Values, FacetValue{Value: v.value, Label: cb.Label(name, v.value), Count: n, Selected: sel, Spoiler: spoilers[c]})
		}
		// A selected value no work has ever carried still shows, with 0.
		for _, v := range selected {
			if _, known := s.codeOf[name][v]; !known {
				fr.Values = append(fr.Values, FacetValue{Value: v, Label: cb.Label(name, v), Selected: true})
			}
		}
		out = append(out, fr)
	}
	return out
}

// countDocs counts every value over the documents of bm, reading the
// packed codes in ordinal order. Counting all values costs less than
// telling the wanted ones: the caller reads the facets it asked for.
func (s *state) countDocs(bm *roaring.Bitmap) []int {
	counts := make([]int, len(s.values))
	packed, at := s.packed, s.packedAt
	it := bm.ManyIterator()
	var buf [256]uint32
	for k := it.NextMany(buf[:]); k > 0; k = it.NextMany(buf[:]) {
		for _, o := range buf[:k] {
			for _, c := range packed[at[o]:at[o+1]] {
				counts[c]++
			}
		}
	}
	return counts
}
