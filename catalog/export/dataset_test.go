package export

import (
	"encoding/json"
	"encoding/xml"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testDataset is fixed, so that the golden files do not change with the
// clock.
var testDataset = Dataset{BaseURL: "https://komoru.example", Seq: 1234, CodebookVersion: "3",
	Time: time.Date(2026, 6, 1, 9, 30, 0, 0, time.UTC)}

// TestDatasetGolden compares the dataset's citations with their golden
// files, and checks each names the version, the codebook, the date, the
// URL and the licence.
func TestDatasetGolden(t *testing.T) {
	for name, got := range map[string]string{
		"golden.dataset.bib": testDataset.BibTeX(), "golden.dataset.ris": testDataset.RIS(),
		"golden.dataset.csl.json": testDataset.CSLJSON(), "golden.dataset.cff": testDataset.CFF(),
	} {
		golden(t, name, []byte(got))
		for _, want := range []string{"1234", "codebook 3", "https://komoru.example", "2026", "komoru contributors"} {
			if !strings.Contains(got, want) {
				t.Errorf("%s lacks %q", name, want)
			}
		}
		if !strings.Contains(got, "CC-BY-4.0") {
			t.Errorf("%s does not name the licence", name)
		}
	}
	if got, want := Citation(testDataset.BaseURL, 1234, "3", testDataset.Time), testDataset.Text(); got != want {
		t.Errorf("Citation = %q, Dataset.Text = %q", got, want)
	}
}

// TestDatasetCFFWithoutURL: a site with no address gives a CITATION.cff
// with no url, which the schema would refuse empty.
func TestDatasetCFFWithoutURL(t *testing.T) {
	d := testDataset
	d.BaseURL = ""
	if strings.Contains(d.CFF(), "url:") {
		t.Errorf("CITATION.cff has a url with no address:\n%s", d.CFF())
	}
}

// TestClientDatasetCFF reads the CITATION.cff with PyYAML, a YAML parser
// komoru did not write, and checks it with python-jsonschema against the
// Citation File Format 1.2.0 rules a dataset's file must meet, as komoru
// states them (testdata/cff-1.2.0-rules.json: the required keys, the
// version, the type, the date's and the URL's shape).
func TestClientDatasetCFF(t *testing.T) {
	py := python(t, "yaml", "jsonschema")
	cff := writeTemp(t, "CITATION.cff", []byte(testDataset.CFF()))
	schema, err := filepath.Abs("testdata/cff-1.2.0-rules.json")
	if err != nil {
		t.Fatal(err)
	}
	out := run(t, nil, py, "-c", `
import json, sys, yaml, jsonschema
with open(sys.argv[1], encoding="utf-8") as f:
    doc = yaml.safe_load(f)
with open(sys.argv[2], encoding="utf-8") as f:
    schema = json.load(f)
errors = [e.message for e in jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker()).iter_errors(doc)]
json.dump({"errors": errors, "doc": doc}, sys.stdout)
`, cff, schema)
	var got struct {
		Errors []string
		Doc    map[string]any
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	for _, e := range got.Errors {
		t.Errorf("CITATION.cff: %s", e)
	}
	for k, want := range map[string]string{"cff-version": "1.2.0", "version": "1234", "date-released": "2026-06-01",
		"license": "CC-BY-4.0", "type": "dataset", "url": "https://komoru.example", "title": datasetTitle} {
		if got.Doc[k] != want {
			t.Errorf("CITATION.cff %s = %v, want %q", k, got.Doc[k], want)
		}
	}
	// And a schema that refuses: the validator is not a no-op.
	bad := writeTemp(t, "CITATION.cff", []byte(strings.Replace(testDataset.CFF(), "type: dataset", "type: movie", 1)))
	out = run(t, nil, py, "-c", `
import json, sys, yaml, jsonschema
schema = json.load(open(sys.argv[2]))
print(len(list(jsonschema.Draft7Validator(schema).iter_errors(yaml.safe_load(open(sys.argv[1]))))))
`, bad, schema)
	if strings.TrimSpace(string(out)) == "0" {
		t.Error("the schema accepts type: movie; the validation proves nothing")
	}
}

// TestClientDatasetBibTeX reads the dataset's BibTeX with
// python3-bibtexparser and bib2xml, and its RIS with ris2xml: one entry,
// its title, the contributors as one entity, the URL.
func TestClientDatasetBibTeX(t *testing.T) {
	t.Run("bibtexparser", func(t *testing.T) {
		py := python(t, "bibtexparser")
		bib := writeTemp(t, "komoru.bib", []byte(testDataset.BibTeX()))
		out := run(t, nil, py, "-c", `
import json, sys, bibtexparser
with open(sys.argv[1], encoding="utf-8") as f:
    db = bibtexparser.load(f)
json.dump(db.entries, sys.stdout)
`, bib)
		var got []map[string]string
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 {
			t.Fatalf("bibtexparser read %d entries, want 1", len(got))
		}
		for k, want := range map[string]string{"ID": "komoru_v1234", "ENTRYTYPE": "misc", "title": datasetTitle,
			"author": "{komoru contributors}", "year": "2026", "version": "1234", "url": "https://komoru.example", "urldate": "2026-06-01"} {
			if got[0][k] != want {
				t.Errorf("bibtexparser read %s = %q, want %q", k, got[0][k], want)
			}
		}
	})
	for _, tc := range []struct{ tool, text string }{{"bib2xml", testDataset.BibTeX()}, {"ris2xml", testDataset.RIS()}} {
		t.Run(tc.tool, func(t *testing.T) {
			bin := tool(t, tc.tool)
			var mods modsCollection
			if err := xml.Unmarshal(run(t, nil, bin, writeTemp(t, "komoru.txt", []byte(tc.text))), &mods); err != nil {
				t.Fatal(err)
			}
			if len(mods.Mods) != 1 {
				t.Fatalf("%s made %d MODS records, want 1", tc.tool, len(mods.Mods))
			}
			m := mods.Mods[0]
			title := ""
			for _, ti := range m.TitleInfo {
				if ti.Type == "" {
					title = ti.Title + ": " + ti.SubTitle
				}
			}
			if title != datasetTitle {
				t.Errorf("%s read the title %q", tc.tool, title)
			}
			if m.URL != testDataset.BaseURL {
				t.Errorf("%s read the URL %q", tc.tool, m.URL)
			}
			var names []string
			for _, n := range m.Names {
				for _, p := range n.Parts {
					names = append(names, p.Text)
				}
			}
			// BibTeX keeps the braced name whole; RIS has no mark for a
			// corporate author (bibutils guesses from a list of known
			// ones), so its name may come back in parts, in order.
			if strings.Join(names, " ") != datasetAuthor || (tc.tool == "bib2xml" && len(names) != 1) {
				t.Errorf("%s read the authors %q, want %q", tc.tool, names, datasetAuthor)
			}
		})
	}
}
