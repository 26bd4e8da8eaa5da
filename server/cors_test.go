package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/komoru/komoru/catalog"
)

// TestReadCORS: the API's reads are open to every origin, its writes and
// the pages are not, and a preflight allows reads only.
func TestReadCORS(t *testing.T) {
	st := newSite(t)
	cur := st.token(t, st.user(t, "ann", catalog.RoleCurator))
	id := st.searchIDs(t, "")[0]
	origin := map[string]string{"Origin": "https://notebook.example"}
	for _, c := range []struct {
		method, url string
		bearer      string
		open        bool
	}{
		{"GET", "/api/v1/search?q=online", "", true},
		{"HEAD", "/api/v1/search?q=online", "", true},
		{"GET", "/api/v1/works/" + id, "", true},
		{"GET", "/api/v1/works/no-such-work", "", true}, // its error is readable too
		{"GET", "/api/v1/codebook", "", true},
		{"GET", "/", "", false},
		{"GET", "/works/" + id, "", false},
		{"GET", "/healthz", "", false},
		{"POST", "/api/v1/proposals/1/reject", cur, false},
		{"DELETE", "/api/v1/works/" + id, cur, false},
	} {
		rec := st.do(t, req{method: c.method, url: c.url, bearer: c.bearer, header: origin})
		got := rec.Header().Get("Access-Control-Allow-Origin")
		if c.open && (got != "*" || !strings.Contains(rec.Header().Get("Access-Control-Expose-Headers"), "ETag")) {
			t.Errorf("%s %s = %d: Access-Control-Allow-Origin %q, Expose %q; want *, with ETag", c.method, c.url, rec.Code, got, rec.Header().Get("Access-Control-Expose-Headers"))
		}
		if !c.open && got != "" {
			t.Errorf("%s %s = %d: Access-Control-Allow-Origin %q; want none", c.method, c.url, rec.Code, got)
		}
	}
	// Preflights: answered for the API, allowing reads only.
	for _, method := range []string{"GET", "PUT", "DELETE", "POST"} {
		rec := st.do(t, req{method: "OPTIONS", url: "/api/v1/works/" + id, header: map[string]string{
			"Origin": "https://notebook.example", "Access-Control-Request-Method": method, "Access-Control-Request-Headers": "if-none-match"}})
		allowed := rec.Header().Get("Access-Control-Allow-Methods")
		if rec.Code != http.StatusNoContent || allowed != "GET, HEAD" || rec.Header().Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("preflight for %s = %d, Allow-Methods %q", method, rec.Code, allowed)
		}
		if strings.Contains(allowed, "PUT") || strings.Contains(allowed, "POST") || strings.Contains(allowed, "DELETE") {
			t.Errorf("preflight for %s allows a write: %q", method, allowed)
		}
	}
	if rec := st.do(t, req{method: "OPTIONS", url: "/works/" + id, header: map[string]string{
		"Origin": "https://notebook.example", "Access-Control-Request-Method": "GET"}}); rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("a page's preflight is answered: %d %v", rec.Code, rec.Header())
	}
	// A write from another origin's page is still refused by the server
	// itself, whatever the browser does.
	rec := st.do(t, req{method: "DELETE", url: "/api/v1/works/" + id + "?note=x", cookie: st.session(t, "ann"),
		header: map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site", "If-Match": `"1"`}})
	if rec.Code != http.StatusForbidden {
		t.Errorf("a cross-site DELETE = %d, want 403", rec.Code)
	}
}
