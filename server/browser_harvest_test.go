package server

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/harvest"
)

// quietFloorPage is an invented film's page as a film site might serve
// it: schema.org JSON-LD in the head, a synopsis of placeholder words in
// the body (which must not reach the form).
const quietFloorPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>The Quiet Floor (2019) – Test Films</title>
<script type="application/ld+json">
{"@context": "https://schema.org", "@type": "Movie", "name": "The Quiet Floor", "datePublished": "2019-04-12",
 "director": {"@type": "Person", "name": "Rin Sato"},
 "countryOfOrigin": {"@type": "Country", "name": "Japan"}}
</script></head>
<body><h1>The Quiet Floor</h1>
<p class="synopsis">Placeholder synopsis: a lanternfish quibbles with the marmalade.</p>
</body></html>`

// filmSite serves quietFloorPage at /quiet-floor, as a site komoru does
// not know.
func filmSite(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /robots.txt", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("User-agent: *\nAllow: /\n"))
	})
	mux.HandleFunc("GET /quiet-floor", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(quietFloorPage))
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

// TestBrowserNewWorkFrom: a curator types a film page's address into
// "Start from a web page"; the real harvester (the Colly fetcher and the
// default extractors) fills the form, each value with its source beside
// it; the curator adds an edit note and saves, and the work is found by
// search.
func TestBrowserNewWorkFrom(t *testing.T) {
	films := filmSite(t)
	fetcher, err := harvest.NewColly(harvest.Options{UserAgent: "komoru-test", Delay: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	st := newSite(t)
	st.harvest = &harvest.Harvester{Fetcher: fetcher, Extractors: harvest.Extractors()}
	b := newBrowser(t, st.Server)
	b.signIn(t, st.session(t, st.user(t, "cora", catalog.RoleCurator)))
	before := workCount(t, st)

	b.run(t, chromedp.Navigate(b.base+"/works/new"), chromedp.WaitVisible(chromedp.CSS("#f-from")))
	pageURL := films.URL + "/quiet-floor"
	b.run(t, chromedp.SendKeys(chromedp.CSS("#f-from"), pageURL))
	if status := b.submit(t, "#from-form button[type=submit]"); status != http.StatusOK {
		t.Fatalf("starting from %s ends on %d: %s", pageURL, status, eval[string](t, b, `(document.getElementById("f-from-err") || document.body).innerText`))
	}
	if n := workCount(t, st); n != before {
		t.Errorf("filling the form saved something: %d works, were %d", n, before)
	}

	for sel, want := range map[string]string{
		"#f-title": "The Quiet Floor", "#f-year": "2019",
		`input[name="creators[0].name"]`: "Rin Sato", `select[name="creators[0].role"]`: "director",
	} {
		if got := eval[string](t, b, `document.querySelector(`+quoteJS(sel)+`).value`); got != want {
			t.Errorf("%s holds %q, want %q", sel, got, want)
		}
	}
	if medium := eval[string](t, b, `document.getElementById("f-medium").value`); medium == "" {
		t.Error("the medium is not filled")
	}
	host := strings.TrimPrefix(films.URL, "http://")
	if note := eval[string](t, b, `(document.getElementById("f-title-from") || {innerText: ""}).innerText`); note != "from "+host {
		t.Errorf("beside the title: %q, want %q", note, "from "+host)
	}
	if !eval[bool](t, b, `document.getElementById("f-title").getAttribute("aria-describedby").split(" ").includes("f-title-from") &&
		document.querySelector("#f-title-from a").href === `+quoteJS(pageURL)) {
		t.Error("the title's source note is not its description, or does not link to the page")
	}
	if eval[bool](t, b, `document.body.innerText.includes("lanternfish")`) {
		t.Error("the page's synopsis reached the form")
	}
	if problems := eval[string](t, b, a11yAudit); problems != "" {
		t.Errorf("the filled form:\n%s", problems)
	}
	b.clean(t)
	b.screenshots(t, "works-new-from")

	id := eval[string](t, b, `document.getElementById("f-id").value`)
	if !strings.HasPrefix(id, "the-quiet-floor") {
		t.Errorf("the suggested id is %q", id)
	}
	b.run(t, chromedp.SendKeys(chromedp.CSS("#f-note"), "Started from the Test Films page."))
	if status := b.submit(t, "button.primary"); status != http.StatusOK || !eval[bool](t, b, `location.pathname === "/works/`+id+`"`) {
		t.Fatalf("saving the filled form ends on %d %s: %s", status, eval[string](t, b, `location.href`),
			eval[string](t, b, `(document.getElementById("problems") || {innerText: ""}).innerText`))
	}
	if w := st.current(t, id).Work; w.Title != "The Quiet Floor" || w.Year != 2019 || len(w.Sources) == 0 || w.Sources[0].URL != pageURL {
		t.Errorf("saved %+v", w)
	}
	b.run(t, chromedp.Navigate(b.base+"/?q=quiet+floor"), chromedp.WaitVisible(chromedp.CSS("#total")))
	if !strings.Contains(hitsAndTotal(t, b), "/works/"+id) {
		t.Errorf("search shows %q", hitsAndTotal(t, b))
	}
	b.clean(t)
}

// TestBrowserNewWorkFromNotice: what a harvest found beyond the fields
// (pages that disagree, a work the catalog may have, facts without a
// field, warnings) reads well above the form, and a bad address comes
// back beside the box with the focus on it.
func TestBrowserNewWorkFromNotice(t *testing.T) {
	st, cookie := harvestSite(t, &fakeHarvester{draft: quietFloorDraft()})
	b := newBrowser(t, st.Server)
	b.signIn(t, cookie)

	b.run(t, chromedp.Navigate(b.base+"/works/new"), chromedp.WaitVisible(chromedp.CSS("#f-from")),
		chromedp.SendKeys(chromedp.CSS("#f-from"), "films.example/quiet-floor"))
	if status := b.submit(t, "#from-form button[type=submit]"); status != http.StatusUnprocessableEntity {
		t.Fatalf("a bad address ends on %d", status)
	}
	b.expectStatus("422")
	// Autofocus lands after the load, so the focus is waited for.
	b.waitFor(t, `document.activeElement.id === "f-from"`)
	if !eval[bool](t, b, `document.getElementById("f-from-err").offsetParent !== null`) {
		t.Error("after a bad address the box's error is hidden")
	}
	if problems := eval[string](t, b, a11yAudit); problems != "" {
		t.Errorf("the refused address:\n%s", problems)
	}
	b.clean(t)
	b.screenshots(t, "works-new-from-refused")

	setValue(t, b, "#f-from", filmsURL)
	if status := b.submit(t, "#from-form button[type=submit]"); status != http.StatusOK {
		t.Fatalf("a good address ends on %d", status)
	}
	text := eval[string](t, b, `document.getElementById("harvested").innerText`)
	for _, want := range []string{"This may already be in the catalog: Welcome to the N.H.K.", "Year: 2019 (from films.example); 2020 (from db.example)",
		"Other facts found (not saved)", "db.example names two directors"} {
		if !strings.Contains(text, want) {
			t.Errorf("the notice lacks %q:\n%s", want, text)
		}
	}
	if problems := eval[string](t, b, a11yAudit); problems != "" {
		t.Errorf("the filled form:\n%s", problems)
	}
	b.clean(t)
	b.screenshots(t, "works-new-from-notice")

	// Nothing scrolls sideways on a phone, long addresses included.
	for _, width := range []int64{320, 390} {
		b.run(t, chromedp.EmulateViewport(width, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
		for _, from := range []string{filmsURL, "https://films.example/" + strings.Repeat("x", 150), "films.example/" + strings.Repeat("x", 150)} {
			b.run(t, chromedp.Navigate(b.base+"/works/new?from="+url.QueryEscape(from)), chromedp.WaitReady(chromedp.CSS("main")))
			if scroll := eval[int](t, b, `document.documentElement.scrollWidth`); scroll > int(width) {
				t.Errorf("?from=%s at %d px: %d px wide, scrolls sideways", from, width, scroll)
			}
		}
	}
	b.run(t, chromedp.EmulateReset())
	b.expectStatus("422")
	b.clean(t)
}
