package indexer

import (
	"html"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
)

// synopsisFragment is about how many bytes of synopsis a highlight shows.
const synopsisFragment = 220

var tokenizer = unicode.NewUnicodeTokenizer()

// highlight wraps the words of text whose analyzed term is in terms in
// <mark> and HTML-escapes the rest. With fragment > 0 it returns about
// that many bytes around the first match, with "…" where it cuts. It
// reports whether anything matched.
func highlight(an analysis.Analyzer, text string, terms *highlightTerms, fragment int) (string, bool) {
	toks := tokenizer.Tokenize([]byte(text))
	var marks []*analysis.Token
	for _, t := range toks {
		if terms.match(an, text[t.Start:t.End]) {
			marks = append(marks, t)
		}
	}
	if len(marks) == 0 {
		return "", false
	}
	start, end := 0, len(text)
	if fragment > 0 && len(text) > fragment {
		start = marks[0].Start - fragment/4
		if start <= 0 {
			start = 0
		} else {
			// Begin at the start of a word.
			for _, t := range toks {
				if t.Start >= start {
					start = t.Start
					break
				}
			}
		}
		end = min(len(text), start+fragment)
		if end < len(text) {
			last := start
			for _, t := range toks {
				if t.End <= end {
					last = t.End
				}
			}
			if last > start {
				end = last
			}
		}
	}
	var b strings.Builder
	if start > 0 {
		b.WriteString("… ")
	}
	pos := start
	for _, t := range marks {
		if t.Start < start || t.End > end {
			continue
		}
		b.WriteString(html.EscapeString(text[pos:t.Start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[t.Start:t.End]))
		b.WriteString("</mark>")
		pos = t.End
	}
	b.WriteString(html.EscapeString(text[pos:end]))
	if end < len(text) {
		b.WriteString(" …")
	}
	return b.String(), true
}

// highlightTerms are the index terms a query matched, with what makes
// testing a word against them cheap: most words share no first letters
// with any term and are never analyzed.
type highlightTerms struct {
	terms map[string]bool
	heads map[string]bool // the terms' first two bytes
	memo  map[string]bool // word → matched
}

func newHighlightTerms(terms map[string]bool) *highlightTerms {
	h := &highlightTerms{terms: terms, heads: map[string]bool{}, memo: map[string]bool{}}
	for t := range terms {
		h.heads[t[:min(2, len(t))]] = true
	}
	return h
}

func (h *highlightTerms) match(an analysis.Analyzer, word string) bool {
	f := fold(word)
	if !h.heads[f[:min(2, len(f))]] {
		return false
	}
	if m, ok := h.memo[f]; ok {
		return m
	}
	m := false
	for _, at := range an.Analyze([]byte(f)) {
		if h.terms[string(at.Term)] {
			m = true
			break
		}
	}
	h.memo[f] = m
	return m
}
