package server

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// requestSpoilers GETs url as a reader who shows spoilers, or who hides them
// (the default).
func requestSpoilers(s *Server, url string, show bool) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, url, nil)
	if show {
		req.AddCookie(&http.Cookie{Name: spoilersCookie, Value: "show"})
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec
}

// TestContentWarnings: a work's content warnings are shown near the top of
// its page and on its result card, as plain text, whatever the reader's
// spoiler setting; readers want to know them before they start.
func TestContentWarnings(t *testing.T) {
	s := newSiteServer(t)
	const (
		nhkLine  = `<p class="warnings" id="warnings-content_warnings"><strong>Content warnings:</strong> Suicide, Sexual content, Substance use</p>`
		nhkChip  = `<li><span class="chip warning" title="Material some readers want to know about in advance.">Content warnings: Suicide, Sexual content, Substance use</span></li>`
		nhkCard  = `(?s)<li class="hit"[^>]*>\s*<h3><a href="/works/welcome-to-the-nhk-anime">.*?</ul>`
		spoilers = `<a class="spoiler-reveal" href="/works/welcome-to-the-nhk-anime?show=recovery#dim-recovery" rel="nofollow">Spoiler: show Recovery</a>`
	)
	tests := []struct {
		name, url    string
		showSpoilers bool
		want         []string // in this order
		notWant      []string
	}{
		{name: "work page, spoilers hidden", url: "/works/welcome-to-the-nhk-anime",
			want: []string{`<h1 id="work-title">`, nhkLine, `<p class="synopsis">`, `<h2 id="facts">`, spoilers}},
		{name: "work page, spoilers shown", url: "/works/welcome-to-the-nhk-anime", showSpoilers: true,
			want: []string{`<h1 id="work-title">`, nhkLine, `<h2 id="facts">`}},
		{name: "work page, no warnings coded", url: "/works/princess-jellyfish-manga",
			notWant: []string{`class="warnings"`}},
		{name: "search result card", url: "/?q=" + "welcome+to+the+nhk",
			want: []string{`<a href="/works/welcome-to-the-nhk-anime">`, nhkChip}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := requestSpoilers(s, tt.url, tt.showSpoilers)
			if rec.Code != http.StatusOK {
				t.Fatalf("GET %s = %d", tt.url, rec.Code)
			}
			page := rec.Body.String()
			if strings.Contains(tt.url, "?") {
				// The chip must be on the card of the work, not another.
				page = regexp.MustCompile(nhkCard).FindString(page)
			}
			wantInOrder(t, "GET "+tt.url, page, tt.want)
			for _, bad := range tt.notWant {
				if strings.Contains(page, bad) {
					t.Errorf("GET %s has %s", tt.url, bad)
				}
			}
		})
	}
}
