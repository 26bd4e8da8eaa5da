package server

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserCitePage: /cite passes the accessibility audit in both
// themes, fits a phone without sideways scrolling (its BibTeX and
// CSL-JSON scroll in their own boxes), and its copy buttons copy each
// citation whole; the footer's link leads to it.
func TestBrowserCitePage(t *testing.T) {
	b := newBrowser(t, newSiteServer(t))
	for _, theme := range []string{"light", "dark"} {
		b.run(t, chromedp.Navigate(b.base+"/healthz"))
		eval[string](t, b, `document.cookie = "komoru_theme=`+theme+`; path=/"`)
		b.run(t, chromedp.Navigate(b.base+"/cite"), chromedp.WaitVisible(chromedp.CSS("main")))
		if problems := eval[string](t, b, a11yAudit); problems != "" {
			t.Errorf("/cite (%s theme):\n%s", theme, problems)
		}
	}
	b.run(t, chromedp.Navigate(b.base+"/codebook"), chromedp.WaitVisible(chromedp.CSS("footer.site")))
	b.run(t, chromedp.Click(chromedp.CSS(`footer.site a[href="/cite"]`)), chromedp.WaitVisible(chromedp.CSS(`button[data-copy="cite-bibtex"]`)))
	eval[any](t, b, `
		window.copied = null;
		navigator.clipboard.write = async items => { window.copied = await (await items[0].getType("text/plain")).text(); };
		navigator.clipboard.writeText = async text => { window.copied = text; };
		null`)
	for _, c := range []struct{ id, what, has string }{
		{"cite-text", "the reference", "[Data set]"},
		{"cite-bibtex", "the BibTeX", "@misc{komoru_v"},
	} {
		eval[any](t, b, `window.copied = null; document.getElementById("copy-status").textContent = ""; null`)
		b.run(t, chromedp.Click(chromedp.CSS(`button[data-copy="`+c.id+`"]`)))
		b.waitFor(t, `window.copied !== null && document.getElementById("copy-status").textContent !== ""`)
		got := eval[string](t, b, `window.copied`)
		if want := eval[string](t, b, `document.getElementById("`+c.id+`").innerText`); got != want || !strings.Contains(got, c.has) {
			t.Errorf("copied %q, want %s %q", got, c.what, want)
		}
		if st := eval[string](t, b, `document.getElementById("copy-status").textContent`); st != "Copied "+c.what+"." {
			t.Errorf("status says %q", st)
		}
	}
	eval[any](t, b, `document.querySelectorAll("details").forEach(d => d.open = true); null`)
	b.screenshots(t, "cite")
	for _, width := range []int64{320, 390} {
		b.run(t, chromedp.EmulateViewport(width, 800, chromedp.EmulateScale(2), chromedp.EmulateMobile), chromedp.Sleep(100*time.Millisecond))
		if over := eval[int](t, b, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); over > 0 {
			t.Errorf("at %d px, /cite scrolls sideways by %d px", width, over)
		}
	}
	b.clean(t)
}
