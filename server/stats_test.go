package server

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"io"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/indexer"
	"github.com/komoru/komoru/web"
)

// shippedWorks decodes the shipped catalog, as the test site imports it.
func shippedWorks(t *testing.T, cb *catalog.Codebook) []*catalog.Work {
	t.Helper()
	var works []*catalog.Work
	dec := catalog.NewDecoder(catalog.Shipped(), cb)
	for {
		w, err := dec.Next()
		if err == io.EOF {
			return works
		}
		if err != nil {
			t.Fatal(err)
		}
		works = append(works, w)
	}
}

// bruteChart counts a chart's numbers straight from the works a filter
// matches, as the CSV names them: bar label → series label → works.
func bruteChart(cb *catalog.Codebook, spec chartSpec, works []*catalog.Work, match func(*catalog.Work) bool) (map[string]map[string]int, int) {
	rowF, _ := cb.Facet(spec.Row)
	colF, _ := cb.Facet(spec.Col)
	got := map[string]map[string]int{}
	n := 0
	for _, w := range works {
		if !match(w) {
			continue
		}
		n++
		for _, r := range rowF.Of(w) {
			for _, c := range colF.Of(w) {
				label := colF.ValueLabel(c)
				if l, ok := spec.SeriesLabels[c]; ok {
					label = l
				}
				if spec.Alone {
					label = "Works"
				}
				row := rowF.ValueLabel(r)
				if got[row] == nil {
					got[row] = map[string]int{}
				}
				got[row][label]++
			}
		}
	}
	return got, n
}

// csvChart reads a chart's CSV back into bar label → series label →
// works, leaving out zeros and the total and share columns, and checks
// each row's total.
func csvChart(t *testing.T, body string) map[string]map[string]int {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("CSV %q: %v", body, err)
	}
	header := recs[0]
	got := map[string]map[string]int{}
	for _, rec := range recs[1:] {
		sum := 0
		for j := 1; j < len(rec); j++ {
			n, err := strconv.Atoi(rec[j])
			if err != nil {
				t.Fatalf("CSV cell %q: %v", rec[j], err)
			}
			switch {
			case header[j] == "Total":
				if n != sum {
					t.Errorf("CSV row %s: total %d, cells add up to %d", rec[0], n, sum)
				}
				continue
			case strings.HasSuffix(header[j], "(%)") || (header[j] == "Works" && j > 1):
				continue
			}
			sum += n
			if n > 0 {
				if got[rec[0]] == nil {
					got[rec[0]] = map[string]int{}
				}
				got[rec[0]][header[j]] = n
			}
		}
	}
	return got
}

