package indexer

import (
	"bytes"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	bleveunicode "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
)

// wordsTokenizerName is the tokenizer of the Latin-script analyzers.
const wordsTokenizerName = "komoru_words"

// wordsTokenizer is Bleve's Unicode word tokenizer (UAX #29) that also
// splits words at the marks joining their parts, keeping the joined form
// too: "Re:Zero" is "re", "zero" and "rezero"; "shut-in" is "shut", "in"
// and "shutin"; "N.H.K." is "n", "h", "k" and "nhk". Fans type each of
// these, and the joined form makes plurals agree ("shut-ins" stems to the
// "shutin" of "shut-in", where the part "in" is a stop word).
//
// A joined form has the position of its first part, so phrases of the
// parts still match, and the type analysis.Shingle, by which a query
// tells it from the parts.
type wordsTokenizer struct {
	base *bleveunicode.UnicodeTokenizer
}

func init() {
	err := registry.RegisterTokenizer(wordsTokenizerName, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
		return wordsTokenizer{base: bleveunicode.NewUnicodeTokenizer()}, nil
	})
	if err != nil {
		panic(err)
	}
}

// Tokenize implements analysis.Tokenizer.
func (t wordsTokenizer) Tokenize(input []byte) analysis.TokenStream {
	toks := t.base.Tokenize(input)
	if !needsSplitting(input, toks) {
		return toks // most text: no token to split, no parts to join
	}
	out := make(analysis.TokenStream, 0, len(toks)+4)
	pos := 1
	// run is the parts joined so far by a joining mark, from one word or
	// from several: "shut" "-" "in".
	var run []*analysis.Token
	flush := func() {
		if len(run) > 1 {
			out = append(out, joined(input, run))
		}
		run = run[:0]
	}
	for i, tok := range toks {
		if i > 0 && !(latin(toks[i-1]) && latin(tok) && joiner(input[toks[i-1].End:tok.Start])) {
			flush()
		}
		parts := splitWord(tok)
		for _, p := range parts {
			p.Position = pos
			pos++
			out = append(out, p)
		}
		if latin(tok) {
			run = append(run, parts...)
		} else {
			flush()
		}
	}
	flush()
	return out
}

// needsSplitting reports whether any token holds a joining mark or two
// tokens are joined by one: the fast test that leaves most text alone.
func needsSplitting(input []byte, toks analysis.TokenStream) bool {
	for i, tok := range toks {
		if tok.Type == analysis.AlphaNumeric && bytes.ContainsAny(tok.Term, ":.") {
			return true
		}
		if i > 0 && joiner(input[toks[i-1].End:tok.Start]) && latin(toks[i-1]) && latin(tok) {
			return true
		}
	}
	return false
}

// splitWord splits a token at the colons and dots inside it, which the
// Unicode rules keep inside a word ("re:zero", "n.h.k"); it returns the
// token itself when there is nothing to split.
func splitWord(tok *analysis.Token) []*analysis.Token {
	if tok.Type != analysis.AlphaNumeric || !bytes.ContainsAny(tok.Term, ":.") {
		return []*analysis.Token{tok}
	}
	var parts []*analysis.Token
	start := 0
	for i := 0; i <= len(tok.Term); i++ {
		if i < len(tok.Term) && tok.Term[i] != ':' && tok.Term[i] != '.' {
			continue
		}
		if i > start {
			parts = append(parts, &analysis.Token{
				Term:  tok.Term[start:i],
				Start: tok.Start + start,
				End:   tok.Start + i,
				Type:  analysis.AlphaNumeric,
			})
		}
		start = i + 1
	}
	if len(parts) == 0 {
		return []*analysis.Token{tok}
	}
	return parts
}

// joined is the token of the parts run together, at the first's place.
func joined(input []byte, run []*analysis.Token) *analysis.Token {
	var term []byte
	for _, p := range run {
		term = append(term, p.Term...)
	}
	return &analysis.Token{
		Term:     term,
		Start:    run[0].Start,
		End:      run[len(run)-1].End,
		Position: run[0].Position,
		Type:     analysis.Shingle,
	}
}

// latin reports whether a token is letters and digits that are not
// Chinese or Japanese, whose parts the native analysis handles.
func latin(tok *analysis.Token) bool {
	return tok.Type == analysis.AlphaNumeric || tok.Type == analysis.Numeric
}

// joiner reports whether the text between two tokens is one mark that
// joins the parts of a word: a hyphen, a slash, a colon, a times sign or
// a middle dot, with no space.
func joiner(between []byte) bool {
	r, n := utf8.DecodeRune(between)
	return n > 0 && n == len(between) && joinerRune(r)
}

// joinerRune reports whether r is a mark that joins the parts of a word.
func joinerRune(r rune) bool {
	switch r {
	case '-', '‐', '‑', '/', ':', '×', '・', '･', '·':
		return true
	}
	return false
}
