package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	neturl "net/url"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/sqlite"
	"github.com/komoru/komoru/indexer"
	"github.com/komoru/komoru/web"
)

// fakeSearcher stands in for the index where a test must hold a search
// at a known point: it says when a search has started, and answers only
// when released, with result or err.
type fakeSearcher struct {
	started chan struct{} // a search has started (buffered)
	release chan struct{} // closed: searches answer
	err     error
	// ctxErr makes a search wait for its context and return its error.
	ctxErr bool

	mu          sync.Mutex
	hadDeadline []bool // whether each search's context had a deadline
}

func newFakeSearcher() *fakeSearcher {
	return &fakeSearcher{started: make(chan struct{}, 16), release: make(chan struct{})}
}

func (f *fakeSearcher) Search(ctx context.Context, q indexer.Query) (*indexer.Result, error) {
	_, ok := ctx.Deadline()
	f.mu.Lock()
	f.hadDeadline = append(f.hadDeadline, ok)
	f.mu.Unlock()
	f.started <- struct{}{}
	if f.ctxErr {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	<-f.release
	if f.err != nil {
		return nil, f.err
	}
	return &indexer.Result{Page: 1, Size: 20}, nil
}

// newLimitedServer is the real router over an empty real catalog, with
// search as its Searcher and the given limits.
func newLimitedServer(t *testing.T, search Searcher, limits SearchLimits) *Server {
	t.Helper()
	store, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "catalog.db"), catalog.DefaultCodebook())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	s, err := New(Config{Store: store, Search: search, Codebook: store.Codebook(), Assets: web.FS, SearchLimits: limits})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// serveAsync serves a request in the background; the recorder is ready
// when the channel is closed.
func serveAsync(s *Server, req *http.Request) (*httptest.ResponseRecorder, <-chan struct{}) {
	rec, done := httptest.NewRecorder(), make(chan struct{})
	go func() {
		defer close(done)
		s.Handler().ServeHTTP(rec, req)
	}()
	return rec, done
}

// checkRefused checks a search turned away: status, Retry-After and, for
// the API, the error code.
func checkRefused(t *testing.T, what string, rec *httptest.ResponseRecorder, status int, code string) {
	t.Helper()
	if rec.Code != status {
		t.Errorf("%s: status %d, want %d; body %s", what, rec.Code, status, rec.Body)
	}
	if got := rec.Header().Get("Retry-After"); got != "1" {
		t.Errorf("%s: Retry-After %q, want 1", what, got)
	}
	if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		var body struct{ Error apiError }
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Error.Code != code || body.Error.Message == "" {
			t.Errorf("%s: body %s, want error code %q with a message", what, rec.Body, code)
		}
	} else if !strings.Contains(rec.Body.String(), "<h1>") {
		t.Errorf("%s: not the error page:\n%s", what, rec.Body)
	}
}

