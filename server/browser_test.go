package server

import (
	"context"
	"errors"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// Browser tests drive Debian's Chromium through chromedp against the real
// server. Without Chromium they skip, unless KOMORU_BROWSER_TESTS=required
// (as .ci/run sets it), where a missing browser fails the run.

// browser is a page in headless Chromium, watched for console errors and
// for requests to any host but the test server's.
type browser struct {
	ctx  context.Context
	base string // the test server's URL

	mu       sync.Mutex
	problems []string
	foreign  []string
	ignore   string // the self-test's origin
}

func newBrowser(t *testing.T, s *Server) *browser {
	t.Helper()
	path := os.Getenv("KOMORU_CHROMIUM")
	if path == "" {
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(name); err == nil {
				path = p
				break
			}
		}
	}
	if path == "" {
		if os.Getenv("KOMORU_BROWSER_TESTS") == "required" {
			t.Fatal("no Chromium found, and KOMORU_BROWSER_TESTS=required (apt-get install -y chromium)")
		}
		t.Skip("no Chromium found; apt-get install -y chromium, or set KOMORU_CHROMIUM")
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	s.publicURL = ts.URL // as komoru serve does: the address it listens on

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // root in CI
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	b := &browser{base: ts.URL}
	host := strings.TrimPrefix(ts.URL, "http://")
	ctx, cancelCtx := chromedp.NewContext(allocCtx, chromedp.WithListener(func(ev any) { b.observe(ev, host) }))
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	b.ctx = ctx
	if err := watchTab(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	b.selfTest(t)
	return b
}

// watchTab turns on the network and log events that observe reads, in
// the tab of ctx.
func watchTab(ctx context.Context) error {
	return chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := cdp.Call(ctx, t, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, t, cdplog.Enable, cdp.Empty{})
		return err
	}))
}

// observe records console errors, exceptions, error log entries (CSP
// violations, failed loads) and requests to any host but the test server.
// It runs on chromedp's event loop, so it only records.
func (b *browser) observe(ev any, host string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var args []string
			for _, a := range ev.Args {
				args = append(args, string(a.Value)+a.Description)
			}
			b.problems = append(b.problems, "console."+string(ev.Type)+": "+strings.Join(args, " "))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil {
			msg += " " + d.Exception.Description
		}
		b.problems = append(b.problems, "exception: "+msg)
	case *cdplog.EventEntryAdded:
		if ev.Entry.Level == cdplog.EntryLevelError && (b.ignore == "" || !strings.HasPrefix(ev.Entry.URL, b.ignore)) {
			b.problems = append(b.problems, "log: "+ev.Entry.Text+" "+ev.Entry.URL)
		}
	case *network.EventRequestWillBeSent:
		u, err := url.Parse(ev.Request.URL)
		if err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != host &&
			(b.ignore == "" || !strings.HasPrefix(ev.Request.URL, b.ignore)) {
			b.foreign = append(b.foreign, ev.Request.URL)
		}
	}
}

// selfTest proves the watch works: a console error and a request to another
// host (the test server under the name localhost, which the watch counts as
// another host) must both be seen, or a clean page would prove nothing. A
// page's own request to another host is refused by the Content-Security-
// Policy, and the refusal is an error the watch sees too.
func (b *browser) selfTest(t *testing.T) {
	t.Helper()
	other := strings.Replace(b.base, "127.0.0.1", "localhost", 1) + "/healthz"
	b.run(t, chromedp.Navigate(b.base+"/healthz"))
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[chromedp.Void](`console.error("komoru self-test")`)); err != nil && !errors.Is(err, chromedp.ErrJSUndefined) {
		t.Fatal(err)
	}
	b.run(t, chromedp.Navigate(other))
	deadline := time.Now().Add(10 * time.Second)
	for {
		b.mu.Lock()
		seenError := slices.ContainsFunc(b.problems, func(p string) bool { return strings.Contains(p, "komoru self-test") })
		seenForeign := slices.ContainsFunc(b.foreign, func(u string) bool { return u == other })
		if seenError && seenForeign {
			// The self-test host stays out of the record from now on: the
			// browser may still fetch its favicon.
			b.problems, b.foreign, b.ignore = nil, nil, strings.TrimSuffix(other, "/healthz")
			b.mu.Unlock()
			return
		}
		b.mu.Unlock()
		if time.Now().After(deadline) {
			t.Fatalf("the browser watch missed its self-test (console error seen: %v, foreign request seen: %v)", seenError, seenForeign)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stepTimeout bounds one run of browser steps: a wait for something that
// never comes fails its test, rather than the whole package's timeout.
const stepTimeout = 2 * time.Minute

func (b *browser) run(t *testing.T, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](t *testing.T, b *browser, expr string) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// clean fails the test on any console error, exception or request to
// another host seen so far.
func (b *browser) clean(t *testing.T) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.problems {
		t.Errorf("browser: %s", p)
	}
	for _, u := range b.foreign {
		t.Errorf("the page loaded %s from another host", u)
	}
	b.problems, b.foreign = nil, nil
}

// allowNotFound forgets Chromium's own log line of a 404 status, which a
// test of a not-found page expects; nothing else may go wrong.
func (b *browser) allowNotFound() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.problems = slices.DeleteFunc(b.problems, func(s string) bool { return strings.Contains(s, "404") })
}

