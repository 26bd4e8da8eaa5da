package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/export"
	"github.com/komoru/komoru/indexer"
)

// TestExportSearchRoundTrip: the jsonl export of a search, imported into
// an empty data dir and exported again with the same search, is the same
// bytes; and it holds exactly the search's works.
func TestExportSearchRoundTrip(t *testing.T) {
	data := newDataDir(t)
	for _, search := range []string{"realism=realistic&sort=year", "q=room", "medium=manga&medium=anime_series&sort=title"} {
		t.Run(search, func(t *testing.T) {
			code, first, stderr := komoru(t, "", nil, "export", "--data", data, "--search", search)
			if code != 0 {
				t.Fatalf("export: exit %d: %s", code, stderr)
			}
			all := strings.Count(first, "\n")
			if all == 0 {
				t.Fatal("the search exported nothing; the case needs works")
			}
			_, whole, _ := komoru(t, "", nil, "export", "--data", data)
			if all >= strings.Count(whole, "\n") {
				t.Errorf("the search exported %d works, as many as the whole catalog", all)
			}
			empty := t.TempDir()
			if code, _, stderr := komoru(t, first, nil, "import", "--data", empty, "--seed=false", "-"); code != 0 {
				t.Fatalf("import -: exit %d: %s", code, stderr)
			}
			code, second, stderr := komoru(t, "", nil, "export", "--data", empty, "--search", search)
			if code != 0 {
				t.Fatalf("export again: exit %d: %s", code, stderr)
			}
			if first != second {
				t.Errorf("the export of %q changed after a round trip:\n%s\n---\n%s", search, first[:min(300, len(first))], second[:min(300, len(second))])
			}
		})
	}
}

// TestExportFormats: every format of the registry, of a search and of the
// whole catalog, through the command.
func TestExportFormats(t *testing.T) {
	data := newDataDir(t)
	for _, f := range export.Formats() {
		for _, search := range []string{"", "realism=realistic"} {
			code, out, stderr := komoru(t, "", nil, "export", "--data", data, "--format", f.Name, "--search", search,
				"--public-url", "https://komoru.example")
			if code != 0 || len(out) < 1000 {
				t.Errorf("export --format %s --search %q: exit %d, %d bytes: %s", f.Name, search, code, len(out), stderr)
			}
			if f.Name == "bibtex" && !strings.Contains(out, "url = {https://komoru.example/works/") {
				t.Errorf("export --format bibtex does not cite the work pages at --public-url")
			}
		}
	}
}

// TestExportSearchErrors: bad search parameters are usage errors naming
// each parameter, as the API's 400s do.
func TestExportSearchErrors(t *testing.T) {
	data := newDataDir(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--search", "realism=sparkly"}, `--search: realism: `},
		{[]string{"--search", "colour=red&year_from=soon"}, `--search: colour: unknown parameter: not a facet; year_from: must be a year`},
		{[]string{"--search", "sort=price"}, `--search: sort: must be relevance`},
		{[]string{"--search", "format=csv"}, "give the format with --format"},
		{[]string{"--search", "q=%zz"}, "--search must be URL parameters"},
		{[]string{"--format", "xlsx"}, `--format must be one of jsonl, json, csv, bibtex, ris, csljson, datapackage, got "xlsx"`},
	} {
		code, _, stderr := komoru(t, "", nil, append([]string{"export", "--data", data}, tc.args...)...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("export %v: exit %d, %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}

// TestExportBesideServer: while another process holds the data dir's
// index (a running server), an export of a search builds its own.
func TestExportBesideServer(t *testing.T) {
	data := newDataDir(t)
	ctx := context.Background()
	store := openData(t, data)
	ix, err := indexer.Open(ctx, filepath.Join(data, indexDir), store, indexer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := ix.IDs(ctx, indexer.Query{Text: "room", Typo: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	code, out, stderr := komoru(t, "", nil, "export", "--data", data, "--search", "q=room")
	if code != 0 || !strings.Contains(stderr, "building one for this export") {
		t.Fatalf("export beside a held index: exit %d, %s", code, stderr)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		w, err := catalog.ParseWork([]byte(line), catalog.DefaultCodebook())
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, w.ID)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("export beside a held index = %v, want the search's %v", got, want)
	}
}
