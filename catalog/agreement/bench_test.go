package agreement

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkCompute measures one round's figures as komoru computes them:
// 1,000 works × 5 coders (a tenth of the values missing), 11 dimensions
// (2 ordinal, 5 nominal, 4 set), each with the 1,000-resample bootstrap,
// pairwise agreement and, for sets, per-value alphas. The issue asks for
// under 2 s per iteration.
func BenchmarkCompute(b *testing.B) {
	r := rand.New(rand.NewPCG(15, 16))
	type dim struct {
		level Level
		units []Unit
	}
	var dims []dim
	for range 2 {
		dims = append(dims, dim{LevelOrdinal, noisyUnits(r, 1000, 5, 0.1, 0.3, pick(fiveOrder))})
	}
	for range 5 {
		dims = append(dims, dim{LevelNominal, noisyUnits(r, 1000, 5, 0.1, 0.3, pick([]string{"a", "b", "c", "d", "e", "f"}))})
	}
	for range 4 {
		dims = append(dims, dim{LevelSet, noisyUnits(r, 1000, 5, 0.1, 0.3, randomSet([]string{"a", "b", "c", "d", "e", "f", "g", "h"}))})
	}
	b.ResetTimer()
	for range b.N {
		for _, d := range dims {
			if _, err := Compute(d.units, d.level, Options{Order: fiveOrder}); err != nil {
				b.Fatal(err)
			}
		}
	}
}
