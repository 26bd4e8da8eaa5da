package catalog

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Draft is what a harvest of web pages found about one work, for a curator
// to review before anything is saved: the facts it could fill, the pages
// each came from, the values the pages disagreed on, and the catalog's
// works it may already be. It never holds prose: no synopsis, no example
// text, only titles, dates, names, roles and counts.
type Draft struct {
	Work Work `json:"work"`
	// Provenance lists, per field of the work (its JSON name: "year",
	// "creators"), the pages that gave the value kept.
	Provenance map[string][]string `json:"provenance"`
	Conflicts  []Conflict          `json:"conflicts,omitempty"`
	// Matches are ids of existing works the draft may describe.
	Matches []string `json:"matches,omitempty"`
	// Facts are what the pages said that import format v1 has no field
	// for, such as "episodes" or "platforms", with their sources in
	// Provenance under "facts." and the name ("facts.episodes").
	Facts    map[string]string `json:"facts,omitempty"`
	Warnings []string          `json:"warnings,omitempty"`
}

// Conflict is a field on which the harvested pages disagree; the draft's
// work keeps the first value, and a curator decides.
type Conflict struct {
	Field  string          `json:"field"`
	Values []ConflictValue `json:"values"`
}

// ConflictValue is one page's value of a conflicting field.
type ConflictValue struct {
	Value  any    `json:"value"`
	Source string `json:"source"`
}

// MarshalJSON writes the work with only the fields the harvest filled: a
// draft's "year": 0 or "medium": "" would read as a claim.
func (d Draft) MarshalJSON() ([]byte, error) {
	work, err := filledFields(&d.Work)
	if err != nil {
		return nil, err
	}
	prov := d.Provenance
	if prov == nil {
		prov = map[string][]string{}
	}
	return json.Marshal(struct {
		Work       json.RawMessage     `json:"work"`
		Provenance map[string][]string `json:"provenance"`
		Conflicts  []Conflict          `json:"conflicts,omitempty"`
		Matches    []string            `json:"matches,omitempty"`
		Facts      map[string]string   `json:"facts,omitempty"`
		Warnings   []string            `json:"warnings,omitempty"`
	}{work, prov, d.Conflicts, d.Matches, d.Facts, d.Warnings})
}

// filledFields is the work's JSON, in its usual order, without the fields
// import format v1 always writes and a harvest may have left empty: id,
// title and medium when "", year when 0.
func filledFields(w *Work) ([]byte, error) {
	full, err := json.Marshal(w)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(full))
	if _, err := dec.Token(); err != nil { // {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		k := tok.(string)
		switch {
		case (k == "id" || k == "title" || k == "medium") && string(v) == `""`, k == "year" && string(v) == "0":
			continue
		}
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// idSuffixes is how the catalog's ids end for each medium
// ("welcome-to-the-nhk-anime").
var idSuffixes = map[string]string{
	"anime_series": "anime", "anime_film": "film", "manga": "manga", "light_novel": "novel", "novel": "novel",
	"live_action_film": "film", "tv_drama": "drama", "documentary": "documentary", "video_game": "game",
}

// IDSuffix is the word the catalog's ids of a medium end with, "" for
// none.
func IDSuffix(medium string) string { return idSuffixes[medium] }

// SuggestID makes a work id the way the catalog's are made: the title in
// lowercase ASCII words joined by hyphens, then the medium's word
// (welcome-to-the-nhk-manga). It is "" when the title has no ASCII letter
// or digit; the edit form's script does the same in the browser.
func SuggestID(title, medium string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFKD.String(title) {
		switch {
		case unicode.Is(unicode.Mn, r), r == '\'', r == '’', r == '.':
			continue
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
		case 'A' <= r && r <= 'Z':
			r += 'a' - 'A'
		default:
			dash = b.Len() > 0
			continue
		}
		if dash {
			b.WriteByte('-')
			dash = false
		}
		b.WriteRune(r)
	}
	id := b.String()
	if id == "" {
		return ""
	}
	if sfx := idSuffixes[medium]; sfx != "" && !strings.HasSuffix(id, "-"+sfx) {
		id += "-" + sfx
	}
	if len(id) > 100 {
		id = strings.TrimRight(id[:100], "-")
	}
	return id
}