// tabTo presses Tab until cond, a JavaScript expression, holds (of the
// focused element), at most 100 times; it fails the test with what, never
// reached.
func (b *browser) tabTo(t *testing.T, cond, what string) {
	t.Helper()
	for range 100 {
		b.run(t, chromedp.KeyEvent(kb.Tab))
		if eval[bool](t, b, cond) {
			return
		}
	}
	t.Fatalf("Tab never reached %s", what)
}

// screenshots saves the page at desktop (1366 px) and phone (390 px)
// widths, in the light and the dark theme, into the artifacts dir
// (screenshotDir) as name-desktop.png, name-phone.png,
// name-dark-desktop.png and name-dark-phone.png, and logs where. It leaves
// the page at the desktop width in the theme it had.
func (b *browser) screenshots(t *testing.T, name string) {
	t.Helper()
	for _, size := range []struct {
		name          string
		width, height int64
		mobile        bool
	}{{"desktop", 1366, 900, false}, {"phone", 390, 844, true}} {
		emulate := chromedp.EmulateViewport(size.width, size.height)
		if size.mobile {
			emulate = chromedp.EmulateViewport(size.width, size.height, chromedp.EmulateScale(2), chromedp.EmulateMobile)
		}
		b.run(t, emulate, chromedp.Sleep(100*time.Millisecond))
		b.themedShots(t, name+"-"+size.name, name+"-dark-"+size.name)
	}
	b.run(t, chromedp.EmulateViewport(1280, 900))
}

// themedShots saves the whole page as it is, once in the light theme (as
// light.png) and once in the dark one (dark.png). The theme is the page's
// data-theme, which the CSS reads, so no reload is needed; the page's own
// is put back after.
func (b *browser) themedShots(t *testing.T, light, dark string) {
	t.Helper()
	was := eval[string](t, b, `document.documentElement.dataset.theme || ""`)
	for _, theme := range []string{"light", "dark"} {
		eval[string](t, b, `document.documentElement.dataset.theme = "`+theme+`"`)
		png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		name := light
		if theme == "dark" {
			name = dark
		}
		path := filepath.Join(screenshotDir(t), name+".png")
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", path)
	}
	eval[any](t, b, `(() => { const was = `+strconv.Quote(was)+`; if (was) document.documentElement.dataset.theme = was; else delete document.documentElement.dataset.theme; return null; })()`)
}

