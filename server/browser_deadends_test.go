package server

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestBrowserPastTheEnd: a page past the last says which is the last, and
// its link (loaded in place by the script) shows that page's hits.
func TestBrowserPastTheEnd(t *testing.T) {
	s := newSiteServer(t)
	n := len(shippedWorks(t, s.cb))
	last := (n + 19) / 20 // 20 hits a page
	b := newBrowser(t, s)
	b.run(t, chromedp.Navigate(b.base+"/?page=999"), chromedp.WaitVisible(chromedp.CSS("a.last-page")))
	if got := eval[string](t, b, `document.querySelector("#results .empty p").textContent`); got != fmt.Sprintf("Page 999 is past the last page, %d.", last) {
		t.Errorf("page 999 says %q", got)
	}
	b.screenshots(t, "search-past-the-end")
	b.run(t, chromedp.Click(chromedp.CSS("a.last-page")))
	b.waitFor(t, fmt.Sprintf(`location.search === "?page=%d" && document.querySelectorAll(".hit").length > 0`, last))
	if got, want := eval[string](t, b, `document.getElementById("total").textContent`), fmt.Sprintf("%d–%d of %d works", (last-1)*20+1, n, n); got != want {
		t.Errorf("page %d says %q, want %q", last, got, want)
	}
	b.clean(t)
}

// TestBrowserQueryLength: the box takes at most the limit, and text put
// past it by script is not searched: the page stays (its marker survives),
// nothing is fetched, and the limit is said under the box.
func TestBrowserQueryLength(t *testing.T) {
	b := newBrowser(t, newSiteServer(t))
	b.run(t, chromedp.Navigate(b.base+"/"), chromedp.WaitVisible(chromedp.CSS("#q")))
	b.run(t, chromedp.SetValue(chromedp.CSS("#q"), strings.Repeat("a", 499)), chromedp.SendKeys(chromedp.CSS("#q"), "bc"))
	if n := eval[int](t, b, `Array.from(document.getElementById("q").value).length`); n != 500 {
		t.Errorf("typing past the limit left %d characters in the box, want 500", n)
	}
	b.run(t, chromedp.Sleep(300*time.Millisecond))
	eval[int](t, b, `window.__marker = 1`)
	eval[bool](t, b, `(() => {
		window.__fetches = 0;
		const f = window.fetch;
		window.fetch = (...a) => { window.__fetches++; return f(...a); };
		const q = document.getElementById("q");
		q.value = "a".repeat(501);
		q.dispatchEvent(new Event("input", {bubbles: true}));
		return true;
	})()`)
	b.waitFor(t, `!document.getElementById("q-limit").hidden`)
	if got := eval[string](t, b, `document.getElementById("q-limit").textContent`); got != "Search text: at most 500 characters (this has 501)." {
		t.Errorf("the limit note says %q", got)
	}
	// Submitting does not search either.
	b.run(t, chromedp.Sleep(400*time.Millisecond))
	eval[bool](t, b, `document.getElementById("search").requestSubmit() || true`)
	b.run(t, chromedp.Sleep(300*time.Millisecond))
	if eval[int](t, b, `window.__marker || 0`) != 1 || eval[int](t, b, `window.__fetches`) != 0 || eval[string](t, b, `location.search`) != "?q="+strings.Repeat("a", 499)+"b" {
		t.Errorf("over the limit the page navigated or fetched: marker %v, fetches %v, at %s",
			eval[any](t, b, `window.__marker`), eval[any](t, b, `window.__fetches`), eval[string](t, b, `location.href`))
	}
	// Back within the limit, the note goes and the search runs.
	b.run(t, chromedp.SetValue(chromedp.CSS("#q"), "jellyfish"), chromedp.SendKeys(chromedp.CSS("#q"), " "))
	b.waitFor(t, `document.getElementById("q-limit").hidden && location.search === "?q=jellyfish+"`)
	b.clean(t)
}

