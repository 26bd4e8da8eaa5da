package indexer

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"

	porterstemmer "github.com/blevesearch/go-porterstemmer"
	"github.com/blevesearch/vellum"
)

// Limits on how far one query word expands.
const (
	maxPrefixTerms   = 200
	maxFuzzyTerms    = 200
	maxVowelVariants = 27 // three long vowels, each written three ways
	maxRankUnits     = 8  // units past this many do not refine the ranking
	maxTypoWords     = 10 // words past this many get no typo tolerance
)

// wordOpts is how loosely a query word matches.
type wordOpts struct {
	// typo allows near misses within the word's typo budget.
	typo bool
	// prefix also matches the words the word begins: it is being typed.
	prefix bool
	// correct allows near misses even for a word that is itself indexed,
	// which otherwise matches only as written (see matchText).
	correct bool
}

// wordTerms is one query word and the index terms it matches, found once
// for every field. Typos and completions are measured on the words as
// written (the words field), then stemmed into the terms of the other
// fields: "princes" is one typo from "princess", whose term is
// "princess", though its own stem "princ" is three from it.
type wordTerms struct {
	// term is the word's analyzed term; "" for a stop word being typed.
	term string
	// levels[l] are the terms matched with l typos: [0] the term and, with
	// prefix, the terms of the words it begins; [1] and [2] those of the
	// words one and two typos from it as typed.
	levels [3][]string
	// variants are the terms of its other long-vowel spellings found in
	// the index ("satou" for "sato"), matched in titles and names only.
	variants []string
	// withheld reports that near misses were left out because the word
	// is itself indexed (wordOpts.correct).
	withheld bool
}

// newWordTerms finds the terms of a query word: term is its analyzed
// term, raw its surface form (folded and lowercased, unstemmed).
func newWordTerms(snap *snapshot, term, raw string, o wordOpts) (*wordTerms, error) {
	w := &wordTerms{term: term}
	seen := map[string]bool{}
	add := func(l int, t string) {
		if t != "" && !seen[t] {
			seen[t] = true
			w.levels[l] = append(w.levels[l], t)
		}
	}
	add(0, term)
	if raw == "" {
		return w, nil
	}
	if o.prefix {
		more, err := writtenWords(snap, completionFields, "", 0, raw, maxPrefixTerms)
		if err != nil {
			return nil, err
		}
		for _, ww := range more {
			add(0, ww.term)
		}
	}
	for _, v := range vowelVariants(raw) {
		ok, err := written(snap, v)
		if err != nil {
			return nil, err
		}
		if t := stem(v); ok && !seen[t] {
			w.variants = append(w.variants, t)
		}
	}
	budget := typoBudget(raw)
	if !o.typo || budget == 0 {
		return w, nil
	}
	if !o.correct {
		indexed, err := w.indexed(snap)
		if err != nil {
			return nil, err
		}
		if indexed {
			w.withheld = true
			return w, nil
		}
	}
	near, err := nearMisses(snap, raw, budget)
	if err != nil {
		return nil, err
	}
	for _, n := range near {
		add(n.typos, n.term)
	}
	return w, nil
}

