package indexer

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/komoru/komoru/catalog"
)

// TestTopicWords: a work is found by what it is coded as, in words, and
// never by a value that denies the topic.
func TestTopicWords(t *testing.T) {
	cb := catalog.DefaultCodebook()
	w := &catalog.Work{ID: "w", Title: "W", Medium: "anime_series", Year: 2001, Countries: []string{"KR"},
		Characters: []catalog.Character{{Name: "A", Gender: "female", Role: "protagonist", Hikikomori: true}},
		Portrayal: catalog.Portrayal{
			"conditions":         {Values: []string{"social_anxiety"}},
			"recovery":           {Value: "none", Evidence: "No recovery is shown."},
			"internet_role":      {Values: []string{"absent"}, Evidence: "The internet plays no notable part."},
			"recovery_catalysts": {Values: []string{}, Evidence: "No recovery arc, so no catalyst."},
		}}
	got := topicWords(w, cb, newMeta(w, cb))
	for _, want := range []string{"Social anxiety", "social phobia", "Anime series", "anime", "Female", "woman", "South Korea", "Korean"} {
		if !slices.Contains(got, want) {
			t.Errorf("topicWords lacks %q: %q", want, got)
		}
	}
	for _, never := range []string{"None", "Absent"} {
		if slices.Contains(got, never) {
			t.Errorf("topicWords has %q, a value that denies its topic: %q", never, got)
		}
	}
	doc, err := newDocument(w, cb, newMeta(w, cb))
	if err != nil {
		t.Fatal(err)
	}
	body := strings.Join(doc[fieldBody].([]string), " | ")
	for _, gone := range []string{"recovery", "internet"} {
		if strings.Contains(strings.ToLower(body), gone) {
			t.Errorf("the evidence of a denying value keeps its topic's word %q: %q", gone, body)
		}
	}
	for _, kept := range []string{"No", "shown.", "plays no notable part.", "arc, so no"} {
		if !strings.Contains(body, kept) {
			t.Errorf("the evidence of a denying value lost %q, which is not its topic: %q", kept, body)
		}
	}
}

// TestTopicsSearch: on the shipped catalog, coded topics are found by
// words, and denials do not count as matches.
func TestTopicsSearch(t *testing.T) {
	cat := newTestCatalog(t)
	works := loadWorks(t, "../catalog/data/works.jsonl")
	cat.put(works...)
	ix, err := Open(context.Background(), t.TempDir()+"/index", cat, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	coded := func(dim, value string) []string {
		var ids []string
		for _, w := range works {
			if slices.Contains(w.Portrayal[dim].List(), value) {
				ids = append(ids, w.ID)
			}
		}
		return ids
	}
	found := func(q string) []string {
		res, err := ix.Search(context.Background(), Query{Text: q, Size: 100, Facets: []string{}})
		if err != nil {
			t.Fatalf("Search(%q) = %v", q, err)
		}
		var ids []string
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		return ids
	}
	var korean []string
	for _, w := range works {
		if slices.Contains(w.Countries, "KR") {
			korean = append(korean, w.ID)
		}
	}
	for _, tt := range []struct {
		q    string
		want []string // every one of these is found
	}{
		{"social anxiety", coded("conditions", "social_anxiety")},
		{"social phobia", coded("conditions", "social_anxiety")},
		{"korean", korean},
		{"internet addiction", coded("internet_role", "enabler")},
		{"academic pressure", coded("triggers", "academic_pressure")},
		{"enabling parents", coded("family_dynamics", "enabling")},
		{"female hikikomori", nil},
	} {
		got := found(tt.q)
		if len(got) == 0 {
			t.Errorf("Search(%q) found nothing", tt.q)
		}
		for _, id := range tt.want {
			if !slices.Contains(got, id) {
				t.Errorf("Search(%q) misses %s", tt.q, id)
			}
		}
	}
	// "social anxiety" used to match the evidence of works coded "none
	// explicit" ("no social anxiety is named").
	anxious := found("social anxiety")
	for _, id := range coded("conditions", "none_explicit") {
		if slices.Contains(anxious, id) {
			t.Errorf("Search(social anxiety) finds %s, coded none explicit", id)
		}
	}
	// "recovery" used to find works coded recovery "none".
	recovering := found("recovery")
	for _, id := range coded("recovery", "none") {
		if slices.Contains(recovering, id) {
			t.Errorf("Search(recovery) finds %s, coded recovery none", id)
		}
	}
}
