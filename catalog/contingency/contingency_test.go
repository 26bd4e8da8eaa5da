package contingency

import (
	"errors"
	"math"
	"slices"
	"testing"
)

// near reports whether got is within tol of want.
func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

// TestPartyByGender is the chi-square example of Agresti, An Introduction
// to Categorical Data Analysis, 2nd ed. (Wiley, 2007), Table 2.5 (p. 39):
// party identification by gender, General Social Survey 2000.
// The book prints the expected frequencies to one decimal and X² = 30.1
// with df = 2; R's chisq.test help page runs the same table ("From
// Agresti(2007) p.39") and prints X-squared = 30.07, df = 2,
// p-value = 2.954e-07.
func TestPartyByGender(t *testing.T) {
	counts := [][]int{
		// Democrat, Independent, Republican
		{762, 327, 468}, // females
		{484, 239, 477}, // males
	}
	x, err := Analyze(counts)
	if err != nil {
		t.Fatal(err)
	}
	if x.N != 2757 || x.DF != 2 || x.Cells != 6 || x.Sparse != 0 || x.HasFisher() {
		t.Errorf("N %d df %d cells %d sparse %d fisher %v, want 2757, 2, 6, 0, none", x.N, x.DF, x.Cells, x.Sparse, x.Fisher)
	}
	// Table 2.5's expected frequencies, as printed (one decimal).
	published := [][]float64{{703.7, 319.6, 533.7}, {542.3, 246.4, 411.3}}
	for i := range published {
		for j, want := range published[i] {
			if !near(x.Expected[i][j], want, 0.05) {
				t.Errorf("expected[%d][%d] = %.3f, Agresti prints %.1f", i, j, x.Expected[i][j], want)
			}
		}
	}
	if !near(x.ChiSquare, 30.07, 0.005) {
		t.Errorf("X² = %.4f, published 30.07", x.ChiSquare)
	}
	if !near(x.P, 2.954e-07, 0.0005e-07) {
		t.Errorf("p = %.4g, published 2.954e-07", x.P)
	}
	// With df = 2 the chi-square survival function is exp(-x/2): an
	// independent check of the p-value's computation.
	if !near(x.P, math.Exp(-x.ChiSquare/2), 1e-15) {
		t.Errorf("p = %g, exp(-X²/2) = %g", x.P, math.Exp(-x.ChiSquare/2))
	}
	// Cramér's V = sqrt(30.07 / (2757 · 1)) = 0.1044 by hand.
	if !near(x.CramersV, 0.1044, 0.00005) {
		t.Errorf("Cramér's V = %.5f, want 0.1044", x.CramersV)
	}
}

// TestFisherPublished checks Fisher's exact test against published 2×2
// examples.
func TestFisherPublished(t *testing.T) {
	cases := []struct {
		name       string
		a, b, c, d int
		want, tol  float64
	}{
		// Fisher's tea-tasting experiment: of 8 cups, 4 with milk poured
		// first, the lady named 3 of them right. Agresti, Categorical Data
		// Analysis, 2nd ed. (Wiley, 2002), p. 91–92: two-sided
		// P = 0.486; R's fisher.test help page (TeaTasting,
		// "Agresti (1990, p. 61f; 2002, p. 91)") prints p-value = 0.4857.
		// Exactly, (1 + 16 + 16 + 1) / 70 = 34/70.
		{"tea tasting", 3, 1, 1, 3, 0.4857, 0.00005},
		// Convictions of the like-sex twin brothers of criminals (Lange's
		// data, in Fisher, Statistical Methods for Research Workers, 14th
		// ed., 1970): dizygotic 2 convicted / 15 not, monozygotic 10 / 3.
		// R's fisher.test help page runs it ("Fisher (1962, 1970)") and
		// prints p-value = 0.0005367, two-sided.
		{"twins' convictions", 2, 15, 10, 3, 0.0005367, 0.00000005},
		// The same table transposed: the test does not care which
		// margin is which.
		{"twins transposed", 2, 10, 15, 3, 0.0005367, 0.00000005},
	}
	for _, c := range cases {
		if got := FisherExact(c.a, c.b, c.c, c.d); !near(got, c.want, c.tol) {
			t.Errorf("%s: p = %.7f, published %g", c.name, got, c.want)
		}
	}
}

