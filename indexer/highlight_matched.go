package indexer

import (
	"html"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/komoru/komoru/catalog"
)

// The keys of Hit.Highlights, one per kind of text a hit is found by.
const (
	HighlightTitle     = "title"      // the title
	HighlightSynopsis  = "synopsis"   // a fragment of the synopsis
	HighlightAltTitles = "alt_titles" // romanized and alternate titles
	HighlightNames     = "names"      // creators and characters
	HighlightTopics    = "topics"     // coded values, "Conditions: Social anxiety"
	HighlightEvidence  = "evidence"   // fragments of coding evidence, "Conditions: …"
)

// evidenceFragment is about how many bytes of one coding's evidence a
// highlight shows.
const evidenceFragment = 160

// matchedSource is what a hit's highlights draw on besides its title,
// synopsis and codes, stored with the document (fieldMatched): it is read
// for the page's hits only, and kept out of meta, which is read for every
// work on open.
type matchedSource struct {
	AltTitles []string         // romanized and alternate titles
	Names     []string         // creators, then characters
	Evidence  []evidenceSource // in codebook order
}

// evidenceSource is one coding's evidence.
type evidenceSource struct {
	Dim  string
	Text string
}

// A stored matchedSource is records split by recordSep, each a kind
// letter and its fields split by fieldSep: reading it is a split, where
// JSON took a tenth of a search's time. A work's texts hold no control
// characters (catalog validation refuses them), so the separators are
// never in a text.
const (
	recordSep = "\x1e"
	fieldSep  = "\x1f"
)

func (s matchedSource) encode() string {
	var b strings.Builder
	add := func(fields ...string) {
		if b.Len() > 0 {
			b.WriteString(recordSep)
		}
		b.WriteString(strings.Join(fields, fieldSep))
	}
	for _, t := range s.AltTitles {
		add("a", t)
	}
	for _, n := range s.Names {
		add("n", n)
	}
	for _, e := range s.Evidence {
		add("e", e.Dim, e.Text)
	}
	return b.String()
}

// decodeMatched reads a stored matchedSource; a record it does not know
// is left out (a bad value shows fewer highlights, no more).
func decodeMatched(v string) matchedSource {
	var s matchedSource
	for rec := range strings.SplitSeq(v, recordSep) {
		kind, rest, _ := strings.Cut(rec, fieldSep)
		switch kind {
		case "a":
			s.AltTitles = append(s.AltTitles, rest)
		case "n":
			s.Names = append(s.Names, rest)
		case "e":
			if dim, text, ok := strings.Cut(rest, fieldSep); ok {
				s.Evidence = append(s.Evidence, evidenceSource{Dim: dim, Text: text})
			}
		}
	}
	return s
}

func newHighlightSource(w *catalog.Work, cb *catalog.Codebook) matchedSource {
	var s matchedSource
	// Each text once: the romanized title is often an alternate title too,
	// and a highlight of the title is already there.
	seen := map[string]bool{strings.ToLower(w.Title): true}
	addNew := func(to *[]string, t string) {
		if k := strings.ToLower(t); t != "" && !seen[k] {
			seen[k] = true
			*to = append(*to, t)
		}
	}
	addNew(&s.AltTitles, w.RomanizedTitle)
	for _, t := range w.AltTitles {
		addNew(&s.AltTitles, t)
	}
	for _, c := range w.Creators {
		addNew(&s.Names, c.Name)
	}
	for _, c := range w.Characters {
		addNew(&s.Names, c.Name)
	}
	for _, d := range cb.Dimensions {
		// Evidence the curator marked as a spoiler is matched but never
		// shown: a highlight would give the plot away.
		if c, ok := w.Portrayal[d.ID]; ok && c.Evidence != "" && !d.IsSpoiler(c) {
			s.Evidence = append(s.Evidence, evidenceSource{Dim: d.ID, Text: c.Evidence})
		}
	}
	return s
}

// highlights are the highlights of hit h (ordinal o, its title and
// portrayal set): for each kind of text, the texts where the query's
// terms are, marked. Kinds with no match are left out; nil if none.
func (ix *Index) highlights(doc storedDoc, st *state, o uint32, h *Hit, ht *highlightTerms) map[string][]string {
	an := ix.textAnalyzer()
	out := map[string][]string{}
	if t, ok := highlight(an, h.Title, ht, 0); ok {
		out[HighlightTitle] = []string{t}
	}
	if syn := doc.synopsis; syn != "" {
		if t, ok := highlight(an, syn, ht, synopsisFragment); ok {
			out[HighlightSynopsis] = []string{t}
		}
	}
	src := decodeMatched(doc.matched)
	addAll(out, HighlightAltTitles, highlightEach(an, src.AltTitles, ht))
	addAll(out, HighlightNames, highlightEach(an, src.Names, ht))
	addAll(out, HighlightTopics, ix.topicHighlights(an, st, o, h, ht))
	addAll(out, HighlightEvidence, ix.evidenceHighlights(an, src.Evidence, h, ht))
	if len(out) == 0 {
		return nil
	}
	return out
}

