package catalog

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDiff(t *testing.T) {
	cb := DefaultCodebook()
	old := &Work{ID: "w", Title: "Old", Medium: "manga", Year: 2001, Countries: []string{"JP"},
		Creators: []Creator{{Name: "A", Role: "author"}},
		Portrayal: Portrayal{
			"realism":    {Value: "realistic", Evidence: "He hides."},
			"conditions": {Values: []string{"paranoia"}},
			"recovery":   {Value: "gradual", Spoiler: true},
		}}
	new := &Work{ID: "w", Title: "New", Medium: "novel", Year: 2001, Countries: []string{"JP", "KR"},
		Creators: []Creator{{Name: "A", Role: "author"}},
		Portrayal: Portrayal{
			"realism":    {Value: "realistic", Evidence: "He hides for years."},
			"conditions": {Values: []string{}},
			"recovery":   {Value: "gradual", Spoiler: true},
		}}
	var got []string
	for _, c := range cb.Diff(old, new) {
		got = append(got, c.Key+": "+c.Old+" → "+c.New+" | "+c.OldEvidence+" → "+c.NewEvidence)
	}
	want := []string{
		"title: Old → New |  → ",
		"medium: Manga → Novel |  → ",
		"countries: Japan → Japan\nSouth Korea |  → ",
		"portrayal.realism: Realistic → Realistic | He hides. → He hides for years.",
		"portrayal.conditions: Paranoia → (none) |  → ",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Diff (-want +got):\n%s", diff)
	}
	// A new work: every field it fills, none it leaves empty.
	if n := len(cb.Diff(nil, old)); n != 8 { // title, medium, year, countries, creators and three codings
		t.Errorf("Diff(nil, old) = %d changes, want 8", n)
	}
	if len(cb.Diff(old, old)) != 0 {
		t.Error("Diff of a work with itself is not empty")
	}
	created := cb.Diff(nil, old)
	if created[0].Key != "title" || created[0].Old != "" || created[0].New != "Old" {
		t.Errorf("Diff(nil, old)[0] = %+v, want the title, from nothing", created[0])
	}
}
