package indexer

import (
	"context"
	"errors"
	"fmt"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/komoru/komoru/catalog"
)

// Crosstab is the contingency table of two facets over the works of a
// query: how many works carry each pair of values.
type Crosstab struct {
	Row, Col string // facet names
	// Rows and Cols are the values with at least one work in the table,
	// in the facet's display order (decades ascending). A value's Count
	// is the works carrying it among those with some value of the other
	// facet too: the works the table is about.
	Rows, Cols []FacetValue
	// Counts[r][c] is the works carrying both Rows[r] and Cols[c]. A
	// multi-valued facet counts a work once per value, so the cells may
	// add up to more than the works.
	Counts [][]int
	// Works is how many works the query matched.
	Works int
	// Missing is how many of them lack any value of Row or of Col, and so
	// are in no cell.
	Missing int
}

// Crosstab tabulates facets row and col over every work q matches: its
// text, filters (OR within a facet, AND across facets, as Search narrows
// its result) and years. q's page, size and sort are ignored, and so are
// the facets it asks to count. A bad query, an unknown facet or row equal
// to col is a *catalog.ValidationError naming the parameter ("row", "col").
func (ix *Index) Crosstab(ctx context.Context, q Query, row, col string) (_ *Crosstab, err error) {
	defer guardFaults()()
	defer ix.catchFault(&err)
	q.Page, q.Size, q.Sort, q.Facets, q.Explain, q.Synopses = 0, 0, "", nil, false, false
	st, snap, release, err := ix.view(ctx, &q, validateCrosstab(ix.cb, &q, row, col))
	if err != nil {
		return nil, err
	}
	defer release()
	m, err := ix.matchWorks(ctx, snap, st, q)
	if err != nil {
		return nil, err
	}
	return st.crosstab(ix.cb, m.res, row, col), ctx.Err()
}

// validateCrosstab checks the query and the two facets together, so that
// one error lists every bad parameter.
func validateCrosstab(cb *catalog.Codebook, q *Query, row, col string) error {
	fields := map[string]string{}
	if ve := (*catalog.ValidationError)(nil); errors.As(q.Validate(cb), &ve) {
		fields = ve.Fields
	}
	for _, p := range []struct{ param, facet string }{{"row", row}, {"col", col}} {
		switch _, ok := cb.Facet(p.facet); {
		case p.facet == "":
			fields[p.param] = "required: the name of a facet"
		case !ok:
			fields[p.param] = fmt.Sprintf("unknown facet %q", p.facet)
		}
	}
	if row != "" && row == col {
		fields["col"] = "must differ from row"
	}
	if len(fields) > 0 {
		return &catalog.ValidationError{Fields: fields}
	}
	return nil
}

// crosstabCounts are a table's counts over every value of its two
// facets, before the values no work carries are dropped.
type crosstabCounts struct {
	nc         int
	cells      []int // [i*nc+j]: row value i, col value j
	rowN, colN []int // works carrying the value, among those with some value of the other facet
	missing    int
}

// crosstab tabulates facets row and col over the works of bm. A small bm
// is counted work by work from the packed codes (countDocs' way); a large
// one with bitmap intersections, one per cell, whose cost does not grow
// with the works.
func (s *state) crosstab(cb *catalog.Codebook, bm *roaring.Bitmap, row, col string) *Crosstab {
	var n crosstabCounts
	if bm.GetCardinality()*8 <= uint64(len(s.ids)) {
		n = s.crosstabDocs(bm, row, col)
	} else {
		n = s.crosstabBitmaps(bm, row, col)
	}
	return s.assembleCrosstab(cb, bm, row, col, n)
}

