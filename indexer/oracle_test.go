package indexer

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/komoru/komoru/catalog"
)

var oracleWords = strings.Fields("door room game online mother father school night window letter exam silence forum quiet tokyo anxiety shame years")

// randomWork makes a valid work with random text and coding.
func randomWork(r *rand.Rand, id string) *catalog.Work {
	cb := catalog.DefaultCodebook()
	pick := func(vs []catalog.Value) string { return vs[r.IntN(len(vs))].ID }
	words := func(n int) string {
		var ws []string
		for range n {
			ws = append(ws, oracleWords[r.IntN(len(oracleWords))])
		}
		return strings.Join(ws, " ")
	}
	w := &catalog.Work{ID: id, Title: words(1 + r.IntN(3)), Synopsis: words(3 + r.IntN(8)),
		Medium: pick(cb.Dimension("medium").Values), Year: 1975 + r.IntN(50),
		Countries: []string{[]string{"JP", "KR", "US", "FR"}[r.IntN(4)]}, Portrayal: catalog.Portrayal{}}
	for _, d := range cb.Dimensions {
		switch {
		case r.IntN(5) == 0: // not coded
		case d.Multi:
			var vs []string
			for _, v := range d.Values {
				if r.IntN(3) == 0 {
					vs = append(vs, v.ID)
				}
			}
			w.Portrayal[d.ID] = catalog.Coding{Values: append([]string{}, vs...)}
		default:
			w.Portrayal[d.ID] = catalog.Coding{Value: pick(d.Values)}
		}
	}
	for i := range 1 + r.IntN(3) {
		role := "supporting"
		if i == 0 {
			role = "protagonist"
		}
		w.Characters = append(w.Characters, catalog.Character{Name: "Someone " + strconv.Itoa(i), Gender: pick(cb.Dimension("gender").Values),
			Role: role, Hikikomori: r.IntN(2) == 0})
	}
	if err := w.Validate(cb); err != nil {
		panic(err)
	}
	return w
}

