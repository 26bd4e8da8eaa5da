package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// Work is one catalog entry: one work in one medium. Its JSON form is
// import format v1 (see codebook.md); the field order here is the order
// of every export.
type Work struct {
	ID             string      `json:"id"`
	Title          string      `json:"title"`
	OriginalTitle  string      `json:"original_title,omitempty"`
	RomanizedTitle string      `json:"romanized_title,omitempty"`
	AltTitles      []string    `json:"alt_titles,omitempty"`
	Medium         string      `json:"medium"`
	Year           int         `json:"year"`
	EndYear        int         `json:"end_year,omitempty"` // 0: a single release, or not known
	Countries      []string    `json:"countries,omitempty"`
	Languages      []string    `json:"languages,omitempty"`
	Creators       []Creator   `json:"creators,omitempty"`
	Synopsis       string      `json:"synopsis,omitempty"`
	Characters     []Character `json:"characters,omitempty"`
	Portrayal      Portrayal   `json:"portrayal,omitempty"`
	Related        []Relation  `json:"related,omitempty"`
	Sources        []Source    `json:"sources,omitempty"`
	Links          []Link      `json:"links,omitempty"`
	// Notes is for curators' remarks on the facts: source conflicts,
	// unverified fields left empty, borderline fit.
	Notes string `json:"notes,omitempty"`
}

// Creator is a person or company and what they did for the work.
type Creator struct {
	Name string `json:"name"`
	Role string `json:"role"`
}

// Character is a character of the work; Hikikomori marks the withdrawn ones.
type Character struct {
	Name       string `json:"name"`
	Gender     string `json:"gender"`
	Role       string `json:"role"`
	Hikikomori bool   `json:"hikikomori"`
}

// Relation links a work to another entry of the catalog.
type Relation struct {
	ID       string `json:"id"`
	Relation string `json:"relation"`
}

// Source is where the facts of an entry come from.
type Source struct {
	URL   string `json:"url"`
	Title string `json:"title,omitempty"`
}

// Link is an official page or a database entry about the work.
type Link struct {
	URL   string `json:"url"`
	Label string `json:"label,omitempty"`
}

// Portrayal holds the coded dimensions, keyed by dimension id. A dimension
// that is absent has not been coded; a set dimension coded as an empty set
// (for example no content warnings) is present with empty Values.
type Portrayal map[string]Coding

// Coding is the value of one dimension for one work, with the curator's
// evidence for it.
//
// In JSON a coding is written in the shortest form that keeps everything:
// "realistic" or ["paranoia"] when it has no evidence and no spoiler flag,
// otherwise {"value": "realistic", "evidence": "…", "spoiler": true,
// "source": 2, "locator": "episode 3"} (or "values" for a set). Both forms
// are read.
type Coding struct {
	Value    string   // single-valued dimensions
	Values   []string // set dimensions; non-nil when coded, even if empty
	Evidence string   // what in the work shows it: episode, chapter, scene
	Spoiler  bool     // the value gives the plot away (recovery always does; see Dimension.Spoiler)
	// Source is the 1-based number of the work's source that backs the
	// coding (2 is Sources[1], shown as footnote [2]); 0 names none.
	Source int
	// Locator says where in the work or the source the evidence is:
	// "episode 3", "chapter 12", "p. 41", "01:12:30".
	Locator string
}

// IsSet reports whether the coding is of a set dimension.
func (c Coding) IsSet() bool { return c.Values != nil }

// List returns the coded values as a list, for either kind of dimension.
func (c Coding) List() []string {
	if c.IsSet() {
		return c.Values
	}
	if c.Value == "" {
		return nil
	}
	return []string{c.Value}
}

type codingObject struct {
	Value    *string  `json:"value,omitempty"`
	Values   []string `json:"values,omitempty"`
	Evidence string   `json:"evidence,omitempty"`
	Spoiler  bool     `json:"spoiler,omitempty"`
	// Source is a pointer so that an explicit 0 is told from no source.
	Source  *int   `json:"source,omitempty"`
	Locator string `json:"locator,omitempty"`
}

