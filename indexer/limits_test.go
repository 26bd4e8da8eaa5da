package indexer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/komoru/komoru/catalog"
)

// phraseBomb is the expensive query of the hardening issue: one quoted
// phrase repeated to just under MaxTextLen bytes.
var phraseBomb = strings.TrimSpace(strings.Repeat(`"online game" `, 35))

func TestParseTextDedupe(t *testing.T) {
	w := func(s string) textTerm { return textTerm{text: s} }
	p := func(s string) textTerm { return textTerm{text: s, phrase: true} }
	n := func(tt textTerm) textTerm { tt.neg = true; return tt }
	tests := []struct {
		text string
		want textQuery
	}{
		{"game game Game GAME", textQuery{words: []string{"game"}, lastIsPrefix: true}},
		{"Yōkoso yokoso door", textQuery{words: []string{"Yōkoso", "door"}, lastIsPrefix: true}},
		// The word being typed is the last one kept: "game x game" has no
		// word being typed after "x".
		{"game x game", textQuery{words: []string{"game", "x"}}},
		{"game x game ", textQuery{words: []string{"game", "x"}}},
		{phraseBomb, textQuery{phrases: []string{"online game"}}},
		{`"Online  Game" "online game" "game online"`, textQuery{phrases: []string{"Online  Game", "game online"}}},
		{`-otaku -Otaku NOT otaku -"a b" -"A  B"`, textQuery{not: []textTerm{n(w("otaku")), n(p("a b"))}}},
		// A quoted word is matched exactly, a bare one with typos: not the same.
		{`-door -"door"`, textQuery{not: []textTerm{n(w("door")), n(p("door"))}}},
		{"a OR b OR a", textQuery{anyOf: [][]textTerm{{w("a"), w("b")}}}},
		{"a OR b x b OR A", textQuery{words: []string{"x"}, anyOf: [][]textTerm{{w("a"), w("b")}}}},
		{`a OR "b c" "B c" OR a`, textQuery{anyOf: [][]textTerm{{w("a"), p("b c")}}}},
		{"a OR b a OR c", textQuery{anyOf: [][]textTerm{{w("a"), w("b")}, {w("a"), w("c")}}}},
	}
	for _, tt := range tests {
		got := parseText(tt.text)
		if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(textQuery{}, textTerm{})); diff != "" {
			t.Errorf("parseText(%q) (-want +got):\n%s", tt.text, diff)
		}
	}
}

func TestQueryTextLimits(t *testing.T) {
	words := func(n int) string {
		var ws []string
		for i := range n {
			ws = append(ws, fmt.Sprintf("w%d", i))
		}
		return strings.Join(ws, " ")
	}
	phrases := func(n int) string {
		var ps []string
		for i := range n {
			ps = append(ps, fmt.Sprintf(`"p%d q"`, i))
		}
		return strings.Join(ps, " ")
	}
	tests := []struct {
		text string
		want string // the problem with "q"; "" for none
	}{
		{phraseBomb, ""},
		{strings.TrimSpace(strings.Repeat("game ", 99)), ""},
		{phrases(MaxPhrases), ""},
		{phrases(MaxPhrases + 1), "at most 8 quoted phrases (this has 9)"},
		{phrases(MaxPhrases) + " " + phrases(MaxPhrases), ""},
		{phrases(MaxPhrases) + ` -"x y"`, "at most 8 quoted phrases (this has 9)"},
		{phrases(MaxPhrases) + ` a OR "x y"`, "at most 8 quoted phrases (this has 9)"},
		{words(MaxTerms), ""},
		{words(MaxTerms + 1), "at most 32 words and phrases (this has 33 different ones)"},
		{words(MaxTerms) + " " + words(MaxTerms), ""},
		{words(MaxTerms-1) + " -x", ""},
		{words(MaxTerms) + " -x", "at most 32 words and phrases (this has 33 different ones)"},
		{words(MaxTerms-1) + " x OR y", "at most 32 words and phrases (this has 33 different ones)"},
		// Operators are not words; repeated alternatives count once.
		{words(MaxTerms-2) + " x OR y OR x OR y", ""},
		// Stop words cost nothing: a pasted sentence is not refused for them.
		{words(MaxTerms) + " the of and a an in on at to for with from by", ""},
		{"hikikomori\x00", "must not contain control characters (such as NUL)"},
		{"welcome\x1b[31m", "must not contain control characters (such as NUL)"},
		{"welcome\tto the\r\nnhk", ""},
	}
	cb := catalog.DefaultCodebook()
	for _, tt := range tests {
		q := Query{Text: tt.text}
		err := q.Validate(cb)
		var ve *catalog.ValidationError
		got := ""
		if errors.As(err, &ve) {
			got = ve.Fields["q"]
		} else if err != nil {
			t.Fatalf("Validate(%q) = %v", tt.text, err)
		}
		if got != tt.want {
			t.Errorf("Validate(%q): q %q, want %q", tt.text, got, tt.want)
		}
		if len(tt.text) > MaxTextLen {
			t.Errorf("test text %q is over MaxTextLen", tt.text)
		}
	}
}

