package server

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/komoru/komoru/catalog"
)

// signIn gives the browser a session cookie, as signing in would.
func (b *browser) signIn(t *testing.T, cookie *http.Cookie) {
	t.Helper()
	err := chromedp.Do(b.ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		httpOnly := true
		_, err := cdp.Call(ctx, tg, network.SetCookie, network.SetCookieParams{Name: cookie.Name, Value: cookie.Value, URL: b.base, HTTPOnly: &httpOnly})
		return err
	}))
	if err != nil {
		t.Fatal(err)
	}
}

// newTab opens a second tab in b's browser (sharing its cookies), watched
// for console errors as the first is.
func (b *browser) newTab(t *testing.T) *browser {
	t.Helper()
	tab := &browser{base: b.base}
	b.mu.Lock()
	tab.ignore = b.ignore
	b.mu.Unlock()
	host := strings.TrimPrefix(b.base, "http://")
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithListener(func(ev any) { tab.observe(ev, host) }))
	t.Cleanup(cancel)
	tab.ctx = ctx
	if err := watchTab(ctx); err != nil {
		t.Fatal(err)
	}
	return tab
}

// expectStatus drops Chromium's own log line for a page answered with
// status (a 422 form, a 409 conflict): it is the answer the test asked
// for, not a fault of the page.
func (b *browser) expectStatus(status string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.problems = slices.DeleteFunc(b.problems, func(s string) bool { return strings.Contains(s, "status of "+status) })
}

// setValue fills an input, a text area or a select as a user would
// (with the events the page listens for), replacing what it held.
func setValue(t *testing.T, b *browser, selector, value string) {
	t.Helper()
	eval[bool](t, b, `(() => { const el = document.querySelector(`+quoteJS(selector)+`); el.value = `+quoteJS(value)+`;
		el.dispatchEvent(new Event("input", {bubbles: true})); el.dispatchEvent(new Event("change", {bubbles: true})); return true; })()`)
}

// pressEnter presses Enter as a keyboard does: one key-down that also
// types "\r", so that a page cancelling the key-down cancels what the key
// would do (chromedp's KeyEvent sends the typed character as an event of
// its own, which no page can cancel).
func (b *browser) pressEnter(t *testing.T) {
	t.Helper()
	err := chromedp.Do(b.ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		down := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyDown, Key: "Enter", Code: "Enter",
			Text: "\r", UnmodifiedText: "\r", WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13}
		if _, err := cdp.Call(ctx, tg, input.DispatchKeyEvent, down); err != nil {
			return err
		}
		up := down
		up.Type, up.Text, up.UnmodifiedText = input.DispatchKeyEventTypeKeyUp, "", ""
		_, err := cdp.Call(ctx, tg, input.DispatchKeyEvent, up)
		return err
	}))
	if err != nil {
		t.Fatal(err)
	}
}

// submit clicks a button that submits a form and waits for the page that
// answers, returning its status (after redirects).
func (b *browser) submit(t *testing.T, selector string) int64 {
	t.Helper()
	resp, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(selector)))
	if err != nil {
		t.Fatalf("submit %s: %v", selector, err)
	}
	return resp.Status
}