// noScript turns JavaScript off in the page, for the path without it.
func (b *browser) noScript(t *testing.T) {
	t.Helper()
	err := chromedp.Do(b.ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
	if err != nil {
		t.Fatal(err)
	}
}

// screenshotDir is where screenshots go: the artifacts dir
// (KOMORU_ARTIFACTS, else a temp dir), screenshots/.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("KOMORU_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "komoru-artifacts")
	}
	dir = filepath.Join(dir, "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestBrowserWorkPage: the recovery spoiler is not on the page until the
// reader follows its reveal, which shows it, in place.
func TestBrowserWorkPage(t *testing.T) {
	b := newBrowser(t, newSiteServer(t))
	b.run(t,
		chromedp.Navigate(b.base+"/works/welcome-to-the-nhk-anime"),
		chromedp.WaitVisible(chromedp.CSS("#work-title")),
	)
	if text := eval[string](t, b, `document.getElementById("dim-recovery").textContent`); strings.Contains(text, "Cyclical") {
		t.Errorf("the recovery spoiler is on the page before the reader reveals it: %q", text)
	}
	b.run(t, chromedp.Click(chromedp.CSS("#dim-recovery a.spoiler-reveal")), chromedp.WaitVisible(chromedp.CSS("#dim-recovery .spoiler-shown")))
	if loc := eval[string](t, b, `location.search + location.hash`); loc != "?show=recovery#dim-recovery" {
		t.Errorf("the reveal went to %q", loc)
	}
	if text := eval[string](t, b, `document.getElementById("dim-recovery").innerText`); !strings.Contains(text, "Cyclical") || !strings.Contains(text, "Spoiler: hide Recovery") {
		t.Errorf("after the reveal, recovery reads %q", text)
	}
	b.clean(t)
	b.screenshots(t, "work")
}

// TestBrowserToggletips: a dimension's definition opens when its label
// takes the focus, closes on Escape, opens again on Enter and closes when
// the focus moves on.
func TestBrowserToggletips(t *testing.T) {
	b := newBrowser(t, newSiteServer(t))
	b.run(t,
		chromedp.Navigate(b.base+"/works/welcome-to-the-nhk-anime"),
		chromedp.WaitVisible(chromedp.CSS("#work-title")),
	)
	b.waitFor(t, `document.readyState === "complete"`)
	b.tabTo(t, `document.activeElement.matches("details.tip > summary")`, "a dimension's label")
	open := func() bool { return eval[bool](t, b, `document.activeElement.closest("details.tip").open`) }
	body := `document.activeElement.closest("details.tip").querySelector(".tip-body")`
	if !open() || eval[string](t, b, body+`.innerText`) == "" || eval[float64](t, b, body+`.getBoundingClientRect().height`) == 0 {
		t.Fatal("the focused label's definition is not shown")
	}
	b.run(t, chromedp.KeyEvent(kb.Escape))
	if open() {
		t.Error("Escape did not close the definition")
	}
	b.run(t, chromedp.KeyEvent(kb.Enter))
	if !open() {
		t.Error("Enter did not open the definition")
	}
	b.run(t, chromedp.KeyEvent(kb.Tab))
	if n := eval[int](t, b, `document.querySelectorAll("details.tip[open]").length`); n > 1 || (n == 1 && !eval[bool](t, b, `document.activeElement.matches("details.tip > summary")`)) {
		t.Errorf("%d definitions stay open after the focus moved on", n)
	}
	eval[bool](t, b, `document.querySelector("details.tip").open = true`)
	b.screenshots(t, "work-toggletip")
	b.clean(t)
}

// TestBrowserCopyCitation: the copy button beside a citation puts its
// text on the clipboard, with the APA title's italics in the HTML, and
// says so.
func TestBrowserCopyCitation(t *testing.T) {
	b := newBrowser(t, newSiteServer(t))
	b.run(t,
		chromedp.Navigate(b.base+"/works/welcome-to-the-nhk-anime"),
		chromedp.WaitVisible(chromedp.CSS(`button[data-copy="cite-apa"]`)),
	)
	// The clipboard is the page's to record: headless Chromium has none.
	eval[any](t, b, `
		window.copied = null;
		navigator.clipboard.write = async items => {
			const item = items[0];
			window.copied = {text: await (await item.getType("text/plain")).text(), html: await (await item.getType("text/html")).text()};
		};
		navigator.clipboard.writeText = async text => { window.copied = {text, html: ""}; };
		null`)
	b.run(t, chromedp.Click(chromedp.CSS(`button[data-copy="cite-apa"]`)))
	b.waitFor(t, `window.copied !== null && document.getElementById("copy-status").textContent !== ""`)
	want := eval[string](t, b, `document.getElementById("cite-apa").innerText`)
	if got := eval[string](t, b, `window.copied.text`); got != want || !strings.Contains(got, "Welcome to the N.H.K. [Anime series]") {
		t.Errorf("copied %q, want the APA reference %q", got, want)
	}
	if html := eval[string](t, b, `window.copied.html`); !strings.Contains(html, "<i>Welcome to the N.H.K.</i>") {
		t.Errorf("copied HTML %q lacks the italic title", html)
	}
	if st := eval[string](t, b, `document.getElementById("copy-status").textContent`); st != "Copied the APA reference." {
		t.Errorf("status says %q", st)
	}
	b.clean(t)
}

// TestBrowserKeyboard uses the keyboard alone: the skip link comes first,
// and Tab and Enter reach and reveal a spoiler, with a visible focus ring.
func TestBrowserKeyboard(t *testing.T) {
	b := newBrowser(t, newSiteServer(t))
	b.run(t,
		chromedp.Navigate(b.base+"/works/welcome-to-the-nhk-anime"),
		chromedp.WaitVisible(chromedp.CSS("#work-title")),
		chromedp.KeyEvent(kb.Tab),
	)
	if active := eval[string](t, b, `document.activeElement.textContent`); active != "Skip to content" {
		t.Fatalf("first Tab focuses %q, want the skip link", active)
	}
	b.run(t, chromedp.KeyEvent(kb.Enter))
	if active := eval[string](t, b, `document.activeElement.id`); active != "main" {
		t.Errorf("the skip link moved focus to %q, want main", active)
	}
	b.tabTo(t, `document.activeElement.matches("#dim-recovery a.spoiler-reveal")`, "the recovery spoiler")
	if outline := eval[string](t, b, `getComputedStyle(document.activeElement).outlineStyle`); outline == "none" {
		t.Error("the focused spoiler has no visible focus outline")
	}
	if name := eval[string](t, b, `document.activeElement.innerText`); name != "Spoiler: show Recovery" {
		t.Errorf("the closed spoiler's control reads %q", name)
	}
	b.run(t, chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.CSS("#dim-recovery .spoiler-shown")))
	if text := eval[string](t, b, `document.getElementById("dim-recovery").innerText`); !strings.Contains(text, "Cyclical") {
		t.Errorf("Enter on the focused spoiler did not reveal it: %q", text)
	}
	// The page lands on the revealed spoiler: the next Tab is its control.
	b.run(t, chromedp.KeyEvent(kb.Tab))
	if name := eval[string](t, b, `document.activeElement.innerText`); name != "Spoiler: hide Recovery" {
		t.Errorf("the revealed spoiler's control reads %q, want it to offer to hide", name)
	}
	b.screenshots(t, "work-spoiler-revealed")
	b.clean(t)
}

