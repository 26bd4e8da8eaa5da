package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/komoru/komoru/catalog"
)

// newSiteServer serves the shipped catalog from a real SQLite store through
// the real router.
func newSiteServer(t *testing.T) *Server { return newSite(t).Server }

func request(t *testing.T, s *Server, method, url string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest(method, url, nil))
	return rec
}

func TestRoutes(t *testing.T) {
	s := newSiteServer(t)
	tests := []struct {
		method, url string
		status      int
		contentType string
		body        []string // substrings the body must contain
	}{
		{"GET", "/healthz", 200, "application/json", []string{`"status":"ok"`, `"works":`}},
		{"GET", "/api/v1/codebook", 200, "application/json", []string{`"codebook_version":"1.1.0"`, `"changes":[{"version":"1.1.0"`, `"id":"realism"`, `"id":"medium"`}},
		{"GET", "/api/v1/works/welcome-to-the-nhk-novel", 200, "application/json", []string{`"id":"welcome-to-the-nhk-novel"`, `"revision":1`}},
		{"GET", "/api/v1/works/no-such-work", 404, "application/json", []string{`{"error":{"code":"not_found","message":"work \"no-such-work\": not found"}}`}},
		{"GET", "/api/v1/nothing-here", 404, "application/json", []string{`"code":"not_found"`}},
		{"POST", "/healthz", 405, "application/json", []string{`"code":"method_not_allowed"`}},
		{"GET", "/", 200, "text/html", []string{`<form id="search"`, `<li class="hit" id="hit-`, `1–20 of `}},
		{"GET", "/no/such/page", 404, "text/html", []string{"<h1>Not found</h1>", "no page at /no/such/page"}},
		{"GET", "/static/css/komoru.css", 200, "text/css", []string{":root"}},
		{"GET", "/static/css/missing.css", 404, "", nil},
	}
	for _, tt := range tests {
		rec := request(t, s, tt.method, tt.url)
		if rec.Code != tt.status {
			t.Errorf("%s %s: status %d, want %d; body %s", tt.method, tt.url, rec.Code, tt.status, rec.Body)
		}
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, tt.contentType) {
			t.Errorf("%s %s: Content-Type %q, want %s", tt.method, tt.url, ct, tt.contentType)
		}
		for _, want := range tt.body {
			if !strings.Contains(rec.Body.String(), want) {
				t.Errorf("%s %s: body does not contain %s:\n%s", tt.method, tt.url, want, rec.Body)
			}
		}
		for _, h := range []string{"X-Content-Type-Options", "Referrer-Policy", "Content-Security-Policy", "X-Request-Id"} {
			if rec.Header().Get(h) == "" {
				t.Errorf("%s %s: no %s header", tt.method, tt.url, h)
			}
		}
	}
}

func TestGetWorkShape(t *testing.T) {
	s := newSiteServer(t)
	rec := request(t, s, "GET", "/api/v1/works/welcome-to-the-nhk-anime")
	var got struct {
		Work      catalog.Work `json:"work"`
		Revision  int          `json:"revision"`
		UpdatedAt string       `json:"updated_at"`
		Derived   struct {
			HikikomoriGenders    []string `json:"hikikomori_genders"`
			FemaleHikikomoriLead *bool    `json:"female_hikikomori_lead"`
			Decade               int      `json:"decade"`
			CodingStatus         string   `json:"coding_status"`
		} `json:"derived"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Work.ID != "welcome-to-the-nhk-anime" || got.Work.Medium != "anime_series" || got.Work.Portrayal["realism"].Value == "" {
		t.Errorf("work = %+v", got.Work)
	}
	if got.Revision != 1 || got.UpdatedAt == "" || rec.Header().Get("ETag") != `"1"` {
		t.Errorf("revision %d, updated_at %q, ETag %q", got.Revision, got.UpdatedAt, rec.Header().Get("ETag"))
	}
	if got.Derived.Decade != 2000 || got.Derived.FemaleHikikomoriLead == nil || len(got.Derived.HikikomoriGenders) == 0 || got.Derived.CodingStatus != catalog.StatusCoded {
		t.Errorf("derived = %+v", got.Derived)
	}
}

func TestStaticCaching(t *testing.T) {
	s := newSiteServer(t)
	page := request(t, s, "GET", "/").Body.String()
	m := regexp.MustCompile(`href="(/static/css/komoru\.css\?v=[0-9a-f]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no checksummed stylesheet link in the page:\n%s", page)
	}
	rec := request(t, s, "GET", m[1])
	if rec.Code != 200 || !strings.Contains(rec.Header().Get("Cache-Control"), "immutable") {
		t.Errorf("GET %s: %d, Cache-Control %q; want 200 immutable", m[1], rec.Code, rec.Header().Get("Cache-Control"))
	}
	if cc := request(t, s, "GET", "/static/css/komoru.css?v=stale").Header().Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("stale hash: Cache-Control %q, want no-cache", cc)
	}
}

