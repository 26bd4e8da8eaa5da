package harvest

import (
	"slices"
	"strings"
	"unicode"

	"github.com/komoru/komoru/catalog"
	"golang.org/x/text/unicode/norm"
)

// Merge groups the facts of pages that describe the same work and makes
// one draft of each group, in the order the groups' first pages came.
// Pages describe the same work when they link the same database entry
// (a Wikidata item, say), or share a title once case, accents and
// punctuation are set aside and do not name different media.
//
// Within a draft the first page's value of a single field wins; a page
// that says otherwise makes a conflict listing every page's value, for a
// curator to settle. Lists (creators, countries, alternative titles,
// links) are joined.
func Merge(all []Facts) []catalog.Draft {
	groups := group(all)
	drafts := make([]catalog.Draft, 0, len(groups))
	for _, g := range groups {
		drafts = append(drafts, mergeGroup(g))
	}
	return drafts
}

// group puts facts about one work together, by union-find over shared
// titles and links.
func group(all []Facts) [][]*Facts {
	parent := make([]int, len(all))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	// medium is each group's medium, by its root: a page of unknown
	// medium joins one group, never bridges a manga and its anime.
	medium := make([]string, len(all))
	for i := range all {
		medium[i] = all[i].Medium
	}
	for i := range all {
		for j := 0; j < i; j++ {
			ri, rj := find(i), find(j)
			if ri == rj || (medium[ri] != "" && medium[rj] != "" && medium[ri] != medium[rj]) || !sameWork(&all[i], &all[j]) {
				continue
			}
			parent[ri] = rj
			if medium[rj] == "" {
				medium[rj] = medium[ri]
			}
		}
	}
	var order []int
	byRoot := map[int][]*Facts{}
	for i := range all {
		if all[i].Empty() {
			continue
		}
		r := find(i)
		if _, ok := byRoot[r]; !ok {
			order = append(order, r)
		}
		byRoot[r] = append(byRoot[r], &all[i])
	}
	out := make([][]*Facts, 0, len(order))
	for _, r := range order {
		out = append(out, byRoot[r])
	}
	return out
}

func sameWork(a, b *Facts) bool {
	if a.Medium != "" && b.Medium != "" && a.Medium != b.Medium {
		return false
	}
	for _, la := range a.Links {
		for _, lb := range b.Links {
			if linkKey(la.URL) == linkKey(lb.URL) {
				return true
			}
		}
	}
	for _, ta := range titleKeys(a.Title, a.OriginalTitle, a.RomanizedTitle, a.AltTitles) {
		for _, tb := range titleKeys(b.Title, b.OriginalTitle, b.RomanizedTitle, b.AltTitles) {
			if ta == tb {
				return true
			}
		}
	}
	return false
}

// TitleKey is a title as titles are compared: compatibility-normalized,
// lowercased, accents and punctuation dropped ("Welcome to the N.H.K."
// and "welcome to the NHK" are one).
func TitleKey(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
		case unicode.IsSpace(r) || r == '-' || r == ':' || r == '/' || r == '~':
			space = true
		}
	}
	return b.String()
}

