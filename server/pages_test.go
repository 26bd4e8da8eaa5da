package server

import (
	"context"
	"encoding/json"
	"html/template"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/sqlite"
	"github.com/komoru/komoru/indexer"
	"github.com/komoru/komoru/web"
)

func TestWorkPage(t *testing.T) {
	s := newSiteServer(t)
	rec := request(t, s, "GET", "/works/welcome-to-the-nhk-anime")
	if rec.Code != 200 {
		t.Fatalf("status %d", rec.Code)
	}
	page := rec.Body.String()
	for _, want := range []string{
		`<h1 id="work-title">Welcome to the N.H.K.</h1>`,
		`<meta name="citation_title" content="Welcome to the N.H.K.">`,
		`<meta name="citation_date" content="2006">`,
		`<meta name="DC.title" content="Welcome to the N.H.K.">`,
		`<meta property="og:type" content="video.tv_show">`,
		`<script type="application/ld+json">`,
		// Every dimension is shown, its definition a toggletip under its
		// label, each value's on hover and read with it.
		`<details class="tip"><summary><span class="dim">Realism</span><span class="sr-only">: what it means</span></summary><p class="tip-body">`,
		`title="Withdrawal shown as pain, fear of judgment, shame and a self-reinforcing cycle, without trivializing it."`,
		`<a class="chip" href="/?realism=realistic"`,
		// Recovery is not on the page until revealed: a link reveals it.
		`<a class="spoiler-reveal" href="/works/welcome-to-the-nhk-anime?show=recovery#dim-recovery" rel="nofollow">Spoiler: show Recovery</a>`,
		// The novel and the manga are compared side by side.
		`<h2 id="compare">Adaptations compared</h2>`,
		`href="/works/welcome-to-the-nhk-novel"`,
		`@misc{welcome_to_the_nhk_anime,`,
		// APA sets the title in italics; each citation has a copy button
		// (shown by the script).
		`<i>Welcome to the N.H.K.</i> [Anime series].</span>`,
		`data-copy="cite-apa"`, `data-copy="cite-entry"`, `data-copy="cite-bibtex"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("work page lacks %s", want)
		}
	}
	m := regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`).FindStringSubmatch(page)
	var ld map[string]any
	if m == nil || json.Unmarshal([]byte(m[1]), &ld) != nil {
		t.Fatalf("no parseable JSON-LD in the page")
	}
	if ld["@type"] != "TVSeries" || ld["name"] != "Welcome to the N.H.K." || ld["datePublished"] != "2006" {
		t.Errorf("JSON-LD = %v", ld)
	}

	// With the spoiler preference, recovery is shown, with no link to
	// reveal or hide it.
	req := httptest.NewRequest("GET", "/works/welcome-to-the-nhk-anime", nil)
	req.AddCookie(&http.Cookie{Name: spoilersCookie, Value: "show"})
	rec = httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	if body := rec.Body.String(); !strings.Contains(body, `<div class="spoiler-shown"><p><a class="chip" href="/?recovery=`) || strings.Contains(body, "Spoiler: show Recovery") {
		t.Error("spoilers not shown with the show-spoilers preference")
	}
	if rec := request(t, s, "GET", "/works/welcome-to-the-nhk-anime?show=nope"); rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "must name a dimension") {
		t.Errorf("show naming no dimension: %d, want 400 that says why", rec.Code)
	}
	if rec := request(t, s, "GET", "/works/no-such-work"); rec.Code != 404 || !strings.Contains(rec.Body.String(), "<h1>Not found</h1>") {
		t.Errorf("unknown work: %d", rec.Code)
	}
}

