package server

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/komoru/komoru/catalog"
)

func init() { zeroPages["agreement"] = agreementPage{} }

// TestBrowserAgreement: a closed round's agreement page at desktop and
// phone widths, light and dark: audited, photographed, no sideways
// scroll at 390 px, and the heatmap's counts readable as text. The
// spoiler dimension's matrix shows once asked.
func TestBrowserAgreement(t *testing.T) {
	st := newSite(t)
	st.user(t, "ann", catalog.RoleCurator)
	st.user(t, "bo", catalog.RoleContributor)
	st.user(t, "cy", catalog.RoleContributor)
	codedRound(t, st, "r1", []string{"ann", "bo", "cy"}, true)
	b := newBrowser(t, st.Server)
	for _, path := range []string{"/rounds/r1/agreement", "/rounds/r1/agreement?show=recovery"} {
		for _, theme := range []string{"light", "dark"} {
			b.run(t, chromedp.Navigate(b.base+"/healthz"))
			eval[string](t, b, `document.cookie = "komoru_theme=`+theme+`; path=/"`)
			b.run(t, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(b.base+path), chromedp.WaitVisible(chromedp.CSS("svg.heatmap")))
			eval[any](t, b, `(() => { document.querySelectorAll("details").forEach(d => d.open = true); return null; })()`)
			if problems := eval[string](t, b, a11yAudit); problems != "" {
				t.Errorf("%s (%s):\n%s", path, theme, problems)
			}
			b.run(t, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
			if over := eval[int](t, b, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); over > 0 {
				t.Errorf("%s (%s) at 390 px scrolls sideways by %d px", path, theme, over)
			}
			if problems := eval[string](t, b, a11yAudit); problems != "" {
				t.Errorf("%s (%s, phone):\n%s", path, theme, problems)
			}
		}
	}
	b.run(t, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(b.base+"/rounds/r1/agreement"), chromedp.WaitVisible(chromedp.CSS("svg.heatmap")))
	counts := eval[string](t, b, `[...document.querySelectorAll("#realism svg.heatmap text[data-bg]")].map(e => e.textContent).join(" ")`)
	if strings.TrimSpace(counts) == "" {
		t.Error("the realism heatmap has no counts as text")
	}
	if n := eval[int](t, b, `document.querySelectorAll("#recovery svg").length`); n != 0 {
		t.Error("recovery's matrix shows without asking")
	}
	b.screenshots(t, "agreement")
	b.run(t, chromedp.Navigate(b.base+"/rounds/r1/agreement?show=recovery#recovery"), chromedp.WaitVisible(chromedp.CSS("#recovery svg.heatmap")))
	b.screenshots(t, "agreement-recovery")
	b.clean(t)
}
