package server

import (
	"encoding/csv"
	"html"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/komoru/komoru/catalog"
)

func init() { zeroPages["crosstab"] = crosstabPage{} }

// handTable is a cross-tab counted without the index: the shipped
// catalog's works walked one by one, each narrowed by the search's
// filters (OR within a facet, AND across facets) and years and counted
// with the catalog's own facet definitions (Facet.Of).
type handTable struct {
	rows, cols     []catalog.Value // with a work, in codebook order
	counts         [][]int
	works, missing int
}

func countByHand(t *testing.T, filters map[string][]string, yearFrom int, row, col string) handTable {
	t.Helper()
	cb := catalog.DefaultCodebook()
	rf, _ := cb.Facet(row)
	cf, _ := cb.Facet(col)
	cells := map[[2]string]int{}
	inRow, inCol := map[string]bool{}, map[string]bool{}
	var h handTable
works:
	for _, w := range shippedWorks(t, cb) {
		if w.Year < yearFrom {
			continue
		}
		for f, want := range filters {
			ff, _ := cb.Facet(f)
			if !slices.ContainsFunc(ff.Of(w), func(v string) bool { return slices.Contains(want, v) }) {
				continue works
			}
		}
		h.works++
		rs, cs := rf.Of(w), cf.Of(w)
		if len(rs) == 0 || len(cs) == 0 {
			h.missing++
			continue
		}
		for _, r := range rs {
			inRow[r] = true
			for _, c := range cs {
				inCol[c] = true
				cells[[2]string{r, c}]++
			}
		}
	}
	h.rows, h.cols = valuesSeen(&rf, inRow), valuesSeen(&cf, inCol)
	for _, r := range h.rows {
		var line []int
		for _, c := range h.cols {
			line = append(line, cells[[2]string{r.ID, c.ID}])
		}
		h.counts = append(h.counts, line)
	}
	return h
}

// valuesSeen is a facet's values that some work carries, in the facet's
// order: the codebook's, or for open lists (decades) Compare's.
func valuesSeen(f *catalog.Facet, seen map[string]bool) []catalog.Value {
	var out []catalog.Value
	for _, v := range f.Values {
		if seen[v.ID] {
			out = append(out, v)
		}
	}
	if f.Values == nil {
		for v := range seen {
			out = append(out, catalog.Value{ID: v, Label: f.ValueLabel(v)})
		}
		slices.SortFunc(out, func(a, b catalog.Value) int { return f.Compare(a.ID, b.ID) })
	}
	return out
}

// csv is the table as /stats/crosstab.csv writes it.
func (h handTable) csv(rowLabel, colLabel string) [][]string {
	head := []string{rowLabel + ` \ ` + colLabel}
	for _, c := range h.cols {
		head = append(head, c.Label)
	}
	out := [][]string{append(head, "Total")}
	colTotals := make([]int, len(h.cols))
	total := 0
	for i, r := range h.rows {
		line, sum := []string{r.Label}, 0
		for j, n := range h.counts[i] {
			line = append(line, strconv.Itoa(n))
			sum += n
			colTotals[j] += n
		}
		total += sum
		out = append(out, append(line, strconv.Itoa(sum)))
	}
	line := []string{"Total"}
	for _, n := range colTotals {
		line = append(line, strconv.Itoa(n))
	}
	return append(out, append(line, strconv.Itoa(total)))
}

// cellCounts reads the table's counts off a page, row by row.
func cellCounts(page string) []int {
	var out []int
	for _, m := range regexp.MustCompile(`<span class="xt-n">(\d+)</span>`).FindAllStringSubmatch(page, -1) {
		n, _ := strconv.Atoi(m[1])
		out = append(out, n)
	}
	return out
}