// zeroPages holds the zero value of every page's struct; the test files of
// the pages add theirs in init.
var zeroPages = map[string]any{"search": searchPage{}, "error": errorPage{}, "work": workPage{}, "codebook": codebookPage{}, "stats": statsPage{}}

// TestTemplates executes every page with the zero value of its struct, so a
// template that breaks on empty data fails here rather than for a user.
func TestTemplates(t *testing.T) {
	s := newSiteServer(t)
	for name := range pageFiles {
		data, ok := zeroPages[name]
		if !ok {
			t.Errorf("page %s has no zero value in this test", name)
			continue
		}
		if err := s.pages[name].ExecuteTemplate(io.Discard, "base", data); err != nil {
			t.Errorf("page %s: %v", name, err)
		}
	}
}

func TestErrorStatuses(t *testing.T) {
	tests := []struct {
		err    error
		status int
		code   string
	}{
		{catalog.ErrNotFound, http.StatusNotFound, "not_found"},
		{catalog.ErrConflict, http.StatusConflict, "conflict"},
		{&catalog.ValidationError{Fields: map[string]string{"title": "is required"}}, http.StatusUnprocessableEntity, "invalid"},
		{&httpError{status: 400, code: "bad_request", msg: "size: must be 1 to 100"}, http.StatusBadRequest, "bad_request"},
		{context.Canceled, statusClientClosed, "canceled"},
		{fmt.Errorf("update: %w", &catalog.StaleError{WorkID: "a", Base: 1, Current: 2}), http.StatusPreconditionFailed, "stale"},
		{fmt.Errorf("create: %w", catalog.ErrConflict), http.StatusConflict, "conflict"},
		{&catalog.ThrottledError{RetryAfter: time.Minute}, http.StatusTooManyRequests, "throttled"},
		{catalog.ErrBadCredentials, http.StatusUnauthorized, "unauthorized"},
		{&http.MaxBytesError{Limit: 10}, http.StatusRequestEntityTooLarge, "too_large"},
		{io.ErrUnexpectedEOF, http.StatusInternalServerError, "internal"},
	}
	for _, tt := range tests {
		status, body := toStatus(tt.err)
		if status != tt.status || body.Code != tt.code {
			t.Errorf("toStatus(%v) = %d %s, want %d %s", tt.err, status, body.Code, tt.status, tt.code)
		}
	}
	if _, body := toStatus(io.ErrUnexpectedEOF); strings.Contains(body.Message, "EOF") {
		t.Errorf("an internal error's text reached the client: %q", body.Message)
	}
}

// TestMetrics: /metrics counts requests by route and status, times
// searches, and tells the catalog's size and the index's state.
func TestMetrics(t *testing.T) {
	s := newSiteServer(t)
	request(t, s, "GET", "/api/v1/search?q=jellyfish")
	request(t, s, "GET", "/api/v1/search?q=jellyfish")
	request(t, s, "GET", "/no/such/page")
	rec := request(t, s, "GET", "/metrics")
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") {
		t.Fatalf("/metrics: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	for _, want := range []string{
		`komoru_http_requests_total{method="GET",route="/api/v1/search",status="200"} 2`,
		`komoru_http_requests_total{method="GET",route="",status="404"} 1`,
		`komoru_http_request_duration_seconds_count{route="/api/v1/search"} 2`,
		"komoru_search_duration_seconds_count 2",
		fmt.Sprintf("komoru_works %d", len(shippedWorks(t, catalog.DefaultCodebook()))),
		`komoru_index_state{state="ok"} 1`,
		`komoru_index_state{state="degraded"} 0`,
		"go_goroutines ",
	} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("/metrics has no %s", want)
		}
	}
}