// TestFisherExactFractions checks the two-sided p against the exact
// hypergeometric sums worked out by hand, as fractions.
func TestFisherExactFractions(t *testing.T) {
	cases := []struct {
		name       string
		a, b, c, d int
		want       float64
	}{
		// Margins 4, 4 / 4, 4: P(x) = C(4,x)C(4,4-x)/70 = 1, 16, 36, 16, 1
		// over 70; x = 3 is as probable as x = 1.
		{"tea tasting", 3, 1, 1, 3, 34.0 / 70},
		{"tea, all right", 4, 0, 0, 4, 2.0 / 70},
		{"tea, by chance", 2, 2, 2, 2, 1},
		// Twins: C(30,12) = 86493225 tables; the tail with P ≤ P(2) holds
		// x = 0, 1, 2 (13 + 1326 + 38896) and x = 12 (6188).
		{"twins", 2, 15, 10, 3, 46423.0 / 86493225},
		// A lopsided margin: rows 1 and 5, column 1 of 3. P(x=1) = 3/6,
		// P(x=0) = 3/6: both as probable, so p = 1.
		{"one row of one", 1, 0, 2, 3, 1},
	}
	for _, c := range cases {
		if got := FisherExact(c.a, c.b, c.c, c.d); !near(got, c.want, 1e-12) {
			t.Errorf("%s: p = %.15f, want %.15f", c.name, got, c.want)
		}
	}
}

// TestAnalyzeSmallCounts checks the warning on expected counts and the
// 2×2 path, with empty rows and columns dropped first.
func TestAnalyzeSmallCounts(t *testing.T) {
	counts := [][]int{
		{3, 0, 1, 0},
		{0, 0, 0, 0}, // an empty row: dropped
		{1, 0, 3, 0}, // the empty columns: dropped
	}
	x, err := Analyze(counts)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(x.Rows, []int{0, 2}) || !slices.Equal(x.Cols, []int{0, 2}) {
		t.Errorf("kept rows %v cols %v, want [0 2] [0 2]", x.Rows, x.Cols)
	}
	// Every expected count is 4·4/8 = 2, under 5; X² = 4·(1²/2) = 2.
	if x.Cells != 4 || x.Sparse != 4 || x.DF != 1 || !near(x.ChiSquare, 2, 1e-12) {
		t.Errorf("cells %d sparse %d df %d X² %g, want 4, 4, 1, 2", x.Cells, x.Sparse, x.DF, x.ChiSquare)
	}
	// P(χ²(1) ≥ 2) = erfc(1): the survival function of one degree of
	// freedom in closed form.
	if !near(x.P, math.Erfc(1), 1e-12) {
		t.Errorf("p = %g, want erfc(1) = %g", x.P, math.Erfc(1))
	}
	// V = sqrt(2/8) = 0.5.
	if !near(x.CramersV, 0.5, 1e-12) {
		t.Errorf("V = %g, want 0.5", x.CramersV)
	}
	if !x.HasFisher() || !near(x.Fisher, 34.0/70, 1e-12) {
		t.Errorf("Fisher = %g, want the tea-tasting 34/70", x.Fisher)
	}

	// A 2×3 table with one small expected count among six.
	x, err = Analyze([][]int{{20, 20, 2}, {20, 20, 2}})
	if err != nil {
		t.Fatal(err)
	}
	if x.Sparse != 2 || x.Cells != 6 || x.HasFisher() || x.ChiSquare != 0 || x.P != 1 {
		t.Errorf("sparse %d of %d, fisher %v, X² %g p %g; want 2 of 6, none, 0, 1", x.Sparse, x.Cells, x.Fisher, x.ChiSquare, x.P)
	}
}

// TestAnalyzeBadTables checks the errors.
func TestAnalyzeBadTables(t *testing.T) {
	cases := []struct {
		name   string
		counts [][]int
		tooFew bool
	}{
		{"empty", nil, true},
		{"one row", [][]int{{1, 2, 3}}, true},
		{"one column with counts", [][]int{{1, 0}, {2, 0}}, true},
		{"all zero", [][]int{{0, 0}, {0, 0}}, true},
		{"ragged", [][]int{{1, 2}, {3}}, false},
		{"negative", [][]int{{1, 2}, {3, -1}}, false},
	}
	for _, c := range cases {
		_, err := Analyze(c.counts)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		if errors.Is(err, ErrTooSmall) != c.tooFew {
			t.Errorf("%s: %v, too small %v", c.name, err, c.tooFew)
		}
	}
}
