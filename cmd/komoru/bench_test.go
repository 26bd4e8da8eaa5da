package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/sqlite"
	"github.com/komoru/komoru/indexer"
)

const testCorpus = "../../indexer/testdata/search/catalog/works.jsonl"

func TestIndexRebuild(t *testing.T) {
	data := t.TempDir()
	if code, _, stderr := komoru(t, "", nil, "index", "--data", data); code != 2 || !strings.Contains(stderr, "--rebuild") {
		t.Errorf("index without --rebuild: exit %d, %q; want 2", code, stderr)
	}
	if code, _, stderr := komoru(t, "", nil, "import", "--data", data, "--seed=false", testCorpus); code != 0 {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	for i := range 2 { // building over an existing index swaps it
		if code, _, stderr := komoru(t, "", nil, "index", "--rebuild", "--data", data); code != 0 {
			t.Fatalf("index --rebuild #%d: exit %d: %s", i+1, code, stderr)
		}
	}
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(data, catalogFile), catalog.DefaultCodebook())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ix, err := indexer.Open(ctx, filepath.Join(data, indexDir), store, indexer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if res, err := ix.Search(ctx, indexer.Query{Text: "jellyfish"}); err != nil || res.Total != 1 {
		t.Errorf("search after rebuild: %+v, %v", res, err)
	}
	if _, err := os.Stat(filepath.Join(data, indexDir+".building")); !os.IsNotExist(err) {
		t.Errorf("the build directory was left behind: %v", err)
	}
}

func TestBench(t *testing.T) {
	queries := writeFile(t, "queries.jsonl", `{"name":"all","who":"x","q":"","filters":{},"facets":["realism","decade"],"size":3}
{"name":"text","who":"x","q":"online game","filters":{"realism":["realistic"]},"facets":["realism"],"size":20,"fuzzy":true}
{"name":"paged","who":"x","q":"","filters":{},"facets":[],"sort":"year","year":[1990,2020],"page":2,"size":2}
`)
	code, stdout, stderr := komoru(t, "", nil, "bench", "--corpus", testCorpus, "--queries", queries, "--repeats", "3", "--warmups", "1")
	if code != 0 {
		t.Fatalf("bench: exit %d: %s", code, stderr)
	}
	var rep benchReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("bench output is not the report: %v\n%s", err, stdout)
	}
	if rep.Peer != "komoru" || rep.N != 8 || rep.Build.DocsPerS <= 0 || rep.Build.IndexBytes <= 0 || len(rep.Queries) != 3 {
		t.Errorf("report = %+v", rep)
	}
	want := map[string]struct {
		total int
		ids   []string
	}{
		"all":   {8, []string{"cafe-solitude-novel", "closed-doors-documentary", "door-game"}},
		"text":  {1, []string{"door-game"}},
		"paged": {7, []string{"nhk-anime", "door-game"}},
	}
	for _, q := range rep.Queries {
		w := want[q.Name]
		if q.TotalHits != w.total || strings.Join(q.IDs, ",") != strings.Join(w.ids, ",") {
			t.Errorf("query %s: %d %v, want %d %v", q.Name, q.TotalHits, q.IDs, w.total, w.ids)
		}
	}
	all := rep.Queries[0].Facets
	if len(all["realism"]) != 3 || len(all["decade"]) != 4 {
		t.Errorf("facets of the first query = %v", all)
	}
	if top := all["realism"][0].([]any); top[0] != "realistic" || top[1] != 4.0 && top[1] != 4 {
		t.Errorf("top realism value = %v, want [realistic 4]", top)
	}

	// Usage errors.
	busy := t.TempDir()
	if err := os.WriteFile(filepath.Join(busy, "something"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"bench", "--queries", queries},
		{"bench", "--corpus", testCorpus, "--queries", queries, "--repeats", "0"},
		{"bench", "--corpus", testCorpus, "--queries", queries, "--data", busy},
	} {
		if code, _, stderr := komoru(t, "", nil, args...); code != 2 {
			t.Errorf("komoru %v: exit %d (%s), want 2", args, code, stderr)
		}
	}
}
