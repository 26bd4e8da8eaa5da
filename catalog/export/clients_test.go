package export

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/komoru/komoru/catalog"
)

// The exports are read here by parsers komoru did not write: Debian's
// python3-bibtexparser and python3-pandas, bibutils (bib2xml, ris2xml),
// citeproc-js with the APA style, and the Frictionless Data Package and
// Table Schema validators (npm datapackage). A test skips when its tool
// is missing, unless KOMORU_CLIENT_TESTS=required (as .ci/run sets it),
// when it fails. The npm packages are found in $KOMORU_NODE_MODULES (a
// node_modules directory), the CSL style and locale in
// $KOMORU_CSL_DIR (default /usr/share/citation-style-language, where
// Debian's citation-style-language-styles and -locales put them).

// missing skips the test, or fails it where the clients are required.
func missing(t *testing.T, what string) {
	t.Helper()
	if os.Getenv("KOMORU_CLIENT_TESTS") == "required" {
		t.Fatalf("%s is missing, and KOMORU_CLIENT_TESTS=required (see .ci/run)", what)
	}
	t.Skipf("%s is missing (KOMORU_CLIENT_TESTS=required makes this a failure)", what)
}

// python returns a Python that imports every module named: Debian's
// packages live in /usr/bin/python3's path, which a python3 first on PATH
// (pyenv, a venv) may not share.
func python(t *testing.T, modules ...string) string {
	t.Helper()
	for _, py := range []string{os.Getenv("KOMORU_PYTHON"), "python3", "/usr/bin/python3"} {
		if py == "" {
			continue
		}
		if exec.Command(py, "-c", "import "+strings.Join(modules, ", ")).Run() == nil {
			return py
		}
	}
	missing(t, "a python3 with "+strings.Join(modules, ", "))
	return ""
}

func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		missing(t, name)
	}
	return p
}

// node returns node and the node_modules directory holding pkg.
func node(t *testing.T, pkg string) (string, string) {
	t.Helper()
	bin := tool(t, "node")
	dir := os.Getenv("KOMORU_NODE_MODULES")
	if dir == "" {
		missing(t, "$KOMORU_NODE_MODULES (npm's "+pkg+")")
	}
	if _, err := os.Stat(filepath.Join(dir, pkg, "package.json")); err != nil {
		missing(t, "npm's "+pkg+" in $KOMORU_NODE_MODULES")
	}
	return bin, dir
}

// run runs a client on files in a temporary directory and returns its
// standard output; a failure shows its standard error.
func run(t *testing.T, env []string, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, stderr.String())
	}
	return out
}

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestClientBibtexparser parses the BibTeX of every shipped work with
// python3-bibtexparser: one entry a work, its key, type, year and URL.
func TestClientBibtexparser(t *testing.T) {
	py := python(t, "bibtexparser")
	works := shipped(t)
	bib := writeTemp(t, "works.bib", encode(t, "bibtex", works, testOptions))
	out := run(t, nil, py, "-c", `
import json, sys, bibtexparser
with open(sys.argv[1], encoding="utf-8") as f:
    db = bibtexparser.load(f)
json.dump([{k: e.get(k, "") for k in ("ID", "ENTRYTYPE", "year", "url", "title", "author")} for e in db.entries], sys.stdout)
`, bib)
	var got []map[string]string
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(works) {
		t.Fatalf("bibtexparser read %d entries, want %d", len(got), len(works))
	}
	for i, w := range works {
		e := got[i]
		want := map[string]string{"ID": bibKey(w.ID), "ENTRYTYPE": KindOf(w.Medium).BibTeX,
			"year": strconv.Itoa(w.Year), "url": testOptions.BaseURL + "/works/" + w.ID, "title": bibText(w.Title)}
		for k, v := range want {
			if e[k] != v {
				t.Errorf("%s: bibtexparser read %s = %q, want %q", w.ID, k, e[k], v)
			}
		}
		if len(Primary(w)) > 0 && e["author"] == "" {
			t.Errorf("%s: bibtexparser read no author", w.ID)
		}
	}
}

