// Package agreement measures how far several coders who coded the same
// units agree, with Krippendorff's alpha (Krippendorff 2011, "Computing
// Krippendorff's Alpha-Reliability"; Hayes and Krippendorff 2007).
//
// Alpha is 1 − D_o/D_e, observed over expected disagreement, both computed
// from the coincidence matrix o_ck of the pairable values: a unit coded
// by m_u ≥ 2 coders contributes each ordered pair of its values (i ≠ j)
// with weight 1/(m_u − 1), so that every pairable value counts once and
// n = Σ_c n_c is the number of pairable values. Units with fewer than two
// values are not pairable and change nothing, which is how Krippendorff
// handles missing values.
//
//	D_o = (1/n) Σ_c Σ_k o_ck δ²_ck
//	D_e = (1/(n(n−1))) Σ_c Σ_k n_c n_k δ²_ck   (δ²_cc = 0 for every metric here)
//
// Four levels of measurement set the difference function δ²:
//
//   - nominal: 0 for equal values, 1 otherwise;
//   - ordinal: Krippendorff's rank metric over the marginal totals,
//     δ²_ck = (Σ_{g=c..k} n_g − (n_c + n_k)/2)², with the values ranked by
//     Options.Order (values of the order nobody used have n_g = 0);
//   - interval: (c − k)², the values parsed as numbers;
//   - set: each value is a set of labels (possibly empty), compared with
//     the MASI distance of Passonneau (2006) as NLTK's masi_distance defines
//     it (see MASI). The general pairwise form of alpha for an arbitrary
//     distance equals the coincidence form above once the distinct sets
//     are taken as the values, so sets are computed that way; the tests
//     check the two forms against each other.
//
// The package uses the standard library only.
package agreement

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Level is a level of measurement: it decides the difference function.
type Level string

// The levels of measurement Compute knows.
const (
	LevelNominal  Level = "nominal"
	LevelOrdinal  Level = "ordinal"
	LevelInterval Level = "interval"
	LevelSet      Level = "set"
)

// The words of Krippendorff's reading of an alpha.
const (
	ReadingReliable   = "reliable"   // alpha ≥ .800
	ReadingTentative  = "tentative"  // .667 ≤ alpha < .800: tentative conclusions only
	ReadingUnreliable = "unreliable" // alpha < .667
	ReadingUndefined  = "undefined"  // alpha is NaN
)

// The reasons alpha can be undefined, in Result.Undefined.
const (
	UndefinedNoPairs     = "no pairable values: no unit was coded by two or more coders"
	UndefinedNoVariation = "no variation: every pairable value is the same, so no disagreement is expected"
)

// NoneLabel names the empty set (a unit coded "none" on a set dimension)
// in the coincidence matrix and in the reliability CSV.
const NoneLabel = "none"

// DefaultResamples is the number of bootstrap resamples when
// Options.Resamples is 0.
const DefaultResamples = 1000

// DefaultSeed seeds the bootstrap when Options.Seed is 0, so that the same
// data gives the same interval on every run.
const DefaultSeed uint64 = 0x6b6f6d6f7275 // "komoru"

// Unit is one unit of analysis (a work) with each coder's value. A coder
// who did not code the unit is absent from Values. For the single-valued
// levels a value is a slice of exactly one element; for LevelSet it is the
// set of labels the coder chose, possibly empty (the coder coded "none");
// the order of a set's labels and repeated labels do not matter.
type Unit struct {
	ID     string
	Values map[string][]string // coder → value
}

// Options tunes Compute. The zero value is ready to use except for the
// ordinal level, which needs Order.
type Options struct {
	// Order lists the values of an ordinal dimension from lowest to
	// highest; required for LevelOrdinal, ignored otherwise. Every value
	// coded must be in it.
	Order []string
	// Resamples is the number of bootstrap resamples for CI95: 0 means
	// DefaultResamples, a negative number none (CI95 is then NaN, NaN).
	Resamples int
	// Seed seeds the bootstrap's PCG generator; 0 means DefaultSeed.
	Seed uint64
}

// Matrix is a coincidence matrix: Counts[c][k] is o_ck, the number of
// c–k pairs of values within units, each unit's pairs weighted by
// 1/(m_u − 1). It is symmetric; Totals[c] is the marginal n_c and N the
// number of pairable values. Only values that occur in pairable units
// are listed: for ordinal in the order given, for interval by number, for
// nominal and sets sorted by label. A set is labelled by its labels,
// sorted and joined by "+", or NoneLabel when empty.
type Matrix struct {
	Values []string
	Counts [][]float64
	Totals []float64
	N      float64
}

