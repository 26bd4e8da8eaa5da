package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/komoru/komoru/catalog"
)

// statusWorks are imported into the shipped catalog: a work with no
// coding at all, and one coded on two dimensions, with evidence tied to
// its second source.
const statusWorks = `{"id":"kumo-no-heya-novel","title":"Kumo no Heya","medium":"novel","year":2021,"synopsis":"A recluse writes letters to a spider."}
{"id":"door-ajar-manga","title":"Door Ajar","medium":"manga","year":2019,"synopsis":"A recluse and her brother.","sources":[{"url":"https://a.example/door","title":"Publisher"},{"url":"https://b.example/door","title":"Review"}],"portrayal":{"realism":{"value":"realistic","evidence":"Her panic at the door.","source":2,"locator":"chapter 3"},"recovery":{"value":"gradual","evidence":"She walks to school.","locator":"chapter 40"}}}
`

func importStatusWorks(t *testing.T) *site {
	t.Helper()
	st := newSite(t)
	ctx := context.Background()
	var problems []string
	opts := catalog.ImportOptions{Change: catalog.Change{Author: "import"},
		OnProblem: func(e *catalog.LineError) { problems = append(problems, e.Problems()...) }}
	if _, err := catalog.Import(ctx, st.store, strings.NewReader(statusWorks), opts); err != nil || len(problems) > 0 {
		t.Fatalf("Import = %v, %q", err, problems)
	}
	if _, err := st.ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestWorkPageCodingStatus: a work imported without coding says so once,
// under its title and in place of its dimensions; a partly coded one shows
// its coded dimensions, a badge with the count and one line naming the
// rest; a coded one neither.
func TestWorkPageCodingStatus(t *testing.T) {
	st := importStatusWorks(t)
	var missing []string
	for _, d := range catalog.DefaultCodebook().Dimensions {
		if d.ID != "realism" && d.ID != "recovery" {
			missing = append(missing, d.Label)
		}
	}
	tests := []struct {
		name, url string
		want      []string // in this order
		count     map[string]int
	}{
		{name: "not coded", url: "/works/kumo-no-heya-novel",
			want: []string{`<h1 id="work-title">Kumo no Heya</h1>`,
				`<p class="coding-status coding-uncoded" id="coding-status" title="No dimension of the codebook is coded yet.">Not coded yet</p>`,
				`<h2 id="coding">How it portrays withdrawal</h2>`,
				`<p class="coding-notice" id="coding-notice">Not coded yet: none of the codebook's 11 dimensions has been coded for this work.</p>`},
			count: map[string]int{"not coded": 0, "Not coded yet": 2, `<dl class="coding">`: 0, `id="dim-`: 0, `id="coding-missing"`: 0}},
		{name: "partly coded", url: "/works/door-ajar-manga",
			want: []string{`<h1 id="work-title">Door Ajar</h1>`,
				`<p class="coding-status coding-partial" id="coding-status" title="Some dimensions of the codebook are coded, others not yet.">Partly coded: 2 of 11 dimensions</p>`,
				`<dd id="dim-realism">`,
				`<p class="evidence">Her panic at the door. <span class="locator">(chapter 3)</span><sup class="footnote"><a href="#source-2" title="Review"><span class="sr-only">source </span>[2]</a></sup></p>`,
				`<dd id="dim-recovery">`, `<a class="spoiler-reveal" href="/works/door-ajar-manga?show=recovery#dim-recovery" rel="nofollow">Spoiler: show Recovery</a>`,
				`<p class="coding-notice" id="coding-missing">Not coded yet: ` + strings.Join(missing, ", ") + `.</p>`,
				`<ol class="sources">`,
				`<li id="source-1"><span class="source-number" aria-hidden="true">[1]</span> <a href="https://a.example/door" rel="noopener noreferrer">Publisher</a></li>`,
				`<li id="source-2"><span class="source-number" aria-hidden="true">[2]</span> <a href="https://b.example/door" rel="noopener noreferrer">Review</a></li>`},
			count: map[string]int{"not coded": 0, `id="dim-`: 2, `id="coding-notice"`: 0}},
		{name: "coded", url: "/works/welcome-to-the-nhk-anime",
			want:  []string{`<h1 id="work-title">`, `<dl class="coding">`},
			count: map[string]int{`class="coding-status`: 0, `class="coding-notice"`: 0, "not coded": 0, `id="dim-`: 11}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := st.do(t, req{method: http.MethodGet, url: tt.url})
			if rec.Code != http.StatusOK {
				t.Fatalf("GET %s = %d", tt.url, rec.Code)
			}
			page := rec.Body.String()
			wantInOrder(t, "GET "+tt.url, page, tt.want)
			for s, n := range tt.count {
				if got := strings.Count(page, s); got != n {
					t.Errorf("GET %s has %q %d times, want %d", tt.url, s, got, n)
				}
			}
		})
	}
}

