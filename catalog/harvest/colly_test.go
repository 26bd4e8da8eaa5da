package harvest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/encoding/japanese"
)

const testAgent = "komoru/test (+https://komoru.example/contact)"

// testSite is an httptest server on 127.0.0.1 that counts the requests
// it gets per path and remembers when they came and who sent them.
type testSite struct {
	*httptest.Server
	mu     sync.Mutex
	hits   map[string]int
	times  map[string][]time.Time
	agents map[string]bool
}

// newTestSite serves routes; a missing /robots.txt answers 404.
func newTestSite(t *testing.T, routes map[string]http.HandlerFunc) *testSite {
	t.Helper()
	s := &testSite{hits: map[string]int{}, times: map[string][]time.Time{}, agents: map[string]bool{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		s.times[r.URL.Path] = append(s.times[r.URL.Path], time.Now())
		s.agents[r.UserAgent()] = true
		s.mu.Unlock()
		if h, ok := routes[r.URL.Path]; ok {
			h(w, r)
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *testSite) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

func (s *testSite) at(path string) []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.times[path]...)
}

func (s *testSite) total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.hits {
		n += c
	}
	return n
}

func servePage(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, body)
	}
}

func redirect(to string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, to, http.StatusFound) }
}

// flaky answers status (with Retry-After if set) the first n times,
// then a page.
func flaky(n, status int, retryAfter string) http.HandlerFunc {
	var mu sync.Mutex
	return func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n--
		fail := n >= 0
		mu.Unlock()
		if fail {
			if retryAfter != "" {
				w.Header().Set("Retry-After", retryAfter)
			}
			http.Error(w, "not now", status)
			return
		}
		servePage("<title>at last</title>")(w, r)
	}
}

// big writes size bytes, chunked (no Content-Length) if chunked.
func big(size int, chunked bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		if !chunked {
			w.Header().Set("Content-Length", fmt.Sprint(size))
		}
		block := []byte(strings.Repeat("x", 64<<10))
		for n := 0; n < size; n += len(block) {
			if _, err := w.Write(block); err != nil {
				return
			}
			if chunked {
				w.(http.Flusher).Flush()
			}
		}
	}
}

func testFetcher(t *testing.T, o Options) *Colly {
	t.Helper()
	if o.UserAgent == "" {
		o.UserAgent = testAgent
	}
	if o.Delay == 0 {
		o.Delay = 10 * time.Millisecond
	}
	f, err := NewColly(o)
	if err != nil {
		t.Fatal(err)
	}
	f.backoff = 10 * time.Millisecond
	return f
}

type outcome struct {
	page *Page
	err  error
}

// fetchAll fetches the URLs and checks fn was called exactly once for
// each time a URL was given.
func fetchAll(t *testing.T, ctx context.Context, f Fetcher, urls ...string) map[string]outcome {
	t.Helper()
	var mu sync.Mutex
	got := map[string]outcome{}
	calls := map[string]int{}
	f.Fetch(ctx, urls, func(u string, p *Page, err error) {
		mu.Lock()
		defer mu.Unlock()
		calls[u]++
		got[u] = outcome{p, err}
	})
	want := map[string]int{}
	for _, u := range urls {
		want[u]++
	}
	for u, n := range want {
		if calls[u] != n {
			t.Errorf("fn called %d times for %s, want %d", calls[u], u, n)
		}
	}
	if len(calls) != len(want) {
		t.Errorf("fn called for %d URLs, want %d: %v", len(calls), len(want), calls)
	}
	return got
}

func TestNewCollyNeedsUserAgent(t *testing.T) {
	if _, err := NewColly(Options{}); err == nil || !strings.Contains(err.Error(), "User-Agent") {
		t.Errorf("NewColly without a User-Agent: %v, want an error naming the User-Agent", err)
	}
}

