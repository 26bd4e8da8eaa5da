package indexer

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/komoru/komoru/catalog"
)

// noOrd marks a Bleve document that has no ordinal (deleted, or not known).
const noOrd = ^uint32(0)

// facetValue is one (facet, value) pair and the ordinals that carry it.
type facetValue struct {
	facet, value string
	bm           *roaring.Bitmap
}

// docInfo is what the index keeps in memory of one work.
type docInfo struct {
	titleKey string   // folded, lower-case title: the title sort key
	equalKey string   // equalKey(titleKey), for the exactness rule
	year     int      // 0: freed ordinal
	codes    []uint16 // indexes into state.values
}

// newDocInfo is the docInfo of a title sort key and a year; the caller
// adds the codes.
func newDocInfo(titleKey string, year int) docInfo {
	d := docInfo{titleKey: titleKey, equalKey: equalKey(titleKey), year: year}
	if d.equalKey == titleKey {
		d.equalKey = titleKey // one string, not two alike
	}
	return d
}

// state is the in-memory side of the index: dense ordinals, per-value
// bitmaps and sort orders. It is guarded by Index.mu.
type state struct {
	cb     *catalog.Codebook
	ids    []string // ordinal → work id; "" for a freed ordinal
	docs   []docInfo
	ordOf  map[string]uint32
	alive  *roaring.Bitmap
	values []facetValue
	codeOf map[string]map[string]uint16 // facet → value → index into values
	years  map[int]*roaring.Bitmap      // year → ordinals
	facets map[string][]uint16          // facet → its value codes, in display order
	// flagged maps a dimension to the works whose coding of it is flagged
	// as a spoiler (meta.Spoilers).
	flagged map[string]*roaring.Bitmap
	// idOrdered is true while ordinal order is id order, as it is after
	// a load; a work added later may break it.
	idOrdered bool
	orders    orders
	dirty     bool // orders and packed codes need recomputing
	// packed holds every document's codes in ordinal order, ordinal o's
	// at packed[packedAt[o]:packedAt[o+1]] (see packCodes).
	packed   []uint16
	packedAt []uint32
}

// orders are the alive ordinals sorted by each sort key (id as the
// tie-break), and each ordinal's rank in them.
type orders struct {
	byID, byYear, byYearDesc, byTitle         []uint32
	rankID, rankYear, rankYearDesc, rankTitle []uint32
}

func newState(cb *catalog.Codebook) *state {
	s := &state{
		cb:        cb,
		ordOf:     map[string]uint32{},
		alive:     roaring.New(),
		codeOf:    map[string]map[string]uint16{},
		years:     map[int]*roaring.Bitmap{},
		facets:    map[string][]uint16{},
		flagged:   map[string]*roaring.Bitmap{},
		idOrdered: true,
	}
	// Known values first, in codebook order, so that counts come out in
	// display order even for values no work carries yet.
	for _, f := range cb.Facets() {
		s.codeOf[f.Name] = map[string]uint16{}
		for _, v := range f.Values {
			s.code(f.Name, v.ID)
		}
	}
	return s
}

// code returns the code of a (facet, value) pair, adding it if new.
func (s *state) code(facet, value string) uint16 {
	m := s.codeOf[facet]
	if m == nil {
		m = map[string]uint16{}
		s.codeOf[facet] = m
	}
	if c, ok := m[value]; ok {
		return c
	}
	c := uint16(len(s.values))
	s.values = append(s.values, facetValue{facet: facet, value: value, bm: roaring.New()})
	m[value] = c
	s.facets[facet] = append(s.facets[facet], c)
	if f, ok := s.cb.Facet(facet); ok && f.Values == nil {
		// Open lists are kept in the facet's order: decades in time
		// order, countries and languages by code.
		cs := s.facets[facet]
		slices.SortFunc(cs, func(a, b uint16) int { return f.Compare(s.values[a].value, s.values[b].value) })
	}
	return c
}

// ordFor returns the ordinal of id, assigning the next one to a new id.
func (s *state) ordFor(id string) uint32 {
	if o, ok := s.ordOf[id]; ok {
		return o
	}
	o := uint32(len(s.ids))
	if o > 0 && s.idOrdered {
		for i := len(s.ids) - 1; i >= 0; i-- {
			if s.ids[i] != "" {
				if s.ids[i] > id {
					s.idOrdered = false
				}
				break
			}
		}
	}
	s.ids = append(s.ids, id)
	s.docs = append(s.docs, docInfo{})
	s.ordOf[id] = o
	return o
}

// put records a work's meta under its ordinal, replacing what was there.
func (s *state) put(id string, m *meta) {
	o := s.ordFor(id)
	s.clear(o)
	d := newDocInfo(sortKey(m.Title), m.Year)
	for _, f := range s.cb.Facets() {
		for _, v := range m.Facets[f.Name] {
			c := s.code(f.Name, v)
			d.codes = append(d.codes, c)
			s.values[c].bm.Add(o)
		}
	}
	s.docs[o] = d
	for _, dim := range m.Spoilers {
		bm := s.flagged[dim]
		if bm == nil {
			bm = roaring.New()
			s.flagged[dim] = bm
		}
		bm.Add(o)
	}
	s.addYear(m.Year, o)
	s.alive.Add(o)
	s.dirty = true
}