// modsCollection is what bibutils writes: MODS records, of which the
// test reads the titles and the people.
type modsCollection struct {
	Mods []struct {
		ID        string `xml:"ID,attr"`
		TitleInfo []struct {
			Type     string `xml:"type,attr"`
			Title    string `xml:"title"`
			SubTitle string `xml:"subTitle"`
		} `xml:"titleInfo"`
		Names []struct {
			Type  string `xml:"type,attr"`
			Parts []struct {
				Type string `xml:"type,attr"`
				Text string `xml:",chardata"`
			} `xml:"namePart"`
		} `xml:"name"`
		URL string `xml:"location>url"`
	} `xml:"mods"`
}

// TestClientBibutils converts the BibTeX and the RIS of every shipped work
// to MODS XML with bibutils: a record a work, each with its title, and
// the people named as people.
func TestClientBibutils(t *testing.T) {
	works := shipped(t)
	for _, tc := range []struct{ format, tool string }{{"bibtex", "bib2xml"}, {"ris", "ris2xml"}} {
		t.Run(tc.tool, func(t *testing.T) {
			bin := tool(t, tc.tool)
			in := writeTemp(t, "works."+tc.format, encode(t, tc.format, works, testOptions))
			var mods modsCollection
			if err := xml.Unmarshal(run(t, nil, bin, in), &mods); err != nil {
				t.Fatal(err)
			}
			if len(mods.Mods) != len(works) {
				t.Fatalf("%s made %d MODS records, want %d", tc.tool, len(mods.Mods), len(works))
			}
			var titles, want []string
			families := map[string]bool{}
			for i, m := range mods.Mods {
				title := ""
				for _, ti := range m.TitleInfo {
					if ti.Type == "" {
						// bibutils splits a title at its colon.
						title = ti.Title
						if ti.SubTitle != "" {
							title += ": " + ti.SubTitle
						}
					}
				}
				titles = append(titles, title)
				want = append(want, works[i].Title)
				if m.URL != testOptions.BaseURL+"/works/"+works[i].ID {
					t.Errorf("%s: %s read the URL %q", works[i].ID, tc.tool, m.URL)
				}
				for _, n := range m.Names {
					for _, p := range n.Parts {
						if n.Type == "personal" && p.Type == "family" {
							families[p.Text] = true
						}
					}
				}
			}
			if tc.format == "bibtex" {
				// bib2xml reads TeX, where ' is a closing quote.
				for i := range titles {
					titles[i] = strings.ReplaceAll(titles[i], "’", "'")
				}
			}
			if diff := cmp.Diff(want, titles); diff != "" {
				t.Errorf("%s titles (-want +got):\n%s", tc.tool, diff)
			}
			for _, family := range []string{"Takimoto", "Yamamoto", "Kawamura"} {
				if !families[family] {
					t.Errorf("%s does not read %s as a person's family name", tc.tool, family)
				}
			}
		})
	}
}

// citeprocScript renders a CSL-JSON file to an APA bibliography with
// citeproc-js and prints the entries as a JSON list of plain text.
const citeprocScript = `
const fs = require("fs");
const CSL = require("citeproc");
const [items, style, locale] = process.argv.slice(2).map(f => fs.readFileSync(f, "utf8"));
const byID = Object.fromEntries(JSON.parse(items).map(it => [it.id, it]));
const engine = new CSL.Engine({
  retrieveLocale: () => locale,
  retrieveItem: id => byID[id],
}, style, "en-US");
engine.setOutputFormat("text");
engine.updateItems(Object.keys(byID));
const [meta, entries] = engine.makeBibliography();
if (meta.bibliography_errors.length) { console.error(JSON.stringify(meta.bibliography_errors)); process.exit(1); }
process.stdout.write(JSON.stringify({ids: meta.entry_ids.map(x => x[0]), entries: entries.map(e => e.trim())}));
`

