package server

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/komoru/komoru/catalog"
)

// reviewSite is a site with a curator, cora, signed in, and a
// contributor, connie.
func reviewSite(t *testing.T) (st *site, cora, connie string, cookie *http.Cookie) {
	st = newSite(t)
	cora = st.user(t, "cora", catalog.RoleCurator)
	connie = st.user(t, "connie", catalog.RoleContributor)
	return st, cora, connie, st.session(t, cora)
}

// proposeChange records a contributor's proposal to change a work, made against
// its current revision, and returns the proposal's page.
func (st *site) proposeChange(t *testing.T, id, author, note string, change func(*catalog.Work)) (catalog.Proposal, string) {
	t.Helper()
	w, base := st.changedCopy(t, id, change)
	p, err := catalog.Propose(context.Background(), st.store, catalog.Proposal{Op: catalog.OpUpdate, Base: base, Work: w, Author: author, Note: note}, st.clock())
	if err != nil {
		t.Fatal(err)
	}
	return p, "/review/" + strconv.FormatInt(p.ID, 10)
}

// contributorSees checks a contributor's view of their reviewed proposal:
// what it shows, and no review forms.
func (st *site) contributorSees(t *testing.T, page, contributor string, wants ...string) {
	t.Helper()
	body := st.do(t, req{method: "GET", url: page, cookie: st.session(t, contributor)}).Body.String()
	for _, want := range wants {
		if !strings.Contains(body, want) {
			t.Errorf("the contributor's view of %s lacks %s", page, want)
		}
	}
	if strings.Contains(body, "/accept") || strings.Contains(body, "/reject") {
		t.Error("the contributor is shown the review forms")
	}
}

