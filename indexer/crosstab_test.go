package indexer

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/google/go-cmp/cmp"
	"github.com/komoru/komoru/catalog"
)

// bruteCrosstab counts the table by walking works with the catalog's own
// facet definitions (Facet.Of): the oracle the index is checked against.
// It keys cells by value, not position, and counts Missing and Works.
func bruteCrosstab(cb *catalog.Codebook, works []*catalog.Work, row, col string) (cells map[[2]string]int, rowN, colN map[string]int, missing int) {
	rf, _ := cb.Facet(row)
	cf, _ := cb.Facet(col)
	cells, rowN, colN = map[[2]string]int{}, map[string]int{}, map[string]int{}
	for _, w := range works {
		rs, cs := rf.Of(w), cf.Of(w)
		if len(rs) == 0 || len(cs) == 0 {
			missing++
			continue
		}
		for _, r := range rs {
			rowN[r]++
			for _, c := range cs {
				cells[[2]string{r, c}]++
			}
		}
		for _, c := range cs {
			colN[c]++
		}
	}
	return cells, rowN, colN, missing
}

// matchedWorks returns the works Search finds for q, every page of them.
func matchedWorks(t *testing.T, ix *Index, q Query, byID map[string]*catalog.Work) []*catalog.Work {
	t.Helper()
	var out []*catalog.Work
	q.Size, q.Facets = MaxSize, []string{}
	for q.Page = 1; ; q.Page++ {
		res, err := ix.Search(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Hits {
			out = append(out, byID[h.ID])
		}
		if q.Page*q.Size >= res.Total {
			return out
		}
	}
}

// TestCrosstabShipped checks tables over the shipped catalog against a
// brute-force count over the works each query matches, for pairs of
// single- and multi-valued facets, open lists and derived facets, and
// queries with text, filters of one and of several facets, and years.
func TestCrosstabShipped(t *testing.T) {
	ix := openShipped(t)
	cb := ix.cb
	works := loadWorks(t, "../catalog/data/works.jsonl") // what catalog.Shipped embeds
	byID := map[string]*catalog.Work{}
	for _, w := range works {
		byID[w.ID] = w
	}
	pairs := [][2]string{
		{"realism", "recovery"},
		{"medium", "realism"},
		{"decade", "female_hikikomori_lead"},
		{"triggers", "conditions"}, // both multi-valued
		{"countries", "hikikomori_genders"},
		{"recovery_catalysts", "decade"},
	}
	queries := map[string]Query{
		"all":           {},
		"text":          {Text: "game"},
		"filter":        {Filters: map[string][]string{"medium": {"anime_series", "anime_film"}}},
		"filters":       {Filters: map[string][]string{"medium": {"anime_series", "manga", "light_novel", "live_action_film"}, "realism": {"realistic", "mixed"}}},
		"years":         {YearFrom: 2000, YearTo: 2015},
		"page and sort": {Page: 3, Size: 2, Sort: SortTitle}, // ignored
	}
	for name, q := range queries {
		matched := matchedWorks(t, ix, Query{Text: q.Text, Filters: q.Filters, YearFrom: q.YearFrom, YearTo: q.YearTo}, byID)
		if name != "all" && name != "page and sort" && len(matched) >= len(works) {
			t.Fatalf("%s: the query narrows nothing (%d works): the test proves nothing", name, len(matched))
		}
		for _, p := range pairs {
			x, err := ix.Crosstab(context.Background(), q, p[0], p[1])
			if err != nil {
				t.Fatalf("%s %v: %v", name, p, err)
			}
			cells, rowN, colN, missing := bruteCrosstab(cb, matched, p[0], p[1])
			if x.Works != len(matched) || x.Missing != missing {
				t.Errorf("%s %v: works %d missing %d, want %d, %d", name, p, x.Works, x.Missing, len(matched), missing)
			}
			got := map[[2]string]int{}
			for i, r := range x.Rows {
				for j, c := range x.Cols {
					if n := x.Counts[i][j]; n > 0 {
						got[[2]string{r.Value, c.Value}] = n
					}
				}
			}
			if d := cmp.Diff(cells, got); d != "" {
				t.Errorf("%s %v: cells (-brute +index):\n%s", name, p, d)
			}
			check := func(what, facet string, vs []FacetValue, want map[string]int) {
				got := map[string]int{}
				f, _ := cb.Facet(facet)
				for i, v := range vs {
					got[v.Value] = v.Count
					if v.Label != cb.Label(facet, v.Value) {
						t.Errorf("%s %v: %s %q labelled %q", name, p, what, v.Value, v.Label)
					}
					if i > 0 && f.Compare(vs[i-1].Value, v.Value) >= 0 {
						t.Errorf("%s %v: %s %q before %q, out of the facet's order", name, p, what, vs[i-1].Value, v.Value)
					}
				}
				if d := cmp.Diff(want, got); d != "" {
					t.Errorf("%s %v: %s (-brute +index):\n%s", name, p, what, d)
				}
			}
			check("rows", p[0], x.Rows, rowN)
			check("cols", p[1], x.Cols, colN)
		}
	}
}

// TestCrosstabSmall checks a table worked out by hand over four works,
// one of them with two triggers and one with no recovery coded.
func TestCrosstabSmall(t *testing.T) {
	work := func(id, medium, realism, recovery string, triggers ...string) *catalog.Work {
		w := newWork(id, "Work "+id)
		w.Medium = medium
		w.Portrayal = catalog.Portrayal{"realism": {Value: realism}}
		if recovery != "" {
			w.Portrayal["recovery"] = catalog.Coding{Value: recovery}
		}
		if len(triggers) > 0 {
			w.Portrayal["triggers"] = catalog.Coding{Values: triggers}
		}
		return w
	}
	ix, _, _ := openTestIndex(t, []*catalog.Work{
		work("a", "anime_series", "realistic", "gradual", "bullying", "academic_pressure"),
		work("b", "anime_series", "realistic", "sudden", "bullying"),
		work("c", "live_action_film", "romanticized", "sudden"),
		work("d", "manga", "mixed", "", "rejection"),
	})
	ctx := context.Background()

	x, err := ix.Crosstab(ctx, Query{}, "realism", "recovery")
	if err != nil {
		t.Fatal(err)
	}
	want := &Crosstab{Row: "realism", Col: "recovery",
		Rows: []FacetValue{{Value: "realistic", Label: "Realistic", Count: 2}, {Value: "romanticized", Label: "Romanticized", Count: 1}},
		Cols: []FacetValue{{Value: "gradual", Label: "Gradual", Count: 1}, {Value: "sudden", Label: "Sudden", Count: 2}},
		Counts: [][]int{
			{1, 1},
			{0, 1},
		},
		Works: 4, Missing: 1, // d has no recovery
	}
	if d := cmp.Diff(want, x); d != "" {
		t.Errorf("realism × recovery (-want +got):\n%s", d)
	}

	// A work with two triggers counts once under each; c has none.
	x, err = ix.Crosstab(ctx, Query{}, "triggers", "medium")
	if err != nil {
		t.Fatal(err)
	}
	want = &Crosstab{Row: "triggers", Col: "medium",
		Rows: []FacetValue{{Value: "academic_pressure", Label: "Academic pressure", Count: 1}, {Value: "bullying", Label: "Bullying", Count: 2}, {Value: "rejection", Label: "Rejection", Count: 1}},
		Cols: []FacetValue{{Value: "anime_series", Label: "Anime series", Count: 2}, {Value: "manga", Label: "Manga", Count: 1}},
		Counts: [][]int{
			{1, 0},
			{2, 0},
			{0, 1},
		},
		Works: 4, Missing: 1,
	}
	if d := cmp.Diff(want, x); d != "" {
		t.Errorf("triggers × medium (-want +got):\n%s", d)
	}

	// Filters narrow: every filter, conjunctively, as the search's result.
	x, err = ix.Crosstab(ctx, Query{Filters: map[string][]string{"medium": {"anime_series", "live_action_film"}, "recovery": {"sudden"}}}, "realism", "medium")
	if err != nil {
		t.Fatal(err)
	}
	if x.Works != 2 || x.Missing != 0 || !slices.Equal(x.Counts[0], []int{1, 0}) || !slices.Equal(x.Counts[1], []int{0, 1}) {
		t.Errorf("filtered: %+v, want b (realistic anime) and c (romanticized film)", x)
	}
}

// TestCrosstabInvalid checks that bad facets and bad queries are field
// errors naming the parameter.
func TestCrosstabInvalid(t *testing.T) {
	ix, _, _ := openTestIndex(t, []*catalog.Work{newWork("a", "A")})
	cases := []struct {
		name     string
		q        Query
		row, col string
		fields   []string
	}{
		{"unknown row", Query{}, "nope", "realism", []string{"row"}},
		{"unknown col", Query{}, "realism", "nope", []string{"col"}},
		{"empty both", Query{}, "", "", []string{"col", "row"}},
		{"same", Query{}, "realism", "realism", []string{"col"}},
		{"bad filter", Query{Filters: map[string][]string{"realism": {"nope"}}}, "tone", "realism", []string{"realism"}},
		{"bad years and row", Query{YearFrom: 2000, YearTo: 1990}, "x", "tone", []string{"row", "year_to"}},
	}
	for _, c := range cases {
		_, err := ix.Crosstab(context.Background(), c.q, c.row, c.col)
		var ve *catalog.ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("%s: %v, want a validation error", c.name, err)
			continue
		}
		var fields []string
		for f := range ve.Fields {
			fields = append(fields, f)
		}
		slices.Sort(fields)
		if !slices.Equal(fields, c.fields) {
			t.Errorf("%s: fields %v, want %v", c.name, ve.Fields, c.fields)
		}
	}
}