// TestPhraseBomb: the same phrase 35 times in 489 bytes is searched as the
// phrase once, with the same result, and 9 distinct phrases or 33
// distinct words are refused by Search itself.
func TestPhraseBomb(t *testing.T) {
	ix := openShipped(t)
	ctx := context.Background()
	for _, typo := range []bool{false, true} {
		for _, explain := range []bool{false, true} {
			one, err := ix.Search(ctx, Query{Text: `"online game"`, Typo: typo, Explain: explain})
			if err != nil {
				t.Fatal(err)
			}
			if one.Total == 0 {
				t.Fatalf(`Search("online game") matched nothing; the test needs a phrase of the shipped catalog`)
			}
			many, err := ix.Search(ctx, Query{Text: phraseBomb, Typo: typo, Explain: explain})
			if err != nil {
				t.Fatalf("Search(%d bytes of one phrase) = %v", len(phraseBomb), err)
			}
			if diff := cmp.Diff(one, many); diff != "" {
				t.Errorf("typo %v, explain %v: the phrase 35 times differs from once (-once +35 times):\n%s", typo, explain, diff)
			}
		}
	}
	for _, text := range []string{
		`"a b" "c d" "e f" "g h" "i j" "k l" "m n" "o p" "q r"`,
		"a1 a2 a3 a4 a5 a6 a7 a8 a9 a10 a11 a12 a13 a14 a15 a16 a17 a18 a19 a20 a21 a22 a23 a24 a25 a26 a27 a28 a29 a30 a31 a32 a33",
	} {
		_, err := ix.Search(ctx, Query{Text: text})
		var ve *catalog.ValidationError
		if !errors.As(err, &ve) || !strings.HasPrefix(ve.Fields["q"], "at most ") {
			t.Errorf("Search(%q) = %v, want a validation error on q naming the limit", text, err)
		}
	}
}

// stopAfter is a context whose Err turns to DeadlineExceeded on its nth
// look: a deadline that falls at a chosen point of a search, without a
// clock.
type stopAfter struct {
	context.Context
	n     int64
	looks atomic.Int64
}

func (c *stopAfter) Err() error {
	if c.looks.Add(1) > c.n {
		return context.DeadlineExceeded
	}
	return nil
}

// TestSearchDeadline: a search past its deadline returns
// context.DeadlineExceeded and no result, at whatever point the deadline
// falls: never a partial page.
func TestSearchDeadline(t *testing.T) {
	ix := openShipped(t)
	past, cancel := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel()
	queries := []Query{
		{},
		{Text: "door", Typo: true},
		{Text: `"online game"`},
		{Text: phraseBomb, Typo: true, Explain: true},
		{Text: "hikikomori game OR anime -otaku", Typo: true},
		{Text: "hikikomori", Filters: map[string][]string{"medium": {"anime_series"}}, Sort: SortYear},
	}
	for _, q := range queries {
		res, err := ix.Search(past, q)
		if !errors.Is(err, context.DeadlineExceeded) || res != nil {
			t.Errorf("Search(%q) past its deadline = result %v, %v; want no result, DeadlineExceeded", q.Text, res != nil, err)
		}
		// Count the looks of a whole search, then stop one at each.
		ix.DropCaches()
		whole := &stopAfter{Context: context.Background(), n: 1 << 62}
		want, err := ix.Search(whole, q)
		if err != nil {
			t.Fatal(err)
		}
		looks := whole.looks.Load()
		if looks < 2 {
			t.Errorf("Search(%q) looked at its context %d times", q.Text, looks)
		}
		for n := range looks {
			ix.DropCaches() // a cached result is no search at all
			res, err := ix.Search(&stopAfter{Context: context.Background(), n: n}, q)
			if !errors.Is(err, context.DeadlineExceeded) || res != nil {
				t.Errorf("Search(%q) stopped at look %d of %d = result %v, %v; want no result, DeadlineExceeded", q.Text, n+1, looks, res != nil, err)
			}
		}
		res, err = ix.Search(&stopAfter{Context: context.Background(), n: looks}, q)
		if err != nil || !cmp.Equal(res, want) {
			t.Errorf("Search(%q) with exactly its %d looks = %v; want the whole result", q.Text, looks, err)
		}
	}
}
