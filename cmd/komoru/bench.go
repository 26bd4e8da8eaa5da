package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/indexer"
)

// benchQuery is one line of a query set (testdata/bench/queries.jsonl).
type benchQuery struct {
	Name    string              `json:"name"`
	Who     string              `json:"who"`
	Q       string              `json:"q"`
	Filters map[string][]string `json:"filters"`
	Facets  []string            `json:"facets"`
	Year    []int               `json:"year"`
	Sort    string              `json:"sort"`
	Page    int                 `json:"page"`
	Size    int                 `json:"size"`
	Fuzzy   bool                `json:"fuzzy"`
}

// benchReport is the JSON shape the benchmark kit merges peers' results
// with (doc/bench.md).
type benchReport struct {
	Peer  string `json:"peer"`
	N     int    `json:"n"`
	Build struct {
		Seconds      float64 `json:"seconds"`
		DocsPerS     float64 `json:"docs_per_s"`
		IndexBytes   int64   `json:"index_bytes"`
		PeakRSSBytes int64   `json:"peak_rss_bytes"`
	} `json:"build"`
	QueryPhase struct {
		PeakRSSBytes int64 `json:"peak_rss_bytes"`
	} `json:"query_phase"`
	Queries []benchResult `json:"queries"`
}

type benchResult struct {
	Name string `json:"name"`
	// P50us and P95us time the query computed whole, each run after the
	// index's caches are dropped, as the first search after a change is;
	// CachedP50us a run repeated on the same snapshot (its result cached).
	P50us       int64            `json:"p50_us"`
	P95us       int64            `json:"p95_us"`
	CachedP50us int64            `json:"cached_p50_us"`
	TotalHits   int              `json:"total_hits"`
	IDs         []string         `json:"ids"`
	Facets      map[string][]any `json:"facets"`
}

// facetTop is how many values of each facet the report lists.
const facetTop = 10

func runBench(ctx context.Context, e *env, args []string) error {
	cfg, err := parseFlagsOnly(e, "bench", args, "corpus", "queries", "repeats", "warmups", "data", "database", "log-level",
		"http", "duration", "concurrency", "json", "cache", "search-timeout", "max-searches",
		"generate", "KOMORU_CORPUS_SEED")
	if err != nil {
		return err
	}
	if cfg.httpBench {
		return runBenchHTTP(ctx, e, cfg)
	}
	for _, name := range []string{"duration", "concurrency", "json", "cache", "search-timeout", "max-searches"} {
		if cfg.given[name] {
			return usagef("--%s goes with --http", name)
		}
	}
	if (cfg.corpus == "") == (cfg.generate == "") {
		return usagef("give --corpus FILE or --generate N (a synthetic corpus of N works)")
	}
	corpus, err := benchCorpus(cfg)
	if err != nil {
		return err
	}
	defer corpus.Close()
	if cfg.queries == "" {
		cfg.queries = defaultBenchQueries
	}
	repeats, err1 := strconv.Atoi(cfg.repeats)
	warmups, err2 := strconv.Atoi(cfg.warmups)
	if err1 != nil || err2 != nil || repeats < 1 || warmups < 0 {
		return usagef("--repeats must be 1 or more and --warmups 0 or more")
	}
	queries, err := readBenchQueries(cfg.queries)
	if err != nil {
		return err
	}
	// A fresh, empty data dir: a temporary one unless --data names one,
	// which must then be empty.
	if !cfg.given["data"] {
		dir, err := os.MkdirTemp("", "komoru-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cfg.data = dir
	} else if ents, err := os.ReadDir(cfg.data); err == nil && len(ents) > 0 {
		return usagef("--data %s is not empty; bench needs a fresh data dir", cfg.data)
	}
	cfg.seed = false
	log := cfg.logger(e.stderr)

	var rep benchReport
	rep.Peer = "komoru"
	// KOMORU_BENCH_BUILDPROFILE writes a CPU profile of the build phase.
	if name := e.getenv("KOMORU_BENCH_BUILDPROFILE"); name != "" {
		pf, err := os.Create(name)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer pf.Close()
	}
	start := time.Now()
	store, err := openCatalog(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer store.Close()
	if n, err := store.LastSeq(ctx); err != nil {
		return err
	} else if n > 0 {
		return usagef("--database holds a catalog already; bench imports its corpus into an empty one")
	}
	ir, err := importCorpus(ctx, store, corpus)
	if err != nil {
		return err
	}
	imported := time.Since(start)
	dir := filepath.Join(cfg.data, indexDir)
	opts := indexer.Options{Codebook: store.Codebook(), Logger: log}
	if err := indexer.Build(ctx, dir, store, opts); err != nil {
		return err
	}
	rep.Build.Seconds = time.Since(start).Seconds()
	rep.N = ir.Created
	rep.Build.DocsPerS = float64(rep.N) / rep.Build.Seconds
	rep.Build.PeakRSSBytes = peakRSS()
	pprof.StopCPUProfile()
	fmt.Fprintf(e.stderr, "bench: imported %d works in %.1fs, built the index in %.1fs\n",
		rep.N, imported.Seconds(), rep.Build.Seconds-imported.Seconds())

	// The query phase starts from a clean slate: memory returned, the
	// peak reset, the index reopened as a server opens it.
	runtime.GC()
	debug.FreeOSMemory()
	resetPeakRSS()
	ix, err := indexer.Open(ctx, dir, store, opts)
	if err != nil {
		return err
	}
	defer ix.Close()
	rep.Build.IndexBytes = ix.Size()
	// KOMORU_BENCH_CPUPROFILE writes a CPU profile of the query phase.
	if name := e.getenv("KOMORU_BENCH_CPUPROFILE"); name != "" {
		pf, err := os.Create(name)
		if err != nil {
			return err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	for _, bq := range queries {
		q := bq.query()
		var res *indexer.Result
		for range warmups {
			if res, err = ix.Search(ctx, q); err != nil {
				return fmt.Errorf("query %s: %w", bq.Name, err)
			}
		}
		timed := func(cold bool) ([]time.Duration, error) {
			times := make([]time.Duration, 0, repeats)
			for range repeats {
				if cold {
					ix.DropCaches()
				}
				t0 := time.Now()
				res, err = ix.Search(ctx, q)
				times = append(times, time.Since(t0))
				if err != nil {
					return nil, fmt.Errorf("query %s: %w", bq.Name, err)
				}
			}
			slices.Sort(times)
			return times, nil
		}
		times, err := timed(true)
		if err != nil {
			return err
		}
		cached, err := timed(false)
		if err != nil {
			return err
		}
		r := benchResult{Name: bq.Name, TotalHits: res.Total, IDs: []string{}, Facets: map[string][]any{},
			P50us: percentile(times, 50).Microseconds(), P95us: percentile(times, 95).Microseconds(),
			CachedP50us: percentile(cached, 50).Microseconds()}
		for _, h := range res.Hits {
			r.IDs = append(r.IDs, h.ID)
		}
		for _, fr := range res.Facets {
			vals := slices.Clone(fr.Values)
			slices.SortStableFunc(vals, func(a, b indexer.FacetValue) int { return b.Count - a.Count })
			top := []any{}
			for _, v := range vals[:min(facetTop, len(vals))] {
				if v.Count > 0 {
					top = append(top, []any{v.Value, v.Count})
				}
			}
			r.Facets[fr.Name] = top
		}
		rep.Queries = append(rep.Queries, r)
	}
	rep.QueryPhase.PeakRSSBytes = peakRSS()
	fmt.Fprintf(e.stderr, "bench: %s\n", memStatus())
	out, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(e.stdout, "%s\n", out)
	return err
}

func (bq benchQuery) query() indexer.Query {
	q := indexer.Query{Text: bq.Q, Filters: bq.Filters, Sort: bq.Sort, Page: bq.Page, Size: bq.Size,
		Typo: bq.Fuzzy, Facets: bq.Facets}
	if q.Facets == nil {
		q.Facets = []string{}
	}
	if len(bq.Year) == 2 {
		q.YearFrom, q.YearTo = bq.Year[0], bq.Year[1]
	}
	return q
}

func readBenchQueries(name string) ([]benchQuery, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var qs []benchQuery
	for i, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var q benchQuery
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&q); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, i+1, err)
		}
		qs = append(qs, q)
	}
	if len(qs) == 0 {
		return nil, fmt.Errorf("%s: no queries", name)
	}
	return qs, nil
}

