package server

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/indexer"
	"github.com/komoru/komoru/web"
)

// TestLocalPath: a return address is a path on this site or "/", whatever
// the browser would make of it.
func TestLocalPath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/works/x?y=1", "/works/x?y=1"},
		{"/codebook#realism", "/codebook#realism"},
		{"/?q=shut-in&realism=realistic", "/?q=shut-in&realism=realistic"},
		{"", "/"},
		{"works/x", "/"},
		{"//evil.example/", "/"},
		{`/\evil.example`, "/"},
		{`/%5Cevil.example`, "/"},
		{"/%2F/evil.example", "/"},
		{"/%2f%2fevil.example", "/"},
		{"https://evil.example/", "/"},
		{"javascript:alert(1)", "/"},
		{"/%zz", "/"},
	}
	// Every control character, written and percent-encoded, where a
	// browser dropping it would leave "//evil.example".
	for c := range 0x20 {
		tests = append(tests,
			struct{ in, want string }{fmt.Sprintf("/%c/evil.example", c), "/"},
			struct{ in, want string }{fmt.Sprintf("/%%%02X/evil.example", c), "/"})
	}
	tests = append(tests, struct{ in, want string }{"/\x7f/evil.example", "/"}, struct{ in, want string }{"/%7F/evil.example", "/"})
	for _, tt := range tests {
		if got := localPath(tt.in); got != tt.want {
			t.Errorf("localPath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestBodyLimits: forms take at most 64 KiB and no multipart, the API
// its configured limit; past them, a 413 that says why, and nothing done.
func TestBodyLimits(t *testing.T) {
	st := newSite(t)
	post := func(s *Server, path, contentType string, body []byte) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", path, bytes.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		return rec
	}
	form := func(theme string, pad int) []byte {
		return []byte(url.Values{"theme": {theme}, "return": {"/codebook"}, "pad": {strings.Repeat("x", pad)}}.Encode())
	}
	const urlencoded = "application/x-www-form-urlencoded"

	rec := post(st.Server, "/prefs", urlencoded, form("dark", 60<<10))
	if rec.Code != http.StatusSeeOther || !strings.Contains(rec.Header().Get("Set-Cookie"), "dark") {
		t.Errorf("a 60 KiB form: %d, Set-Cookie %q; want 303 with the theme set", rec.Code, rec.Header().Get("Set-Cookie"))
	}
	rec = post(st.Server, "/prefs", urlencoded, form("dark", 65<<10))
	if rec.Code != http.StatusRequestEntityTooLarge || rec.Header().Get("Set-Cookie") != "" {
		t.Errorf("a 65 KiB form: %d, Set-Cookie %q; want 413 and no cookie", rec.Code, rec.Header().Get("Set-Cookie"))
	}

	var mp bytes.Buffer
	w := multipart.NewWriter(&mp)
	w.WriteField("theme", "dark")
	w.WriteField("return", "/codebook")
	w.Close()
	rec = post(st.Server, "/prefs", w.FormDataContentType(), mp.Bytes())
	if rec.Code != http.StatusRequestEntityTooLarge || rec.Header().Get("Set-Cookie") != "" || !strings.Contains(rec.Body.String(), "multipart") {
		t.Errorf("a multipart form: %d, Set-Cookie %q; want 413 naming multipart", rec.Code, rec.Header().Get("Set-Cookie"))
	}

	// The API's limit is the operator's.
	small, err := New(Config{Store: st.store, Search: st.ix, Index: st.ix, Codebook: st.store.Codebook(),
		Assets: web.FS, Password: fastHash, Now: st.clock, MaxAPIBody: 512})
	if err != nil {
		t.Fatal(err)
	}
	st.user(t, "ann", catalog.RoleCurator)
	tok := st.token(t, "ann")
	body := []byte(`{"work": {"id": "big-novel", "title": "` + strings.Repeat("B", 600) + `", "medium": "novel", "year": 2020}, "note": "x"}`)
	req := httptest.NewRequest("POST", "/api/v1/works", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok)
	rec = httptest.NewRecorder()
	small.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), "512 bytes") {
		t.Errorf("a 700-byte API write with a 512-byte limit: %d %s; want 413 naming the limit", rec.Code, rec.Body)
	}
	if _, err := st.store.Get(t.Context(), "big-novel"); err == nil {
		t.Error("the refused work was written")
	}
}

// TestHead: HEAD answers as GET does, with its status and headers and no
// body, on pages, the API, static files and unknown paths alike.
func TestHead(t *testing.T) {
	s := newSiteServer(t)
	for _, path := range []string{"/healthz", "/", "/?q=jellyfish", "/works/princess-jellyfish-manga", "/api/v1/search?q=nhk",
		"/api/v1/works/princess-jellyfish-manga", "/api/v1/works/nope", "/codebook", "/nope", "/prefs"} {
		get := request(t, s, "GET", path)
		head := request(t, s, "HEAD", path)
		if head.Code != get.Code || head.Body.Len() != 0 || head.Header().Get("Content-Type") != get.Header().Get("Content-Type") ||
			head.Header().Get("Content-Security-Policy") == "" {
			t.Errorf("HEAD %s: %d, %d bytes, Content-Type %q; GET: %d, Content-Type %q",
				path, head.Code, head.Body.Len(), head.Header().Get("Content-Type"), get.Code, get.Header().Get("Content-Type"))
		}
	}
	if rec := request(t, s, "GET", "/"); !strings.Contains(rec.Header().Get("Content-Security-Policy"), "form-action 'self'") {
		t.Errorf("CSP %q has no form-action", rec.Header().Get("Content-Security-Policy"))
	}
}