func quoteJS(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// TestBrowserEditCreate: a curator adds a work with the script's help
// (the id suggested, rows added in place, a related work picked by
// title, definitions beside the choices), saves it, and finds it in
// search; then the same work is edited in two tabs and the conflict is
// resolved in the page.
func TestBrowserEditCreate(t *testing.T) {
	st := newSite(t)
	b := newBrowser(t, st.Server)
	cookie := st.session(t, st.user(t, "cora", catalog.RoleCurator))
	b.signIn(t, cookie)
	b.run(t, chromedp.Navigate(b.base+"/works/new"), chromedp.WaitVisible(chromedp.CSS("#f-title")))
	b.screenshots(t, "edit-new")

	// The id follows the title and the medium until the user types one.
	b.run(t, chromedp.SendKeys(chromedp.CSS("#f-title"), "The Quiet Floor"))
	setValue(t, b, "#f-medium", "manga")
	if id := eval[string](t, b, `document.getElementById("f-id").value`); id != "the-quiet-floor-manga" {
		t.Errorf("suggested id %q, want the-quiet-floor-manga", id)
	}
	b.run(t, chromedp.SendKeys(chromedp.CSS("#f-year"), "2021"), chromedp.SendKeys(chromedp.CSS("#f-countries"), "JP"),
		chromedp.SendKeys(chromedp.CSS("#f-synopsis"), "A man who has not left the third floor of his parents' house in five years."))

	// Rows are added in place: a third creator without a page load.
	b.run(t, chromedp.Click(chromedp.CSS(`button[name="more"][value="creators"]`)))
	if n := eval[int](t, b, `document.querySelectorAll('[data-rows="creators"] .row-list .row').length`); n != 3 {
		t.Fatalf("after More rows the creators have %d rows, want 3", n)
	}
	if focused := eval[string](t, b, `document.activeElement.name`); focused != "creators[2].name" {
		t.Errorf("the new row's first input is not focused (%q is)", focused)
	}
	b.run(t, chromedp.SendKeys(chromedp.CSS(`input[name="creators[2].name"]`), "Rin Sato"))
	setValue(t, b, `select[name="creators[2].role"]`, "author")
	// A blank row removed in place.
	b.run(t, chromedp.Click(chromedp.CSS(`[data-rows="creators"] .row:first-child .remove-row`)))
	if n := eval[int](t, b, `document.querySelectorAll('[data-rows="creators"] .row-list .row').length`); n != 2 {
		t.Errorf("after Remove the creators have %d rows, want 2", n)
	}

	// A related work picked by typing part of its title.
	b.run(t, chromedp.SendKeys(chromedp.CSS(`input[name="related[0].id"]`), "welcome nhk"))
	b.waitFor(t, `document.querySelector(".picker").dataset.query === "welcome nhk" && document.querySelectorAll(".picker [role=option]").length > 0`)
	b.run(t, chromedp.KeyEvent(kb.ArrowDown))
	b.pressEnter(t)
	picked := eval[string](t, b, `document.querySelector('input[name="related[0].id"]').value`)
	if !strings.HasPrefix(picked, "welcome-to-the-nhk-") {
		t.Errorf("the picker filled in %q", picked)
	}
	if eval[bool](t, b, `location.pathname !== "/works/new" || document.querySelector(".picker").hidden === false`) {
		t.Error("Enter on a suggestion submitted the form or left the list open")
	}
	setValue(t, b, `select[name="related[0].relation"]`, "same_franchise")

	// Codings: the chosen value's definition shows beside the choice.
	b.run(t, chromedp.Click(chromedp.CSS(`label[for="f-portrayal-realism-realistic"]`)))
	if def := eval[string](t, b, `document.querySelector("#dim-realism .chosen").textContent`); !strings.Contains(def, "Realistic: Withdrawal shown as pain") {
		t.Errorf("realism shows %q beside the choice", def)
	}
	b.run(t, chromedp.SendKeys(chromedp.CSS("#f-portrayal-realism-evidence"), "Chapter 2: he rehearses a phone call for an hour."))
	b.run(t, chromedp.Click(chromedp.CSS(`label[for="f-portrayal-conditions-depression"]`)),
		chromedp.SendKeys(chromedp.CSS("#f-portrayal-conditions-evidence"), "He sleeps through the days of chapter 4."))
	// "None of these" and a value exclude each other.
	b.run(t, chromedp.Click(chromedp.CSS(`label[for="f-portrayal-content_warnings-none"]`)))
	b.run(t, chromedp.Click(chromedp.CSS(`label[for="f-portrayal-recovery-none"]`)))
	b.run(t, chromedp.SendKeys(chromedp.CSS("#f-note"), "New manga."))
	if status := b.submit(t, "button.primary"); status != 200 || !eval[bool](t, b, `location.pathname === "/works/the-quiet-floor-manga"`) {
		t.Fatalf("saving the new work ends on %d %s", status, eval[string](t, b, `location.href`))
	}

	w := st.current(t, "the-quiet-floor-manga").Work
	if w.Title != "The Quiet Floor" || w.Year != 2021 || len(w.Creators) != 1 || w.Creators[0].Name != "Rin Sato" ||
		len(w.Related) != 1 || w.Related[0].ID != picked || w.Portrayal["realism"].Value != "realistic" ||
		!slices.Equal(w.Portrayal["conditions"].Values, []string{"depression"}) || w.Portrayal["content_warnings"].Values == nil ||
		w.Portrayal["recovery"].Value != "none" {
		t.Errorf("saved %+v", w)
	}
	b.run(t, chromedp.Navigate(b.base+"/?q=quiet+floor"), chromedp.WaitVisible(chromedp.CSS("#total")))
	if !strings.Contains(hitsAndTotal(t, b), "/works/the-quiet-floor-manga") {
		t.Errorf("search shows %q", hitsAndTotal(t, b))
	}
	b.clean(t)

	// Two tabs: this one opens the form first, the other saves first.
	const edit = "/works/the-quiet-floor-manga/edit"
	b.run(t, chromedp.Navigate(b.base+edit), chromedp.WaitVisible(chromedp.CSS("#f-title")))
	other := b.newTab(t)
	other.run(t, chromedp.Navigate(b.base+edit), chromedp.WaitVisible(chromedp.CSS("#f-title")))
	setValue(t, other, "#f-title", "The Quiet Floor (other tab)")
	other.run(t, chromedp.SendKeys(chromedp.CSS("#f-note"), "Title from the other tab."))
	if status := other.submit(t, "button.primary"); status != 200 {
		t.Fatalf("the other tab's save ends on %d", status)
	}
	other.clean(t)

	setValue(t, b, "#f-title", "The Quiet Floor (first tab)")
	setValue(t, b, "#f-synopsis", "Synopsis from the first tab.")
	b.run(t, chromedp.SendKeys(chromedp.CSS("#f-note"), "Synopsis and title from the first tab."))
	if status := b.submit(t, "button.primary"); status != http.StatusConflict || !eval[bool](t, b, `document.getElementById("conflict") !== null`) {
		t.Fatalf("the first tab's stale save ends on %d without the conflict", status)
	}
	b.expectStatus("409")
	fields := eval[[]string](t, b, `[...document.querySelectorAll("#conflict fieldset.pair")].map(f => f.id)`)
	if !slices.Equal(fields, []string{"f-keep-title", "f-keep-synopsis"}) {
		t.Errorf("the conflict offers %v, want title and synopsis", fields)
	}
	b.clean(t)
	b.screenshots(t, "edit-conflict")
	b.run(t, chromedp.Click(chromedp.CSS(`label[for="f-keep-title-theirs"]`)))
	if status := b.submit(t, "button.primary"); status != 200 || !eval[bool](t, b, `location.pathname === "/works/the-quiet-floor-manga"`) {
		t.Fatalf("resolving ends on %d %s", status, eval[string](t, b, `location.href`))
	}
	if got := eval[string](t, b, `document.getElementById("work-title").textContent`); got != "The Quiet Floor (other tab)" {
		t.Errorf("after keeping theirs the title is %q", got)
	}
	rev := st.current(t, "the-quiet-floor-manga")
	if rev.Number != 3 || rev.Work.Synopsis != "Synopsis from the first tab." || rev.Work.Title != "The Quiet Floor (other tab)" {
		t.Errorf("merged revision %d: title %q, synopsis %q", rev.Number, rev.Work.Title, rev.Work.Synopsis)
	}
	b.clean(t)
}

// TestBrowserEditErrors: a form with problems comes back with the list
// of them focused, each field marked, everything typed kept.
func TestBrowserEditErrors(t *testing.T) {
	st := newSite(t)
	b := newBrowser(t, st.Server)
	b.signIn(t, st.session(t, st.user(t, "cora", catalog.RoleCurator)))
	b.run(t, chromedp.Navigate(b.base+"/works/new"), chromedp.WaitVisible(chromedp.CSS("#f-title")))
	b.run(t, chromedp.SendKeys(chromedp.CSS("#f-title"), "Half Done"),
		chromedp.SendKeys(chromedp.CSS("#f-year"), "twenty"),
		chromedp.Click(chromedp.CSS(`label[for="f-portrayal-tone-serious"]`)))
	if status := b.submit(t, "button.primary"); status != http.StatusUnprocessableEntity {
		t.Fatalf("a form with problems ends on %d", status)
	}
	b.expectStatus("422")
	if active := eval[string](t, b, `document.activeElement.id`); active != "problems" {
		t.Errorf("focus is on %q, want the list of problems", active)
	}
	for _, id := range []string{"f-year", "f-medium", "f-note", "f-portrayal-tone-evidence"} {
		if !eval[bool](t, b, `(() => { const el = document.getElementById("`+id+`"); const err = document.getElementById("`+id+`-err");
			return el.getAttribute("aria-invalid") === "true" && err !== null && err.offsetParent !== null &&
				el.getAttribute("aria-describedby").split(" ").includes("`+id+`-err"); })()`) {
			t.Errorf("%s is not marked invalid with its error shown", id)
		}
	}
	if v := eval[string](t, b, `document.getElementById("f-year").value + "|" + document.getElementById("f-title").value`); v != "twenty|Half Done" {
		t.Errorf("typed values came back as %q", v)
	}
	// A link in the list takes the focus to its field.
	b.run(t, chromedp.Click(chromedp.CSS(`#problems a[href="#f-year"]`)))
	b.waitFor(t, `document.activeElement.id === "f-year"`)
	b.clean(t)
	b.screenshots(t, "edit-errors")
}

// TestBrowserEditKeyboard: Tab reaches every control of the form in
// order, with a visible focus ring; Space ticks boxes, arrows choose
// among radios, and the definitions follow.
func TestBrowserEditKeyboard(t *testing.T) {
	st := newSite(t)
	b := newBrowser(t, st.Server)
	b.signIn(t, st.session(t, st.user(t, "cora", catalog.RoleCurator)))
	b.run(t, chromedp.Navigate(b.base+"/works/new"), chromedp.WaitVisible(chromedp.CSS("#f-title")))
	const key = `(el => el.type === "radio" ? "radio:" + el.name : el.tagName === "SUMMARY" ? "summary:" + el.closest("fieldset").id :
		el.tagName === "A" ? "a:" + el.getAttribute("href") : el.id || el.name || el.textContent.trim())`
	want := eval[[]string](t, b, `(() => { const key = `+key+`, out = [];
		for (const el of document.querySelectorAll("#edit-form :is(a[href], input, select, textarea, button, summary)")) {
			if (el.type === "hidden" || el.tabIndex < 0 || el.disabled || el.getClientRects().length === 0) continue;
			const k = key(el); if (out[out.length - 1] !== k) out.push(k);
		} return out; })()`)
	// Focus starts on the first control; the keyboard does the rest.
	b.run(t, chromedp.Focus(chromedp.CSS("#f-id")))
	got := []string{"f-id"}
	for range 600 {
		b.run(t, chromedp.KeyEvent(kb.Tab))
		k := eval[string](t, b, `(() => { const el = document.activeElement; if (!el.closest("#edit-form")) return "";
			if (getComputedStyle(el).outlineStyle === "none") return "NO OUTLINE " + el.id; return (`+key+`)(el); })()`)
		if strings.HasPrefix(k, "NO OUTLINE") {
			t.Errorf("focused without a visible outline: %s", k)
		}
		if k != "" && (len(got) == 0 || got[len(got)-1] != k) {
			got = append(got, k)
		}
		if k == "a:/" { // Cancel, the form's last control
			break
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("Tab visits\n%v\nwant every control in order\n%v", got, want)
	}

	b.run(t, chromedp.Focus(chromedp.CSS(`input[name="characters[0].hikikomori"]`)), chromedp.KeyEvent(" "))
	if !eval[bool](t, b, `document.querySelector('input[name="characters[0].hikikomori"]').checked`) {
		t.Error("Space did not tick the hikikomori box")
	}
	b.run(t, chromedp.Focus(chromedp.CSS("#f-portrayal-conditions-depression")), chromedp.KeyEvent(" "))
	if def := eval[string](t, b, `document.querySelector("#dim-conditions .chosen").textContent`); !strings.Contains(def, "Depression: Persistent low mood") {
		t.Errorf("after Space on Depression the definition shown is %q", def)
	}
	b.run(t, chromedp.Focus(chromedp.CSS("#f-portrayal-realism-uncoded")), chromedp.KeyEvent(kb.ArrowRight))
	if !eval[bool](t, b, `document.getElementById("f-portrayal-realism-realistic").checked`) {
		t.Error("an arrow key did not choose the next realism value")
	}
	if def := eval[string](t, b, `document.querySelector("#dim-realism .chosen").textContent`); !strings.HasPrefix(def, "Realistic: ") {
		t.Errorf("after choosing Realistic the definition shown is %q", def)
	}
	b.clean(t)
}

// TestBrowserEditWithoutJavaScript: the plain form adds rows through the
// server and saves.
func TestBrowserEditWithoutJavaScript(t *testing.T) {
	st := newSite(t)
	b := newBrowser(t, st.Server)
	b.signIn(t, st.session(t, st.user(t, "cora", catalog.RoleCurator)))
	err := chromedp.Do(b.ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
	if err != nil {
		t.Fatal(err)
	}
	b.run(t, chromedp.Navigate(b.base+"/works/new"), chromedp.WaitVisible(chromedp.CSS("#f-title")),
		chromedp.SendKeys(chromedp.CSS("#f-id"), "plain-form-novel"),
		chromedp.SendKeys(chromedp.CSS("#f-title"), "Plain Form"),
		chromedp.SendKeys(chromedp.CSS("#f-year"), "2001"),
		chromedp.SendKeys(chromedp.CSS(`input[name="creators[0].name"]`), "A. Writer"),
	)
	if status := b.submit(t, `button[name="more"][value="creators"]`); status != 200 || !eval[bool](t, b, `document.querySelector('input[name="creators[3].name"]') !== null`) {
		t.Fatalf("More rows without scripts ends on %d without a fourth row", status)
	}
	if v := eval[string](t, b, `document.getElementById("f-title").value + "|" + document.querySelector('input[name="creators[0].name"]').value`); v != "Plain Form|A. Writer" {
		t.Errorf("after More rows the form holds %q", v)
	}
	setValue(t, b, "#f-medium", "novel")
	setValue(t, b, `select[name="creators[0].role"]`, "author")
	b.run(t, chromedp.SendKeys(chromedp.CSS("#f-note"), "Typed without scripts."))
	if status := b.submit(t, "button.primary"); status != 200 || !eval[bool](t, b, `location.pathname === "/works/plain-form-novel"`) {
		t.Fatalf("saving without scripts ends on %d %s", status, eval[string](t, b, `location.href`))
	}
	if w := st.current(t, "plain-form-novel").Work; w.Title != "Plain Form" || len(w.Creators) != 1 || w.Creators[0].Role != "author" {
		t.Errorf("saved %+v", w)
	}
	b.clean(t)
}

// TestBrowserEditPages: the edit form of a catalog work, a contributor's
// proposal and the audit of every state in both themes.
func TestBrowserEditPages(t *testing.T) {
	st := newSite(t)
	b := newBrowser(t, st.Server)
	cole := st.session(t, st.user(t, "cole", catalog.RoleContributor))
	b.signIn(t, st.session(t, st.user(t, "cora", catalog.RoleCurator)))
	for _, theme := range []string{"light", "dark"} {
		b.run(t, chromedp.Navigate(b.base+"/healthz"))
		eval[string](t, b, `document.cookie = "komoru_theme=`+theme+`; path=/"`)
		for _, path := range []string{"/works/new", "/works/welcome-to-the-nhk-anime/edit"} {
			b.run(t, chromedp.Navigate(b.base+path), chromedp.WaitVisible(chromedp.CSS("#f-title")))
			if problems := eval[string](t, b, a11yAudit); problems != "" {
				t.Errorf("%s (%s theme):\n%s", path, theme, problems)
			}
		}
		setValue(t, b, "#f-portrayal-realism-evidence", "")
		if status := b.submit(t, "button.primary"); status != http.StatusUnprocessableEntity {
			t.Fatalf("a form with problems ends on %d", status)
		}
		b.expectStatus("422")
		if problems := eval[string](t, b, a11yAudit); problems != "" {
			t.Errorf("the form with problems (%s theme):\n%s", theme, problems)
		}
	}
	b.run(t, chromedp.Navigate(b.base+"/works/welcome-to-the-nhk-anime/edit"), chromedp.WaitVisible(chromedp.CSS("#f-title")))
	b.clean(t)
	b.screenshots(t, "edit-work")

	b.signIn(t, cole)
	b.run(t, chromedp.Navigate(b.base+"/works/welcome-to-the-nhk-anime/edit"), chromedp.WaitVisible(chromedp.CSS("#f-title")),
		chromedp.SendKeys(chromedp.CSS("#f-note"), "A typo."))
	if status := b.submit(t, "button.primary"); status != http.StatusAccepted || !eval[bool](t, b, `document.querySelector(".notice a[href^='/review/']") !== null`) {
		t.Fatalf("a contributor's save ends on %d without the proposal's link", status)
	}
	b.expectStatus("202")
	if problems := eval[string](t, b, a11yAudit); problems != "" {
		t.Errorf("the proposal page:\n%s", problems)
	}
	b.clean(t)
	b.screenshots(t, "edit-proposed")
}