// TestOracle checks totals, order and disjunctive counts against a
// brute-force evaluation over the works, after random creates, updates
// and deletes (which exercise ordinals, segments and the state).
func TestOracle(t *testing.T) {
	// Most of the oracle's words then go through the postings cache, the
	// rarest around it.
	defer func(from uint64) { cacheFrom = from }(cacheFrom)
	cacheFrom = 8
	ctx := context.Background()
	r := rand.New(rand.NewPCG(1, 2))
	cb := catalog.DefaultCodebook()
	works := map[string]*catalog.Work{}
	var initial []*catalog.Work
	for i := range 150 {
		w := randomWork(r, fmt.Sprintf("w-%03d", i*2))
		works[w.ID] = w
		initial = append(initial, w)
	}
	ix, cat, _ := openTestIndex(t, initial)
	for range 6 {
		for range 20 {
			switch id := fmt.Sprintf("w-%03d", r.IntN(320)); r.IntN(3) {
			case 0:
				cat.delete(id)
				delete(works, id)
			default:
				w := randomWork(r, id)
				cat.put(w)
				works[id] = w
			}
		}
		if _, err := ix.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
	}
	an := ix.textAnalyzer()
	terms := func(w *catalog.Work) map[string]bool {
		set := map[string]bool{}
		texts := append([]string{w.Title, w.Synopsis, "Someone"}, topicWords(w, cb, newMeta(w, cb))...)
		for _, s := range texts {
			for _, tok := range an.Analyze([]byte(fold(s))) {
				set[string(tok.Term)] = true
			}
		}
		return set
	}
	facets := cb.Facets()
	for qi := range 300 {
		q := Query{Facets: []string{}, Size: 1 + r.IntN(15), Page: 1 + r.IntN(3)}
		q.Sort = []string{SortRelevance, SortYear, SortYearDesc, SortTitle}[r.IntN(4)]
		if r.IntN(2) == 0 {
			q.Text = oracleWords[r.IntN(len(oracleWords))]
		}
		if r.IntN(3) == 0 {
			q.YearFrom = 1975 + r.IntN(50)
			q.YearTo = q.YearFrom + r.IntN(20)
		}
		q.Filters = map[string][]string{}
		for range r.IntN(3) {
			f := facets[r.IntN(len(facets))]
			vals := f.Values
			if f.Name == catalog.FacetDecade {
				vals = []catalog.Value{{ID: "1980"}, {ID: "2000"}, {ID: "2010"}}
			}
			if f.Name == catalog.FacetCountries {
				vals = []catalog.Value{{ID: "JP"}, {ID: "FR"}}
			}
			if len(vals) == 0 {
				continue
			}
			for range 1 + r.IntN(2) {
				if v := vals[r.IntN(len(vals))].ID; !slices.Contains(q.Filters[f.Name], v) {
					q.Filters[f.Name] = append(q.Filters[f.Name], v)
				}
			}
			q.Facets = append(q.Facets, f.Name)
		}
		q.Facets = append(q.Facets, catalog.FacetDecade, "realism")
		slices.Sort(q.Facets)
		q.Facets = slices.Compact(q.Facets)

		// The oracle.
		var text string
		if q.Text != "" {
			text = string(an.Analyze([]byte(q.Text))[0].Term)
		}
		matches := func(w *catalog.Work, except string) bool {
			if text != "" && !terms(w)[text] {
				return false
			}
			if (q.YearFrom > 0 && w.Year < q.YearFrom) || (q.YearTo > 0 && w.Year > q.YearTo) {
				return false
			}
			for f, vs := range q.Filters {
				if f == except {
					continue
				}
				if !slices.ContainsFunc(valuesOf(cb, w, f), func(v string) bool { return slices.Contains(vs, v) }) {
					return false
				}
			}
			return true
		}
		var hits []*catalog.Work
		wantCounts := map[string]map[string]int{}
		for _, w := range works {
			if matches(w, "") {
				hits = append(hits, w)
			}
			for _, f := range q.Facets {
				if matches(w, f) {
					for _, v := range valuesOf(cb, w, f) {
						if wantCounts[f] == nil {
							wantCounts[f] = map[string]int{}
						}
						wantCounts[f][v]++
					}
				}
			}
		}
		slices.SortFunc(hits, func(a, b *catalog.Work) int {
			var c int
			switch q.Sort {
			case SortYear:
				c = a.Year - b.Year
			case SortYearDesc:
				c = b.Year - a.Year
			case SortTitle:
				c = strings.Compare(sortKey(a.Title), sortKey(b.Title))
			}
			if c != 0 {
				return c
			}
			return strings.Compare(a.ID, b.ID)
		})
		var wantIDs []string
		for i := (q.Page - 1) * q.Size; i < len(hits) && i < q.Page*q.Size; i++ {
			wantIDs = append(wantIDs, hits[i].ID)
		}

		res, err := ix.Search(ctx, q)
		if err != nil {
			t.Fatalf("query %d %+v: %v", qi, q, err)
		}
		var gotIDs []string
		for _, h := range res.Hits {
			gotIDs = append(gotIDs, h.ID)
		}
		gotCounts := map[string]map[string]int{}
		for _, f := range res.Facets {
			for _, v := range f.Values {
				if v.Count > 0 {
					if gotCounts[f.Name] == nil {
						gotCounts[f.Name] = map[string]int{}
					}
					gotCounts[f.Name][v.Value] = v.Count
				}
			}
		}
		if res.Total != len(hits) {
			t.Errorf("query %d %+v: total %d, want %d", qi, q, res.Total, len(hits))
		}
		// With text, relevance ranks title matches first: compare as sets.
		if q.Text != "" && q.Sort == SortRelevance {
			slices.Sort(wantIDs)
			slices.Sort(gotIDs)
			if res.Total > q.Size {
				wantIDs, gotIDs = nil, nil
			}
		}
		if diff := cmp.Diff(wantIDs, gotIDs); diff != "" {
			t.Errorf("query %d %+v: ids (-want +got):\n%s", qi, q, diff)
		}
		if diff := cmp.Diff(wantCounts, gotCounts); diff != "" {
			t.Errorf("query %d %+v: facet counts (-want +got):\n%s", qi, q, diff)
		}
		if t.Failed() {
			t.FailNow()
		}
	}
}

// valuesOf is the work's values of a facet, as the catalog defines them.
func valuesOf(cb *catalog.Codebook, w *catalog.Work, facet string) []string {
	f, _ := cb.Facet(facet)
	return f.Of(w)
}
