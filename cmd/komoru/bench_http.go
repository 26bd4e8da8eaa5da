package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/komoru/komoru/catalog"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/komoru/komoru/indexer"
	"github.com/komoru/komoru/server"
	"github.com/komoru/komoru/web"
)

// helloSize is the body of the hello-world beside the server: about a
// search page's worth of bytes to write, and nothing else to do.
const helloSize = 4 << 10

// maxWarmup bounds the warm-up before each measurement: long enough for
// the connections, the caches and the heap to settle.
const maxWarmup = time.Second

// httpTarget is one line of bench --http: a name and the paths it loads,
// round robin.
type httpTarget struct {
	name  string
	paths []string
	hello bool // served by the hello-world, not komoru
}

// httpBenchReport is the JSON of bench --http.
type httpBenchReport struct {
	Go         string  `json:"go"`
	GOMAXPROCS int     `json:"gomaxprocs"`
	Works      int     `json:"works"`
	DurationS  float64 `json:"duration_s"`
	WarmupS    float64 `json:"warmup_s"`
	// AccessLog is what the server logged: as much as an operator
	// redirecting serve's stderr to a file gets.
	AccessLog struct {
		Lines int   `json:"lines"`
		Bytes int64 `json:"bytes"`
	} `json:"access_log"`
	Notes   []string          `json:"notes"`
	Results []httpBenchResult `json:"results"`
}

type httpBenchResult struct {
	Target   string  `json:"target"`
	Clients  int     `json:"clients"`
	Requests int     `json:"requests"`
	Errors   int     `json:"errors"`
	Seconds  float64 `json:"seconds"`
	RPS      float64 `json:"requests_per_s"`
	P50us    int64   `json:"p50_us"`
	P99us    int64   `json:"p99_us"`
	// BodyBytes is the mean body of a response.
	BodyBytes int64 `json:"body_bytes"`
}

