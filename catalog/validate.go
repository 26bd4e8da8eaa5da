package catalog

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

const (
	minYear   = 1900
	maxText   = 10000 // synopsis, notes, evidence
	maxString = 500   // titles, names, labels
	maxList   = 200   // any repeated field
	// maxLocator bounds a coding's locator: "episode 3", "chapter 12, p. 41",
	// "01:12:30" — a place, not a second evidence text.
	maxLocator = 100
)

var slugRE = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// ValidSlug reports whether s is a work id: lowercase letters and digits in
// groups joined by single hyphens, at most 100 characters.
func ValidSlug(s string) bool { return len(s) <= 100 && slugRE.MatchString(s) }

// Validate checks the work against the codebook and returns every problem at
// once as a *ValidationError, or nil.
func (w *Work) Validate(cb *Codebook) error {
	v := &validator{cb: cb, err: new(ValidationError), maxYear: latestYear()}
	v.work(w)
	return v.err.orNil()
}

// latestYear is the last year Validate accepts; the decoder's message for a
// year too large to read names the same range.
func latestYear() int { return time.Now().Year() + 1 }

type validator struct {
	cb      *Codebook
	err     *ValidationError
	maxYear int
}

func (v *validator) work(w *Work) {
	switch {
	case w.ID == "":
		v.err.add("id", "is required")
	case !ValidSlug(w.ID):
		v.err.add("id", "must be a lowercase slug of letters, digits and single hyphens (at most 100 characters), got %q", truncate(w.ID, 40))
	}
	v.text("title", w.Title, true, maxString)
	v.text("original_title", w.OriginalTitle, false, maxString)
	v.text("romanized_title", w.RomanizedTitle, false, maxString)
	v.text("synopsis", w.Synopsis, false, maxText)
	v.text("notes", w.Notes, false, maxText)
	// Alternate titles are a list, not a set: a repeat is harmless, and real
	// data (and the benchmark corpus) has them.
	v.list("alt_titles", len(w.AltTitles), func(i int) string {
		v.text(fmt.Sprintf("alt_titles[%d]", i), w.AltTitles[i], true, maxString)
		return strconv.Itoa(i)
	})

	switch {
	case w.Medium == "":
		v.err.add("medium", "is required")
	default:
		v.enum("medium", "medium", w.Medium)
	}
	switch {
	case w.Year == 0:
		v.err.add("year", "is required")
	case w.Year < minYear || w.Year > v.maxYear:
		v.err.add("year", "must be between %d and %d, got %d", minYear, v.maxYear, w.Year)
	}
	if w.EndYear != 0 {
		switch {
		case w.EndYear < minYear || w.EndYear > v.maxYear:
			v.err.add("end_year", "must be between %d and %d, got %d", minYear, v.maxYear, w.EndYear)
		case w.EndYear < w.Year:
			v.err.add("end_year", "must not be before year (%d), got %d", w.Year, w.EndYear)
		}
	}
	v.strings("countries", w.Countries, func(field, s string) {
		if v.cb.CountryName(s) == "" {
			v.err.add(field, "must be an ISO 3166-1 alpha-2 code such as JP, got %q", truncate(s, 20))
		}
	})
	v.strings("languages", w.Languages, func(field, s string) {
		if v.cb.LanguageName(s) == "" {
			v.err.add(field, "must be an ISO 639-1 code such as ja, got %q", truncate(s, 20))
		}
	})

	v.list("creators", len(w.Creators), func(i int) string {
		c := w.Creators[i]
		f := fmt.Sprintf("creators[%d]", i)
		v.text(f+".name", c.Name, true, maxString)
		v.enum(f+".role", "creator_role", c.Role)
		return c.Name + "\x00" + c.Role
	})
	v.list("characters", len(w.Characters), func(i int) string {
		c := w.Characters[i]
		f := fmt.Sprintf("characters[%d]", i)
		v.text(f+".name", c.Name, true, maxString)
		v.enum(f+".gender", "gender", c.Gender)
		v.enum(f+".role", "character_role", c.Role)
		return c.Name
	})
	v.list("related", len(w.Related), func(i int) string {
		r := w.Related[i]
		f := fmt.Sprintf("related[%d]", i)
		switch {
		case !ValidSlug(r.ID):
			v.err.add(f+".id", "must be the id of another work, got %q", truncate(r.ID, 40))
		case r.ID == w.ID:
			v.err.add(f+".id", "a work cannot relate to itself")
		}
		v.enum(f+".relation", "relation", r.Relation)
		return r.ID + "\x00" + r.Relation
	})
	v.list("sources", len(w.Sources), func(i int) string {
		s := w.Sources[i]
		f := fmt.Sprintf("sources[%d]", i)
		v.url(f+".url", s.URL)
		v.text(f+".title", s.Title, false, maxString)
		return s.URL
	})
	v.list("links", len(w.Links), func(i int) string {
		l := w.Links[i]
		f := fmt.Sprintf("links[%d]", i)
		v.url(f+".url", l.URL)
		v.text(f+".label", l.Label, false, maxString)
		return l.URL
	})
	v.portrayal(w.Portrayal, len(w.Sources))
}

