package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/komoru/komoru/catalog"
)

const jellyfishManga = "princess-jellyfish-manga"

func init() {
	for name, page := range map[string]any{"rounds": roundsPage{Form: &roundForm{}}, "round": roundPage{}, "coding": codingPage{},
		"coding_unit": unitPage{}, "adjudicate": adjudicatePage{}} {
		zeroPages[name] = page
	}
}

// roundSite is a site with a curator, two contributor coders and a
// third contributor who codes nothing.
type roundSite struct {
	*site
	cora, ann, bob, nobody *http.Cookie
}

func newRoundSite(t *testing.T) *roundSite {
	t.Helper()
	st := newSite(t)
	for _, u := range []struct {
		name string
		role catalog.Role
	}{{"cora", catalog.RoleCurator}, {"ann", catalog.RoleContributor}, {"bob", catalog.RoleContributor}, {"nobody", catalog.RoleContributor}} {
		st.user(t, u.name, u.role)
	}
	return &roundSite{site: st, cora: st.session(t, "cora"), ann: st.session(t, "ann"), bob: st.session(t, "bob"), nobody: st.session(t, "nobody")}
}

// startRound creates round r1 through the form: the NHK anime and the
// Princess Jellyfish manga, coded by ann and bob on realism and tone.
func (rs *roundSite) startRound(t *testing.T) {
	t.Helper()
	rec := rs.do(t, req{method: "POST", url: "/rounds", cookie: rs.cora, form: map[string][]string{
		"id": {"r1"}, "name": {"Pilot"}, "works": {nhkAnime + "\n" + jellyfishManga},
		"coders": {"ann", "bob"}, "dimensions": {"realism", "tone"}}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/rounds/r1" {
		t.Fatalf("create: %d %s %s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
}

// code saves a coder's unit: realism and its evidence, as a draft or
// submitted.
func (rs *roundSite) code(t *testing.T, who *http.Cookie, work, realism, evidence string, submit bool) *httptest.ResponseRecorder {
	t.Helper()
	action := "draft"
	if submit {
		action = "submit"
	}
	return rs.do(t, req{method: "POST", url: unitURL("r1", work), cookie: who, form: map[string][]string{
		"portrayal.realism": {realism}, "portrayal.realism.evidence": {evidence}, "portrayal.tone": {"serious"}, "action": {action}}})
}

func (rs *roundSite) get(t *testing.T, path string, who *http.Cookie) (int, string) {
	t.Helper()
	rec := rs.do(t, req{method: "GET", url: path, cookie: who})
	return rec.Code, rec.Body.String()
}

func TestRoundCreateForm(t *testing.T) {
	rs := newRoundSite(t)
	code, body := rs.get(t, "/rounds", rs.cora)
	if code != 200 || !strings.Contains(body, `value="r1"`) || !strings.Contains(body, "New round") {
		t.Fatalf("/rounds for a curator: %d, want the form with r1 suggested\n%s", code, body)
	}
	if _, body := rs.get(t, "/rounds", rs.ann); strings.Contains(body, "New round") {
		t.Error("a contributor is shown the new round form")
	}
	for _, tc := range []struct {
		name  string
		form  map[string][]string
		field string // the element id its error is beside
		want  string
	}{
		{"bad id", map[string][]string{"id": {"R 1"}, "name": {"x"}, "works": {nhkAnime}, "coders": {"ann", "bob"}, "dimensions": {"realism"}}, "f-id-err", "lowercase slug"},
		{"no name", map[string][]string{"id": {"r1"}, "works": {nhkAnime}, "coders": {"ann", "bob"}, "dimensions": {"realism"}}, "f-name-err", "is required"},
		{"no works", map[string][]string{"id": {"r1"}, "name": {"x"}, "coders": {"ann", "bob"}, "dimensions": {"realism"}}, "f-works-err", "at least one work"},
		{"unknown work", map[string][]string{"id": {"r1"}, "name": {"x"}, "works": {nhkAnime + "\nno-such-work-anime"}, "coders": {"ann", "bob"}, "dimensions": {"realism"}}, "f-works-err", "no-such-work-anime"},
		{"one coder", map[string][]string{"id": {"r1"}, "name": {"x"}, "works": {nhkAnime}, "coders": {"ann"}, "dimensions": {"realism"}}, "f-coders-err", "at least two coders"},
		{"unknown coder", map[string][]string{"id": {"r1"}, "name": {"x"}, "works": {nhkAnime}, "coders": {"ann", "ghost"}, "dimensions": {"realism"}}, "f-coders-err", "ghost"},
		{"no dimensions", map[string][]string{"id": {"r1"}, "name": {"x"}, "works": {nhkAnime}, "coders": {"ann", "bob"}}, "f-dimensions-err", "tick at least one"},
		{"bad search", map[string][]string{"id": {"r1"}, "name": {"x"}, "works_search": {"realism=nonsense"}, "coders": {"ann", "bob"}, "dimensions": {"realism"}}, "f-works_search-err", "realism"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := rs.do(t, req{method: "POST", url: "/rounds", cookie: rs.cora, form: tc.form})
			body := rec.Body.String()
			if rec.Code != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", rec.Code)
			}
			i := strings.Index(body, `id="`+tc.field+`"`)
			if i < 0 {
				t.Fatalf("no error %s in\n%s", tc.field, body)
			}
			if end := strings.Index(body[i:], "</p>"); !strings.Contains(body[i:i+end], tc.want) {
				t.Errorf("error %s is %q, want it to say %q", tc.field, body[i:i+end], tc.want)
			}
		})
	}
	// A search's hits become works, after those typed, in its order.
	rec := rs.do(t, req{method: "POST", url: "/rounds", cookie: rs.cora, form: map[string][]string{
		"id": {"r1"}, "name": {"By search"}, "works": {jellyfishManga}, "works_search": {"?q=nhk"}, "coders": {"ann", "bob"}, "dimensions": {"realism"}}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("create by search: %d %s", rec.Code, rec.Body)
	}
	r, err := rs.store.Round(context.Background(), "r1")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Works) < 2 || r.Works[0] != jellyfishManga || !strings.Contains(strings.Join(r.Works, " "), nhkAnime) {
		t.Errorf("works %v: want %s, then the hits of q=nhk", r.Works, jellyfishManga)
	}
	if code := rs.do(t, req{method: "POST", url: "/rounds", cookie: rs.ann, form: map[string][]string{"id": {"r2"}}}).Code; code != http.StatusForbidden {
		t.Errorf("a contributor creating a round: %d, want 403", code)
	}
	// The id taken is an error beside the id; the next suggestion is r2.
	rec = rs.do(t, req{method: "POST", url: "/rounds", cookie: rs.cora, form: map[string][]string{
		"id": {"r1"}, "name": {"Again"}, "works": {nhkAnime}, "coders": {"ann", "bob"}, "dimensions": {"realism"}}})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "is taken by another round") {
		t.Errorf("a taken id: %d", rec.Code)
	}
	if _, body := rs.get(t, "/rounds", rs.cora); !strings.Contains(body, `value="r2"`) {
		t.Error("the next id suggested is not r2")
	}
}

