package server

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	neturl "net/url"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/sqlite"
	"github.com/komoru/komoru/indexer"
	"github.com/komoru/komoru/web"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// newTestServer is the real router over a real SQLite catalog holding
// testdata/works.jsonl and a real index built from it.
func newTestServer(t *testing.T) http.Handler {
	t.Helper()
	ctx := context.Background()
	cb := catalog.DefaultCodebook()
	dir := t.TempDir()
	store, err := sqlite.Open(ctx, filepath.Join(dir, "catalog.db"), cb)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	f, err := os.Open("testdata/works.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := catalog.Import(ctx, store, f, catalog.ImportOptions{Change: catalog.Change{Author: "test"}})
	if err != nil || rep.Created != 8 {
		t.Fatalf("import: %+v, %v", rep, err)
	}
	ix, err := indexer.Open(ctx, filepath.Join(dir, "index"), store, indexer.Options{Codebook: cb})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	srv, err := New(Config{Store: store, Search: ix, Codebook: cb, Assets: web.FS})
	if err != nil {
		t.Fatal(err)
	}
	return srv.Handler()
}

func get(t *testing.T, h http.Handler, url string) (int, map[string]any) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, url, nil))
	var body map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("GET %s: %d, body not JSON: %v\n%s", url, rec.Code, err, rec.Body)
	}
	return rec.Code, body
}

// TestAPISearchGolden compares whole responses (took_ms zeroed) with
// testdata/golden/search_*.json; go test -update rewrites them.
func TestAPISearchGolden(t *testing.T) {
	h := newTestServer(t)
	for _, c := range []struct{ name, url string }{
		{"text_and_filters", "/api/v1/search?q=online&realism=romanticized&realism=realistic&tone=comedic&size=5"},
		{"all_sorted_by_year", "/api/v1/search?sort=year&page=2&size=3&year_from=1990"},
		{"native_title", "/api/v1/search?q=%E6%B5%B7%E6%9C%88"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, body := get(t, h, c.url)
			if code != http.StatusOK {
				t.Fatalf("GET %s = %d %v", c.url, code, body)
			}
			if _, ok := body["took_ms"].(float64); !ok {
				t.Errorf("GET %s: took_ms missing or not a number: %v", c.url, body["took_ms"])
			}
			body["took_ms"] = 0
			got, _ := json.MarshalIndent(body, "", "  ")
			golden := filepath.Join("testdata", "golden", "search_"+c.name+".json")
			if *update {
				if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), string(got)+"\n"); diff != "" {
				t.Errorf("GET %s (-want +got):\n%s", c.url, diff)
			}
		})
	}
}

// TestAPISearchShape checks the contract of api.md on a plain search.
func TestAPISearchShape(t *testing.T) {
	h := newTestServer(t)
	code, body := get(t, h, "/api/v1/search?q=jellyfish")
	if code != http.StatusOK {
		t.Fatalf("status %d: %v", code, body)
	}
	for _, k := range []string{"total", "page", "size", "took_ms", "hits", "facets"} {
		if _, ok := body[k]; !ok {
			t.Errorf("response has no %q", k)
		}
	}
	if body["total"] != 1.0 || body["page"] != 1.0 || body["size"] != 20.0 {
		t.Errorf("total/page/size = %v/%v/%v, want 1/1/20", body["total"], body["page"], body["size"])
	}
	hit := body["hits"].([]any)[0].(map[string]any)
	for _, k := range []string{"id", "title", "original_title", "medium", "year", "portrayal", "highlights"} {
		if _, ok := hit[k]; !ok {
			t.Errorf("hit has no %q: %v", k, hit)
		}
	}
	if got := hit["portrayal"].(map[string]any)["realism"]; got != "romanticized" {
		t.Errorf("hit portrayal.realism = %v", got)
	}
	facets := body["facets"].(map[string]any)
	for _, f := range catalog.DefaultCodebook().Facets() {
		if _, ok := facets[f.Name]; !ok {
			t.Errorf("facets has no %q", f.Name)
		}
	}
	v := facets["realism"].([]any)[0].(map[string]any)
	want := map[string]any{"value": "romanticized", "label": "Romanticized", "count": 1.0, "selected": false}
	if diff := cmp.Diff(want, v); diff != "" {
		t.Errorf("facet value (-want +got):\n%s", diff)
	}
}

