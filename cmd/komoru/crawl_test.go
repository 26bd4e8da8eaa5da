package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/harvest"
)

// wikiServer serves the saved Wikipedia pages of the harvest package's
// testdata on 127.0.0.1 and counts the requests of each path.
type wikiServer struct {
	*httptest.Server
	mu     sync.Mutex
	count  map[string]int
	agents map[string]bool
}

// otherEarth is a page of another site about The Wandering Earth, with a
// year that differs from Wikipedia's.
const otherEarth = `<!doctype html><html><head><title>The Wandering Earth</title>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"Movie","name":"The Wandering Earth",
"datePublished":"2018-12-01","director":{"@type":"Person","name":"Frant Gwo"},"description":"Plotwords that stay out."}</script>
</head><body><p>Plotwords that stay out.</p></body></html>`

var wikiPages = map[string]string{
	"/wiki/The_Wandering_Earth":                        "wikipedia_The_Wandering_Earth_2019.html",
	"/wiki/How_to_Train_Your_Dragon:_The_Hidden_World": "wikipedia_How_to_Train_Your_Dragon_The_Hidden_World_2019.html",
	"/api/rest_v1/page/html/Garou:_Mark_of_the_Wolves": "wikipedia_parsoid_Garou_Mark_of_the_Wolves_2026.html",
	"/wiki/List_of_films_featuring_time_loops":         "wikipedia_List_of_films_featuring_time_loops_2024.html",
}

func newWikiServer(t *testing.T) *wikiServer {
	t.Helper()
	ws := &wikiServer{count: map[string]int{}, agents: map[string]bool{}}
	ws.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws.mu.Lock()
		ws.count[r.URL.Path]++
		ws.agents[r.UserAgent()] = true
		ws.mu.Unlock()
		switch r.URL.Path {
		case "/robots.txt":
			w.Write([]byte("User-agent: *\nDisallow: /private/\n"))
			return
		case "/films/wandering-earth":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(otherEarth))
			return
		}
		name, ok := wikiPages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		b, err := os.ReadFile(filepath.Join("..", "..", "catalog", "harvest", "testdata", "wikipedia", name))
		if err != nil {
			t.Error(err)
			http.Error(w, err.Error(), 500)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(b)
	}))
	t.Cleanup(ws.Close)
	return ws
}

func (ws *wikiServer) requests() int {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	n := 0
	for _, c := range ws.count {
		n += c
	}
	return n
}

func readDrafts(t *testing.T, path string) []catalog.Draft {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var ds []catalog.Draft
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var d catalog.Draft
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatalf("a draft line does not parse: %v\n%s", err, sc.Bytes())
		}
		ds = append(ds, d)
	}
	return ds
}

func hasCreator(w *catalog.Work, name, role string) bool {
	return slices.Contains(w.Creators, catalog.Creator{Name: name, Role: role})
}

