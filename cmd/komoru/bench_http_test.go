package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/sqlite"
)

const benchQueries = "../../testdata/bench/queries.jsonl"

// indexedDataDir makes a data dir of the shipped catalog, indexed.
func indexedDataDir(t *testing.T) string {
	t.Helper()
	data := filepath.Join(t.TempDir(), "data")
	if code, _, stderr := komoru(t, "", nil, "index", "--rebuild", "--data", data); code != 0 {
		t.Fatalf("index --rebuild: exit %d: %s", code, stderr)
	}
	return data
}

// TestBenchHTTP loads the real server on a small catalog briefly: every
// target at every concurrency answers, all 200s. The figures themselves
// depend on the machine and are not checked.
func TestBenchHTTP(t *testing.T) {
	data := indexedDataDir(t)
	code, stdout, stderr := komoru(t, "", nil, "bench", "--http", "--data", data, "--duration", "200ms",
		"--concurrency", "1,2", "--queries", benchQueries, "--json")
	if code != 0 {
		t.Fatalf("bench --http: exit %d: %s", code, stderr)
	}
	var rep httpBenchReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("bench --http output is not the report: %v\n%s", err, stdout)
	}
	if rep.GOMAXPROCS < 1 || !strings.HasPrefix(rep.Go, "go") || rep.Works == 0 {
		t.Errorf("report header = go %q, GOMAXPROCS %d, works %d", rep.Go, rep.GOMAXPROCS, rep.Works)
	}
	type line struct {
		target  string
		clients int
	}
	got := map[line]httpBenchResult{}
	for _, r := range rep.Results {
		got[line{r.Target, r.Clients}] = r
	}
	for _, target := range []string{"hello", "api_search", "page_search", "api_landing", "api_mix"} {
		for _, c := range []int{1, 2} {
			r, ok := got[line{target, c}]
			switch {
			case !ok:
				t.Errorf("no result for %s with %d clients", target, c)
			case r.Requests <= 0 || r.Errors != 0 || r.P50us > r.P99us || r.RPS <= 0:
				t.Errorf("%s with %d clients: %+v; want requests, no errors, p50 <= p99", target, c, r)
			}
		}
	}
	if len(rep.Results) != 10 {
		t.Errorf("%d results, want 10 (5 targets × 2 concurrencies)", len(rep.Results))
	}
	if n := got[line{"hello", 1}].BodyBytes; n != helloSize {
		t.Errorf("hello's body: %d bytes, want %d", n, helloSize)
	}
	// Every request komoru answered, warm-ups included, has its line.
	served := 0
	for _, r := range rep.Results {
		if r.Target != "hello" {
			served += r.Requests
		}
	}
	if rep.AccessLog.Lines < served {
		t.Errorf("access log: %d lines for at least %d requests", rep.AccessLog.Lines, served)
	}

	if !slices.ContainsFunc(rep.Notes, func(n string) bool { return strings.HasPrefix(n, "caches: on") }) {
		t.Errorf("the report does not say searches are cached: %q", rep.Notes)
	}

	// The table says what the figures are; with --cache=false, searches
	// are computed whole and still answer.
	code, stdout, stderr = komoru(t, "", nil, "bench", "--http", "--data", data, "--duration", "50ms", "--concurrency", "1", "--cache=false")
	if code != 0 {
		t.Fatalf("bench --http (table): exit %d: %s", code, stderr)
	}
	for _, want := range []string{"GOMAXPROCS", "shares its CPUs", "access log goes to a file", "caches: off", "\nhello ", "\napi_search ", "\npage_search ", "\napi_landing "} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the table has no %q:\n%s", want, stdout)
		}
	}
}

func TestBenchHTTPUsage(t *testing.T) {
	data := indexedDataDir(t)
	// A catalog never indexed: bench --http does not build the index.
	unindexed := t.TempDir()
	store, err := sqlite.Open(context.Background(), filepath.Join(unindexed, catalogFile), catalog.DefaultCodebook())
	if err != nil {
		t.Fatal(err)
	}
	store.Close()
	tests := []struct {
		args    []string
		environ map[string]string
		code    int
		stderr  string
	}{
		{[]string{"--concurrency", "0"}, nil, 2, "--concurrency must be comma-separated numbers of clients from 1 to"},
		{[]string{"--concurrency", "1,x"}, nil, 2, "--concurrency must be"},
		{nil, map[string]string{"KOMORU_CONCURRENCY": "1,,8"}, 2, "--concurrency must be"},
		{[]string{"--duration", "-1"}, nil, 2, `--duration must be a duration from 10ms to 10m0s, such as 10s, got "-1"`},
		{[]string{"--duration", "1h"}, nil, 2, "--duration must be"},
		{[]string{"--corpus", testCorpus}, nil, 2, "--corpus is for the import bench"},
		{[]string{"--max-searches", "0"}, nil, 2, "--max-searches must be"},
		{[]string{"--data", data + "-typo"}, nil, 1, "does not exist (is --data right?)"},
		{[]string{"--data", t.TempDir()}, nil, 1, "has no catalog"},
		{[]string{"--data", unindexed}, nil, 1, "has no search index: make one with komoru index --rebuild"},
	}
	for _, tt := range tests {
		args := append([]string{"bench", "--http", "--data", data}, tt.args...)
		if code, _, stderr := komoru(t, "", tt.environ, args...); code != tt.code || !strings.Contains(stderr, tt.stderr) {
			t.Errorf("komoru %v (env %v): exit %d, %q; want %d and %q", args, tt.environ, code, stderr, tt.code, tt.stderr)
		}
	}
	// The load flags belong to --http.
	if code, _, stderr := komoru(t, "", nil, "bench", "--corpus", testCorpus, "--queries", benchQueries, "--duration", "1s"); code != 2 || !strings.Contains(stderr, "--duration goes with --http") {
		t.Errorf("bench --duration without --http: exit %d, %q; want 2", code, stderr)
	}
}

// TestBenchHTTPBusyIndex: a data dir a server is using is refused, and
// the refusal says why.
func TestBenchHTTPBusyIndex(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	startServe(t, data)
	code, _, stderr := komoru(t, "", nil, "bench", "--http", "--data", data, "--duration", "50ms", "--concurrency", "1")
	if code != 1 || !strings.Contains(stderr, "in use by another process") || !strings.Contains(stderr, "no server is using") {
		t.Errorf("bench --http on a served data dir: exit %d, %q; want 1 naming the lock", code, stderr)
	}
}