func TestRoundProgressAndQueue(t *testing.T) {
	rs := newRoundSite(t)
	rs.startRound(t)
	if rec := rs.code(t, rs.ann, nhkAnime, "mixed", "ann's evidence", true); rec.Code != http.StatusSeeOther {
		t.Fatalf("ann submits: %d %s", rec.Code, rec.Body)
	}
	if rec := rs.code(t, rs.bob, nhkAnime, "mixed", "", false); rec.Code != http.StatusSeeOther {
		t.Fatalf("bob drafts: %d %s", rec.Code, rec.Body)
	}
	_, body := rs.get(t, "/rounds/r1", rs.cora)
	row := between(body, "<code>"+nhkAnime+"</code>", "</tr>")
	for _, want := range []string{">submitted<", ">draft<", "Adjudicate"} {
		if !strings.Contains(row, want) {
			t.Errorf("the grid's row of %s has no %q:\n%s", nhkAnime, want, row)
		}
	}
	if row := between(body, "<code>"+jellyfishManga+"</code>", "</tr>"); strings.Count(row, ">not started<") != 2 {
		t.Errorf("the grid's row of %s is not 'not started' twice:\n%s", jellyfishManga, row)
	}
	if !strings.Contains(body, `href="/rounds/r1/agreement"`) || !strings.Contains(body, "Close round") {
		t.Error("the round page has no agreement link or close button")
	}
	_, body = rs.get(t, "/rounds", rs.ann)
	for _, want := range []string{"ann: 1 / 2 submitted", "bob: 0 / 2 submitted, 1 draft", `href="/coding"`} {
		if !strings.Contains(body, want) {
			t.Errorf("/rounds has no %q", want)
		}
	}
	_, body = rs.get(t, "/coding", rs.bob)
	if !strings.Contains(body, "0 of 2 submitted") || !strings.Contains(body, `href="/coding/r1/`+jellyfishManga+`"`) {
		t.Errorf("bob's queue:\n%s", body)
	}
	if _, body = rs.get(t, "/coding", rs.nobody); !strings.Contains(body, "You code in no open round") {
		t.Error("a non-coder's queue is not empty")
	}
}

