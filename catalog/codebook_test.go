package catalog

import (
	"slices"
	"strings"
	"testing"
)

// TestCodebookSearchWords: the words search will find coded topics by are
// in the codebook data, and the values that deny a topic are marked.
func TestCodebookSearchWords(t *testing.T) {
	cb := DefaultCodebook()
	for _, tt := range []struct{ dim, value, word string }{
		{"conditions", "social_anxiety", "social phobia"},
		{"conditions", "social_anxiety", "fear of people"},
		{"family_dynamics", "enabling", "enabler"},
		{"family_dynamics", "enabling", "coddling"},
		{"internet_role", "enabler", "internet addiction"},
		{"internet_role", "enabler", "gaming addiction"},
		{"triggers", "academic_pressure", "exam pressure"},
		{"gender", "female", "woman"},
		{"medium", "anime_series", "anime"},
	} {
		v := cb.Dimension(tt.dim).Value(tt.value)
		if v == nil || !slices.Contains(v.Synonyms, tt.word) {
			t.Errorf("%s %s: synonyms %v lack %q", tt.dim, tt.value, v.Synonyms, tt.word)
		}
	}
	var denying []string
	for _, list := range [][]Dimension{cb.Dimensions, cb.Metadata} {
		for _, d := range list {
			for _, v := range d.Values {
				if v.Denies {
					denying = append(denying, d.ID+"="+v.ID)
				}
			}
		}
	}
	want := []string{"recovery=none", "conditions=none_explicit", "triggers=unspecified", "family_dynamics=absent",
		"internet_role=absent", "otaku_conflation=no", "withdrawal_criteria=not_met", "gender=unspecified"}
	if !slices.Equal(denying, want) {
		t.Errorf("values that deny their topic = %v, want %v", denying, want)
	}
	hiki := -1
	for i, g := range cb.Synonyms {
		if slices.Contains(g, "hikikomori") {
			hiki = i
		}
	}
	if hiki < 0 || !slices.Contains(cb.Synonyms[hiki], "引きこもり") || !slices.Contains(cb.Synonyms[hiki], "shut-in") {
		t.Errorf("no synonym group joins hikikomori, 引きこもり and shut-in: %v", cb.Synonyms)
	}
}

func TestParseCodebookRejects(t *testing.T) {
	for _, tt := range []struct{ name, json, want string }{
		{"denial with synonyms", `{"dimensions": [{"id": "d", "values": [{"id": "none", "denies": true, "synonyms": ["x"]}]}]}`, "denies its topic but has synonyms"},
		{"lone synonym", `{"synonyms": [["only"]]}`, "fewer than two words"},
		{"warning as a spoiler", `{"dimensions": [{"id": "cw", "warning": true, "spoiler": true, "values": []}]}`, "cw is a warning, so it cannot be a spoiler"},
		{"a set measured as nominal", `{"dimensions": [{"id": "d", "multi": true, "level": "nominal", "values": []}]}`, `d is multi-valued, so its level must be "set"`},
		{"no level", `{"dimensions": [{"id": "d", "values": []}]}`, `d takes one value, so its level must be "nominal" or "ordinal"`},
		{"one value as a set", `{"dimensions": [{"id": "d", "level": "set", "values": []}]}`, `d takes one value`},
	} {
		if _, err := ParseCodebook([]byte(tt.json)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: ParseCodebook = %v, want an error containing %q", tt.name, err, tt.want)
		}
	}
}

// TestIsSpoiler: a spoiler dimension or a flagged coding is hidden; a
// warning never is, even flagged, as a revision stored before the rule
// may be.
func TestIsSpoiler(t *testing.T) {
	cb := DefaultCodebook()
	for _, tt := range []struct {
		dim     string
		flagged bool
		want    bool
	}{
		{"recovery", false, true},
		{"tone", false, false},
		{"tone", true, true},
		{"content_warnings", false, false},
		{"content_warnings", true, false},
	} {
		if got := cb.Dimension(tt.dim).IsSpoiler(Coding{Spoiler: tt.flagged}); got != tt.want {
			t.Errorf("Dimension(%q).IsSpoiler(Coding{Spoiler: %v}) = %v, want %v", tt.dim, tt.flagged, got, tt.want)
		}
	}
}

// TestCodebookLevels: every coded dimension declares the level its
// agreement is measured at, and a codebook that contradicts itself is
// refused.
func TestCodebookLevels(t *testing.T) {
	cb := DefaultCodebook()
	for id, want := range map[string]string{"realism": "ordinal", "otaku_conflation": "ordinal", "tone": "nominal",
		"recovery": "nominal", "withdrawal_criteria": "nominal", "conditions": "set", "content_warnings": "set"} {
		if got := cb.Dimension(id).Level; got != want {
			t.Errorf("%s: level %q, want %q", id, got, want)
		}
	}
}