// remove forgets a work; its ordinal is not reused.
func (s *state) remove(id string) {
	o, ok := s.ordOf[id]
	if !ok {
		return
	}
	s.clear(o)
	s.ids[o] = ""
	delete(s.ordOf, id)
	s.dirty = true
}

func (s *state) clear(o uint32) {
	if !s.alive.Contains(o) {
		return
	}
	d := &s.docs[o]
	for _, c := range d.codes {
		s.values[c].bm.Remove(o)
	}
	if yb := s.years[d.year]; yb != nil {
		yb.Remove(o)
	}
	for _, bm := range s.flagged {
		bm.Remove(o)
	}
	s.alive.Remove(o)
	*d = docInfo{}
}

// finish recomputes the sort orders after writes.
func (s *state) finish() {
	if !s.dirty {
		return
	}
	s.dirty = false
	s.packCodes()
	n := len(s.ids)
	byID := s.alive.ToArray()
	if !s.idOrdered {
		slices.SortFunc(byID, func(a, b uint32) int { return strings.Compare(s.ids[a], s.ids[b]) })
	}
	rank := func(order []uint32) []uint32 {
		r := make([]uint32, n)
		for i, o := range order {
			r[o] = uint32(i)
		}
		return r
	}
	o := orders{byID: byID, rankID: rank(byID)}
	o.byYear = slices.Clone(byID)
	slices.SortStableFunc(o.byYear, func(a, b uint32) int { return s.docs[a].year - s.docs[b].year })
	o.byYearDesc = slices.Clone(byID)
	slices.SortStableFunc(o.byYearDesc, func(a, b uint32) int { return s.docs[b].year - s.docs[a].year })
	o.byTitle = slices.Clone(byID)
	slices.SortStableFunc(o.byTitle, func(a, b uint32) int { return strings.Compare(s.docs[a].titleKey, s.docs[b].titleKey) })
	o.rankYear, o.rankYearDesc, o.rankTitle = rank(o.byYear), rank(o.byYearDesc), rank(o.byTitle)
	s.orders = o
}

// packCodes moves every document's codes into one array, in ordinal
// order, with each ordinal's start: counting the facets of a result
// document by document (countDocs) then reads two arrays in order, where
// codes scattered over the heap cost a cache miss a document.
func (s *state) packCodes() {
	total := 0
	for i := range s.docs {
		total += len(s.docs[i].codes)
	}
	all := make([]uint16, 0, total)
	at := make([]uint32, len(s.docs)+1)
	for i := range s.docs {
		d := &s.docs[i]
		start := len(all)
		all = append(all, d.codes...)
		d.codes = all[start:len(all):len(all)]
		at[i+1] = uint32(len(all))
	}
	s.packed, s.packedAt = all, at
}

// valuesOf returns a document's values for one facet.
func (s *state) valuesOf(o uint32, facet string) []string {
	var vs []string
	for _, c := range s.docs[o].codes {
		if s.values[c].facet == facet {
			vs = append(vs, s.values[c].value)
		}
	}
	return vs
}

// isFlagged reports whether work o's coding of dim is flagged as a
// spoiler.
func (s *state) isFlagged(dim string, o uint32) bool {
	bm := s.flagged[dim]
	return bm != nil && bm.Contains(o)
}

// spoilerValues reports, for each value code of facet, whether some work
// of bm carries it with its coding flagged as a spoiler; nil when none
// does, which is the common case and costs one intersection.
func (s *state) spoilerValues(facet string, bm *roaring.Bitmap) map[uint16]bool {
	fb := s.flagged[facet]
	if fb == nil || !fb.Intersects(bm) {
		return nil
	}
	fw := roaring.And(fb, bm)
	out := map[uint16]bool{}
	for _, c := range s.facets[facet] {
		if fw.Intersects(s.values[c].bm) {
			out[c] = true
		}
	}
	return out
}

var folder = asciifolding.New()

// fold lower-cases s and strips its accents: "Yōkoso" → "yokoso".
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if !ascii {
		s = string(folder.Filter([]byte(s)))
	}
	return strings.ToLower(s)
}

// sortKey is the title sort key: folded, without leading punctuation and
// without a leading article, as library catalogs file titles: "The Lunar
// Course of My Life" under L.
func sortKey(title string) string {
	k := trimNonAlnum(fold(title))
	for _, a := range leadingArticles {
		if rest, ok := strings.CutPrefix(k, a+" "); ok {
			if rest = trimNonAlnum(rest); rest != "" {
				return rest
			}
		}
	}
	return k
}

// leadingArticles are the articles a title sort skips, lower case: the
// English, French and German ones of the catalog's titles. Only the one
// article that opens a title is skipped, and only when a word follows.
var leadingArticles = []string{"the", "a", "an", "le", "la", "les", "der", "die", "das"}

func trimNonAlnum(s string) string {
	return strings.TrimLeftFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// addYear adds ordinal o to the bitmap of its year.
func (s *state) addYear(year int, o uint32) {
	yb := s.years[year]
	if yb == nil {
		yb = roaring.New()
		s.years[year] = yb
	}
	yb.Add(o)
}
