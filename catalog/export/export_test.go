package export

import (
	"archive/zip"
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/komoru/komoru/catalog"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// goldenIDs are shipped works of every kind a citation maps: a novel, a
// series, a film, a game, an "other" and a documentary by two directors.
var goldenIDs = []string{
	"welcome-to-the-nhk-novel", "welcome-to-the-nhk-anime", "princess-jellyfish-film",
	"omori-game", "gakko-e-ikenakatta-watashi-ga-anohana-kokosake-o-kaku-made-memoir",
	"hikikomori-a-deafening-silence-documentary",
}

// testOptions are fixed, so that the golden files do not change with the
// day.
var testOptions = Options{
	BaseURL: "https://komoru.example",
	Provenance: Provenance{Query: "https://komoru.example/api/v1/export?format=datapackage&medium=manga",
		Seq: 1234, Time: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)},
}

// shipped returns the shipped works, all or those with the given ids, in
// that order.
func shipped(t testing.TB, ids ...string) []*catalog.Work {
	t.Helper()
	dec := catalog.NewDecoder(catalog.Shipped(), catalog.DefaultCodebook())
	byID := map[string]*catalog.Work{}
	var all []*catalog.Work
	for {
		w, err := dec.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		byID[w.ID] = w
		all = append(all, w)
	}
	if len(ids) == 0 {
		return all
	}
	out := make([]*catalog.Work, len(ids))
	for i, id := range ids {
		if out[i] = byID[id]; out[i] == nil {
			t.Fatalf("no shipped work %q", id)
		}
	}
	return out
}

// encode writes works in format name.
func encode(t testing.TB, name string, works []*catalog.Work, o Options) []byte {
	t.Helper()
	f, ok := Lookup(name)
	if !ok {
		t.Fatalf("no format %q", name)
	}
	var b bytes.Buffer
	enc := f.New(&b, o)
	for _, w := range works {
		if err := enc.Write(w); err != nil {
			t.Fatal(err)
		}
	}
	if err := enc.End(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// unzip returns the files of a zip by name, in the zip's order.
func unzip(t testing.TB, data []byte) (map[string][]byte, []string) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	var names []string
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name] = b
		names = append(names, f.Name)
	}
	return files, names
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./catalog/export -update to write it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s (-golden +got):\n%s", name, diff)
	}
}

// TestGolden writes a few shipped works in every format and compares each
// with its golden file; the data package's files are compared one by one.
func TestGolden(t *testing.T) {
	works := shipped(t, goldenIDs...)
	for _, f := range Formats() {
		t.Run(f.Name, func(t *testing.T) {
			got := encode(t, f.Name, works, testOptions)
			if f.Name != "datapackage" {
				golden(t, "golden."+f.Name+"."+f.Ext, got)
				return
			}
			files, names := unzip(t, got)
			if want := []string{dpWorks, dpCodebook, dpDescriptor}; !slices.Equal(names, want) {
				t.Errorf("the zip holds %v, want %v", names, want)
			}
			golden(t, "golden.datapackage.json", files[dpDescriptor])
			golden(t, "golden.datapackage.works.csv", files[dpWorks])
			cb, _ := catalog.ParseCodebook(files[dpCodebook])
			if cb == nil || cb.Version != catalog.DefaultCodebook().Version || len(cb.Dimensions) != len(catalog.DefaultCodebook().Dimensions) {
				t.Errorf("codebook.json does not read back as the codebook")
			}
		})
	}
}

