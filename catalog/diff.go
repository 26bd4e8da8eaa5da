package catalog

import (
	"fmt"
	"strconv"
	"strings"
)

// Field is one field of a work as people read it: titles, medium, each
// coded dimension. Diffs, the conflict form and the history list works
// field by field in this order.
type Field struct {
	Key   string // "title", "creators", "portrayal.realism"
	Label string // "Title", "Creators", "Realism"
}

// Citation says where a coding's evidence is, as the history and the CSV
// read it: "source [2], episode 3", "source [2]", "episode 3", or "".
func (c Coding) Citation() string {
	var parts []string
	if c.Source > 0 {
		parts = append(parts, "source ["+strconv.Itoa(c.Source)+"]")
	}
	if c.Locator != "" {
		parts = append(parts, c.Locator)
	}
	return strings.Join(parts, ", ")
}

// FieldChange is a field whose text differs between two versions. The
// texts are display text: codings by label, lists one item a line.
type FieldChange struct {
	Field
	Old, New string
	// For a coded dimension, its evidence and spoiler flag apart, so that
	// evidence can be shown as a word diff.
	OldEvidence, NewEvidence string
}

// Fields returns the fields of a work in display order: the facts, then
// each portrayal dimension of cb.
func (cb *Codebook) Fields() []Field {
	fs := []Field{
		{"title", "Title"}, {"original_title", "Original title"}, {"romanized_title", "Romanized title"},
		{"alt_titles", "Alternate titles"}, {"medium", "Medium"}, {"year", "Year"}, {"end_year", "End year"},
		{"countries", "Countries"}, {"languages", "Languages"}, {"creators", "Creators"},
		{"characters", "Characters"}, {"synopsis", "Synopsis"},
	}
	for _, d := range cb.Dimensions {
		fs = append(fs, Field{"portrayal." + d.ID, d.Label})
	}
	return append(fs, Field{"related", "Related works"}, Field{"sources", "Sources"}, Field{"links", "Links"}, Field{"notes", "Notes"})
}

// FieldText returns a field's display text in w (nil reads as empty) and,
// for a coded dimension, its evidence apart.
func (cb *Codebook) FieldText(w *Work, key string) (text, evidence string) {
	if w == nil {
		return "", ""
	}
	if dim, ok := strings.CutPrefix(key, "portrayal."); ok {
		c, coded := w.Portrayal[dim]
		if !coded {
			return "", ""
		}
		var labels []string
		for _, v := range c.List() {
			labels = append(labels, cb.Label(dim, v))
		}
		text = strings.Join(labels, ", ")
		if c.IsSet() && len(labels) == 0 {
			text = "(none)"
		}
		if c.Spoiler {
			text += " [spoiler]"
		}
		if where := c.Citation(); where != "" {
			text += " (" + where + ")"
		}
		return text, c.Evidence
	}
	lines := func(n int, f func(i int) string) string {
		out := make([]string, n)
		for i := range n {
			out[i] = f(i)
		}
		return strings.Join(out, "\n")
	}
	switch key {
	case "title":
		return w.Title, ""
	case "original_title":
		return w.OriginalTitle, ""
	case "romanized_title":
		return w.RomanizedTitle, ""
	case "alt_titles":
		return strings.Join(w.AltTitles, "\n"), ""
	case "medium":
		return cb.Label("medium", w.Medium), ""
	case "year":
		return yearText(w.Year), ""
	case "end_year":
		return yearText(w.EndYear), ""
	case "countries":
		return lines(len(w.Countries), func(i int) string { return cb.CountryName(w.Countries[i]) }), ""
	case "languages":
		return lines(len(w.Languages), func(i int) string { return cb.LanguageName(w.Languages[i]) }), ""
	case "creators":
		return lines(len(w.Creators), func(i int) string {
			return w.Creators[i].Name + " (" + cb.Label("creator_role", w.Creators[i].Role) + ")"
		}), ""
	case "characters":
		return lines(len(w.Characters), func(i int) string {
			ch := w.Characters[i]
			s := fmt.Sprintf("%s (%s, %s", ch.Name, cb.Label("gender", ch.Gender), cb.Label("character_role", ch.Role))
			if ch.Hikikomori {
				s += ", hikikomori"
			}
			return s + ")"
		}), ""
	case "synopsis":
		return w.Synopsis, ""
	case "related":
		return lines(len(w.Related), func(i int) string {
			return cb.Label("relation", w.Related[i].Relation) + ": " + w.Related[i].ID
		}), ""
	case "sources":
		return lines(len(w.Sources), func(i int) string { return strings.TrimSpace(w.Sources[i].Title + " " + w.Sources[i].URL) }), ""
	case "links":
		return lines(len(w.Links), func(i int) string { return strings.TrimSpace(w.Links[i].Label + " " + w.Links[i].URL) }), ""
	case "notes":
		return w.Notes, ""
	}
	return "", ""
}

func yearText(y int) string {
	if y == 0 {
		return ""
	}
	return strconv.Itoa(y)
}

// Diff returns the fields that differ between two versions of a work, in
// display order. Either may be nil (a work created or deleted).
func (cb *Codebook) Diff(old, new *Work) []FieldChange {
	var out []FieldChange
	for _, f := range cb.Fields() {
		ot, oe := cb.FieldText(old, f.Key)
		nt, ne := cb.FieldText(new, f.Key)
		if ot != nt || oe != ne {
			out = append(out, FieldChange{Field: f, Old: ot, New: nt, OldEvidence: oe, NewEvidence: ne})
		}
	}
	return out
}
