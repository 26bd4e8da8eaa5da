package server

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/komoru/komoru/catalog"
)

// workForm is the edit form as posted: the work it describes, plus what a
// work cannot hold but the form must give back when it is shown again (a
// year typed as words, a "none of these" box ticked beside values,
// evidence typed before a value was chosen), so that nothing the user
// typed is lost to a validation error.
type workForm struct {
	Work catalog.Work
	// Year and EndYear as typed; Work holds them as numbers when they are.
	Year, EndYear string
	// Empty marks the set dimensions whose "none of these" box is ticked.
	Empty map[string]bool
	// Loose holds evidence or a spoiler flag given for a dimension left
	// without a value.
	Loose map[string]catalog.Coding
	Note  string
	// Base is the revision the form was opened at (catalog.BaseNone for a
	// new work).
	Base int
	// More names the section whose "add rows" button was pressed: the
	// form comes back with more blank rows there and nothing is saved.
	More string
	// Blanks counts the blank rows posted per section.
	Blanks map[string]int
	// Keep holds the choices of a conflict form: field key → "theirs" or
	// "mine". The fields kept as theirs are taken from revision Base.
	Keep map[string]string
}

// rowSections are the repeated fields of a work, in form order.
var rowSections = []string{"creators", "characters", "related", "sources", "links"}

// parseWorkForm reads a posted edit form. It fails only on a form no page
// of komoru would send (a base that is not a number); everything a person
// can type wrong is left for problems to report.
func parseWorkForm(form url.Values, cb *catalog.Codebook) (workForm, error) {
	f := workForm{
		Year:    strings.TrimSpace(form.Get("year")),
		EndYear: strings.TrimSpace(form.Get("end_year")),
		Empty:   map[string]bool{},
		Loose:   map[string]catalog.Coding{},
		Note:    text(form.Get("note")),
		More:    form.Get("more"),
		Blanks:  map[string]int{},
		Keep:    map[string]string{},
		Base:    catalog.BaseNone,
	}
	if b := form.Get("base"); b != "" {
		n, err := strconv.Atoi(b)
		if err != nil || n < 1 {
			return f, &httpError{status: 400, code: "bad_request", msg: "base: must be a revision number, got " + strconv.Quote(b)}
		}
		f.Base = n
	}
	w := &f.Work
	w.ID = strings.TrimSpace(form.Get("id"))
	w.Title = line(form.Get("title"))
	w.OriginalTitle = line(form.Get("original_title"))
	w.RomanizedTitle = line(form.Get("romanized_title"))
	for _, t := range strings.Split(text(form.Get("alt_titles")), "\n") {
		if t = strings.TrimSpace(t); t != "" {
			w.AltTitles = append(w.AltTitles, t)
		}
	}
	w.Medium = form.Get("medium")
	w.Year, _ = strconv.Atoi(f.Year)
	w.EndYear, _ = strconv.Atoi(f.EndYear)
	w.Countries = codes(form.Get("countries"), strings.ToUpper)
	w.Languages = codes(form.Get("languages"), strings.ToLower)
	w.Synopsis = text(form.Get("synopsis"))
	w.Notes = text(form.Get("notes"))

	for _, section := range rowSections {
		for _, r := range formRows(form, section) {
			if r.blank() {
				f.Blanks[section]++
				continue
			}
			switch section {
			case "creators":
				w.Creators = append(w.Creators, catalog.Creator{Name: r["name"], Role: r["role"]})
			case "characters":
				w.Characters = append(w.Characters, catalog.Character{Name: r["name"], Gender: r["gender"], Role: r["role"], Hikikomori: r["hikikomori"] != ""})
			case "related":
				w.Related = append(w.Related, catalog.Relation{ID: r["id"], Relation: r["relation"]})
			case "sources":
				w.Sources = append(w.Sources, catalog.Source{URL: r["url"], Title: r["title"]})
			case "links":
				w.Links = append(w.Links, catalog.Link{URL: r["url"], Label: r["label"]})
			}
		}
	}

	for _, d := range cb.Dimensions {
		name := "portrayal." + d.ID
		values := slices.DeleteFunc(slices.Clone(form[name]), func(v string) bool { return v == "" })
		// A warning dimension is never a spoiler, whatever the form says
		// (it shows no box for it).
		c := catalog.Coding{Evidence: text(form.Get(name + ".evidence")), Spoiler: !d.Warning && (d.Spoiler || form.Get(name+".spoiler") != ""),
			Source: sourceNumber(form.Get(name + ".source")), Locator: line(form.Get(name + ".locator"))}
		coded := len(values) > 0
		switch {
		case !d.Multi && coded:
			c.Value = values[0]
		case d.Multi:
			f.Empty[d.ID] = form.Get(name+".none") != ""
			coded = coded || f.Empty[d.ID]
			c.Values = inOrder(values, strings.Fields(form.Get(name+".order")))
		}
		switch {
		case coded:
			if w.Portrayal == nil {
				w.Portrayal = catalog.Portrayal{}
			}
			w.Portrayal[d.ID] = c
		case c.Evidence != "" || c.Source != 0 || c.Locator != "" || (c.Spoiler && !d.Spoiler):
			f.Loose[d.ID] = c
		}
	}

	for k, v := range form {
		if key, ok := strings.CutPrefix(k, "keep."); ok && len(v) > 0 {
			f.Keep[key] = v[0]
		}
	}
	return f, nil
}

