package indexer

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/komoru/komoru/catalog"
)

// TestWordsTokenizer: words are split at the marks joining their parts,
// the joined form kept at the first part's position.
func TestWordsTokenizer(t *testing.T) {
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	an := m.AnalyzerNamed(textAnalyzer)
	for _, c := range []struct {
		in   string
		want string // term@position, joined forms marked +
	}{
		{"Re:Zero", "re@1 zero@2 +rezero@1"},
		{"Re:Zero - Starting Life", "re@1 zero@2 +rezero@1 start@3 life@4"},
		{"shut-in", "shut@1 +shutin@1"}, // "in" is a stop word
		{"shut-ins", "shut@1 in@2 +shutin@1"},
		{"Welcome to the N.H.K.", "welcom@1 n@4 h@5 k@6 +nhk@4"},
		{"stay-at-home sons", "stai@1 home@3 +stayathom@1 son@4"},
		{"Fate/Zero", "fate@1 zero@2 +fatezero@1"},
		{"version 3.5", "version@1 3.5@2"},
		{"x - y", "x@1 y@2"},
		{"Satō's room", "sato@1 room@2"},
		{"ひきこもり・ニート", "ひ@1 き@2 こ@3 も@4 り@5 ニート@6"}, // kana are the native field's
	} {
		var got []string
		for _, tok := range an.Analyze([]byte(c.in)) {
			mark := ""
			if tok.Type == analysis.Shingle {
				mark = "+"
			}
			got = append(got, fmt.Sprintf("%s%s@%d", mark, tok.Term, tok.Position))
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("%q: %s, want %s", c.in, strings.Join(got, " "), c.want)
		}
	}
}

// TestChangedWords: the words the stemmer changes, as written, once
// each; the others are in the text fields as they are.
func TestChangedWords(t *testing.T) {
	for _, c := range []struct {
		in   []string
		want string
	}{
		{[]string{"Lonely princesses", "lonely PRINCESSES"}, "lonely princesses"},
		{[]string{"jellyfish room"}, ""},
		{[]string{"the shut-ins' families"}, "ins shutins families"},
		{[]string{"Satō's dreams", "Re:Zero"}, "dreams"},
		{[]string{"ひきこもり", "don't"}, ""},
	} {
		if got := changedWords(c.in); got != c.want {
			t.Errorf("changedWords(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestVowelVariants: the long vowels of romanized Japanese are one, and
// English words have none.
func TestVowelVariants(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"sato", []string{"satou", "satoo"}},
		{"satou", []string{"sato", "satoo"}},
		{"yuuki", []string{"yuki"}},
		{"kagerou", []string{"kagero", "kageroo"}},
		{"shoujo", []string{"shojo", "shojou", "shojoo", "shoujou", "shoujoo", "shoojo", "shoojou", "shoojoo"}},
		{"door", nil},   // not romaji: "dor" is not "door"
		{"school", nil}, // nor this
		{"good", nil},
		{"tanaka", nil}, // no o or u
		{"nhk", nil},
		{"otokonoko", nil}, // four long vowels: more spellings than are tried
	} {
		if got := vowelVariants(c.in); !slices.Equal(got, c.want) {
			t.Errorf("vowelVariants(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestSynonymTable: a word finds the other words of its group, by its
// spelling, its plural or its script, and a word of no group none.
func TestSynonymTable(t *testing.T) {
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	st := newSynonymTable(m.AnalyzerNamed(textAnalyzer), catalog.DefaultCodebook().Synonyms)
	for _, c := range []struct {
		word     string
		includes string
	}{
		{"引きこもり", "hikikomori"},
		{"Hikikomori", "shut-in"},
		{"hikikomoris", "引きこもり"},
		{"shut-ins", "recluse"},
		{"Shut-In", "ひきこもり"},
		{"NEETs", "ニート"},
		{"ニート", "neet"},
	} {
		if got := st.of(c.word); !slices.Contains(got, c.includes) {
			t.Errorf("synonyms of %q = %q, want %q among them", c.word, got, c.includes)
		}
	}
	for _, w := range []string{"otaku", "shut", "hikikomori sensei", ""} {
		if got := st.of(w); got != nil {
			t.Errorf("synonyms of %q = %q, want none", w, got)
		}
	}
}

// TestSynopses: with Synopses, a hit without a synopsis highlight carries
// its synopsis from the index, as the catalog has it; one with a highlight
// does not repeat it.
func TestSynopses(t *testing.T) {
	ix := openShipped(t)
	ctx := t.Context()
	synopses := map[string]string{}
	dec := catalog.NewDecoder(catalog.Shipped(), catalog.DefaultCodebook())
	for {
		w, err := dec.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		synopses[w.ID] = w.Synopsis
	}
	for _, text := range []string{"", "kuragehime", "jellyfish"} {
		res, err := ix.Search(ctx, Query{Text: text, Typo: true, Synopses: true, Size: 5})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) == 0 {
			t.Fatalf("%q: no hits", text)
		}
		for _, h := range res.Hits {
			want := ""
			if len(h.Highlights[HighlightSynopsis]) == 0 {
				want = synopses[h.ID]
			}
			if h.Synopsis != want {
				t.Errorf("%q: %s has synopsis %q, want %q", text, h.ID, h.Synopsis, want)
			}
		}
	}
}