// TestEscaping: catalog text is text, never markup, in the page, the meta
// tags and the JSON-LD block.
func TestEscaping(t *testing.T) {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "catalog.db"), catalog.DefaultCodebook())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	evil := &catalog.Work{ID: "xss", Title: `<script>alert(1)</script>`, Medium: "manga", Year: 2020,
		Synopsis:   `"><img src=x onerror=alert(2)></script><script>alert(3)</script>`,
		Characters: []catalog.Character{{Name: `<b>bold</b>`, Gender: "female", Role: "protagonist", Hikikomori: true}},
		Portrayal:  catalog.Portrayal{"realism": {Value: "realistic", Evidence: `<i>evidence</i>`}},
		Sources:    []catalog.Source{{URL: "https://example.org/?a=<x>", Title: `<u>src</u>`}}}
	if _, err := catalog.CreateWork(ctx, store, evil, catalog.Change{Author: "test"}); err != nil {
		t.Fatal(err)
	}
	ix, err := indexer.Open(ctx, filepath.Join(t.TempDir(), "index"), store, indexer.Options{Codebook: store.Codebook()})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	s, err := New(Config{Store: store, Search: ix, Codebook: store.Codebook(), Assets: web.FS})
	if err != nil {
		t.Fatal(err)
	}
	// The search page: the query echoed in the box and the empty-result
	// suggestion, and the work's title and synopsis highlighted in a hit.
	for _, u := range []string{"/?q=" + url.QueryEscape(`"><script>alert(9)</script>`), "/?q=script", "/?q=alert"} {
		page := request(t, s, "GET", u).Body.String()
		for _, bad := range []string{"<script>alert", "<img src=x", "<b>bold"} {
			if strings.Contains(page, bad) {
				t.Errorf("GET %s: the page contains unescaped %q", u, bad)
			}
		}
	}
	if page := request(t, s, "GET", "/?q=script").Body.String(); !strings.Contains(page, `&lt;<mark>script</mark>&gt;`) {
		t.Errorf("the hit's title is not shown escaped with the match marked")
	}
	page := request(t, s, "GET", "/works/xss").Body.String()
	for _, bad := range []string{"<script>alert", "<img src=x", "<b>bold", "<i>evidence", "<u>src"} {
		if strings.Contains(page, bad) {
			t.Errorf("the page contains unescaped %q", bad)
		}
	}
	if !strings.Contains(page, `&lt;script&gt;alert(1)&lt;/script&gt;`) {
		t.Error("the title is not shown as text")
	}
}

func TestCodebookPage(t *testing.T) {
	s := newSiteServer(t)
	page := request(t, s, "GET", "/codebook").Body.String()
	for _, want := range []string{"version " + s.cb.Version, `id="realism"`, `<code>avoidant_personality</code>`, `<a href="/?medium=manga">`,
		// The changelog, newest first, with what each version added.
		`<h3>Version 1.1.0`, `<code>family_dynamics.not_shown</code>`, `<h3>Version 1.0.0`} {
		if !strings.Contains(page, want) {
			t.Errorf("codebook page lacks %s", want)
		}
	}
	// The count beside "Realistic" is the number of realistic works,
	// counted from the shipped catalog.
	want := 0
	for _, w := range shippedWorks(t, s.cb) {
		if w.Portrayal["realism"].Value == "realistic" {
			want++
		}
	}
	if want == 0 || !strings.Contains(page, `<a href="/?realism=realistic">`+strconv.Itoa(want)+`</a>`) {
		t.Errorf("codebook page does not link %d realistic works", want)
	}
}

