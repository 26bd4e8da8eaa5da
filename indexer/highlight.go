package indexer

import (
	"html"
	"strings"

	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
)

// synopsisFragment is about how many bytes of synopsis a highlight shows.
const synopsisFragment = 220

// highlight wraps the words of text whose analyzed term is in terms in
// <mark> and HTML-escapes the rest. With fragment > 0 it returns about
// that many bytes around the first match, with "…" where it cuts. It
// reports whether anything matched.
func highlight(an analysis.Analyzer, text string, terms wordMatcher, fragment int) (string, bool) {
	toks := words(text)
	var marks []span
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

// wordMatcher tells the words of a text to mark.
type wordMatcher interface {
	match(an analysis.Analyzer, word string) bool
}

// highlightTerms are the index terms a query matched, with what makes
// testing a word against them cheap: most words share no first letters
// with any term and are never analyzed.
type highlightTerms struct {
	terms map[string]bool
	heads map[string]bool // the terms' first two bytes
	memo  map[string]bool // word → matched
	// topics are the highlights of coded values, "" for none, by group
	// and label (topic).
	topics map[[2]string]string
}

func newHighlightTerms(terms map[string]bool) *highlightTerms {
	h := &highlightTerms{terms: terms, heads: map[string]bool{}, memo: map[string]bool{}}
	for t := range terms {
		h.heads[t[:min(2, len(t))]] = true
	}
	return h
}

func (h *highlightTerms) match(an analysis.Analyzer, word string) bool {
	if len(word) >= 2 && word[0] < utf8.RuneSelf && word[1] < utf8.RuneSelf {
		// An ASCII start is told without folding the word: most words of
		// the evidence and names of a page are.
		head := [2]byte{lowerASCII(word[0]), lowerASCII(word[1])}
		if !h.heads[string(head[:])] {
			return false
		}
	}
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

func lowerASCII(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

// span is a word's place in a text.
type span struct{ Start, End int }

// words splits text into words much as the analyzer's tokenizer does
// (letters, digits and marks, with . and ' inside a word, as in N.H.K.
// and don't, and the marks that join parts, as in Re:Zero and shut-in),
// fast, for highlighting: a word that the analyzer would split further is
// analyzed whole and still matches, by a part or by its joined form.
func words(text string) []span {
	out := make([]span, 0, len(text)/6)
	start := -1
	wordRune := func(r rune) bool {
		if r < utf8.RuneSelf {
			return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
		}
		return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
	}
	for i := 0; i < len(text); {
		r, n := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(text[i:])
		}
		switch {
		case wordRune(r):
			if start < 0 {
				start = i
			}
		case start >= 0 && (r == '.' || r == '\'' || r == '’' || joinerRune(r)) && i+n < len(text):
			next, _ := utf8.DecodeRuneInString(text[i+n:])
			if !wordRune(next) {
				out = append(out, span{start, i})
				start = -1
			}
		default:
			if start >= 0 {
				out = append(out, span{start, i})
				start = -1
			}
		}
		i += n
	}
	if start >= 0 {
		out = append(out, span{start, len(text)})
	}
	return out
}