// portrayal checks the codings; sources is how many sources the work lists,
// which a coding's source number must point into.
func (v *validator) portrayal(p Portrayal, sources int) {
	for id, c := range p {
		f := "portrayal." + id
		d := v.cb.Dimension(id)
		if d == nil || !v.cb.isPortrayal(id) {
			v.err.add(f, "is not a dimension of the codebook")
			continue
		}
		v.text(f+".evidence", c.Evidence, false, maxText)
		v.source(f+".source", c.Source, sources)
		v.locator(f+".locator", c.Locator)
		if d.Warning && c.Spoiler {
			v.err.add(f+".spoiler", "must not be set: %s are never a spoiler, since readers want to know them in advance", strings.ToLower(d.Label))
		}
		if !d.Multi {
			switch {
			case c.IsSet():
				v.err.add(f, "takes one value, not a list")
			case c.Value == "":
				v.err.add(f, "is empty; leave the dimension out if it is not coded")
			default:
				v.enum(f, id, c.Value)
			}
			continue
		}
		if !c.IsSet() {
			v.err.add(f, "takes a list of values")
			continue
		}
		v.strings(f, c.Values, func(field string, s string) { v.enum(field, id, s) })
	}
}

// source checks a coding's source number, 1-based into the work's sources.
func (v *validator) source(field string, n, sources int) {
	switch {
	case n == 0:
	case sources == 0:
		v.err.add(field, "must be the number of one of the work's sources, but the work lists none")
	case sources == 1 && n != 1:
		v.err.add(field, "must be 1, the number of the work's only source, got %d", n)
	case n < 1 || n > sources:
		v.err.add(field, "must be the number of one of the work's %d sources (1 to %d), got %d", sources, sources, n)
	}
}

// locator checks a coding's locator: one short line, since it is shown
// after the evidence and in a CSV cell.
func (v *validator) locator(field, s string) {
	switch {
	case s == "":
	case strings.TrimSpace(s) == "":
		v.err.add(field, "is only white space")
	case !utf8.ValidString(s):
		v.err.add(field, "is not valid UTF-8")
	case utf8.RuneCountInString(s) > maxLocator:
		v.err.add(field, "is longer than %d characters", maxLocator)
	case strings.ContainsFunc(s, unicode.IsControl):
		v.err.add(field, "contains control characters (a locator is one line)")
	}
}

// text checks a string field: present if required, valid UTF-8, no control
// characters but newlines and tabs, not longer than max.
func (v *validator) text(field, s string, required bool, max int) {
	switch {
	case strings.TrimSpace(s) == "":
		if required {
			v.err.add(field, "is required")
		} else if s != "" {
			v.err.add(field, "is only white space")
		}
	case !utf8.ValidString(s):
		v.err.add(field, "is not valid UTF-8")
	case utf8.RuneCountInString(s) > max:
		v.err.add(field, "is longer than %d characters", max)
	case strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' }):
		v.err.add(field, "contains control characters")
	}
}

func (v *validator) enum(field, dim, value string) {
	d := v.cb.Dimension(dim)
	switch {
	case value == "":
		v.err.add(field, "is required")
	case !d.Has(value):
		v.err.add(field, "%q is not a %s value of the codebook (%s)", truncate(value, 40), d.ID, valueIDs(d))
	}
}

func (v *validator) url(field, s string) {
	if s == "" {
		v.err.add(field, "is required")
		return
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		v.err.add(field, "must be an http or https URL, got %q", truncate(s, 60))
	}
}

// strings checks a set of strings: each by check, no duplicates.
func (v *validator) strings(field string, list []string, check func(field, s string)) {
	v.list(field, len(list), func(i int) string {
		check(fmt.Sprintf("%s[%d]", field, i), list[i])
		return list[i]
	})
}

// list checks each member of a repeated field with check, which returns the
// member's identity; two members with one identity are a duplicate.
func (v *validator) list(field string, n int, check func(i int) string) {
	if n > maxList {
		v.err.add(field, "has %d members, at most %d allowed", n, maxList)
		return
	}
	seen := make(map[string]int, n)
	for i := 0; i < n; i++ {
		key := check(i)
		if j, dup := seen[key]; dup {
			v.err.add(fmt.Sprintf("%s[%d]", field, i), "duplicates %s[%d]", field, j)
			continue
		}
		seen[key] = i
	}
}

func valueIDs(d *Dimension) string {
	ids := make([]string, len(d.Values))
	for i, val := range d.Values {
		ids[i] = val.ID
	}
	return "one of " + strings.Join(ids, ", ")
}