// TestBrowserSkipToResults: on the search page the first Tab reaches
// "Skip to results", whose Enter puts the next Tab on the first result;
// "Skip to filters" comes next and leads to the filters.
func TestBrowserSkipToResults(t *testing.T) {
	b := newBrowser(t, newSiteServer(t))
	for _, tc := range []struct {
		tabs       int
		link       string
		nextInside string // the element the next Tab reaches is inside this
	}{
		{1, "Skip to results", "#results li.hit"},
		{2, "Skip to filters", "#facets"},
	} {
		b.run(t,
			chromedp.Navigate(b.base+"/?q=hikikomori"),
			chromedp.WaitVisible(chromedp.CSS("#results li.hit")),
		)
		b.waitFor(t, `document.readyState === "complete"`)
		for range tc.tabs {
			b.run(t, chromedp.KeyEvent(kb.Tab))
		}
		if active := eval[string](t, b, `document.activeElement.textContent`); active != tc.link {
			t.Fatalf("Tab %d focuses %q, want %q", tc.tabs, active, tc.link)
		}
		// Following the link moves the focus (or, for an element that
		// takes none, the point Tab starts from) to its target.
		target := eval[string](t, b, `document.activeElement.getAttribute("href")`)
		b.run(t, chromedp.KeyEvent(kb.Enter))
		b.waitFor(t, `location.hash === `+strconv.Quote(target))
		b.run(t, chromedp.KeyEvent(kb.Tab))
		if !eval[bool](t, b, `document.activeElement.closest(`+strconv.Quote(tc.nextInside)+`) !== null`) {
			t.Errorf("after %s, Tab focuses %s, not something in %s", tc.link,
				eval[string](t, b, `document.activeElement.outerHTML.slice(0, 120)`), tc.nextInside)
		}
	}
	b.clean(t)
}

func TestBrowserPages(t *testing.T) {
	b := newBrowser(t, newSiteServer(t))
	for _, p := range []struct{ path, name, selector string }{
		{"/codebook", "codebook", "#realism"},
		{"/no/such/page", "not-found", "main h1"},
	} {
		b.run(t,
			chromedp.Navigate(b.base+p.path),
			chromedp.WaitVisible(chromedp.CSS(p.selector)),
		)
		if p.name == "not-found" {
			b.allowNotFound()
		}
		b.clean(t)
		b.screenshots(t, p.name)
	}
}