func TestPrefs(t *testing.T) {
	s := newSiteServer(t)
	tests := []struct {
		form     url.Values
		location string
		cookie   string
	}{
		{url.Values{"spoilers": {"show"}, "return": {"/works/x?y=1"}}, "/works/x?y=1", spoilersCookie + "=show"},
		{url.Values{"theme": {"dark"}, "return": {"/codebook"}}, "/codebook", themeCookie + "=dark"},
		{url.Values{"theme": {"neon"}, "return": {"https://evil.example/"}}, "/", ""},
		{url.Values{"return": {"//evil.example/"}}, "/", ""},
	}
	for _, tt := range tests {
		req := httptest.NewRequest("POST", "/prefs", strings.NewReader(tt.form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != tt.location {
			t.Errorf("POST /prefs %v: %d to %q, want 303 to %q", tt.form, rec.Code, rec.Header().Get("Location"), tt.location)
		}
		got := rec.Header().Get("Set-Cookie")
		if (tt.cookie == "") != (got == "") || !strings.HasPrefix(got, tt.cookie) {
			t.Errorf("POST /prefs %v: Set-Cookie %q, want %q", tt.form, got, tt.cookie)
		}
	}
	req := httptest.NewRequest("GET", "/codebook", nil)
	req.AddCookie(&http.Cookie{Name: themeCookie, Value: "dark"})
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	if !strings.Contains(rec.Body.String(), `<html lang="en" data-theme="dark">`) {
		t.Error("the dark theme preference is not applied")
	}
}

func TestSearchPage(t *testing.T) {
	s := newSiteServer(t)
	tests := []struct {
		url     string
		status  int
		want    []string
		notWant []string
	}{
		{"/", 200, []string{`<input id="q" name="q" type="search" value=""`, `<li class="hit" id="hit-`, `<svg viewBox="0 0 120 50" role="img" aria-label="Works by decade">`,
			`name="realism" value="realistic"`, `<option value="relevance" selected>`, `<nav class="pages" aria-label="Pages">`, `rel="next"`,
			// The search tips name the operators.
			`<summary>Search tips</summary>`, `<code>NOT otaku</code>`, `<code>nhk OR jellyfish</code>`}, nil},
		// A facet's own selection does not narrow its counts: the other
		// realism values still show, and the chip removes the filter.
		{"/?realism=realistic", 200, []string{`id="f-realism-realistic" name="realism" value="realistic" checked`, `id="f-realism-mixed"`,
			`<a class="chip removable" href="/" aria-label="Remove filter Realism: Realistic">`}, nil},
		{"/?q=jellyfish&sort=year", 200, []string{`value="jellyfish"`, `<mark>`, `href="/works/princess-jellyfish-manga"`, `<option value="year" selected>`}, nil},
		{"/?q=zzzzqqqq&realism=realistic", 200, []string{`No works match`, `Search without the text “zzzzqqqq”`, `href="/?realism=realistic"`, `Remove Realism: Realistic`}, []string{`<li class="hit" id="hit-`}},
		// Stop words alone are an empty query: every work, not "No works".
		{"/?q=a+the+of", 200, []string{`value="a the of"`, `<li class="hit" id="hit-`, `rel="next"`}, []string{`No works match`}},
		{"/?page=2", 200, []string{`rel="prev"`, `<a href="/?page=2" aria-current="page">2</a>`}, nil},
		// A bad parameter keeps the search box and says what is wrong
		// with each parameter, as the API does.
		{"/?size=1000", 400, []string{`role="alert"`, `Results per page: must be 1 to 100`}, []string{`bad search parameter`}},
		{"/?mood=sad", 400, []string{`mood: unknown parameter: not a facet`}, nil},
		{"/?q=lonely&decade=1995&year_from=x", 400, []string{`value="lonely"`, `Decade: must be a decade such as 2010 or 2010s`,
			`From year: must be a year, such as 1999`}, []string{`<li class="hit" id="hit-`}},
		{"/?q=a&q=b", 400, []string{`Search text: give it once`}, nil},
		// A decade written with its "s" is that decade, selected and
		// removable like one written without.
		{"/?decade=2010s", 200, []string{`id="f-decade-2010" name="decade" value="2010" checked`,
			`<a class="chip removable" href="/" aria-label="Remove filter Decade: 2010s">`}, nil},
	}
	for _, tt := range tests {
		rec := request(t, s, "GET", tt.url)
		body := rec.Body.String()
		if rec.Code != tt.status {
			t.Errorf("GET %s: %d, want %d", tt.url, rec.Code, tt.status)
		}
		for _, w := range tt.want {
			if !strings.Contains(body, w) {
				t.Errorf("GET %s: page lacks %s", tt.url, w)
			}
		}
		for _, w := range tt.notWant {
			if strings.Contains(body, w) {
				t.Errorf("GET %s: page has %s", tt.url, w)
			}
		}
	}
}

// TestSearchPageErrors: the page names each bad parameter's problem in
// the words of the API's 400.
func TestSearchPageErrors(t *testing.T) {
	s := newSiteServer(t)
	for _, query := range []string{"size=0", "realism=gritty", "decade=1995", "decade=2010x", "countries=XX",
		"year_from=2010&year_to=2000", "sort=popularity&typo=perhaps", "colour=red&page=x"} {
		api := request(t, s, "GET", "/api/v1/search?"+query)
		var body struct {
			Error struct{ Fields map[string]string }
		}
		if err := json.Unmarshal(api.Body.Bytes(), &body); err != nil || api.Code != 400 || len(body.Error.Fields) == 0 {
			t.Fatalf("GET /api/v1/search?%s = %d %s, want a 400 naming fields", query, api.Code, api.Body)
		}
		page := request(t, s, "GET", "/?"+query)
		if page.Code != 400 {
			t.Errorf("GET /?%s = %d, want 400", query, page.Code)
		}
		for name, msg := range body.Error.Fields {
			if !strings.Contains(page.Body.String(), template.HTMLEscapeString(msg)) {
				t.Errorf("GET /?%s: page lacks %s's message %q", query, name, msg)
			}
		}
	}
}

// TestStatsAgree: the counts the codebook page takes from the index equal
// the counts the domain computes from the works themselves, value by
// value. (The charts' counts, split by decade, medium and the rest, are
// TestStatsCharts'.)
func TestStatsAgree(t *testing.T) {
	s := newSiteServer(t)
	got, err := s.stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := catalog.NewStats(s.cb, "")
	for _, w := range shippedWorks(t, s.cb) {
		want.Add(w)
	}
	want.Finish()
	if got.Works != want.Works {
		t.Errorf("%d works, want %d", got.Works, want.Works)
	}
	counts := func(st *catalog.Stats) map[string]int {
		m := map[string]int{}
		for _, fs := range st.Facets {
			for _, r := range fs.Rows {
				if r.Count > 0 {
					m[fs.Name+"="+r.Value] = r.Count
				}
			}
		}
		return m
	}
	if diff := cmp.Diff(counts(want), counts(got)); diff != "" {
		t.Errorf("index counts differ from the works' (-works +index):\n%s", diff)
	}
}

// TestSearchPageSuggestedFilters: a query that names a facet value shows
// a chip that adds the filter and keeps the text; an applied filter is not
// offered again, and a page number is not carried over.
func TestSearchPageSuggestedFilters(t *testing.T) {
	s := newSiteServer(t)
	chip := regexp.MustCompile(`<a class="chip" href="([^"]*)" aria-label="Add filter [^"]*">Filter: ([^<]*)</a>`)
	tests := []struct {
		url   string
		chips []string // label (count)
		links []string // the chips' links, decoded
	}{
		{"/?q=korean", []string{"Country = South Korea (5)"}, []string{"/?countries=KR&q=korean"}},
		{"/?q=female+hikikomori", []string{"Hikikomori gender = Female (42)"}, []string{"/?hikikomori_genders=female&q=female+hikikomori"}},
		{"/?q=realistic+manga&page=2", []string{"Realism = Realistic (7)", "Medium = Manga (7)"},
			[]string{"/?q=realistic+manga&realism=realistic", "/?medium=manga&q=realistic+manga"}},
		{"/?q=social+anxiety&conditions=social_anxiety", nil, nil},
		{"/?q=jellyfish", nil, nil},
	}
	for _, tt := range tests {
		rec := request(t, s, "GET", tt.url)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: %d", tt.url, rec.Code)
		}
		var chips, links []string
		for _, m := range chip.FindAllStringSubmatch(rec.Body.String(), -1) {
			chips = append(chips, m[2])
			links = append(links, strings.NewReplacer("&amp;", "&", "&#43;", "+").Replace(m[1]))
		}
		if diff := cmp.Diff(tt.chips, chips); diff != "" {
			t.Errorf("GET %s: chips (-want +got):\n%s", tt.url, diff)
		}
		if diff := cmp.Diff(tt.links, links); diff != "" {
			t.Errorf("GET %s: chip links (-want +got):\n%s", tt.url, diff)
		}
		// Each chip's count is the total its link finds.
		for i, l := range links {
			body := request(t, s, "GET", l).Body.String()
			count := chips[i][strings.LastIndex(chips[i], "(")+1 : len(chips[i])-1]
			if !strings.Contains(body, " of "+count+" works</p>") {
				t.Errorf("GET %s (the chip of %s): no total of %s", l, tt.url, count)
			}
		}
	}
}

// TestSearchPageDroppedWords: when all the words match nothing, the page
// says which were left out.
func TestSearchPageDroppedWords(t *testing.T) {
	s := newSiteServer(t)
	page := request(t, s, "GET", "/?q=kagerou+days").Body.String()
	if !strings.Contains(page, "No work has all your words; showing works without “days”.") {
		t.Errorf("the page does not say that days was left out:\n%.2000s", page)
	}
	if strings.Contains(request(t, s, "GET", "/?q=kagerou+days&matching=all").Body.String(), "No work has all your words") {
		t.Error("matching=all says words were left out")
	}
}
