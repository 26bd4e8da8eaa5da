package server

import (
	"bufio"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/komoru/komoru/catalog/export"
)

// TestSearchExportLinks: the search page's "Export N results" links to
// every format's export of the same search (text, filters, decade, sort,
// typo), without the page's own parameters (page, size, show), and each
// link downloads the search's every hit, not one page.
func TestSearchExportLinks(t *testing.T) {
	st := newSite(t)
	const search = "/?q=room&medium=anime_series&medium=manga&medium=novel&medium=live_action_film&sort=-year&typo=false&page=2&size=2&show=recovery"
	rec := st.do(t, req{method: "GET", url: search})
	if rec.Code != http.StatusOK {
		t.Fatalf("search page: %d", rec.Code)
	}
	page := rec.Body.String()
	m := regexp.MustCompile(`<summary>Export (\d+) results?</summary>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no Export N results on the page")
	}
	total, _ := strconv.Atoi(m[1])
	if total < 3 {
		t.Fatalf("the search should have more hits than one page of 2, has %d", total)
	}
	if want := `<p class="total" id="total">3–4 of ` + m[1] + ` works</p>`; !strings.Contains(page, want) {
		t.Errorf("the count in the menu is not the page's total: want %s", want)
	}
	links := regexp.MustCompile(`<a href="(/api/v1/export\?[^"]*)" download><span class="format-name">([a-z]+)</span>`).FindAllStringSubmatch(page, -1)
	var names []string
	for _, l := range links {
		names = append(names, l[2])
	}
	if !slices.Equal(names, export.Names()) {
		t.Fatalf("export links for %v, want every format %v", names, export.Names())
	}
	for _, l := range links {
		u, err := url.Parse(html.UnescapeString(l[1]))
		if err != nil {
			t.Fatal(err)
		}
		got := u.Query()
		want := url.Values{"q": {"room"}, "medium": {"anime_series", "manga", "novel", "live_action_film"},
			"sort": {"-year"}, "typo": {"false"}, "format": {l[2]}}
		for k := range want {
			slices.Sort(want[k])
			slices.Sort(got[k])
		}
		if len(got) != len(want) {
			t.Errorf("%s: parameters %v, want %v", l[2], got, want)
		}
		for k, vs := range want {
			if !slices.Equal(got[k], vs) {
				t.Errorf("%s: %s = %v, want %v", l[2], k, got[k], vs)
			}
		}
		rec := st.do(t, req{method: "GET", url: u.String()})
		if rec.Code != http.StatusOK {
			t.Errorf("%s: %d %s", l[2], rec.Code, rec.Body)
			continue
		}
		if l[2] != "jsonl" {
			continue
		}
		var lines int
		sc := bufio.NewScanner(rec.Body)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			lines++
		}
		if lines != total {
			t.Errorf("jsonl export has %d works, the search %d", lines, total)
		}
	}
}

// TestSearchExportLinksNone: a search with no hits offers no export.
func TestSearchExportLinksNone(t *testing.T) {
	st := newSite(t)
	page := st.do(t, req{method: "GET", url: "/?q=zzzzqqqq"}).Body.String()
	if !strings.Contains(page, "No works match") {
		t.Fatal("the search should match nothing")
	}
	if strings.Contains(page, "/api/v1/export") {
		t.Error("a search with no hits links to an export")
	}
}