// percentile returns the p-th percentile (nearest rank) of sorted times.
func percentile(sorted []time.Duration, p int) time.Duration {
	i := (len(sorted)*p+99)/100 - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// peakRSS returns the process's peak resident set (VmHWM) in bytes, 0
// where /proc does not say.
func peakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// resetPeakRSS starts a new peak (Linux: "5" to clear_refs).
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// importCorpus imports the corpus through the normal import path: one
// transaction, every line validated.
func importCorpus(ctx context.Context, store catalog.Writer, corpus io.Reader) (catalog.ImportReport, error) {
	var problems []string
	ir, err := catalog.Import(ctx, store, bufio.NewReaderSize(corpus, 1<<20), catalog.ImportOptions{
		Change:    catalog.Change{Author: "bench", Note: "bench corpus"},
		OnProblem: func(le *catalog.LineError) { problems = append(problems, le.Problems()...) },
	})
	if err != nil {
		return ir, err
	}
	if len(problems) > 0 {
		return ir, fmt.Errorf("corpus: %d bad lines, the first: %s", ir.Rejected, problems[0])
	}
	return ir, nil
}

// defaultBenchQueries is the query set that ships in the repo, for a run
// from the clone's root.
const defaultBenchQueries = "testdata/bench/queries.jsonl"

// benchCorpus opens --corpus, or generates --generate N works from --seed
// as they are read.
func benchCorpus(cfg *config) (io.ReadCloser, error) {
	if cfg.corpus != "" {
		return os.Open(cfg.corpus)
	}
	n, err1 := strconv.Atoi(cfg.generate)
	seed, err2 := strconv.ParseUint(cfg.corpusSeed, 10, 64)
	if err1 != nil || n < 1 || err2 != nil {
		return nil, usagef("--generate must be a number of works from 1 and --seed a number from 0, got %q and %q", cfg.generate, cfg.corpusSeed)
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(generateCorpus(pw, n, seed)) }()
	return pr, nil
}

// memStatus is the resident memory lines of /proc/self/status.
func memStatus() string {
	data, _ := os.ReadFile("/proc/self/status")
	var parts []string
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmHWM") || strings.HasPrefix(line, "VmRSS") || strings.HasPrefix(line, "Rss") {
			parts = append(parts, strings.Join(strings.Fields(line), " "))
		}
	}
	return strings.Join(parts, ", ")
}
