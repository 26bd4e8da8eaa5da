package catalog

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWordDiff(t *testing.T) {
	keep := func(s string) WordChunk { return WordChunk{WordKeep, s} }
	del := func(s string) WordChunk { return WordChunk{WordDelete, s} }
	ins := func(s string) WordChunk { return WordChunk{WordInsert, s} }
	tests := []struct {
		name, old, new string
		want           []WordChunk
	}{
		{"both empty", "", "", nil},
		{"same", "He hides.", "He hides.", []WordChunk{keep("He hides.")}},
		{"from nothing", "", "He hides.", []WordChunk{ins("He hides.")}},
		{"to nothing", "He hides.", "", []WordChunk{del("He hides.")}},
		{"a word added", "He hides.", "He hides for years.", []WordChunk{keep("He "), del("hides."), ins("hides for years.")}},
		{"a word inserted in the middle", "He hides in his room.", "He hides alone in his room.",
			[]WordChunk{keep("He hides "), ins("alone "), keep("in his room.")}},
		{"a word replaced", "Episode 3 shows it.", "Episode 4 shows it.",
			[]WordChunk{keep("Episode "), del("3 "), ins("4 "), keep("shows it.")}},
		{"two changes apart", "a b c d e", "a x c d y",
			[]WordChunk{keep("a "), del("b "), ins("x "), keep("c d "), del("e"), ins("y")}},
		{"a word removed", "He never leaves his room.", "He leaves his room.",
			[]WordChunk{keep("He "), del("never "), keep("leaves his room.")}},
		{"spacing alone is no change", "a  b\nc", "a b c", []WordChunk{keep("a b c")}},
		{"words deleted after new's last word", "a b c d", "a b",
			[]WordChunk{keep("a b "), del("c d")}},
		{"a moved word", "a b c", "c a b", []WordChunk{ins("c "), keep("a b "), del("c")}},
		{"a rewrite keeping a few small words is a replace", "Hallucinated appliances and his lies show the fear of it.",
			"He hides in his room for years, ashamed and afraid.",
			[]WordChunk{del("Hallucinated appliances and his lies show the fear of it."), ins("He hides in his room for years, ashamed and afraid.")}},
		{"Japanese by character", "部屋に閉じこもる", "部屋から出る",
			[]WordChunk{keep("部屋"), del("に閉じこも"), ins("から出"), keep("る")}},
	}
	for _, tt := range tests {
		got := WordDiff(tt.old, tt.new)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: WordDiff(%q, %q) (-want +got):\n%s", tt.name, tt.old, tt.new, diff)
		}
		// Keep and delete give the old words back, keep and insert the new.
		var o, n []string
		for _, c := range got {
			if c.Op != WordInsert {
				o = append(o, c.Text)
			}
			if c.Op != WordDelete {
				n = append(n, c.Text)
			}
		}
		if got, want := spacedWords(strings.Join(o, "")), spacedWords(tt.old); got != want {
			t.Errorf("%s: keep and delete give %q, want %q", tt.name, got, want)
		}
		if got, want := spacedWords(strings.Join(n, "")), spacedWords(tt.new); got != want {
			t.Errorf("%s: keep and insert give %q, want %q", tt.name, got, want)
		}
	}
}

// spacedWords is s with its spacing made single spaces.
func spacedWords(s string) string { return strings.Join(strings.Fields(s), " ") }

// TestWordDiffLong: two long texts that differ throughout are one
// replace, not a 2,500 × 2,500 table; a small edit in a long text is
// still found, since the common start and end are set aside first.
func TestWordDiffLong(t *testing.T) {
	long := func(prefix string, n int) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(prefix + strings.Repeat("x", i%7) + " ")
		}
		return b.String()
	}
	a, b := long("a", 2500), long("b", 2500)
	got := WordDiff(a, b)
	want := []WordChunk{{WordDelete, a}, {WordInsert, b}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("WordDiff of two long different texts is not one replace (-want +got):\n%s", diff[:min(len(diff), 500)])
	}

	edited := strings.Replace(a, "axxx ", "changed ", 1)
	got = WordDiff(a, edited)
	if len(got) != 4 || got[1] != (WordChunk{WordDelete, "axxx "}) || got[2] != (WordChunk{WordInsert, "changed "}) {
		t.Errorf("one word changed in a long text: %d chunks, %+v", len(got), got[1:min(len(got), 3)])
	}
}

func BenchmarkWordDiff(b *testing.B) {
	var x, y strings.Builder
	for i := range 1900 {
		x.WriteString("w" + strings.Repeat("a", i%5) + " ")
		y.WriteString("w" + strings.Repeat("a", i%3) + " ")
	}
	for b.Loop() {
		WordDiff(x.String(), y.String())
	}
}
