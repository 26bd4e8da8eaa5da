package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/komoru/komoru/catalog"
)

// pageText is everything of a page a reader, a screen reader, "find in
// page", a link preview or a search engine could read: the text of the
// whole document, hidden text too (documentElement.textContent, not
// innerText, but read node by node, since textContent runs the cells
// "Cyclical" and "Open" together as "CyclicalOpen"), the title, every
// meta tag's content, the JSON-LD, and the attributes that carry words
// (title, aria-label, alt, placeholder); then, after a line of its own,
// every link's href.
const pageText = `(() => {
  const parts = [document.title];
  const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) parts.push(walker.currentNode.nodeValue);
  for (const el of document.querySelectorAll("[content], [title], [aria-label], [alt], [placeholder]"))
    for (const a of ["content", "title", "aria-label", "alt", "placeholder"]) { const v = el.getAttribute(a); if (v) parts.push(v); }
  for (const s of document.querySelectorAll('script[type="application/ld+json"]')) parts.push(s.textContent);
  parts.push("\u0000hrefs");
  for (const el of document.querySelectorAll("[href]")) parts.push(el.getAttribute("href"));
  return parts.join("\n");
})()`

// spoilers are what a page must not hold while spoilers are hidden.
type spoilers struct {
	labels   []string // the labels of spoiler values
	evidence []string // the evidence of spoiler codings
	params   []string // "recovery=sudden": a link filtering by a spoiler value names it
}

// spoilersOf collects the spoilers of works: every coding the codebook
// calls a spoiler (Dimension.IsSpoiler), or, with dimsOnly, only those of
// dimensions that are spoilers whole (recovery).
func spoilersOf(cb *catalog.Codebook, works []*catalog.Work, dimsOnly bool) spoilers {
	var sp spoilers
	add := func(list *[]string, s string) {
		if s != "" && !slices.Contains(*list, s) {
			*list = append(*list, s)
		}
	}
	// A value another work here carries with no spoiler flag may show on
	// that work's card or column: it tells nothing of the flagged one.
	plain := map[string]bool{}
	for _, w := range works {
		for _, d := range cb.Dimensions {
			if c, ok := w.Portrayal[d.ID]; ok && !d.IsSpoiler(c) {
				for _, v := range c.List() {
					plain[d.ID+"="+v] = true
				}
			}
		}
	}
	for _, w := range works {
		for _, d := range cb.Dimensions {
			c, ok := w.Portrayal[d.ID]
			if !ok || !d.IsSpoiler(c) || (dimsOnly && !d.Spoiler) {
				continue
			}
			for _, v := range c.List() {
				if plain[d.ID+"="+v] {
					continue
				}
				add(&sp.labels, cb.Label(d.ID, v))
				add(&sp.params, d.ID+"="+v)
			}
			add(&sp.evidence, c.Evidence)
		}
	}
	return sp
}

// dropChosen leaves out the values a page's URL filters by: the reader
// chose them, and the page names them in its active filters.
func (sp *spoilers) dropChosen(cb *catalog.Codebook, path string) {
	u, err := url.Parse(path)
	if err != nil {
		return
	}
	for facet, vals := range u.Query() {
		for _, v := range vals {
			sp.labels = slices.DeleteFunc(sp.labels, func(l string) bool { return l == cb.Label(facet, v) })
			sp.params = slices.DeleteFunc(sp.params, func(p string) bool { return p == facet+"="+v })
		}
	}
}

// found returns the spoilers a page's text (pageText) holds. A label
// counts as a word of its own ("None" in "None, sadly", not in "Nonesuch"),
// and not where it is part of a longer label of the codebook that is no
// spoiler there ("None" in the condition "None explicit").
func (sp spoilers) found(cb *catalog.Codebook, page string) []string {
	text, hrefs, _ := strings.Cut(page, "\u0000hrefs")
	var out []string
	for _, l := range sp.labels {
		t := text
		for _, d := range cb.Dimensions {
			for _, v := range d.Values {
				if v.Label != l && strings.Contains(v.Label, l) && !slices.Contains(sp.labels, v.Label) {
					t = strings.ReplaceAll(t, v.Label, "")
				}
			}
		}
		if regexp.MustCompile(`(^|[^\pL\pN])` + regexp.QuoteMeta(l) + `($|[^\pL\pN])`).MatchString(t) {
			out = append(out, "label "+l)
		}
	}
	for _, e := range sp.evidence {
		if strings.Contains(text, e) {
			out = append(out, "evidence "+e)
		}
	}
	for _, p := range sp.params {
		if regexp.MustCompile(`[?&;]` + regexp.QuoteMeta(p) + `($|[&#\s])`).MatchString(hrefs) {
			out = append(out, "link "+p)
		}
	}
	return out
}