// TestClientCiteproc renders the CSL-JSON of every shipped work as an APA
// bibliography with citeproc-js: an entry a work, each with its title and
// year, people as "Family, G.".
func TestClientCiteproc(t *testing.T) {
	bin, modules := node(t, "citeproc")
	cslDir := os.Getenv("KOMORU_CSL_DIR")
	if cslDir == "" {
		cslDir = "/usr/share/citation-style-language"
	}
	style, locale := filepath.Join(cslDir, "styles", "apa.csl"), filepath.Join(cslDir, "locales", "locales-en-US.xml")
	for _, f := range []string{style, locale} {
		if _, err := os.Stat(f); err != nil {
			missing(t, f+" (Debian's citation-style-language-styles and -locales)")
		}
	}
	works := shipped(t)
	items := writeTemp(t, "works.json", encode(t, "csljson", works, testOptions))
	script := writeTemp(t, "render.js", []byte(citeprocScript))
	out := run(t, []string{"NODE_PATH=" + modules}, bin, script, items, style, locale)
	var bib struct {
		IDs     []string
		Entries []string
	}
	if err := json.Unmarshal(out, &bib); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if len(bib.Entries) != len(works) {
		t.Fatalf("citeproc rendered %d entries, want %d", len(bib.Entries), len(works))
	}
	byID := map[string]string{}
	for i, id := range bib.IDs {
		byID[id] = bib.Entries[i]
	}
	for _, w := range works {
		e := byID[w.ID]
		if !strings.Contains(e, "("+strconv.Itoa(w.Year)) {
			t.Errorf("%s: APA entry lacks the year: %s", w.ID, e)
		}
		// APA sets titles in sentence case, so the first word is compared,
		// and curls apostrophes.
		first := strings.ReplaceAll(strings.Fields(w.Title)[0], "'", "’")
		if !strings.Contains(strings.ToLower(e), strings.ToLower(first)) {
			t.Errorf("%s: APA entry lacks the title: %s", w.ID, e)
		}
	}
	for id, want := range map[string]string{
		"welcome-to-the-nhk-novel": "Takimoto, T. (2002).",
		"princess-jellyfish-film":  "Kawamura, T. (Director). (2014).",
	} {
		if !strings.HasPrefix(byID[id], want) {
			t.Errorf("%s: APA entry = %q, want it to start %q", id, byID[id], want)
		}
	}
}

// TestClientPandas reads the CSV and the data package's CSV with pandas:
// a row a work, the years as integers, and every "|" list splitting back
// into the work's values.
func TestClientPandas(t *testing.T) {
	py := python(t, "pandas")
	works := shipped(t)
	files, _ := unzip(t, encode(t, "datapackage", works, testOptions))
	for name, data := range map[string][]byte{"csv": encode(t, "csv", works, testOptions), "datapackage": files[dpWorks]} {
		t.Run(name, func(t *testing.T) {
			in := writeTemp(t, "works.csv", data)
			out := run(t, nil, py, "-c", `
import json, sys
import pandas as pd
df = pd.read_csv(sys.argv[1], dtype={"end_year": "Int64"}, keep_default_na=False, na_values=[""])
lists = {c: [[] if pd.isna(v) else str(v).split("|") for v in df[c]] for c in sys.argv[2:]}
json.dump({"rows": len(df), "year": str(df["year"].dtype), "end_year": str(df["end_year"].dtype),
           "ids": list(df["id"]), "lists": lists}, sys.stdout)
`, in, "conditions", "content_warnings", "countries", "sources")
			var got struct {
				Rows    int
				Year    string
				EndYear string `json:"end_year"`
				IDs     []string
				Lists   map[string][][]string
			}
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatal(err)
			}
			if got.Rows != len(works) || got.Year != "int64" || got.EndYear != "Int64" {
				t.Errorf("pandas read %d rows, year %s, end_year %s; want %d, int64, Int64", got.Rows, got.Year, got.EndYear, len(works))
			}
			for i, w := range works {
				if i >= len(got.IDs) || got.IDs[i] != w.ID {
					t.Fatalf("row %d is not %s", i, w.ID)
				}
				var sources []string
				for _, s := range w.Sources {
					sources = append(sources, s.URL)
				}
				want := map[string][]string{"conditions": w.Portrayal["conditions"].List(),
					"content_warnings": w.Portrayal["content_warnings"].List(), "countries": w.Countries, "sources": sources}
				for col, vals := range want {
					if !slices.Equal(vals, got.Lists[col][i]) && !(len(vals) == 0 && len(got.Lists[col][i]) == 0) {
						t.Errorf("%s %s: pandas split %q, want %q", w.ID, col, got.Lists[col][i], vals)
					}
				}
			}
		})
	}
}