// waitFor polls a JavaScript condition until it holds.
func (b *browser) waitFor(t *testing.T, cond string) {
	t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(15*time.Second))); err != nil {
		t.Fatalf("waiting for %s: %v", cond, err)
	}
}

// hitsAndTotal reads what the results show: the total line and the works.
func hitsAndTotal(t *testing.T, b *browser) string {
	return eval[string](t, b, `document.getElementById("total").textContent + " | " + [...document.querySelectorAll(".hit h3 a")].map(a => a.getAttribute("href")).join(" ")`)
}

// TestBrowserSearch types a query, ticks a facet, reloads and goes back,
// checking the results, the counts and the URL at each step.
func TestBrowserSearch(t *testing.T) {
	b := newBrowser(t, newSiteServer(t))
	b.run(t, chromedp.Navigate(b.base+"/"), chromedp.WaitVisible(chromedp.CSS("#q")))
	all := hitsAndTotal(t, b)

	// Search as you type: the results and the URL follow the box.
	b.run(t, chromedp.SendKeys(chromedp.CSS("#q"), "jellyfis"))
	b.waitFor(t, `location.search === "?q=jellyfis" && document.querySelector('.hit a[href="/works/princess-jellyfish-manga"]') !== null`)
	typed := hitsAndTotal(t, b)
	if typed == all {
		t.Fatal("typing a query did not change the results")
	}

	// Tick a facet: the results narrow, the URL says so, and the facet's
	// own counts stay disjunctive (the other values are still offered).
	before := eval[string](t, b, `document.querySelector('label[for="f-medium-manga"] .count').textContent`)
	b.run(t, chromedp.Click(chromedp.CSS(`label[for="f-medium-manga"]`)))
	b.waitFor(t, `location.search.includes("medium=manga") && document.getElementById("f-medium-manga").checked`)
	filtered := hitsAndTotal(t, b)
	if filtered == typed || !strings.Contains(filtered, "princess-jellyfish-manga") || strings.Contains(filtered, "princess-jellyfish-anime") {
		t.Errorf("after ticking manga the results are %q", filtered)
	}
	if after := eval[string](t, b, `document.querySelector('label[for="f-medium-manga"] .count').textContent`); after != before {
		t.Errorf("the manga count changed from %s to %s when manga was selected", before, after)
	}
	if eval[int](t, b, `document.querySelectorAll('[data-facet="medium"] input[type=checkbox]').length`) < 2 {
		t.Error("selecting manga hid the other media")
	}
	if !strings.Contains(eval[string](t, b, `document.querySelector("ul.active").textContent`), "Medium: Manga") {
		t.Error("no active filter chip for the facet")
	}

	// The URL is a permalink: loading it afresh shows the same page.
	url := eval[string](t, b, `location.href`)
	b.run(t, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS("#total")))
	if reloaded := hitsAndTotal(t, b); reloaded != filtered {
		t.Errorf("reloading %s shows %q, want %q", url, reloaded, filtered)
	}
	if v := eval[string](t, b, `document.getElementById("q").value`); v != "jellyfis" {
		t.Errorf("after reload the box holds %q", v)
	}
	b.screenshots(t, "search")

	// Back undoes the facet.
	b.run(t, chromedp.Navigate(b.base+"/?q=jellyfis"), chromedp.WaitVisible(chromedp.CSS("#total")))
	b.run(t, chromedp.Click(chromedp.CSS(`label[for="f-medium-manga"]`)))
	b.waitFor(t, `location.search.includes("medium=manga")`)
	b.run(t, chromedp.NavigateBack())
	b.waitFor(t, `location.search === "?q=jellyfis" && !document.getElementById("f-medium-manga").checked`)
	if back := hitsAndTotal(t, b); back != typed {
		t.Errorf("after Back the results are %q, want %q", back, typed)
	}

	// A filter chip removes its filter.
	b.run(t, chromedp.Navigate(b.base+"/?realism=realistic"), chromedp.WaitVisible(chromedp.CSS("ul.active")))
	b.run(t, chromedp.Click(chromedp.CSS("ul.active a")))
	b.waitFor(t, `location.search === "" && document.querySelector("ul.active") === null`)
	b.clean(t)
}

