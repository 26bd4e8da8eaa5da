package server

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// TestSearchPagePastTheEnd: a page past the last of a search with hits
// says which page is the last and links to it, keeping the search; the
// shipped catalog's works at 20 a page end on page (n+19)/20.
func TestSearchPagePastTheEnd(t *testing.T) {
	s := newSiteServer(t)
	n := len(shippedWorks(t, s.cb))
	last := (n + 19) / 20
	for _, tt := range []struct {
		query string
		want  []string
	}{
		{"page=999", []string{fmt.Sprintf(`Page 999 is past the last page, %d.`, last), fmt.Sprintf(`href="/?page=%d"`, last), fmt.Sprintf(`%d works`, n)}},
		{fmt.Sprintf("page=%d&sort=year", last+1), []string{fmt.Sprintf(`Page %d is past the last page, %d.`, last+1, last), fmt.Sprintf(`href="/?page=%d&amp;sort=year"`, last)}},
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

// TestQueryLength: q's limit counts characters, not bytes, and past it the
// API's fields.q and the search page both name the limit and the count.
func TestQueryLength(t *testing.T) {
	s := newSiteServer(t)
	for _, tt := range []struct {
		name, q string
		want    string // fields.q; "" for a search that is answered
	}{
		{"500 ASCII", strings.Repeat("a", 500), ""},
		{"501 ASCII", strings.Repeat("a", 501), "at most 500 characters (this has 501)"},
		// Three bytes a character: 500 are 1,500 bytes, and fine.
		{"500 Japanese", strings.Repeat("あ", 500), ""},
		{"501 Japanese", strings.Repeat("あ", 501), "at most 500 characters (this has 501)"},
		{"600 Japanese", strings.Repeat("ひ", 600), "at most 500 characters (this has 600)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			query := "q=" + url.QueryEscape(tt.q)
			api := request(t, s, "GET", "/api/v1/search?"+query)
			var body struct {
				Error struct{ Fields map[string]string }
			}
			_ = json.Unmarshal(api.Body.Bytes(), &body)
			if got := body.Error.Fields["q"]; got != tt.want {
				t.Errorf("API: fields.q = %q, want %q (status %d)", got, tt.want, api.Code)
			}
			page := request(t, s, "GET", "/?"+query)
			if tt.want == "" {
				if page.Code != 200 {
					t.Errorf("page: status %d, want 200", page.Code)
				}
				return
			}
			if api.Code != 400 || page.Code != 400 {
				t.Errorf("statuses %d (API), %d (page), want 400", api.Code, page.Code)
			}
			if want := "Search text: " + tt.want; !strings.Contains(page.Body.String(), want) {
				t.Errorf("page lacks %q", want)
			}
		})
	}
	// The box takes no more than the server does.
	if page := request(t, s, "GET", "/").Body.String(); !strings.Contains(page, `maxlength="500"`) {
		t.Error("the search box has no maxlength of 500")
	}
}

// TestNotFoundSearchBox: a 404 page offers a labelled search box, a GET
// form to the search page; other errors do not.
func TestNotFoundSearchBox(t *testing.T) {
	s := newSiteServer(t)
	for _, tt := range []struct {
		path   string
		status int
		box    bool
	}{
		{"/no/such/page", 404, true},
		{"/works/no-such-work", 404, true},
		{"/?size=0", 400, false}, // the search page, its own box
	} {
		rec := request(t, s, "GET", tt.path)
		page := rec.Body.String()
		if rec.Code != tt.status {
			t.Errorf("GET %s = %d, want %d", tt.path, rec.Code, tt.status)
		}
		box := strings.Contains(page, `<form class="search not-found" role="search" action="/" method="get">`) &&
			strings.Contains(page, `<label for="q">Search the catalog</label>`) &&
			strings.Contains(page, `<input id="q" name="q" type="search"`)
		if box != tt.box {
			t.Errorf("GET %s: a not-found search box is %v, want %v", tt.path, box, tt.box)
		}
	}
}