// TestSearchTurns: with every turn taken, a search waits in the queue if
// there is room and is turned away at once (429) if not; a search that
// waits too long gets a 503, one whose client left a 499. The search
// page and the stats, which search too, go through the same turns.
func TestSearchTurns(t *testing.T) {
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name   string
		limits SearchLimits
		url    string
		ctx    context.Context // of the second request; nil for its own
		status int
		code   string
	}{
		{"API, queue full", SearchLimits{Concurrent: 1, Queue: -1}, "/api/v1/search?q=door", nil, http.StatusTooManyRequests, "busy"},
		{"API without text, queue full", SearchLimits{Concurrent: 1, Queue: -1}, "/api/v1/search", nil, http.StatusTooManyRequests, "busy"},
		{"page, queue full", SearchLimits{Concurrent: 1, Queue: -1}, "/?q=door", nil, http.StatusTooManyRequests, ""},
		{"landing page, queue full", SearchLimits{Concurrent: 1, Queue: -1}, "/", nil, http.StatusTooManyRequests, ""},
		{"stats, queue full", SearchLimits{Concurrent: 1, Queue: -1}, "/stats", nil, http.StatusTooManyRequests, ""},
		{"API, waited too long", SearchLimits{Concurrent: 1, Queue: 1, Wait: time.Nanosecond}, "/api/v1/search?q=door", nil, http.StatusServiceUnavailable, "busy"},
		{"page, waited too long", SearchLimits{Concurrent: 1, Queue: 1, Wait: time.Nanosecond}, "/?q=door", nil, http.StatusServiceUnavailable, ""},
		{"API, client gone while waiting", SearchLimits{Concurrent: 1, Queue: 1, Wait: time.Hour}, "/api/v1/search?q=door", gone, statusClientClosed, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := newFakeSearcher()
			s := newLimitedServer(t, fs, tt.limits)
			// The first search takes the only turn and holds it.
			first, firstDone := serveAsync(s, httptest.NewRequest("GET", "/api/v1/search?q=first", nil))
			<-fs.started
			req := httptest.NewRequest("GET", tt.url, nil)
			if tt.ctx != nil {
				req = req.WithContext(tt.ctx)
			}
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			switch {
			case tt.status == statusClientClosed:
				if rec.Code != tt.status || rec.Header().Get("Retry-After") != "" {
					t.Errorf("GET %s: status %d, Retry-After %q; want %d and none", tt.url, rec.Code, rec.Header().Get("Retry-After"), tt.status)
				}
			default:
				checkRefused(t, "GET "+tt.url, rec, tt.status, tt.code)
			}
			close(fs.release)
			<-firstDone
			if first.Code != http.StatusOK {
				t.Errorf("the first search: status %d, want 200; body %s", first.Code, first.Body)
			}
			// The turn is free again.
			rec = request(t, s, "GET", "/api/v1/search?q=again")
			if rec.Code != http.StatusOK {
				t.Errorf("a search after the first: status %d, want 200; body %s", rec.Code, rec.Body)
			}
		})
	}
}

// TestSearchWaitsItsTurn: a search that finds every turn taken but room
// in the queue runs when the turn frees.
func TestSearchWaitsItsTurn(t *testing.T) {
	fs := newFakeSearcher()
	s := newLimitedServer(t, fs, SearchLimits{Concurrent: 1, Queue: 1, Wait: time.Hour})
	first, firstDone := serveAsync(s, httptest.NewRequest("GET", "/api/v1/search?q=first", nil))
	<-fs.started
	second, secondDone := serveAsync(s, httptest.NewRequest("GET", "/?q=second", nil))
	// Whether the second is waiting yet or not, it must get its turn.
	close(fs.release)
	<-firstDone
	<-secondDone
	if first.Code != http.StatusOK || second.Code != http.StatusOK {
		t.Errorf("statuses %d and %d, want 200 and 200", first.Code, second.Code)
	}
}

// TestSearchBudget: a search past its budget is a 503 with Retry-After
// that names the budget, on the API and the page; a search whose client
// went away stays a 499. Every search runs with a deadline.
func TestSearchBudget(t *testing.T) {
	tests := []struct {
		name    string
		fake    *fakeSearcher
		timeout time.Duration
		status  int
		code    string
		message string
	}{
		{"the index says the deadline passed", &fakeSearcher{err: context.DeadlineExceeded}, 0, http.StatusServiceUnavailable, "timeout", "longer than its 2s budget"},
		{"the deadline passes", &fakeSearcher{ctxErr: true}, time.Millisecond, http.StatusServiceUnavailable, "timeout", "longer than its 1ms budget"},
		{"a wrapped deadline", &fakeSearcher{err: fmt.Errorf("search: %w", context.DeadlineExceeded)}, 0, http.StatusServiceUnavailable, "timeout", "budget"},
		{"the client went away", &fakeSearcher{err: context.Canceled}, 0, statusClientClosed, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := tt.fake
			fs.started, fs.release = make(chan struct{}, 16), make(chan struct{})
			close(fs.release)
			s := newLimitedServer(t, fs, SearchLimits{Timeout: tt.timeout})
			for _, url := range []string{"/api/v1/search?q=door", "/?q=door"} {
				rec := request(t, s, "GET", url)
				if tt.status == statusClientClosed {
					if rec.Code != tt.status || rec.Header().Get("Retry-After") != "" {
						t.Errorf("GET %s: status %d, Retry-After %q; want %d and none", url, rec.Code, rec.Header().Get("Retry-After"), tt.status)
					}
					continue
				}
				checkRefused(t, "GET "+url, rec, tt.status, tt.code)
				if !strings.Contains(rec.Body.String(), tt.message) {
					t.Errorf("GET %s: body does not say %q:\n%s", url, tt.message, rec.Body)
				}
			}
			for i, ok := range fs.hadDeadline {
				if !ok {
					t.Errorf("search %d ran without a deadline", i+1)
				}
			}
		})
	}
}

