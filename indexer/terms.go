package indexer

import (
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/vellum"
)

// Limits on how far one query word expands.
const (
	maxPrefixTerms = 200
	maxFuzzyTerms  = 200
	maxRankUnits   = 8  // units past this many do not refine the ranking
	maxTypoWords   = 10 // words past this many get no typo tolerance
)

// wordTerms is one analyzed query word and how it may expand: its term,
// the surface form it came from (raw, for completions), and the
// Levenshtein automata of its typo budget. Its term sets, per field, are
// the exact terms (the term, and with prefix the completions of raw) and
// the near misses.
type wordTerms struct {
	term, raw string
	prefix    bool
	// lev matches near misses that keep the first letter; firstLev, for a
	// word with a budget of two, those with one edit anywhere, of which the
	// ones with another first letter are kept.
	lev, firstLev vellum.Automaton
	first         string
}

// newWordTerms prepares the term sets of one analyzed term: with typo, its
// near misses; with prefix, the completions of raw.
func newWordTerms(term, raw string, typo, prefix bool) (*wordTerms, error) {
	w := &wordTerms{term: term, raw: raw, prefix: prefix}
	budget := 0
	if typo && term != "" {
		budget = typoBudget(raw)
	}
	// A typo on the first letter counts as two, as in Meilisearch: near
	// misses share the first letter (lev), except that a word long enough
	// for two typos may have its first letter wrong and the rest right
	// (firstLev: one edit, which a changed first letter puts there).
	if budget > 0 {
		var err error
		if w.lev, err = fuzzyAutomaton(term, budget); err != nil {
			return nil, err
		}
		if budget == 2 {
			if w.firstLev, err = fuzzyAutomaton(term, 1); err != nil {
				return nil, err
			}
		}
		_, n := utf8.DecodeRuneInString(term)
		w.first = term[:n]
	}
	return w, nil
}

// expand returns the word's exact and near-miss terms in field f.
func (w *wordTerms) expand(snap *snapshot, f string) (exact, fuzzy []string, err error) {
	if w.term != "" {
		exact = append(exact, w.term)
	}
	if w.prefix && w.raw != "" {
		more, err := snap.expand(f, nil, w.raw, maxPrefixTerms)
		if err != nil {
			return nil, nil, err
		}
		exact = append(exact, more...)
	}
	// Names are many and rarely mistyped: no typos there.
	if w.lev == nil || f == fieldNames {
		return exact, nil, nil
	}
	more, err := snap.expand(f, w.lev, w.first, maxFuzzyTerms)
	if err != nil {
		return nil, nil, err
	}
	if w.firstLev != nil {
		other, err := snap.expand(f, w.firstLev, "", maxFuzzyTerms)
		if err != nil {
			return nil, nil, err
		}
		for _, t := range other {
			if !strings.HasPrefix(t, w.first) {
				more = append(more, t)
			}
		}
	}
	for _, t := range more {
		if t != w.term {
			fuzzy = append(fuzzy, t)
		}
	}
	return exact, fuzzy, nil
}

// typos is how many typos a near miss t of the word counts: its
// Damerau distance from the term (two swapped letters are one), and two
// for a wrong first letter, as Meilisearch counts them.
func (w *wordTerms) typos(t string) int {
	if w.firstLev == nil {
		return 1 // a budget of one: every near miss is one typo
	}
	if !strings.HasPrefix(t, w.first) {
		return 2
	}
	return min(osaDistance([]rune(w.term), []rune(t)), 2)
}

// osaDistance is the optimal string alignment distance of a and b: edits,
// with two adjacent letters swapped counted as one.
func osaDistance(a, b []rune) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