func titleKeys(title, original, romanized string, alt []string) []string {
	var keys []string
	for _, t := range append([]string{title, original, romanized}, alt...) {
		if k := TitleKey(t); k != "" && !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	return keys
}

// linkKey is a URL as links are compared: no scheme, no "www." or mobile
// host prefix, no trailing slash or fragment.
func linkKey(u string) string {
	u = strings.ToLower(strings.TrimSpace(u))
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	if i := strings.IndexByte(u, '#'); i >= 0 {
		u = u[:i]
	}
	u = strings.TrimPrefix(u, "www.")
	u = strings.Replace(u, ".m.wikipedia.org", ".wikipedia.org", 1)
	return strings.TrimRight(u, "/")
}

// hasCreator, hasCharacter and hasLink say whether a list holds the same
// creator (role and name), character (name) or page, as pages and works
// are compared: names by TitleKey, pages by linkKey.
func hasCreator(cs []catalog.Creator, c catalog.Creator) bool {
	return slices.ContainsFunc(cs, func(x catalog.Creator) bool { return x.Role == c.Role && TitleKey(x.Name) == TitleKey(c.Name) })
}

func hasCharacter(cs []catalog.Character, name string) bool {
	return slices.ContainsFunc(cs, func(x catalog.Character) bool { return TitleKey(x.Name) == TitleKey(name) })
}

func hasLink(ls []catalog.Link, u string) bool {
	return slices.ContainsFunc(ls, func(x catalog.Link) bool { return linkKey(x.URL) == linkKey(u) })
}

// merger builds one draft, field by field.
type merger struct {
	d catalog.Draft
	// kept holds each single field's kept value and its conflict, while
	// the group is read.
	kept map[string]*keptValue
}

type keptValue struct {
	value    any
	conflict int // index in the draft's Conflicts, -1 for none
}

func mergeGroup(g []*Facts) catalog.Draft {
	m := &merger{d: catalog.Draft{Provenance: map[string][]string{}}, kept: map[string]*keptValue{}}
	w := &m.d.Work
	for _, f := range g {
		src := f.Source
		m.title(f)
		m.single("original_title", f.OriginalTitle, src, &w.OriginalTitle)
		m.single("romanized_title", f.RomanizedTitle, src, &w.RomanizedTitle)
		m.single("medium", f.Medium, src, &w.Medium)
		m.singleInt("year", f.Year, src, &w.Year)
		m.singleInt("end_year", f.EndYear, src, &w.EndYear)
		for _, t := range f.AltTitles {
			m.altTitle(t, src)
		}
		for _, c := range f.Countries {
			m.listItem("countries", c, src, &w.Countries)
		}
		for _, l := range f.Languages {
			m.listItem("languages", l, src, &w.Languages)
		}
		for _, c := range f.Creators {
			m.creator(c, src)
		}
		for _, c := range f.Characters {
			m.character(c, src)
		}
		for _, l := range f.Links {
			if !hasLink(w.Links, l.URL) {
				w.Links = append(w.Links, l)
				m.cite("links", src)
			}
		}
		for _, k := range sortedKeys(f.Other) {
			m.fact(k, f.Other[k], src)
		}
		if src != "" && !slices.ContainsFunc(w.Sources, func(s catalog.Source) bool { return s.URL == src }) {
			w.Sources = append(w.Sources, catalog.Source{URL: src, Title: f.siteTitle()})
		}
		for _, msg := range f.Warnings {
			m.d.Warnings = append(m.d.Warnings, src+": "+msg)
		}
	}
	// The original title among the alternative ones says nothing new.
	w.AltTitles = slices.DeleteFunc(w.AltTitles, func(t string) bool {
		k := TitleKey(t)
		return k == TitleKey(w.Title) || k == TitleKey(w.OriginalTitle) || k == TitleKey(w.RomanizedTitle)
	})
	if len(w.AltTitles) == 0 {
		w.AltTitles = nil
		delete(m.d.Provenance, "alt_titles")
	}
	w.ID = catalog.SuggestID(w.Title, w.Medium)
	if w.ID == "" {
		w.ID = catalog.SuggestID(w.RomanizedTitle, w.Medium)
	}
	if w.EndYear != 0 && w.EndYear == w.Year {
		w.EndYear = 0 // one year: the catalog writes a single release so
		delete(m.d.Provenance, "end_year")
	}
	return m.d
}

func (m *merger) cite(field, src string) {
	if src != "" && !slices.Contains(m.d.Provenance[field], src) {
		m.d.Provenance[field] = append(m.d.Provenance[field], src)
	}
}

// title keeps the first page's title; another page's different title is
// another name of the work, not a conflict.
func (m *merger) title(f *Facts) {
	w := &m.d.Work
	switch {
	case f.Title == "":
	case w.Title == "":
		w.Title = f.Title
		m.cite("title", f.Source)
	case TitleKey(f.Title) == TitleKey(w.Title):
		m.cite("title", f.Source)
	default:
		m.altTitle(f.Title, f.Source)
	}
}

func (m *merger) altTitle(t, src string) {
	if t == "" || slices.ContainsFunc(m.d.Work.AltTitles, func(x string) bool { return TitleKey(x) == TitleKey(t) }) {
		return
	}
	m.d.Work.AltTitles = append(m.d.Work.AltTitles, t)
	m.cite("alt_titles", src)
}

func (m *merger) single(field, v, src string, dst *string) {
	if v == "" {
		return
	}
	m.keep(field, v, src, func() { *dst = v }, func(a any) bool { return TitleKey(a.(string)) == TitleKey(v) })
}

func (m *merger) singleInt(field string, v int, src string, dst *int) {
	if v == 0 {
		return
	}
	m.keep(field, v, src, func() { *dst = v }, func(a any) bool { return a.(int) == v })
}

// keep records v from src for a single field: the first value is set,
// an equal one cites its page too, a different one makes or extends the
// field's conflict.
func (m *merger) keep(field string, v any, src string, set func(), equal func(any) bool) {
	k := m.kept[field]
	if k == nil {
		m.kept[field] = &keptValue{value: v, conflict: -1}
		set()
		m.cite(field, src)
		return
	}
	same := equal(k.value)
	if same {
		m.cite(field, src)
		if k.conflict < 0 {
			return
		}
	}
	if k.conflict < 0 {
		c := catalog.Conflict{Field: field}
		for _, s := range m.d.Provenance[field] {
			c.Values = append(c.Values, catalog.ConflictValue{Value: k.value, Source: s})
		}
		k.conflict = len(m.d.Conflicts)
		m.d.Conflicts = append(m.d.Conflicts, c)
	}
	c := &m.d.Conflicts[k.conflict]
	if !slices.ContainsFunc(c.Values, func(x catalog.ConflictValue) bool { return x.Source == src && equal(x.Value) }) {
		c.Values = append(c.Values, catalog.ConflictValue{Value: v, Source: src})
	}
}

func (m *merger) listItem(field, v, src string, dst *[]string) {
	if v == "" {
		return
	}
	if !slices.Contains(*dst, v) {
		*dst = append(*dst, v)
	}
	m.cite(field, src)
}

func (m *merger) creator(c catalog.Creator, src string) {
	w := &m.d.Work
	if c.Name == "" || c.Role == "" {
		return
	}
	if !hasCreator(w.Creators, c) {
		w.Creators = append(w.Creators, c)
	}
	m.cite("creators", src)
}

func (m *merger) character(c catalog.Character, src string) {
	w := &m.d.Work
	if c.Name == "" || hasCharacter(w.Characters, c.Name) {
		return
	}
	w.Characters = append(w.Characters, c)
	m.cite("characters", src)
}

func (m *merger) fact(k, v, src string) {
	if v == "" {
		return
	}
	field := "facts." + k
	if m.d.Facts == nil {
		m.d.Facts = map[string]string{}
	}
	m.keep(field, v, src, func() { m.d.Facts[k] = v }, func(a any) bool { return a.(string) == v })
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// siteTitle names the page's site for the draft's list of sources.
func (f *Facts) siteTitle() string {
	if f.Site != "" {
		return f.Site
	}
	if i := strings.Index(f.Source, "://"); i >= 0 {
		host := f.Source[i+3:]
		if j := strings.IndexAny(host, "/?#"); j >= 0 {
			host = host[:j]
		}
		return host
	}
	return ""
}
