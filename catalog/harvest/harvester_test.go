package harvest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/komoru/komoru/catalog"
)

// memFetcher serves pages from memory: a URL it lacks fails.
type memFetcher map[string]string

func (m memFetcher) Fetch(_ context.Context, urls []string, fn func(string, *Page, error)) {
	for _, u := range urls {
		body, ok := m[u]
		if !ok {
			fn(u, nil, errors.New("HTTP 404 Not Found"))
			continue
		}
		p, err := NewPage(u, "text/html; charset=utf-8", []byte(body))
		fn(u, p, err)
	}
}

func movie(name, year string) string {
	return `<html><head><script type="application/ld+json">{"@type":"Movie","name":"` + name + `","datePublished":"` + year + `"}</script></head><body></body></html>`
}

func TestHarvesterDrafts(t *testing.T) {
	known := &catalog.Work{ID: "the-quiet-floor-film", Title: "The Quiet Floor", Medium: "live_action_film", Year: 2019}
	h := &Harvester{Known: NewMatcher([]*catalog.Work{known}), Fetcher: memFetcher{
		"https://a.example/quiet": movie("The Quiet Floor", "2019-04-01"),
		"https://b.example/quiet": movie("The Quiet Floor", "2020-01-01"),
		"https://a.example/other": movie("Another Room", "2001"),
		"https://a.example/blank": `<html><body><p>Nothing here.</p></body></html>`,
	}}
	drafts, failures := h.Drafts(context.Background(), []string{
		"https://a.example/quiet", "https://a.example/missing", "https://b.example/quiet", "https://a.example/other", "https://a.example/blank",
	})
	if len(failures) != 2 || failures[0].URL != "https://a.example/missing" || failures[1].URL != "https://a.example/blank" ||
		!strings.Contains(failures[1].Error(), "found no title") {
		t.Errorf("failures = %v", failures)
	}
	if len(drafts) != 2 {
		t.Fatalf("%d drafts, want 2", len(drafts))
	}
	if d := drafts[0]; d.Work.Year != 2019 || len(d.Conflicts) != 1 || len(d.Matches) != 1 || d.Matches[0] != known.ID {
		t.Errorf("the Quiet Floor's draft: %+v", d)
	}
	if d := drafts[1]; d.Work.Title != "Another Room" || len(d.Matches) != 0 {
		t.Errorf("the second draft: %+v", d)
	}
	if _, err := h.Draft(context.Background(), "https://a.example/missing"); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("Draft of a missing page: %v", err)
	}
}

func TestHarvesterDiscover(t *testing.T) {
	list := `<html><head><link rel="canonical" href="https://en.wikipedia.org/wiki/List_of_quiet_films"><title>List of quiet films - Wikipedia</title></head>
<body><h1 id="firstHeading">List of quiet films</h1><div class="mw-parser-output"><table class="wikitable">
<tr><th>Title</th><th>Year</th><th>Notes</th></tr>
<tr><td><i><a href="/wiki/The_Quiet_Floor">The Quiet Floor</a></i></td><td>2019</td><td>A note.</td></tr>
<tr><td><i><a href="/wiki/Another_Room">Another Room</a></i></td><td>2001</td><td>Another note.</td></tr>
</table></div></body></html>`
	known := &catalog.Work{ID: "the-quiet-floor-film", Title: "The Quiet Floor", Medium: "live_action_film", Year: 2019}
	h := &Harvester{Known: NewMatcher([]*catalog.Work{known}), Fetcher: memFetcher{
		"https://en.wikipedia.org/wiki/List_of_quiet_films": list,
		"https://a.example/movie":                           movie("Another Room", "2001"),
	}}
	got, err := h.Discover(context.Background(), "https://en.wikipedia.org/wiki/List_of_quiet_films")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Title != "Another Room" || got[0].Year != 2001 {
		t.Errorf("candidates = %+v, want Another Room only (The Quiet Floor is known)", got)
	}
	if _, err := h.Discover(context.Background(), "https://a.example/movie"); err == nil || !strings.Contains(err.Error(), "not a list page") {
		t.Errorf("Discover of a work page: %v", err)
	}
}
