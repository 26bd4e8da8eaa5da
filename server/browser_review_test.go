package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/komoru/komoru/catalog"
)

// historyTabTo presses Tab until the focused element satisfies cond (a
// JavaScript expression over el), and fails if it never does.
func historyTabTo(t *testing.T, b *browser, cond string) {
	t.Helper()
	for range 200 {
		b.run(t, chromedp.KeyEvent(kb.Tab))
		if eval[bool](t, b, `(el => !!el && (`+cond+`))(document.activeElement)`) {
			if outline := eval[string](t, b, `getComputedStyle(document.activeElement).outlineStyle`); outline == "none" {
				t.Errorf("the focused %s has no visible focus outline", cond)
			}
			return
		}
	}
	t.Fatalf("Tab never reached %s", cond)
}

// historyWaitFor waits for cond across a page load: unlike b.waitFor, it
// lives through the old page's context going away as the new one comes.
func historyWaitFor(t *testing.T, b *browser, cond string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.readyState === "complete" && (`+cond+`)`))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: %v", cond, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestBrowserReview: a curator, by keyboard alone, opens a contributor's
// proposal from the review queue and accepts it; the history then shows
// the diff between the two revisions. A second proposal, now in conflict,
// is rejected with a reason. Every page is audited and photographed.
func TestBrowserReview(t *testing.T) {
	st := newSite(t)
	ctx := context.Background()
	cora := st.user(t, "cora", catalog.RoleCurator)
	connie := st.user(t, "connie", catalog.RoleContributor)
	_, first := st.proposeChange(t, nhkAnime, connie, "the title as broadcast in English", func(w *catalog.Work) {
		w.Title = "Welcome to the NHK"
		setEvidence("realism", "Satō hides in his room for four years, ashamed and afraid.")(w)
	})
	rejected, second := st.proposeChange(t, nhkAnime, connie, "a gentler tone", func(w *catalog.Work) { setEvidence("tone", "Mostly warm.")(w) })

	b := newBrowser(t, st.Server)
	b.run(t, chromedp.Navigate(b.base+"/healthz"))
	eval[string](t, b, `document.cookie = "`+sessionCookie+`=`+st.session(t, cora).Value+`; path=/"`)

	audit := func(what string) {
		t.Helper()
		if problems := eval[string](t, b, a11yAudit); problems != "" {
			t.Errorf("%s:\n%s", what, problems)
		}
	}

	// The queue, by keyboard: Tab to the oldest proposal, Enter.
	b.run(t, chromedp.Navigate(b.base+"/review"), chromedp.WaitVisible(chromedp.CSS("table.proposals")))
	audit("review")
	b.screenshots(t, "review")
	historyTabTo(t, b, `el.getAttribute("href") === "`+first+`"`)
	b.run(t, chromedp.KeyEvent(kb.Enter))
	historyWaitFor(t, b, `location.pathname === "`+first+`" && document.getElementById("accept") !== null`)
	if got := eval[string](t, b, `document.querySelector("#proposed .change#change-title .new p").textContent`); got != "Welcome to the NHK" {
		t.Errorf("the proposal page shows the new title as %q", got)
	}
	audit("proposal")
	b.screenshots(t, "proposal")

	// Accept by keyboard: the button names the revision it accepts against.
	historyTabTo(t, b, `el.id === "accept"`)
	if got := eval[string](t, b, `document.activeElement.textContent`); got != "Accept against revision 1" {
		t.Errorf("the accept button says %q", got)
	}
	b.run(t, chromedp.KeyEvent(kb.Enter))
	historyWaitFor(t, b, `location.pathname === "/works/`+nhkAnime+`" && document.getElementById("work-title") !== null`)
	if got := eval[string](t, b, `document.getElementById("work-title").textContent`); got != "Welcome to the NHK" {
		t.Errorf("after the accept the work's title is %q", got)
	}
	if got := eval[string](t, b, `document.querySelector("#dim-realism .provenance").textContent`); !strings.HasPrefix(got, "coded by connie, ") {
		t.Errorf("the realism provenance says %q", got)
	}
	if cur, err := st.store.Get(ctx, nhkAnime); err != nil || cur.Number != 2 || cur.Author != connie {
		t.Fatalf("after the accept: %+v, %v", cur, err)
	}

	// The history, reached from the provenance link: the diff of the two
	// revisions, evidence word by word.
	historyTabTo(t, b, `el.closest("#dim-realism .provenance") !== null`)
	b.run(t, chromedp.KeyEvent(kb.Enter))
	historyWaitFor(t, b, `location.pathname === "/works/`+nhkAnime+`/history" && document.getElementById("diff") !== null`)
	if got := eval[string](t, b, `document.getElementById("diff-title").textContent`); got != "Revision 1 → revision 2" {
		t.Errorf("the history compares %q", got)
	}
	if got := eval[string](t, b, `[...document.querySelectorAll("#change-portrayal\\.realism ins")].map(e => e.textContent).join("|")`); !strings.Contains(got, "four years") {
		t.Errorf("the realism evidence's insertions are %q", got)
	}
	if got := eval[string](t, b, `document.querySelector("#rev-2").textContent`); !strings.Contains(got, "accepted by cora") || !strings.Contains(got, connie) {
		t.Errorf("revision 2's row says %q", got)
	}
	audit("history")
	b.screenshots(t, "history")

	// Choosing two revisions by keyboard: revision 2 against itself shows
	// no change.
	// A radio group takes one Tab; the arrows move within it (the rows
	// are newest first, so up is revision 2).
	historyTabTo(t, b, `el.name === "from"`)
	b.run(t, chromedp.KeyEvent(kb.ArrowUp))
	if got := eval[string](t, b, `document.querySelector("input[name=from]:checked").value`); got != "2" {
		t.Errorf("after ArrowUp the from revision is %s", got)
	}
	historyTabTo(t, b, `el.type === "submit" && el.closest("#compare") !== null`)
	b.run(t, chromedp.KeyEvent(kb.Enter))
	historyWaitFor(t, b, `location.search.includes("from=2") && location.search.includes("to=2")`)
	if got := eval[string](t, b, `document.querySelector("#diff").textContent`); !strings.Contains(got, "No field differs.") {
		t.Errorf("revision 2 against itself shows %q", got)
	}

	// The second proposal is now in conflict: shown, and rejected with a
	// reason typed in.
	b.run(t, chromedp.Navigate(b.base+second), chromedp.WaitVisible(chromedp.CSS("#conflict")))
	if got := eval[string](t, b, `document.getElementById("accept").textContent`); got != "Accept against revision 2" {
		t.Errorf("the conflicting proposal's accept button says %q", got)
	}
	audit("proposal in conflict")
	b.screenshots(t, "proposal-conflict")
	historyTabTo(t, b, `el.id === "reason"`)
	b.run(t, chromedp.KeyEvent("The tone is bleak in most episodes."))
	historyTabTo(t, b, `el.id === "reject"`)
	b.run(t, chromedp.KeyEvent(kb.Enter))
	historyWaitFor(t, b, `location.pathname === "/review" && document.querySelector("main p.empty") !== null`)
	p, err := st.store.Proposal(ctx, rejected.ID)
	if err != nil || p.State != catalog.ProposalRejected || p.Reason != "The tone is bleak in most episodes." {
		t.Errorf("the second proposal: %s, %q, %v", p.State, p.Reason, err)
	}

	// The changes of the whole catalog, and of one author.
	b.run(t, chromedp.Navigate(b.base+"/changes"), chromedp.WaitVisible(chromedp.CSS("table.changes")))
	if got := eval[string](t, b, `document.querySelector("table.changes tbody tr").textContent`); !strings.Contains(got, "revision 2") || !strings.Contains(got, connie) {
		t.Errorf("the newest change reads %q", got)
	}
	audit("changes")
	b.screenshots(t, "changes")
	historyTabTo(t, b, `el.id === "author"`)
	b.run(t, chromedp.KeyEvent(connie+kb.Enter))
	historyWaitFor(t, b, `location.search === "?author=connie&work="`)
	if n := eval[int](t, b, `document.querySelectorAll("table.changes tbody tr").length`); n != 1 {
		t.Errorf("connie's changes: %d rows, want 1", n)
	}

	// The same pages in the dark theme, and the work page's provenance.
	eval[string](t, b, `document.cookie = "komoru_theme=dark; path=/"`)
	for _, path := range []string{"/review", first, second, "/works/" + nhkAnime + "/history", "/changes", "/works/" + nhkAnime} {
		b.run(t, chromedp.Navigate(b.base+path), chromedp.WaitVisible(chromedp.CSS("main")))
		audit(path + " (dark theme)")
	}
	b.clean(t)
}
