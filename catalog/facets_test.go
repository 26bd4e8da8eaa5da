package catalog

import "testing"

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
