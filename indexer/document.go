package indexer

import (
	"encoding/json"
	"strings"
	"sync"
	"unicode"

	"github.com/komoru/komoru/catalog"
)

// docType is the one document type of the index.
const docType = "work"

// meta is what the index keeps in memory of a work, stored in Bleve so
// that opening the index restores it without the catalog: enough to
// filter, facet, sort and show a hit.
type meta struct {
	Title    string              `json:"t"`
	Original string              `json:"o,omitempty"`
	Year     int                 `json:"y"`
	Facets   map[string][]string `json:"f"` // every facet of the codebook with its values
	// Spoilers are the dimensions, other than spoiler dimensions, whose
	// coding a curator flagged as a spoiler (catalog.Coding.Spoiler): a
	// page that hides spoilers hides these values too, in hits, facet
	// counts and charts.
	Spoilers []string `json:"s,omitempty"`
}

func newMeta(w *catalog.Work, cb *catalog.Codebook) meta {
	m := meta{Title: w.Title, Original: w.OriginalTitle, Year: w.Year, Facets: map[string][]string{}}
	for _, f := range cb.Facets() {
		if vs := f.Of(w); len(vs) > 0 {
			m.Facets[f.Name] = vs
		}
	}
	for _, d := range cb.Dimensions {
		// A spoiler dimension (recovery) is hidden whole by its
		// definition; only flags on the others tell pages something.
		if c, ok := w.Portrayal[d.ID]; ok && c.Spoiler && !d.Spoiler {
			m.Spoilers = append(m.Spoilers, d.ID)
		}
	}
	return m
}

// newDocument is the Bleve document of a work, in the shape newMapping
// describes.
func newDocument(w *catalog.Work, cb *catalog.Codebook, m meta) (map[string]any, error) {
	titles := make([]string, 0, 2+len(w.AltTitles))
	titles = append(titles, w.Title)
	if w.RomanizedTitle != "" {
		titles = append(titles, w.RomanizedTitle)
	}
	titles = append(titles, w.AltTitles...)

	// The work's own titles, for ranking. "N.H.K." is also indexed as
	// "NHK", the way fans type it.
	primary := []string{w.Title}
	if w.RomanizedTitle != "" {
		primary = append(primary, w.RomanizedTitle)
	}
	for _, t := range primary[:len(primary):len(primary)] {
		if c := joinAcronyms(t); c != t {
			primary = append(primary, c)
		}
	}

	body := []string{w.Synopsis}
	for _, d := range cb.Dimensions {
		c, ok := w.Portrayal[d.ID]
		switch {
		case !ok || c.Evidence == "":
		case denies(&d, c):
			// Evidence that the work does not show the topic ("no social
			// anxiety is named") must not match the topic: its words are
			// left out, the rest of it is kept.
			body = append(body, withoutTopic(c.Evidence, &d))
		default:
			body = append(body, c.Evidence)
		}
	}
	var names []string
	for _, c := range w.Creators {
		names = append(names, c.Name)
	}
	for _, c := range w.Characters {
		names = append(names, c.Name)
	}
	mb, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	doc := map[string]any{
		"_type":       docType,
		fieldTitle:    titles,
		fieldPrimary:  primary,
		fieldBody:     body,
		fieldYear:     float64(w.Year),
		fieldMeta:     string(mb),
		fieldSynopsis: w.Synopsis,
		fieldMatched:  newHighlightSource(w, cb).encode(),
		fieldTitles:   storedTitles{Title: w.Title, Original: w.OriginalTitle}.encode(),
	}
	if w.OriginalTitle != "" {
		// "N・H・Kにようこそ" is also indexed as "NHKにようこそ": fans leave
		// out the middle dots, which split the letters into words.
		native := []string{w.OriginalTitle}
		if d := dropMiddleDots(w.OriginalTitle); d != w.OriginalTitle {
			native = append(native, d)
		}
		doc[fieldNative] = native
	}
	if len(names) > 0 {
		doc[fieldNames] = names
	}
	topics := topicWords(w, cb, m)
	if len(topics) > 0 {
		doc[fieldTopics] = topics
	}
	if cw := changedWords(titles, names, topics, body); cw != "" {
		doc[fieldWritten] = cw
	}
	// Every facet value as a "facet:value" keyword, in one string: Bleve
	// can filter on them, while counting is done on the bitmaps in memory.
	var fv strings.Builder
	for _, f := range cb.Facets() {
		for _, v := range m.Facets[f.Name] {
			if fv.Len() > 0 {
				fv.WriteByte(' ')
			}
			fv.WriteString(f.Name + ":" + v)
		}
	}
	doc[fieldFacet] = fv.String()
	return doc, nil
}