// TestCollyFailures fetches failing pages among good ones: each fails
// with its reason, the good ones arrive.
func TestCollyFailures(t *testing.T) {
	other := newTestSite(t, map[string]http.HandlerFunc{"/elsewhere": servePage("<title>elsewhere</title>")})
	s := newTestSite(t, map[string]http.HandlerFunc{
		"/robots.txt": func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, "User-agent: *\nDisallow: /private\n")
		},
		"/good":    servePage("<title>good</title>"),
		"/good2":   servePage("<title>good too</title>"),
		"/private": servePage("<title>private</title>"),
		"/loop-a":  redirect("/loop-b"),
		"/loop-b":  redirect("/loop-a"),
		"/self":    redirect("/self"),
		"/away":    redirect(strings.Replace(other.URL, "127.0.0.1", "localhost", 1) + "/elsewhere"),
		"/moved":   redirect("/good2"),
		"/big":     big(20<<20, false),
		"/chunked": big(20<<20, true),
		"/gone":    func(w http.ResponseWriter, r *http.Request) { http.Error(w, "gone", http.StatusGone) },
	})
	tests := []struct {
		path    string
		wantErr string // "" for a page
		wantURL string // the page's URL, after redirects
		hits    int    // requests the path should get; -1 to not check
	}{
		{path: "/good", wantURL: "/good", hits: 1},
		{path: "/moved", wantURL: "/good2", hits: 1},
		{path: "/private", wantErr: "robots.txt disallows", hits: 0},
		{path: "/loop-a", wantErr: "redirect loop", hits: -1},
		{path: "/self", wantErr: "redirect loop", hits: -1},
		{path: "/away", wantErr: "leaves the sites asked for", hits: 1},
		{path: "/big", wantErr: "over the 5 MiB limit", hits: 1},
		{path: "/chunked", wantErr: "over the 5 MiB limit", hits: 1},
		{path: "/gone", wantErr: "HTTP 410 Gone", hits: 1},
		{path: "/missing", wantErr: "HTTP 404", hits: 1},
	}
	var urls []string
	for _, tt := range tests {
		urls = append(urls, s.URL+tt.path)
	}
	bad := []string{"ftp://example.org/x", "no scheme here", "http://"}
	urls = append(urls, bad...)
	got := fetchAll(t, context.Background(), testFetcher(t, Options{}), urls...)
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			o := got[s.URL+tt.path]
			switch {
			case tt.wantErr == "" && o.err != nil:
				t.Fatalf("error %v, want a page", o.err)
			case tt.wantErr == "":
				if o.page.URL.String() != s.URL+tt.wantURL {
					t.Errorf("page URL %s, want %s", o.page.URL, s.URL+tt.wantURL)
				}
			case o.err == nil:
				t.Fatalf("got a page, want an error with %q", tt.wantErr)
			case !strings.Contains(o.err.Error(), tt.wantErr):
				t.Errorf("error %q, want it to say %q", o.err, tt.wantErr)
			}
			if tt.hits >= 0 && s.count(tt.path) != tt.hits {
				t.Errorf("%d requests for %s, want %d", s.count(tt.path), tt.path, tt.hits)
			}
		})
	}
	for _, u := range bad {
		if err := got[u].err; err == nil || !strings.Contains(err.Error(), fmt.Sprintf("%q", u)) {
			t.Errorf("%s: error %v, want one naming the URL", u, err)
		}
	}
	if n := other.total(); n != 0 {
		t.Errorf("the other host got %d requests, want none", n)
	}
	if s.count("/robots.txt") != 1 {
		t.Errorf("robots.txt asked for %d times, want once", s.count("/robots.txt"))
	}
}