// TestAPISearchBadParams: every bad parameter is a 400 naming it.
func TestAPISearchBadParams(t *testing.T) {
	h := newTestServer(t)
	for _, c := range []struct{ query, field string }{
		{"size=101", "size"},
		{"size=0", "size"},
		{"size=ten", "size"},
		{"page=0", "page"},
		{"page=-2", "page"},
		{"page=x", "page"},
		{"realism=gritty", "realism"},
		{"realism=realistic&realism=", "realism"},
		{"colour=red", "colour"},
		{"decade=1995", "decade"},
		{"countries=XX", "countries"},
		{"female_hikikomori_lead=maybe", "female_hikikomori_lead"},
		{"year_from=nineteen", "year_from"},
		{"year_to=2000.5", "year_to"},
		{"year_from=2010&year_to=2000", "year_to"},
		{"sort=popularity", "sort"},
		{"typo=perhaps", "typo"},
		{"explain=perhaps", "explain"},
		{"q=a&q=b", "q"},
	} {
		url := "/api/v1/search?" + c.query
		code, body := get(t, h, url)
		if code != http.StatusBadRequest {
			t.Errorf("GET %s = %d, want 400", url, code)
			continue
		}
		e, _ := body["error"].(map[string]any)
		fields, _ := e["fields"].(map[string]any)
		if e["code"] != "bad_parameter" || fields[c.field] == nil {
			t.Errorf("GET %s: error %v, want one naming %q", url, body, c.field)
		}
	}
	// Several at once are all named.
	_, body := get(t, h, "/api/v1/search?size=500&page=0&medium=scroll")
	fields := body["error"].(map[string]any)["fields"].(map[string]any)
	if len(fields) != 3 {
		t.Errorf("fields = %v, want size, page and medium", fields)
	}
}

// TestAPISearchDecade: a decade is given as 2010 or 2010s and always
// echoed as 2010; a bad one is told the form.
func TestAPISearchDecade(t *testing.T) {
	h := newTestServer(t)
	for _, q := range []string{"decade=2010", "decade=2010s"} {
		_, body := get(t, h, "/api/v1/search?"+q)
		var selected []string
		for _, v := range body["facets"].(map[string]any)["decade"].([]any) {
			if v := v.(map[string]any); v["selected"] == true {
				selected = append(selected, v["value"].(string)+" "+v["label"].(string))
			}
		}
		if diff := cmp.Diff([]string{"2010 2010s"}, selected); diff != "" {
			t.Errorf("GET ?%s: selected decades (-want +got):\n%s", q, diff)
		}
	}
	for _, q := range []string{"decade=1995", "decade=2010x", "decade=s"} {
		_, body := get(t, h, "/api/v1/search?"+q)
		fields, _ := body["error"].(map[string]any)["fields"].(map[string]any)
		if want := "must be a decade such as 2010 or 2010s"; fields["decade"] != want {
			t.Errorf("GET ?%s: decade error %v, want %q", q, fields["decade"], want)
		}
	}
}

func TestAPISearchParamsAccepted(t *testing.T) {
	h := newTestServer(t)
	for _, c := range []struct {
		query string
		total float64
	}{
		{"", 8},
		{"q=&page=&size=&sort=&typo=&year_from=&year_to=", 8},
		{"q=jellyfsh", 1},
		{"q=jellyfsh&typo=false", 0},
		{"medium=manga&medium=novel", 2},
		{"female_hikikomori_lead=true&decade=2010", 1},
		{"female_hikikomori_lead=true&decade=2010s", 1},
		{"decade=2010s&decade=2010", 4},
		{"sort=-year&size=100&page=1", 8},
		// Stop words alone are an empty query; so is one letter.
		{"q=the+of", 8},
		{"q=a+the+of", 8},
		{"q=a", 8},
		{"q=%22to+the%22&typo=false", 8},
		{"q=the+of&medium=manga", 1},
		{"year_from=2019&year_to=2019", 1},
	} {
		url := "/api/v1/search?" + c.query
		code, body := get(t, h, url)
		if code != http.StatusOK || body["total"] != c.total {
			t.Errorf("GET %s = %d total %v, want 200 total %v (%v)", url, code, body["total"], c.total, body["error"])
		}
	}
}