// changedWords returns, space-separated, the distinct words of the texts
// as written (folded and lowercased) that the stemmer changes: the words
// typos and completions are measured against, with the terms it leaves as
// written (see wordTerms). Words are told apart here much as the
// tokenizer does, and parts joined by a mark are also joined ("shutins"):
// a word told apart differently only misses a typo's match. Keeping them
// in a field of their own, once each and without positions, costs a
// build a tenth of analyzing the texts twice.
func changedWords(texts ...[]string) string {
	seen := map[string]bool{}
	var b strings.Builder
	add := func(w string) {
		w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s")
		w = strings.Trim(w, "'’")
		if w == "" || seen[w] {
			return
		}
		seen[w] = true
		if stem(w) != w {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(w)
		}
	}
	var joined strings.Builder
	for _, list := range texts {
		for _, t := range list {
			t = fold(t)
			// A run of words joined by marks ("shut-ins", "re:zero"):
			// each word, and the run joined when it has several.
			parts := 0
			endRun := func() {
				if parts > 1 {
					add(joined.String())
				}
				parts = 0
				joined.Reset()
			}
			start := -1
			for i, r := range t {
				if !notWordRune(r) {
					if start < 0 {
						start = i
					}
					continue
				}
				if start >= 0 {
					add(t[start:i])
					joined.WriteString(t[start:i])
					parts++
					start = -1
				}
				if !joinerRune(r) {
					endRun()
				}
			}
			if start >= 0 {
				add(t[start:])
				joined.WriteString(t[start:])
				parts++
			}
			endRun()
		}
	}
	return b.String()
}

// notWordRune reports whether r is not part of a word: letters, digits
// and apostrophes are.
func notWordRune(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’'
}

// joinAcronyms runs dotted initials together: "Welcome to the N.H.K." is
// "Welcome to the NHK".
func joinAcronyms(s string) string {
	r := []rune(s)
	out := make([]rune, 0, len(r))
	for i := 0; i < len(r); i++ {
		// A dot after a lone letter that another letter and dot follow,
		// or that ends a run of such initials.
		if r[i] == '.' && i > 0 && unicode.IsLetter(r[i-1]) && (i < 2 || !unicode.IsLetter(r[i-2])) &&
			((i+2 < len(r) && unicode.IsLetter(r[i+1]) && r[i+2] == '.') || (i >= 3 && r[i-2] == '.')) {
			continue
		}
		out = append(out, r[i])
	}
	return string(out)
}

// dropMiddleDots removes the middle dots that Japanese puts between the
// parts of a name or the letters of an acronym.
func dropMiddleDots(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '・', '･', '·':
			return -1
		}
		return r
	}, s)
}

// denies reports whether a coding says the work does not show the
// dimension's topic: only values that deny it (recovery "none",
// conditions "none explicit"), or a set coded empty ("no recovery arc, so
// no catalyst").
func denies(d *catalog.Dimension, c catalog.Coding) bool {
	for _, v := range c.List() {
		if val := d.Value(v); val == nil || !val.Denies {
			return false
		}
	}
	return c.IsSet() || c.Value != ""
}

// topicWords are the words a work is found by for what it is coded as:
// each coded value's label and synonyms, and those of its medium and of
// its hikikomori characters' genders, and its countries' names and
// adjectives ("Korean"). A value that denies its topic adds nothing, so
// "recovery" does not find works coded recovery "none". Each entry is its
// own phrase: "social anxiety" matches as one.
func topicWords(w *catalog.Work, cb *catalog.Codebook, m meta) []string {
	var out []string
	add := func(d *catalog.Dimension, ids []string) {
		for _, id := range ids {
			if v := d.Value(id); v != nil && !v.Denies {
				out = append(out, v.Label)
				out = append(out, v.Synonyms...)
			}
		}
	}
	for i := range cb.Dimensions {
		d := &cb.Dimensions[i]
		if c, ok := w.Portrayal[d.ID]; ok {
			add(d, c.List())
		}
	}
	add(cb.Dimension("medium"), []string{w.Medium})
	add(cb.Dimension("gender"), m.Facets[catalog.FacetHikikomoriGenders])
	for _, code := range w.Countries {
		for _, s := range []string{cb.CountryName(code), cb.CountryDemonym(code)} {
			if s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// withoutTopic removes from text the words that name dimension d's topic
// (see topicRoots).
func withoutTopic(text string, d *catalog.Dimension) string {
	topic := topicRoots(d)
	var kept []string
	for _, w := range strings.Fields(text) {
		core := strings.TrimFunc(w, notLetter)
		if !topic[wordRoot(core)] {
			kept = append(kept, w)
		}
	}
	return strings.Join(kept, " ")
}

// topicRootsOf caches topicRoots per dimension: a codebook never changes,
// and a build asks for the same few dimensions for every work.
var topicRootsOf sync.Map // *catalog.Dimension → map[string]bool

// topicRoots are the roots (wordRoot) of the words that name dimension
// d's topic: the dimension's label and its values' labels and synonyms.
// Words are compared by their first five letters, so that "recovers"
// goes with "recovery" without the analyzer at hand. The map is shared:
// read it, never change it.
func topicRoots(d *catalog.Dimension) map[string]bool {
	if m, ok := topicRootsOf.Load(d); ok {
		return m.(map[string]bool)
	}
	topic := map[string]bool{}
	addWords := func(s string) {
		for _, w := range strings.FieldsFunc(s, notLetter) {
			topic[wordRoot(w)] = true
		}
	}
	addWords(d.Label)
	for _, v := range d.Values {
		addWords(v.Label)
		for _, s := range v.Synonyms {
			addWords(s)
		}
	}
	delete(topic, "")
	topicRootsOf.Store(d, topic)
	return topic
}

// wordRoot is the first five letters of a word, lowercased, or "" for a
// word shorter than three letters: too short to name a topic.
func wordRoot(w string) string {
	r := []rune(strings.ToLower(w))
	if len(r) < 3 {
		return ""
	}
	return string(r[:min(len(r), 5)])
}

func notLetter(r rune) bool { return !unicode.IsLetter(r) }