// TestCrawlSavedWikipedia is the test of done: the saved
// Wikipedia pages, served on 127.0.0.1, crawled into drafts whose title,
// medium, year and creators are right; a page that fails is named and
// the others are written; a second crawl comes from the cache.
func TestCrawlSavedWikipedia(t *testing.T) {
	ws := newWikiServer(t)
	data := t.TempDir()
	out := filepath.Join(t.TempDir(), "drafts.jsonl")
	urls := []string{
		ws.URL + "/wiki/The_Wandering_Earth",
		ws.URL + "/wiki/How_to_Train_Your_Dragon:_The_Hidden_World",
		ws.URL + "/api/rest_v1/page/html/Garou:_Mark_of_the_Wolves",
		ws.URL + "/wiki/No_such_page",
		ws.URL + "/private/secret",
	}
	urls = append(urls, ws.URL+"/films/wandering-earth")
	args := append([]string{"crawl", "--data", data, "--delay", "5ms", "--out", out, "--contact", "https://example.org/curators"}, urls...)
	code, _, stderr := komoru(t, "", nil, args...)
	if code != 1 {
		t.Errorf("crawl with a missing and a disallowed page: exit %d, want 1; stderr:\n%s", code, stderr)
	}
	for _, bad := range []string{ws.URL + "/wiki/No_such_page", ws.URL + "/private/secret"} {
		if !strings.Contains(stderr, bad) {
			t.Errorf("stderr does not name the failed URL %s:\n%s", bad, stderr)
		}
	}
	if ws.count["/private/secret"] != 0 {
		t.Error("the crawler fetched a page robots.txt disallows")
	}
	for ua := range ws.agents {
		if !strings.HasPrefix(ua, "komoru/") || !strings.HasSuffix(ua, "(+https://example.org/curators)") {
			t.Errorf("User-Agent %q: want komoru/VERSION (+the contact)", ua)
		}
	}
	drafts := readDrafts(t, out)
	if len(drafts) != 3 {
		t.Fatalf("%d drafts, want 3 (the two Wandering Earth pages as one)", len(drafts))
	}
	// The two pages about The Wandering Earth: one draft, the years in
	// conflict, Wikipedia's (the first page) kept.
	earth := drafts[0]
	wantConflict := []catalog.Conflict{{Field: "year", Values: []catalog.ConflictValue{
		{Value: float64(2019), Source: urls[0]}, {Value: float64(2018), Source: urls[5]}}}}
	if !reflect.DeepEqual(earth.Conflicts, wantConflict) {
		t.Errorf("The Wandering Earth's conflicts = %+v, want %+v", earth.Conflicts, wantConflict)
	}
	if p := earth.Provenance["creators"]; !slices.Equal(p, []string{urls[0], urls[5]}) {
		t.Errorf("the director's provenance = %v, want both pages", p)
	}
	for _, c := range []struct {
		url, title, medium string
		year               int
		name, role         string
	}{
		{urls[0], "The Wandering Earth", "live_action_film", 2019, "Frant Gwo", "director"},
		{urls[1], "How to Train Your Dragon: The Hidden World", "anime_film", 2019, "DreamWorks Animation", "studio"},
		{urls[2], "Garou: Mark of the Wolves", "video_game", 1999, "SNK", "developer"},
	} {
		i := slices.IndexFunc(drafts, func(d catalog.Draft) bool { return d.Work.Title == c.title })
		if i < 0 {
			t.Errorf("no draft titled %q", c.title)
			continue
		}
		w := &drafts[i].Work
		if w.Medium != c.medium || w.Year != c.year || !hasCreator(w, c.name, c.role) {
			t.Errorf("%s: medium %q, year %d, creators %v; want %s, %d, %s as %s", c.title, w.Medium, w.Year, w.Creators, c.medium, c.year, c.name, c.role)
		}
		if p := drafts[i].Provenance["year"]; !slices.Contains(p, c.url) {
			t.Errorf("%s: the year's provenance %v does not cite %s", c.title, p, c.url)
		}
		if w.Synopsis != "" {
			t.Errorf("%s: the draft has a synopsis: prose is never copied", c.title)
		}
	}
	b, _ := os.ReadFile(out)
	for _, prose := range []string{"science fiction film directed by", "Hugo Award-winning author", "computer-animated", "Plotwords"} {
		if strings.Contains(string(b), prose) {
			t.Errorf("the drafts copy the lead's prose %q", prose)
		}
	}

	// Again, on the same cache: no request reaches the server.
	before := ws.requests()
	out2 := filepath.Join(t.TempDir(), "again.jsonl")
	if code, _, stderr := komoru(t, "", nil, append([]string{"crawl", "--data", data, "--delay", "5ms", "--out", out2}, urls[:3]...)...); code != 0 {
		t.Fatalf("second crawl: exit %d: %s", code, stderr)
	}
	if n := ws.requests() - before; n != 0 {
		t.Errorf("the second crawl made %d requests; the cache should answer them all", n)
	}
	if again, _ := os.ReadFile(out2); len(again) == 0 || len(readDrafts(t, out2)) != 3 {
		t.Error("the second crawl wrote no drafts")
	}
}

