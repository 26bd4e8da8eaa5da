package indexer

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/komoru/komoru/catalog"
)

// relevanceCase is one entry of testdata/relevance/cases.json: a query on
// the shipped catalog and what its first hits must be.
type relevanceCase struct {
	Name  string `json:"name"`
	Query string `json:"q"`
	// Exact turns typo tolerance and prefixes off (the API's typo=false).
	Exact bool `json:"exact"`
	// Top is the first hits, in this order.
	Top []string `json:"top"`
	// Set is the first len(Set) hits, in any order.
	Set []string `json:"set"`
	// Above are pairs of ids of which the first ranks above the second.
	Above [][2]string `json:"above"`
	// Total, when set, is how many works match; Every says every work of
	// the catalog matches, however many it holds.
	Total *int `json:"total"`
	Every bool `json:"every"`
	// Includes are ids among the hits, Excludes ids not among them.
	Includes []string `json:"includes"`
	Excludes []string `json:"excludes"`
	// SameAs is another query that must match the same works (the same
	// total and, up to MaxSize, the same set).
	SameAs string `json:"same_as"`
	// Dropped is the words left out (Result.DroppedWords).
	Dropped []string `json:"dropped"`
	// Rules names the ranking rules the case is there for.
	Rules []string `json:"rules"`
}

// openShipped opens an index over the shipped catalog, imported into a
// real store.
func openShipped(t *testing.T) *Index {
	t.Helper()
	cat := newTestCatalog(t)
	ctx := context.Background()
	if _, err := catalog.Import(ctx, cat, catalog.Shipped(), catalog.ImportOptions{Change: catalog.Change{Author: "test"}}); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(ctx, t.TempDir()+"/index", cat, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

func loadRelevanceCases(t *testing.T) []relevanceCase {
	t.Helper()
	b, err := os.ReadFile("testdata/relevance/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var cs []relevanceCase
	if err := json.Unmarshal(b, &cs); err != nil {
		t.Fatal(err)
	}
	return cs
}

// check runs a case and describes how its hits fail it, or "".
func (c relevanceCase) check(ix *Index) (string, error) {
	search := func(text string) (*Result, []string, error) {
		res, err := ix.Search(context.Background(), Query{Text: text, Typo: !c.Exact, Size: MaxSize})
		if err != nil {
			return nil, nil, err
		}
		var ids []string
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		return res, ids, nil
	}
	res, ids, err := search(c.Query)
	if err != nil {
		return "", err
	}
	if c.Total != nil && res.Total != *c.Total {
		return fmt.Sprintf("total %d, want %d (hits %v)", res.Total, *c.Total, ids), nil
	}
	if c.Every && res.Total != ix.Count() {
		return fmt.Sprintf("total %d, want every work, %d", res.Total, ix.Count()), nil
	}
	for _, id := range c.Includes {
		if !slices.Contains(ids, id) {
			return fmt.Sprintf("%s not among the hits %v", id, ids), nil
		}
	}
	for _, id := range c.Excludes {
		if slices.Contains(ids, id) {
			return fmt.Sprintf("%s among the hits, want it left out", id), nil
		}
	}
	if c.Dropped != nil && !slices.Equal(res.DroppedWords, c.Dropped) {
		return fmt.Sprintf("dropped %q, want %q", res.DroppedWords, c.Dropped), nil
	}
	if c.SameAs != "" {
		other, otherIDs, err := search(c.SameAs)
		if err != nil {
			return "", err
		}
		if other.Total != res.Total || !slices.Equal(slices.Sorted(slices.Values(ids)), slices.Sorted(slices.Values(otherIDs))) {
			return fmt.Sprintf("%d works %v; %q matches %d: %v", res.Total, ids, c.SameAs, other.Total, otherIDs), nil
		}
	}
	head := func(n int) []string { return ids[:min(n, len(ids))] }
	if len(c.Top) > 0 && !slices.Equal(head(len(c.Top)), c.Top) {
		return fmt.Sprintf("top %d = %v, want %v", len(c.Top), head(len(c.Top)), c.Top), nil
	}
	if len(c.Set) > 0 {
		got := slices.Sorted(slices.Values(head(len(c.Set))))
		if !slices.Equal(got, slices.Sorted(slices.Values(c.Set))) {
			return fmt.Sprintf("top %d = %v, want the set %v", len(c.Set), head(len(c.Set)), c.Set), nil
		}
	}
	for _, p := range c.Above {
		i, j := slices.Index(ids, p[0]), slices.Index(ids, p[1])
		if i < 0 || j < 0 || i > j {
			return fmt.Sprintf("%s at %d, %s at %d: want the first above the second (hits %v)", p[0], i, p[1], j, ids), nil
		}
	}
	return "", nil
}

// TestRelevance runs the relevance cases over the shipped catalog.
func TestRelevance(t *testing.T) {
	ix := openShipped(t)
	for _, c := range loadRelevanceCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			msg, err := c.check(ix)
			if err != nil {
				t.Fatal(err)
			}
			if msg != "" {
				t.Errorf("%q: %s", c.Query, msg)
			}
		})
	}
}