// TestCrosstabAgainstCatalog checks the page and the CSV against tables
// counted by hand from the catalog, for searches of every work, of
// filters of two facets and a year, and of a multi-valued dimension.
func TestCrosstabAgainstCatalog(t *testing.T) {
	s := newSiteServer(t)
	cases := []struct {
		name     string
		query    string // the search's parameters
		filters  map[string][]string
		yearFrom int
		row, col string
	}{
		{"every work", "", nil, 0, "realism", "tone"},
		{"filters and years", "medium=manga&medium=anime_series&tone=serious&year_from=2005",
			map[string][]string{"medium": {"manga", "anime_series"}, "tone": {"serious"}}, 2005, "decade", "realism"},
		// Some realistic works flag their triggers as spoilers: the
		// reader asks to see them (TestCrosstabFlaggedSpoilers).
		{"multi-valued", "realism=realistic&show=triggers", map[string][]string{"realism": {"realistic"}}, 0, "triggers", "medium"},
	}
	for _, c := range cases {
		want := countByHand(t, c.filters, c.yearFrom, c.row, c.col)
		if len(want.rows) < 2 || len(want.cols) < 2 {
			t.Fatalf("%s: the table is too small to test anything: %+v", c.name, want)
		}
		u := "/stats/crosstab?row=" + c.row + "&col=" + c.col
		if c.query != "" {
			u += "&" + c.query
		}
		rec := request(t, s, "GET", u)
		page := rec.Body.String()
		if rec.Code != 200 {
			t.Fatalf("%s: %d\n%s", c.name, rec.Code, page)
		}
		if got, flat := cellCounts(page), slices.Concat(want.counts...); !slices.Equal(got, flat) {
			t.Errorf("%s: cells %v, counted by hand %v", c.name, got, flat)
		}
		for _, v := range slices.Concat(want.rows, want.cols) {
			if !strings.Contains(page, ">"+html.EscapeString(v.Label)+"<") {
				t.Errorf("%s: no heading %q", c.name, v.Label)
			}
		}
		scope := "Over all " + strconv.Itoa(want.works) + " works"
		if c.query != "" {
			scope = "Over the " + strconv.Itoa(want.works) + " works of the search"
		}
		if !strings.Contains(page, scope) {
			t.Errorf("%s: page does not say %q", c.name, scope)
		}
		if want.missing > 0 && !strings.Contains(page, strconv.Itoa(want.missing)+" of the "+strconv.Itoa(want.works)+" works are left out") {
			t.Errorf("%s: page does not say %d works are left out", c.name, want.missing)
		}
		cb := catalog.DefaultCodebook()
		rf, _ := cb.Facet(c.row)
		cf, _ := cb.Facet(c.col)
		if multi := rf.Multi || cf.Multi; multi != strings.Contains(page, "A work counts once for each value it carries") {
			t.Errorf("%s: the multi-valued note is there: %v, want %v", c.name, !multi, multi)
		}

		rec = request(t, s, "GET", strings.Replace(u, "/stats/crosstab?", "/stats/crosstab.csv?", 1))
		if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
			t.Fatalf("%s: csv %d %s", c.name, rec.Code, rec.Header().Get("Content-Type"))
		}
		got, err := csv.NewReader(rec.Body).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if wantCSV := want.csv(rf.Label, cf.Label); !slices.EqualFunc(got, wantCSV, slices.Equal) {
			t.Errorf("%s: csv\n%v\nwant\n%v", c.name, got, wantCSV)
		}
	}
}