func addAll(out map[string][]string, key string, vs []string) {
	if len(vs) > 0 {
		out[key] = vs
	}
}

// highlightEach returns the texts that match, marked.
func highlightEach(an analysis.Analyzer, texts []string, ht wordMatcher) []string {
	var out []string
	for _, t := range texts {
		if m, ok := highlight(an, t, ht, 0); ok {
			out = append(out, m)
		}
	}
	return out
}

// topicHighlights are the coded values of a hit that the query matched
// by their words, as the topics field indexes them (topicWords):
// "Conditions: <mark>Social anxiety</mark>", or the synonym that matched
// after the label, "Conditions: Social anxiety (social <mark>phobia</mark>)".
// Values that deny their topic are never shown, as they are not indexed.
func (ix *Index) topicHighlights(an analysis.Analyzer, st *state, o uint32, h *Hit, ht *highlightTerms) []string {
	var out []string
	add := func(group string, d *catalog.Dimension, ids []string) {
		if d == nil {
			return
		}
		for _, id := range ids {
			if v := d.Value(id); v != nil && !v.Denies {
				if t, ok := ht.topic(an, group, v.Label, v.Synonyms); ok {
					out = append(out, t)
				}
			}
		}
	}
	for i := range ix.cb.Dimensions {
		d := &ix.cb.Dimensions[i]
		add(d.Label, d, h.Portrayal[d.ID].List())
	}
	add(ix.facetLabel(catalog.FacetMedium), ix.cb.Dimension("medium"), []string{h.Medium})
	add(ix.facetLabel(catalog.FacetHikikomoriGenders), ix.cb.Dimension("gender"), st.valuesOf(o, catalog.FacetHikikomoriGenders))
	for _, code := range st.valuesOf(o, catalog.FacetCountries) {
		var also []string
		if dem := ix.cb.CountryDemonym(code); dem != "" {
			also = append(also, dem)
		}
		if t, ok := ht.topic(an, ix.facetLabel(catalog.FacetCountries), ix.cb.CountryName(code), also); ok {
			out = append(out, t)
		}
	}
	return out
}

func (ix *Index) facetLabel(name string) string {
	if f, ok := ix.cb.Facet(name); ok {
		return f.Label
	}
	return name
}

// highlightTopic is "group: label" with label marked, or with the synonym
// that matched after it when the synonym has more words marked: "social
// phobia" shows "Social anxiety (<mark>social</mark> <mark>phobia</mark>)".
func highlightTopic(an analysis.Analyzer, group, label string, synonyms []string, ht wordMatcher) (string, bool) {
	best, marks := "", 0
	if t, ok := highlight(an, label, ht, 0); ok {
		best, marks = t, strings.Count(t, "<mark>")
	}
	for _, s := range synonyms {
		if t, ok := highlight(an, s, ht, 0); ok && strings.Count(t, "<mark>") > marks {
			best, marks = html.EscapeString(label)+" ("+t+")", strings.Count(t, "<mark>")
		}
	}
	if marks == 0 {
		return "", false
	}
	return html.EscapeString(group) + ": " + best, true
}

// topic is highlightTopic, once a search: the hits of a page share most of
// their coded values.
func (h *highlightTerms) topic(an analysis.Analyzer, group, label string, synonyms []string) (string, bool) {
	key := [2]string{group, label}
	if t, ok := h.topics[key]; ok {
		return t, t != ""
	}
	t, _ := highlightTopic(an, group, label, synonyms, h)
	if h.topics == nil {
		h.topics = map[[2]string]string{}
	}
	h.topics[key] = t
	return t, t != ""
}

// evidenceHighlights are the fragments of coding evidence the query
// matched, each after its dimension's label. In the evidence of a value
// that denies its topic the topic's words are not marked, as they are
// not indexed ("no social anxiety is named" does not match "anxiety").
func (ix *Index) evidenceHighlights(an analysis.Analyzer, ev []evidenceSource, h *Hit, ht *highlightTerms) []string {
	var out []string
	for _, e := range ev {
		d := ix.cb.Dimension(e.Dim)
		if d == nil {
			continue
		}
		var m wordMatcher = ht
		if denies(d, h.Portrayal[d.ID]) {
			m = exceptTopic{ht, topicRoots(d)}
		}
		if t, ok := highlight(an, e.Text, m, evidenceFragment); ok {
			out = append(out, html.EscapeString(d.Label)+": "+t)
		}
	}
	return out
}

// exceptTopic matches the words of terms that do not name a topic.
type exceptTopic struct {
	terms *highlightTerms
	roots map[string]bool
}

func (e exceptTopic) match(an analysis.Analyzer, word string) bool {
	return !e.roots[wordRoot(word)] && e.terms.match(an, word)
}
