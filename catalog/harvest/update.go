package harvest

import (
	"slices"

	"github.com/komoru/komoru/catalog"
)

// Update applies a draft's facts to a copy of an existing work, for a
// proposed change that lists only what differs or is new: an empty
// field takes the draft's value, a differing year or end year the
// draft's, lists gain the draft's new items, and a different title
// becomes an alternative title (the catalog's title is a curator's
// choice). It returns the copy and the JSON names of the fields changed;
// none changed means the draft adds nothing.
func Update(old *catalog.Work, d *catalog.Draft) (*catalog.Work, []string) {
	w := clone(old)
	nw := &d.Work
	var changed []string
	mark := func(f string) {
		if !slices.Contains(changed, f) {
			changed = append(changed, f)
		}
	}
	str := func(field string, dst *string, v string) {
		if v != "" && *dst == "" {
			*dst = v
			mark(field)
		}
	}
	str("original_title", &w.OriginalTitle, nw.OriginalTitle)
	str("romanized_title", &w.RomanizedTitle, nw.RomanizedTitle)
	if nw.Year != 0 && nw.Year != w.Year {
		w.Year = nw.Year
		mark("year")
	}
	if nw.EndYear != 0 && nw.EndYear != w.EndYear {
		w.EndYear = nw.EndYear
		mark("end_year")
	}
	known := titleKeys(w.Title, w.OriginalTitle, w.RomanizedTitle, w.AltTitles)
	for _, t := range append([]string{nw.Title}, nw.AltTitles...) {
		if k := TitleKey(t); k != "" && !slices.Contains(known, k) {
			w.AltTitles = append(w.AltTitles, t)
			known = append(known, k)
			mark("alt_titles")
		}
	}
	for _, c := range nw.Countries {
		if !slices.Contains(w.Countries, c) {
			w.Countries = append(w.Countries, c)
			mark("countries")
		}
	}
	for _, l := range nw.Languages {
		if !slices.Contains(w.Languages, l) {
			w.Languages = append(w.Languages, l)
			mark("languages")
		}
	}
	for _, c := range nw.Creators {
		if !hasCreator(w.Creators, c) {
			w.Creators = append(w.Creators, c)
			mark("creators")
		}
	}
	for _, c := range nw.Characters {
		if !hasCharacter(w.Characters, c.Name) {
			w.Characters = append(w.Characters, c)
			mark("characters")
		}
	}
	for _, l := range nw.Links {
		if !hasLink(w.Links, l.URL) {
			w.Links = append(w.Links, l)
			mark("links")
		}
	}
	if len(changed) > 0 {
		// The pages a change rests on become sources of the work.
		for _, s := range nw.Sources {
			if !slices.ContainsFunc(w.Sources, func(x catalog.Source) bool { return linkKey(x.URL) == linkKey(s.URL) }) {
				w.Sources = append(w.Sources, s)
				mark("sources")
			}
		}
	}
	return w, changed
}

// clone copies a work deeply enough that Update's appends never reach
// the original's arrays.
func clone(w *catalog.Work) *catalog.Work {
	c := *w
	c.AltTitles = slices.Clone(w.AltTitles)
	c.Countries = slices.Clone(w.Countries)
	c.Languages = slices.Clone(w.Languages)
	c.Creators = slices.Clone(w.Creators)
	c.Characters = slices.Clone(w.Characters)
	c.Related = slices.Clone(w.Related)
	c.Sources = slices.Clone(w.Sources)
	c.Links = slices.Clone(w.Links)
	return &c
}
