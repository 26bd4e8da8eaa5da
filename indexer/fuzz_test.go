package indexer

import (
	"context"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParseText(f *testing.F) {
	for _, s := range []string{"", "word", `"a phrase" word`, `"unclosed`, `“curly” quotes`, "  many   spaces ", `""`, "海月 姫", "a\"b\"c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tq := parseText(s)
		for _, w := range tq.words {
			if w == "" || strings.ContainsAny(w, " \t\n\"") {
				t.Errorf("parseText(%q): bad word %q", s, w)
			}
		}
		for _, p := range tq.phrases {
			if strings.TrimSpace(p) != p || p == "" {
				t.Errorf("parseText(%q): bad phrase %q", s, p)
			}
		}
		for _, ts := range [][]string{tq.words, tq.phrases} {
			if len(uniqueBy(slices.Clone(ts), termKey)) != len(ts) {
				t.Errorf("parseText(%q): repeats in %q", s, ts)
			}
		}
		if tq.lastIsPrefix && len(tq.words) == 0 {
			t.Errorf("parseText(%q): prefix without words", s)
		}
		if strings.TrimSpace(strings.Trim(s, "\"“” \t\n")) == "" && !tq.empty() {
			t.Errorf("parseText(%q) = %+v, want empty", s, tq)
		}
	})
}

// FuzzSearchText searches a small real index with any text: it must
// never fail or panic, and never return more hits than its total.
func FuzzSearchText(f *testing.F) {
	for _, s := range []string{"jellyfish", `"online game"`, "jelly", "海月", "고요한", "silent doors", "the", `"`, "ā", "x*y?"} {
		f.Add(s, true)
	}
	cat := newTestCatalog(f)
	cat.put(loadWorks(f, "testdata/search/catalog/works.jsonl")...)
	ix, err := Open(context.Background(), f.TempDir()+"/index", cat, Options{})
	if err != nil {
		f.Fatal(err)
	}
	defer ix.Close()
	f.Fuzz(func(t *testing.T, s string, typo bool) {
		if !utf8.ValidString(s) || utf8.RuneCountInString(s) > MaxTextLen || strings.ContainsFunc(s, isControl) || parseText(s).textLimit() != "" {
			return // refused by Validate
		}
		res, err := ix.Search(context.Background(), Query{Text: s, Typo: typo})
		if err != nil {
			t.Fatalf("Search(%q) = %v", s, err)
		}
		if len(res.Hits) > res.Total || res.Total > 8 {
			t.Fatalf("Search(%q): %d hits of %d", s, len(res.Hits), res.Total)
		}
	})
}
