package catalog

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"unicode"
)

// runLength is how many words in a row a passage may not share with a
// source text: eight words is more than a name, a title or a stock phrase
// ("for the first time in years") and less than a sentence.
const runLength = 8

// words splits text into lowercased words: letters, digits and the
// apostrophes inside them (typographic ones made plain), so that
// punctuation and spacing do not hide a copied run.
func words(text string) []string {
	text = strings.NewReplacer("’", "'", "‘", "'").Replace(strings.ToLower(text))
	return strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	})
}

// runs returns every run of n words of text, joined by spaces.
func runs(text string, n int) []string {
	w := words(text)
	var out []string
	for i := 0; i+n <= len(w); i++ {
		out = append(out, strings.Join(w[i:i+n], " "))
	}
	return out
}

// sharedRun returns the first run of n words that text shares with the
// runs in seen, or "".
func sharedRun(text string, n int, seen map[string]string) (run, from string) {
	for _, r := range runs(text, n) {
		if src, ok := seen[r]; ok {
			return r, src
		}
	}
	return "", ""
}

func TestSharedRun(t *testing.T) {
	seen := map[string]string{}
	for _, r := range runs("He has kept to his bedroom for all of his adult life.", runLength) {
		seen[r] = "source"
	}
	for _, tt := range []struct {
		text string
		want bool
	}{
		// Eight words in a row, whatever the case and punctuation.
		{"Kenji, 54, has kept to his bedroom for all of his adult life", true},
		{"HE HAS KEPT TO HIS BEDROOM, FOR ALL", true},
		// Seven are allowed, and so is the same content in other words.
		{"He has kept to his bedroom for decades.", false},
		{"Since he grew up he has hardly left the room.", false},
	} {
		if run, _ := sharedRun(tt.text, runLength, seen); (run != "") != tt.want {
			t.Errorf("sharedRun(%q) = %q, want a shared run: %v", tt.text, run, tt.want)
		}
	}
}

// TestShippedOwnWords: every synopsis and evidence note of the shipped
// catalog is in the catalog's own words, sharing no run of eight words with
// the texts the entries were written from (testdata/source-texts.jsonl; see
// testdata/ATTRIBUTION.md).
func TestShippedOwnWords(t *testing.T) {
	f, err := os.Open("testdata/source-texts.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	texts := 0
	for sc.Scan() {
		var src struct {
			Work, From, Text string
			Sources          []string
		}
		if err := json.Unmarshal(sc.Bytes(), &src); err != nil {
			t.Fatalf("source-texts.jsonl line %d: %v", texts+1, err)
		}
		if src.Text == "" || len(src.Sources) == 0 {
			t.Fatalf("source-texts.jsonl line %d: a text needs its words and where they come from", texts+1)
		}
		texts++
		for _, r := range runs(src.Text, runLength) {
			seen[r] = src.Work + " (" + src.From + ")"
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if texts < 50 {
		t.Fatalf("source-texts.jsonl has %d texts; the check needs the sources it guards against", texts)
	}
	works, err := decodeAll(Shipped())
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range works {
		check := func(field, text string) {
			if run, from := sharedRun(text, runLength, seen); run != "" {
				t.Errorf("%s: %s repeats %q from %s; say it in the catalog's own words", w.ID, field, run, from)
			}
		}
		check("synopsis", w.Synopsis)
		for id, c := range w.Portrayal {
			check("portrayal."+id+".evidence", c.Evidence)
		}
	}
}
