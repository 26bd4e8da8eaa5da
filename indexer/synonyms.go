package indexer

import (
	"github.com/blevesearch/bleve/v2/analysis"
)

// synonymTable maps a word, by its synonymKey, to the other words of its
// group of synonyms (catalog.Codebook.Synonyms): "引きこもり" to
// "hikikomori", "shut-in", "recluse" and the other spellings.
type synonymTable struct {
	an     analysis.Analyzer
	groups map[string][]string
}

func newSynonymTable(an analysis.Analyzer, groups [][]string) *synonymTable {
	t := &synonymTable{an: an, groups: map[string][]string{}}
	for _, g := range groups {
		for _, w := range g {
			k := t.key(w)
			if k == "" {
				continue
			}
			for _, o := range g {
				if o != w && t.key(o) != k {
					t.groups[k] = append(t.groups[k], o)
				}
			}
		}
	}
	return t
}

// of returns the synonyms of word w, nil if it has none.
func (t *synonymTable) of(w string) []string {
	if len(t.groups) == 0 {
		return nil
	}
	return t.groups[t.key(w)]
}

// key is what a word is known by in the table: a native-script word
// folded, otherwise its one analyzed term, or the joined form of its
// parts ("shut-ins" is "shutin", as "shut-in" is), so that plurals and
// spellings agree; "" for a word of several terms.
func (t *synonymTable) key(w string) string {
	folded := fold(w)
	if hasCJK(folded) {
		return folded
	}
	toks := t.an.Analyze([]byte(folded))
	for _, tok := range toks {
		if tok.Type == analysis.Shingle {
			return string(tok.Term)
		}
	}
	if len(toks) == 1 {
		return string(toks[0].Term)
	}
	return ""
}
