package catalog

import (
	"errors"
	"io"
	"os"
	"path/filepath"
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
		{"conditions", "agoraphobia", "agoraphobic"},
		{"conditions", "neurodevelopmental", "autism"},
		{"conditions", "neurodevelopmental", "adhd"},
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
	want := []string{"recovery=none", "conditions=none_explicit", "triggers=unspecified", "family_dynamics=not_shown", "family_dynamics=absent",
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
		{"changelog behind", `{"codebook_version": "1.1.0", "changes": [{"version": "1.0.0", "date": "2026-11-26"}]}`, `the newest change is version "1.0.0", but the codebook is "1.1.0"`},
		{"changelog undated", `{"codebook_version": "1.1.0", "changes": [{"version": "1.1.0", "date": "30 Nov"}]}`, `change 1.1.0: date "30 Nov" is not YYYY-MM-DD`},
		{"changelog out of order", `{"codebook_version": "2", "changes": [{"version": "2", "date": "2026-01-01"}, {"version": "1", "date": "2026-02-01"}]}`, `change 1 is dated after the newer 2`},
		{"added value undefined", `{"codebook_version": "2", "changes": [{"version": "2", "date": "2026-01-01", "added": ["conditions.agoraphobia"]}]}`, `adds "conditions.agoraphobia", which the codebook does not define`},
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

// TestCodebookKeepsOlderValues: every dimension and value of an earlier
// codebook (testdata/codebook-VERSION.json, the file as released) is still
// defined, so files coded against it import unchanged, and the changelog
// names each version and what it added.
func TestCodebookKeepsOlderValues(t *testing.T) {
	cb := DefaultCodebook()
	versions := map[string]CodebookChange{}
	for _, ch := range cb.Changes {
		versions[ch.Version] = ch
	}
	files, err := filepath.Glob("testdata/codebook-*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no earlier codebooks in testdata (%v)", err)
	}
	older := map[string]*Codebook{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		old, err := ParseCodebook(data)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		older[f] = old
		if _, ok := versions[old.Version]; !ok {
			t.Errorf("%s: version %s is not in the changelog", f, old.Version)
		}
		for _, list := range [][]Dimension{old.Dimensions, old.Metadata} {
			for _, d := range list {
				now := cb.Dimension(d.ID)
				if now == nil {
					t.Errorf("%s: dimension %s is gone from codebook %s", f, d.ID, cb.Version)
					continue
				}
				for _, v := range d.Values {
					if !now.Has(v.ID) {
						t.Errorf("%s: %s value %s is gone from codebook %s", f, d.ID, v.ID, cb.Version)
					}
				}
			}
		}
	}
	// The latest version says how older files read, and what it lists as
	// added is new: no earlier codebook had it.
	latest := versions[cb.Version]
	if latest.Compatibility == "" {
		t.Errorf("change %s does not say how older files read under it", cb.Version)
	}
	for _, a := range latest.Added {
		dim, value, _ := strings.Cut(a, ".")
		for f, old := range older {
			if d := old.Dimension(dim); d != nil && d.Has(value) {
				t.Errorf("change %s adds %s, which %s already had", cb.Version, a, f)
			}
		}
	}
}

// TestCodebookReadsOlderFiles: works coded against codebook 1.0.0, as the
// first shipped catalog had them (an empty family set where 1.1.0 says
// not_shown, none_explicit where it says agoraphobia, "absent" beside
// another family value), still import under the current codebook.
func TestCodebookReadsOlderFiles(t *testing.T) {
	f, err := os.Open("testdata/works-codebook-1.0.0.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	works, err := decodeAll(f)
	if err != nil {
		t.Fatalf("a 1.0.0 file no longer imports: %v", err)
	}
	for _, w := range works {
		if w.Portrayal["family_dynamics"].Values == nil {
			t.Errorf("%s: family_dynamics lost its coding", w.ID)
		}
	}
	if len(works) != 3 {
		t.Errorf("read %d works, want the file's 3", len(works))
	}
}

// decodeAll reads every work of an import file, stopping at the first
// invalid line.
func decodeAll(r io.Reader) ([]*Work, error) {
	var works []*Work
	dec := NewDecoder(r, DefaultCodebook())
	for {
		w, err := dec.Next()
		if errors.Is(err, io.EOF) {
			return works, nil
		}
		if err != nil {
			return works, err
		}
		works = append(works, w)
	}
}
