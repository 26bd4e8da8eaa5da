package server

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// phoneFiltersURL is a search with two filters.
const phoneFiltersURL = "/?medium=manga&realism=romanticized"

// leadFacet is the "Female hikikomori lead" facet's disclosure, which the
// issue found 10,660 px down a phone's page.
const leadFacet = `document.querySelector('[data-facet="female_hikikomori_lead"]').closest("details")`

// TestBrowserPhoneFilters: on a 390 px phone, "Filters (2 active)" is on
// the first screen, above the results, and opening it by a tap or by
// Enter brings the filters into view, down to "Female hikikomori lead";
// without a script the link opens them too.
func TestBrowserPhoneFilters(t *testing.T) {
	b := newBrowser(t, newSiteServer(t))
	phone := chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile)
	load := func() {
		b.run(t, phone, chromedp.Navigate(b.base+phoneFiltersURL), chromedp.WaitVisible(chromedp.CSS("#filters-toggle")))
		b.waitFor(t, `document.readyState === "complete" && document.getElementById("filters-toggle").getAttribute("aria-expanded") === "false"`)
	}
	load()
	if text := eval[string](t, b, `document.getElementById("filters-toggle").textContent`); text != "Filters (2 active)" {
		t.Errorf("the button reads %q, want Filters (2 active)", text)
	}
	if top := eval[float64](t, b, `document.getElementById("filters-toggle").getBoundingClientRect().top`); top >= 844 {
		t.Errorf("the button is %.0f px down, below the first screen", top)
	}
	if below := eval[bool](t, b, `document.getElementById("filters-toggle").getBoundingClientRect().top < document.getElementById("hits").getBoundingClientRect().top`); !below {
		t.Error("the button is not above the results")
	}
	if shown := eval[bool](t, b, `document.getElementById("facets").getBoundingClientRect().height > 0`); shown {
		t.Error("the filters are shown before the reader asks for them")
	}
	phoneShot(t, b, "search-phone-filters-closed")

	inView := func(how string) {
		t.Helper()
		b.waitFor(t, `document.getElementById("filters-toggle").getAttribute("aria-expanded") === "true"`)
		box := eval[[]float64](t, b, `(() => { const r = `+leadFacet+`.getBoundingClientRect(); return [r.top, r.bottom, r.height]; })()`)
		if box[2] == 0 || box[0] < 0 || box[1] > 844 {
			t.Errorf("opened by %s, the Female hikikomori lead facet is at %.0f–%.0f px, not within the 844 px screen", how, box[0], box[1])
		}
		// The facets are folded to their names, each with how many of
		// its values are chosen.
		if s := eval[string](t, b, `document.querySelector('[data-facet="medium"]').closest("details").querySelector("summary").textContent`); s != "Medium (1)" {
			t.Errorf("opened by %s, the Medium facet's name reads %q, want Medium (1)", how, s)
		}
	}
	// A tap.
	b.run(t, chromedp.Click(chromedp.CSS("#filters-toggle")))
	inView("a tap")
	phoneShot(t, b, "search-phone-filters")

	// The keyboard: Tab to the button, Enter.
	load()
	b.tabTo(t, `document.activeElement.id === "filters-toggle"`, "the Filters button")
	b.run(t, chromedp.KeyEvent(kb.Enter))
	inView("Enter")
	// A tap on a folded facet's name unfolds it.
	b.run(t, chromedp.Click(chromedp.CSS(`details:has([data-facet="female_hikikomori_lead"]) > summary`)))
	b.waitFor(t, leadFacet+`.open && document.getElementById("f-female_hikikomori_lead-true").getBoundingClientRect().height > 0`)
	// Ticking a filter keeps the filters open and counts it.
	b.run(t, chromedp.Click(chromedp.CSS(`label[for="f-female_hikikomori_lead-true"]`)))
	b.waitFor(t, `document.getElementById("filters-toggle").textContent === "Filters (3 active)"`)
	if open := eval[bool](t, b, `document.getElementById("facets").getBoundingClientRect().height > 0 && `+leadFacet+`.open`); !open {
		t.Error("after ticking a filter, the filters or its facet closed")
	}
	b.clean(t)
	b.run(t, chromedp.EmulateReset())
}

// TestBrowserPhoneFiltersWithoutJavaScript: without a script the button
// is a link to the filters, which shows them.
func TestBrowserPhoneFiltersWithoutJavaScript(t *testing.T) {
	b := newBrowser(t, newSiteServer(t))
	b.noScript(t)
	b.run(t, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Navigate(b.base+phoneFiltersURL), chromedp.WaitVisible(chromedp.CSS("#filters-toggle")))
	if shown := eval[bool](t, b, `document.getElementById("facets").getBoundingClientRect().height > 0`); shown {
		t.Error("the filters are shown before the reader asks for them")
	}
	b.run(t, chromedp.Click(chromedp.CSS("#filters-toggle")))
	b.waitFor(t, `location.hash === "#facets" && document.getElementById("facets").getBoundingClientRect().height > 0`)
	if top := eval[float64](t, b, `document.getElementById("facets").getBoundingClientRect().top`); top < -1 || top > 844 {
		t.Errorf("the opened filters start at %.0f px, not on screen", top)
	}
	b.clean(t)
	b.run(t, chromedp.EmulateReset())
}

// phoneShot saves the page as the phone shows it, the whole page, in
// both themes: name.png and name-dark.png.
func phoneShot(t *testing.T, b *browser, name string) {
	t.Helper()
	b.themedShots(t, name, name+"-dark")
}
