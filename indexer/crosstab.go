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
	if err := validateCrosstab(ix.cb, &q, row, col); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	q.setDefaults()
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.st == nil || ix.snap == nil {
		return nil, errClosed
	}
	m, err := ix.matchWorks(ctx, ix.snap, ix.st, q)
	if err != nil {
		return nil, err
	}
	return ix.st.crosstab(ix.cb, m.res, row, col), ctx.Err()
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

// crosstab counts the pairs of row and col values over the works of bm,
// reading each work's packed codes once, as countDocs does: the cost is
// one pass over the works and no allocation per work.
func (s *state) crosstab(cb *catalog.Codebook, bm *roaring.Bitmap, row, col string) *Crosstab {
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
	cells := make([]int, nr*nc)
	rowN, colN := make([]int, nr), make([]int, nc)
	var rs, cs []int32 // the current work's row and col indexes, reused
	missing := 0
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
				missing++
				continue
			}
			for _, i := range rs {
				rowN[i]++
				for _, j := range cs {
					cells[int(i)*nc+int(j)]++
				}
			}
			for _, j := range cs {
				colN[j]++
			}
		}
	}

	x := &Crosstab{Row: row, Col: col, Works: int(bm.GetCardinality()), Missing: missing}
	var keepR, keepC []int
	for i, c := range rowCodes {
		if rowN[i] > 0 {
			x.Rows = append(x.Rows, FacetValue{Value: s.values[c].value, Label: cb.Label(row, s.values[c].value), Count: rowN[i]})
			keepR = append(keepR, i)
		}
	}
	for j, c := range colCodes {
		if colN[j] > 0 {
			x.Cols = append(x.Cols, FacetValue{Value: s.values[c].value, Label: cb.Label(col, s.values[c].value), Count: colN[j]})
			keepC = append(keepC, j)
		}
	}
	x.Counts = make([][]int, len(keepR))
	for r, i := range keepR {
		x.Counts[r] = make([]int, len(keepC))
		for c, j := range keepC {
			x.Counts[r][c] = cells[i*nc+j]
		}
	}
	return x
}
