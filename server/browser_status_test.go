package server

import (
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserCodingStatus: a work imported without coding reads "Not coded
// yet" under its title and says so once in its coding section; a partly
// coded work's evidence footnote takes the reader to its numbered source;
// result cards carry the badge.
func TestBrowserCodingStatus(t *testing.T) {
	b := newBrowser(t, importStatusWorks(t).Server)
	text := func(selector string) string {
		t.Helper()
		el := `document.querySelector(` + strconv.Quote(selector) + `)`
		if !eval[bool](t, b, el+` !== null && `+el+`.checkVisibility({opacityProperty: true, visibilityProperty: true})`) {
			t.Fatalf("%s is missing or not visible", selector)
		}
		return eval[string](t, b, el+`.innerText.trim()`)
	}

	b.run(t, chromedp.Navigate(b.base+"/works/kumo-no-heya-novel"), chromedp.WaitVisible(chromedp.CSS("#coding-notice")))
	if got := text("#coding-status"); got != "Not coded yet" {
		t.Errorf("badge reads %q, want Not coded yet", got)
	}
	section := `document.querySelector('section[aria-labelledby="coding"]')`
	if n := eval[int](t, b, section+`.innerText.toLowerCase().split("not coded").length - 1`); n != 1 {
		t.Errorf("the coding section says \"not coded\" %d times, want once", n)
	}
	if n := eval[int](t, b, section+`.querySelectorAll("dd").length`); n != 0 {
		t.Errorf("the coding section lists %d dimensions, want none", n)
	}
	b.screenshots(t, "coding-status-not-coded")

	b.run(t, chromedp.Navigate(b.base+"/works/door-ajar-manga"), chromedp.WaitVisible(chromedp.CSS("#coding-missing")))
	if got := text("#coding-status"); got != "Partly coded: 2 of 11 dimensions" {
		t.Errorf("badge reads %q", got)
	}
	// The footnote's name for a screen reader is "source [2]".
	if got := eval[string](t, b, `document.querySelector("#dim-realism .evidence").innerText.replace(/\s+/g, " ").trim()`); got != "Her panic at the door. (chapter 3) source [2]" {
		t.Errorf("realism's evidence reads %q, want it to end with the locator and [2]", got)
	}
	b.run(t, chromedp.Click(chromedp.CSS(`#dim-realism sup.footnote a`)))
	b.waitFor(t, `location.hash === "#source-2"`)
	if got := text("#source-2"); got != "[2] Review" {
		t.Errorf("the footnote's target reads %q, want [2] Review", got)
	}
	b.screenshots(t, "coding-status-partly-coded")

	// The coding_status filter keeps the two imported works on the first page.
	b.run(t, chromedp.Navigate(b.base+"/?q=recluse&coding_status=uncoded&coding_status=partial"), chromedp.WaitVisible(chromedp.CSS("#hits")))
	for id, want := range map[string]string{"kumo-no-heya-novel": "Not coded yet", "door-ajar-manga": "Partly coded"} {
		if got := text(`.hit:has(a[href="/works/` + id + `"]) .coding-status`); got != want {
			t.Errorf("card of %s: badge reads %q, want %q", id, got, want)
		}
	}
	if !eval[bool](t, b, `document.querySelector('fieldset[data-facet="coding_status"]') !== null`) {
		t.Error("no Coding status facet in the sidebar")
	}
	b.screenshots(t, "coding-status-cards")
	b.clean(t)
}
