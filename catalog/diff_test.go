package catalog

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDiffCitation: a change of a coding's source or locator alone is a
// change the history shows.
func TestDiffCitation(t *testing.T) {
	cb := DefaultCodebook()
	base := Coding{Value: "realistic", Evidence: "He hides.", Source: 1, Locator: "episode 3"}
	for _, tt := range []struct {
		name string
		new  Coding
		want string // the new text, "" for no change
	}{
		{"same", base, ""},
		{"source", Coding{Value: "realistic", Evidence: "He hides.", Source: 2, Locator: "episode 3"}, "Realistic (source [2], episode 3)"},
		{"locator", Coding{Value: "realistic", Evidence: "He hides.", Source: 1, Locator: "episode 4"}, "Realistic (source [1], episode 4)"},
		{"source dropped", Coding{Value: "realistic", Evidence: "He hides.", Locator: "episode 3"}, "Realistic (episode 3)"},
		{"both dropped", Coding{Value: "realistic", Evidence: "He hides."}, "Realistic"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			old := &Work{ID: "w", Portrayal: Portrayal{"realism": base}}
			new := &Work{ID: "w", Portrayal: Portrayal{"realism": tt.new}}
			changes := cb.Diff(old, new)
			switch {
			case tt.want == "" && len(changes) != 0:
				t.Errorf("Diff = %+v, want no change", changes)
			case tt.want != "" && (len(changes) != 1 || changes[0].New != tt.want || changes[0].Old != "Realistic (source [1], episode 3)"):
				t.Errorf("Diff = %+v, want one change to %q", changes, tt.want)
			}
		})
	}
}

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
			"recovery":   {Value: "gradual", Spoiler: true, Source: 1, Locator: "chapter 40"},
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
		"portrayal.recovery: Gradual [spoiler] → Gradual [spoiler] (source [1], chapter 40) |  → ",
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