// TestRegistry keeps the names the API documents (the OpenAPI enum) and
// checks every format is whole.
func TestRegistry(t *testing.T) {
	want := []string{"jsonl", "json", "csv", "bibtex", "ris", "csljson", "datapackage"}
	if diff := cmp.Diff(want, Names()); diff != "" {
		t.Errorf("Names (-want +got):\n%s", diff)
	}
	for _, f := range Formats() {
		if f.MediaType == "" || f.Ext == "" || f.Title == "" || f.New == nil {
			t.Errorf("format %q lacks a field: %+v", f.Name, f)
		}
		if g, ok := Lookup(f.Name); !ok || g.Name != f.Name {
			t.Errorf("Lookup(%q) = %v, %v", f.Name, g.Name, ok)
		}
	}
	if _, ok := Lookup("xlsx"); ok {
		t.Error("Lookup(xlsx) found a format")
	}
	if got := UnknownFormat("xlsx"); !strings.Contains(got, `"xlsx"`) || !strings.Contains(got, "datapackage") {
		t.Errorf("UnknownFormat = %q, want the name and the formats", got)
	}
	if got := (Format{Ext: "bib"}).Filename(time.Date(2026, 1, 2, 23, 0, 0, 0, time.UTC)); got != "komoru-2026-01-02.bib" {
		t.Errorf("Filename = %q", got)
	}
}

// TestEmpty: an export of no works is still a whole document.
func TestEmpty(t *testing.T) {
	for _, tc := range []struct{ format, want string }{
		{"jsonl", ""}, {"json", "[]\n"}, {"csljson", "[]\n"}, {"bibtex", ""}, {"ris", ""},
	} {
		if got := string(encode(t, tc.format, nil, testOptions)); got != tc.want {
			t.Errorf("%s of nothing = %q, want %q", tc.format, got, tc.want)
		}
	}
	if got := string(encode(t, "csv", nil, testOptions)); !strings.HasPrefix(got, "id,title,") || strings.Count(got, "\n") != 1 {
		t.Errorf("csv of nothing = %q, want the header alone", got)
	}
	files, _ := unzip(t, encode(t, "datapackage", nil, testOptions))
	if !strings.Contains(string(files[dpDescriptor]), `"works": 0`) || strings.Count(string(files[dpWorks]), "\n") != 1 {
		t.Errorf("datapackage of nothing: %s / %q", files[dpDescriptor], files[dpWorks])
	}
}

// TestJSONLReadsBack: the jsonl and json exports are import format v1, and
// read back as the works written.
func TestJSONLReadsBack(t *testing.T) {
	works := shipped(t)
	for _, name := range []string{"jsonl", "json"} {
		out := encode(t, name, works, testOptions)
		if name == "json" {
			// The array holds a work a line: its lines, less the
			// brackets and commas, are import format v1.
			lines := strings.Split(strings.TrimSpace(string(out)), "\n")
			if lines[0] != "[" || lines[len(lines)-1] != "]" {
				t.Fatalf("json export is not an array a work a line")
			}
			for i := range lines {
				lines[i] = strings.TrimSuffix(lines[i], ",")
			}
			out = []byte(strings.Join(lines[1:len(lines)-1], "\n"))
		}
		dec := catalog.NewDecoder(bytes.NewReader(out), catalog.DefaultCodebook())
		var got []*catalog.Work
		for {
			w, err := dec.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got = append(got, w)
		}
		if diff := cmp.Diff(works, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s read back (-written +read):\n%s", name, diff)
		}
		if name == "jsonl" {
			// Canonical: what was read back writes the same bytes.
			if again := encode(t, name, got, testOptions); !bytes.Equal(again, encode(t, name, works, testOptions)) {
				t.Error("jsonl read back and written again differs")
			}
		}
	}
}

// TestFormulas: the plain CSV neutralizes a cell a spreadsheet would run;
// the data package's CSV keeps it as it is.
func TestFormulas(t *testing.T) {
	w := shipped(t, "omori-game")[0]
	w.Title = "=HYPERLINK(\"http://evil\")"
	w.Notes = "-2+3"
	plain := string(encode(t, "csv", []*catalog.Work{w}, testOptions))
	if !strings.Contains(plain, `"'=HYPERLINK(""http://evil"")"`) || !strings.Contains(plain, "'-2+3") {
		t.Errorf("plain csv does not neutralize: %s", plain)
	}
	files, _ := unzip(t, encode(t, "datapackage", []*catalog.Work{w}, testOptions))
	lossless := string(files[dpWorks])
	if !strings.Contains(lossless, `"=HYPERLINK(""http://evil"")"`) || strings.Contains(lossless, "'=") || !strings.Contains(lossless, ",-2+3") {
		t.Errorf("data package csv is not lossless: %s", lossless)
	}
}