// ValueAlpha is the agreement on one label of a set dimension: the
// binary nominal alpha of "the coder's set has this label" over the same
// pairable units.
type ValueAlpha struct {
	Value     string
	Alpha     float64 // NaN when undefined, e.g. when every coder always chose the label
	Reading   string
	Undefined string // why Alpha is NaN, empty otherwise
}

// Pair is the agreement of two coders on the units both coded.
type Pair struct {
	A, B  string // coder names, A < B
	Units int    // units both coded
	// Alpha is the pair's own alpha on those units at the same level
	// (NaN when undefined: no shared unit, or no variation in them).
	Alpha   float64
	Reading string
	// Identical is the share of the shared units on which the two gave
	// identical values (for sets: equal sets); NaN when Units is 0.
	Identical float64
}

// Result is what Compute measures for one dimension.
type Result struct {
	Level Level
	// Alpha is Krippendorff's alpha, NaN when it is undefined; Undefined
	// then says why (UndefinedNoPairs or UndefinedNoVariation).
	Alpha     float64
	Undefined string
	// Observed and Expected are D_o and D_e (NaN with no pairable value).
	Observed, Expected float64
	// CI95 is the bootstrap percentile interval (see Compute); NaN, NaN
	// when not computed (no resamples asked, or alpha undefined).
	CI95 [2]float64
	// Resamples is how many bootstrap resamples gave CI95 (0 when none).
	Resamples int
	// Units is the number of pairable units (two or more values), Coders
	// the number of coders with a value in one of them, Pairable the
	// number of values in them (n).
	Units, Coders, Pairable int
	// Reading is Krippendorff's reading of Alpha: ReadingReliable,
	// ReadingTentative, ReadingUnreliable or ReadingUndefined.
	Reading     string
	Coincidence Matrix
	// PerValue, for LevelSet only, is the binary alpha of each label seen
	// in a pairable unit, sorted by label.
	PerValue []ValueAlpha
	// Pairwise is each pair of coders, sorted by A then B.
	Pairwise []Pair
}

// Reading returns Krippendorff's reading of an alpha: reliable from .800,
// tentative from .667, unreliable below, undefined for NaN. The
// thresholds are his (Krippendorff 2004, p. 241), taken as written, so
// 2/3 = .6666… reads "unreliable".
func Reading(alpha float64) string {
	switch {
	case math.IsNaN(alpha):
		return ReadingUndefined
	case alpha >= 0.800:
		return ReadingReliable
	case alpha >= 0.667:
		return ReadingTentative
	default:
		return ReadingUnreliable
	}
}

// coded is the data in integer form: value ids in label order, and for
// each pairable unit the (coder, value) of each of its values.
type coded struct {
	level  Level
	labels []string   // value id → label (for sets, during prepare, the key)
	sets   [][]string // LevelSet: value id → sorted labels
	coders []string   // coder id → name, sorted
	units  [][]entry  // pairable units only
	delta  []float64  // V×V difference table δ²_ck (ordinal: filled after the marginals)
}

type entry struct{ coder, value int }

// Compute measures the agreement of the coders on units at the given
// level.
//
// The 95% interval is the bootstrap of Hayes and Krippendorff (2007),
// the algorithm of their KALPHA macro as Krippendorff describes it
// ("Algorithm for bootstrapping a distribution of α", 2006, revised
// 2011): each resample draws, with replacement, M pairs of values from
// the observed coincidences, a pair c–k with probability o_ck/n (the
// pairs of all pairable units, each unit's pairs weighted by
// 1/(m_u − 1), i.e. by how many coders coded the unit); M is the number
// of pairs of values within units, Σ_u m_u(m_u − 1)/2. The resample's
// alpha is 1 − mean(δ² of the drawn pairs)/D_e, with the expected
// disagreement D_e of the data held fixed: what varies is the observed
// disagreement. CI95 is the 2.5th and 97.5th percentiles of the resampled
// alphas (linear interpolation between order statistics, as R's
// quantile type 7). Units, coders and D_e are not resampled, and the
// resampled alphas are not clamped; a resample that draws only agreeing
// pairs gives 1. That is the published procedure, kept so that komoru's
// interval is the one KALPHA users know; note that it has been
// criticised (Gwet 2015, Hughes 2022) for understating the spread that
// resampling units would show. The draws come from a PCG generator
// (math/rand/v2) seeded with Options.Seed, so the same data and seed give
// the same interval.
//
// Errors name the problem: an unknown level, an ordinal level without
// its order or a value outside it, an interval value that is no number,
// a single-valued level given several values or none, a repeated unit.
func Compute(units []Unit, level Level, o Options) (Result, error) {
	d, err := prepare(units, level, o.Order)
	if err != nil {
		return Result{}, err
	}
	res := d.result()
	resamples := o.Resamples
	if resamples == 0 {
		resamples = DefaultResamples
	}
	res.CI95 = [2]float64{math.NaN(), math.NaN()}
	if resamples > 0 && !math.IsNaN(res.Alpha) {
		seed := o.Seed
		if seed == 0 {
			seed = DefaultSeed
		}
		res.CI95 = bootstrap(res.Coincidence, d.delta, res.Expected, d.pairs(), resamples, seed)
		res.Resamples = resamples
	}
	if level == LevelSet {
		res.PerValue = d.perValue(res.Coincidence)
	}
	res.Pairwise = d.pairwise()
	return res, nil
}