// TestStatsCharts: every chart's numbers, of the whole catalog and of a
// search, equal the counts made straight from the works the search
// matches; the page says which search and how many works; the downloads
// keep the search.
func TestStatsCharts(t *testing.T) {
	s := newSiteServer(t)
	works := shippedWorks(t, s.cb)
	has := func(w *catalog.Work, facet, value string) bool {
		f, _ := s.cb.Facet(facet)
		return slices.Contains(f.Of(w), value)
	}
	tests := []struct {
		name, params string
		match        func(*catalog.Work) bool
		says         string // what the page says it charts
	}{
		{"whole catalog", "", func(*catalog.Work) bool { return true }, "The shape of the catalog's"},
		{"romanticized or mixed", "realism=romanticized&realism=mixed",
			func(w *catalog.Work) bool { return has(w, "realism", "romanticized") || has(w, "realism", "mixed") },
			"matching Realism: Romanticized or Mixed."},
		{"manga since 2000", "medium=manga&year_from=2000&page=2",
			func(w *catalog.Work) bool { return has(w, catalog.FacetMedium, "manga") && w.Year >= 2000 },
			"matching Medium: Manga; from 2000."},
		{"female leads", "female_hikikomori_lead=true",
			func(w *catalog.Work) bool { return w.FemaleHikikomoriLead() },
			"matching Female hikikomori lead: Yes."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			page := request(t, s, "GET", "/stats?show=recovery&"+tc.params)
			if page.Code != 200 {
				t.Fatalf("/stats?%s: %d", tc.params, page.Code)
			}
			body := page.Body.String()
			if !strings.Contains(body, tc.says) {
				t.Errorf("the page does not say %q", tc.says)
			}
			keep, _ := url.ParseQuery(tc.params)
			keep.Del(paramPage)
			files := ""
			if len(keep) > 0 {
				files = "?" + keep.Encode()
				back := `<a href="` + attrEscape(searchURL(keep)) + `">Back to these search results</a>`
				if !strings.Contains(body, back) {
					t.Errorf("the page lacks the link back to the search, %s", back)
				}
			}
			n := 0
			for _, spec := range chartSpecs {
				want, matched := bruteChart(s.cb, spec, works, tc.match)
				n = matched
				for _, ext := range []string{"svg", "csv"} {
					link := `href="` + attrEscape("/stats/"+spec.Name+"."+ext+files) + `"`
					if !strings.Contains(body, link) {
						t.Errorf("%s: the page lacks the download link %s", spec.Name, link)
					}
				}
				csvBody := request(t, s, "GET", "/stats/"+spec.Name+".csv"+files)
				if csvBody.Code != 200 {
					t.Fatalf("%s.csv: %d", spec.Name, csvBody.Code)
				}
				if diff := cmp.Diff(want, csvChart(t, csvBody.Body.String())); diff != "" {
					t.Errorf("%s: the CSV differs from the works' counts (-works +csv):\n%s", spec.Name, diff)
				}
			}
			if n == 0 {
				t.Fatal("the search matches no works: the test proves nothing")
			}
			if tc.params != "" && !strings.Contains(body, "Charts of "+strconv.Itoa(n)+" works matching") {
				t.Errorf("the page does not say it charts %d works", n)
			}
		})
	}
}

// attrEscape is how html/template writes a URL in an attribute.
func attrEscape(u string) string { return strings.ReplaceAll(u, "&", "&amp;") }

// TestStatsSVG: each chart, inline and as a file, is well-formed SVG with
// a title, its axis titles and a value label per bar; the file carries
// its own style for both themes and says what it charts.
func TestStatsSVG(t *testing.T) {
	s := newSiteServer(t)
	page := request(t, s, "GET", "/stats?show=recovery&medium=manga").Body.String()
	inline := regexp.MustCompile(`(?s)<svg class="kchart".*?</svg>`).FindAllString(page, -1)
	if len(inline) != len(chartSpecs) {
		t.Fatalf("the page has %d inline charts, want %d", len(inline), len(chartSpecs))
	}
	for i, spec := range chartSpecs {
		file := request(t, s, "GET", "/stats/"+spec.Name+".svg?medium=manga")
		if file.Code != 200 || file.Header().Get("Content-Type") != "image/svg+xml" {
			t.Fatalf("%s.svg: %d %s", spec.Name, file.Code, file.Header().Get("Content-Type"))
		}
		rowF, _ := s.cb.Facet(spec.Row)
		for _, svg := range []struct{ where, text string }{{"inline", inline[i]}, {"file", file.Body.String()}} {
			texts, err := svgTexts(svg.text)
			if err != nil {
				t.Errorf("%s %s: not well-formed XML: %v", spec.Name, svg.where, err)
				continue
			}
			for _, want := range []string{"title:" + spec.Title, "axis-title:" + rowF.Label} {
				if !slices.Contains(texts, want) {
					t.Errorf("%s %s: no %q among %v", spec.Name, svg.where, want, texts)
				}
			}
			if !slices.ContainsFunc(texts, func(s string) bool {
				return strings.HasPrefix(s, "axis-title:Works") || strings.HasPrefix(s, "axis-title:Share")
			}) {
				t.Errorf("%s %s: no value axis title", spec.Name, svg.where)
			}
		}
		f := file.Body.String()
		for _, want := range []string{"<style>", "@media (prefers-color-scheme: dark)", "sans-serif", ".kchart .c0", "matching Medium: Manga"} {
			if !strings.Contains(f, want) {
				t.Errorf("%s.svg lacks %q", spec.Name, want)
			}
		}
	}
	if rec := request(t, s, "GET", "/stats/nope.svg"); rec.Code != 404 {
		t.Errorf("unknown chart: %d", rec.Code)
	}
}

