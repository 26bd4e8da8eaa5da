package server

import (
	"net/http"
	"regexp"
	"strconv"
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

// TestFlaggedValuesHidden: a value a curator flagged as a spoiler in a
// dimension that is no spoiler itself stays off the search page's
// sidebar, and off the flagged work's card, until the reader asks for
// that facet's spoilers; then both show it. The works and values come
// from the shipped catalog.
func TestFlaggedValuesHidden(t *testing.T) {
	s := newSiteServer(t)
	cb := s.cb
	checked := 0
	for _, w := range shippedWorks(t, cb) {
		for _, d := range cb.Dimensions {
			c, ok := w.Portrayal[d.ID]
			if !ok || !c.Spoiler || d.Spoiler || len(c.List()) == 0 {
				continue
			}
			checked++
			// The work alone: its medium and its year.
			base := "/?medium=" + w.Medium + "&year_from=" + strconv.Itoa(w.Year) + "&year_to=" + strconv.Itoa(w.Year)
			hidden := request(t, s, "GET", base).Body.String()
			shown := request(t, s, "GET", base+"&show="+d.ID).Body.String()
			facet := regexp.MustCompile(`(?s)data-facet="` + d.ID + `">.*?</fieldset>`)
			if !strings.Contains(facet.FindString(hidden), "show="+d.ID) {
				t.Errorf("%s: the %s facet has no way to show its spoilers", w.ID, d.ID)
			}
			for _, v := range c.List() {
				item := `value="` + v + `"`
				if strings.Contains(facet.FindString(hidden), item) {
					t.Errorf("%s: with spoilers hidden the %s facet lists %s", w.ID, d.ID, v)
				}
				if !strings.Contains(facet.FindString(shown), item) {
					t.Errorf("%s: with show=%s the %s facet lacks %s", w.ID, d.ID, d.ID, v)
				}
			}
		}
	}
	if checked < 5 {
		t.Errorf("only %d flagged codings checked", checked)
	}
}
