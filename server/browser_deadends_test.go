package server

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserPastTheEnd: a page past the last says which is the last, and
// its link (loaded in place by the script) shows that page's hits.
func TestBrowserPastTheEnd(t *testing.T) {
	b := newBrowser(t, newSiteServer(t))
	b.run(t, chromedp.Navigate(b.base+"/?page=999"), chromedp.WaitVisible(chromedp.CSS("a.last-page")))
	if got := eval[string](t, b, `document.querySelector("#results .empty p").textContent`); got != "Page 999 is past the last page, 6." {
		t.Errorf("page 999 says %q", got)
	}
	b.run(t, chromedp.Click(chromedp.CSS("a.last-page")))
	b.waitFor(t, `location.search === "?page=6" && document.querySelectorAll(".hit").length > 0`)
	if got := eval[string](t, b, `document.getElementById("total").textContent`); got != "101–111 of 111 works" {
		t.Errorf("page 6 says %q", got)
	}
	b.clean(t)
}