// svgTexts parses an SVG and returns its title and its texts, each as
// class:text ("title:…" for the title element).
func svgTexts(svg string) ([]string, error) {
	dec := xml.NewDecoder(strings.NewReader(svg))
	var out []string
	var stack []string
	var buf bytes.Buffer
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			class := ""
			for _, a := range tok.Attr {
				if a.Name.Local == "class" {
					class = a.Value
				}
			}
			if tok.Name.Local == "title" && len(stack) == 1 {
				class = "title"
			}
			stack = append(stack, class)
			buf.Reset()
		case xml.CharData:
			buf.Write(tok)
		case xml.EndElement:
			class := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if (tok.Name.Local == "text" || tok.Name.Local == "title") && buf.Len() > 0 {
				out = append(out, class+":"+buf.String())
			}
			buf.Reset()
		}
	}
}

// TestStatsBadSearch: the charts' search parameters are checked as the
// search page's, each problem named.
func TestStatsBadSearch(t *testing.T) {
	s := newSiteServer(t)
	for _, tc := range []struct{ url, says string }{
		{"/stats?realism=nope", "Realism:"},
		{"/stats?decade=1995&year_from=x", "Decade: must be a decade"},
		{"/stats/decade-realism.csv?decade=1995", "bad search parameter: decade"},
		{"/stats/decade-realism.svg?nope=1", "bad search parameter: nope"},
	} {
		rec := request(t, s, "GET", tc.url)
		if rec.Code != 400 || !strings.Contains(rec.Body.String(), tc.says) {
			t.Errorf("%s: %d, want 400 saying %q:\n%.400s", tc.url, rec.Code, tc.says, rec.Body.String())
		}
	}
}

// TestStatsSpoilers: while spoilers are hidden, the charts of recovery are
// links to show them, and no recovery value nor its count is on the page;
// a search that filters by recovery shows them, as the reader chose it.
func TestStatsSpoilers(t *testing.T) {
	s := newSiteServer(t)
	recovery := s.cb.Dimension("recovery")
	var spoilers []chartSpec
	for _, spec := range chartSpecs {
		if spec.Row == "recovery" || spec.Col == "recovery" {
			spoilers = append(spoilers, spec)
		}
	}
	if len(spoilers) < 2 {
		t.Fatalf("%d recovery charts, want medium-recovery and realism-recovery", len(spoilers))
	}
	hidden := request(t, s, "GET", "/stats?realism=romanticized").Body.String()
	for _, spec := range spoilers {
		if strings.Contains(hidden, "/stats/"+spec.Name+".svg") || strings.Contains(hidden, `id="`+spec.Name+`-t"`) {
			t.Errorf("with spoilers hidden the page shows %s", spec.Name)
		}
		reveal := `<a href="/stats?realism=romanticized&amp;show=recovery#` + spec.Name + `-h">` + spec.Title + `: show`
		if !strings.Contains(hidden, reveal) {
			t.Errorf("no way to show %s: want %s", spec.Name, reveal)
		}
	}
	for _, v := range recovery.Values {
		if regexp.MustCompile(`\b` + v.Label + `\b`).MatchString(hidden) {
			t.Errorf("with spoilers hidden the page shows the recovery value %q", v.Label)
		}
	}
	for _, url := range []string{"/stats?realism=romanticized&show=recovery", "/stats?recovery=sudden"} {
		shown := request(t, s, "GET", url).Body.String()
		for _, spec := range spoilers {
			if !strings.Contains(shown, `id="`+spec.Name+`-t"`) {
				t.Errorf("%s: no %s chart", url, spec.Name)
			}
		}
		if !strings.Contains(shown, ">Sudden<") {
			t.Errorf("%s: the recovery chart names no value", url)
		}
	}
}

