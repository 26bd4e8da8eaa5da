// Package contingency tests a two-way table of counts for independence:
// Pearson's chi-square test with its p-value and Cramér's V, a warning
// when expected counts are too small for the chi-square approximation,
// and Fisher's exact test for 2×2 tables. The statistic and the p-value
// come from gonum (stat.ChiSquare, distuv.ChiSquared); gonum has no
// Fisher's exact test, so it is computed here from hypergeometric
// probabilities, the way R's fisher.test does.
package contingency

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// MinExpected is the expected count under which a cell makes the
// chi-square approximation doubtful (Cochran's rule of thumb: no
// expected count under 5 in a 2×2 table, and few elsewhere).
const MinExpected = 5

// ErrTooSmall reports a table with fewer than two rows or two columns
// that hold any count: there is no association to test.
var ErrTooSmall = errors.New("contingency: a test needs at least two rows and two columns with counts")

// Test is the result of testing a table for independence. Rows and
// columns whose total is 0 are dropped first; Rows and Cols say which of
// the table's were kept, and Expected is indexed like them.
type Test struct {
	Rows, Cols []int       // indexes into the table of the rows and columns kept
	Expected   [][]float64 // [row][col] over the kept ones: row total × column total / N
	N          int         // the sum of all counts
	ChiSquare  float64     // Pearson's X²
	DF         int         // (rows-1)(cols-1)
	P          float64     // P(χ²(DF) ≥ X²)
	CramersV   float64     // sqrt(X² / (N·(min(rows, cols)-1))), 0 to 1
	// Sparse is how many of the Cells have an expected count under
	// MinExpected: when any has, P is unreliable.
	Sparse, Cells int
	// Fisher is, for a 2×2 table, Fisher's exact two-sided p-value; NaN
	// for larger tables.
	Fisher float64
}

// HasFisher reports whether the table was 2×2 and Fisher is its exact p.
func (t *Test) HasFisher() bool { return !math.IsNaN(t.Fisher) }

// Analyze tests counts ([row][col]) for independence. A ragged table or a
// negative count is an error; so is a table that, without its empty rows
// and columns, is smaller than 2×2 (ErrTooSmall).
func Analyze(counts [][]int) (*Test, error) {
	rowSum, colSum, err := margins(counts)
	if err != nil {
		return nil, err
	}
	t := &Test{Fisher: math.NaN()}
	for i, s := range rowSum {
		if s > 0 {
			t.Rows = append(t.Rows, i)
			t.N += s
		}
	}
	for j, s := range colSum {
		if s > 0 {
			t.Cols = append(t.Cols, j)
		}
	}
	r, c := len(t.Rows), len(t.Cols)
	if r < 2 || c < 2 {
		return nil, ErrTooSmall
	}
	obs := make([]float64, 0, r*c)
	exp := make([]float64, 0, r*c)
	t.Expected = make([][]float64, r)
	n := float64(t.N)
	for a, i := range t.Rows {
		t.Expected[a] = make([]float64, c)
		for b, j := range t.Cols {
			e := float64(rowSum[i]) * float64(colSum[j]) / n
			t.Expected[a][b] = e
			obs = append(obs, float64(counts[i][j]))
			exp = append(exp, e)
			if e < MinExpected {
				t.Sparse++
			}
		}
	}
	t.Cells = r * c
	t.ChiSquare = stat.ChiSquare(obs, exp)
	t.DF = (r - 1) * (c - 1)
	t.P = distuv.ChiSquared{K: float64(t.DF)}.Survival(t.ChiSquare)
	t.CramersV = math.Sqrt(t.ChiSquare / (n * float64(min(r, c)-1)))
	if r == 2 && c == 2 {
		at := func(a, b int) int { return counts[t.Rows[a]][t.Cols[b]] }
		t.Fisher = FisherExact(at(0, 0), at(0, 1), at(1, 0), at(1, 1))
	}
	return t, nil
}

// margins returns the row and column totals, checking the table's shape
// and counts.
func margins(counts [][]int) (rowSum, colSum []int, err error) {
	if len(counts) == 0 {
		return nil, nil, ErrTooSmall
	}
	width := len(counts[0])
	rowSum, colSum = make([]int, len(counts)), make([]int, width)
	for i, row := range counts {
		if len(row) != width {
			return nil, nil, fmt.Errorf("contingency: row %d has %d cells, row 0 has %d", i, len(row), width)
		}
		for j, x := range row {
			if x < 0 {
				return nil, nil, fmt.Errorf("contingency: cell [%d][%d] is negative (%d)", i, j, x)
			}
			rowSum[i] += x
			colSum[j] += x
		}
	}
	return rowSum, colSum, nil
}

// fisherRelErr is how much more probable than the observed table another
// table may be and still count as "as extreme": R's fisher.test uses
// 1 + 1e-7, so that tables exactly as probable as the observed one are
// not lost to rounding.
const fisherRelErr = 1 + 1e-7

// FisherExact returns the two-sided p-value of Fisher's exact test of the
// 2×2 table
//
//	a b
//	c d
//
// With the margins fixed, the top-left count x follows the
// hypergeometric distribution; the p-value is the total probability of
// every x no more probable than the observed a (within fisherRelErr), as
// R's fisher.test computes it.
func FisherExact(a, b, c, d int) float64 {
	if a < 0 || b < 0 || c < 0 || d < 0 {
		return math.NaN()
	}
	row1, row2, col1 := a+b, c+d, a+c
	lo, hi := max(0, col1-row2), min(row1, col1)
	// Log-probabilities up to a constant (the log of C(n, col1)), then
	// scaled by the largest and normalized by their sum, which cancels
	// the constant and the rounding of the log-gamma terms alike.
	logp := make([]float64, hi-lo+1)
	top := math.Inf(-1)
	for x := lo; x <= hi; x++ {
		logp[x-lo] = logChoose(row1, x) + logChoose(row2, col1-x)
		top = max(top, logp[x-lo])
	}
	var total, extreme float64
	observed := math.Exp(logp[a-lo] - top)
	for _, l := range logp {
		p := math.Exp(l - top)
		total += p
		if p <= observed*fisherRelErr {
			extreme += p
		}
	}
	return min(1, extreme/total)
}

// logChoose is log C(n, k).
func logChoose(n, k int) float64 {
	lg := func(x int) float64 {
		v, _ := math.Lgamma(float64(x) + 1)
		return v
	}
	return lg(n) - lg(k) - lg(n-k)
}