// TestCrosstabByHand checks one small table written out by hand from the
// shipped catalog: the nine video games' realism by tone, narrowed to the
// serious and dramedy ones (Pull Stay, the one comedy, drops out).
//
//	            Serious  Dramedy
//	Realistic      3        0      OMORI, Yume Nikki, Yume Nikki: Dream Diary
//	Mixed          1        4      Chaos;Head | Needy Streamer Overload,
//	                               Robotics;Notes, Persona 5, Colorful Stage
//
// Expected counts are 1.5, 1.5 / 2.5, 2.5, all under 5; X² = 1.5 + 1.5 +
// 0.9 + 0.9 = 4.8, df 1, p = erfc(√2.4) = 0.0285; V = √(4.8/8) = 0.775.
// Fisher: with margins 3, 5 / 4, 4 the tables have probabilities 5, 30,
// 30, 5 in 70; the observed one is among the two least likely: p = 10/70.
func TestCrosstabByHand(t *testing.T) {
	s := newSiteServer(t)
	page := request(t, s, "GET", "/stats/crosstab?row=realism&col=tone&medium=video_game&tone=serious&tone=dramedy").Body.String()
	if got := cellCounts(page); !slices.Equal(got, []int{3, 0, 1, 4}) {
		t.Errorf("cells %v, want 3 0 1 4", got)
	}
	for _, want := range []string{
		"Over the 8 works of the search Tone: Serious or Dramedy; Medium: Video game",
		`<span class="xt-n">3</span> <span class="xt-pct">100.0%</span>`,
		`<span class="xt-n">1</span> <span class="xt-pct">20.0%</span>`,
		`<span class="xt-n">4</span> <span class="xt-pct">80.0%</span>`,
		`<td class="num xt-total">5</td>`,
		`<tfoot><tr><th scope="row">Total</th><td class="num">4</td><td class="num">4</td><td class="num xt-total">8</td></tr></tfoot>`,
		`<dd id="xt-chi2">4.80</dd>`, `<dd id="xt-df">1</dd>`, `<dd id="xt-p">0.0285</dd>`, `<dd id="xt-v">0.775</dd>`,
		`<dd id="xt-fisher">0.143</dd>`,
		"4 of 4 cells have expected counts under 5; the chi-square p-value is unreliable.",
		"Every work of the search is in the table.",
		// The bar of the Mixed row: 1 of 5 serious, 4 dramedy.
		`aria-label="Mixed: Serious 20.0%, Dramedy 80.0%"`,
		`<rect class="xt-c0" x="0" y="0" width="200" height="10"><title>Serious: 1 (20.0%)</title></rect>`,
		`<rect class="xt-c1" x="200" y="0" width="800" height="10">`,
		// The form keeps the search.
		`<input type="hidden" name="medium" value="video_game">`,
		`<input type="hidden" name="tone" value="serious">`,
		`<input type="hidden" name="tone" value="dramedy">`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(page, "A work counts once for each value") {
		t.Error("the multi-valued note on a table of single-valued dimensions")
	}
}

// TestCrosstabErrors checks that bad parameters are 400s naming them, on
// the page (which keeps its form) and the CSV.
func TestCrosstabErrors(t *testing.T) {
	s := newSiteServer(t)
	cases := []struct {
		query string
		say   []string
	}{
		{"row=nope&col=tone", []string{"Rows: must name a facet"}},
		{"row=realism&col=nope", []string{"Columns: must name a facet"}},
		{"row=realism", []string{"Columns: must name a facet"}},
		{"row=realism&col=realism", []string{"Columns: must differ from row"}},
		{"row=realism&col=tone&col=medium", []string{"Columns: give it once"}},
		{"row=realism&col=tone&realism=nope", []string{"Realism: unknown value"}},
		{"row=x&col=tone&year_from=abc&bogus=1", []string{"Rows: must name a facet", "From year: must be a year", "bogus: unknown parameter"}},
	}
	for _, c := range cases {
		rec := request(t, s, "GET", "/stats/crosstab?"+c.query)
		page := html.UnescapeString(rec.Body.String())
		if rec.Code != 400 {
			t.Errorf("%s: %d, want 400", c.query, rec.Code)
		}
		for _, want := range c.say {
			if !strings.Contains(page, want) {
				t.Errorf("%s: page does not say %q", c.query, want)
			}
		}
		if strings.Contains(page, `class="xt-table"`) || !strings.Contains(page, `<form class="xt-form"`) {
			t.Errorf("%s: a table, or no form, on the error page", c.query)
		}
		rec = request(t, s, "GET", "/stats/crosstab.csv?"+c.query)
		if rec.Code != 400 || strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
			t.Errorf("csv %s: %d %s, want a 400 page", c.query, rec.Code, rec.Header().Get("Content-Type"))
		}
	}
	// The bare page asks a question of its own.
	if rec := request(t, s, "GET", "/stats/crosstab"); rec.Code != 200 || !strings.Contains(rec.Body.String(), "Cross-tab: Realism by Tone") {
		t.Errorf("bare page: %d", rec.Code)
	}
}