// MarshalJSON writes the short form where it loses nothing.
func (c Coding) MarshalJSON() ([]byte, error) {
	if c.Evidence == "" && !c.Spoiler && c.Source == 0 && c.Locator == "" {
		if b, ok := appendPlainCoding(nil, c); ok {
			return b, nil
		}
		if c.IsSet() {
			return json.Marshal(c.Values)
		}
		return json.Marshal(c.Value)
	}
	o := codingObject{Evidence: c.Evidence, Spoiler: c.Spoiler, Locator: c.Locator}
	if c.Source != 0 {
		o.Source = &c.Source
	}
	if c.IsSet() {
		// An empty set must still say "values", so it is written by hand
		// rather than through omitempty.
		vals, err := json.Marshal(c.Values)
		if err != nil {
			return nil, err
		}
		o.Values = nil
		rest, err := json.Marshal(o)
		if err != nil {
			return nil, err
		}
		var b bytes.Buffer
		b.WriteString(`{"values":`)
		b.Write(vals)
		if len(rest) > 2 {
			b.WriteByte(',')
			b.Write(rest[1:])
		} else {
			b.WriteByte('}')
		}
		return b.Bytes(), nil
	}
	o.Value = &c.Value
	return json.Marshal(o)
}

// appendPlainCoding appends the short form of a coding whose values are
// codebook ids (letters, digits, "_" and "-": nothing JSON escapes),
// false for any other. Search responses write a score of codings a hit,
// and encoding/json took a tenth of such a response's time on them.
func appendPlainCoding(b []byte, c Coding) ([]byte, bool) {
	plain := func(v string) bool {
		for i := 0; i < len(v); i++ {
			if ch := v[i]; !('a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z' || '0' <= ch && ch <= '9' || ch == '_' || ch == '-') {
				return false
			}
		}
		return true
	}
	if !c.IsSet() {
		if !plain(c.Value) {
			return b, false
		}
		return append(append(append(b, '"'), c.Value...), '"'), true
	}
	b = append(b, '[')
	for i, v := range c.Values {
		if !plain(v) {
			return b, false
		}
		if i > 0 {
			b = append(b, ',')
		}
		b = append(append(append(b, '"'), v...), '"')
	}
	return append(b, ']'), true
}

// UnmarshalJSON reads a string, a list, or the object form. Its errors are
// in plain words, a problem inside the object form as a *fieldError naming
// the key.
func (c *Coding) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return fmt.Errorf("empty coding")
	}
	*c = Coding{}
	switch data[0] {
	case '"':
		return json.Unmarshal(data, &c.Value)
	case '[':
		c.Values = []string{}
		return codingProblem(json.Unmarshal(data, &c.Values))
	case '{':
		var o codingObject
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&o); err != nil {
			return codingProblem(err)
		}
		if o.Value != nil && o.Values != nil {
			return fmt.Errorf(`give "value" or "values", not both`)
		}
		if o.Value == nil && o.Values == nil && !bytes.Contains(data, []byte(`"values"`)) {
			return fmt.Errorf(`needs "value" or "values"`)
		}
		if o.Value != nil {
			c.Value = *o.Value
		} else {
			c.Values = o.Values
			if c.Values == nil {
				c.Values = []string{}
			}
		}
		if o.Source != nil {
			if *o.Source < 1 {
				return &fieldError{field: "source", err: fmt.Errorf("must be the number of one of the work's sources, counted from 1, got %d; leave it out to name none", *o.Source)}
			}
			c.Source = *o.Source
		}
		c.Evidence, c.Spoiler, c.Locator = o.Evidence, o.Spoiler, o.Locator
		return nil
	default:
		return fmt.Errorf("must be %s, got %s", kindName(codingType), truncate(string(data), 20))
	}
}

// codingProblem rewords encoding/json's errors about a coding, which name
// Go types ("Go struct field codingObject.value of type string").
func codingProblem(err error) error {
	var typeErr *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &typeErr) && typeErr.Field == "":
		return errors.New(typeProblem(typeErr, reflect.TypeFor[[]string]())) // the list form
	case errors.As(err, &typeErr):
		coding := workShape().field("portrayal").values
		return &fieldError{field: typeErr.Field, err: errors.New(typeProblem(typeErr, fieldType(coding, typeErr.Field)))}
	case isUnknownField(err):
		return &fieldError{field: strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`), err: errors.New("unknown field")}
	}
	return err
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// UnmarshalJSON reads each coding, so that a bad one is reported with its
// dimension ("portrayal.realism"): encoding/json passes a custom
// unmarshaler's error through without the field path.
func (p *Portrayal) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	*p = make(Portrayal, len(raw))
	for k, v := range raw {
		var c Coding
		if err := c.UnmarshalJSON(v); err != nil {
			field := "portrayal." + k
			if fe, ok := err.(*fieldError); ok {
				field, err = field+"."+fe.field, fe.err
			}
			return &fieldError{field: field, err: err}
		}
		(*p)[k] = c
	}
	return nil
}

// fieldError is a decoding problem tied to a field.
type fieldError struct {
	field string
	err   error
}

func (e *fieldError) Error() string { return e.field + ": " + e.err.Error() }