// TestBrowserSearchWithoutJavaScript: the plain form does the same work.
func TestBrowserSearchWithoutJavaScript(t *testing.T) {
	b := newBrowser(t, newSiteServer(t))
	b.noScript(t)
	b.run(t,
		chromedp.Navigate(b.base+"/"),
		chromedp.WaitVisible(chromedp.CSS("#q")),
		chromedp.SendKeys(chromedp.CSS("#q"), "jellyfish"),
		chromedp.Click(chromedp.CSS(`label[for="f-realism-romanticized"]`)),
		chromedp.Submit(chromedp.CSS("#q")),
		chromedp.WaitVisible(chromedp.CSS("ul.active")),
	)
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(loc, "q=jellyfish") || !strings.Contains(loc, "realism=romanticized") {
		t.Errorf("the form submitted to %s", loc)
	}
	b.clean(t)
}

// a11yAudit is run in the page: it returns a line for each problem found
// among the checks WCAG AA and the landmarks rules make machine-checkable:
// text contrast (4.5:1, 3:1 for large text), one h1, the landmarks, a lang,
// a name for every form control, alt text for every image.
const a11yAudit = `(() => {
  const problems = [];
  const parse = c => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null;
    const p = m[1].split(",").map(parseFloat); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const background = el => { for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor);
    if (c && c.a > 0.5) return c; } return parse(getComputedStyle(document.documentElement).backgroundColor) || {r: 255, g: 255, b: 255}; };
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    // A stats chart's text is checked too: its colour is its fill, on the
    // segment it labels (data-bg) or the page.
    const chart = el && el.closest("svg.kchart");
    if (!node.textContent.trim() || !el || seen.has(el) || (el.closest("svg") && !chart)) continue;
    seen.add(el);
    const box = el.getBoundingClientRect(), s = getComputedStyle(el);
    if (box.width === 0 || box.height === 0 || s.visibility === "hidden") continue;
    const fg = parse(chart ? s.fill : s.color), bg = chart && el.dataset.bg ? parse(el.dataset.bg) : background(el);
    const l1 = lum(fg), l2 = lum(bg), ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const size = parseFloat(s.fontSize), large = size >= 24 || (parseInt(s.fontWeight) >= 700 && size >= 18.66);
    if (ratio < (large ? 3 : 4.5)) problems.push("contrast " + ratio.toFixed(2) + ": " + el.tagName.toLowerCase() + "." + el.className + " " + JSON.stringify(node.textContent.trim().slice(0, 40)));
  }
  if (document.querySelectorAll("h1").length !== 1) problems.push("h1 count " + document.querySelectorAll("h1").length);
  for (const sel of ["header", "nav", "main", "footer"]) if (!document.querySelector(sel)) problems.push("no " + sel + " landmark");
  if (!document.documentElement.lang) problems.push("no lang on html");
  for (const c of document.querySelectorAll("input:not([type=hidden]), select, textarea, button")) {
    const named = (c.labels && c.labels.length > 0) || c.getAttribute("aria-label") || (c.tagName === "BUTTON" && c.textContent.trim());
    if (!named) problems.push("unnamed control " + c.outerHTML.slice(0, 60));
  }
  for (const img of document.images) if (!img.getAttribute("alt")) problems.push("image without alt " + img.src);
  return problems.join("\n");
})()`

// TestBrowserAccessibility audits every page in the light and the dark
// theme.
func TestBrowserAccessibility(t *testing.T) {
	b := newBrowser(t, newSiteServer(t))
	for _, theme := range []string{"light", "dark"} {
		for _, path := range []string{"/", "/?q=nhk&realism=realistic", "/works/welcome-to-the-nhk-anime", "/works/princess-jellyfish-manga", "/codebook", "/stats", "/stats?show=recovery&medium=manga", "/no/such/page"} {
			b.run(t, chromedp.Navigate(b.base+"/healthz"))
			eval[string](t, b, `document.cookie = "komoru_theme=`+theme+`; path=/"`)
			b.run(t, chromedp.Navigate(b.base+path), chromedp.WaitVisible(chromedp.CSS("main")))
			if got := eval[string](t, b, `document.documentElement.dataset.theme || ""`); got != theme {
				t.Fatalf("%s: theme %q, want %s", path, got, theme)
			}
			if problems := eval[string](t, b, a11yAudit); problems != "" {
				t.Errorf("%s (%s theme):\n%s", path, theme, problems)
			}
		}
	}
}