// TestAPISearchExplain: explain=true gives every hit each ranking rule's
// bucket, in the rules' order; without it, hits carry none.
func TestAPISearchExplain(t *testing.T) {
	h := newTestServer(t)
	code, body := get(t, h, "/api/v1/search?q=online+game&explain=true")
	hits, _ := body["hits"].([]any)
	if code != http.StatusOK || len(hits) != 2 {
		t.Fatalf("explain=true: %d, %d hits, want 200 and 2 (%v)", code, len(hits), body)
	}
	for _, hit := range hits {
		steps, _ := hit.(map[string]any)["ranking"].([]any)
		var rules []string
		for _, s := range steps {
			st := s.(map[string]any)
			if st["bucket"].(float64) >= st["of"].(float64) {
				t.Errorf("step %v: bucket past of", st)
			}
			rules = append(rules, st["rule"].(string))
		}
		if want := []string{"words", "typo", "proximity", "attribute", "exactness", "coding"}; !slices.Equal(rules, want) {
			t.Errorf("hit %v: rules %v, want %v", hit.(map[string]any)["id"], rules, want)
		}
	}
	_, body = get(t, h, "/api/v1/search?q=online+game")
	for _, hit := range body["hits"].([]any) {
		if r, ok := hit.(map[string]any)["ranking"]; ok {
			t.Errorf("without explain, hit has ranking %v", r)
		}
	}
}

func TestAPISearchWithoutIndex(t *testing.T) {
	ctx := context.Background()
	cb := catalog.DefaultCodebook()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "catalog.db"), cb)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	srv, err := New(Config{Store: store, Codebook: cb, Assets: web.FS})
	if err != nil {
		t.Fatal(err)
	}
	code, _ := get(t, srv.Handler(), "/api/v1/search?q=x")
	if code != http.StatusServiceUnavailable {
		t.Errorf("search without an index = %d, want 503", code)
	}
}

// TestAPISearchTitleSort: sort=title files a title under the word after
// its leading article, as library catalogs do.
func TestAPISearchTitleSort(t *testing.T) {
	st := newSite(t)
	var titles []string
	for page := 1; ; page++ {
		rec := st.do(t, req{method: "GET", url: fmt.Sprintf("/api/v1/search?sort=title&size=100&page=%d", page)})
		res := decodeJSON[struct{ Hits []struct{ Title string } }](t, rec)
		if len(res.Hits) == 0 {
			break
		}
		for _, h := range res.Hits {
			titles = append(titles, h.Title)
		}
	}
	// Each title's first work comes right after the title given.
	for _, tt := range []struct{ title, after string }{
		{"The Lunar Course of My Life", "Look Back"},
		{"The Pet Girl of Sakurasou", "Persona 5: The Animation"},
		{"The Vexations of a Shut-In Vampire Princess", "Tokyo!"},
	} {
		i := slices.Index(titles, tt.title)
		if i < 1 {
			t.Fatalf("%q not after another title in %q", tt.title, titles)
		}
		if titles[i-1] != tt.after {
			t.Errorf("sort=title: %q after %q, want after %q", tt.title, titles[i-1], tt.after)
		}
	}
}

// TestAPISearchSuggestedFilters: a query that names a facet value is
// offered that filter, with the total the search has once it is added;
// never one already applied, nor one that leaves nothing.
func TestAPISearchSuggestedFilters(t *testing.T) {
	h := newTestServer(t)
	type sf struct {
		Facet, Value, Label string
		Count               int
	}
	tests := []struct {
		query string
		want  []sf
	}{
		{"q=female", []sf{{"hikikomori_genders", "female", "Female", 4}}},
		{"q=KOREAN", []sf{{"countries", "KR", "South Korea", 1}}},
		{"q=realistic", []sf{{"realism", "realistic", "Realistic", 4}}},
		{"q=online+game", []sf{{"medium", "video_game", "Video game", 1}}},
		// "anime" names both anime media; no work here is an anime film.
		{"q=anime", []sf{{"medium", "anime_series", "Anime series", 2}}},
		// A facet filtered by another value: the count is the value's
		// own, as the sidebar shows it, and adding it ORs within the facet.
		{"q=game&medium=novel", []sf{{"medium", "video_game", "Video game", 1}}},
		{"q=realistic&realism=realistic", nil},
		// "school" names a recovery catalyst no matching work has.
		{"q=school", nil},
		{"q=jellyfish", nil},
		{"", nil},
	}
	for _, tt := range tests {
		url := "/api/v1/search?" + tt.query
		code, body := get(t, h, url)
		if code != http.StatusOK {
			t.Fatalf("GET %s = %d %v", url, code, body)
		}
		var got []sf
		raw, _ := body["suggested_filters"].([]any)
		if _, present := body["suggested_filters"]; present && len(raw) == 0 {
			t.Errorf("GET %s: suggested_filters present but empty", url)
		}
		for _, r := range raw {
			m := r.(map[string]any)
			got = append(got, sf{m["facet"].(string), m["value"].(string), m["label"].(string), int(m["count"].(float64))})
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("GET %s: suggested_filters (-want +got):\n%s", url, diff)
		}
		// The count is the total of the search with the filter added;
		// added to a facet already filtered (medium: one value a work),
		// the value's works join the result.
		for _, s := range got {
			with := url + "&" + s.Facet + "=" + s.Value
			want := s.Count
			if params, _ := neturl.ParseQuery(tt.query); params.Has(s.Facet) {
				want += int(body["total"].(float64))
			}
			if _, b := get(t, h, with); int(b["total"].(float64)) != want {
				t.Errorf("GET %s: total %v, want %d from the suggestion's count", with, b["total"], want)
			}
		}
	}
}