// prepare validates the units and turns them into value ids.
func prepare(units []Unit, level Level, order []string) (*coded, error) {
	switch level {
	case LevelNominal, LevelInterval, LevelSet:
	case LevelOrdinal:
		if len(order) == 0 {
			return nil, errors.New("agreement: ordinal level needs the values' order (Options.Order)")
		}
	default:
		return nil, fmt.Errorf("agreement: unknown level %q (want nominal, ordinal, interval or set)", level)
	}
	rank := map[string]int{}
	if level == LevelOrdinal {
		for i, v := range order {
			if _, dup := rank[v]; dup {
				return nil, fmt.Errorf("agreement: value %q is twice in the order", v)
			}
			rank[v] = i
		}
	}

	// Canonical labels first, so that ids can follow the labels' order.
	type raw struct {
		coder, label string
	}
	seen := map[string]bool{}
	rawUnits := make([][]raw, 0, len(units))
	numbers := map[string]float64{}
	labelSets := map[string][]string{}
	coderSet := map[string]bool{}
	for _, u := range units {
		if seen[u.ID] {
			return nil, fmt.Errorf("agreement: unit %q is given twice", u.ID)
		}
		seen[u.ID] = true
		var vals []raw
		for coder, v := range u.Values {
			label, err := canonical(level, v)
			if err != nil {
				return nil, fmt.Errorf("agreement: unit %q, coder %q: %w", u.ID, coder, err)
			}
			switch level {
			case LevelOrdinal:
				if _, ok := rank[label]; !ok {
					return nil, fmt.Errorf("agreement: unit %q, coder %q: value %q is not in the order", u.ID, coder, label)
				}
			case LevelInterval:
				x, err := strconv.ParseFloat(strings.TrimSpace(label), 64)
				if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
					return nil, fmt.Errorf("agreement: unit %q, coder %q: interval value %q is not a number", u.ID, coder, label)
				}
				numbers[label] = x
			case LevelSet:
				labelSets[label] = setOf(v)
			}
			vals = append(vals, raw{coder, label})
		}
		if len(vals) < 2 {
			continue // not pairable: changes nothing
		}
		for _, r := range vals {
			coderSet[r.coder] = true
		}
		rawUnits = append(rawUnits, vals)
	}

	d := &coded{level: level}
	labelSeen := map[string]bool{}
	for _, vals := range rawUnits {
		for _, r := range vals {
			if !labelSeen[r.label] {
				labelSeen[r.label] = true
				d.labels = append(d.labels, r.label)
			}
		}
	}
	switch level {
	case LevelOrdinal:
		sort.Slice(d.labels, func(i, j int) bool { return rank[d.labels[i]] < rank[d.labels[j]] })
	case LevelInterval:
		sort.Slice(d.labels, func(i, j int) bool {
			a, b := numbers[d.labels[i]], numbers[d.labels[j]]
			if a != b {
				return a < b
			}
			return d.labels[i] < d.labels[j]
		})
	case LevelSet:
		slices.SortFunc(d.labels, func(a, b string) int {
			return cmp.Or(cmp.Compare(setLabel(labelSets[a]), setLabel(labelSets[b])), cmp.Compare(a, b))
		})
	default:
		slices.Sort(d.labels)
	}
	id := make(map[string]int, len(d.labels))
	for i, l := range d.labels {
		id[l] = i
	}
	d.coders = slices.Sorted(maps.Keys(coderSet))
	coderID := make(map[string]int, len(d.coders))
	for i, c := range d.coders {
		coderID[c] = i
	}
	for _, vals := range rawUnits {
		es := make([]entry, len(vals))
		for i, r := range vals {
			es[i] = entry{coderID[r.coder], id[r.label]}
		}
		// Map order is random; sort by coder so every run adds the
		// same floating-point terms in the same order.
		slices.SortFunc(es, func(a, b entry) int { return a.coder - b.coder })
		d.units = append(d.units, es)
	}

	// The difference table. Ordinal needs the marginals, so it is filled
	// when the coincidences are known (see result).
	v := len(d.labels)
	d.delta = make([]float64, v*v)
	switch level {
	case LevelNominal:
		for c := range v {
			for k := range v {
				if c != k {
					d.delta[c*v+k] = 1
				}
			}
		}
	case LevelInterval:
		for c := range v {
			for k := range v {
				x := numbers[d.labels[c]] - numbers[d.labels[k]]
				d.delta[c*v+k] = x * x
			}
		}
	case LevelSet:
		d.sets = make([][]string, v)
		for i, l := range d.labels {
			d.sets[i] = labelSets[l]
			d.labels[i] = setLabel(d.sets[i]) // from here on a label is for show
		}
		for c := range v {
			for k := c + 1; k < v; k++ {
				x := masiSorted(d.sets[c], d.sets[k])
				d.delta[c*v+k], d.delta[k*v+c] = x, x
			}
		}
	}
	return d, nil
}