// crosstabDocs counts the pairs of row and col values over the works of
// bm, reading each work's packed codes once: one pass over the works and
// no allocation per work.
func (s *state) crosstabDocs(bm *roaring.Bitmap, row, col string) crosstabCounts {
	rowCodes, colCodes := s.facets[row], s.facets[col]
	nr, nc := len(rowCodes), len(colCodes)
	// at maps a value code to 1+its index among the row's (or the col's)
	// values; 0 for a value of another facet.
	rowAt := make([]int32, len(s.values))
	colAt := make([]int32, len(s.values))
	for i, c := range rowCodes {
		rowAt[c] = int32(i) + 1
	}
	for i, c := range colCodes {
		colAt[c] = int32(i) + 1
	}
	n := crosstabCounts{nc: nc, cells: make([]int, nr*nc), rowN: make([]int, nr), colN: make([]int, nc)}
	var rs, cs []int32 // the current work's row and col indexes, reused
	packed, at := s.packed, s.packedAt
	it := bm.ManyIterator()
	var buf [256]uint32
	for k := it.NextMany(buf[:]); k > 0; k = it.NextMany(buf[:]) {
		for _, o := range buf[:k] {
			rs, cs = rs[:0], cs[:0]
			for _, c := range packed[at[o]:at[o+1]] {
				if i := rowAt[c]; i > 0 {
					rs = append(rs, i-1)
				}
				if j := colAt[c]; j > 0 {
					cs = append(cs, j-1)
				}
			}
			if len(rs) == 0 || len(cs) == 0 {
				n.missing++
				continue
			}
			for _, i := range rs {
				n.rowN[i]++
				for _, j := range cs {
					n.cells[int(i)*nc+int(j)]++
				}
			}
			for _, j := range cs {
				n.colN[j]++
			}
		}
	}
	return n
}

// crosstabBitmaps counts the same with bitmaps: each cell is the
// cardinality of bm ∧ row value ∧ col value; a value's works are those
// of bm carrying it and any value of the other facet.
func (s *state) crosstabBitmaps(bm *roaring.Bitmap, row, col string) crosstabCounts {
	rowCodes, colCodes := s.facets[row], s.facets[col]
	nr, nc := len(rowCodes), len(colCodes)
	n := crosstabCounts{nc: nc, cells: make([]int, nr*nc), rowN: make([]int, nr), colN: make([]int, nc)}
	anyOf := func(codes []uint16) *roaring.Bitmap {
		bms := make([]*roaring.Bitmap, len(codes))
		for i, c := range codes {
			bms[i] = s.values[c].bm
		}
		return roaring.And(bm, roaring.FastOr(bms...))
	}
	withRow, withCol := anyOf(rowCodes), anyOf(colCodes) // of bm
	both := roaring.And(withRow, withCol)
	n.missing = int(bm.GetCardinality() - both.GetCardinality())
	for i, rc := range rowCodes {
		inRow := roaring.And(both, s.values[rc].bm)
		n.rowN[i] = int(inRow.GetCardinality())
		if n.rowN[i] == 0 {
			continue
		}
		for j, cc := range colCodes {
			n.cells[i*nc+j] = int(inRow.AndCardinality(s.values[cc].bm))
		}
	}
	for j, cc := range colCodes {
		n.colN[j] = int(both.AndCardinality(s.values[cc].bm))
	}
	return n
}

// assembleCrosstab keeps the values some work of the table carries, in
// the facets' display order, with their labels and counts.
func (s *state) assembleCrosstab(cb *catalog.Codebook, bm *roaring.Bitmap, row, col string, n crosstabCounts) *Crosstab {
	rowCodes, colCodes := s.facets[row], s.facets[col]
	x := &Crosstab{Row: row, Col: col, Works: int(bm.GetCardinality()), Missing: n.missing}
	var keepR, keepC []int
	rowSpoilers, colSpoilers := s.spoilerValues(row, bm), s.spoilerValues(col, bm)
	for i, c := range rowCodes {
		if n.rowN[i] > 0 {
			x.Rows = append(x.Rows, FacetValue{Value: s.values[c].value, Label: cb.Label(row, s.values[c].value), Count: n.rowN[i], Spoiler: rowSpoilers[c]})
			keepR = append(keepR, i)
		}
	}
	for j, c := range colCodes {
		if n.colN[j] > 0 {
			x.Cols = append(x.Cols, FacetValue{Value: s.values[c].value, Label: cb.Label(col, s.values[c].value), Count: n.colN[j], Spoiler: colSpoilers[c]})
			keepC = append(keepC, j)
		}
	}
	x.Counts = make([][]int, len(keepR))
	for r, i := range keepR {
		x.Counts[r] = make([]int, len(keepC))
		for c, j := range keepC {
			x.Counts[r][c] = n.cells[i*n.nc+j]
		}
	}
	return x
}
