package export

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/komoru/komoru/catalog"
)

// genWork makes the i-th of many works, about 2 KB of JSON each, as the
// bench corpus's are: titles, creators, characters, a synopsis, every
// dimension coded with evidence, sources. It is built on demand, so the
// test holds one work at a time and what grows is the encoder's.
func genWork(cb *catalog.Codebook, i int) *catalog.Work {
	w := &catalog.Work{ID: fmt.Sprintf("synthetic-%07d", i), Title: fmt.Sprintf("Room %d of the long night", i),
		OriginalTitle: "部屋の夜", Medium: cb.Facets()[0].Values[0].ID, Year: 1990 + i%35,
		Countries: []string{"JP"}, Languages: []string{"ja"},
		Creators:   []catalog.Creator{{Name: fmt.Sprintf("Taro Yamada%d", i), Role: "author"}, {Name: "Studio Night", Role: "studio"}},
		Synopsis:   strings.Repeat("A young man stays in his room for years; his family waits. ", 10),
		Characters: []catalog.Character{{Name: "Satō", Gender: "male", Role: "protagonist", Hikikomori: true}},
		Portrayal:  catalog.Portrayal{},
		Sources:    []catalog.Source{{URL: fmt.Sprintf("https://example.org/works/%d", i)}},
	}
	medium, _ := cb.Facet(catalog.FacetMedium)
	w.Medium = medium.Values[i%len(medium.Values)].ID
	for _, d := range cb.Dimensions {
		c := catalog.Coding{Evidence: "Episode 3: he does not open the door when his mother knocks.", Source: 1, Locator: "episode 3"}
		if d.Multi {
			c.Values = []string{d.Values[i%len(d.Values)].ID}
		} else {
			c.Value = d.Values[i%len(d.Values)].ID
		}
		w.Portrayal[d.ID] = c
	}
	return w
}

// heapSampler records the peak live heap above a baseline, sampled every
// so many works (not on a clock: the figure is the encoder's, whatever the
// machine's speed).
type heapSampler struct {
	base, peak uint64
}

func newHeapSampler() *heapSampler {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return &heapSampler{base: m.HeapAlloc}
}

func (h *heapSampler) sample() {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	if m.HeapAlloc > h.base && m.HeapAlloc-h.base > h.peak {
		h.peak = m.HeapAlloc - h.base
	}
}

// countingDiscard counts what it is given and keeps none of it.
type countingDiscard struct{ n int64 }

func (c *countingDiscard) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// memoryWorks is how many works TestMemoryFlat exports in each format.
const memoryWorks = 100_000

// maxHeapGrowth bounds the heap an export of memoryWorks may grow by. The
// works are hundreds of MB in memory and their output 23 MB (RIS) to
// 195 MB (CSV, and the data package's CSV before compression), so an
// encoder that kept either (a buffer for the output, the works to count
// or sort them first, the CSV to write the descriptor first) would pass
// it; a streaming one stays within a few MB, the garbage of a collection
// cycle included (about 5 to 7 MB here).
const maxHeapGrowth = 16 << 20

// TestMemoryFlat exports 100,000 generated works in every format and
// samples the heap every 1,000 works: its growth stays under
// maxHeapGrowth, far below the bytes written.
func TestMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("exports 100,000 works in each format")
	}
	cb := catalog.DefaultCodebook()
	for _, f := range Formats() {
		t.Run(f.Name, func(t *testing.T) {
			out := new(countingDiscard)
			h := newHeapSampler()
			enc := f.New(out, testOptions)
			for i := range memoryWorks {
				if err := enc.Write(genWork(cb, i)); err != nil {
					t.Fatal(err)
				}
				if i%1000 == 0 {
					h.sample()
				}
			}
			if err := enc.End(); err != nil {
				t.Fatal(err)
			}
			h.sample()
			t.Logf("%s: %d works, %d MB written, peak heap growth %.1f MB", f.Name, memoryWorks, out.n>>20, float64(h.peak)/(1<<20))
			if h.peak > maxHeapGrowth {
				t.Errorf("%s: the heap grew by %d MB exporting %d works, over the %d MB of a streaming export", f.Name, h.peak>>20, memoryWorks, maxHeapGrowth>>20)
			}
			// The data package is compressed; its CSV is the csv's.
			if f.Name != "datapackage" && out.n < maxHeapGrowth {
				t.Errorf("%s wrote only %d MB: too little for the bound to tell streaming apart", f.Name, out.n>>20)
			}
		})
	}
}