// TestPublicURL: absolute links name the configured public URL, never the
// Host a request carries.
func TestPublicURL(t *testing.T) {
	st := newSite(t)
	s, err := New(Config{Store: st.store, Search: st.ix, Index: st.ix, Codebook: st.store.Codebook(), Assets: web.FS,
		Password: fastHash, Now: st.clock, PublicURL: "https://komoru.example/"})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/works/welcome-to-the-nhk-anime", "/changes.atom"} {
		req := httptest.NewRequest("GET", path, nil)
		req.Host = "evil.example"
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		body := rec.Body.String()
		if rec.Code != http.StatusOK || strings.Contains(body, "evil.example") || !strings.Contains(body, "https://komoru.example/") {
			t.Errorf("GET %s with Host evil.example: %d; evil.example in the body: %v; the public URL in it: %v",
				path, rec.Code, strings.Contains(body, "evil.example"), strings.Contains(body, "https://komoru.example/"))
		}
	}
	for _, bad := range []string{"komoru.example", "ftp://komoru.example", "https://komoru.example/sub", "https://komoru.example/?q=1"} {
		if _, err := New(Config{Store: st.store, Codebook: st.store.Codebook(), Assets: web.FS, PublicURL: bad}); err == nil {
			t.Errorf("public URL %q accepted", bad)
		}
	}
}

// panicky is a Searcher that fails the way a bug would.
type panicky struct{}

func (panicky) Search(context.Context, indexer.Query) (*indexer.Result, error) {
	panic("index out of range [3] with length 3")
}

// TestPanicRecovered: a panic is a 500 that names the request, and its
// stack is logged, not sent.
func TestPanicRecovered(t *testing.T) {
	st := newSite(t)
	var log bytes.Buffer
	s, err := New(Config{Store: st.store, Search: panicky{}, Codebook: st.store.Codebook(), Assets: web.FS,
		Logger: slog.New(slog.NewTextHandler(&log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/api/v1/search?q=nhk", nil)
	req.Header.Set("X-Request-ID", "req-42")
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	body := rec.Body.String()
	if rec.Code != http.StatusInternalServerError || !strings.Contains(body, "request req-42") || strings.Contains(body, "index out of range") {
		t.Errorf("a panic: %d %s; want 500 naming request req-42 and not the panic", rec.Code, body)
	}
	if l := log.String(); !strings.Contains(l, "index out of range") || !strings.Contains(l, "limits_test.go") || !strings.Contains(l, "req-42") {
		t.Errorf("the log has no panic with its stack and request id:\n%s", l)
	}
}

// building is a Searcher whose index is still being built.
type building struct{}

func (building) Search(context.Context, indexer.Query) (*indexer.Result, error) {
	return nil, &indexer.BuildingError{Indexed: 2000, Total: 100000}
}

func (building) Health() indexer.Health {
	return indexer.Health{State: indexer.HealthStarting, Err: &indexer.BuildingError{Indexed: 2000, Total: 100000}}
}

// damaged is a Searcher whose index lost a segment file.
type damaged struct{}

func (damaged) Search(context.Context, indexer.Query) (*indexer.Result, error) {
	return nil, indexer.ErrDamaged
}

func (damaged) Health() indexer.Health {
	return indexer.Health{State: indexer.HealthDamaged, Err: indexer.ErrDamaged}
}

// TestStarting: while the index is built, health says "starting", and
// searches, API and page, a 503 with the progress and Retry-After; the
// rest of the site answers. While a damaged index is rebuilt, health says
// "degraded" and a search that cannot be served is a 503.
func TestStarting(t *testing.T) {
	st := newSite(t)
	type check struct {
		path       string
		status     int
		want       string
		retryAfter string
	}
	for _, state := range []struct {
		search Searcher
		checks []check
	}{
		{building{}, []check{
			{"/healthz", http.StatusServiceUnavailable, `"status":"starting"`, "5"},
			{"/api/v1/search?q=nhk", http.StatusServiceUnavailable, `"code":"starting"`, "5"},
			{"/?q=nhk", http.StatusServiceUnavailable, "building the search index: 2000 of 100000 works", "5"},
			{"/works/welcome-to-the-nhk-anime", http.StatusOK, "Welcome to the N.H.K.", ""},
		}},
		{damaged{}, []check{
			{"/healthz", http.StatusServiceUnavailable, `"status":"degraded"`, ""},
			{"/api/v1/search?q=nhk", http.StatusServiceUnavailable, `"code":"damaged"`, ""},
			{"/works/welcome-to-the-nhk-anime", http.StatusOK, "Welcome to the N.H.K.", ""},
		}},
	} {
		s, err := New(Config{Store: st.store, Search: state.search, Codebook: st.store.Codebook(), Assets: web.FS})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range state.checks {
			rec := request(t, s, "GET", c.path)
			if rec.Code != c.status || !strings.Contains(rec.Body.String(), c.want) || rec.Header().Get("Retry-After") != c.retryAfter {
				t.Errorf("%T: GET %s: %d, Retry-After %q; want %d, %q, with %q in %s",
					state.search, c.path, rec.Code, rec.Header().Get("Retry-After"), c.status, c.retryAfter, c.want, rec.Body)
			}
		}
	}
}

// TestSearchControlCharacters: a q with control characters is a 400 that
// names q, on the API and the page.
func TestSearchControlCharacters(t *testing.T) {
	s := newSiteServer(t)
	for _, path := range []string{"/api/v1/search?q=nhk%00", "/?q=nhk%1B"} {
		rec := request(t, s, "GET", path)
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "control characters") {
			t.Errorf("GET %s: %d %s", path, rec.Code, rec.Body)
		}
	}
	if rec := request(t, s, "GET", "/api/v1/search?q=welcome%09nhk"); rec.Code != http.StatusOK {
		t.Errorf("a tab in q: %d", rec.Code)
	}
}
