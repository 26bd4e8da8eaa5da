package agreement

import (
	"maps"
	"math"
	"math/rand/v2"
	"slices"
)

// bootstrap returns the 95% percentile interval of alpha by Krippendorff's
// algorithm (see Compute): resamples times, draw m pairs of values with
// probability o_ck/n each, and take 1 − mean(δ²)/De with De fixed.
func bootstrap(mx Matrix, delta []float64, de float64, m, resamples int, seed uint64) [2]float64 {
	// A draw only matters through its δ², so cells with the same δ² are
	// one outcome; this keeps the alias table small (two outcomes for
	// nominal data). Sorting the outcomes keeps the draws independent of
	// map order, hence reproducible.
	v := len(mx.Values)
	weight := map[float64]float64{}
	for c := range v {
		for k := range v {
			if x := mx.Counts[c][k]; x > 0 {
				weight[delta[c*v+k]] += x
			}
		}
	}
	outcomes := slices.Sorted(maps.Keys(weight))
	p := make([]float64, len(outcomes))
	for i, d := range outcomes {
		p[i] = weight[d] / mx.N
	}
	t := newAlias(p)
	// The PCG source is used directly, not through rand.Rand: the draws
	// are the hot loop and the interface call would double their cost.
	r := rand.NewPCG(seed, 0x616c706861) // second word: "alpha"
	alphas := make([]float64, resamples)
	for i := range alphas {
		var sum float64
		for range m {
			sum += outcomes[t.draw(r)]
		}
		alphas[i] = 1 - sum/float64(m)/de
	}
	slices.Sort(alphas)
	return [2]float64{quantile(alphas, 0.025), quantile(alphas, 0.975)}
}

// quantile is the p-quantile of sorted xs, interpolating linearly between
// order statistics (R's type 7).
func quantile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	h := float64(len(xs)-1) * p
	lo := int(math.Floor(h))
	if lo+1 >= len(xs) {
		return xs[len(xs)-1]
	}
	return xs[lo] + (h-float64(lo))*(xs[lo+1]-xs[lo])
}

// alias is Walker's alias table (Vose's construction): a draw from a
// discrete distribution in constant time, which the bootstrap needs
// because it makes millions of draws.
type alias struct {
	threshold []uint64 // keep column i when the low 32 bits are below this
	other     []int
}

func newAlias(p []float64) alias {
	n := len(p)
	t := alias{threshold: make([]uint64, n), other: make([]int, n)}
	scaled := make([]float64, n)
	var small, large []int
	for i, x := range p {
		scaled[i] = x * float64(n)
		if scaled[i] < 1 {
			small = append(small, i)
		} else {
			large = append(large, i)
		}
	}
	for len(small) > 0 && len(large) > 0 {
		s, l := small[len(small)-1], large[len(large)-1]
		small = small[:len(small)-1]
		t.threshold[s] = uint64(scaled[s] * (1 << 32))
		t.other[s] = l
		scaled[l] -= 1 - scaled[s]
		if scaled[l] < 1 {
			large = large[:len(large)-1]
			small = append(small, l)
		}
	}
	// What is left is 1 up to rounding: always keep it.
	for _, i := range append(small, large...) {
		t.threshold[i] = 1 << 32
		t.other[i] = i
	}
	return t
}

// draw picks a column with the high 32 bits of one random word and
// decides between it and its alias with the low 32.
func (t alias) draw(r *rand.PCG) int {
	x := r.Uint64()
	i := int((x >> 32) * uint64(len(t.threshold)) >> 32)
	if x&(1<<32-1) < t.threshold[i] {
		return i
	}
	return t.other[i]
}