// frictionlessScript validates a data package with Frictionless's
// datapackage-js: the descriptor against the Data Package profile, then
// every row of works.csv against its Table Schema (types, enum, pattern,
// required, unique), and prints what it found.
const frictionlessScript = `
const {Package} = require("datapackage");
(async () => {
  const dp = await Package.load(process.argv[2]);
  const out = {valid: dp.valid, errors: dp.errors.map(String), rows: 0, rowErrors: []};
  if (dp.valid) {
    const res = dp.getResource("works");
    try {
      const rows = await res.read({keyed: true, forceCast: true});
      out.rows = rows.length;
      for (const r of rows) if (r instanceof Error) out.rowErrors.push(String(r) + (r.errors ? " " + r.errors.map(String).join("; ") : ""));
    } catch (e) { out.rowErrors.push(String(e)); }
  }
  process.stdout.write(JSON.stringify(out));
})().catch(e => { console.error(e); process.exit(1); });
`

// TestClientFrictionless validates the data package of every shipped work
// with Frictionless's own validator, and checks that the validator does
// catch a value the codebook lacks.
func TestClientFrictionless(t *testing.T) {
	bin, modules := node(t, "datapackage")
	works := shipped(t)
	script := writeTemp(t, "validate.js", []byte(frictionlessScript))
	check := func(t *testing.T, files map[string][]byte) (valid bool, errs []string, rows int) {
		dir := t.TempDir()
		for name, data := range files {
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		out := run(t, []string{"NODE_PATH=" + modules}, bin, script, filepath.Join(dir, dpDescriptor))
		var got struct {
			Valid     bool
			Errors    []string
			Rows      int
			RowErrors []string
		}
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		return got.Valid, append(got.Errors, got.RowErrors...), got.Rows
	}
	files, _ := unzip(t, encode(t, "datapackage", works, testOptions))
	valid, errs, rows := check(t, files)
	if !valid || len(errs) > 0 || rows != len(works) {
		t.Fatalf("the data package: valid %v, %d rows (want %d), errors:\n%s", valid, rows, len(works), strings.Join(errs, "\n"))
	}
	// A medium the codebook lacks, or a condition in a list: the
	// validator must see each.
	for _, tc := range []struct {
		column string
		change func(w *catalog.Work)
	}{
		{"medium", func(w *catalog.Work) { w.Medium = "podcast" }},
		{"conditions", func(w *catalog.Work) {
			w.Portrayal = maps.Clone(w.Portrayal)
			w.Portrayal["conditions"] = catalog.Coding{Values: []string{"depression", "ennui"}}
		}},
	} {
		bad := *works[0]
		tc.change(&bad)
		files, _ := unzip(t, encode(t, "datapackage", []*catalog.Work{&bad}, testOptions))
		if _, errs, _ := check(t, files); !strings.Contains(strings.Join(errs, "\n"), `column "`+tc.column+`"`) {
			t.Errorf("the validator passed a %s the codebook lacks: %q", tc.column, errs)
		}
	}
}
