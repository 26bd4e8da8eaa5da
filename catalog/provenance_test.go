package catalog

import (
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestProvenance(t *testing.T) {
	// rev builds revision n by author with the given codings (nil: a
	// delete).
	rev := func(n int, author string, p Portrayal) Revision {
		r := Revision{WorkID: "w", Number: n, Author: author, Op: OpUpdate}
		if p == nil {
			r.Op = OpDelete
			return r
		}
		r.Work = &Work{ID: "w", Title: "W", Portrayal: p}
		return r
	}
	realistic := Coding{Value: "realistic", Evidence: "He hides."}
	tests := []struct {
		name string
		revs []Revision
		want map[string]string // dimension → "author n"
	}{
		{"no revisions", nil, nil},
		{"created", []Revision{rev(1, "ann", Portrayal{"realism": realistic, "tone": {Value: "comedic"}})},
			map[string]string{"realism": "ann 1", "tone": "ann 1"}},
		{"one dimension changed later", []Revision{
			rev(1, "ann", Portrayal{"realism": realistic, "tone": {Value: "comedic"}}),
			rev(2, "bob", Portrayal{"realism": realistic, "tone": {Value: "dark"}}),
		}, map[string]string{"realism": "ann 1", "tone": "bob 2"}},
		{"an edit that leaves the coding alone is not its provenance", []Revision{
			rev(1, "ann", Portrayal{"realism": realistic}),
			rev(2, "bob", Portrayal{"realism": realistic, "tone": {Value: "dark"}}),
			rev(3, "cy", Portrayal{"realism": realistic, "tone": {Value: "dark"}}),
		}, map[string]string{"realism": "ann 1", "tone": "bob 2"}},
		{"evidence alone changed", []Revision{
			rev(1, "ann", Portrayal{"realism": realistic}),
			rev(2, "bob", Portrayal{"realism": {Value: "realistic", Evidence: "He hides for years."}}),
		}, map[string]string{"realism": "bob 2"}},
		{"spoiler flag alone changed", []Revision{
			rev(1, "ann", Portrayal{"realism": realistic}),
			rev(2, "bob", Portrayal{"realism": {Value: "realistic", Evidence: "He hides.", Spoiler: true}}),
		}, map[string]string{"realism": "bob 2"}},
		{"source alone changed, then locator alone", []Revision{
			rev(1, "ann", Portrayal{"realism": realistic, "tone": {Value: "dark", Locator: "ch. 1"}}),
			rev(2, "bob", Portrayal{"realism": {Value: "realistic", Evidence: "He hides.", Source: 1}, "tone": {Value: "dark", Locator: "ch. 1"}}),
			rev(3, "cy", Portrayal{"realism": {Value: "realistic", Evidence: "He hides.", Source: 1}, "tone": {Value: "dark", Locator: "ch. 2"}}),
		}, map[string]string{"realism": "bob 2", "tone": "cy 3"}},
		{"a set's values changed, then coded empty", []Revision{
			rev(1, "ann", Portrayal{"conditions": {Values: []string{"paranoia"}}, "realism": realistic}),
			rev(2, "bob", Portrayal{"conditions": {Values: []string{"paranoia", "depression"}}, "realism": realistic}),
			rev(3, "cy", Portrayal{"conditions": {Values: []string{}}, "realism": realistic}),
		}, map[string]string{"conditions": "cy 3", "realism": "ann 1"}},
		{"uncoded, then coded again as before", []Revision{
			rev(1, "ann", Portrayal{"realism": realistic, "tone": {Value: "dark"}}),
			rev(2, "bob", Portrayal{"tone": {Value: "dark"}}),
			rev(3, "cy", Portrayal{"realism": realistic, "tone": {Value: "dark"}}),
		}, map[string]string{"realism": "cy 3", "tone": "ann 1"}},
		{"a dimension no longer coded has none", []Revision{
			rev(1, "ann", Portrayal{"realism": realistic, "tone": {Value: "dark"}}),
			rev(2, "bob", Portrayal{"tone": {Value: "dark"}}),
		}, map[string]string{"tone": "ann 1"}},
		{"deleted", []Revision{
			rev(1, "ann", Portrayal{"realism": realistic}),
			rev(2, "bob", nil),
		}, nil},
		{"recreated after a delete, unchanged, counts as a change", []Revision{
			rev(1, "ann", Portrayal{"realism": realistic}),
			rev(2, "bob", nil),
			rev(3, "cy", Portrayal{"realism": realistic}),
		}, map[string]string{"realism": "cy 3"}},
	}
	for _, tt := range tests {
		var got map[string]string
		if p := Provenance(tt.revs); p != nil {
			got = map[string]string{}
			for dim, r := range p {
				got[dim] = r.Author + " " + strconv.Itoa(r.Number)
			}
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: Provenance (-want +got):\n%s", tt.name, diff)
		}
	}
}