// TestCrawlDiscover: a list page's works that the catalog lacks, each
// mentioned by a link and a length rather than the list's words.
func TestCrawlDiscover(t *testing.T) {
	ws := newWikiServer(t)
	data := t.TempDir()
	known := `{"id":"groundhog-day-film","title":"Groundhog Day","medium":"live_action_film","year":1993}`
	if code, _, stderr := komoru(t, known+"\n", nil, "import", "--data", data, "--seed=false", "-"); code != 0 {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	list := ws.URL + "/wiki/List_of_films_featuring_time_loops"
	code, stdout, stderr := komoru(t, "", nil, "crawl", "--discover", "--data", data, "--delay", "5ms", list)
	if code != 0 {
		t.Fatalf("crawl --discover: exit %d: %s", code, stderr)
	}
	var cands []harvest.Candidate
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var c harvest.Candidate
		if err := json.Unmarshal([]byte(line), &c); err != nil {
			t.Fatalf("a candidate line does not parse: %v: %s", err, line)
		}
		cands = append(cands, c)
	}
	if len(cands) < 50 {
		t.Fatalf("%d candidates, want the list's films (over 50)", len(cands))
	}
	titles := map[string]harvest.Candidate{}
	for _, c := range cands {
		titles[c.Title] = c
		if !strings.HasPrefix(c.Mention, list) || c.MentionChars <= 0 {
			t.Errorf("%q: mention %q, %d chars: want a link into the list and a length", c.Title, c.Mention, c.MentionChars)
		}
	}
	if _, ok := titles["Groundhog Day"]; ok {
		t.Error("Groundhog Day is in the catalog, yet discovered")
	}
	if c, ok := titles["Repeat Performance"]; !ok || c.Year != 1947 {
		t.Errorf("Repeat Performance (1947) not found right: %+v", c)
	}
	if strings.Contains(stdout, "wishes she could live the year") {
		t.Error("the candidates copy the list's notes")
	}
}

// TestCrawlPropose: a draft of a new work becomes a proposal to create
// it; a draft that matches a work becomes a change of only what is new.
func TestCrawlPropose(t *testing.T) {
	ws := newWikiServer(t)
	data := t.TempDir()
	known := `{"id":"the-wandering-earth-film","title":"The Wandering Earth","medium":"live_action_film","year":2019}`
	if code, _, stderr := komoru(t, known+"\n", nil, "import", "--data", data, "--seed=false", "-"); code != 0 {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	code, stdout, stderr := komoru(t, "", nil, "crawl", "--propose", "--author", "cora", "--data", data, "--delay", "5ms",
		ws.URL+"/wiki/The_Wandering_Earth", ws.URL+"/api/rest_v1/page/html/Garou:_Mark_of_the_Wolves")
	if code != 0 {
		t.Fatalf("crawl --propose: exit %d: %s\n%s", code, stderr, stdout)
	}
	st := openData(t, data)
	ps, err := st.Proposals(context.Background(), catalog.ProposalFilter{State: catalog.ProposalPending})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 {
		t.Fatalf("%d proposals, want 2:\n%s", len(ps), stdout)
	}
	for _, p := range ps {
		if p.Author != "cora" || !strings.Contains(p.Note, ws.URL) {
			t.Errorf("proposal %d: author %q, note %q", p.ID, p.Author, p.Note)
		}
		switch p.WorkID {
		case "the-wandering-earth-film":
			if p.Op != catalog.OpUpdate || p.Base != 1 || !hasCreator(p.Work, "Frant Gwo", "director") || p.Work.Title != "The Wandering Earth" {
				t.Errorf("the matching draft's proposal: %+v", p)
			}
		case "garou-mark-of-the-wolves-game":
			if p.Op != catalog.OpCreate || p.Work.Year != 1999 || p.Work.Medium != "video_game" {
				t.Errorf("the new work's proposal: %+v", p)
			}
		default:
			t.Errorf("a proposal for %q", p.WorkID)
		}
	}
	if n, _ := st.Count(context.Background()); n != 1 {
		t.Errorf("the catalog has %d works; proposals must not be saved as works", n)
	}
}

func TestCrawlUsage(t *testing.T) {
	for _, args := range [][]string{
		{"crawl"},
		{"crawl", "ftp://example.org/x"},
		{"crawl", "--discover", "http://a.example/1", "http://a.example/2"},
		{"crawl", "--propose", "--out", "x.jsonl", "http://a.example/1"},
		{"crawl", "--delay", "soon", "http://a.example/1"},
	} {
		if code, _, stderr := komoru(t, "", nil, args...); code != 2 || !strings.Contains(stderr, "komoru crawl:") {
			t.Errorf("%v: exit %d, stderr %q; want 2 with a reason", args, code, stderr)
		}
	}
}