// TestSearchTextLimits: through the real router and index, the same
// phrase 35 times is searched once, with the answer of the phrase typed
// once; past the limits on words and phrases, a 400 on q naming the limit.
func TestSearchTextLimits(t *testing.T) {
	h := newTestServer(t)
	bomb := strings.TrimSpace(strings.Repeat(`"online game" `, 35))
	search := func(q string) (int, map[string]any) {
		code, body := get(t, h, "/api/v1/search?q="+neturl.QueryEscape(q))
		delete(body, "took_ms")
		return code, body
	}
	code, once := search(`"online game"`)
	if code != http.StatusOK || once["total"].(float64) == 0 {
		t.Fatalf(`"online game": %d, %v; want 200 with hits`, code, once)
	}
	code, many := search(bomb)
	if code != http.StatusOK {
		t.Fatalf("the phrase 35 times (%d bytes): %d, %v", len(bomb), code, many)
	}
	if diff := cmp.Diff(once, many); diff != "" {
		t.Errorf("the phrase 35 times differs from once (-once +35 times):\n%s", diff)
	}

	var phrases, words []string
	for i := range indexer.MaxTerms + 1 {
		words = append(words, fmt.Sprintf("w%d", i))
		if i <= indexer.MaxPhrases {
			phrases = append(phrases, fmt.Sprintf(`"p%d q"`, i))
		}
	}
	for _, tt := range []struct{ q, want string }{
		{strings.Join(phrases, " "), "at most 8 quoted phrases (this has 9)"},
		{strings.Join(words, " "), "at most 32 words and phrases (this has 33 different ones)"},
	} {
		code, body := search(tt.q)
		e, _ := body["error"].(map[string]any)
		fields, _ := e["fields"].(map[string]any)
		if code != http.StatusBadRequest || e["code"] != "bad_parameter" || fields["q"] != tt.want {
			t.Errorf("GET /api/v1/search?q=%s: %d %v; want 400 bad_parameter with q %q", tt.q, code, body, tt.want)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/?q="+neturl.QueryEscape(tt.q), nil))
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), tt.want) {
			t.Errorf("GET /?q=%s: %d; want 400 saying %q", tt.q, rec.Code, tt.want)
		}
	}
}

func TestSearchLimitsDefaults(t *testing.T) {
	n := runtime.GOMAXPROCS(0)
	tests := []struct{ in, want SearchLimits }{
		{SearchLimits{}, SearchLimits{Timeout: 2 * time.Second, Concurrent: 2 * n, Queue: 8 * n, Wait: time.Second}},
		{SearchLimits{Concurrent: 3, Queue: -1}, SearchLimits{Timeout: 2 * time.Second, Concurrent: 3, Queue: 0, Wait: time.Second}},
		{SearchLimits{Timeout: 300 * time.Millisecond, Concurrent: 1}, SearchLimits{Timeout: 300 * time.Millisecond, Concurrent: 1, Queue: 4, Wait: 300 * time.Millisecond}},
		{SearchLimits{Timeout: 5 * time.Second, Queue: 7, Wait: 2 * time.Second}, SearchLimits{Timeout: 5 * time.Second, Concurrent: 2 * n, Queue: 7, Wait: 2 * time.Second}},
	}
	for _, tt := range tests {
		got := tt.in
		got.setDefaults()
		if got != tt.want {
			t.Errorf("%+v with defaults = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}
