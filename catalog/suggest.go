package catalog

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Suggestion is a filter a query names: the query's words call a value of
// a facet by its label, a synonym or its name ("female", "korean",
// "2000s").
type Suggestion struct {
	Facet, Value string
}

// nameIndex finds facet values by the words that name them.
type nameIndex struct {
	byName   map[string][]Suggestion // folded words joined by one space → values, in display order
	maxWords int                     // the longest name, in words
	words    []*Facet                // facets whose values are written as themselves (decades)
}

// buildNames indexes every facet value's names (Facet.Names), once, when
// the codebook is read.
func (cb *Codebook) buildNames() {
	ix := &nameIndex{byName: map[string][]Suggestion{}}
	for i := range cb.facets {
		f := &cb.facets[i]
		if f.word != nil {
			ix.words = append(ix.words, f)
		}
		values := make([]string, 0, len(f.called))
		for _, v := range f.Values {
			values = append(values, v.ID)
		}
		if f.Values == nil {
			for v := range f.called {
				values = append(values, v)
			}
			slices.Sort(values)
		}
		for _, v := range values {
			for _, name := range f.called[v] {
				ws := queryWords(name)
				if len(ws) == 0 {
					continue
				}
				key := strings.Join(ws, " ")
				s := Suggestion{Facet: f.Name, Value: v}
				if !slices.Contains(ix.byName[key], s) {
					ix.byName[key] = append(ix.byName[key], s)
				}
				ix.maxWords = max(ix.maxWords, len(ws))
			}
		}
	}
	cb.names = ix
}

// SuggestFilters returns the filters the text names, in the order the
// text names them: whole words or word sequences equal to a value's name,
// case and accents aside ("Social Anxiety", "KOREAN", "2000s"). Where
// names overlap the longest wins ("school pressure" is academic pressure,
// not school), and a word excluded with "-" names nothing. A value that
// denies its topic is never suggested.
func (cb *Codebook) SuggestFilters(text string) []Suggestion {
	if cb.names == nil {
		return nil
	}
	var out []Suggestion
	add := func(ss ...Suggestion) {
		for _, s := range ss {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	for _, run := range includedRuns(text) {
		for i := 0; i < len(run); {
			n := cb.names.longestAt(run[i:])
			if n > 0 {
				add(cb.names.byName[strings.Join(run[i:i+n], " ")]...)
				i += n
				continue
			}
			for _, f := range cb.names.words {
				if v, ok := f.word(run[i]); ok {
					add(Suggestion{Facet: f.Name, Value: v})
				}
			}
			i++
		}
	}
	return out
}

// longestAt returns how many of the words, from the first, make the
// longest name; 0 if none.
func (ix *nameIndex) longestAt(words []string) int {
	for n := min(ix.maxWords, len(words)); n > 0; n-- {
		if _, ok := ix.byName[strings.Join(words[:n], " ")]; ok {
			return n
		}
	}
	return 0
}

// includedRuns splits text into runs of folded words that a name may
// span: an excluded word ("-manga") or phrase (-"fear of people") is left
// out and breaks the run, so that the words around it do not join.
func includedRuns(text string) [][]string {
	var runs [][]string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			runs = append(runs, cur)
			cur = nil
		}
	}
	inQuote, excluded := false, false
	var field strings.Builder
	end := func() {
		if excluded {
			flush()
		} else {
			cur = append(cur, queryWords(field.String())...)
		}
		field.Reset()
	}
	for _, r := range text + " " {
		switch {
		case r == '"' || r == '“' || r == '”':
			end()
			if inQuote {
				excluded = false
			}
			inQuote = !inQuote
		case !inQuote && unicode.IsSpace(r):
			end()
			excluded = false
		case r == '-' && field.Len() == 0 && !inQuote:
			excluded = true
		default:
			field.WriteRune(r)
		}
	}
	flush()
	return runs
}

// queryWords folds s (lower case, accents stripped) and splits it into
// words of letters and digits: "Self-Harm" → "self", "harm".
func queryWords(s string) []string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return strings.FieldsFunc(b.String(), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}