// TestCollyTimeout gives up on a page that does not come within the
// timeout; the page after it on the same host still comes.
func TestCollyTimeout(t *testing.T) {
	s := newTestSite(t, map[string]http.HandlerFunc{
		"/slow": func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-time.After(2 * time.Second):
			case <-r.Context().Done():
			}
			servePage("<title>too late</title>")(w, r)
		},
		"/a": servePage("<title>a</title>"),
	})
	got := fetchAll(t, context.Background(), testFetcher(t, Options{Timeout: 300 * time.Millisecond}), s.URL+"/slow", s.URL+"/a")
	if err := got[s.URL+"/slow"].err; err == nil || !strings.Contains(err.Error(), "300ms timeout") {
		t.Errorf("slow page: error %v, want one naming the 300ms timeout", err)
	}
	if err := got[s.URL+"/a"].err; err != nil {
		t.Errorf("page after the slow one: %v", err)
	}
}

func TestCollyRetries(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		retries int
		wantErr string
		hits    int
		minGap  time.Duration // least time between the first two requests
	}{
		{name: "429 then 200 after Retry-After", handler: flaky(1, http.StatusTooManyRequests, "1"), hits: 2, minGap: time.Second},
		{name: "503 twice then 200", handler: flaky(2, http.StatusServiceUnavailable, ""), hits: 3},
		{name: "Retry-After as a date", handler: flaky(1, http.StatusTooManyRequests, time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)), hits: 2},
		{name: "500 past the retries", handler: flaky(10, http.StatusInternalServerError, ""), retries: 2, wantErr: "HTTP 500", hits: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestSite(t, map[string]http.HandlerFunc{"/p": tt.handler})
			got := fetchAll(t, context.Background(), testFetcher(t, Options{Retries: tt.retries}), s.URL+"/p")[s.URL+"/p"]
			switch {
			case tt.wantErr == "" && got.err != nil:
				t.Errorf("error %v, want a page", got.err)
			case tt.wantErr != "" && (got.err == nil || !strings.Contains(got.err.Error(), tt.wantErr)):
				t.Errorf("error %v, want one saying %q", got.err, tt.wantErr)
			}
			if n := s.count("/p"); n != tt.hits {
				t.Errorf("%d requests, want %d", n, tt.hits)
			}
			if ts := s.at("/p"); len(ts) >= 2 && ts[1].Sub(ts[0]) < tt.minGap {
				t.Errorf("retried after %v, want at least %v", ts[1].Sub(ts[0]), tt.minGap)
			}
		})
	}
}

func TestCollyDelay(t *testing.T) {
	const delay = 300 * time.Millisecond
	s := newTestSite(t, map[string]http.HandlerFunc{"/a": servePage("<title>a</title>"), "/b": servePage("<title>b</title>")})
	got := fetchAll(t, context.Background(), testFetcher(t, Options{Delay: delay}), s.URL+"/a", s.URL+"/b")
	for u, o := range got {
		if o.err != nil {
			t.Fatalf("%s: %v", u, o.err)
		}
	}
	robots, a, b := s.at("/robots.txt")[0], s.at("/a")[0], s.at("/b")[0]
	if b.Before(a) {
		a, b = b, a
	}
	if gap := b.Sub(a); gap < delay {
		t.Errorf("two requests to one host %v apart, want at least %v", gap, delay)
	}
	if gap := a.Sub(robots); gap < delay {
		t.Errorf("the first page asked for %v after robots.txt, want at least %v", gap, delay)
	}
}

func TestCollyUserAgent(t *testing.T) {
	s := newTestSite(t, map[string]http.HandlerFunc{"/a": servePage("<title>a</title>")})
	fetchAll(t, context.Background(), testFetcher(t, Options{}), s.URL+"/a")
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.agents) != 1 || !s.agents[testAgent] {
		t.Errorf("User-Agents received %v, want only %q", s.agents, testAgent)
	}
	if s.hits["/robots.txt"] != 1 || s.hits["/a"] != 1 {
		t.Errorf("requests %v, want robots.txt and /a once each", s.hits)
	}
}

