package server

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/komoru/komoru/catalog"
)

// TestConditionalAPI: a search carries an ETag and a Last-Modified from
// the catalog's change sequence, answers 304 to either while the catalog
// is unchanged, and 200 with new ones once it changed.
func TestConditionalAPI(t *testing.T) {
	st := newSite(t)
	cur := st.token(t, st.user(t, "ann", catalog.RoleCurator))
	const url = "/api/v1/search?q=online"
	first := st.do(t, req{method: "GET", url: url})
	tag, modified := first.Header().Get("ETag"), first.Header().Get("Last-Modified")
	if first.Code != 200 || !strings.HasPrefix(tag, `W/"`) || modified == "" || first.Header().Get("Cache-Control") != "no-cache" {
		t.Fatalf("GET %s = %d, ETag %q, Last-Modified %q, Cache-Control %q", url, first.Code, tag, modified, first.Header().Get("Cache-Control"))
	}
	for _, h := range []map[string]string{
		{"If-None-Match": tag},
		{"If-None-Match": `"other", ` + strings.TrimPrefix(tag, "W/")},
		{"If-Modified-Since": modified},
		{"If-None-Match": tag, "Accept-Encoding": "gzip"},
	} {
		rec := st.do(t, req{method: "GET", url: url, header: h})
		if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 || rec.Header().Get("ETag") != tag {
			t.Errorf("GET %s with %v = %d, %d bytes, ETag %q; want 304, empty, %q", url, h, rec.Code, rec.Body.Len(), rec.Header().Get("ETag"), tag)
		}
	}
	for _, h := range []map[string]string{
		{"If-None-Match": `W/"stale"`},
		{"If-None-Match": `W/"stale"`, "If-Modified-Since": modified}, // If-None-Match decides
		{"If-Modified-Since": "Mon, 01 Jun 2026 11:00:00 GMT"},
	} {
		if rec := st.do(t, req{method: "GET", url: url, header: h}); rec.Code != http.StatusOK {
			t.Errorf("GET %s with %v = %d, want 200", url, h, rec.Code)
		}
	}
	// Each sort of answer has its own tag: the codebook's is a function
	// of the same version, and no answer of this run matches a stale one.
	if st.do(t, req{method: "GET", url: "/api/v1/codebook"}).Header().Get("ETag") == "" {
		t.Error("the codebook has no ETag")
	}

	// A change to the catalog: the old copy is no longer current.
	st.advance(time.Minute)
	body := `{"work": {"id": "shut-in-diary-novel", "title": "Shut-in Diary", "medium": "novel", "year": 2020}, "note": "new"}`
	created := st.do(t, req{method: "POST", url: "/api/v1/works", body: body, bearer: cur})
	if created.Code != http.StatusCreated || created.Header().Get("Last-Modified") != "" {
		t.Fatalf("POST = %d, Last-Modified %q (writes carry no validators)", created.Code, created.Header().Get("Last-Modified"))
	}
	after := st.do(t, req{method: "GET", url: url, header: map[string]string{"If-None-Match": tag, "If-Modified-Since": modified}})
	if after.Code != http.StatusOK || after.Header().Get("ETag") == tag {
		t.Errorf("after a change: %d, ETag %q (was %q); want 200 and a new tag", after.Code, after.Header().Get("ETag"), tag)
	}
	lm1, _ := http.ParseTime(modified)
	lm2, err := http.ParseTime(after.Header().Get("Last-Modified"))
	if err != nil || !lm2.After(lm1) {
		t.Errorf("Last-Modified went from %s to %q", modified, after.Header().Get("Last-Modified"))
	}
	if rec := st.do(t, req{method: "GET", url: url, header: map[string]string{"If-Modified-Since": after.Header().Get("Last-Modified")}}); rec.Code != http.StatusNotModified {
		t.Errorf("If-Modified-Since the new Last-Modified = %d, want 304", rec.Code)
	}

	// Errors carry no validators; a work keeps its revision's ETag.
	if rec := st.do(t, req{method: "GET", url: "/api/v1/works/no-such/revisions"}); rec.Code != 404 || rec.Header().Get("ETag") != "" || rec.Header().Get("Last-Modified") != "" {
		t.Errorf("404 = %d with ETag %q, Last-Modified %q", rec.Code, rec.Header().Get("ETag"), rec.Header().Get("Last-Modified"))
	}
	work := st.do(t, req{method: "GET", url: "/api/v1/works/shut-in-diary-novel"})
	if work.Header().Get("ETag") != `"1"` {
		t.Errorf("a work's ETag = %q, want its revision \"1\"", work.Header().Get("ETag"))
	}
	if rec := st.do(t, req{method: "GET", url: "/api/v1/works/shut-in-diary-novel", header: map[string]string{"If-None-Match": `"1"`}}); rec.Code != http.StatusNotModified {
		t.Errorf("a work with If-None-Match its revision = %d, want 304", rec.Code)
	}
}

