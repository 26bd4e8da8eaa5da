package server

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// facetsAside is the search page's sidebar of filters.
var facetsAside = regexp.MustCompile(`(?s)<aside id="facets".*?</aside>`)

// TestSpoilerFacets: the search page's sidebar keeps a spoiler facet's
// values and counts off the page until the reader shows spoilers, asks
// for that facet, or filters by it; the form keeps the facet shown.
func TestSpoilerFacets(t *testing.T) {
	st := newSite(t)
	spoilers := &http.Cookie{Name: spoilersCookie, Value: "show"}
	for _, tt := range []struct {
		name   string
		url    string
		cookie *http.Cookie
		shown  bool
	}{
		{"hidden", "/?q=princess+jellyfish", nil, false},
		{"hidden on the landing page", "/", nil, false},
		{"shown for the facet", "/?q=princess+jellyfish&show=recovery", nil, true},
		{"shown site-wide", "/?q=princess+jellyfish", spoilers, true},
		{"filtered by", "/?q=princess+jellyfish&recovery=sudden", nil, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := st.do(t, req{method: "GET", url: tt.url, cookie: tt.cookie})
			if rec.Code != http.StatusOK {
				t.Fatalf("%d", rec.Code)
			}
			aside := facetsAside.FindString(rec.Body.String())
			values := strings.Contains(aside, `name="recovery"`)
			reveal := strings.Contains(aside, "Recovery: show")
			if values != tt.shown || reveal == tt.shown {
				t.Errorf("recovery's values shown %v, reveal link %v; want values %v", values, reveal, tt.shown)
			}
			if !tt.shown {
				for _, label := range []string{"Gradual", "Sudden", "Cyclical"} {
					if strings.Contains(aside, label) {
						t.Errorf("the sidebar names %s", label)
					}
				}
			}
		})
	}
	page := st.do(t, req{method: "GET", url: "/?q=princess+jellyfish&show=recovery"}).Body.String()
	if !strings.Contains(page, `<input type="hidden" name="show" value="recovery">`) {
		t.Error("the form does not keep the shown facet")
	}
	if rec := st.do(t, req{method: "GET", url: "/api/v1/search?show=nope"}); rec.Code != http.StatusBadRequest {
		t.Errorf("show naming no facet: %d, want 400", rec.Code)
	}
}

// TestSpoilerSuggestions: a search naming a spoiler value ("sudden
// recovery") is offered it as a filter, with its count, only where the
// reader sees that facet's counts.
func TestSpoilerSuggestions(t *testing.T) {
	st := newSite(t)
	const chip = "Filter: Recovery = Sudden"
	if page := st.do(t, req{method: "GET", url: "/?q=sudden+recovery&show=recovery"}).Body.String(); !strings.Contains(page, chip) {
		t.Fatalf("with the facet shown, no %q suggestion: no test", chip)
	}
	if page := st.do(t, req{method: "GET", url: "/?q=sudden+recovery"}).Body.String(); strings.Contains(page, chip) {
		t.Errorf("with spoilers hidden the page suggests %q, with its count", chip)
	}
}
