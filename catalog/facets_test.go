package catalog

import (
	"slices"
	"testing"
)

func TestParseFacetValue(t *testing.T) {
	cb := DefaultCodebook()
	tests := []struct {
		facet, value string
		want         string
		wantErr      string
	}{
		{FacetDecade, "2010", "2010", ""},
		{FacetDecade, "2010s", "2010", ""},
		{FacetDecade, "1900s", "1900", ""},
		{FacetDecade, "1995", "", "must be a decade such as 2010 or 2010s"},
		{FacetDecade, "1995s", "", "must be a decade such as 2010 or 2010s"},
		{FacetDecade, "2010ss", "", "must be a decade such as 2010 or 2010s"},
		{FacetDecade, "s", "", "must be a decade such as 2010 or 2010s"},
		{FacetDecade, "'10s", "", "must be a decade such as 2010 or 2010s"},
		{FacetDecade, "1890s", "", "must be a decade such as 2010 or 2010s"},
		{"realism", "realistic", "realistic", ""},
		{"realism", "gritty", "", `unknown value "gritty"`},
		{FacetCountries, "JP", "JP", ""},
		{FacetCountries, "XX", "", `unknown value "XX"`},
		{FacetFemaleHikikomoriLead, "true", "true", ""},
		{FacetCodingStatus, "uncoded", "uncoded", ""},
		{FacetCodingStatus, "Not coded", "", `unknown value "Not coded"`},
		{"colour", "red", "", `unknown value "red"`},
	}
	for _, tt := range tests {
		got, err := cb.ParseFacetValue(tt.facet, tt.value)
		gotErr := ""
		if err != nil {
			gotErr = err.Error()
		}
		if got != tt.want || gotErr != tt.wantErr {
			t.Errorf("ParseFacetValue(%q, %q) = %q, %q; want %q, %q", tt.facet, tt.value, got, gotErr, tt.want, tt.wantErr)
		}
	}
}

// TestFacets: each facet's descriptor gives a work's values, labels them
// and orders them, the derived facets as the coded ones.
func TestFacets(t *testing.T) {
	cb := DefaultCodebook()
	w := &Work{Medium: "manga", Year: 2004, Countries: []string{"JP", "KR"}, Languages: []string{"ja"},
		Characters: []Character{
			{Name: "A", Gender: "male", Role: "supporting", Hikikomori: true},
			{Name: "B", Gender: "female", Role: "protagonist", Hikikomori: true},
			{Name: "C", Gender: "female", Role: "supporting"},
		},
		Portrayal: Portrayal{"realism": {Value: "mixed"}, "conditions": {Values: []string{"paranoia", "depression"}}}}
	tests := []struct {
		facet   string
		values  []string // the work's
		labels  []string // of the work's values
		derived bool
		ordered []string // values in display order
	}{
		{"realism", []string{"mixed"}, []string{"Mixed"}, false, []string{"realistic", "mixed", "romanticized"}},
		{"conditions", []string{"paranoia", "depression"}, []string{"Paranoia", "Depression"}, false, nil},
		{FacetMedium, []string{"manga"}, []string{"Manga"}, false, nil},
		{FacetCountries, []string{"JP", "KR"}, []string{"Japan", "South Korea"}, false, []string{"FR", "JP", "KR"}},
		{FacetLanguages, []string{"ja"}, []string{"Japanese"}, false, nil},
		{FacetHikikomoriGenders, []string{"male", "female"}, []string{"Male", "Female"}, true, nil},
		{FacetFemaleHikikomoriLead, []string{"true"}, []string{"Yes"}, true, []string{"true", "false"}},
		{FacetDecade, []string{"2000"}, []string{"2000s"}, true, []string{"990", "1980", "2000", "2010"}},
		{FacetCodingStatus, []string{"partial"}, []string{"Partly coded"}, true, []string{"coded", "partial", "uncoded"}},
	}
	for _, tt := range tests {
		f, ok := cb.Facet(tt.facet)
		if !ok {
			t.Errorf("Facet(%q) missing", tt.facet)
			continue
		}
		if got := f.Of(w); !slices.Equal(got, tt.values) {
			t.Errorf("%s: Of = %q, want %q", tt.facet, got, tt.values)
		}
		var labels []string
		for _, v := range tt.values {
			labels = append(labels, f.ValueLabel(v))
		}
		if !slices.Equal(labels, tt.labels) {
			t.Errorf("%s: labels = %q, want %q", tt.facet, labels, tt.labels)
		}
		if f.Derived != tt.derived {
			t.Errorf("%s: Derived = %v, want %v", tt.facet, f.Derived, tt.derived)
		}
		if tt.ordered != nil {
			shuffled := slices.Clone(tt.ordered)
			slices.Reverse(shuffled)
			slices.SortFunc(shuffled, f.Compare)
			if !slices.Equal(shuffled, tt.ordered) {
				t.Errorf("%s: sorted = %q, want %q", tt.facet, shuffled, tt.ordered)
			}
		}
	}
	if f, _ := cb.Facet(FacetDecade); f.ValueLabel("x") != "x" {
		t.Errorf("decade label of x = %q, want x", f.ValueLabel("x"))
	}
	var names []string
	for _, f := range cb.Facets() {
		names = append(names, f.Name)
	}
	if want := len(cb.Dimensions) + 7; len(names) != want {
		t.Errorf("Facets() = %q, want %d", names, want)
	}
}