// TestConditionalPages: a page's tag follows the reader's preference
// cookies and says Vary: Cookie; a signed-in reader's pages are private
// and always fresh.
func TestConditionalPages(t *testing.T) {
	st := newSite(t)
	id := st.searchIDs(t, "")[0]
	session := st.session(t, st.user(t, "cyd", catalog.RoleContributor))
	// The codebook page shows closed rounds' alphas, which move without a
	// revision: it is never answered from a validator.
	if tag := st.do(t, req{method: "GET", url: "/codebook"}).Header().Get("ETag"); tag != "" {
		t.Errorf("/codebook has the ETag %q, which closing a round would not change", tag)
	}
	for _, url := range []string{"/", "/works/" + id, "/works/" + id + "/history", "/stats", "/changes", "/changes.atom"} {
		plain := st.do(t, req{method: "GET", url: url})
		tag := plain.Header().Get("ETag")
		if plain.Code != 200 || tag == "" || !slices.Contains(plain.Header().Values("Vary"), "Cookie") {
			t.Errorf("GET %s = %d, ETag %q, Vary %q", url, plain.Code, tag, plain.Header().Values("Vary"))
			continue
		}
		if rec := st.do(t, req{method: "GET", url: url, header: map[string]string{"If-None-Match": tag}}); rec.Code != http.StatusNotModified {
			t.Errorf("GET %s with its ETag = %d, want 304", url, rec.Code)
		}
		dark := st.do(t, req{method: "GET", url: url, header: map[string]string{"If-None-Match": tag, "Cookie": themeCookie + "=dark"}})
		if dark.Code != 200 || dark.Header().Get("ETag") == tag {
			t.Errorf("GET %s in the dark theme with the light one's ETag = %d, ETag %q", url, dark.Code, dark.Header().Get("ETag"))
		}
		spoilers := st.do(t, req{method: "GET", url: url, header: map[string]string{"Cookie": spoilersCookie + "=show"}})
		if spoilers.Header().Get("ETag") == tag {
			t.Errorf("GET %s with spoilers shown has the same ETag as hidden", url)
		}
		mine := st.do(t, req{method: "GET", url: url, cookie: session, header: map[string]string{"If-None-Match": tag}})
		if mine.Code != 200 || mine.Header().Get("ETag") != "" || mine.Header().Get("Cache-Control") != "private, no-cache" {
			t.Errorf("GET %s signed in = %d, ETag %q, Cache-Control %q; want 200, none, private", url, mine.Code, mine.Header().Get("ETag"), mine.Header().Get("Cache-Control"))
		}
	}
	// A chart's SVG has its own Content-Security-Policy; its 304 has none,
	// so that a browser's copy keeps it rather than taking the site's.
	svg := st.do(t, req{method: "GET", url: "/stats/decade-realism.svg"})
	if svg.Code != 200 || !strings.Contains(svg.Header().Get("Content-Security-Policy"), "unsafe-inline") {
		t.Fatalf("GET the SVG = %d, CSP %q", svg.Code, svg.Header().Get("Content-Security-Policy"))
	}
	again := st.do(t, req{method: "GET", url: "/stats/decade-realism.svg", header: map[string]string{"If-None-Match": svg.Header().Get("ETag")}})
	if again.Code != http.StatusNotModified || again.Header().Get("Content-Security-Policy") != "" {
		t.Errorf("GET the SVG again = %d, CSP %q; want 304 and none", again.Code, again.Header().Get("Content-Security-Policy"))
	}
	// Pages that are not a function of the catalog have no validators.
	for _, url := range []string{"/login", "/healthz", "/metrics"} {
		if rec := st.do(t, req{method: "GET", url: url}); rec.Header().Get("ETag") != "" {
			t.Errorf("GET %s has an ETag %q", url, rec.Header().Get("ETag"))
		}
	}
}

// TestStaticImmutable: checksummed static URLs are immutable for a year,
// and compressed; the same file without its checksum is revalidated
// (TestStaticCaching finds the URL in a page).
func TestStaticImmutable(t *testing.T) {
	st := newSite(t)
	url, err := st.static.url("css/komoru.css")
	if err != nil {
		t.Fatal(err)
	}
	rec := st.do(t, req{method: "GET", url: url, header: map[string]string{"Accept-Encoding": "gzip"}})
	if rec.Code != 200 || rec.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Errorf("GET %s = %d, Cache-Control %q", url, rec.Code, rec.Header().Get("Cache-Control"))
	}
	if rec.Header().Get("Content-Encoding") != "gzip" {
		t.Errorf("GET %s: the stylesheet is not compressed (%q)", url, rec.Header().Get("Content-Encoding"))
	}
	for _, u := range []string{"/static/css/komoru.css", "/static/css/komoru.css?v=0000"} {
		if rec := st.do(t, req{method: "GET", url: u}); rec.Code != 200 || rec.Header().Get("Cache-Control") != "no-cache" {
			t.Errorf("GET %s = %d, Cache-Control %q, want no-cache", u, rec.Code, rec.Header().Get("Cache-Control"))
		}
	}
}