// TestSearchCodingStatus: result cards of works not fully coded carry a
// badge, coded ones none; coding_status is a facet of the sidebar and the
// API, and a filter.
func TestSearchCodingStatus(t *testing.T) {
	st := importStatusWorks(t)
	card := func(page, id string) string {
		return regexp.MustCompile(`(?s)<li class="hit"[^>]*>\s*<h3><a href="/works/` + id + `">.*?</li>\s*(?:<li class="hit"|</ol>)`).FindString(page)
	}
	page := st.do(t, req{method: http.MethodGet, url: "/?q=recluse&size=100"}).Body.String()
	for id, want := range map[string]string{
		"kumo-no-heya-novel": `<p class="coding-status coding-uncoded" title="No dimension of the codebook is coded yet.">Not coded yet</p>`,
		"door-ajar-manga":    `<p class="coding-status coding-partial" title="Some dimensions of the codebook are coded, others not yet.">Partly coded</p>`,
	} {
		c := card(page, id)
		if !strings.Contains(c, want) {
			t.Errorf("card of %s lacks %s:\n%s", id, want, c)
		}
	}
	if n := strings.Count(page, `class="coding-status`); n != 2 {
		t.Errorf("/?q=recluse has %d coding badges, want 2 (the coded works none)", n)
	}
	for _, want := range []string{`id="f-coding_status-coded"`, `id="f-coding_status-partial"`, `id="f-coding_status-uncoded"`} {
		if !strings.Contains(page, want) {
			t.Errorf("/?q=recluse lacks the facet item %s", want)
		}
	}

	filtered := st.do(t, req{method: http.MethodGet, url: "/?coding_status=uncoded"}).Body.String()
	if !strings.Contains(filtered, `<a href="/works/kumo-no-heya-novel">`) || strings.Count(filtered, `<li class="hit"`) != 1 {
		t.Errorf("/?coding_status=uncoded does not list the one work not coded:\n%s", filtered)
	}

	rec := st.do(t, req{method: http.MethodGet, url: "/api/v1/search?coding_status=uncoded&coding_status=partial"})
	var res struct {
		Total  int `json:"total"`
		Facets map[string][]struct {
			Value string `json:"value"`
			Count int    `json:"count"`
		} `json:"facets"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, v := range res.Facets[catalog.FacetCodingStatus] {
		counts[v.Value] = v.Count
	}
	data, err := io.ReadAll(catalog.Shipped())
	if err != nil {
		t.Fatal(err)
	}
	shipped := strings.Count(strings.TrimSpace(string(data)), "\n") + 1
	if res.Total != 2 || counts["uncoded"] != 1 || counts["partial"] != 1 || counts["coded"] != shipped {
		t.Errorf("API search coding_status=uncoded|partial = total %d, counts %v; want 2, 1 uncoded, 1 partial, %d coded", res.Total, counts, shipped)
	}
}

// wantInOrder fails the test unless page holds each of wants, in order.
func wantInOrder(t *testing.T, what, page string, wants []string) {
	t.Helper()
	at := 0
	for _, want := range wants {
		i := strings.Index(page[at:], want)
		if i < 0 {
			t.Fatalf("%s lacks, after byte %d:\n%s", what, at, want)
		}
		at += i + len(want)
	}
}