// sourceNumber reads a coding's source as the form's select sends it: ""
// for none, else a number of the work's sources. Anything else, which no
// page of komoru sends, becomes -1, for validation to refuse by name.
func sourceNumber(v string) int {
	if v = strings.TrimSpace(v); v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return -1
	}
	return n
}

// formRow is one repeated row as posted: field → value.
type formRow map[string]string

func (r formRow) blank() bool {
	for _, v := range r {
		if v != "" {
			return false
		}
	}
	return true
}

// formRows collects a section's rows from names such as
// "creators[3].name", in index order. Indices need not be dense: a row the
// script removed leaves a gap.
func formRows(form url.Values, section string) []formRow {
	byIndex := map[int]formRow{}
	for k, v := range form {
		rest, ok := strings.CutPrefix(k, section+"[")
		if !ok || len(v) == 0 {
			continue
		}
		num, field, ok := strings.Cut(rest, "].")
		i, err := strconv.Atoi(num)
		if !ok || err != nil || i < 0 {
			continue
		}
		if byIndex[i] == nil {
			byIndex[i] = formRow{}
		}
		byIndex[i][field] = line(v[0])
	}
	indices := make([]int, 0, len(byIndex))
	for i := range byIndex {
		indices = append(indices, i)
	}
	sort.Ints(indices)
	rows := make([]formRow, len(indices))
	for j, i := range indices {
		rows[j] = byIndex[i]
	}
	return rows
}

// line is a one-line input's value, trimmed.
func line(s string) string { return strings.TrimSpace(s) }

// text is a text area's value: browsers send CRLF line ends, which the
// catalog's no-control-characters rule would refuse.
func text(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")) }

// codes splits "JP, us" into codes in the case ISO writes them.
func codes(s string, norm func(string) string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || unicode.IsSpace(r) }) {
		out = append(out, norm(f))
	}
	return out
}