func runBenchHTTP(ctx context.Context, e *env, cfg *config) error {
	for _, name := range []string{"corpus", "repeats", "warmups"} {
		if cfg.given[name] {
			return usagef("--%s is for the import bench; --http loads an already indexed --data", name)
		}
	}
	plan, err := cfg.load()
	if err != nil {
		return err
	}
	limits, err := cfg.searchLimits()
	if err != nil {
		return err
	}
	rep := httpBenchReport{Go: runtime.Version(), GOMAXPROCS: runtime.GOMAXPROCS(0),
		DurationS: plan.duration.Seconds(), WarmupS: min(plan.duration, maxWarmup).Seconds()}
	targets := []httpTarget{
		{name: "hello", paths: []string{"/"}, hello: true},
		{name: "api_search", paths: []string{"/api/v1/search?q=game&realism=realistic"}},
		{name: "page_search", paths: []string{"/?q=game&realism=realistic"}},
		{name: "api_landing", paths: []string{"/api/v1/search"}},
	}
	var mixNotes []string
	if cfg.queries != "" {
		queries, err := readBenchQueries(cfg.queries)
		if err != nil {
			return err
		}
		paths, notes := apiPaths(queries)
		if len(paths) == 0 {
			return fmt.Errorf("%s: the API can express none of its queries", cfg.queries)
		}
		targets = append(targets, httpTarget{name: "api_mix", paths: paths})
		mixNotes = append([]string{fmt.Sprintf("api_mix: %d queries of %s, round robin, with typos only where a query says fuzzy (as the in-process bench)",
			len(paths), cfg.queries)}, notes...)
	}

	// The data dir must be one that is indexed already: opening builds a
	// missing index, minutes at 100,000 works, which is not the bench.
	if _, err := existingCatalog(cfg.data); err != nil {
		return err
	}
	dir := filepath.Join(cfg.data, indexDir)
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("data dir %q has no search index: make one with komoru index --rebuild, or komoru bench --corpus", cfg.data)
	}
	// The access log goes to a file, as serve's stderr redirected by an
	// operator: writing it is part of what a request costs.
	tmp, err := os.MkdirTemp("", "komoru-bench-http-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	logFile, err := os.Create(filepath.Join(tmp, "access.log"))
	if err != nil {
		return err
	}
	defer logFile.Close()
	log := cfg.logger(logFile)
	rep.Notes = append(rep.Notes,
		"the load generator runs in this process and shares its CPUs: figures are lower than wrk's from another process; compare the lines of one run, hello being the machine's ceiling",
		"komoru's access log goes to a file, as serve's stderr redirected ("+logFile.Name()+", removed after the run)")
	rep.Notes = append(rep.Notes, mixNotes...)

	// Opened read-only: the bench changes nothing in the data dir. The
	// index opens as serve opens it, and follows the catalog as serve's does.
	store, err := openCatalogReadOnly(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	if rep.Works, err = store.Count(ctx); err != nil {
		return err
	}
	pending, err := indexer.OpenInBackground(ctx, dir, store,
		indexer.Options{Codebook: store.Codebook(), Logger: log, NoCache: !cfg.cache}, rep.Works)
	if errors.Is(err, indexer.ErrLocked) {
		return fmt.Errorf("%w; bench --http needs a data dir no server is using", err)
	}
	if err != nil {
		return err
	}
	ix, err := pending.Wait(ctx)
	if err != nil {
		return fmt.Errorf("search index %s: %w", dir, err)
	}
	defer ix.Close()
	followCtx, stopFollow := context.WithCancel(ctx)
	followed := make(chan error, 1)
	go func() { followed <- ix.Follow(followCtx, followEvery) }()
	defer func() { stopFollow(); <-followed }()

	// serve's search limits, but a queue long enough for the most
	// clients: a search turned away (429) would end the run.
	limits.Queue = slices.Max(plan.clients)
	rep.Notes = append(rep.Notes, fmt.Sprintf("search limits: serve's (--max-searches, --search-timeout), with room to wait for all %d clients", limits.Queue))
	if !cfg.cache {
		rep.Notes = append(rep.Notes, "caches: off (--cache=false): every search computed whole")
	} else {
		rep.Notes = append(rep.Notes, "caches: on, as serve has them: a repeated search is answered from its result until the catalog changes")
	}
	komoruURL, stopKomoru, err := serveKomoru(store, pending, log, limits)
	if err != nil {
		return err
	}
	defer stopKomoru()
	helloURL, stopHello, err := serveHello()
	if err != nil {
		return err
	}
	defer stopHello()

	table := !cfg.jsonOut
	if table {
		fmt.Fprintf(e.stdout, "komoru bench --http: %d works in %s; %s, GOMAXPROCS %d\n", rep.Works, cfg.data, rep.Go, rep.GOMAXPROCS)
		fmt.Fprintf(e.stdout, "each line: %v of load after a %v warm-up, one keep-alive connection per client\n", plan.duration, min(plan.duration, maxWarmup))
		for _, n := range rep.Notes {
			fmt.Fprintln(e.stdout, n)
		}
		fmt.Fprintf(e.stdout, "\n%-12s %7s %9s %9s %8s %8s %8s %6s\n", "target", "clients", "requests", "req/s", "p50 ms", "p99 ms", "KB/resp", "errors")
	}
	var failed error
	for _, t := range targets {
		base := komoruURL
		if t.hello {
			base = helloURL
		}
		urls := make([]string, len(t.paths))
		for i, p := range t.paths {
			urls[i] = base + p
		}
		for _, c := range plan.clients {
			run := loadTarget(ctx, urls, c, plan.duration)
			if err := ctx.Err(); err != nil {
				return err
			}
			r := run.result(t.name, c)
			rep.Results = append(rep.Results, r)
			if table {
				fmt.Fprintf(e.stdout, "%-12s %7d %9d %9.0f %8.2f %8.2f %8.1f %6d\n", r.Target, r.Clients, r.Requests, r.RPS,
					float64(r.P50us)/1000, float64(r.P99us)/1000, float64(r.BodyBytes)/1024, r.Errors)
			} else {
				fmt.Fprintf(e.stderr, "bench: %s, %d clients: %.0f requests/s\n", r.Target, r.Clients, r.RPS)
			}
			if run.errors > 0 {
				failed = fmt.Errorf("%s with %d clients: %d requests failed; the first: %s", t.name, c, run.errors, run.firstErr)
				break
			}
		}
		if failed != nil {
			break
		}
	}

	rep.AccessLog.Lines, rep.AccessLog.Bytes, err = countLines(logFile.Name())
	if err != nil {
		return err
	}
	if table {
		fmt.Fprintf(e.stdout, "\naccess log: %d lines, %.1f MB\n", rep.AccessLog.Lines, float64(rep.AccessLog.Bytes)/1e6)
	} else {
		out, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(e.stdout, "%s\n", out); err != nil {
			return err
		}
	}
	return failed
}

// serveKomoru serves the real server, built as serve builds it, on a
// loopback port; it returns its base URL and how to stop it.
func serveKomoru(store catalog.Store, pending *indexer.Pending, log *slog.Logger, limits server.SearchLimits) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	base := "http://" + ln.Addr().String()
	srv, err := server.New(server.Config{Store: store, Search: pending, Index: pending, Codebook: store.Codebook(),
		Assets: web.FS, Logger: log, PublicURL: base, SearchLimits: limits})
	if err != nil {
		ln.Close()
		return "", nil, err
	}
	// serve's timeouts: each sets a deadline on the connection per request.
	hs := newHTTPServer(srv.Handler())
	go hs.Serve(server.Listener(ln))
	return base, func() { hs.Close() }, nil
}

// serveHello serves a plain net/http handler answering helloSize bytes on
// a loopback port: the most requests/s this machine and this load
// generator can make, for the other lines to be read against.
func serveHello() (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	body := bytes.Repeat([]byte("hello, world\n"), helloSize/13+1)[:helloSize]
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write(body)
	})}
	go hs.Serve(ln)
	return "http://" + ln.Addr().String(), func() { hs.Close() }, nil
}