func TestCollyCharsets(t *testing.T) {
	const word = "「ひきこもり」"
	encode := func(t *testing.T, enc interface{ String(string) (string, error) }, s string) string {
		t.Helper()
		out, err := enc.String(s)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	sjis := japanese.ShiftJIS.NewEncoder()
	eucjp := japanese.EUCJP.NewEncoder()
	pad := strings.Repeat("<!-- padding past the first 1024 bytes -->\n", 40)
	tests := []struct {
		name, contentType, body string
	}{
		{"Shift_JIS in a meta", "text/html", encode(t, sjis, `<html><head><meta charset="Shift_JIS"><title>`+word+`</title></head></html>`)},
		{"Shift_JIS in http-equiv", "text/html", encode(t, sjis, `<html><head><meta http-equiv="Content-Type" content="text/html; charset=shift_jis"><title>`+word+`</title></head></html>`)},
		{"EUC-JP in the header", "text/html; charset=EUC-JP", encode(t, eucjp, `<html><head><title>`+word+`</title></head></html>`)},
		{"UTF-8 declared nowhere", "text/html", `<html><head>` + pad + `<title>` + word + `</title></head></html>`},
		{"UTF-8 in the header", "text/html; charset=utf-8", `<html><head><title>` + word + `</title></head></html>`},
	}
	routes := map[string]http.HandlerFunc{}
	for i, tt := range tests {
		routes[fmt.Sprintf("/%d", i)] = func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", tt.contentType)
			fmt.Fprint(w, tt.body)
		}
	}
	s := newTestSite(t, routes)
	var urls []string
	for i := range tests {
		urls = append(urls, fmt.Sprintf("%s/%d", s.URL, i))
	}
	got := fetchAll(t, context.Background(), testFetcher(t, Options{}), urls...)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := got[urls[i]]
			if o.err != nil {
				t.Fatal(o.err)
			}
			if title := o.page.Doc().Find("title").Text(); title != word {
				t.Errorf("title %q, want %q", title, word)
			}
			if o.page.ContentType != "text/html" {
				t.Errorf("content type %q, want text/html", o.page.ContentType)
			}
		})
	}
}

// TestCollyCache fetches pages twice, the second time with a new
// fetcher on the same cache: the server hears nothing, robots.txt
// included, and the pages are the same.
func TestCollyCache(t *testing.T) {
	s := newTestSite(t, map[string]http.HandlerFunc{
		"/robots.txt": func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "User-agent: *\nDisallow: /private\n") },
		"/a":          servePage("<title>a</title>"),
		"/old":        redirect("/b"),
		"/b":          servePage("<title>b</title>"),
		"/sjis": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=Shift_JIS")
			out, _ := japanese.ShiftJIS.NewEncoder().String("<title>ひきこもり</title>")
			fmt.Fprint(w, out)
		},
	})
	dir := t.TempDir()
	urls := []string{s.URL + "/a", s.URL + "/old", s.URL + "/sjis"}
	first := fetchAll(t, context.Background(), testFetcher(t, Options{CacheDir: dir}), urls...)
	before := s.total()
	if before == 0 {
		t.Fatal("the first crawl made no request")
	}
	second := fetchAll(t, context.Background(), testFetcher(t, Options{CacheDir: dir}), urls...)
	if n := s.total() - before; n != 0 {
		t.Errorf("the second crawl made %d requests, want none", n)
	}
	for _, u := range urls {
		a, b := first[u], second[u]
		if a.err != nil || b.err != nil {
			t.Errorf("%s: errors %v then %v", u, a.err, b.err)
			continue
		}
		if a.page.URL.String() != b.page.URL.String() || string(a.page.Body) != string(b.page.Body) || a.page.ContentType != b.page.ContentType {
			t.Errorf("%s: from the cache %s %q %q, want %s %q %q", u, b.page.URL, b.page.ContentType, b.page.Body, a.page.URL, a.page.ContentType, a.page.Body)
		}
	}
	if got := second[s.URL+"/sjis"].page; got != nil && got.Doc().Find("title").Text() != "ひきこもり" {
		t.Errorf("cached Shift_JIS page reads %q", got.Body)
	}
}

