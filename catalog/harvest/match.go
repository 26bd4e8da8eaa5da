package harvest

import (
	"slices"

	"github.com/komoru/komoru/catalog"
)

// Matcher finds the catalog's works a draft or a list's candidate may
// describe: by a shared link or source (the same Wikipedia or
// MyAnimeList page), or by a shared title in a medium that does not
// differ.
type Matcher struct {
	byTitle map[string][]*catalog.Work
	byLink  map[string][]string
}

// NewMatcher indexes the works' titles and links.
func NewMatcher(works []*catalog.Work) *Matcher {
	m := &Matcher{byTitle: map[string][]*catalog.Work{}, byLink: map[string][]string{}}
	for _, w := range works {
		for _, k := range titleKeys(w.Title, w.OriginalTitle, w.RomanizedTitle, w.AltTitles) {
			m.byTitle[k] = append(m.byTitle[k], w)
		}
		for _, l := range w.Links {
			m.byLink[linkKey(l.URL)] = append(m.byLink[linkKey(l.URL)], w.ID)
		}
		for _, s := range w.Sources {
			m.byLink[linkKey(s.URL)] = append(m.byLink[linkKey(s.URL)], w.ID)
		}
	}
	return m
}

// Draft lists the ids of works the draft may describe, best first: a
// shared link before a shared title.
func (m *Matcher) Draft(d *catalog.Draft) []string {
	if m == nil {
		return nil
	}
	var ids []string
	add := func(id string) {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	w := &d.Work
	for _, s := range w.Sources {
		for _, id := range m.byLink[linkKey(s.URL)] {
			add(id)
		}
	}
	for _, l := range w.Links {
		for _, id := range m.byLink[linkKey(l.URL)] {
			add(id)
		}
	}
	for _, k := range titleKeys(w.Title, w.OriginalTitle, w.RomanizedTitle, w.AltTitles) {
		for _, x := range m.byTitle[k] {
			if w.Medium == "" || x.Medium == w.Medium {
				add(x.ID)
			}
		}
	}
	return ids
}

// Known reports whether the catalog has a work of the candidate's title
// (in its medium, when the list says) or behind its link.
func (m *Matcher) Known(c *Candidate) bool {
	if m == nil {
		return false
	}
	if c.URL != "" && len(m.byLink[linkKey(c.URL)]) > 0 {
		return true
	}
	for _, x := range m.byTitle[TitleKey(c.Title)] {
		if c.Medium == "" || x.Medium == c.Medium {
			return true
		}
	}
	return false
}