func TestCodingBlind(t *testing.T) {
	rs := newRoundSite(t)
	rs.startRound(t)
	const annEv, bobEv = "Ann saw it in episode nine", "Bob noticed the pastel dream"
	published := "Hallucinated talking appliances" // the published realism's evidence
	if rec := rs.code(t, rs.bob, nhkAnime, "romanticized", bobEv, true); rec.Code != http.StatusSeeOther {
		t.Fatalf("bob submits: %d %s", rec.Code, rec.Body)
	}
	if rec := rs.code(t, rs.ann, nhkAnime, "mixed", annEv, false); rec.Code != http.StatusSeeOther {
		t.Fatalf("ann drafts: %d %s", rec.Code, rec.Body)
	}
	code, body := rs.get(t, unitURL("r1", nhkAnime), rs.ann)
	if code != 200 || !strings.Contains(body, annEv) || !strings.Contains(body, "Satō") {
		t.Fatalf("ann's draft page: %d, want her evidence and the work's facts\n%s", code, body)
	}
	for _, secret := range []string{bobEv, published, "Published", "side-by-side"} {
		if strings.Contains(body, secret) {
			t.Errorf("before submitting, ann's page holds %q", secret)
		}
	}
	// Bob's page, submitted, shows no draft of ann's.
	if _, body := rs.get(t, unitURL("r1", nhkAnime), rs.bob); strings.Contains(body, annEv) {
		t.Error("bob's page shows ann's draft")
	}
	if rec := rs.code(t, rs.ann, nhkAnime, "mixed", annEv, true); rec.Code != http.StatusSeeOther || !strings.HasSuffix(rec.Header().Get("Location"), "?saved=submitted") {
		t.Fatalf("ann submits: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	_, body = rs.get(t, unitURL("r1", nhkAnime), rs.ann)
	for _, want := range []string{bobEv, published, "coders disagree", "ann (you)"} {
		if !strings.Contains(body, want) {
			t.Errorf("after submitting, ann's page has no %q", want)
		}
	}
	// A submitted unit stays submitted when saved as a draft again.
	rs.code(t, rs.ann, nhkAnime, "romanticized", annEv, false)
	if _, body := rs.get(t, "/rounds/r1", rs.cora); strings.Contains(between(body, "<code>"+nhkAnime+"</code>", "</tr>"), "draft") {
		t.Error("a submitted unit went back to draft")
	}
	for _, tc := range []struct {
		who  *http.Cookie
		path string
		want int
	}{
		{rs.nobody, unitURL("r1", nhkAnime), http.StatusForbidden},
		{rs.cora, unitURL("r1", nhkAnime), http.StatusForbidden},
		{rs.ann, unitURL("r1", "welcome-to-the-nhk-novel"), http.StatusNotFound},
		{rs.ann, unitURL("r9", nhkAnime), http.StatusNotFound},
		{nil, unitURL("r1", nhkAnime), http.StatusSeeOther},
	} {
		if code, _ := rs.get(t, tc.path, tc.who); code != tc.want && !(tc.who == nil && code == http.StatusUnauthorized) {
			t.Errorf("GET %s: %d, want %d", tc.path, code, tc.want)
		}
	}
	if rec := rs.code(t, rs.nobody, nhkAnime, "mixed", "", true); rec.Code != http.StatusForbidden {
		t.Errorf("a non-coder's POST: %d, want 403", rec.Code)
	}
}

func TestCodingClosedRound(t *testing.T) {
	rs := newRoundSite(t)
	rs.startRound(t)
	rs.code(t, rs.ann, nhkAnime, "mixed", "Ann froze this evidence", false)
	rec := rs.do(t, req{method: "POST", url: "/rounds/r1/close", cookie: rs.cora, form: map[string][]string{}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("close: %d %s", rec.Code, rec.Body)
	}
	code, body := rs.get(t, unitURL("r1", nhkAnime), rs.ann)
	if code != 200 || strings.Contains(body, `id="unit-form"`) || !strings.Contains(body, "Ann froze this evidence") || !strings.Contains(body, "closed") {
		t.Errorf("a closed round's unit: %d, want it read-only with ann's coding\n%s", code, body)
	}
	if rec := rs.code(t, rs.ann, nhkAnime, "realistic", "", true); rec.Code != http.StatusConflict {
		t.Errorf("saving in a closed round: %d, want 409", rec.Code)
	}
	if rec := rs.do(t, req{method: "POST", url: "/rounds/r1/close", cookie: rs.cora, form: map[string][]string{}}); rec.Code != http.StatusConflict {
		t.Errorf("closing twice: %d, want 409", rec.Code)
	}
	if _, body := rs.get(t, "/coding", rs.ann); !strings.Contains(body, "You code in no open round") {
		t.Error("a closed round stays in the queue")
	}
}

func TestAdjudicate(t *testing.T) {
	rs := newRoundSite(t)
	rs.startRound(t)
	rs.code(t, rs.ann, nhkAnime, "mixed", "Ann: the dream scenes", true)
	rs.code(t, rs.bob, nhkAnime, "mixed", "Bob: the same", true)
	code, body := rs.get(t, "/rounds/r1/works/"+nhkAnime, rs.cora)
	if code != 200 {
		t.Fatalf("adjudication page: %d\n%s", code, body)
	}
	// Both coders gave mixed: the form starts there, with ann's evidence.
	if !strings.Contains(body, `value="mixed" checked`) || !strings.Contains(body, "Ann: the dream scenes") {
		t.Errorf("the form does not start at the coders' value\n%s", body)
	}
	if strings.Contains(between(body, `id="cmp-realism"`, "</tr>"), "coders disagree") {
		t.Error("agreeing coders are marked as disagreeing")
	}
	if code, _ := rs.get(t, "/rounds/r1/works/"+nhkAnime, rs.ann); code != http.StatusForbidden {
		t.Errorf("a contributor adjudicating: %d, want 403", code)
	}
	cur, err := rs.store.Get(context.Background(), nhkAnime)
	if err != nil {
		t.Fatal(err)
	}
	post := func(base int) *httptest.ResponseRecorder {
		return rs.do(t, req{method: "POST", url: "/rounds/r1/works/" + nhkAnime, cookie: rs.cora, form: map[string][]string{
			"base": {strconv.Itoa(base)}, "portrayal.realism": {"mixed"}, "portrayal.realism.evidence": {"Settled: the dream scenes"}, "portrayal.tone": {"dramedy"}}})
	}
	rec := post(cur.Number)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/rounds/r1?done=adjudicated&work="+nhkAnime {
		t.Fatalf("adjudicate: %d %s %s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	now, err := rs.store.Get(context.Background(), nhkAnime)
	if err != nil {
		t.Fatal(err)
	}
	if now.Number != cur.Number+1 || now.Note != "adjudicated from round r1 (2 coders)" || now.Work.Portrayal["realism"].Value != "mixed" {
		t.Errorf("revision %d %q realism %v", now.Number, now.Note, now.Work.Portrayal["realism"])
	}
	r, err := rs.store.Round(context.Background(), "r1")
	if err != nil {
		t.Fatal(err)
	}
	if a, ok := r.Adjudicated(nhkAnime); !ok || a.Revision != now.Number {
		t.Errorf("the round records %+v", r.Adjudications)
	}
	if rec := post(cur.Number); rec.Code != http.StatusPreconditionFailed || !strings.Contains(rec.Body.String(), "changed meanwhile") {
		t.Errorf("a stale base: %d, want 412 with the conflict", rec.Code)
	}
	if _, body := rs.get(t, "/rounds/r1", rs.cora); !strings.Contains(body, "Adjudicated (revision "+strconv.Itoa(now.Number)+")") {
		t.Error("the grid does not say the work is adjudicated")
	}
}

// TestAdjudicateCoderCurator: a curator who codes an open round sees no
// adjudication of a work they have not submitted.
func TestAdjudicateCoderCurator(t *testing.T) {
	rs := newRoundSite(t)
	rs.do(t, req{method: "POST", url: "/rounds", cookie: rs.cora, form: map[string][]string{
		"id": {"r1"}, "name": {"Pilot"}, "works": {nhkAnime}, "coders": {"ann", "cora"}, "dimensions": {"realism"}}})
	rs.code(t, rs.ann, nhkAnime, "romanticized", "Ann keeps this evidence secret", true)
	code, body := rs.get(t, "/rounds/r1/works/"+nhkAnime, rs.cora)
	if code != http.StatusForbidden || strings.Contains(body, "Ann keeps this evidence secret") || !strings.Contains(body, "Submit your own coding first") {
		t.Errorf("a coding curator before submitting: %d\n%s", code, body)
	}
	rs.code(t, rs.cora, nhkAnime, "realistic", "", true)
	if code, body := rs.get(t, "/rounds/r1/works/"+nhkAnime, rs.cora); code != 200 || !strings.Contains(body, "Ann keeps this evidence secret") || !strings.Contains(body, "coders disagree") {
		t.Errorf("a coding curator after submitting: %d", code)
	}
}

// between returns the text of s from the first from to the next to.
func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	j := strings.Index(s[i:], to)
	if j < 0 {
		return s[i:]
	}
	return s[i : i+j]
}
