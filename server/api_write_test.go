package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/komoru/komoru/catalog"
)

// newWork is a small valid work in import format v1.
func newWork(id, title string) string {
	return fmt.Sprintf(`{"id":%q,"title":%q,"medium":"novel","year":2001}`, id, title)
}

// writeBody is a POST or PUT body: a work and a note.
func writeBody(work, note string) string {
	return fmt.Sprintf(`{"work":%s,"note":%q}`, work, note)
}

// apiErrorOf decodes an error response's body.
func apiErrorOf(t *testing.T, rec *httptest.ResponseRecorder) apiError {
	t.Helper()
	var body struct{ Error apiError }
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("error body %q: %v", rec.Body, err)
	}
	return body.Error
}

func decodeJSON[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("body %q: %v", rec.Body, err)
	}
	return v
}

// curWork returns a work's title and revision through GET, or status.
func (st *site) getWork(t *testing.T, id string) (int, workResponse) {
	t.Helper()
	rec := st.do(t, req{method: "GET", url: workURL(id)})
	if rec.Code != http.StatusOK {
		return rec.Code, workResponse{}
	}
	return rec.Code, decodeJSON[workResponse](t, rec)
}

// TestAPICreateWork: a curator's POST is a revision, searchable when the
// answer arrives; a contributor's a proposal; every problem of the body is
// reported at once, keyed by its path in the body.
func TestAPICreateWork(t *testing.T) {
	st := newSite(t)
	cur := st.token(t, st.user(t, "cora", catalog.RoleCurator))
	con := st.token(t, st.user(t, "cyd", catalog.RoleContributor))
	shipped, err := st.store.Count(t.Context())
	if err != nil {
		t.Fatal(err)
	}

	rec := st.do(t, req{method: "POST", url: "/api/v1/works", bearer: cur, body: writeBody(newWork("quillwort-novel", "The Quillwort Room"), "new work")})
	if rec.Code != http.StatusCreated || rec.Header().Get("Location") != "/api/v1/works/quillwort-novel" || rec.Header().Get("ETag") != `"1"` {
		t.Fatalf("curator POST: %d, Location %q, ETag %q: %s", rec.Code, rec.Header().Get("Location"), rec.Header().Get("ETag"), rec.Body)
	}
	created := decodeJSON[workResponse](t, rec)
	if created.Revision != 1 || created.Work.Title != "The Quillwort Room" || created.Derived.Decade != 2000 || created.Derived.CodingStatus != st.store.Codebook().CodingStatus(created.Work) {
		t.Errorf("curator POST body = %+v", created)
	}
	if ids := st.searchIDs(t, "quillwort"); !cmp.Equal(ids, []string{"quillwort-novel"}) {
		t.Errorf("search right after the create = %v, want the new work", ids)
	}
	rev, err := st.store.Revision(t.Context(), "quillwort-novel", 1)
	if err != nil || rev.Author != "cora" || rev.Note != "new work" || rev.Op != catalog.OpCreate {
		t.Errorf("stored revision = %+v, %v", rev, err)
	}

	rec = st.do(t, req{method: "POST", url: "/api/v1/works", bearer: con, body: writeBody(newWork("zephyrine-novel", "Zephyrine"), "I read it")})
	if rec.Code != http.StatusAccepted || !strings.HasPrefix(rec.Header().Get("Location"), "/api/v1/proposals/") {
		t.Fatalf("contributor POST: %d, Location %q: %s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	p := decodeJSON[proposalResponse](t, rec).Proposal
	if p.URL != rec.Header().Get("Location") || p.State != catalog.ProposalPending || p.Op != catalog.OpCreate ||
		p.Author != "cyd" || p.Note != "I read it" || p.Work == nil || p.Work.Title != "Zephyrine" {
		t.Errorf("contributor POST body = %+v", p)
	}

	for _, tt := range []struct {
		name   string
		body   string
		status int
		fields map[string]string // the fields of the error, each with a word of its message
	}{
		{"existing id", writeBody(newWork("quillwort-novel", "Again"), "again"), http.StatusConflict, nil},
		{"no note", writeBody(newWork("a-novel", "A"), "  "), http.StatusUnprocessableEntity, map[string]string{"note": "required"}},
		{"no work", `{"note":"x"}`, http.StatusUnprocessableEntity, map[string]string{"work": "required"}},
		{"invalid work and no note", writeBody(`{"id":"b-novel","medium":"scroll","year":2001}`, ""), http.StatusUnprocessableEntity,
			map[string]string{"work.title": "", "work.medium": "", "note": "required"}},
		{"unknown field in the work", writeBody(`{"id":"c-novel","title":"C","medium":"novel","year":2001,"colour":"red"}`, "x"),
			http.StatusUnprocessableEntity, map[string]string{"work.colour": "unknown field"}},
		{"wrong type in the work", writeBody(`{"id":"d-novel","title":"D","medium":"novel","year":"2001"}`, "x"),
			http.StatusUnprocessableEntity, map[string]string{"work.year": "whole number"}},
		{"unknown field in the body", `{"work":` + newWork("e-novel", "E") + `,"notes":"x"}`, http.StatusUnprocessableEntity, map[string]string{"notes": "unknown field"}},
		{"note not a string", `{"work":` + newWork("e-novel", "E") + `,"note":5}`, http.StatusUnprocessableEntity, map[string]string{"note": "a string"}},
		{"not JSON", `{"work":`, http.StatusBadRequest, nil},
		{"two objects", writeBody(newWork("f-novel", "F"), "x") + "{}", http.StatusBadRequest, nil},
		{"too large", writeBody(newWork("g-novel", strings.Repeat("G", defaultMaxAPIBody)), "x"), http.StatusRequestEntityTooLarge, nil},
	} {
		for _, who := range []string{cur, con} {
			rec := st.do(t, req{method: "POST", url: "/api/v1/works", bearer: who, body: tt.body})
			if rec.Code != tt.status {
				t.Errorf("%s: %d, want %d: %s", tt.name, rec.Code, tt.status, rec.Body)
				continue
			}
			e := apiErrorOf(t, rec)
			if len(e.Fields) != len(tt.fields) {
				t.Errorf("%s: fields %v, want %v", tt.name, e.Fields, tt.fields)
			}
			for f, word := range tt.fields {
				if msg, ok := e.Fields[f]; !ok || !strings.Contains(msg, word) {
					t.Errorf("%s: field %s = %q, want a message with %q (fields %v)", tt.name, f, msg, word, e.Fields)
				}
			}
		}
	}
	if n, err := st.store.Count(t.Context()); err != nil || n != shipped+1 {
		t.Errorf("after the refused writes the catalog holds %d works, want the shipped ones and one (%v)", n, err)
	}
}

// TestAPIUpdateWork: PUT needs If-Match, keeps the id, answers a stale
// revision with 412; a curator's update is searchable at once, a
// contributor's waits as a proposal.
func TestAPIUpdateWork(t *testing.T) {
	st := newSite(t)
	cur := st.token(t, st.user(t, "cora", catalog.RoleCurator))
	con := st.token(t, st.user(t, "cyd", catalog.RoleContributor))
	const id = "welcome-to-the-nhk-novel"
	url := workURL(id)
	_, before := st.getWork(t, id)
	edited := *before.Work
	edited.Title = "Welcome to the Gorseberry"
	doc, err := json.Marshal(&edited)
	if err != nil {
		t.Fatal(err)
	}
	body := writeBody(string(doc), "retitled")

	for _, tt := range []struct {
		name    string
		ifMatch string
		body    string
		status  int
		msg     string // a word of the message
		field   string
	}{
		{"no If-Match", "", body, http.StatusPreconditionRequired, "If-Match", ""},
		{"If-Match not quoted", "1", body, http.StatusBadRequest, "If-Match", ""},
		{"If-Match weak", `W/"1"`, body, http.StatusBadRequest, "If-Match", ""},
		{"If-Match any", `*`, body, http.StatusBadRequest, "If-Match", ""},
		{"If-Match not a number", `"one"`, body, http.StatusBadRequest, "If-Match", ""},
		{"stale", `"7"`, body, http.StatusPreconditionFailed, "revision 1", ""},
		{"another id", `"1"`, writeBody(newWork("other-novel", "Other"), "x"), http.StatusUnprocessableEntity, "", "work.id"},
	} {
		for _, who := range []string{cur, con} {
			h := map[string]string{}
			if tt.ifMatch != "" {
				h["If-Match"] = tt.ifMatch
			}
			rec := st.do(t, req{method: "PUT", url: url, bearer: who, body: tt.body, header: h})
			e := apiErrorOf(t, rec)
			if rec.Code != tt.status || !strings.Contains(e.Message, tt.msg) || (tt.field != "" && e.Fields[tt.field] == "") {
				t.Errorf("%s: %d %+v, want %d with %q, field %q", tt.name, rec.Code, e, tt.status, tt.msg, tt.field)
			}
		}
	}
	if rec := st.do(t, req{method: "PUT", url: workURL("no-such-work"), bearer: cur, body: writeBody(newWork("no-such-work", "N"), "x"),
		header: map[string]string{"If-Match": `"1"`}}); rec.Code != http.StatusNotFound {
		t.Errorf("PUT of a missing work: %d, want 404: %s", rec.Code, rec.Body)
	}

	// A contributor's update is a proposal: the work is unchanged.
	rec := st.do(t, req{method: "PUT", url: url, bearer: con, body: body, header: map[string]string{"If-Match": `"1"`}})
	if rec.Code != http.StatusAccepted {
		t.Fatalf("contributor PUT: %d %s", rec.Code, rec.Body)
	}
	if p := decodeJSON[proposalResponse](t, rec).Proposal; p.Op != catalog.OpUpdate || p.Base != 1 || p.Work.Title != edited.Title {
		t.Errorf("contributor PUT proposal = %+v", p)
	}
	if _, w := st.getWork(t, id); w.Revision != 1 || w.Work.Title != before.Work.Title {
		t.Errorf("after a contributor's PUT the work is at %d titled %q", w.Revision, w.Work.Title)
	}

	rec = st.do(t, req{method: "PUT", url: url, bearer: cur, body: body, header: map[string]string{"If-Match": `"1"`}})
	if rec.Code != http.StatusOK || rec.Header().Get("ETag") != `"2"` {
		t.Fatalf("curator PUT: %d, ETag %q: %s", rec.Code, rec.Header().Get("ETag"), rec.Body)
	}
	if w := decodeJSON[workResponse](t, rec); w.Revision != 2 || w.Work.Title != edited.Title {
		t.Errorf("curator PUT body: revision %d, title %q", w.Revision, w.Work.Title)
	}
	if ids := st.searchIDs(t, "gorseberry"); !cmp.Equal(ids, []string{id}) {
		t.Errorf("search right after the update = %v, want [%s]", ids, id)
	}
	// The same PUT again is now stale: someone (here, the same curator)
	// saved revision 2 meanwhile.
	rec = st.do(t, req{method: "PUT", url: url, bearer: cur, body: body, header: map[string]string{"If-Match": `"1"`}})
	if e := apiErrorOf(t, rec); rec.Code != http.StatusPreconditionFailed || !strings.Contains(e.Message, "revision 2") || !strings.Contains(e.Message, "based on 1") {
		t.Errorf("stale PUT: %d %q, want 412 naming revisions 2 and 1", rec.Code, e.Message)
	}
}

// TestAPIDeleteWork: DELETE needs If-Match and a note (query or body); it
// is a revision, and the history stays readable.
func TestAPIDeleteWork(t *testing.T) {
	st := newSite(t)
	cur := st.token(t, st.user(t, "cora", catalog.RoleCurator))
	con := st.token(t, st.user(t, "cyd", catalog.RoleContributor))
	const id = "welcome-to-the-nhk-novel"
	one := map[string]string{"If-Match": `"1"`}
	if rec := st.do(t, req{method: "DELETE", url: workURL(id), bearer: cur}); rec.Code != http.StatusPreconditionRequired {
		t.Errorf("DELETE without If-Match: %d", rec.Code)
	}
	if rec := st.do(t, req{method: "DELETE", url: workURL(id), bearer: cur, header: one}); rec.Code != http.StatusUnprocessableEntity || apiErrorOf(t, rec).Fields["note"] == "" {
		t.Errorf("DELETE without a note: %d %s", rec.Code, rec.Body)
	}
	rec := st.do(t, req{method: "DELETE", url: workURL(id), bearer: con, body: `{"note":"not about withdrawal"}`, header: one})
	if p := decodeJSON[proposalResponse](t, rec).Proposal; rec.Code != http.StatusAccepted || p.Op != catalog.OpDelete || p.Work != nil {
		t.Errorf("contributor DELETE: %d %s", rec.Code, rec.Body)
	}
	if code, _ := st.getWork(t, id); code != http.StatusOK {
		t.Errorf("after a contributor's DELETE: GET %d, want 200", code)
	}
	rec = st.do(t, req{method: "DELETE", url: workURL(id) + "?note=" + url.QueryEscape("duplicate of the anime"), bearer: cur, header: one})
	if rec.Code != http.StatusOK || rec.Body.String() != `{"revision":2,"deleted":true}` {
		t.Fatalf("curator DELETE: %d %s", rec.Code, rec.Body)
	}
	if code, _ := st.getWork(t, id); code != http.StatusNotFound {
		t.Errorf("after the DELETE: GET %d, want 404", code)
	}
	if ids := st.searchIDs(t, "Welcome to the N.H.K."); cmp.Equal(ids, []string{}) || strings.Contains(strings.Join(ids, " "), id) {
		t.Errorf("search right after the delete = %v, want the anime without the novel", ids)
	}
	rev, err := st.store.Revision(t.Context(), id, 2)
	if err != nil || rev.Op != catalog.OpDelete || rev.Note != "duplicate of the anime" || rev.Author != "cora" {
		t.Errorf("delete revision = %+v, %v", rev, err)
	}
	if rec := st.do(t, req{method: "DELETE", url: workURL(id) + "?note=again", bearer: cur, header: map[string]string{"If-Match": `"2"`}}); rec.Code != http.StatusNotFound {
		t.Errorf("DELETE of a deleted work: %d, want 404", rec.Code)
	}
}

// TestAPIGetWorkNotModified: GET honours If-None-Match with the ETag.
func TestAPIGetWorkNotModified(t *testing.T) {
	st := newSite(t)
	for _, tt := range []struct {
		header string
		status int
	}{
		{`"1"`, http.StatusNotModified},
		{`W/"1"`, http.StatusNotModified},
		{`"3", "1"`, http.StatusNotModified},
		{`*`, http.StatusNotModified},
		{`"2"`, http.StatusOK},
		{``, http.StatusOK},
	} {
		rec := st.do(t, req{method: "GET", url: workURL("welcome-to-the-nhk-novel"), header: map[string]string{"If-None-Match": tt.header}})
		if rec.Code != tt.status || rec.Header().Get("ETag") != `"1"` {
			t.Errorf("If-None-Match %s: %d, ETag %q; want %d", tt.header, rec.Code, rec.Header().Get("ETag"), tt.status)
		}
		if tt.status == http.StatusNotModified && rec.Body.Len() != 0 {
			t.Errorf("If-None-Match %s: a 304 with a body %q", tt.header, rec.Body)
		}
	}
}

// TestAPIRevisions: every revision, oldest first, deleted works too; one
// revision with its work, null for a delete.
func TestAPIRevisions(t *testing.T) {
	st := newSite(t)
	cur := st.token(t, st.user(t, "cora", catalog.RoleCurator))
	const id = "quillwort-novel"
	steps := []req{
		{method: "POST", url: "/api/v1/works", body: writeBody(newWork(id, "Quillwort"), "new")},
		{method: "PUT", url: workURL(id), body: writeBody(newWork(id, "Quillwort Again"), "retitled"), header: map[string]string{"If-Match": `"1"`}},
		{method: "DELETE", url: workURL(id) + "?note=gone", header: map[string]string{"If-Match": `"2"`}},
	}
	for _, r := range steps {
		r.bearer = cur
		if rec := st.do(t, r); rec.Code >= 300 {
			t.Fatalf("%s %s: %d %s", r.method, r.url, rec.Code, rec.Body)
		}
	}
	rec := st.do(t, req{method: "GET", url: workURL(id) + "/revisions"})
	got := decodeJSON[revisionsResponse](t, rec)
	type row struct {
		N          int
		Op, Author string
		Note, URL  string
	}
	var rows []row
	for i, r := range got.Revisions {
		rows = append(rows, row{r.Number, string(r.Op), r.Author, r.Note, r.URL})
		if r.Time.IsZero() || r.Seq == 0 || (i > 0 && r.Seq <= got.Revisions[i-1].Seq) {
			t.Errorf("revision %d: time %v, seq %d", r.Number, r.Time, r.Seq)
		}
	}
	want := []row{
		{1, "create", "cora", "new", "/api/v1/works/quillwort-novel/revisions/1"},
		{2, "update", "cora", "retitled", "/api/v1/works/quillwort-novel/revisions/2"},
		{3, "delete", "cora", "gone", "/api/v1/works/quillwort-novel/revisions/3"},
	}
	if rec.Code != http.StatusOK || got.ID != id || !cmp.Equal(rows, want) {
		t.Errorf("GET revisions: %d, id %q, diff (-got +want):\n%s", rec.Code, got.ID, cmp.Diff(rows, want))
	}
	if strings.Contains(rec.Body.String(), `"title"`) {
		t.Errorf("the revision list holds works: %s", rec.Body)
	}

	rec = st.do(t, req{method: "GET", url: workURL(id) + "/revisions/2"})
	if r := decodeJSON[revisionResponse](t, rec); rec.Code != http.StatusOK || r.Number != 2 || r.Note != "retitled" || r.Work == nil || r.Work.Title != "Quillwort Again" {
		t.Errorf("GET revision 2: %d %s", rec.Code, rec.Body)
	}
	rec = st.do(t, req{method: "GET", url: workURL(id) + "/revisions/3"})
	if rec.Code != http.StatusOK || !strings.HasSuffix(rec.Body.String(), `"work":null}`) {
		t.Errorf("GET revision 3 (the delete): %d %s", rec.Code, rec.Body)
	}
	for _, tt := range []struct {
		url    string
		status int
	}{
		{workURL(id) + "/revisions/x", http.StatusBadRequest},
		{workURL(id) + "/revisions/0", http.StatusBadRequest},
		{workURL(id) + "/revisions/-1", http.StatusBadRequest},
		{workURL(id) + "/revisions/4", http.StatusNotFound},
		{workURL("no-such-work") + "/revisions", http.StatusNotFound},
		{workURL("no-such-work") + "/revisions/1", http.StatusNotFound},
	} {
		if rec := st.do(t, req{method: "GET", url: tt.url}); rec.Code != tt.status {
			t.Errorf("GET %s: %d, want %d", tt.url, rec.Code, tt.status)
		}
	}
}

type proposalList struct{ Proposals []proposalJSON }

// TestAPIProposals: who sees which proposal, accept (searchable at once),
// reject with a reason, and an accept whose work moved on.
func TestAPIProposals(t *testing.T) {
	st := newSite(t)
	cur := st.token(t, st.user(t, "cora", catalog.RoleCurator))
	cyd := st.token(t, st.user(t, "cyd", catalog.RoleContributor))
	dee := st.token(t, st.user(t, "dee", catalog.RoleContributor))
	propose := func(who, body string) proposalDetail {
		t.Helper()
		rec := st.do(t, req{method: "POST", url: "/api/v1/works", bearer: who, body: body})
		if rec.Code != http.StatusAccepted {
			t.Fatalf("propose: %d %s", rec.Code, rec.Body)
		}
		return decodeJSON[proposalResponse](t, rec).Proposal
	}
	p1 := propose(cyd, writeBody(newWork("quillwort-novel", "The Quillwort Room"), "a new one"))
	p2 := propose(dee, writeBody(newWork("zephyrine-novel", "Zephyrine"), "another"))

	list := func(who, query string) []int64 {
		t.Helper()
		rec := st.do(t, req{method: "GET", url: "/api/v1/proposals" + query, bearer: who})
		if rec.Code != http.StatusOK {
			t.Fatalf("GET proposals%s: %d %s", query, rec.Code, rec.Body)
		}
		ids := []int64{}
		for _, p := range decodeJSON[proposalList](t, rec).Proposals {
			ids = append(ids, p.ID)
		}
		return ids
	}
	for _, tt := range []struct {
		who, whoName, query string
		want                []int64
	}{
		{cyd, "cyd", "", []int64{p1.ID}},
		{cyd, "cyd", "?author=dee", []int64{p1.ID}}, // a contributor's list is their own, whatever they ask
		{dee, "dee", "", []int64{p2.ID}},
		{cur, "cora", "", []int64{p1.ID, p2.ID}},
		{cur, "cora", "?author=dee", []int64{p2.ID}},
		{cur, "cora", "?state=pending", []int64{p1.ID, p2.ID}},
		{cur, "cora", "?state=accepted", []int64{}},
		{cur, "cora", "?work=zephyrine-novel", []int64{p2.ID}},
	} {
		if got := list(tt.who, tt.query); !cmp.Equal(got, tt.want) {
			t.Errorf("%s: GET /api/v1/proposals%s = %v, want %v", tt.whoName, tt.query, got, tt.want)
		}
	}
	if rec := st.do(t, req{method: "GET", url: "/api/v1/proposals?state=waiting", bearer: cur}); rec.Code != http.StatusBadRequest || apiErrorOf(t, rec).Fields["state"] == "" {
		t.Errorf("?state=waiting: %d %s, want 400 naming state", rec.Code, rec.Body)
	}

	// Someone else's proposal is not found, in the same words as a
	// missing one.
	other := st.do(t, req{method: "GET", url: p2.URL, bearer: cyd})
	missing := st.do(t, req{method: "GET", url: "/api/v1/proposals/9999", bearer: cyd})
	if other.Code != http.StatusNotFound || missing.Code != http.StatusNotFound ||
		strings.ReplaceAll(other.Body.String(), fmt.Sprint(p2.ID), "N") != strings.ReplaceAll(missing.Body.String(), "9999", "N") {
		t.Errorf("someone else's proposal: %d %s; a missing one: %d %s", other.Code, other.Body, missing.Code, missing.Body)
	}
	if rec := st.do(t, req{method: "GET", url: "/api/v1/proposals/x", bearer: cur}); rec.Code != http.StatusBadRequest {
		t.Errorf("GET /api/v1/proposals/x: %d, want 400", rec.Code)
	}
	for _, who := range []string{cyd, cur} {
		rec := st.do(t, req{method: "GET", url: p1.URL, bearer: who})
		p := decodeJSON[proposalResponse](t, rec).Proposal
		if rec.Code != http.StatusOK || p.ID != p1.ID || p.Work == nil || p.Current == nil || *p.Current != 0 {
			t.Errorf("GET own proposal / as curator: %d %s", rec.Code, rec.Body)
		}
	}

	// Accept: a revision by the contributor, searchable at once.
	rec := st.do(t, req{method: "POST", url: p1.URL + "/accept", bearer: cur})
	acc := decodeJSON[acceptResponse](t, rec)
	if rec.Code != http.StatusOK || acc.Proposal.State != catalog.ProposalAccepted || acc.Proposal.Reviewer != "cora" ||
		acc.Proposal.Revision != 1 || acc.Revision.Number != 1 || acc.Revision.Author != "cyd" || acc.Revision.Note != "a new one (accepted by cora)" {
		t.Fatalf("accept: %d %s", rec.Code, rec.Body)
	}
	if ids := st.searchIDs(t, "quillwort"); !cmp.Equal(ids, []string{"quillwort-novel"}) {
		t.Errorf("search right after the accept = %v", ids)
	}
	if rec := st.do(t, req{method: "POST", url: p1.URL + "/accept", bearer: cur}); rec.Code != http.StatusConflict {
		t.Errorf("accepting twice: %d, want 409", rec.Code)
	}

	// Reject: a reason is required, and the contributor sees it.
	for _, body := range []string{"", `{}`, `{"reason":"  "}`} {
		if rec := st.do(t, req{method: "POST", url: p2.URL + "/reject", bearer: cur, body: body}); rec.Code != http.StatusUnprocessableEntity || apiErrorOf(t, rec).Fields["reason"] == "" {
			t.Errorf("reject with body %q: %d %s, want 422 naming reason", body, rec.Code, rec.Body)
		}
	}
	if rec := st.do(t, req{method: "POST", url: p2.URL + "/reject", bearer: cur, body: `{"reason":"no withdrawal in it"}`}); rec.Code != http.StatusOK {
		t.Fatalf("reject: %d %s", rec.Code, rec.Body)
	}
	rec = st.do(t, req{method: "GET", url: p2.URL, bearer: dee})
	if p := decodeJSON[proposalResponse](t, rec).Proposal; p.State != catalog.ProposalRejected || p.Reason != "no withdrawal in it" || p.Reviewed == nil || p.Current != nil {
		t.Errorf("the contributor's view of a rejected proposal: %s", rec.Body)
	}
	if code, _ := st.getWork(t, "zephyrine-novel"); code != http.StatusNotFound {
		t.Errorf("a rejected proposal's work: GET %d, want 404", code)
	}
	if got := list(cur, "?state=rejected"); !cmp.Equal(got, []int64{p2.ID}) {
		t.Errorf("?state=rejected = %v", got)
	}

	// A proposal whose work moved on cannot be accepted blindly.
	edit := writeBody(newWork("quillwort-novel", "The Quillwort Room, revised"), "a better title")
	p3 := func() proposalDetail {
		rec := st.do(t, req{method: "PUT", url: workURL("quillwort-novel"), bearer: cyd, body: edit, header: map[string]string{"If-Match": `"1"`}})
		if rec.Code != http.StatusAccepted {
			t.Fatalf("propose an update: %d %s", rec.Code, rec.Body)
		}
		return decodeJSON[proposalResponse](t, rec).Proposal
	}()
	if rec := st.do(t, req{method: "PUT", url: workURL("quillwort-novel"), bearer: cur, body: writeBody(newWork("quillwort-novel", "Quillwort"), "shorter"),
		header: map[string]string{"If-Match": `"1"`}}); rec.Code != http.StatusOK {
		t.Fatalf("curator update: %d %s", rec.Code, rec.Body)
	}
	rec = st.do(t, req{method: "GET", url: p3.URL, bearer: cur})
	if p := decodeJSON[proposalResponse](t, rec).Proposal; p.Base != 1 || p.Current == nil || *p.Current != 2 {
		t.Errorf("a stale proposal does not show the work's current revision: %s", rec.Body)
	}
	for _, body := range []string{"", `{"against":1}`} {
		rec := st.do(t, req{method: "POST", url: p3.URL + "/accept", bearer: cur, body: body})
		if e := apiErrorOf(t, rec); rec.Code != http.StatusPreconditionFailed || !strings.Contains(e.Message, "revision 1") || !strings.Contains(e.Message, "revision 2") {
			t.Errorf("accept %q of a stale proposal: %d %q, want 412 naming revisions 1 and 2", body, rec.Code, e.Message)
		}
	}
	for _, body := range []string{`{"against":-1}`, `{"against":"2"}`, `{"versus":2}`} {
		if rec := st.do(t, req{method: "POST", url: p3.URL + "/accept", bearer: cur, body: body}); rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("accept %s: %d, want 422", body, rec.Code)
		}
	}
	rec = st.do(t, req{method: "POST", url: p3.URL + "/accept", bearer: cur, body: `{"against":2}`})
	if acc := decodeJSON[acceptResponse](t, rec); rec.Code != http.StatusOK || acc.Revision.Number != 3 || acc.Revision.Author != "cyd" {
		t.Errorf("accept against the current revision: %d %s", rec.Code, rec.Body)
	}
	if _, w := st.getWork(t, "quillwort-novel"); w.Work.Title != "The Quillwort Room, revised" || w.Revision != 3 {
		t.Errorf("after the accept: %q at %d", w.Work.Title, w.Revision)
	}
}

// TestProposalsStayPrivate: nothing a contributor proposes (a new work, a
// change, a deletion) shows in search, in the API or on the public pages
// until a curator accepts it.
func TestProposalsStayPrivate(t *testing.T) {
	st := newSite(t)
	cur := st.token(t, st.user(t, "cora", catalog.RoleCurator))
	con := st.token(t, st.user(t, "cyd", catalog.RoleContributor))
	const changed, doomed = "welcome-to-the-nhk-novel", "welcome-to-the-nhk-anime"
	_, before := st.getWork(t, changed)
	edited := *before.Work
	edited.Synopsis = "A marmoreal synopsis nobody accepted."
	doc, _ := json.Marshal(&edited)
	var pids []string
	for _, r := range []req{
		{method: "POST", url: "/api/v1/works", body: writeBody(newWork("quillwort-novel", "The Quillwort Room"), "new")},
		{method: "PUT", url: workURL(changed), body: writeBody(string(doc), "synopsis"), header: map[string]string{"If-Match": `"1"`}},
		{method: "DELETE", url: workURL(doomed) + "?note=out", header: map[string]string{"If-Match": `"1"`}},
	} {
		r.bearer = con
		rec := st.do(t, r)
		if rec.Code != http.StatusAccepted {
			t.Fatalf("%s %s: %d %s", r.method, r.url, rec.Code, rec.Body)
		}
		pids = append(pids, rec.Header().Get("Location"))
	}
	check := func(when string, accepted bool) {
		t.Helper()
		for _, q := range []string{"quillwort", "marmoreal"} {
			if ids := st.searchIDs(t, q); (len(ids) > 0) != accepted {
				t.Errorf("%s: search %q = %v", when, q, ids)
			}
		}
		if code, _ := st.getWork(t, "quillwort-novel"); (code == http.StatusOK) != accepted {
			t.Errorf("%s: GET the proposed work: %d", when, code)
		}
		if rec := st.do(t, req{method: "GET", url: "/works/quillwort-novel"}); (rec.Code == http.StatusOK) != accepted {
			t.Errorf("%s: the proposed work's page: %d", when, rec.Code)
		}
		if _, w := st.getWork(t, changed); (w.Work.Synopsis == edited.Synopsis) != accepted {
			t.Errorf("%s: the changed work's synopsis is %q", when, w.Work.Synopsis)
		}
		if rec := st.do(t, req{method: "GET", url: "/works/" + changed}); strings.Contains(rec.Body.String(), "marmoreal") != accepted {
			t.Errorf("%s: the changed work's page shows the proposed synopsis: %v", when, !accepted)
		}
		if code, _ := st.getWork(t, doomed); (code == http.StatusNotFound) != accepted {
			t.Errorf("%s: GET the work proposed for deletion: %d", when, code)
		}
		revs, err := st.store.Revisions(t.Context(), changed)
		if err != nil || (len(revs) == 2) != accepted {
			t.Errorf("%s: the changed work has %d revisions (%v)", when, len(revs), err)
		}
	}
	check("before review", false)
	for _, p := range pids {
		if rec := st.do(t, req{method: "POST", url: p + "/accept", bearer: cur}); rec.Code != http.StatusOK {
			t.Fatalf("accept %s: %d %s", p, rec.Code, rec.Body)
		}
	}
	check("after the accepts", true)
}

// TestAPIEvidenceRequired: a curated save through the API keeps the edit
// form's evidence rule, reported with the body's other problems.
func TestAPIEvidenceRequired(t *testing.T) {
	st := newSite(t)
	token := st.token(t, st.user(t, "cora", catalog.RoleCurator))
	body := `{"work": {"id": "bare-coding-manga", "title": "Bare Coding", "medium": "manga", "year": 2020,
		"portrayal": {"realism": "realistic", "recovery": "none"}}}`
	rec := st.do(t, req{method: "POST", url: "/api/v1/works", body: body, bearer: token})
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("POST without evidence: %d, want 422; %s", rec.Code, rec.Body)
	}
	var res struct {
		Error struct{ Fields map[string]string }
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	f := res.Error.Fields
	if f["work.portrayal.realism.evidence"] == "" || f["note"] == "" || f["work.portrayal.recovery.evidence"] != "" {
		t.Errorf("fields = %v; want realism's evidence and the note named, recovery \"none\" exempt", f)
	}
}

// TestAPIEvidenceSource: a coding's source and locator are taken by a
// write and given back by a read; a source number outside the work's
// sources is a 422 naming the field.
func TestAPIEvidenceSource(t *testing.T) {
	st := newSite(t)
	token := st.token(t, st.user(t, "cora", catalog.RoleCurator))
	work := `{"id": "cited-coding-manga", "title": "Cited Coding", "medium": "manga", "year": 2020,
		"sources": [{"url": "https://a.example/", "title": "A"}, {"url": "https://b.example/", "title": "B"}],
		"portrayal": {"realism": {"value": "realistic", "evidence": "Her panic.", "source": SOURCE, "locator": "chapter 3"}}}`
	rec := st.do(t, req{method: "POST", url: "/api/v1/works", bearer: token, body: writeBody(strings.Replace(work, "SOURCE", "3", 1), "new")})
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("POST with source 3 of 2: %d, want 422; %s", rec.Code, rec.Body)
	}
	if got, want := apiErrorOf(t, rec).Fields["work.portrayal.realism.source"], "must be the number of one of the work's 2 sources (1 to 2), got 3"; got != want {
		t.Errorf("work.portrayal.realism.source: %q, want %q", got, want)
	}
	rec = st.do(t, req{method: "POST", url: "/api/v1/works", bearer: token, body: writeBody(strings.Replace(work, "SOURCE", "2", 1), "new")})
	if rec.Code != http.StatusCreated {
		t.Fatalf("POST with source 2: %d; %s", rec.Code, rec.Body)
	}
	code, got := st.getWork(t, "cited-coding-manga")
	want := catalog.Coding{Value: "realistic", Evidence: "Her panic.", Source: 2, Locator: "chapter 3"}
	if code != http.StatusOK || !cmp.Equal(got.Work.Portrayal["realism"], want) {
		t.Errorf("GET = %d, realism %+v; want %+v", code, got.Work.Portrayal["realism"], want)
	}
	raw := st.do(t, req{method: "GET", url: workURL("cited-coding-manga")}).Body.String()
	if !strings.Contains(raw, `"source":2,"locator":"chapter 3"`) {
		t.Errorf("GET body lacks the source and locator: %s", raw)
	}
}
