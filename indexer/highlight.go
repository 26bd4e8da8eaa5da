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
func highlight(an analysis.Analyzer, text string, terms map[string]bool, fragment int) (string, bool) {
	toks := tokenizer.Tokenize([]byte(text))
	var marks []*analysis.Token
	for _, t := range toks {
		word := text[t.Start:t.End]
		for _, at := range an.Analyze([]byte(fold(word))) {
			if terms[string(at.Term)] {
				marks = append(marks, t)
				break
			}
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