// TestCrosstabSpoilers checks that a spoiler dimension's values and
// counts stay off the page while spoilers are hidden, with a link that
// shows them; and that showing them, for the page or site-wide, does.
func TestCrosstabSpoilers(t *testing.T) {
	s := newSiteServer(t)
	const u = "/stats/crosstab?row=realism&col=recovery&medium=video_game"
	recovery := catalog.DefaultCodebook().Dimension("recovery")
	hidden := request(t, s, "GET", u).Body.String()
	main := hidden[strings.Index(hidden, "<main"):strings.Index(hidden, "</main>")]
	for _, v := range recovery.Values {
		if strings.Contains(main, ">"+v.Label+"<") || strings.Contains(main, v.Label+":") || strings.Contains(main, v.Label+" ") {
			t.Errorf("with spoilers hidden the page shows the recovery value %s", v.Label)
		}
	}
	if strings.Contains(hidden, `class="xt-table"`) || strings.Contains(hidden, "xt-chi2") || strings.Contains(hidden, "left out") {
		t.Error("with spoilers hidden the page shows the table, its test or its missing works")
	}
	reveal := `<a href="/stats/crosstab?row=realism&amp;col=recovery&amp;medium=video_game&amp;show=recovery">Recovery: show <span class="muted">(spoilers)</span></a>`
	if !strings.Contains(hidden, reveal) {
		t.Errorf("no reveal link %s", reveal)
	}
	want := countByHand(t, map[string][]string{"medium": {"video_game"}}, 0, "realism", "recovery")
	for name, rec := range map[string]string{
		"show=recovery": request(t, s, "GET", u+"&show=recovery").Body.String(),
		"cookie":        requestSpoilers(s, u, true).Body.String(),
	} {
		if got := cellCounts(rec); !slices.Equal(got, slices.Concat(want.counts...)) {
			t.Errorf("%s: cells %v, want %v", name, got, want.counts)
		}
		if !strings.Contains(rec, ">Gradual<") {
			t.Errorf("%s: no recovery values", name)
		}
	}
	// Recovery chosen in the search is no surprise: its table shows.
	chosen := request(t, s, "GET", "/stats/crosstab?row=realism&col=recovery&recovery=gradual&recovery=open").Body.String()
	if !strings.Contains(chosen, `class="xt-table"`) {
		t.Error("a search that filters by recovery hides its own values")
	}
	// The search's show= rides along in the form and the links.
	if !strings.Contains(request(t, s, "GET", u+"&show=recovery").Body.String(), `<input type="hidden" name="show" value="recovery">`) {
		t.Error("the form drops show=recovery")
	}
}

// TestCrosstabFlaggedSpoilers: a facet whose values some work of the
// table carries in a coding flagged as a spoiler (not a spoiler dimension
// itself) waits behind "show (spoilers)" as recovery does, and shows once
// asked for. The flagged works are read from the catalog.
func TestCrosstabFlaggedSpoilers(t *testing.T) {
	s := newSiteServer(t)
	cb := catalog.DefaultCodebook()
	var flagged []string // trigger labels some realistic work flags
	for _, w := range shippedWorks(t, cb) {
		if w.Portrayal["realism"].Value != "realistic" {
			continue
		}
		if c := w.Portrayal["triggers"]; c.Spoiler {
			for _, v := range c.List() {
				flagged = append(flagged, cb.Label("triggers", v))
			}
		}
	}
	if len(flagged) == 0 {
		t.Fatal("no realistic work flags its triggers as a spoiler: the test tests nothing")
	}
	hidden := request(t, s, "GET", "/stats/crosstab?row=triggers&col=medium&realism=realistic").Body.String()
	if !strings.Contains(hidden, `show=triggers`) {
		t.Errorf("no way to show the triggers:\n%.2000s", hidden)
	}
	shown := request(t, s, "GET", "/stats/crosstab?row=triggers&col=medium&realism=realistic&show=triggers").Body.String()
	for _, l := range flagged {
		if strings.Contains(hidden, ">"+html.EscapeString(l)+"<") {
			t.Errorf("with spoilers hidden the cross-tab shows the flagged trigger %q", l)
		}
		if !strings.Contains(shown, ">"+html.EscapeString(l)+"<") {
			t.Errorf("with show=triggers the cross-tab lacks %q", l)
		}
	}
}