// canonical checks one coder's value and returns its key: the value
// itself, or for a set its sorted labels, each quoted, so that no two
// different sets share a key ({"a+b"} and {"a", "b"} do not).
func canonical(level Level, v []string) (string, error) {
	if level != LevelSet {
		if len(v) != 1 {
			return "", fmt.Errorf("the %s level takes exactly one value, got %d", level, len(v))
		}
		return v[0], nil
	}
	s := setOf(v)
	q := make([]string, len(s))
	for i, l := range s {
		q[i] = strconv.Quote(l)
	}
	return strings.Join(q, ","), nil
}

// setLabel is how the coincidence matrix names a set: its labels joined
// by "+", or NoneLabel.
func setLabel(s []string) string {
	if len(s) == 0 {
		return NoneLabel
	}
	return strings.Join(s, "+")
}

// setOf returns the distinct labels of v, sorted.
func setOf(v []string) []string {
	s := slices.Clone(v)
	slices.Sort(s)
	return slices.Compact(s)
}

// coincidences builds the coincidence matrix of units over v values. The
// pairs are counted as integers per unit size m_u and divided by m_u − 1
// once at the end, so that counts such as 7 come out as 7 and not
// 6.999…, and summing is cheaper.
func coincidences(units [][]entry, v int) [][]float64 {
	bySize := map[int][]int{}
	for _, u := range units {
		n := bySize[len(u)]
		if n == nil {
			n = make([]int, v*v)
			bySize[len(u)] = n
		}
		for i, a := range u {
			for j, b := range u {
				if i != j {
					n[a.value*v+b.value]++
				}
			}
		}
	}
	sizes := slices.Sorted(maps.Keys(bySize)) // a fixed order of additions: reproducible sums
	o := make([][]float64, v)
	for c := range o {
		o[c] = make([]float64, v)
		for _, m := range sizes {
			n := bySize[m]
			for k := range v {
				o[c][k] += float64(n[c*v+k]) / float64(m-1)
			}
		}
	}
	return o
}

// marginals returns n_c, the number of pairable values equal to c: the
// row totals of the coincidence matrix, counted exactly.
func marginals(units [][]entry, v int) []float64 {
	n := make([]float64, v)
	for _, u := range units {
		for _, e := range u {
			n[e.value]++
		}
	}
	return n
}

// result computes alpha and the figures without bootstrap, per-value and
// pairwise parts.
func (d *coded) result() Result {
	v := len(d.labels)
	o := coincidences(d.units, v)
	m := Matrix{Values: d.labels, Counts: o}
	pairable := 0
	for _, u := range d.units {
		pairable += len(u)
	}
	m.Totals = marginals(d.units, v)
	m.N = float64(pairable)
	if d.level == LevelOrdinal {
		ordinalDelta(d.delta, m.Totals)
	}
	res := Result{
		Level:       d.level,
		Units:       len(d.units),
		Coders:      len(d.coders),
		Pairable:    pairable,
		Coincidence: m,
	}
	res.Alpha, res.Observed, res.Expected, res.Undefined = alpha(o, m.Totals, m.N, d.delta)
	res.Reading = Reading(res.Alpha)
	return res
}