// TestCollyCancel cancels the crawl before it starts and while a page is
// being read: that page and the ones not asked for yet end with
// context.Canceled.
func TestCollyCancel(t *testing.T) {
	entered := make(chan struct{}, 1)
	s := newTestSite(t, map[string]http.HandlerFunc{
		"/a": servePage("<title>a</title>"),
		"/slow": func(w http.ResponseWriter, r *http.Request) {
			entered <- struct{}{}
			<-r.Context().Done()
		},
	})
	tests := []struct {
		name   string
		urls   []string
		cancel func(cancel context.CancelFunc)
	}{
		{"before", []string{s.URL + "/a", s.URL + "/b"}, func(cancel context.CancelFunc) { cancel() }},
		{"during", []string{s.URL + "/slow", s.URL + "/a"}, func(cancel context.CancelFunc) {
			go func() {
				<-entered
				cancel()
			}()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := s.count("/a")
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			tt.cancel(cancel)
			got := fetchAll(t, ctx, testFetcher(t, Options{}), tt.urls...)
			for u, o := range got {
				if !errors.Is(o.err, context.Canceled) {
					t.Errorf("%s: error %v, want context.Canceled", u, o.err)
				}
			}
			if n := s.count("/a") - before; n != 0 {
				t.Errorf("/a asked for %d times after cancelling, want none", n)
			}
		})
	}
}

// TestCollyParallelSites checks two sites are fetched at once: each
// page waits (a while at most) for the other site's request to come.
func TestCollyParallelSites(t *testing.T) {
	arrived := map[string]chan struct{}{"a": make(chan struct{}), "b": make(chan struct{})}
	var mu sync.Mutex
	met := 0
	wait := func(me, other string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			close(arrived[me])
			select {
			case <-arrived[other]:
				mu.Lock()
				met++
				mu.Unlock()
			case <-time.After(5 * time.Second):
			}
			servePage("<title>"+me+"</title>")(w, r)
		}
	}
	a := newTestSite(t, map[string]http.HandlerFunc{"/a": wait("a", "b")})
	b := newTestSite(t, map[string]http.HandlerFunc{"/b": wait("b", "a")})
	fetchAll(t, context.Background(), testFetcher(t, Options{}), a.URL+"/a", strings.Replace(b.URL, "127.0.0.1", "localhost", 1)+"/b")
	mu.Lock()
	defer mu.Unlock()
	if met != 2 {
		t.Errorf("the two sites' requests overlapped for %d of 2 pages, want both", met)
	}
}

// TestCollyOncePerURL gives a URL twice and checks fn and Progress.
func TestCollyOncePerURL(t *testing.T) {
	s := newTestSite(t, map[string]http.HandlerFunc{"/a": servePage("<title>a</title>"), "/b": servePage("<title>b</title>")})
	other := newTestSite(t, map[string]http.HandlerFunc{"/c": servePage("<title>c</title>")})
	var mu sync.Mutex
	var dones []int
	o := Options{Progress: func(done, total int, _ string, _ error) {
		mu.Lock()
		defer mu.Unlock()
		if total != 5 {
			t.Errorf("Progress total %d, want 5", total)
		}
		dones = append(dones, done)
	}}
	urls := []string{s.URL + "/a", s.URL + "/b", s.URL + "/a", strings.Replace(other.URL, "127.0.0.1", "localhost", 1) + "/c", "mailto:x@example.org"}
	got := fetchAll(t, context.Background(), testFetcher(t, o), urls...)
	for _, u := range urls[:4] {
		if got[u].err != nil {
			t.Errorf("%s: %v", u, got[u].err)
		}
	}
	if s.count("/a") != 1 {
		t.Errorf("/a asked for %d times, want once", s.count("/a"))
	}
	if fmt.Sprint(dones) != "[1 2 3 4 5]" {
		t.Errorf("Progress counted %v, want [1 2 3 4 5]", dones)
	}
}

