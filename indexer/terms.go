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
