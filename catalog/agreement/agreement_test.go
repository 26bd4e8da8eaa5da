package agreement

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// near reports whether got is within tol of want.
func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

var fiveOrder = []string{"1", "2", "3", "4", "5"}

// krippendorff2011 reads the example of Krippendorff (2011), section D.
func krippendorff2011(t testing.TB) []Unit {
	t.Helper()
	f, err := os.Open("testdata/krippendorff2011.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	units, coders, err := ReadReliabilityCSV(f, LevelNominal)
	if err != nil {
		t.Fatal(err)
	}
	if len(units) != 12 || !slices.Equal(coders, []string{"A", "B", "C", "D"}) {
		t.Fatalf("read %d units, coders %v; want 12 units, A B C D", len(units), coders)
	}
	return units
}

// TestKrippendorff2011 reproduces the published figures of Krippendorff
// (2011), "Computing Krippendorff's Alpha-Reliability", section D (four
// observers, twelve units, missing values): nominal α = .743, ordinal
// .815, interval .849, and the nominal coincidence matrix the paper
// prints (unit 12 has a single value, so n = 40 from 11 units).
func TestKrippendorff2011(t *testing.T) {
	units := krippendorff2011(t)
	for _, tc := range []struct {
		level Level
		want  float64
		read  string
	}{
		{LevelNominal, 0.743, ReadingTentative},
		{LevelOrdinal, 0.815, ReadingReliable},
		{LevelInterval, 0.849, ReadingReliable},
	} {
		t.Run(string(tc.level), func(t *testing.T) {
			r, err := Compute(units, tc.level, Options{Order: fiveOrder})
			if err != nil {
				t.Fatal(err)
			}
			if !near(r.Alpha, tc.want, 0.0005) {
				t.Errorf("alpha = %.4f, published %.3f", r.Alpha, tc.want)
			}
			if r.Reading != tc.read {
				t.Errorf("reading %q, want %q", r.Reading, tc.read)
			}
			if r.Units != 11 || r.Coders != 4 || r.Pairable != 40 || r.Undefined != "" {
				t.Errorf("units %d coders %d pairable %d undefined %q, want 11, 4, 40, none", r.Units, r.Coders, r.Pairable, r.Undefined)
			}
			if !(r.CI95[0] < r.Alpha && r.Alpha < r.CI95[1]) || r.Resamples != DefaultResamples {
				t.Errorf("CI95 %v from %d resamples does not surround alpha %.3f", r.CI95, r.Resamples, r.Alpha)
			}
		})
	}

	// The paper's coincidence matrix (the same for every level: only δ
	// differs). Its marginals are n_c = 9, 13, 10, 5, 3 and n = 40.
	r, err := Compute(units, LevelNominal, Options{Resamples: -1})
	if err != nil {
		t.Fatal(err)
	}
	const third = 1.0 / 3
	want := [][]float64{
		{7, 4 * third, third, third, 0},
		{4 * third, 10, 4 * third, third, 0},
		{third, 4 * third, 8, third, 0},
		{third, third, third, 4, 0},
		{0, 0, 0, 0, 3},
	}
	m := r.Coincidence
	if !slices.Equal(m.Values, fiveOrder) {
		t.Fatalf("matrix values %v, want %v", m.Values, fiveOrder)
	}
	for c := range want {
		for k := range want[c] {
			if !near(m.Counts[c][k], want[c][k], 1e-12) {
				t.Errorf("o[%s][%s] = %.4f, the paper has %.4f", m.Values[c], m.Values[k], m.Counts[c][k], want[c][k])
			}
		}
	}
	if !slices.Equal(m.Totals, []float64{9, 13, 10, 5, 3}) || m.N != 40 {
		t.Errorf("marginals %v, n %v; the paper has 9 13 10 5 3, 40", m.Totals, m.N)
	}
}

// TestPairwiseFormEqualsCoincidenceForm checks the coincidence-matrix
// computation against the general pairwise definition of alpha with an
// arbitrary distance δ:
//
//	D_o = (1/n) Σ_u (1/(m_u−1)) Σ_{i≠j in u} δ(v_i, v_j)
//	D_e = (1/(n(n−1))) Σ_{i≠j over all pairable values} δ(v_i, v_j)
//
// for nominal (δ 0/1), interval and set (MASI) data.
func TestPairwiseFormEqualsCoincidenceForm(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	nominal := func(a, b []string) float64 {
		if a[0] == b[0] {
			return 0
		}
		return 1
	}
	interval := func(a, b []string) float64 {
		x, _ := strconv.ParseFloat(a[0], 64)
		y, _ := strconv.ParseFloat(b[0], 64)
		return (x - y) * (x - y)
	}
	for _, tc := range []struct {
		level Level
		delta func(a, b []string) float64
		gen   func(r *rand.Rand) []string
	}{
		{LevelNominal, nominal, pick([]string{"a", "b", "c"})},
		{LevelInterval, interval, pick([]string{"1", "2.5", "4", "-3"})},
		{LevelSet, MASI, randomSet([]string{"a", "b", "c", "d"})},
	} {
		for trial := range 5 {
			units := randomUnits(r, 30, 4, 0.3, tc.gen)
			got, err := Compute(units, tc.level, Options{Resamples: -1})
			if err != nil {
				t.Fatal(err)
			}
			want := pairwiseAlpha(units, tc.delta)
			if !near(got.Alpha, want, 1e-12) {
				t.Errorf("%s trial %d: coincidence form %.15f, pairwise form %.15f", tc.level, trial, got.Alpha, want)
			}
		}
	}
	// The 2011 example through the pairwise form, nominal.
	if a := pairwiseAlpha(krippendorff2011(t), nominal); !near(a, 0.743, 0.0005) {
		t.Errorf("pairwise form on Krippendorff (2011): %.4f, published .743", a)
	}
}

// pairwiseAlpha is alpha by the general pairwise definition, straight
// from the formula, with no coincidence matrix.
func pairwiseAlpha(units []Unit, delta func(a, b []string) float64) float64 {
	var all [][]string
	var do float64
	for _, u := range units {
		var vals [][]string
		for _, v := range u.Values {
			vals = append(vals, v)
		}
		if len(vals) < 2 {
			continue
		}
		var s float64
		for i := range vals {
			for j := range vals {
				if i != j {
					s += delta(vals[i], vals[j])
				}
			}
		}
		do += s / float64(len(vals)-1)
		all = append(all, vals...)
	}
	n := float64(len(all))
	var de float64
	for i := range all {
		for j := range all {
			if i != j {
				de += delta(all[i], all[j])
			}
		}
	}
	return 1 - (do/n)/(de/(n*(n-1)))
}

// pick returns a generator of one value drawn uniformly from values.
func pick(values []string) func(r *rand.Rand) []string {
	return func(r *rand.Rand) []string { return []string{values[r.IntN(len(values))]} }
}

// randomSet returns a generator of a uniformly random subset of labels
// (the empty set included).
func randomSet(labels []string) func(r *rand.Rand) []string {
	return func(r *rand.Rand) []string {
		s := []string{}
		for _, l := range labels {
			if r.IntN(2) == 0 {
				s = append(s, l)
			}
		}
		return s
	}
}

// randomUnits makes n units coded by coders c0…, each value missing with
// probability missing and otherwise drawn by gen.
func randomUnits(r *rand.Rand, n, coders int, missing float64, gen func(r *rand.Rand) []string) []Unit {
	units := make([]Unit, n)
	for i := range units {
		units[i] = Unit{ID: fmt.Sprintf("u%d", i), Values: map[string][]string{}}
		for c := range coders {
			if r.Float64() >= missing {
				units[i].Values[fmt.Sprintf("c%d", c)] = gen(r)
			}
		}
	}
	return units
}

// noisyUnits makes units whose coders mostly agree: each coder copies a
// true value and, with probability noise, draws another instead.
func noisyUnits(r *rand.Rand, n, coders int, missing, noise float64, gen func(r *rand.Rand) []string) []Unit {
	units := make([]Unit, n)
	for i := range units {
		truth := gen(r)
		units[i] = Unit{ID: fmt.Sprintf("u%d", i), Values: map[string][]string{}}
		for c := range coders {
			if r.Float64() < missing {
				continue
			}
			v := truth
			if r.Float64() < noise {
				v = gen(r)
			}
			units[i].Values[fmt.Sprintf("c%d", c)] = v
		}
	}
	return units
}

// mapValues returns units with every value passed through f.
func mapValues(units []Unit, f func([]string) []string) []Unit {
	out := make([]Unit, len(units))
	for i, u := range units {
		out[i] = Unit{ID: u.ID, Values: map[string][]string{}}
		for c, v := range u.Values {
			out[i].Values[c] = f(v)
		}
	}
	return out
}

func TestPerfectAgreement(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct {
		level Level
		gen   func(r *rand.Rand) []string
	}{
		{LevelNominal, pick([]string{"a", "b", "c"})},
		{LevelOrdinal, pick(fiveOrder)},
		{LevelInterval, pick(fiveOrder)},
		{LevelSet, randomSet([]string{"a", "b", "c"})},
	} {
		units := noisyUnits(r, 50, 4, 0.2, 0, tc.gen)
		res, err := Compute(units, tc.level, Options{Order: fiveOrder})
		if err != nil {
			t.Fatal(err)
		}
		if res.Alpha != 1 || res.Reading != ReadingReliable || res.CI95 != [2]float64{1, 1} {
			t.Errorf("%s: alpha %v (%s), CI95 %v; want 1, reliable, [1 1]", tc.level, res.Alpha, res.Reading, res.CI95)
		}
	}
}

// TestInvariance: alpha does not depend on the names of nominal values,
// on the names or order of coders, on the order of units, nor (ordinal)
// on which end of the scale comes first.
func TestInvariance(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for trial := range 10 {
		nom := noisyUnits(r, 40, 4, 0.25, 0.4, pick([]string{"a", "b", "c", "d"}))
		ord := noisyUnits(r, 40, 4, 0.25, 0.4, pick(fiveOrder))
		set := noisyUnits(r, 40, 4, 0.25, 0.4, randomSet([]string{"a", "b", "c"}))
		alphaOf := func(units []Unit, level Level, order []string) float64 {
			t.Helper()
			res, err := Compute(units, level, Options{Order: order, Resamples: -1})
			if err != nil {
				t.Fatal(err)
			}
			return res.Alpha
		}
		rename := map[string]string{"a": "zz", "b": "a", "c": "m", "d": "b"}
		renamed := mapValues(nom, func(v []string) []string { return []string{rename[v[0]]} })
		reversed := slices.Clone(fiveOrder)
		slices.Reverse(reversed)
		shuffled := func(units []Unit) []Unit {
			out := slices.Clone(units)
			r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
			// Rename coders too: c0→k3, c1→k2, … changes their sort order.
			for i, u := range out {
				vals := map[string][]string{}
				for c, v := range u.Values {
					n, _ := strconv.Atoi(strings.TrimPrefix(c, "c"))
					vals[fmt.Sprintf("k%d", 3-n)] = v
				}
				out[i] = Unit{ID: u.ID, Values: vals}
			}
			return out
		}
		for _, check := range []struct {
			name       string
			base, same float64
		}{
			{"nominal renamed", alphaOf(nom, LevelNominal, nil), alphaOf(renamed, LevelNominal, nil)},
			{"nominal reordered", alphaOf(nom, LevelNominal, nil), alphaOf(shuffled(nom), LevelNominal, nil)},
			{"ordinal reversed", alphaOf(ord, LevelOrdinal, fiveOrder), alphaOf(ord, LevelOrdinal, reversed)},
			{"ordinal reordered", alphaOf(ord, LevelOrdinal, fiveOrder), alphaOf(shuffled(ord), LevelOrdinal, fiveOrder)},
			{"interval reordered", alphaOf(ord, LevelInterval, nil), alphaOf(shuffled(ord), LevelInterval, nil)},
			{"set reordered", alphaOf(set, LevelSet, nil), alphaOf(shuffled(set), LevelSet, nil)},
		} {
			if !near(check.base, check.same, 1e-12) {
				t.Errorf("trial %d, %s: alpha %.15f became %.15f", trial, check.name, check.base, check.same)
			}
		}
	}
}

// TestRandomCodingsNearZero: coders who code at random agree no better
// than chance, so alpha is near 0 (its expectation is about 0; with
// 3,000 units its spread is well under .05).
func TestRandomCodingsNearZero(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, tc := range []struct {
		level Level
		gen   func(r *rand.Rand) []string
	}{
		{LevelNominal, pick([]string{"a", "b", "c", "d"})},
		{LevelOrdinal, pick(fiveOrder)},
		{LevelInterval, pick(fiveOrder)},
		{LevelSet, randomSet([]string{"a", "b", "c", "d"})},
	} {
		units := randomUnits(r, 3000, 3, 0.2, tc.gen)
		res, err := Compute(units, tc.level, Options{Order: fiveOrder, Resamples: 200})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(res.Alpha) >= 0.05 {
			t.Errorf("%s: random codings give alpha %.4f, want |alpha| < .05", tc.level, res.Alpha)
		}
		if !(res.CI95[0] < 0.05 && res.CI95[1] > -0.05) {
			t.Errorf("%s: CI95 %v far from 0", tc.level, res.CI95)
		}
	}
}

// TestSingleValueUnitChangesNothing: a unit one coder coded is not
// pairable and leaves every figure as it was.
func TestSingleValueUnitChangesNothing(t *testing.T) {
	units := krippendorff2011(t)
	for _, level := range []Level{LevelNominal, LevelOrdinal, LevelInterval} {
		before, err := Compute(units, level, Options{Order: fiveOrder})
		if err != nil {
			t.Fatal(err)
		}
		more := append(slices.Clone(units), Unit{ID: "13", Values: map[string][]string{"A": {"5"}}}, Unit{ID: "14"})
		after, err := Compute(more, level, Options{Order: fiveOrder})
		if err != nil {
			t.Fatal(err)
		}
		if after.Alpha != before.Alpha || after.CI95 != before.CI95 || after.Units != before.Units || after.Pairable != before.Pairable {
			t.Errorf("%s: alpha %v CI %v units %d pairable %d became %v %v %d %d", level,
				before.Alpha, before.CI95, before.Units, before.Pairable, after.Alpha, after.CI95, after.Units, after.Pairable)
		}
	}
}

// TestMASI checks the distance against NLTK's masi_distance definition.
func TestMASI(t *testing.T) {
	for _, tc := range []struct {
		a, b []string
		want float64
	}{
		{[]string{"a", "b"}, []string{"a", "b"}, 0},
		{[]string{"b", "a", "a"}, []string{"a", "b"}, 0}, // order and repeats do not matter
		{[]string{"a"}, []string{"a", "b"}, 1 - 1.0/2*0.67},
		{[]string{"a", "b"}, []string{"a"}, 0.665},
		{[]string{"a", "b"}, []string{"b", "c"}, 1 - 1.0/3*0.33},
		{[]string{"a"}, []string{"b"}, 1},
		{[]string{"a", "b", "c"}, []string{"c", "d"}, 1 - 1.0/4*0.33},
		{[]string{"a"}, nil, 1}, // the empty set is a subset of {a}, but shares nothing
		{nil, []string{}, 0},    // defined here: NLTK divides by zero
		{[]string{"x", "y", "z"}, []string{"y"}, 1 - 1.0/3*0.67},
	} {
		if got := MASI(tc.a, tc.b); !near(got, tc.want, 1e-15) {
			t.Errorf("MASI(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

// TestSetByHand works a small set example by hand: two coders, four
// works.
func TestSetByHand(t *testing.T) {
	units := []Unit{
		{ID: "w1", Values: map[string][]string{"A": {"a"}, "B": {"a"}}},
		{ID: "w2", Values: map[string][]string{"A": {"a", "b"}, "B": {"b"}}},
		{ID: "w3", Values: map[string][]string{"A": {}, "B": {}}},
		{ID: "w4", Values: map[string][]string{"A": {"b"}, "B": {"b"}}},
	}
	res, err := Compute(units, LevelSet, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// D_o: only w2 disagrees, δ = 1 − 1/2 × .67 = .665, both ordered
	// pairs, n = 8. D_e: the eight values are {a}×2, {a,b}, {b}×3, {}×2;
	// the ordered pairs' δ sum to 2 × (2×.665 + 6 + 4 + 3×.665 + 2 + 6).
	wantDo := 2 * 0.665 / 8
	wantDe := 2 * (2*0.665 + 6 + 4 + 3*0.665 + 2 + 6) / (8 * 7)
	if !near(res.Observed, wantDo, 1e-12) || !near(res.Expected, wantDe, 1e-12) || !near(res.Alpha, 1-wantDo/wantDe, 1e-12) {
		t.Errorf("D_o %.6f D_e %.6f alpha %.6f, want %.6f %.6f %.6f", res.Observed, res.Expected, res.Alpha, wantDo, wantDe, 1-wantDo/wantDe)
	}
	if want := []string{"a", "a+b", "b", NoneLabel}; !slices.Equal(res.Coincidence.Values, want) {
		t.Errorf("matrix values %v, want %v", res.Coincidence.Values, want)
	}
	// Per value: "has a" is 1,1 / 1,0 / 0,0 / 0,0: n = 8, n_has = 3, one
	// disagreeing unit: α = 1 − (2/8)/(2×3×5/56) = 16/30. "has b" agrees
	// everywhere: 1.
	want := []ValueAlpha{
		{Value: "a", Alpha: 16.0 / 30, Reading: ReadingUnreliable},
		{Value: "b", Alpha: 1, Reading: ReadingReliable},
	}
	if len(res.PerValue) != len(want) {
		t.Fatalf("per value %v, want %v", res.PerValue, want)
	}
	for i, w := range want {
		g := res.PerValue[i]
		if g.Value != w.Value || !near(g.Alpha, w.Alpha, 1e-12) || g.Reading != w.Reading || g.Undefined != "" {
			t.Errorf("per value %d: %+v, want %+v", i, g, w)
		}
	}
	if len(res.Pairwise) != 1 || res.Pairwise[0].Identical != 0.75 || !near(res.Pairwise[0].Alpha, res.Alpha, 1e-12) {
		t.Errorf("pairwise %+v, want A–B with 3/4 identical and the overall alpha", res.Pairwise)
	}
}

// TestPerValueIsBinaryNominal: each label's alpha is the nominal alpha of
// the has/lacks data computed from scratch.
func TestPerValueIsBinaryNominal(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	labels := []string{"a", "b", "c", "d"}
	units := noisyUnits(r, 60, 4, 0.3, 0.5, randomSet(labels))
	res, err := Compute(units, LevelSet, Options{Resamples: -1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.PerValue) != len(labels) {
		t.Fatalf("per value for %d labels, want %d", len(res.PerValue), len(labels))
	}
	for i, l := range labels {
		binary := mapValues(units, func(v []string) []string {
			return []string{strconv.FormatBool(slices.Contains(v, l))}
		})
		want, err := Compute(binary, LevelNominal, Options{Resamples: -1})
		if err != nil {
			t.Fatal(err)
		}
		if g := res.PerValue[i]; g.Value != l || !near(g.Alpha, want.Alpha, 1e-12) {
			t.Errorf("label %s: per-value alpha %.15f, binary nominal %.15f", l, g.Alpha, want.Alpha)
		}
	}
}

// TestPairwise: each pair's alpha is Compute on the two coders' values
// alone, and Identical the share of their shared units coded alike.
func TestPairwise(t *testing.T) {
	units := krippendorff2011(t)
	for _, level := range []Level{LevelNominal, LevelOrdinal, LevelInterval} {
		res, err := Compute(units, level, Options{Order: fiveOrder, Resamples: -1})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, p := range res.Pairwise {
			names = append(names, p.A+p.B)
			two := mapValues(units, func(v []string) []string { return v })
			shared, same := 0, 0
			for _, u := range two {
				for c := range u.Values {
					if c != p.A && c != p.B {
						delete(u.Values, c)
					}
				}
				if len(u.Values) == 2 {
					shared++
					if u.Values[p.A][0] == u.Values[p.B][0] {
						same++
					}
				}
			}
			want, err := Compute(two, level, Options{Order: fiveOrder, Resamples: -1})
			if err != nil {
				t.Fatal(err)
			}
			if !near(p.Alpha, want.Alpha, 1e-12) || p.Reading != want.Reading || p.Units != shared || p.Identical != float64(same)/float64(shared) {
				t.Errorf("%s %s–%s: %+v; want alpha %.4f on %d units, %d identical", level, p.A, p.B, p, want.Alpha, shared, same)
			}
		}
		if want := []string{"AB", "AC", "AD", "BC", "BD", "CD"}; !slices.Equal(names, want) {
			t.Errorf("pairs %v, want %v", names, want)
		}
	}
	// By hand: A and B share units 1–9 and differ only on unit 6.
	res, _ := Compute(units, LevelNominal, Options{Resamples: -1})
	if p := res.Pairwise[0]; p.Units != 9 || !near(p.Identical, 8.0/9, 1e-15) {
		t.Errorf("A–B: %d units, %.3f identical; want 9, 8/9", p.Units, p.Identical)
	}
}

func TestUndefined(t *testing.T) {
	for _, tc := range []struct {
		name  string
		units []Unit
		why   string
	}{
		{"no units", nil, UndefinedNoPairs},
		{"single values", []Unit{{ID: "1", Values: map[string][]string{"A": {"x"}}}, {ID: "2", Values: map[string][]string{"B": {"y"}}}}, UndefinedNoPairs},
		{"one value everywhere", []Unit{{ID: "1", Values: map[string][]string{"A": {"x"}, "B": {"x"}}}, {ID: "2", Values: map[string][]string{"A": {"x"}, "B": {"x"}, "C": {"x"}}}}, UndefinedNoVariation},
	} {
		res, err := Compute(tc.units, LevelNominal, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !math.IsNaN(res.Alpha) || res.Undefined != tc.why || res.Reading != ReadingUndefined || !math.IsNaN(res.CI95[0]) || !math.IsNaN(res.CI95[1]) || res.Resamples != 0 {
			t.Errorf("%s: alpha %v, undefined %q, reading %q, CI %v; want NaN, %q, undefined, NaN", tc.name, res.Alpha, res.Undefined, res.Reading, res.CI95, tc.why)
		}
	}
}

func TestReading(t *testing.T) {
	for _, tc := range []struct {
		alpha float64
		want  string
	}{
		{1, ReadingReliable}, {0.800, ReadingReliable}, {0.7999, ReadingTentative},
		{0.667, ReadingTentative}, {2.0 / 3, ReadingUnreliable}, {0, ReadingUnreliable},
		{-0.5, ReadingUnreliable}, {math.NaN(), ReadingUndefined},
	} {
		if got := Reading(tc.alpha); got != tc.want {
			t.Errorf("Reading(%v) = %q, want %q", tc.alpha, got, tc.want)
		}
	}
}

func TestErrors(t *testing.T) {
	one := func(coder string, v ...string) []Unit {
		return []Unit{{ID: "w1", Values: map[string][]string{coder: v, "other": {"1"}}}}
	}
	for _, tc := range []struct {
		name  string
		units []Unit
		level Level
		order []string
		want  string
	}{
		{"unknown level", nil, "ratio", nil, `unknown level "ratio"`},
		{"ordinal without order", nil, LevelOrdinal, nil, "ordinal level needs the values' order"},
		{"value outside order", one("A", "x"), LevelOrdinal, fiveOrder, `value "x" is not in the order`},
		{"order repeats", nil, LevelOrdinal, []string{"1", "1"}, `value "1" is twice in the order`},
		{"interval not number", one("A", "x"), LevelInterval, nil, `interval value "x" is not a number`},
		{"two values", one("A", "1", "2"), LevelNominal, nil, `unit "w1", coder "A": the nominal level takes exactly one value, got 2`},
		{"no value", one("A"), LevelNominal, nil, "takes exactly one value, got 0"},
		{"unit twice", append(one("A", "1"), one("A", "1")...), LevelNominal, nil, `unit "w1" is given twice`},
	} {
		_, err := Compute(tc.units, tc.level, Options{Order: tc.order})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one saying %q", tc.name, err, tc.want)
		}
	}
}

// TestBootstrap: the interval is reproducible for a seed, depends on
// the seed, and narrows as the data grow.
func TestBootstrap(t *testing.T) {
	units := krippendorff2011(t)
	ci := func(units []Unit, o Options) [2]float64 {
		t.Helper()
		o.Order = fiveOrder
		res, err := Compute(units, LevelOrdinal, o)
		if err != nil {
			t.Fatal(err)
		}
		return res.CI95
	}
	a, b := ci(units, Options{}), ci(units, Options{Seed: DefaultSeed})
	if a != b {
		t.Errorf("the default seed gave %v then %v", a, b)
	}
	if c := ci(units, Options{Seed: 42}); c == a {
		t.Errorf("seed 42 gave the default seed's interval %v", c)
	}
	if c := ci(units, Options{Resamples: -1}); !math.IsNaN(c[0]) || !math.IsNaN(c[1]) {
		t.Errorf("no resamples gave %v, want NaN, NaN", c)
	}
	r := rand.New(rand.NewPCG(11, 12))
	small := noisyUnits(r, 30, 3, 0.1, 0.3, pick(fiveOrder))
	large := noisyUnits(r, 1000, 3, 0.1, 0.3, pick(fiveOrder))
	ws, wl := ci(small, Options{}), ci(large, Options{})
	if !(wl[1]-wl[0] < (ws[1]-ws[0])/3) {
		t.Errorf("interval on 1,000 units %v is not much narrower than on 30 %v", wl, ws)
	}
}

// TestQuantile checks the percentile interpolation (R's type 7).
func TestQuantile(t *testing.T) {
	xs := []float64{1, 2, 3, 4, 5}
	for _, tc := range []struct{ p, want float64 }{{0, 1}, {1, 5}, {0.5, 3}, {0.025, 1.1}, {0.975, 4.9}} {
		if got := quantile(xs, tc.p); !near(got, tc.want, 1e-12) {
			t.Errorf("quantile(%v) = %v, want %v", tc.p, got, tc.want)
		}
	}
}

// TestAlias checks that the alias table draws with the right
// frequencies.
func TestAlias(t *testing.T) {
	p := []float64{0.5, 0.1, 0.3, 0.1}
	tab := newAlias(p)
	r := rand.NewPCG(13, 14)
	const n = 400000
	counts := make([]int, len(p))
	for range n {
		counts[tab.draw(r)]++
	}
	for i, want := range p {
		if got := float64(counts[i]) / n; !near(got, want, 0.005) {
			t.Errorf("outcome %d drawn %.4f of the time, want %.2f", i, got, want)
		}
	}
}

// TestSetsAreNotConfusedByTheirLabels: the set {"a+b"} is not the set
// {"a", "b"}, though the matrix writes both as "a+b".
func TestSetsAreNotConfusedByTheirLabels(t *testing.T) {
	units := []Unit{
		{ID: "w1", Values: map[string][]string{"A": {"a+b"}, "B": {"a", "b"}}},
		{ID: "w2", Values: map[string][]string{"A": {"a"}, "B": {"a"}}},
	}
	res, err := Compute(units, LevelSet, Options{Resamples: -1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Coincidence.Values) != 3 || res.Pairwise[0].Identical != 0.5 || res.Observed == 0 {
		t.Errorf("values %v, identical %v, D_o %v: {a+b} taken for {a, b}", res.Coincidence.Values, res.Pairwise[0].Identical, res.Observed)
	}
}