// TestStatsFollowWrites: the whole catalog's charts are kept between
// requests, but a work saved since is in the next ones.
func TestStatsFollowWrites(t *testing.T) {
	st := newSite(t)
	cur := st.token(t, st.user(t, "cora", catalog.RoleCurator))
	britishWorks := func() int {
		rec := st.do(t, req{method: "GET", url: "/stats/countries.csv"})
		recs, err := csv.NewReader(rec.Body).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			if r[0] == "United Kingdom" {
				n, _ := strconv.Atoi(r[1])
				return n
			}
		}
		return 0
	}
	before := britishWorks()
	work := `{"id":"fenland-room-novel","title":"The Fenland Room","medium":"novel","year":2021,"countries":["GB"]}`
	if rec := st.do(t, req{method: "POST", url: "/api/v1/works", bearer: cur, body: writeBody(work, "new work")}); rec.Code != 201 {
		t.Fatalf("POST: %d %s", rec.Code, rec.Body)
	}
	if after := britishWorks(); after != before+1 {
		t.Errorf("British works charted: %d before the write, %d after, want %d", before, after, before+1)
	}
}

// TestStatsFromSearch: the search page links its results' charts, with
// its search but not its page or sort; a search that matches nothing has
// nothing to chart, and says so.
func TestStatsFromSearch(t *testing.T) {
	s := newSiteServer(t)
	page := request(t, s, "GET", "/?realism=romanticized&q=room&sort=year&page=2").Body.String()
	if want := `<a class="chart-these" href="/stats?q=room&amp;realism=romanticized">Chart these results</a>`; !strings.Contains(page, want) {
		t.Errorf("the search page lacks %s", want)
	}
	charted := request(t, s, "GET", "/stats?q=room&realism=romanticized").Body.String()
	if want := `<a href="/stats/crosstab?q=room&amp;realism=romanticized">Cross-tabulate any two dimensions</a>`; !strings.Contains(charted, want) {
		t.Errorf("the stats page of a search lacks %s", want)
	}
	empty := request(t, s, "GET", "/stats?year_from=3000")
	if empty.Code != 200 || !strings.Contains(empty.Body.String(), "Charts of 0 works matching from 3000") ||
		!strings.Contains(empty.Body.String(), "nothing to chart") || strings.Contains(empty.Body.String(), "<svg") {
		t.Errorf("a search of no works: %d\n%.600s", empty.Code, empty.Body.String())
	}
}

// TestStatsPendingIndex: a server that opens its index in the background
// (as komoru serve does) charts and cross-tabulates once the index is open.
func TestStatsPendingIndex(t *testing.T) {
	st := newSite(t)
	ctx := t.Context()
	n, err := st.store.Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pending, err := indexer.OpenInBackground(ctx, filepath.Join(t.TempDir(), "index"), st.store, indexer.Options{Codebook: st.store.Codebook()}, n)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := pending.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	s, err := New(Config{Store: st.store, Search: pending, Index: pending, Codebook: st.store.Codebook(), Assets: web.FS})
	if err != nil {
		t.Fatal(err)
	}
	rec := request(t, s, "GET", "/stats?medium=manga")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `<svg class="kchart"`) {
		t.Errorf("/stats with the index opened in the background: %d\n%.400s", rec.Code, rec.Body.String())
	}
	rec = request(t, s, "GET", "/stats/crosstab?row=realism&col=medium")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Test of independence") {
		t.Errorf("/stats/crosstab with the index opened in the background: %d\n%.400s", rec.Code, rec.Body.String())
	}
}