func TestRetryWait(t *testing.T) {
	tr := &transport{o: Options{Delay: 100 * time.Millisecond, MaxRetryAfter: time.Minute}, backoff: time.Second}
	tests := []struct {
		retryAfter string
		attempt    int
		min, max   time.Duration
	}{
		{"", 0, time.Second, time.Second},
		{"", 2, 4 * time.Second, 4 * time.Second},
		{"", 10, time.Minute, time.Minute}, // capped
		{"3", 0, 3 * time.Second, 3 * time.Second},
		{"0", 0, 100 * time.Millisecond, 100 * time.Millisecond}, // at least Delay
		{"86400", 0, time.Minute, time.Minute},                   // capped
		{"soon", 1, 2 * time.Second, 2 * time.Second},            // unreadable: backoff
		{time.Now().Add(30 * time.Second).UTC().Format(http.TimeFormat), 0, 28 * time.Second, 30 * time.Second},
	}
	for _, tt := range tests {
		if got := tr.wait(tt.retryAfter, tt.attempt); got < tt.min || got > tt.max {
			t.Errorf("wait(%q, %d) = %v, want %v to %v", tt.retryAfter, tt.attempt, got, tt.min, tt.max)
		}
	}
}

func TestSiteOf(t *testing.T) {
	tests := []struct{ host, want string }{
		{"en.m.wikipedia.org", "wikipedia.org"},
		{"en.wikipedia.org", "wikipedia.org"},
		{"EN.Wikipedia.org.", "wikipedia.org"},
		{"www.example.co.jp", "example.co.jp"},
		{"127.0.0.1", "127.0.0.1"},
		{"::1", "::1"},
		{"localhost", "localhost"},
	}
	for _, tt := range tests {
		if got := siteOf(tt.host); got != tt.want {
			t.Errorf("siteOf(%q) = %q, want %q", tt.host, got, tt.want)
		}
	}
}

func TestSiteRule(t *testing.T) {
	tests := []struct {
		site, host string
		want       bool
	}{
		{"wikipedia.org", "en.wikipedia.org", true},
		{"wikipedia.org", "wikipedia.org:443", true},
		{"wikipedia.org", "notwikipedia.org", false},
		{"127.0.0.1", "127.0.0.1:8080", true},
		{"127.0.0.1", "127.0.0.10", false},
		{"::1", "[::1]:80", true},
	}
	for _, tt := range tests {
		r := siteRule(tt.site, time.Second)
		if err := r.Init(); err != nil {
			t.Fatal(err)
		}
		if got := r.Match(tt.host); got != tt.want {
			t.Errorf("rule for %s matches %s: %v, want %v", tt.site, tt.host, got, tt.want)
		}
	}
}

// TestCollyPublicOnly: a fetcher that serves users' requests connects to
// public addresses only; the test site, on loopback, is refused before a
// request reaches it.
func TestCollyPublicOnly(t *testing.T) {
	s := newTestSite(t, map[string]http.HandlerFunc{"/a": servePage("<title>a</title>")})
	got := fetchAll(t, context.Background(), testFetcher(t, Options{PublicOnly: true}), s.URL+"/a")
	if err := got[s.URL+"/a"].err; err == nil || !strings.Contains(err.Error(), "not a public address") {
		t.Errorf("a loopback page with PublicOnly: %v, want a refusal", err)
	}
	if n := s.total(); n != 0 {
		t.Errorf("%d requests reached the loopback site", n)
	}
	for addr, public := range map[string]bool{
		"127.0.0.1:80": false, "[::1]:443": false, "10.1.2.3:80": false, "192.168.0.1:80": false, "172.16.5.4:80": false,
		"169.254.169.254:80": false, "100.64.0.1:80": false, "0.0.0.0:80": false, "[::ffff:127.0.0.1]:80": false, "[fe80::1]:80": false,
		"93.184.216.34:443": true, "[2606:2800:220:1:248:1893:25c8:1946]:443": true,
	} {
		if err := refuseNonPublic("tcp", addr, nil); (err == nil) != public {
			t.Errorf("refuseNonPublic(%s) = %v, want public %v", addr, err, public)
		}
	}
}