// ordinalDelta fills the v×v table with Krippendorff's ordinal metric
// over the marginals n (values in rank order).
func ordinalDelta(delta, n []float64) {
	v := len(n)
	// cum[i] = n_0 + … + n_{i−1}, so Σ_{g=c..k} n_g = cum[k+1] − cum[c].
	cum := make([]float64, v+1)
	for i, x := range n {
		cum[i+1] = cum[i] + x
	}
	for c := range v {
		for k := c + 1; k < v; k++ {
			x := cum[k+1] - cum[c] - (n[c]+n[k])/2
			delta[c*v+k], delta[k*v+c] = x*x, x*x
		}
	}
}

// alpha computes 1 − D_o/D_e from a coincidence matrix, its marginals,
// n and the difference table.
func alpha(o [][]float64, totals []float64, n float64, delta []float64) (a, do, de float64, undefined string) {
	if n < 2 {
		return math.NaN(), math.NaN(), math.NaN(), UndefinedNoPairs
	}
	v := len(totals)
	var so, se float64
	for c := range v {
		for k := range v {
			dl := delta[c*v+k]
			if dl == 0 {
				continue
			}
			so += o[c][k] * dl
			se += totals[c] * totals[k] * dl
		}
	}
	do = so / n
	de = se / (n * (n - 1))
	if de == 0 {
		return math.NaN(), do, de, UndefinedNoVariation
	}
	return 1 - do/de, do, de, ""
}

// pairs is M, the number of pairs of values within pairable units.
func (d *coded) pairs() int {
	m := 0
	for _, u := range d.units {
		m += len(u) * (len(u) - 1) / 2
	}
	return m
}

// perValue computes, for each label of a set dimension, the binary
// nominal alpha of "has the label". Its coincidences follow from the
// sets' ones: o'_ab = Σ o_ck over the sets c with a and k with b.
func (d *coded) perValue(m Matrix) []ValueAlpha {
	labelSet := map[string]bool{}
	for _, s := range d.sets {
		for _, l := range s {
			labelSet[l] = true
		}
	}
	labels := slices.Sorted(maps.Keys(labelSet))
	nominal := []float64{0, 1, 1, 0}
	out := make([]ValueAlpha, 0, len(labels))
	has := make([]int, len(d.sets))
	for _, l := range labels {
		for i, s := range d.sets {
			has[i] = 0
			if _, ok := slices.BinarySearch(s, l); ok {
				has[i] = 1
			}
		}
		o := [][]float64{{0, 0}, {0, 0}}
		for c := range d.sets {
			for k := range d.sets {
				o[has[c]][has[k]] += m.Counts[c][k]
			}
		}
		totals := []float64{o[0][0] + o[0][1], o[1][0] + o[1][1]}
		a, _, _, why := alpha(o, totals, m.N, nominal)
		out = append(out, ValueAlpha{Value: l, Alpha: a, Reading: Reading(a), Undefined: why})
	}
	return out
}

// pairwise computes each pair of coders' agreement on the units both
// coded.
func (d *coded) pairwise() []Pair {
	nc := len(d.coders)
	// byCoder[u][c] is coder c's value id in pairable unit u, or −1.
	byCoder := make([][]int, len(d.units))
	for ui, u := range d.units {
		row := make([]int, nc)
		for i := range row {
			row[i] = -1
		}
		for _, e := range u {
			row[e.coder] = e.value
		}
		byCoder[ui] = row
	}
	var out []Pair
	v := len(d.labels)
	for a := range nc {
		for b := a + 1; b < nc; b++ {
			p := Pair{A: d.coders[a], B: d.coders[b]}
			var shared [][]entry
			same := 0
			for _, row := range byCoder {
				if row[a] < 0 || row[b] < 0 {
					continue
				}
				shared = append(shared, []entry{{a, row[a]}, {b, row[b]}})
				if row[a] == row[b] {
					same++
				}
			}
			p.Units = len(shared)
			p.Identical = math.NaN()
			if p.Units > 0 {
				p.Identical = float64(same) / float64(p.Units)
			}
			o := coincidences(shared, v)
			totals := marginals(shared, v)
			delta := d.delta
			if d.level == LevelOrdinal {
				// The ordinal metric depends on the marginals, so the
				// pair's alpha uses the pair's own.
				delta = make([]float64, v*v)
				ordinalDelta(delta, totals)
			}
			p.Alpha, _, _, _ = alpha(o, totals, float64(2*p.Units), delta)
			p.Reading = Reading(p.Alpha)
			out = append(out, p)
		}
	}
	return out
}