// inOrder orders ticked values as the work had them (order, from a hidden
// field), then the newly ticked ones in codebook order: a curator's
// ordering survives an edit that does not touch it.
func inOrder(ticked, order []string) []string {
	out := make([]string, 0, len(ticked))
	for _, v := range order {
		if slices.Contains(ticked, v) && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	for _, v := range ticked {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// formFromWork is the form of a saved work.
func formFromWork(w *catalog.Work, base int) workForm {
	f := workForm{Work: *w, Year: yearString(w.Year), EndYear: yearString(w.EndYear), Base: base,
		Empty: map[string]bool{}, Loose: map[string]catalog.Coding{}, Blanks: map[string]int{}, Keep: map[string]string{}}
	for id, c := range w.Portrayal {
		f.Empty[id] = c.IsSet() && len(c.Values) == 0
	}
	return f
}

func yearString(y int) string {
	if y == 0 {
		return ""
	}
	return strconv.Itoa(y)
}

// take replaces one field (a key of cb.Fields) with theirs, in the work
// and in what the form keeps beside it.
func (f *workForm) take(theirs *catalog.Work, key string) error {
	if !copyField(&f.Work, theirs, key) {
		return fmt.Errorf("no field %q in a work", key)
	}
	switch key {
	case "year":
		f.Year = yearString(theirs.Year)
	case "end_year":
		f.EndYear = yearString(theirs.EndYear)
	}
	if dim, ok := strings.CutPrefix(key, "portrayal."); ok {
		delete(f.Loose, dim)
		c, coded := theirs.Portrayal[dim]
		f.Empty[dim] = coded && c.IsSet() && len(c.Values) == 0
	}
	return nil
}

// copyField sets one field of dst, named by its key in cb.Fields ("title",
// "creators", "portrayal.realism"), to its value in src. It reports
// whether key names a field. A portrayal dimension src has not coded is
// left uncoded in dst.
func copyField(dst, src *catalog.Work, key string) bool {
	if dim, ok := strings.CutPrefix(key, "portrayal."); ok {
		c, coded := src.Portrayal[dim]
		switch {
		case coded:
			if dst.Portrayal == nil {
				dst.Portrayal = catalog.Portrayal{}
			}
			c.Values = slices.Clone(c.Values)
			dst.Portrayal[dim] = c
		default:
			delete(dst.Portrayal, dim)
		}
		return true
	}
	switch key {
	case "title":
		dst.Title = src.Title
	case "original_title":
		dst.OriginalTitle = src.OriginalTitle
	case "romanized_title":
		dst.RomanizedTitle = src.RomanizedTitle
	case "alt_titles":
		dst.AltTitles = slices.Clone(src.AltTitles)
	case "medium":
		dst.Medium = src.Medium
	case "year":
		dst.Year = src.Year
	case "end_year":
		dst.EndYear = src.EndYear
	case "countries":
		dst.Countries = slices.Clone(src.Countries)
	case "languages":
		dst.Languages = slices.Clone(src.Languages)
	case "creators":
		dst.Creators = slices.Clone(src.Creators)
	case "characters":
		dst.Characters = slices.Clone(src.Characters)
	case "synopsis":
		dst.Synopsis = src.Synopsis
	case "related":
		dst.Related = slices.Clone(src.Related)
	case "sources":
		dst.Sources = slices.Clone(src.Sources)
	case "links":
		dst.Links = slices.Clone(src.Links)
	case "notes":
		dst.Notes = src.Notes
	default:
		return false
	}
	return true
}

// problems returns everything wrong with the form, keyed by field path
// ("title", "creators[1].role", "portrayal.realism.evidence"): what only
// the form can get wrong, the evidence rule, the catalog's own rules (the
// same as an import's) and the edit note. Empty means it can be saved.
func (f *workForm) problems(cb *catalog.Codebook) map[string]string {
	out := map[string]string{}
	if err := f.Work.Validate(cb); err != nil {
		var ve *catalog.ValidationError
		if !errors.As(err, &ve) {
			out[""] = err.Error()
		} else {
			for k, v := range ve.Fields {
				out[k] = v
			}
		}
	}
	// The form's own problems come first: "must be a number" says more
	// than "is required" about a year typed as words.
	for _, y := range []struct{ key, typed string }{{"year", f.Year}, {"end_year", f.EndYear}} {
		if _, err := strconv.Atoi(y.typed); y.typed != "" && err != nil {
			out[y.key] = "must be a year in digits, such as 2006"
		}
	}
	for _, d := range cb.Dimensions {
		name := "portrayal." + d.ID
		c, coded := f.Work.Portrayal[d.ID]
		_, loose := f.Loose[d.ID]
		switch {
		case loose:
			out[name] = "choose a value, or clear the evidence, the source, the locator and the spoiler box"
		case coded && d.Multi && f.Empty[d.ID] && len(c.Values) > 0:
			out[name] = "tick values or “none of these”, not both"
		}
	}
	// The catalog's evidence rule, as every curated save keeps it, where
	// the dimension has no problem of the form's own to fix first.
	var missing *catalog.ValidationError
	if errors.As(cb.CheckEvidence(&f.Work), &missing) {
		for k, msg := range missing.Fields {
			if dim := strings.TrimSuffix(k, ".evidence"); out[dim] == "" && out[k] == "" {
				out[k] = msg
			}
		}
	}
	if f.Note == "" {
		out["note"] = "is required: say what you changed and why"
	}
	return out
}