func TestReviewAccept(t *testing.T) {
	st, _, connie, cookie := reviewSite(t)
	ctx := context.Background()
	_, page := st.proposeChange(t, nhkAnime, connie, "the English title", func(w *catalog.Work) { w.Title = "Quixotrelm" })
	st.advance(1)
	newWork := func() *catalog.Work {
		cur, _ := st.store.Get(ctx, nhkAnime)
		w := *cur.Work
		w.ID, w.Title = "a-new-work", "Brandnewtitle"
		return &w
	}()
	np, err := catalog.Propose(ctx, st.store, catalog.Proposal{Op: catalog.OpCreate, Work: newWork, Author: connie, Note: "missing"}, st.clock())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if ids := st.foundIDs(t, "Quixotrelm"); len(ids) != 0 {
		t.Fatalf("a proposal is searchable before review: %v", ids)
	}

	// The queue: both, oldest first, with author, kind and note.
	list := st.do(t, req{method: "GET", url: "/review", cookie: cookie}).Body.String()
	first, second := strings.Index(list, `<a href="`+page+`">`), strings.Index(list, `<a href="/review/`+strconv.FormatInt(np.ID, 10)+`">`)
	if first < 0 || second < first {
		t.Errorf("the queue does not list the proposals oldest first:\n%s", list)
	}
	for _, want := range []string{"<td>connie</td>", "<td>change</td>", "<td>new work</td>", "<td>the English title</td>", "Quixotrelm"} {
		if !strings.Contains(list, want) {
			t.Errorf("the queue lacks %s", want)
		}
	}
	if strings.Contains(list, "conflict") {
		t.Error("the queue marks a conflict where there is none")
	}

	// The proposal as a diff against the current work.
	rec := st.do(t, req{method: "GET", url: page, cookie: cookie})
	body := rec.Body.String()
	for _, want := range []string{"Against the current work, revision 1", `<span class="side">Before</span><p>Welcome to the N.H.K.</p>`,
		`<span class="side">After</span><p>Quixotrelm</p>`, `name="against" value="1"`, "Accept against revision 1"} {
		if !strings.Contains(body, want) {
			t.Errorf("the proposal page lacks %s", want)
		}
	}
	if strings.Contains(body, `id="conflict"`) {
		t.Error("the proposal page shows a conflict where there is none")
	}

	st.advance(1)
	rec = st.do(t, req{method: "POST", url: page + "/accept", cookie: cookie, form: map[string][]string{"against": {"1"}}})
	if rec.Code != 303 || rec.Header().Get("Location") != "/works/"+nhkAnime {
		t.Fatalf("accept = %d to %q: %s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	cur, err := st.store.Get(ctx, nhkAnime)
	if err != nil {
		t.Fatal(err)
	}
	if cur.Number != 2 || cur.Author != connie || cur.Note != "the English title (accepted by cora)" || cur.Work.Title != "Quixotrelm" {
		t.Errorf("the accepted revision is %d by %s, %q, %q", cur.Number, cur.Author, cur.Note, cur.Work.Title)
	}
	if ids := st.foundIDs(t, "Quixotrelm"); !slices.Equal(ids, []string{nhkAnime}) {
		t.Errorf("right after the accept the search finds %v", ids)
	}
	// Accepted once only.
	if rec := st.do(t, req{method: "POST", url: page + "/accept", cookie: cookie, form: map[string][]string{"against": {"2"}}}); rec.Code != 409 ||
		!strings.Contains(rec.Body.String(), "This proposal was accepted by cora already.") {
		t.Errorf("accepting twice = %d", rec.Code)
	}

	// A new work: the whole work, then created.
	npage := "/review/" + strconv.FormatInt(np.ID, 10)
	body = st.do(t, req{method: "GET", url: npage, cookie: cookie}).Body.String()
	if !strings.Contains(body, "The proposed new work") || !strings.Contains(body, `<span class="side">After</span><p>Brandnewtitle</p>`) ||
		!strings.Contains(body, "Accept the new work") {
		t.Errorf("the new work's proposal page is\n%s", body)
	}
	if rec := st.do(t, req{method: "POST", url: npage + "/accept", cookie: cookie, form: map[string][]string{"against": {"0"}}}); rec.Code != 303 {
		t.Fatalf("accepting the new work = %d", rec.Code)
	}
	if ids := st.foundIDs(t, "Brandnewtitle"); !slices.Equal(ids, []string{"a-new-work"}) {
		t.Errorf("the accepted new work: search finds %v", ids)
	}
	if list := st.do(t, req{method: "GET", url: "/review", cookie: cookie}).Body.String(); !strings.Contains(list, "No proposals are waiting.") {
		t.Error("accepted proposals are still in the queue")
	}

	// The contributor sees the state, without the forms.
	st.contributorSees(t, page, connie, `<span class="state state-accepted">accepted</span> by cora`, `href="/works/`+nhkAnime+`/history?to=2#diff">revision 2</a>`)
}

func TestReviewReject(t *testing.T) {
	st, _, connie, cookie := reviewSite(t)
	ctx := context.Background()
	p, page := st.proposeChange(t, nhkAnime, connie, "a guess", func(w *catalog.Work) { w.Year = 2007 })

	rec := st.do(t, req{method: "POST", url: page + "/reject", cookie: cookie, form: map[string][]string{"reason": {"  "}}})
	if rec.Code != 422 || !strings.Contains(rec.Body.String(), `<p class="field-error" id="reason-error">The reason is required`) {
		t.Errorf("rejecting without a reason = %d", rec.Code)
	}
	if got, _ := st.store.Proposal(ctx, p.ID); got.State != catalog.ProposalPending {
		t.Fatalf("a reasonless reject left the proposal %s", got.State)
	}
	reason := "The sources give 2006 for the broadcast."
	rec = st.do(t, req{method: "POST", url: page + "/reject", cookie: cookie, form: map[string][]string{"reason": {reason}}})
	if rec.Code != 303 || rec.Header().Get("Location") != "/review" {
		t.Fatalf("reject = %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	if cur, _ := st.store.Get(ctx, nhkAnime); cur.Number != 1 || cur.Work.Year != 2006 {
		t.Errorf("a rejected proposal changed the work: revision %d, year %d", cur.Number, cur.Work.Year)
	}
	st.contributorSees(t, page, connie, `<span class="state state-rejected">rejected</span> by cora`, `<dt>Reviewer's reason</dt><dd class="reason">`+reason+`</dd>`)
}

// TestReviewConflict: a proposal whose work changed meanwhile shows the
// conflict, and is accepted only against the current revision.
func TestReviewConflict(t *testing.T) {
	st, cora, connie, cookie := reviewSite(t)
	ctx := context.Background()
	_, page := st.proposeChange(t, nhkAnime, connie, "the English title", func(w *catalog.Work) { w.Title = "Welcome to the NHK" })
	st.revise(t, nhkAnime, cora, "evidence", setEvidence("realism", "He hides."))

	if list := st.do(t, req{method: "GET", url: "/review", cookie: cookie}).Body.String(); !strings.Contains(list, `<span class="badge">conflict</span>`) {
		t.Error("the queue does not mark the conflict")
	}
	body := st.do(t, req{method: "GET", url: page, cookie: cookie}).Body.String()
	conflict := elementHTML(t, body, "section", "conflict")
	for _, want := range []string{"made against revision 1; the work is now at revision 2", "<h3>Realism</h3>", "<ins>He hides.</ins>",
		`href="/works/` + nhkAnime + `/history?from=1&amp;to=2#diff"`} {
		if !strings.Contains(conflict, want) {
			t.Errorf("the conflict lacks %s:\n%s", want, conflict)
		}
	}
	if !strings.Contains(body, `name="against" value="2"`) || !strings.Contains(body, "Accept against revision 2</button>") {
		t.Error("the accept form is not against revision 2")
	}

	for _, form := range []map[string][]string{{}, {"against": {"1"}}, {"against": {"0"}}} {
		rec := st.do(t, req{method: "POST", url: page + "/accept", cookie: cookie, form: form})
		if rec.Code != 412 || !strings.Contains(rec.Body.String(), "Not accepted: the work is at revision 2") ||
			!strings.Contains(rec.Body.String(), `id="conflict"`) {
			t.Errorf("accept with %v = %d, want 412 and the conflict", form, rec.Code)
		}
	}
	if cur, _ := st.store.Get(ctx, nhkAnime); cur.Number != 2 {
		t.Fatalf("a refused accept wrote revision %d", cur.Number)
	}
	rec := st.do(t, req{method: "POST", url: page + "/accept", cookie: cookie, form: map[string][]string{"against": {"2"}}})
	if rec.Code != 303 {
		t.Fatalf("accept against 2 = %d", rec.Code)
	}
	if cur, _ := st.store.Get(ctx, nhkAnime); cur.Number != 3 || cur.Author != connie || cur.Work.Title != "Welcome to the NHK" {
		t.Errorf("accepted against 2: revision %d by %s, %q", cur.Number, cur.Author, cur.Work.Title)
	}
}

// TestReviewAccess: contributors see only their own proposals, and
// neither the queue nor the review actions.
func TestReviewAccess(t *testing.T) {
	st := newSite(t)
	connie := st.user(t, "connie", catalog.RoleContributor)
	conrad := st.user(t, "conrad", catalog.RoleContributor)
	cora := st.user(t, "cora", catalog.RoleCurator)
	_, page := st.proposeChange(t, nhkAnime, connie, "x", func(w *catalog.Work) { w.Year = 2007 })
	for _, tt := range []struct {
		name   string
		r      req
		status int
	}{
		{"the author sees hers", req{method: "GET", url: page, cookie: st.session(t, connie)}, 200},
		{"another contributor's", req{method: "GET", url: page, cookie: st.session(t, conrad)}, 404},
		{"a curator's", req{method: "GET", url: page, cookie: st.session(t, cora)}, 200},
		{"a reader is sent to sign in", req{method: "GET", url: page}, 303},
		{"the queue for a contributor", req{method: "GET", url: "/review", cookie: st.session(t, connie)}, 403},
		{"the queue for a curator", req{method: "GET", url: "/review", cookie: st.session(t, cora)}, 200},
		{"no such proposal", req{method: "GET", url: "/review/999", cookie: st.session(t, cora)}, 404},
		{"not a number", req{method: "GET", url: "/review/x", cookie: st.session(t, cora)}, 404},
		{"the author accepts", req{method: "POST", url: page + "/accept", cookie: st.session(t, connie), form: map[string][]string{"against": {"1"}}}, 403},
		{"the author rejects", req{method: "POST", url: page + "/reject", cookie: st.session(t, connie), form: map[string][]string{"reason": {"no"}}}, 403},
		{"a reader accepts", req{method: "POST", url: page + "/accept", form: map[string][]string{"against": {"1"}}}, 401},
	} {
		if rec := st.do(t, tt.r); rec.Code != tt.status {
			t.Errorf("%s: %s %s = %d, want %d", tt.name, tt.r.method, tt.r.url, rec.Code, tt.status)
		}
	}
}

// TestReviewBlocked: a proposal to change a work deleted meanwhile can
// only be rejected; a deletion is shown as the current work going away.
func TestReviewBlocked(t *testing.T) {
	st, cora, connie, cookie := reviewSite(t)
	ctx := context.Background()
	const jelly = "princess-jellyfish-manga"
	del, err := catalog.Propose(ctx, st.store, catalog.Proposal{Op: catalog.OpDelete, WorkID: jelly, Base: 1, Author: connie, Note: "a duplicate"}, st.clock())
	if err != nil {
		t.Fatal(err)
	}
	body := st.do(t, req{method: "GET", url: "/review/" + strconv.FormatInt(del.ID, 10), cookie: cookie}).Body.String()
	if !strings.Contains(body, "The current work, revision 1, which this proposal deletes") || !strings.Contains(body, `<span class="side">After</span><p class="muted">nothing</p>`) {
		t.Errorf("the deletion's page:\n%s", body)
	}

	_, page := st.proposeChange(t, nhkAnime, connie, "x", func(w *catalog.Work) { w.Year = 2007 })
	if _, err := catalog.DeleteWork(ctx, st.store, nhkAnime, catalog.BaseAny, catalog.Change{Author: cora, Note: "gone"}); err != nil {
		t.Fatal(err)
	}
	body = st.do(t, req{method: "GET", url: page, cookie: cookie}).Body.String()
	if !strings.Contains(body, "The work was deleted after this proposal was made") || strings.Contains(body, "/accept") || !strings.Contains(body, "/reject") {
		t.Errorf("the blocked proposal's page:\n%s", body)
	}
	if rec := st.do(t, req{method: "POST", url: page + "/accept", cookie: cookie, form: map[string][]string{"against": {"2"}}}); rec.Code != 409 {
		t.Errorf("accepting a blocked proposal = %d, want 409", rec.Code)
	}
}