// apiPaths turns a query set into /api/v1/search paths, run as the
// in-process bench runs them (typo only where the query says fuzzy); with
// notes on what the API cannot say.
func apiPaths(queries []benchQuery) ([]string, []string) {
	var paths, notes []string
	withFacets := 0
	for _, bq := range queries {
		v := url.Values{}
		if bq.Q != "" {
			v.Set("q", bq.Q)
		}
		for name, vals := range bq.Filters {
			for _, val := range vals {
				v.Add(name, val)
			}
		}
		switch len(bq.Year) {
		case 0:
		case 2:
			v.Set("year_from", strconv.Itoa(bq.Year[0]))
			v.Set("year_to", strconv.Itoa(bq.Year[1]))
		default:
			notes = append(notes, fmt.Sprintf("api_mix: query %s left out: its year is not a [from, to] pair", bq.Name))
			continue
		}
		if bq.Sort != "" {
			v.Set("sort", bq.Sort)
		}
		if bq.Page != 0 {
			v.Set("page", strconv.Itoa(bq.Page))
		}
		if bq.Size != 0 {
			v.Set("size", strconv.Itoa(bq.Size))
		}
		v.Set("typo", strconv.FormatBool(bq.Fuzzy))
		if bq.Facets != nil {
			withFacets++
		}
		paths = append(paths, "/api/v1/search?"+v.Encode())
	}
	if withFacets > 0 {
		notes = append(notes, fmt.Sprintf("api_mix: the API counts every facet, so the facet lists of %d queries are not sent", withFacets))
	}
	return paths, notes
}

// loadRun is what c clients got from loading one target.
type loadRun struct {
	latencies []time.Duration // of the 200s, sorted
	errors    int
	firstErr  string
	body      int64 // bytes of the 200s' bodies
	elapsed   time.Duration
}

// loadTarget loads urls, round robin, with c clients, each on its own
// keep-alive connection, for a warm-up and then for d.
func loadTarget(ctx context.Context, urls []string, c int, d time.Duration) loadRun {
	// No proxy from the environment, no gzip: the bytes the server
	// writes are the bytes read.
	tr := &http.Transport{MaxIdleConnsPerHost: c, MaxConnsPerHost: c, DisableCompression: true,
		DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext}
	defer tr.CloseIdleConnections()
	warm := load(ctx, tr, urls, c, min(d, maxWarmup))
	run := load(ctx, tr, urls, c, d)
	if run.errors == 0 && warm.errors > 0 {
		run.errors, run.firstErr = warm.errors, warm.firstErr+" (in the warm-up)"
	}
	return run
}

func load(ctx context.Context, tr *http.Transport, urls []string, c int, d time.Duration) loadRun {
	runs := make([]loadRun, c)
	var next atomic.Uint64
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(d)
	for i := range runs {
		r := &runs[i]
		wg.Go(func() {
			for ctx.Err() == nil && time.Now().Before(deadline) {
				u := urls[(next.Add(1)-1)%uint64(len(urls))]
				t0 := time.Now()
				n, err := get(ctx, tr, u)
				took := time.Since(t0)
				if err != nil {
					if r.errors == 0 {
						r.firstErr = err.Error()
					}
					r.errors++
					continue
				}
				r.latencies = append(r.latencies, took)
				r.body += n
			}
		})
	}
	wg.Wait()
	all := loadRun{elapsed: time.Since(start)}
	for _, r := range runs {
		all.latencies = append(all.latencies, r.latencies...)
		all.body += r.body
		if all.errors == 0 {
			all.firstErr = r.firstErr
		}
		all.errors += r.errors
	}
	slices.Sort(all.latencies)
	return all
}

// get fetches u and reads its body whole; a status other than 200 is an
// error.
func get(ctx context.Context, tr *http.Transport, u string) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	res, err := tr.RoundTrip(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(res.Body, 200))
		return 0, fmt.Errorf("GET %s: %s: %s", u, res.Status, bytes.TrimSpace(msg))
	}
	n, err := io.Copy(io.Discard, res.Body)
	if err != nil {
		return n, fmt.Errorf("GET %s: reading the body: %w", u, err)
	}
	return n, nil
}

// countLines returns the lines and the bytes of the named file.
func countLines(name string) (int, int64, error) {
	f, err := os.Open(name)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	lines, size := 0, int64(0)
	buf := make([]byte, 64<<10)
	for {
		n, err := f.Read(buf)
		lines += bytes.Count(buf[:n], []byte("\n"))
		size += int64(n)
		if err == io.EOF {
			return lines, size, nil
		}
		if err != nil {
			return lines, size, err
		}
	}
}

func (r loadRun) result(target string, clients int) httpBenchResult {
	out := httpBenchResult{Target: target, Clients: clients, Requests: len(r.latencies), Errors: r.errors,
		Seconds: r.elapsed.Seconds()}
	if out.Requests > 0 {
		out.RPS = float64(out.Requests) / r.elapsed.Seconds()
		out.P50us = percentile(r.latencies, 50).Microseconds()
		out.P99us = percentile(r.latencies, 99).Microseconds()
		out.BodyBytes = r.body / int64(out.Requests)
	}
	return out
}
