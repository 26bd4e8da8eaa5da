package catalog

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

//go:embed codebook.json
var codebookJSON []byte

//go:embed iso.json
var isoJSON []byte

// Codebook is the coding scheme: the portrayal dimensions and the metadata
// vocabularies, each value with a label and a definition. It is data
// (codebook.json, embedded), so that validation, the API and the pages all
// read the same definitions.
type Codebook struct {
	Version    string      `json:"codebook_version"`
	Dimensions []Dimension `json:"dimensions"` // the coded portrayal dimensions, in display order
	Metadata   []Dimension `json:"metadata"`   // medium, gender, character_role, creator_role, relation
	// Changes is the codebook's history, newest first; the first is
	// Version. A scholar citing codings needs to know which values existed
	// when, and a file coded against an older version needs to know how its
	// values read now.
	Changes []CodebookChange `json:"changes,omitempty"`
	// Synonyms are groups of words a search treats as one ("hikikomori",
	// "引きこもり", "shut-in"), whatever they are found in.
	Synonyms [][]string `json:"synonyms,omitempty"`

	byID      map[string]*Dimension
	countries map[string]string // ISO 3166-1 alpha-2 → English name
	demonyms  map[string]string // ISO 3166-1 alpha-2 → "Korean", where iso.json gives one
	languages map[string]string // ISO 639-1 → English name
	// byName maps lowercased English names (and demonyms) back to codes,
	// for reading names off web pages.
	countryByName, languageByName map[string]string

	facets     []Facet // the search API's facets, in display order
	facetIndex map[string]int
	names      *nameIndex // facet values by what they are called (suggest.go)
}

// CodebookChange is one version of the codebook in its changelog.
type CodebookChange struct {
	Version string `json:"version"`
	Date    string `json:"date"` // YYYY-MM-DD
	Summary string `json:"summary"`
	// Added names the values this version added, as dimension.value.
	Added []string `json:"added,omitempty"`
	// Compatibility says how files coded against the previous version read
	// under this one. The codebook only ever adds values, so an older file
	// stays valid; this says where its codings are less precise.
	Compatibility string `json:"compatibility,omitempty"`
}

// Dimension is a coded dimension or a metadata vocabulary.
type Dimension struct {
	ID         string `json:"id"`
	Label      string `json:"label"`
	Definition string `json:"definition"`
	Multi      bool   `json:"multi,omitempty"`   // a set of values rather than one
	Spoiler    bool   `json:"spoiler,omitempty"` // every value is a spoiler
	// Warning marks a dimension readers want to know before they start,
	// such as content warnings: the pages show it near the top of a work
	// and on result cards, and it is never a spoiler, neither for the whole
	// dimension nor for one work's coding, since hiding it would defeat it.
	Warning bool `json:"warning,omitempty"`
	// Level is the level of measurement agreement between coders is
	// measured at (Krippendorff's alpha): "ordinal" when the values are
	// listed in order, "nominal" for other single-valued dimensions, "set"
	// for multi-valued ones. Coded dimensions only.
	Level  string  `json:"level,omitempty"`
	Values []Value `json:"values"`

	byID map[string]*Value
}

// Value is one allowed value of a dimension.
type Value struct {
	ID         string `json:"id"`
	Label      string `json:"label"`
	Definition string `json:"definition"`
	Reverse    string `json:"reverse,omitempty"` // relations only: the relation the other entry carries
	// Synonyms are other words for the value, which find the works coded
	// with it ("social phobia" for social_anxiety); the label is one too.
	Synonyms []string `json:"synonyms,omitempty"`
	// Denies marks a value that says the work does not show the
	// dimension's topic (recovery "none", internet role "absent"): it adds
	// no topic words to a work, and its evidence does not match the topic.
	Denies bool `json:"denies,omitempty"`
}

// IsSpoiler reports whether c, a coding of d, gives the plot away and is
// hidden from a reader who hides spoilers: every coding of a spoiler
// dimension, and a coding flagged as one. A warning is never hidden, even
// where a revision stored before that rule carries the flag.
func (d *Dimension) IsSpoiler(c Coding) bool { return !d.Warning && (d.Spoiler || c.Spoiler) }

// Value returns the value with the given id, or nil.
func (d *Dimension) Value(id string) *Value { return d.byID[id] }

// Has reports whether id is an allowed value.
func (d *Dimension) Has(id string) bool { return d.byID[id] != nil }

var defaultCodebook = mustLoadCodebook()

// DefaultCodebook returns the codebook embedded in the binary. It is shared
// and must not be modified.
func DefaultCodebook() *Codebook { return defaultCodebook }

func mustLoadCodebook() *Codebook {
	cb, err := ParseCodebook(codebookJSON)
	if err != nil {
		panic(err) // the embedded file is tested; this is a build mistake
	}
	return cb
}