// TestBrowserNotFoundSearch: the 404 page's search box, not focused on
// load, searches the catalog.
func TestBrowserNotFoundSearch(t *testing.T) {
	b := newBrowser(t, newSiteServer(t))
	b.run(t, chromedp.Navigate(b.base+"/works/no-such-work"), chromedp.WaitVisible(chromedp.CSS("form.not-found #q")))
	if id := eval[string](t, b, `document.activeElement.id || document.activeElement.tagName`); id == "q" {
		t.Error("the 404 page's search box takes the focus on load")
	}
	b.run(t, chromedp.SendKeys(chromedp.CSS("form.not-found #q"), "jellyfish"+kb.Enter), chromedp.WaitVisible(chromedp.CSS("#results")))
	b.waitFor(t, `location.pathname === "/" && location.search === "?q=jellyfish" && document.querySelector('.hit a[href="/works/princess-jellyfish-manga"]') !== null`)
	b.allowNotFound()
	b.clean(t)
}

// TestBrowserDecadeBar: a bar of the decade histogram (an SVG link)
// filters in place, as the facets do: the results and the URL change, the
// page is not reloaded (its marker survives), and Back undoes it.
func TestBrowserDecadeBar(t *testing.T) {
	b := newBrowser(t, newSiteServer(t))
	b.run(t, chromedp.Navigate(b.base+"/"), chromedp.WaitVisible(chromedp.CSS(".histogram svg a")))
	all := hitsAndTotal(t, b)
	eval[int](t, b, `window.__marker = 1`)
	b.run(t, chromedp.Click(chromedp.CSS(`.histogram svg a[aria-label^="2010s:"] rect`)))
	b.waitFor(t, `location.search === "?decade=2010" && document.querySelector('.histogram a[aria-label^="2010s:"] rect.selected') !== null`)
	if eval[int](t, b, `window.__marker || 0`) != 1 {
		t.Fatal("clicking a decade bar reloaded the page")
	}
	filtered := hitsAndTotal(t, b)
	if filtered == all || !strings.Contains(eval[string](t, b, `document.querySelector("ul.active").textContent`), "2010s") {
		t.Errorf("after clicking the 2010s bar the results are %q, chips %q", filtered,
			eval[string](t, b, `(document.querySelector("ul.active") || {}).textContent || ""`))
	}
	b.run(t, chromedp.NavigateBack())
	b.waitFor(t, `location.search === "" && document.querySelector(".histogram rect.selected") === null`)
	if back := hitsAndTotal(t, b); back != all || eval[int](t, b, `window.__marker || 0`) != 1 {
		t.Errorf("after Back the results are %q, want %q", back, all)
	}
	b.clean(t)
}

// TestBrowserSpoilerFacet: with spoilers hidden, the sidebar shows no
// recovery value or count, only "Recovery: show (spoilers)"; following
// it shows them, with the search kept.
func TestBrowserSpoilerFacet(t *testing.T) {
	b := newBrowser(t, newSiteServer(t))
	b.run(t,
		chromedp.Navigate(b.base+"/?q=princess+jellyfish"),
		chromedp.WaitVisible(chromedp.CSS("#results li.hit")),
	)
	text := eval[string](t, b, `document.getElementById("facets").innerText`)
	for _, label := range []string{"Gradual", "Sudden", "Cyclical"} {
		if strings.Contains(text, label) {
			t.Errorf("with spoilers hidden the filters name %s:\n%s", label, text)
		}
	}
	b.run(t, chromedp.Click(chromedp.CSS(`.spoiler-facet a`)))
	b.waitFor(t, `document.querySelector('#facets input[name="recovery"]') !== null`)
	if q := eval[string](t, b, `document.getElementById("q").value`); q != "princess jellyfish" {
		t.Errorf("showing the facet lost the search: q is %q", q)
	}
	b.clean(t)
}
