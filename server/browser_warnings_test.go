package server

import (
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserContentWarnings: with spoilers hidden (no preference set), a
// work's content warnings are visible text near the top of its page and on
// its result card, outside every spoiler reveal.
func TestBrowserContentWarnings(t *testing.T) {
	b := newBrowser(t, newSiteServer(t))
	const want = "Content warnings: Suicide, Sexual content, Substance use"
	tests := []struct {
		name, path string
		selector   string // the warnings, as the reader sees them
		above      string // an element the warnings come before, or ""
	}{
		{"work page", "/works/welcome-to-the-nhk-anime", "#warnings-content_warnings", "#facts"},
		{"result card", "/?q=nhk", `.hit:has(a[href="/works/welcome-to-the-nhk-anime"]) .chip.warning`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b.run(t, chromedp.Navigate(b.base+tt.path), chromedp.WaitVisible(chromedp.CSS("main")))
			el := `document.querySelector(` + strconv.Quote(tt.selector) + `)`
			if !eval[bool](t, b, el+` !== null`) {
				t.Fatalf("%s: no %s", tt.path, tt.selector)
			}
			if got := eval[string](t, b, el+`.innerText.trim()`); got != want {
				t.Errorf("%s: %s reads %q, want %q", tt.path, tt.selector, got, want)
			}
			if eval[bool](t, b, el+`.closest("details, .spoiler") !== null`) {
				t.Errorf("%s: the content warnings are inside a spoiler reveal", tt.path)
			}
			if !eval[bool](t, b, el+`.checkVisibility({opacityProperty: true, visibilityProperty: true})`) {
				t.Errorf("%s: the content warnings are not visible", tt.path)
			}
			if tt.above != "" && !eval[bool](t, b, el+`.getBoundingClientRect().bottom <= document.querySelector(`+strconv.Quote(tt.above)+`).getBoundingClientRect().top`) {
				t.Errorf("%s: the content warnings are not above %s", tt.path, tt.above)
			}
		})
	}
	// The coding section shows them too, not as a spoiler.
	b.run(t, chromedp.Navigate(b.base+"/works/welcome-to-the-nhk-anime"), chromedp.WaitVisible(chromedp.CSS("#dim-content_warnings")))
	if eval[bool](t, b, `document.querySelector("#dim-content_warnings details") !== null`) {
		t.Error("the coded content warnings are behind a spoiler reveal")
	}
	b.clean(t)
}
