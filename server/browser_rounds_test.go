package server

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/komoru/komoru/catalog"
)

// TestBrowserRoundFlow: a curator starts a round through the form with
// two coders; each coder, signed in on their own, codes two works from
// the queue (agreeing on one, disagreeing on the other), blind until they
// submit; the curator adjudicates the disagreement, and the work's
// history shows the revision with its note. Each page is audited and
// photographed.
func TestBrowserRoundFlow(t *testing.T) {
	st := newSite(t)
	st.user(t, "cora", catalog.RoleCurator)
	st.user(t, "ann", catalog.RoleContributor)
	st.user(t, "bob", catalog.RoleContributor)
	b := newBrowser(t, st.Server)
	audit := func(what string) {
		t.Helper()
		if problems := eval[string](t, b, a11yAudit); problems != "" {
			t.Errorf("%s:\n%s", what, problems)
		}
		b.clean(t)
	}

	// The curator's form.
	b.run(t, chromedp.Navigate(b.base+"/healthz"))
	b.signIn(t, st.session(t, "cora"))
	b.run(t, chromedp.Navigate(b.base+"/rounds"), chromedp.WaitVisible(chromedp.CSS("#round-form")))
	if got := eval[string](t, b, `document.getElementById("f-id").value`); got != "r1" {
		t.Errorf("the id suggested is %q, want r1", got)
	}
	b.run(t, chromedp.SendKeys(chromedp.CSS("#f-name"), "Pilot: realism"),
		chromedp.SendKeys(chromedp.CSS("#f-works"), nhkAnime+"\n"+jellyfishManga),
		chromedp.Click(chromedp.CSS(`label[for="f-coders-ann"]`)), chromedp.Click(chromedp.CSS(`label[for="f-coders-bob"]`)))
	// Only realism and tone: untick the rest.
	eval[bool](t, b, `(() => { for (const c of document.querySelectorAll('input[name="dimensions"]')) c.checked = c.value === "realism" || c.value === "tone"; return true })()`)
	if status := b.submit(t, `#round-form button[type="submit"]`); status != 200 {
		t.Fatalf("create: status %d", status)
	}
	historyWaitFor(t, b, `location.pathname === "/rounds/r1"`)
	audit("round")

	const (
		annAgree, bobAgree = "Ann: the dream scenes blur fact", "Bob: the appliances talk to him"
		annDiff, bobDiff   = "Ann: Amamizukan is a cosy refuge", "Bob: the makeovers are pure fantasy"
	)
	code := func(who, work, realism, evidence string, others []string, shoot string) {
		t.Helper()
		b.run(t, chromedp.Navigate(b.base+"/coding"), chromedp.WaitVisible(chromedp.CSS("ol.queue")))
		b.run(t, chromedp.Click(chromedp.CSS(`a[href="/coding/r1/`+work+`"]`)))
		historyWaitFor(t, b, `document.getElementById("unit-form") !== null && location.pathname.endsWith("`+work+`")`)
		b.run(t, chromedp.Click(chromedp.CSS(`label[for="f-portrayal-realism-`+realism+`"]`)),
			chromedp.Click(chromedp.CSS(`label[for="f-portrayal-tone-comedic"]`)),
			chromedp.SendKeys(chromedp.CSS("#f-portrayal-realism-evidence"), evidence))
		if status := b.submit(t, `#unit-form .actions button[value="draft"]`); status != 200 {
			t.Fatalf("%s's draft of %s: status %d", who, work, status)
		}
		historyWaitFor(t, b, `location.search === "?saved=draft"`)
		// Blind: nothing of the other coder's nor of the published
		// coding is in the page before submitting.
		html := eval[string](t, b, `document.body.innerHTML`)
		for _, secret := range others {
			if strings.Contains(html, secret) {
				t.Errorf("%s's draft page of %s holds %q", who, work, secret)
			}
		}
		if !strings.Contains(html, evidence) {
			t.Errorf("%s's draft of %s lost the evidence", who, work)
		}
		if shoot != "" {
			audit(shoot + " draft")
			b.screenshots(t, "rounds-"+shoot+"-before")
		}
		if status := b.submit(t, `#unit-form .actions button[value="submit"]`); status != 200 {
			t.Fatalf("%s's submit of %s: status %d", who, work, status)
		}
		historyWaitFor(t, b, `location.search === "?saved=submitted"`)
	}
	published := "Hallucinated talking appliances"
	b.signIn(t, st.session(t, "ann"))
	code("ann", nhkAnime, "mixed", annAgree, []string{bobAgree, published}, "")
	code("ann", jellyfishManga, "mixed", annDiff, []string{bobDiff}, "")
	b.signIn(t, st.session(t, "bob"))
	code("bob", nhkAnime, "mixed", bobAgree, []string{annAgree, published}, "")
	code("bob", jellyfishManga, "romanticized", bobDiff, []string{annDiff}, "coding")
	// After submitting, bob sees ann's coding beside his.
	html := eval[string](t, b, `document.body.innerHTML`)
	if !strings.Contains(html, annDiff) || !strings.Contains(html, "coders disagree") {
		t.Errorf("after submitting, bob does not see ann's coding and the disagreement")
	}
	audit("coding after")
	b.screenshots(t, "rounds-coding-after")

	// The curator adjudicates the disagreement.
	b.signIn(t, st.session(t, "cora"))
	b.run(t, chromedp.Navigate(b.base+"/rounds"), chromedp.WaitVisible(chromedp.CSS("table.rounds-list")))
	audit("rounds")
	b.screenshots(t, "rounds-list")
	b.run(t, chromedp.Navigate(b.base+"/rounds/r1"), chromedp.WaitVisible(chromedp.CSS("table.round-grid")))
	b.run(t, chromedp.Click(chromedp.CSS(`a[href="/rounds/r1/works/`+jellyfishManga+`"]`)))
	historyWaitFor(t, b, `document.getElementById("adjudicate-form") !== null`)
	if !strings.Contains(eval[string](t, b, `document.getElementById("cmp-realism").textContent`), "coders disagree") {
		t.Error("the adjudication page does not say the coders disagree")
	}
	audit("adjudicate")
	b.screenshots(t, "rounds-adjudicate")
	b.run(t, chromedp.Click(chromedp.CSS(`label[for="f-portrayal-realism-mixed"]`)))
	if status := b.submit(t, `#adjudicate-form button.primary`); status != 200 {
		t.Fatalf("adjudicate: status %d", status)
	}
	historyWaitFor(t, b, `location.pathname === "/rounds/r1" && document.body.textContent.includes("Adjudicated (revision")`)
	audit("round adjudicated")
	b.screenshots(t, "rounds-round")
	b.run(t, chromedp.Navigate(b.base+"/works/"+jellyfishManga+"/history"))
	historyWaitFor(t, b, `document.body.textContent.includes("adjudicated from round r1 (2 coders)")`)
	rev, err := st.store.Get(context.Background(), jellyfishManga)
	if err != nil {
		t.Fatal(err)
	}
	if rev.Note != "adjudicated from round r1 (2 coders)" || rev.Work.Portrayal["realism"].Value != "mixed" {
		t.Errorf("the work is at %q with realism %v", rev.Note, rev.Work.Portrayal["realism"])
	}
	b.clean(t)
}
