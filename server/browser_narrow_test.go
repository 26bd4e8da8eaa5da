package server

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/komoru/komoru/catalog"
)

// TestBrowserNarrow: no page scrolls sideways on a 320 or 390 px phone;
// wide content (tables, code) scrolls inside its own region.
func TestBrowserNarrow(t *testing.T) {
	st := newSite(t)
	b := newBrowser(t, st.Server)
	b.signIn(t, st.session(t, st.user(t, "ada", catalog.RoleAdmin)))
	pages := []string{
		"/", "/?q=hikikomori", "/?q=princess+jellyfish&show=recovery", "/?page=999",
		// The filters opened on a phone, by their link as without a script.
		"/?medium=manga&realism=romanticized#facets",
		"/works/welcome-to-the-nhk-anime", "/works/princess-jellyfish-manga", "/works/welcome-to-the-nhk-anime?show=recovery",
		"/works/welcome-to-the-nhk-anime/history", "/works/welcome-to-the-nhk-anime/history?show=recovery",
		"/works/welcome-to-the-nhk-anime/edit", "/works/new",
		"/codebook", "/stats?show=recovery", "/changes", "/review", "/account", "/admin/users", "/admin/index",
		"/no/such/page",
	}
	for _, width := range []int64{320, 390} {
		b.run(t, chromedp.EmulateViewport(width, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
		for _, path := range pages {
			b.run(t, chromedp.Navigate(b.base+path), chromedp.WaitReady(chromedp.CSS("main")))
			// Against the phone's width: a mobile browser widens its
			// viewport (innerWidth) to a page wider than the screen.
			scroll := eval[int](t, b, `document.documentElement.scrollWidth`)
			if scroll > int(width) {
				wide := eval[string](t, b, fmt.Sprintf(`[...document.querySelectorAll("main *")].filter(e => e.getBoundingClientRect().right > %d + 1).slice(0, 3).map(e => e.outerHTML.slice(0, 80)).join(" | ")`, width))
				t.Errorf("%s at %d px: %d px wide, scrolls sideways (%s)", path, width, scroll, wide)
			}
		}
	}
	b.run(t, chromedp.EmulateReset())
	b.allowNotFound()
	b.clean(t)
}