// TestSuggestionsCounted: at most maxSuggestions are offered, in the
// order the text names them, those that leave nothing skipped, and a
// facet counted only for a suggestion is left out of the result.
func TestSuggestionsCounted(t *testing.T) {
	cb := catalog.DefaultCodebook()
	res := &indexer.Result{Facets: []indexer.FacetResult{
		{Name: "realism", Values: []indexer.FacetValue{{Value: "realistic", Count: 3}}},
		{Name: "medium", Values: []indexer.FacetValue{{Value: "manga", Count: 2}, {Value: "novel", Count: 0}, {Value: "video_game", Count: 1}}},
		{Name: "countries", Values: []indexer.FacetValue{{Value: "KR", Count: 5}}},
	}}
	fs := filterSuggestions{cands: []catalog.Suggestion{
		{Facet: "medium", Value: "novel"}, {Facet: "countries", Value: "KR"}, {Facet: "decade", Value: "2000"},
		{Facet: "medium", Value: "manga"}, {Facet: "realism", Value: "realistic"}, {Facet: "medium", Value: "video_game"},
	}, added: []string{"countries"}}
	got := fs.counted(cb, res)
	want := []suggestedFilter{
		{Facet: "countries", FacetLabel: "Country", Value: "KR", Label: "South Korea", Count: 5},
		{Facet: "medium", FacetLabel: "Medium", Value: "manga", Label: "Manga", Count: 2},
		{Facet: "realism", FacetLabel: "Realism", Value: "realistic", Label: "Realistic", Count: 3},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("counted (-want +got):\n%s", diff)
	}
	var names []string
	for _, f := range res.Facets {
		names = append(names, f.Name)
	}
	if diff := cmp.Diff([]string{"realism", "medium"}, names); diff != "" {
		t.Errorf("facets left in the result (-want +got):\n%s", diff)
	}
}

// TestAPISearchDroppedWords: words that together match nothing are
// dropped from the end and named, unless matching=all.
func TestAPISearchDroppedWords(t *testing.T) {
	h := newTestServer(t)
	for _, c := range []struct {
		url     string
		total   float64
		dropped any
	}{
		{"/api/v1/search?q=princess+jellyfish+zzzz", 1, []any{"zzzz"}},
		{"/api/v1/search?q=princess+jellyfish+zzzz&matching=last", 1, []any{"zzzz"}},
		{"/api/v1/search?q=princess+jellyfish+zzzz&matching=all", 0, nil},
		{"/api/v1/search?q=princess+jellyfish", 1, nil},
	} {
		code, body := get(t, h, c.url)
		if code != http.StatusOK || body["total"] != c.total {
			t.Errorf("%s: %d, total %v, want 200 and %v", c.url, code, body["total"], c.total)
		}
		if diff := cmp.Diff(c.dropped, body["dropped_words"]); diff != "" {
			t.Errorf("%s: dropped_words (-want +got):\n%s", c.url, diff)
		}
	}
	code, body := get(t, h, "/api/v1/search?q=x&matching=some")
	e, _ := body["error"].(map[string]any)
	fields, _ := e["fields"].(map[string]any)
	if code != http.StatusBadRequest || fields["matching"] != "must be last or all" {
		t.Errorf("matching=some: %d %v, want 400 naming matching", code, body)
	}
}