// TestRankingRulesMatter removes each ranking rule in turn: every case
// written for that rule must then fail (the case tests the rule), and each
// rule but words has such cases (the rule is tested). The coding rule is
// left to TestCodingTieBreak: every shipped work is coded, so no query on
// the shipped catalog can show it.
func TestRankingRulesMatter(t *testing.T) {
	ix := openShipped(t)
	cases := loadRelevanceCases(t)
	all := rankingRules
	t.Cleanup(func() { rankingRules = all })
	for i, r := range all {
		if r.name == "words" || r.name == "coding" {
			continue // one bucket while every word is required; see above
		}
		rankingRules = slices.Delete(slices.Clone(all), i, i+1)
		ix.DropCaches() // results ranked by the whole list
		var failed []string
		for _, c := range cases {
			if !slices.Contains(c.Rules, r.name) {
				continue
			}
			msg, err := c.check(ix)
			if err != nil {
				t.Fatal(err)
			}
			if msg == "" {
				t.Errorf("without the %s rule, %q still passes", r.name, c.Name)
				continue
			}
			failed = append(failed, c.Name)
		}
		if len(failed) == 0 {
			t.Errorf("without the %s rule, every case written for it still passes", r.name)
		}
		t.Logf("without %s: %d cases fail: %s", r.name, len(failed), strings.Join(failed, "; "))
	}
	rankingRules = all
}

// TestExplain: with Explain, every hit in relevance order carries each
// rule's bucket, in the rules' order; without it, or in another order,
// none.
func TestExplain(t *testing.T) {
	ix := openShipped(t)
	ctx := context.Background()
	res, err := ix.Search(ctx, Query{Text: "hikikomori", Typo: true, Explain: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 {
		t.Fatal("no hits")
	}
	for i, h := range res.Hits {
		var rules []string
		for _, s := range h.Ranking {
			rules = append(rules, s.Rule)
			if s.Bucket < 0 || s.Bucket >= s.Of {
				t.Errorf("%s: step %+v: bucket outside 0..of", h.ID, s)
			}
		}
		if want := []string{"words", "typo", "proximity", "attribute", "exactness", "coding"}; !slices.Equal(rules, want) {
			t.Errorf("%s: rules %v, want %v", h.ID, rules, want)
		}
		// The works titled exactly "Hikikomori" come first, in exactness's
		// first bucket.
		if i < 3 && (h.Ranking[4].Bucket != 0 || h.Ranking[3].Bucket != 0) {
			t.Errorf("hit %d %s: %+v, want the first attribute and exactness buckets", i, h.ID, h.Ranking)
		}
	}
	for _, q := range []Query{{Text: "hikikomori", Typo: true}, {Text: "hikikomori", Typo: true, Explain: true, Sort: SortYear}} {
		res, err := ix.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Hits {
			if h.Ranking != nil {
				t.Errorf("%+v: %s has ranking %+v, want none", q, h.ID, h.Ranking)
			}
		}
	}
}

// TestCodingTieBreak: among works the text rules tie, coded ones rank
// before partly coded ones before works not coded yet, which explain shows
// as the coding rule's buckets; without the rule, id order decides.
func TestCodingTieBreak(t *testing.T) {
	ix, _, _ := openTestIndex(t, loadWorks(t, "testdata/search/status/works.jsonl"))
	ctx := context.Background()
	search := func() []string {
		t.Helper()
		res, err := ix.Search(ctx, Query{Text: "closed door", Typo: true, Explain: true})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range res.Hits {
			last := h.Ranking[len(h.Ranking)-1]
			got = append(got, fmt.Sprintf("%s %s %s %d/%d=%d", h.ID, h.CodingStatus, last.Rule, last.Bucket, last.Of, last.Value))
		}
		return got
	}
	want := []string{
		"c-door-coded coded coding 0/3=0",
		"b-door-partial partial coding 1/3=1",
		"a-door-uncoded uncoded coding 2/3=2",
		"d-elsewhere-coded coded coding 0/1=0", // ranked lower by the text rules, alone in its bucket
	}
	if got := search(); !slices.Equal(got, want) {
		t.Errorf("ranked = %q, want %q", got, want)
	}

	all := rankingRules
	t.Cleanup(func() { rankingRules = all })
	rankingRules = all[:len(all)-1]
	ix.DropCaches()
	want = []string{
		"a-door-uncoded uncoded exactness 0/1=3",
		"b-door-partial partial exactness 0/1=3",
		"c-door-coded coded exactness 0/1=3",
		"d-elsewhere-coded coded exactness 0/1=2",
	}
	if got := search(); !slices.Equal(got, want) {
		t.Errorf("without the coding rule, ranked = %q, want %q (id order in the tie)", got, want)
	}
}

// TestRankedPages: pages of a ranked result, taken one by one (each
// splitting only its own buckets), are the slices of one large page.
func TestRankedPages(t *testing.T) {
	ix := openShipped(t)
	ctx := context.Background()
	for _, text := range []string{"hikikomori", "school refusal", "Sato", "game", "mother"} {
		all, err := ix.Search(ctx, Query{Text: text, Typo: true, Size: MaxSize})
		if err != nil {
			t.Fatal(err)
		}
		var paged []string
		for p := 1; (p-1)*3 < all.Total; p++ {
			res, err := ix.Search(ctx, Query{Text: text, Typo: true, Size: 3, Page: p})
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range res.Hits {
				paged = append(paged, h.ID)
			}
		}
		var want []string
		for _, h := range all.Hits {
			want = append(want, h.ID)
		}
		if len(want) < 2 || !slices.Equal(paged, want) {
			t.Errorf("%q: pages of 3 give %v, one page %v", text, paged, want)
		}
	}
}
