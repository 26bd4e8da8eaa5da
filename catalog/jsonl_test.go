package catalog

import (
	"errors"
	"io"
	"strings"
	"testing"

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
			[]string{"line 2: age: unknown field"}},
		{"wrong type", `{"id":"x","title":"X","medium":"manga","year":"2008"}`, []string{"line 2: year: must be a whole number, got string"}},
		{"wrong nested type", `{"id":"x","title":"X","medium":"manga","year":2008,"characters":[{"name":"A","gender":"male","role":"protagonist","hikikomori":"yes"}]}`,
			[]string{"line 2: characters.hikikomori: must be true or false, got string"}},
		{"bad coding form", `{"id":"x","title":"X","medium":"manga","year":2008,"portrayal":{"realism":3}}`,
			[]string{"line 2: portrayal.realism: want a value, a list or an object, got 3"}},
		{"unknown field in coding", `{"id":"x","title":"X","medium":"manga","year":2008,"portrayal":{"realism":{"value":"mixed","source":"me"}}}`,
			[]string{`line 2: portrayal.realism: json: unknown field "source"`}},
		{"bad enum", `{"id":"x","title":"X","medium":"manga","year":2008,"portrayal":{"tone":"grim"}}`,
			[]string{`line 2: portrayal.tone: "grim" is not a tone value of the codebook (one of serious, dramedy, comedic)`}},
		{"missing required fields", `{"id":"x"}`,
			[]string{"line 2: medium: is required", "line 2: title: is required", "line 2: year: is required"}},
		{"two works on a line", goodLine + goodLine, []string{"line 2: json: unexpected data after the work; put one work on each line"}},
		{"too long", `{"id":"x","title":"` + strings.Repeat("x", MaxLineBytes) + `"}`, []string{"line 2: json: line longer than 1048576 bytes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := goodLine + "\n" + tt.line + "\n\n" + strings.Replace(goodLine, "a-work", "b-work", 1)
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
			if diff := cmp.Diff(tt.want, problems); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			// The good lines around the bad one are still read, and the
			// line count includes the blank line.
			if diff := cmp.Diff([]string{"a-work", "b-work"}, ids); diff != "" {
				t.Errorf("ids (-want +got):\n%s", diff)
			}
			if dec.Line() != 4 {
				t.Errorf("Line() = %d after the last work, want 4", dec.Line())
			}
		})
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
	}
	for _, tt := range tests {
		line := `{"id":"x","title":"X","medium":"manga","year":2008,"portrayal":{"` + tt.dim + `":` + tt.in + `}}`
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
