package server

import (
	"strings"
	"testing"
)

// TestSearchPagePastTheEnd: a page past the last of a search with hits
// says which page is the last and links to it, keeping the search; the
// shipped catalog's 111 works at 20 a page are 6 pages.
func TestSearchPagePastTheEnd(t *testing.T) {
	s := newSiteServer(t)
	for _, tt := range []struct {
		query string
		want  []string
	}{
		{"page=999", []string{`Page 999 is past the last page, 6.`, `href="/?page=6"`, `111 works`}},
		{"page=7&sort=year", []string{`Page 7 is past the last page, 6.`, `href="/?page=6&amp;sort=year"`}},
		// One page of hits: the last page is the first, whose URL has no page.
		{"q=jellyfish&page=3", []string{`Page 3 is past the last page, 1.`, `href="/?q=jellyfish"`}},
	} {
		rec := request(t, s, "GET", "/?"+tt.query)
		page := rec.Body.String()
		if rec.Code != 200 {
			t.Errorf("GET /?%s = %d, want 200", tt.query, rec.Code)
		}
		for _, want := range tt.want {
			if !strings.Contains(page, want) {
				t.Errorf("GET /?%s lacks %s", tt.query, want)
			}
		}
		if strings.Contains(page, "Nothing in the catalog matches") {
			t.Errorf("GET /?%s says nothing matches", tt.query)
		}
	}
	// A search without hits still says so, on any page.
	if page := request(t, s, "GET", "/?q=zzzzqqqq&page=2").Body.String(); !strings.Contains(page, "Nothing in the catalog matches") ||
		strings.Contains(page, "past the last page") {
		t.Error("a search without hits on page 2 does not say nothing matches")
	}
}
