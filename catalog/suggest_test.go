package catalog

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSuggestFilters(t *testing.T) {
	cb := DefaultCodebook()
	s := func(facet, value string) Suggestion { return Suggestion{Facet: facet, Value: value} }
	tests := []struct {
		text string
		want []Suggestion
	}{
		{"female hikikomori", []Suggestion{s(FacetHikikomoriGenders, "female")}},
		{"FEMALE", []Suggestion{s(FacetHikikomoriGenders, "female")}},
		{"girls", []Suggestion{s(FacetHikikomoriGenders, "female")}},
		{"realistic", []Suggestion{s("realism", "realistic")}},
		{"korean", []Suggestion{s(FacetCountries, "KR")}},
		{"South Korea", []Suggestion{s(FacetCountries, "KR")}},
		{"manga", []Suggestion{s(FacetMedium, "manga")}},
		{"2000s", []Suggestion{s(FacetDecade, "2000")}},
		{"2000", []Suggestion{s(FacetDecade, "2000")}},
		{"the 1990s", []Suggestion{s(FacetDecade, "1990")}},
		// A year is not a decade.
		{"1995", nil},
		// A multi-word label or synonym matches as a sequence only.
		{"social anxiety", []Suggestion{s("conditions", "social_anxiety")}},
		{"social phobia", []Suggestion{s("conditions", "social_anxiety")}},
		{"fear of people", []Suggestion{s("conditions", "social_anxiety")}},
		{"fear people", nil},
		{"social", nil},
		// Accents are folded: "Côte d'Ivoire" as written or not.
		{"cote d'ivoire", []Suggestion{s(FacetCountries, "CI")}},
		{"Réalistic", []Suggestion{s("realism", "realistic")}},
		// Hyphens split words on both sides.
		{"self-harm", []Suggestion{s("content_warnings", "self_harm")}},
		{"self harm", []Suggestion{s("content_warnings", "self_harm")}},
		{"k-drama", []Suggestion{s(FacetMedium, "tv_drama")}},
		// The longest name wins: "school pressure" is not school, nor
		// pressure.
		{"school pressure", []Suggestion{s("triggers", "academic_pressure")}},
		{"internet addiction", []Suggestion{s("internet_role", "enabler")}},
		// One name, several values, in display order.
		{"anime", []Suggestion{s(FacetMedium, "anime_series"), s(FacetMedium, "anime_film")}},
		{"drama", []Suggestion{s("tone", "serious"), s(FacetMedium, "tv_drama")}},
		// Several names, in the order of the text, each once.
		{"korean manga by women, manga", []Suggestion{s(FacetCountries, "KR"), s(FacetMedium, "manga"), s(FacetHikikomoriGenders, "female")}},
		{"female lead", []Suggestion{s(FacetFemaleHikikomoriLead, "true")}},
		// Whole words only.
		{"mangaka", nil},
		{"femaleness", nil},
		// An excluded word or phrase names nothing, and breaks a sequence.
		{"-manga", nil},
		{`-"social anxiety" depression`, []Suggestion{s("conditions", "depression")}},
		{"social -x anxiety", []Suggestion{s("conditions", "social_anxiety")}},
		{"fear of -x people", nil},
		// A quoted phrase names its words.
		{`"social anxiety"`, []Suggestion{s("conditions", "social_anxiety")}},
		// Labels that answer a question name nothing; values that deny
		// their topic are never named.
		{"yes", nil},
		{"open door", nil},
		{"open ending", []Suggestion{s("recovery", "open")}},
		{"none", nil},
		{"absent", nil},
		{"none explicit", nil},
		{"not met", nil},
		{"unspecified", nil},
		{"", nil},
		{"ひきこもり", nil},
	}
	for _, tt := range tests {
		got := cb.SuggestFilters(tt.text)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("SuggestFilters(%q) mismatch (-want +got):\n%s", tt.text, diff)
		}
	}
}

// TestSuggestFiltersNeverDenies: no name of any kind leads to a value that
// denies its topic, and every suggested value is one the facet accepts.
func TestSuggestFiltersNeverDenies(t *testing.T) {
	cb := DefaultCodebook()
	for _, f := range cb.Facets() {
		for _, v := range f.Values {
			for _, name := range append([]string{v.Label, v.ID}, v.Synonyms...) {
				for _, s := range cb.SuggestFilters(name) {
					g, _ := cb.Facet(s.Facet)
					if slices.ContainsFunc(g.Values, func(x Value) bool { return x.ID == s.Value && x.Denies }) {
						t.Errorf("SuggestFilters(%q) suggests %s=%s, which denies its topic", name, s.Facet, s.Value)
					}
					if !cb.ValidFacetValue(s.Facet, s.Value) {
						t.Errorf("SuggestFilters(%q) suggests %s=%s, not a value of the facet", name, s.Facet, s.Value)
					}
				}
			}
		}
	}
}

func TestFacetNames(t *testing.T) {
	cb := DefaultCodebook()
	tests := []struct {
		facet, value string
		want         []string
	}{
		{"conditions", "social_anxiety", []string{"Social anxiety", "social phobia", "fear of people", "anxiety"}},
		{"conditions", "none_explicit", nil},
		{FacetCountries, "KR", []string{"South Korea", "Korean"}},
		{FacetCountries, "AD", []string{"Andorra"}},
		{FacetDecade, "2000", []string{"2000s", "2000"}},
		{FacetDecade, "2001", nil},
		{FacetDecade, "2000s", nil}, // not a value as the index keeps it
		{FacetLanguages, "ko", nil},
		{"otaku_conflation", "yes", []string{"otaku"}},
	}
	for _, tt := range tests {
		f, _ := cb.Facet(tt.facet)
		if diff := cmp.Diff(tt.want, f.Names(tt.value)); diff != "" {
			t.Errorf("Facet(%q).Names(%q) mismatch (-want +got):\n%s", tt.facet, tt.value, diff)
		}
	}
}

// BenchmarkSuggestFilters is the cost query understanding adds to a
// search: one pass over the text's words.
func BenchmarkSuggestFilters(b *testing.B) {
	cb := DefaultCodebook()
	for b.Loop() {
		cb.SuggestFilters(`female hikikomori with social anxiety in a korean manga of the 2000s -"fear of people"`)
	}
}