// TestCrosstabWays checks both ways of counting, work by work and by
// bitmaps, against the brute-force count, over random works and random
// subsets of them, whichever way the size would choose.
func TestCrosstabWays(t *testing.T) {
	cb := catalog.DefaultCodebook()
	st := newState(cb)
	r := rand.New(rand.NewPCG(5, 6))
	var works []*catalog.Work
	for i := range 400 {
		w := randomWork(r, fmt.Sprintf("w-%03d", i))
		m := newMeta(w, cb)
		st.put(w.ID, &m)
		works = append(works, w)
	}
	st.finish()
	facets := cb.Facets()
	for range 60 {
		row, col := facets[r.IntN(len(facets))].Name, facets[r.IntN(len(facets))].Name
		if row == col {
			continue
		}
		bm := roaring.New()
		var subset []*catalog.Work
		keep := 1 + r.IntN(4) // a quarter to all of them
		for o, w := range works {
			if r.IntN(4) < keep {
				bm.Add(uint32(o))
				subset = append(subset, w)
			}
		}
		cells, rowN, colN, missing := bruteCrosstab(cb, subset, row, col)
		for way, count := range map[string]func(*roaring.Bitmap, string, string) crosstabCounts{"docs": st.crosstabDocs, "bitmaps": st.crosstabBitmaps} {
			x := st.assembleCrosstab(cb, bm, row, col, count(bm, row, col))
			got, gotRows, gotCols := map[[2]string]int{}, map[string]int{}, map[string]int{}
			for i, rv := range x.Rows {
				gotRows[rv.Value] = rv.Count
				for j, cv := range x.Cols {
					if n := x.Counts[i][j]; n > 0 {
						got[[2]string{rv.Value, cv.Value}] = n
					}
				}
			}
			for _, cv := range x.Cols {
				gotCols[cv.Value] = cv.Count
			}
			if x.Works != len(subset) || x.Missing != missing || !maps.Equal(got, cells) || !maps.Equal(gotRows, rowN) || !maps.Equal(gotCols, colN) {
				t.Errorf("%s × %s by %s: works %d missing %d, want %d %d; cells equal %v, rows %v, cols %v",
					row, col, way, x.Works, x.Missing, len(subset), missing, maps.Equal(got, cells), maps.Equal(gotRows, rowN), maps.Equal(gotCols, colN))
			}
		}
	}
}

// BenchmarkCrosstab tabulates 100,000 random works in memory, as the
// index's state holds them: the cost of a cross-tab of the whole catalog
// at the size komoru is built for, without Bleve's share (the text match).
func BenchmarkCrosstab(b *testing.B) {
	cb := catalog.DefaultCodebook()
	st := newState(cb)
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 100_000 {
		w := randomWork(r, fmt.Sprintf("w-%06d", i))
		m := newMeta(w, cb)
		st.put(w.ID, &m)
	}
	st.finish()
	for _, p := range [][2]string{{"realism", "recovery"}, {"triggers", "conditions"}, {"countries", "decade"}} {
		b.Run(p[0]+"-"+p[1], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if x := st.crosstab(cb, st.alive, p[0], p[1]); x.Works != 100_000 {
					b.Fatal(x.Works)
				}
			}
		})
	}
}
