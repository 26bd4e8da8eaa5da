package catalog

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
)

// readCSV writes works with a CSVWriter and reads the result back as a
// spreadsheet or pandas would, as header → cell maps.
func readCSV(t *testing.T, works ...*Work) []map[string]string {
	t.Helper()
	var b bytes.Buffer
	cw := NewCSVWriter(&b, DefaultCodebook())
	for _, w := range works {
		if err := cw.Write(w); err != nil {
			t.Fatal(err)
		}
	}
	if err := cw.Flush(); err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not read back: %v\n%s", err, b.String())
	}
	var rows []map[string]string
	for _, rec := range records[1:] {
		row := map[string]string{}
		for i, col := range records[0] {
			row[col] = rec[i]
		}
		rows = append(rows, row)
	}
	return rows
}

func TestCSVFormulaCells(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"equals", "=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"},
		{"plus", "+1+1", "'+1+1"},
		{"minus", "-1+1", "'-1+1"},
		{"at", "@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"tab", "\t=1+1", "'\t=1+1"},
		{"carriage return", "\r=1+1", "'\r=1+1"},
		{"comma and quotes kept by the CSV's quoting", `=1,"2"`, `'=1,"2"`},
		{"inner equals", "a=b", "a=b"},
		{"space then equals", " =1+1", " =1+1"},
		{"quote already", "'=1", "'=1"},
		{"plain", "Welcome to the N.H.K.", "Welcome to the N.H.K."},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := validWork()
			w.Title, w.Synopsis, w.Notes = tt.text, tt.text, tt.text
			w.Creators = []Creator{{Name: tt.text, Role: "author"}}
			w.Portrayal["realism"] = Coding{Value: "realistic", Evidence: tt.text}
			row := readCSV(t, w)[0]
			for _, col := range []string{"title", "synopsis", "notes", "realism_evidence"} {
				if row[col] != tt.want {
					t.Errorf("%s = %q, want %q", col, row[col], tt.want)
				}
			}
			// A joined list is one cell: only its first character counts.
			if want := NeutralizeFormula(tt.text + " (author)"); row["creators"] != want {
				t.Errorf("creators = %q, want %q", row["creators"], want)
			}
		})
	}
}

// TestCSVEveryCellNeutralized fills every text field with a formula and
// checks that no cell of the row starts one: a column added to the writer
// cannot skip the rule.
func TestCSVEveryCellNeutralized(t *testing.T) {
	w := &Work{ID: "x", Title: "=t", OriginalTitle: "+o", RomanizedTitle: "-r", AltTitles: []string{"@a", "=b"},
		Medium: "=m", Year: 2006, Countries: []string{"=JP"}, Languages: []string{"=ja"},
		Creators: []Creator{{Name: "=c", Role: "author"}}, Synopsis: "\ts",
		Characters: []Character{{Name: "\rn", Gender: "female", Role: "protagonist", Hikikomori: true}},
		Portrayal:  Portrayal{"realism": {Value: "=v", Evidence: "=e"}, "conditions": {Values: []string{"-p"}}},
		Related:    []Relation{{ID: "y", Relation: "=r"}}, Sources: []Source{{URL: "=s"}}, Notes: "@n"}
	row := readCSV(t, w)[0]
	for col, cell := range row {
		if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
			t.Errorf("%s = %q starts a formula", col, cell)
		}
	}
	if row["year"] != "2006" {
		t.Errorf("year = %q, want 2006 as written", row["year"])
	}
}

func TestNeutralizeFormula(t *testing.T) {
	for _, c := range []string{"=", "+", "-", "@", "\t", "\r"} {
		if got := NeutralizeFormula(c + "x"); got != "'"+c+"x" {
			t.Errorf("NeutralizeFormula(%q) = %q", c+"x", got)
		}
	}
	// Numbers are written with strconv and go through the same rule: a
	// negative one, which Validate never lets in, would become text.
	for in, want := range map[string]string{"2006": "2006", "-5": "'-5", "": ""} {
		if got := NeutralizeFormula(in); got != want {
			t.Errorf("NeutralizeFormula(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCSVColumns: the columns older readers know keep their positions; the
// source, locator and coding status columns come after them.
func TestCSVColumns(t *testing.T) {
	var b bytes.Buffer
	cw := NewCSVWriter(&b, DefaultCodebook())
	if err := cw.Flush(); err != nil {
		t.Fatal(err)
	}
	header, err := csv.NewReader(&b).Read()
	if err != nil {
		t.Fatal(err)
	}
	notes := slices.Index(header, "notes")
	if notes < 0 || header[notes-2] != "related" || header[notes-1] != "sources" || header[notes-3] != "decade" {
		t.Fatalf("header %q: want …, decade, related, sources, notes, then the new columns", header)
	}
	var want []string
	for _, d := range DefaultCodebook().Dimensions {
		want = append(want, d.ID+"_source", d.ID+"_locator")
	}
	want = append(want, "coding_status")
	if got := header[notes+1:]; !slices.Equal(got, want) {
		t.Errorf("columns after notes = %q, want %q", got, want)
	}
}

// TestCSVSourceAndLocator: a coding's source is written as that source's
// URL, its locator as it is; a dimension without them has empty cells.
func TestCSVSourceAndLocator(t *testing.T) {
	w := validWork()
	w.Sources = append(w.Sources, Source{URL: "https://www.animenewsnetwork.com/encyclopedia/anime.php?id=6306", Title: "ANN"})
	w.Portrayal["realism"] = Coding{Value: "realistic", Evidence: "His panic.", Source: 2, Locator: "episode 3"}
	w.Portrayal["conditions"] = Coding{Values: []string{"paranoia"}, Locator: "=chapter 2"}
	row := readCSV(t, w)[0]
	for col, want := range map[string]string{
		"realism_source":     "https://www.animenewsnetwork.com/encyclopedia/anime.php?id=6306",
		"realism_locator":    "episode 3",
		"realism_evidence":   "His panic.",
		"conditions_source":  "",
		"conditions_locator": "'=chapter 2", // neutralized like every cell
		"recovery_source":    "",
		"tone_locator":       "",
		"coding_status":      "partial",
	} {
		if row[col] != want {
			t.Errorf("%s = %q, want %q", col, row[col], want)
		}
	}
}
