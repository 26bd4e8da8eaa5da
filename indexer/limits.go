package indexer

import (
	"fmt"
	"slices"
	"strings"
)

// Limits on the text of one query, past which Validate refuses it (a
// *catalog.ValidationError on "q", the API's 400). They are counted after
// repeats are removed (dedupe), so pasting the same phrase twice costs
// nothing and is never refused.
//
// No one types 33 different words or nine quoted phrases into a search
// box: people search with one to four words, Google reads at most 32 of
// them, and Meilisearch gives typo tolerance to ten (maxTypoWords). Text
// that reaches these limits is text made to be expensive. Each phrase
// reads the positions of every work holding all its words, and each word
// reads its postings in every text field with its near misses, so the
// cost grows with their number; within the limits a query at 100k works
// stays within the search budget the server gives it.
const (
	// MaxTerms bounds the distinct words, quoted phrases, alternatives of
	// OR groups and excluded words or phrases of a query's text, together.
	MaxTerms = 32
	// MaxPhrases bounds the distinct quoted phrases, wherever they stand
	// (required, in an OR group or excluded): the expensive part, as each
	// one reads positions.
	MaxPhrases = 8
)

// textLimit reports which limit the text is over, as the message of the
// field "q", or "" when it is within them.
func (t textQuery) textLimit() string {
	terms := countWords(t.words) + len(t.phrases) + len(t.not)
	phrases := len(t.phrases)
	for _, g := range t.anyOf {
		terms += len(g)
		phrases += countPhrases(g)
	}
	phrases += countPhrases(t.not)
	switch {
	case phrases > MaxPhrases:
		return fmt.Sprintf("at most %d quoted phrases (this has %d)", MaxPhrases, phrases)
	case terms > MaxTerms:
		return fmt.Sprintf("at most %d words and phrases (this has %d different ones)", MaxTerms, terms)
	}
	return ""
}

// countWords counts the words that are not stop words: those of a
// pasted sentence ("the", "of") match nothing and cost nothing.
func countWords(words []string) int {
	an := stopWordAnalyzer()
	n := 0
	for _, w := range words {
		if an == nil || hasCJK(w) || len(an.Analyze([]byte(fold(w)))) > 0 {
			n++
		}
	}
	return n
}

func countPhrases(ts []textTerm) int {
	n := 0
	for _, t := range ts {
		if t.phrase {
			n++
		}
	}
	return n
}

// dedupe keeps the first of each word, phrase, excluded term and OR group
// that the text repeats: a repeat asks for nothing more, and "x" "x" "x"
// … would otherwise read the same positions once for each. Words and
// phrases are the same when they fold alike (termKey); an OR group is the
// same as another with the same alternatives in any order, and keeps each
// alternative once. The word still being typed stays a prefix if it is
// still the last word.
func (t *textQuery) dedupe() {
	var last string
	if t.lastIsPrefix && len(t.words) > 0 {
		last = termKey(t.words[len(t.words)-1])
	}
	t.words = uniqueBy(t.words, termKey)
	t.phrases = uniqueBy(t.phrases, termKey)
	t.not = uniqueBy(t.not, textTerm.key)
	for i, g := range t.anyOf {
		t.anyOf[i] = uniqueBy(g, textTerm.key)
	}
	t.anyOf = uniqueBy(t.anyOf, groupKey)
	t.lastIsPrefix = last != "" && termKey(t.words[len(t.words)-1]) == last
}

// termKey is what makes two words or phrases the same: folded, with runs
// of spaces made one.
func termKey(s string) string { return strings.Join(strings.Fields(fold(s)), " ") }

// key tells a quoted term from a bare word of the same text: "door" in
// quotes is matched exactly, without typos.
func (t textTerm) key() string {
	if t.phrase {
		return `"` + termKey(t.text) + `"`
	}
	return termKey(t.text)
}

// groupKey is an OR group's alternatives, in order of their keys.
func groupKey(g []textTerm) string {
	keys := make([]string, len(g))
	for i, t := range g {
		keys[i] = t.key()
	}
	slices.Sort(keys)
	return strings.Join(keys, "\x00")
}

// uniqueBy returns s without the elements whose key an earlier one has,
// in place.
func uniqueBy[T any](s []T, key func(T) string) []T {
	if len(s) < 2 {
		return s
	}
	seen := make(map[string]bool, len(s))
	return slices.DeleteFunc(s, func(v T) bool {
		k := key(v)
		if seen[k] {
			return true
		}
		seen[k] = true
		return false
	})
}

// ctxEvery is how many candidates a loop over documents handles between
// two looks at its context: often enough to stop within a fraction of a
// millisecond of the deadline, rarely enough to cost nothing.
const ctxEvery = 256

// typoWords hands out typo tolerance to the first maxTypoWords words of a
// query, bare words first, then the alternatives of OR groups: each one
// reads up to maxFuzzyTerms near misses a field, so their number is what
// bounds a query's typo expansions.
type typoWords struct{ left int }

// take reports whether the next word gets typo tolerance.
func (b *typoWords) take(typo bool) bool {
	if !typo || b.left <= 0 {
		return false
	}
	b.left--
	return true
}