// ParseCodebook reads a codebook in the JSON form of codebook.json.
func ParseCodebook(data []byte) (*Codebook, error) {
	cb := new(Codebook)
	if err := json.Unmarshal(data, cb); err != nil {
		return nil, fmt.Errorf("codebook: %w", err)
	}
	cb.byID = make(map[string]*Dimension)
	for _, list := range [][]Dimension{cb.Dimensions, cb.Metadata} {
		for i := range list {
			d := &list[i]
			if _, dup := cb.byID[d.ID]; dup {
				return nil, fmt.Errorf("codebook: dimension %q defined twice", d.ID)
			}
			if d.Warning && d.Spoiler {
				return nil, fmt.Errorf("codebook: %s is a warning, so it cannot be a spoiler", d.ID)
			}
			cb.byID[d.ID] = d
			d.byID = make(map[string]*Value, len(d.Values))
			for j := range d.Values {
				v := &d.Values[j]
				if _, dup := d.byID[v.ID]; dup {
					return nil, fmt.Errorf("codebook: %s value %q defined twice", d.ID, v.ID)
				}
				if v.Denies && len(v.Synonyms) > 0 {
					return nil, fmt.Errorf("codebook: %s value %q denies its topic but has synonyms", d.ID, v.ID)
				}
				d.byID[v.ID] = v
			}
		}
	}
	for _, d := range cb.Dimensions {
		switch {
		case d.Multi && d.Level != "set":
			return nil, fmt.Errorf("codebook: %s is multi-valued, so its level must be \"set\", got %q", d.ID, d.Level)
		case !d.Multi && d.Level != "nominal" && d.Level != "ordinal":
			return nil, fmt.Errorf("codebook: %s takes one value, so its level must be \"nominal\" or \"ordinal\", got %q", d.ID, d.Level)
		}
	}
	if err := cb.checkChanges(); err != nil {
		return nil, err
	}
	for i, group := range cb.Synonyms {
		if len(group) < 2 {
			return nil, fmt.Errorf("codebook: synonym group %d has fewer than two words", i+1)
		}
	}
	for _, name := range []string{"medium", "gender", "character_role", "creator_role", "relation"} {
		if cb.byID[name] == nil {
			return nil, fmt.Errorf("codebook: vocabulary %q missing", name)
		}
	}
	var iso struct {
		Countries []struct{ Code, Name, Demonym string }
		Languages []struct{ Code, Name string }
	}
	if err := json.Unmarshal(isoJSON, &iso); err != nil {
		return nil, fmt.Errorf("iso codes: %w", err)
	}
	cb.countries = make(map[string]string, len(iso.Countries))
	cb.demonyms = make(map[string]string)
	cb.countryByName = make(map[string]string, len(iso.Countries))
	cb.languageByName = make(map[string]string, len(iso.Languages))
	for _, c := range iso.Countries {
		cb.countries[c.Code] = c.Name
		cb.countryByName[strings.ToLower(c.Name)] = c.Code
		if c.Demonym != "" {
			cb.demonyms[c.Code] = c.Demonym
		}
	}
	cb.languages = make(map[string]string, len(iso.Languages))
	for _, l := range iso.Languages {
		cb.languages[l.Code] = l.Name
		cb.languageByName[strings.ToLower(l.Name)] = l.Code
	}
	cb.buildFacets()
	return cb, nil
}

// checkChanges holds the changelog to the codebook it describes: newest
// first, headed by the codebook's own version, every added value defined.
func (cb *Codebook) checkChanges() error {
	if len(cb.Changes) == 0 {
		return nil
	}
	if cb.Changes[0].Version != cb.Version {
		return fmt.Errorf("codebook: the newest change is version %q, but the codebook is %q", cb.Changes[0].Version, cb.Version)
	}
	for i, ch := range cb.Changes {
		if _, err := time.Parse(time.DateOnly, ch.Date); err != nil {
			return fmt.Errorf("codebook: change %s: date %q is not YYYY-MM-DD", ch.Version, ch.Date)
		}
		if i > 0 && ch.Date > cb.Changes[i-1].Date {
			return fmt.Errorf("codebook: change %s is dated after the newer %s; list changes newest first", ch.Version, cb.Changes[i-1].Version)
		}
		for _, a := range ch.Added {
			dim, value, _ := strings.Cut(a, ".")
			if d := cb.byID[dim]; d == nil || !d.Has(value) {
				return fmt.Errorf("codebook: change %s adds %q, which the codebook does not define", ch.Version, a)
			}
		}
	}
	return nil
}

// Dimension returns the dimension or vocabulary with the given id, or nil.
func (cb *Codebook) Dimension(id string) *Dimension { return cb.byID[id] }

// Portrayal reports whether id names a coded portrayal dimension (as
// opposed to a metadata vocabulary).
func (cb *Codebook) isPortrayal(id string) bool {
	for i := range cb.Dimensions {
		if cb.Dimensions[i].ID == id {
			return true
		}
	}
	return false
}

// CountryName returns the English name of an ISO 3166-1 alpha-2 code, or "".
func (cb *Codebook) CountryName(code string) string { return cb.countries[code] }

// CountryDemonym returns the English adjective of a country ("Korean"), or
// "" where the codebook's list has none.
func (cb *Codebook) CountryDemonym(code string) string { return cb.demonyms[code] }

// LanguageName returns the English name of an ISO 639-1 code, or "".
func (cb *Codebook) LanguageName(code string) string { return cb.languages[code] }

// CountryCode returns the ISO 3166-1 alpha-2 code of a country's English
// name as the codebook's list gives it ("Japan", "United States"), in any
// case, or "".
func (cb *Codebook) CountryCode(name string) string {
	return cb.countryByName[strings.ToLower(strings.TrimSpace(name))]
}

// LanguageCode returns the ISO 639-1 code of a language's English name
// ("Japanese"), in any case, or "".
func (cb *Codebook) LanguageCode(name string) string {
	return cb.languageByName[strings.ToLower(strings.TrimSpace(name))]
}

// Label returns the display label of a facet value (see Facet.ValueLabel),
// or of a value of another vocabulary, such as a character's gender. An
// unknown value is its own label.
func (cb *Codebook) Label(facet, value string) string {
	if f, ok := cb.Facet(facet); ok {
		return f.ValueLabel(value)
	}
	if d := cb.byID[facet]; d != nil {
		if v := d.byID[value]; v != nil {
			return v.Label
		}
	}
	return value
}
