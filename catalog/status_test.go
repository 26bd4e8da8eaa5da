package catalog

import (
	"slices"
	"testing"
)

func TestCodingStatus(t *testing.T) {
	cb := DefaultCodebook()
	all := Portrayal{}
	for _, d := range cb.Dimensions {
		if d.Multi {
			all[d.ID] = Coding{Values: []string{}}
		} else {
			all[d.ID] = Coding{Value: d.Values[0].ID}
		}
	}
	without := func(ids ...string) Portrayal {
		p := Portrayal{}
		for k, v := range all {
			if !slices.Contains(ids, k) {
				p[k] = v
			}
		}
		return p
	}
	n := len(cb.Dimensions)
	tests := []struct {
		name      string
		portrayal Portrayal
		status    string
		coded     int
		missing   []string
	}{
		{"nothing coded", nil, StatusUncoded, 0, dimensionIDs(cb)},
		{"empty portrayal", Portrayal{}, StatusUncoded, 0, dimensionIDs(cb)},
		{"one dimension", Portrayal{"realism": {Value: "mixed"}}, StatusPartial, 1, slices.DeleteFunc(dimensionIDs(cb), func(id string) bool { return id == "realism" })},
		{"all but recovery", without("recovery"), StatusPartial, n - 1, []string{"recovery"}},
		{"every dimension", all, StatusCoded, n, nil},
		{"an empty set counts as coded", without(), StatusCoded, n, nil},
		// A key the codebook lacks is no dimension (Validate rejects it).
		{"unknown key only", Portrayal{"mood": {Value: "sad"}}, StatusUncoded, 0, dimensionIDs(cb)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := &Work{Portrayal: tt.portrayal}
			if got := cb.CodingStatus(w); got != tt.status {
				t.Errorf("CodingStatus = %q, want %q", got, tt.status)
			}
			if got := cb.CodedCount(w); got != tt.coded {
				t.Errorf("CodedCount = %d, want %d", got, tt.coded)
			}
			var missing []string
			for _, d := range cb.Uncoded(w) {
				missing = append(missing, d.ID)
			}
			if !slices.Equal(missing, tt.missing) {
				t.Errorf("Uncoded = %q, want %q", missing, tt.missing)
			}
			f, _ := cb.Facet(FacetCodingStatus)
			if got := f.Of(w); !slices.Equal(got, []string{tt.status}) {
				t.Errorf("coding_status facet = %q, want [%s]", got, tt.status)
			}
		})
	}
}

// dimensionIDs returns the codebook's dimension ids in display order.
func dimensionIDs(cb *Codebook) []string {
	var out []string
	for _, d := range cb.Dimensions {
		out = append(out, d.ID)
	}
	return out
}
