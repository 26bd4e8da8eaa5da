package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const goodLine = `{"id":"a-work","title":"A Work","medium":"manga","year":2008}`

func TestDecoderProblems(t *testing.T) {
	tests := []struct {
		name string
		line string
		want []string // every problem, as the CLI prints it
	}{
		{"bad JSON", `{"id":"x",`, []string{"line 2: json: invalid JSON: the line ends inside the work"}},
		{"not an object", `[1,2]`, []string{"line 2: json: must be an object, got array"}},
		{"unknown field", `{"id":"x","title":"X","medium":"manga","year":2008,"rating":5}`, []string{"line 2: rating: unknown field"}},
		{"unknown nested field", `{"id":"x","title":"X","medium":"manga","year":2008,"creators":[{"name":"A","role":"author","age":3}]}`,
			[]string{"line 2: creators[0].age: unknown field"}},
		{"wrong type", `{"id":"x","title":"X","medium":"manga","year":"2008"}`, []string{"line 2: year: must be a whole number, got string"}},
		{"wrong nested type", `{"id":"x","title":"X","medium":"manga","year":2008,"characters":[{"name":"A","gender":"male","role":"protagonist","hikikomori":"yes"}]}`,
			[]string{"line 2: characters.hikikomori: must be true or false, got string"}},
		{"bad coding form", `{"id":"x","title":"X","medium":"manga","year":2008,"portrayal":{"realism":3}}`,
			[]string{"line 2: portrayal.realism: must be a string, a list of strings or an object, got 3"}},
		{"unknown field in coding", `{"id":"x","title":"X","medium":"manga","year":2008,"portrayal":{"realism":{"value":"mixed","page":"me"}}}`,
			[]string{"line 2: portrayal.realism.page: unknown field"}},
		{"bad enum", `{"id":"x","title":"X","medium":"manga","year":2008,"portrayal":{"tone":"grim"}}`,
			[]string{`line 2: portrayal.tone: "grim" is not a tone value of the codebook (one of serious, dramedy, comedic)`}},
		{"missing required fields", `{"id":"x"}`,
			[]string{"line 2: medium: is required", "line 2: title: is required", "line 2: year: is required"}},
		{"two works on a line", goodLine + goodLine, []string{"line 2: json: unexpected data after the work; put one work on each line"}},
		{"too long", `{"id":"x","title":"` + strings.Repeat("x", MaxLineBytes) + `"}`, []string{"line 2: json: line longer than 1048576 bytes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkLineProblems(t, tt.line, tt.want) })
	}
}

// checkLineProblems decodes line as line 2 of a file, between good lines
// and before a blank one, and checks the problems the CLI would print.
func checkLineProblems(t *testing.T, line string, want []string) {
	t.Helper()
	in := goodLine + "\n" + line + "\n\n" + strings.Replace(goodLine, "a-work", "b-work", 1)
	dec := NewDecoder(strings.NewReader(in), DefaultCodebook())
	var ids, problems []string
	for {
		w, err := dec.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var le *LineError
		if errors.As(err, &le) {
			problems = append(problems, le.Problems()...)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, w.ID)
	}
	if diff := cmp.Diff(want, problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	// The good lines around the bad one are still read, and the line
	// count includes the blank line.
	if diff := cmp.Diff([]string{"a-work", "b-work"}, ids); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
	if dec.Line() != 4 {
		t.Errorf("Line() = %d after the last work, want 4", dec.Line())
	}
}

// TestDecoderStrict checks what encoding/json would let through: repeated
// keys, keys in the wrong case, bytes that are not UTF-8, numbers too
// large for their field, and the plain words for a value of the wrong type.
func TestDecoderStrict(t *testing.T) {
	const work = `"id":"x","title":"X","medium":"manga","year":2008`
	years := fmt.Sprintf("must be between %d and %d", minYear, time.Now().Year()+1)
	tests := []struct {
		name string
		line string
		want []string
	}{
		{"duplicate key", `{` + work + `,"title":"Y"}`, []string{`line 2: title: duplicate key "title"`}},
		{"duplicate key written with an escape", `{` + work + `,"ti\u0074le":"Y"}`, []string{`line 2: title: duplicate key "title"`}},
		{"duplicate nested key", `{` + work + `,"creators":[{"name":"A","role":"author"},{"name":"B","role":"author","name":"C"}]}`,
			[]string{`line 2: creators[1].name: duplicate key "name"`}},
		{"duplicate dimension", `{` + work + `,"portrayal":{"tone":"serious","tone":"comedic"}}`,
			[]string{`line 2: portrayal.tone: duplicate key "tone"`}},
		{"duplicate key in a coding", `{` + work + `,"portrayal":{"realism":{"value":"mixed","value":"realistic"}}}`,
			[]string{`line 2: portrayal.realism.value: duplicate key "value"`}},
		{"duplicate key inside an unknown field", `{` + work + `,"rating":{"a":1,"a":2}}`,
			[]string{"line 2: rating: unknown field", `line 2: rating.a: duplicate key "a"`}},
		{"key in the wrong case", `{"id":"x","TITLE":"X","medium":"manga","year":2008}`,
			[]string{`line 2: TITLE: unknown field; did you mean "title"?`}},
		{"nested key in the wrong case", `{` + work + `,"creators":[{"Name":"A","role":"author"}]}`,
			[]string{`line 2: creators[0].Name: unknown field; did you mean "name"?`}},
		{"coding key in the wrong case", `{` + work + `,"portrayal":{"realism":{"Value":"mixed"}}}`,
			[]string{`line 2: portrayal.realism.Value: unknown field; did you mean "value"?`}},
		{"unknown field after values of every kind", `{` + work + `, "synopsis" : "a \"quoted\" \\ word" ,"rating":[1,-2.5E+3,true,null,{"a":[]}]}`,
			[]string{"line 2: rating: unknown field"}},
		{"not UTF-8", `{` + work + `,"synopsis":"a` + "\xff" + `b"}`,
			[]string{"line 2: synopsis: is not valid UTF-8 at byte 65"}},
		{"not UTF-8 in a list", `{` + work + `,"alt_titles":["a","b` + "\xe3\x81" + `"]}`,
			[]string{"line 2: alt_titles[1]: is not valid UTF-8 at byte 72"}},
		{"not UTF-8 in evidence", `{` + work + `,"portrayal":{"realism":{"value":"mixed","evidence":"` + "\xc0\xaf" + `"}}}`,
			[]string{"line 2: portrayal.realism.evidence: is not valid UTF-8 at byte 104"}},
		{"not UTF-8 in a key", `{` + work + `,"creators":[{"name":"A","role":"author","x` + "\xff" + `":1}]}`,
			[]string{"line 2: creators[0]: is not valid UTF-8 at byte 94"}},
		{"not UTF-8 outside a string", `{` + work + `}` + "\xff", []string{"line 2: json: is not valid UTF-8 at byte 52"}},
		{"byte-order mark after the first line", "\ufeff" + goodLine,
			[]string{"line 2: json: starts with a byte-order mark (U+FEFF), which only the first line of a file may have"}},
		{"year too large to read", `{"id":"x","title":"X","medium":"manga","year":1e30}`, []string{"line 2: year: " + years + ", got 1e30"}},
		{"end year too large to read", `{` + work + `,"end_year":99999999999999999999}`,
			[]string{"line 2: end_year: " + years + ", got 99999999999999999999"}},
		{"year with a fraction", `{"id":"x","title":"X","medium":"manga","year":2008.5}`, []string{"line 2: year: must be a whole number, got 2008.5"}},
		{"coding not a value", `{` + work + `,"portrayal":{"realism":3}}`,
			[]string{"line 2: portrayal.realism: must be a string, a list of strings or an object, got 3"}},
		{"coding value not a string", `{` + work + `,"portrayal":{"realism":{"value":3}}}`,
			[]string{"line 2: portrayal.realism.value: must be a string, got number"}},
		{"coding list of numbers", `{` + work + `,"portrayal":{"conditions":[1]}}`,
			[]string{"line 2: portrayal.conditions: each item must be a string, got number"}},
		{"coding spoiler not a flag", `{` + work + `,"portrayal":{"recovery":{"value":"open","spoiler":"yes"}}}`,
			[]string{"line 2: portrayal.recovery.spoiler: must be true or false, got string"}},
		{"coding source not a number", `{` + work + `,"portrayal":{"realism":{"value":"mixed","source":"2"}}}`,
			[]string{"line 2: portrayal.realism.source: must be a whole number, got string"}},
		{"coding source zero", `{` + work + `,"portrayal":{"realism":{"value":"mixed","source":0}}}`,
			[]string{"line 2: portrayal.realism.source: must be the number of one of the work's sources, counted from 1, got 0; leave it out to name none"}},
		{"coding source past the sources", `{` + work + `,"sources":[{"url":"https://a.example/"},{"url":"https://b.example/"},{"url":"https://c.example/"}],"portrayal":{"realism":{"value":"mixed","source":4}}}`,
			[]string{"line 2: portrayal.realism.source: must be the number of one of the work's 3 sources (1 to 3), got 4"}},
		{"coding locator not text", `{` + work + `,"portrayal":{"realism":{"value":"mixed","locator":3}}}`,
			[]string{"line 2: portrayal.realism.locator: must be a string, got number"}},
		{"creators not a list", `{` + work + `,"creators":"x"}`, []string{"line 2: creators: must be a list, got string"}},
		{"creator not an object", `{` + work + `,"creators":["x"]}`, []string{"line 2: creators: each item must be an object, got string"}},
		{"country not a string", `{` + work + `,"countries":[1]}`, []string{"line 2: countries: each item must be a string, got number"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkLineProblems(t, tt.line, tt.want) })
	}
}

// TestDecoderByteOrderMark checks that a byte-order mark starting the file
// is read past, even before a blank first line.
func TestDecoderByteOrderMark(t *testing.T) {
	for _, in := range []string{
		"\ufeff" + goodLine + "\n" + strings.Replace(goodLine, "a-work", "b-work", 1),
		"\ufeff\n" + goodLine + "\n" + strings.Replace(goodLine, "a-work", "b-work", 1),
	} {
		dec := NewDecoder(strings.NewReader(in), DefaultCodebook())
		for _, want := range []string{"a-work", "b-work"} {
			w, err := dec.Next()
			if err != nil || w.ID != want {
				t.Fatalf("%q: Next() = %v, %v; want %s", in, w, err, want)
			}
		}
	}
}

func TestDecoderLineEndings(t *testing.T) {
	in := goodLine + "\r\n" + strings.Replace(goodLine, "a-work", "b-work", 1) // CRLF, and no final newline
	dec := NewDecoder(strings.NewReader(in), DefaultCodebook())
	for _, want := range []string{"a-work", "b-work"} {
		w, err := dec.Next()
		if err != nil || w.ID != want {
			t.Fatalf("Next() = %v, %v; want %s", w, err, want)
		}
	}
	if _, err := dec.Next(); !errors.Is(err, io.EOF) {
		t.Fatalf("Next() at end = %v, want io.EOF", err)
	}
}

// TestCodingForms checks that both forms of a coding are read and that the
// canonical form is the shortest that loses nothing.
func TestCodingForms(t *testing.T) {
	tests := []struct {
		dim, in, canonical string
		want               Coding
	}{
		{"realism", `"mixed"`, `"mixed"`, Coding{Value: "mixed"}},
		{"realism", `{"value":"mixed"}`, `"mixed"`, Coding{Value: "mixed"}},
		{"conditions", `["paranoia","trauma"]`, `["paranoia","trauma"]`, Coding{Values: []string{"paranoia", "trauma"}}},
		{"content_warnings", `[]`, `[]`, Coding{Values: []string{}}},
		{"content_warnings", `{"values":[],"evidence":"None shown."}`, `{"values":[],"evidence":"None shown."}`, Coding{Values: []string{}, Evidence: "None shown."}},
		{"recovery", `{"value":"open","evidence":"Ep. 24","spoiler":true}`, `{"value":"open","evidence":"Ep. 24","spoiler":true}`,
			Coding{Value: "open", Evidence: "Ep. 24", Spoiler: true}},
		{"recovery_catalysts", `{"spoiler":true,"values":["family"]}`, `{"values":["family"],"spoiler":true}`, Coding{Values: []string{"family"}, Spoiler: true}},
		{"realism", `{"value":"mixed","evidence":"The panic attacks.","source":2,"locator":"episode 3"}`,
			`{"value":"mixed","evidence":"The panic attacks.","source":2,"locator":"episode 3"}`,
			Coding{Value: "mixed", Evidence: "The panic attacks.", Source: 2, Locator: "episode 3"}},
		{"realism", `{"locator":"ch. 4","value":"mixed"}`, `{"value":"mixed","locator":"ch. 4"}`, Coding{Value: "mixed", Locator: "ch. 4"}},
		{"conditions", `{"values":["paranoia"],"source":1}`, `{"values":["paranoia"],"source":1}`, Coding{Values: []string{"paranoia"}, Source: 1}},
		{"content_warnings", `{"values":[],"source":1}`, `{"values":[],"source":1}`, Coding{Values: []string{}, Source: 1}},
	}
	for _, tt := range tests {
		// Two sources, for the codings that name one by number.
		line := `{"id":"x","title":"X","medium":"manga","year":2008,"sources":[{"url":"https://a.example/"},{"url":"https://b.example/"}],` +
			`"portrayal":{"` + tt.dim + `":` + tt.in + `}}`
		w, err := ParseWork([]byte(line), DefaultCodebook())
		if err != nil {
			t.Errorf("ParseWork(%s) = %v", tt.in, err)
			continue
		}
		for _, got := range w.Portrayal {
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseWork(%s) coding (-want +got):\n%s", tt.in, diff)
			}
			b, err := got.MarshalJSON()
			if err != nil || string(b) != tt.canonical {
				t.Errorf("MarshalJSON(%s) = %s, %v; want %s", tt.in, b, err, tt.canonical)
			}
		}
	}
}

// TestCodingShortForm: the short form of codings, written by hand for
// codebook ids, is what encoding/json writes, for ids and for any other
// text (which it escapes).
func TestCodingShortForm(t *testing.T) {
	for _, c := range []Coding{
		{}, {Value: "realistic"}, {Value: "social_anxiety"}, {Value: "x-1"},
		{Value: `a"b`}, {Value: "<mark>"}, {Value: "ひきこもり"}, {Value: "a b"},
		{Values: []string{}}, {Values: []string{"family", "school"}}, {Values: []string{"ok", `bad\`}},
	} {
		want, _ := json.Marshal(c.Values)
		if !c.IsSet() {
			want, _ = json.Marshal(c.Value)
		}
		if got, err := c.MarshalJSON(); err != nil || string(got) != string(want) {
			t.Errorf("MarshalJSON(%+v) = %s, %v; want %s", c, got, err, want)
		}
	}
}

func TestCanonicalRoundTrip(t *testing.T) {
	w := validWork()
	b, err := w.MarshalCanonical()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), `\u003c`) || strings.HasSuffix(string(b), "\n") {
		t.Errorf("canonical JSON escapes HTML or ends in a newline: %s", b)
	}
	back, err := ParseWork(b, DefaultCodebook())
	if err != nil {
		t.Fatalf("ParseWork(canonical) = %v", err)
	}
	if diff := cmp.Diff(w, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	again, _ := back.MarshalCanonical()
	if string(again) != string(b) {
		t.Errorf("canonical bytes differ after a round trip:\n%s\n%s", b, again)
	}
}

// BenchmarkParseWork parses every line of the shipped catalog: rich works,
// with evidence and every dimension coded, so the cost per work is an upper
// bound for a typical import.
func BenchmarkParseWork(b *testing.B) {
	cb := DefaultCodebook()
	var lines [][]byte
	for _, l := range bytes.Split(shippedJSONL, []byte("\n")) {
		if len(bytes.TrimSpace(l)) > 0 {
			lines = append(lines, l)
		}
	}
	b.SetBytes(int64(len(shippedJSONL)))
	for b.Loop() {
		for _, l := range lines {
			if _, err := ParseWork(l, cb); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(lines)), "ns/work")
}

// FuzzCheckJSONText holds the text check to what encoding/json reads: a
// line it takes for JSON is walked to the end, so no key of it goes
// unchecked, and no line makes the walk fail.
func FuzzCheckJSONText(f *testing.F) {
	for _, l := range bytes.Split(shippedJSONL, []byte("\n"))[:20] {
		f.Add(l)
	}
	for _, l := range []string{goodLine, `{"a":[1,-2.5E+3,true,null,{"b":"\u00e9\"\\"}]}`, `{"title":"x","title":"y"}`, `[]`, `"x"`, `{"a` + "\xff" + `":1}`} {
		f.Add([]byte(l))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c := textCheck{data: data, bad: -1, problems: new(ValidationError)}
		if ok := c.walk(); !ok && json.Valid(data) {
			t.Errorf("the walk stopped at byte %d of JSON %q", c.i, data)
		}
		checkJSONText(data)
	})
}