// indexed reports whether the word is itself in the index, by its term:
// "neets" is (as "neet"), and is not then "corrected" into "next" and
// "need".
func (w *wordTerms) indexed(snap *snapshot) (bool, error) {
	for _, f := range textFields {
		if ok, err := snap.has(f, w.term); err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// terms returns the word's terms in field f by typo level: no near
// misses among names (many, and rarely mistyped), and long-vowel
// spellings only in titles and names, where romanized Japanese is.
func (w *wordTerms) terms(f string) [3][]string {
	levels := w.levels
	switch f {
	case fieldNames:
		levels[1], levels[2] = nil, nil
		fallthrough
	case fieldTitle, fieldPrimary:
		if len(w.variants) > 0 {
			levels[0] = slices.Concat(levels[0], w.variants)
		}
	}
	return levels
}

// nearMiss is an indexed word within the typo budget of a query word.
type nearMiss struct {
	writtenWord
	typos int
}

// nearMisses returns the indexed words within budget typos of raw, as
// Meilisearch counts them: a swap of two letters is one typo, a wrong
// first letter two. The fewest typos come first.
func nearMisses(snap *snapshot, raw string, budget int) ([]nearMiss, error) {
	_, n := utf8.DecodeRuneInString(raw)
	first := raw[:n]
	// Near misses keeping the first letter; and, for a word long enough
	// for two typos, those with one edit anywhere, of which the ones with
	// another first letter are kept (that edit costs two).
	words, err := writtenWords(snap, typoFields, raw, budget, first, maxFuzzyTerms)
	if err != nil {
		return nil, err
	}
	if budget == 2 {
		other, err := writtenWords(snap, typoFields, raw, 1, "", maxFuzzyTerms)
		if err != nil {
			return nil, err
		}
		for _, ww := range other {
			if !strings.HasPrefix(ww.word, first) {
				words = append(words, ww)
			}
		}
	}
	out := make([]nearMiss, 0, len(words))
	rw := []rune(raw)
	for _, ww := range words {
		if ww.word == raw {
			continue
		}
		l := 2
		if strings.HasPrefix(ww.word, first) {
			l = min(osaDistance(rw, []rune(ww.word)), 2)
		}
		out = append(out, nearMiss{ww, l})
	}
	slices.SortStableFunc(out, func(a, b nearMiss) int { return cmp.Compare(a.typos, b.typos) })
	return out, nil
}

// The fields whose words as written a query word is completed into, and
// those it is corrected into: not the names, many and rarely mistyped.
var (
	completionFields = []string{fieldTitle, fieldBody, fieldNames, fieldTopics, fieldWritten}
	typoFields       = []string{fieldTitle, fieldBody, fieldTopics, fieldWritten}
)

// writtenWord is a word of the index as written, and its term.
type writtenWord struct{ word, term string }

// writtenWords returns the words of the index as written that start
// with prefix and, with a budget, are within that many edits of word: the
// terms of the text fields, which the stemmer left as written, and the
// words it changed (fieldWritten), with their stems; at most limit of each
// a field.
func writtenWords(snap *snapshot, fields []string, word string, budget int, prefix string, limit int) ([]writtenWord, error) {
	var a vellum.Automaton
	if budget > 0 {
		var err error
		if a, err = fuzzyAutomaton(word, budget); err != nil {
			return nil, err
		}
	}
	seen := map[string]bool{}
	var out []writtenWord
	for _, f := range fields {
		ts, err := snap.expand(f, a, prefix, limit)
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			if seen[t] {
				continue
			}
			seen[t] = true
			ww := writtenWord{t, t}
			if f == fieldWritten {
				ww.term = stem(t)
			}
			out = append(out, ww)
		}
	}
	return out, nil
}

// written reports whether a word is in the titles or names as written,
// or among the words the stemmer changed.
func written(snap *snapshot, word string) (bool, error) {
	for _, f := range []string{fieldTitle, fieldNames, fieldWritten} {
		if ok, err := snap.has(f, word); err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// stem is the term the text analyzer makes of a word as written: the
// stemmer's, which comes last.
func stem(word string) string {
	return string(porterstemmer.StemWithoutLowerCasing([]rune(word)))
}

// vowelVariants returns the other spellings of a romanized word's long
// vowels, at most maxVowelVariants: "ou", "oo" and "o" are one vowel, and
// "uu" and "u" another (ō and ū are folded to o and u before), so that
// Satou, Satoo and Sato are one name. Only lowercase ASCII words have
// them.
func vowelVariants(raw string) []string {
	if !isRomaji(raw) {
		// English words have long vowels of their own: "door" is not "dor".
		return nil
	}
	var key []byte
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c < 'a' || c > 'z' {
			return nil
		}
		key = append(key, c)
		if i+1 < len(raw) && (c == 'o' && (raw[i+1] == 'u' || raw[i+1] == 'o') || c == 'u' && raw[i+1] == 'u') {
			i++
		}
	}
	out := []string{""}
	for _, c := range key {
		spellings := []string{string(c)}
		switch c {
		case 'o':
			spellings = []string{"o", "ou", "oo"}
		case 'u':
			spellings = []string{"u", "uu"}
		}
		if len(out)*len(spellings) > maxVowelVariants {
			return nil
		}
		next := make([]string, 0, len(out)*len(spellings))
		for _, s := range out {
			for _, sp := range spellings {
				next = append(next, s+sp)
			}
		}
		out = next
	}
	return slices.DeleteFunc(out, func(s string) bool { return s == raw })
}

// isRomaji reports whether a lowercase word could be Japanese in Hepburn
// romanization: syllables of an optional consonant (with y: "kyo"; or
// "ch", "sh", "ts") and a vowel, a syllabic n, doubled consonants ("tt",
// "tch"). Most English words are not: "door", "good", "school".
func isRomaji(w string) bool {
	vowel := func(c byte) bool { return strings.IndexByte("aeiou", c) >= 0 }
	for i := 0; i < len(w); {
		c := w[i]
		switch {
		case vowel(c):
			i++
			continue
		case c == 'n' && (i+1 == len(w) || !vowel(w[i+1]) && w[i+1] != 'y'):
			i++ // syllabic n
			continue
		case i+1 < len(w) && (w[i+1] == c || c == 't' && w[i+1] == 'c') && strings.IndexByte("kstpcgdbmfhjrz", c) >= 0:
			i++ // a doubled consonant: "kitto", "matcha"
			continue
		}
		switch {
		case strings.HasPrefix(w[i:], "ch"), strings.HasPrefix(w[i:], "sh"), strings.HasPrefix(w[i:], "ts"):
			i += 2
		case strings.IndexByte("kstnhmyrwgzdbpjfv", c) >= 0:
			i++
			if i < len(w) && w[i] == 'y' && strings.IndexByte("yjw", c) < 0 {
				i++
			}
		default:
			return false
		}
		if i == len(w) || !vowel(w[i]) {
			return false
		}
	}
	return true
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