// TestBrowserNoSpoilerLeak: with spoilers hidden (the default), no page
// type holds a spoiler of the works it shows: no value label, evidence or
// filter link, in any text, hidden or not, nor in the title, meta tags or
// JSON-LD. With spoilers shown, the same pages do hold them, so the test
// sees what it looks for.
//
// What counts as a spoiler is computed from the catalog: every coding the
// codebook calls one (recovery, and a value flagged "spoiler"). With
// spoilers shown, the search page and the stats are checked for the
// spoiler dimensions' labels alone (dimsOnly): they show a flagged value
// of another dimension (a trigger, say) only where they chart or list it.
func TestBrowserNoSpoilerLeak(t *testing.T) {
	st := newSite(t)
	cb := st.Server.cb
	b := newBrowser(t, st.Server)
	ctx := context.Background()
	var all []*catalog.Work
	if err := st.store.Each(ctx, func(w *catalog.Work) error { all = append(all, w); return nil }); err != nil {
		t.Fatal(err)
	}
	work := func(id string) *catalog.Work {
		rev, err := st.store.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return rev.Work
	}
	// worksOn reads the works a page shows from its links: result
	// cards, the work itself and the works it is compared with.
	worksOn := func(selector string) []*catalog.Work {
		var out []*catalog.Work
		for _, href := range eval[[]string](t, b, `[...document.querySelectorAll(`+"`"+selector+"`"+`)].map(a => a.getAttribute("href"))`) {
			if id, ok := strings.CutPrefix(href, "/works/"); ok && !strings.Contains(id, "/") {
				out = append(out, work(id))
			}
		}
		return out
	}
	// searched is the works of a search, through the API: those the
	// stats and the cross-tab of that search count.
	searched := func(query string) func() []*catalog.Work {
		return func() []*catalog.Work {
			var res searchResponse
			rec := st.do(t, req{method: "GET", url: "/api/v1/search?size=100&" + query})
			if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil || res.Total > len(res.Hits) {
				t.Fatalf("search %s: %d of %d hits: %v", query, len(res.Hits), res.Total, err)
			}
			var out []*catalog.Work
			for _, h := range res.Hits {
				out = append(out, work(h.ID))
			}
			return out
		}
	}
	const (
		cards    = ".hit h3 a"
		compared = "table.compare thead a"
	)
	// The work with spoiler flags on values of dimensions that are no
	// spoiler (its conditions and triggers), compared with its game.
	const flagged = "robotics-notes-anime"
	pages := []struct {
		name, path string
		works      func() []*catalog.Work
		dimsOnly   bool
	}{
		{"search", "/?q=princess+jellyfish", func() []*catalog.Work { return worksOn(cards) }, true},
		{"search naming a spoiler", "/?q=sudden+recovery", func() []*catalog.Work { return worksOn(cards) }, true},
		{"search by recovery catalyst", "/?recovery_catalysts=professional_help&realism=realistic", func() []*catalog.Work { return worksOn(cards) }, true},
		{"search of the flagged work", "/?q=robotics+notes", func() []*catalog.Work { return worksOn(cards) }, true},
		{"work and adaptations compared", "/works/" + flagged, func() []*catalog.Work { return append([]*catalog.Work{work(flagged)}, worksOn(compared)...) }, false},
		{"work and adaptations compared (NHK)", "/works/welcome-to-the-nhk-anime", func() []*catalog.Work {
			return append([]*catalog.Work{work("welcome-to-the-nhk-anime")}, worksOn(compared)...)
		}, false},
		{"history", "/works/" + flagged + "/history", func() []*catalog.Work { return []*catalog.Work{work(flagged)} }, false},
		{"stats", "/stats", func() []*catalog.Work { return all }, true},
		{"stats of a search", "/stats?q=princess+jellyfish", searched("q=princess+jellyfish"), true},
		{"cross-tab by recovery", "/stats/crosstab?row=realism&col=recovery", func() []*catalog.Work { return all }, true},
		{"cross-tab of a search", "/stats/crosstab?row=recovery&col=tone&q=nhk", searched("q=nhk"), true},
		{"codebook", "/codebook", nil, false},
		{"changes", "/changes", nil, false},
		{"not found", "/no/such/page", nil, false},
	}
	// Whatever a page shows, no spoiler evidence of any work is on it.
	everywhere := spoilersOf(cb, all, false).evidence
	for _, show := range []bool{false, true} {
		value := "hide"
		if show {
			value = "show"
		}
		b.run(t, chromedp.Navigate(b.base+"/healthz"))
		eval[string](t, b, `document.cookie = "`+spoilersCookie+`=`+value+`; path=/"`)
		for _, p := range pages {
			b.run(t, chromedp.Navigate(b.base+p.path), chromedp.WaitReady(chromedp.CSS("main")))
			var sp spoilers
			if p.works != nil {
				shown := p.works()
				if len(shown) == 0 {
					t.Fatalf("%s: no works shown: no test", p.name)
				}
				sp = spoilersOf(cb, shown, p.dimsOnly && show)
			}
			text := eval[string](t, b, pageText)
			if !show {
				hidden := sp
				hidden.evidence = everywhere
				hidden.dropChosen(cb, p.path)
				if leaks := hidden.found(cb, text); len(leaks) > 0 {
					t.Errorf("%s (%s), spoilers hidden: the page holds %s", p.name, p.path, strings.Join(leaks, "; "))
				}
				continue
			}
			// Shown: every spoiler label of the works shown is there.
			// (Evidence is shown on the work page only.)
			sp.evidence, sp.params = nil, nil
			if got := sp.found(cb, text); len(got) != len(sp.labels) {
				t.Errorf("%s (%s), spoilers shown: the page holds %d of the %d spoiler labels %v: %v", p.name, p.path, len(got), len(sp.labels), sp.labels, got)
			}
		}
	}
	b.allowNotFound()
	b.clean(t)
}

// TestFeedNoSpoilers: the Atom feed of the changes carries no coded value:
// notes and the names of the fields changed, never their values.
func TestFeedNoSpoilers(t *testing.T) {
	st := newSite(t)
	rec := st.do(t, req{method: "GET", url: "/changes.atom"})
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "<entry>") {
		t.Fatalf("GET /changes.atom = %d with no entries: no test", rec.Code)
	}
	var all []*catalog.Work
	if err := st.store.Each(context.Background(), func(w *catalog.Work) error { all = append(all, w); return nil }); err != nil {
		t.Fatal(err)
	}
	sp := spoilersOf(st.Server.cb, all, true)
	if leaks := sp.found(st.Server.cb, rec.Body.String()); len(leaks) > 0 {
		t.Errorf("the feed holds %s", strings.Join(leaks, "; "))
	}
}
