package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/indexer"
	"github.com/komoru/komoru/web"
)

// TestEditToSearchable makes 100 edits through the real HTTP server, each
// a new title, and searches for each new title as soon as the PUT is
// answered: the server catches the index up before it answers, so the
// first search must find it. It logs how long an edit takes to become
// searchable (p50, p95), from sending the PUT to the answer of the search
// that finds it; the figure is reported, not asserted.
func TestEditToSearchable(t *testing.T) {
	st := newSite(t)
	token := st.token(t, st.user(t, "cora", catalog.RoleCurator))
	srv := httptest.NewServer(st.Handler())
	defer srv.Close()
	const id, edits = "welcome-to-the-nhk-novel", 100
	_, cur := st.getWork(t, id)
	w := *cur.Work
	client := srv.Client()
	send := func(method, path, body string, header map[string]string) *http.Response {
		t.Helper()
		r, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		r.Header.Set("Authorization", "Bearer "+token)
		r.Header.Set("Content-Type", "application/json")
		for k, v := range header {
			r.Header.Set(k, v)
		}
		resp, err := client.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	var toSearchable, putOnly []time.Duration
	for i := range edits {
		// A made-up word per edit: letters only, one token.
		word := "kestrel" + strings.Map(func(r rune) rune { return 'a' + (r - '0') }, fmt.Sprintf("%03d", i))
		w.Title = "Welcome to the " + word
		doc, err := w.MarshalCanonical()
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		resp := send("PUT", workURL(id), writeBody(string(doc), "edit "+word), map[string]string{"If-Match": etag(cur.Revision + i)})
		resp.Body.Close()
		putOnly = append(putOnly, time.Since(start))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("edit %d: PUT %d", i, resp.StatusCode)
		}
		resp = send("GET", "/api/v1/search?typo=false&q="+url.QueryEscape(word), "", nil)
		var res struct{ Total int }
		err = decodeBody(resp, &res)
		toSearchable = append(toSearchable, time.Since(start))
		if err != nil || res.Total != 1 {
			t.Fatalf("edit %d: the first search after the PUT's answer finds %d works (%v), want the edited one", i, res.Total, err)
		}
	}
	t.Logf("edit to searchable over %d edits through HTTP: p50 %v, p95 %v (the PUT alone: p50 %v, p95 %v)",
		edits, percentile(toSearchable, 50), percentile(toSearchable, 95), percentile(putOnly, 50), percentile(putOnly, 95))
}

func percentile(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[(len(s)-1)*p/100].Round(10 * time.Microsecond)
}

// TestSaveStatements counts what one request that saves costs the store,
// call by call, through a store that counts every call and passes it on
// to the real SQLite store. Each call is one SQL statement, except
// Append, which is two (the revision, and the work pointed at it), and a
// write transaction adds BEGIN and COMMIT. The sequences are pinned: a
// save that starts running more statements should be a decision.
func TestSaveStatements(t *testing.T) {
	st := newSite(t)
	ctx := t.Context()
	cs := &countingStore{Store: st.store}
	ix, err := indexer.Open(ctx, filepath.Join(t.TempDir(), "index"), cs, indexer.Options{Codebook: st.store.Codebook()})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	srv, err := New(Config{Store: cs, Search: ix, Index: ix, Codebook: st.store.Codebook(), Assets: web.FS, Password: fastHash, Now: st.clock})
	if err != nil {
		t.Fatal(err)
	}
	cur := st.token(t, st.user(t, "cora", catalog.RoleCurator))
	con := st.token(t, st.user(t, "cyd", catalog.RoleContributor))
	do := func(r req) []string {
		t.Helper()
		cs.reset()
		rec := httptest.NewRecorder()
		hr := httptest.NewRequest(r.method, r.url, strings.NewReader(r.body))
		hr.Header.Set("Authorization", "Bearer "+r.bearer)
		for k, v := range r.header {
			hr.Header.Set(k, v)
		}
		srv.Handler().ServeHTTP(rec, hr)
		if rec.Code >= 300 {
			t.Fatalf("%s %s: %d %s", r.method, r.url, rec.Code, rec.Body)
		}
		return cs.reset()
	}
	// A token's first use records it (at most once a minute); the figures
	// are of the requests after.
	do(req{method: "GET", url: "/api/v1/proposals", bearer: cur})
	do(req{method: "GET", url: "/api/v1/proposals", bearer: con})

	const id = "welcome-to-the-nhk-novel"
	auth := []string{"Token", "User"}
	catchUp := []string{"Changes", "Changes"} // the new revision, then none
	for _, tt := range []struct {
		name string
		r    req
		want []string
	}{
		{"a curator's update", req{method: "PUT", url: workURL(id), bearer: cur, header: map[string]string{"If-Match": `"1"`},
			body: writeBody(newWork(id, "Welcome"), "shorter")},
			concat(auth, []string{"BEGIN", "Head", "Append", "COMMIT"}, catchUp)},
		{"a contributor's proposal", req{method: "PUT", url: workURL(id), bearer: con, header: map[string]string{"If-Match": `"2"`},
			body: writeBody(newWork(id, "Welcome back"), "longer")},
			concat(auth, []string{"BEGIN", "Head", "PutProposal", "COMMIT"})},
		{"a curator's accept", req{method: "POST", url: "/api/v1/proposals/1/accept", bearer: cur},
			concat(auth, []string{"BEGIN", "Proposal", "Head", "Append", "PutProposal", "COMMIT"}, catchUp)},
	} {
		got := do(tt.r)
		if !cmp.Equal(got, tt.want) {
			t.Errorf("%s: store calls (-got +want):\n%s", tt.name, cmp.Diff(got, tt.want))
		}
		t.Logf("%s: %d SQL statements (%s)", tt.name, statements(got), strings.Join(got, ", "))
	}
}

func concat(parts ...[]string) []string { return slices.Concat(parts...) }

// statements is how many SQL statements calls run on catalog/sqlite.
func statements(calls []string) int {
	n := 0
	for _, c := range calls {
		n++
		if c == "Append" {
			n++
		}
	}
	return n
}

func decodeBody(resp *http.Response, v any) error {
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(v)
}

// countingStore passes every call on to a real store and records its
// name; a write transaction's calls are recorded between BEGIN and COMMIT
// (or ROLLBACK).
type countingStore struct {
	catalog.Store
	mu    sync.Mutex
	calls []string
}

func (s *countingStore) count(name string) {
	s.mu.Lock()
	s.calls = append(s.calls, name)
	s.mu.Unlock()
}

// reset returns the calls recorded since the last reset.
func (s *countingStore) reset() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	calls := s.calls
	s.calls = nil
	return calls
}

func (s *countingStore) Get(ctx context.Context, id string) (catalog.Revision, error) {
	s.count("Get")
	return s.Store.Get(ctx, id)
}

func (s *countingStore) Revision(ctx context.Context, id string, n int) (catalog.Revision, error) {
	s.count("Revision")
	return s.Store.Revision(ctx, id, n)
}

func (s *countingStore) Revisions(ctx context.Context, id string) ([]catalog.Revision, error) {
	s.count("Revisions")
	return s.Store.Revisions(ctx, id)
}

func (s *countingStore) Changes(ctx context.Context, after int64, limit int) ([]catalog.Revision, error) {
	s.count("Changes")
	return s.Store.Changes(ctx, after, limit)
}

func (s *countingStore) History(ctx context.Context, f catalog.HistoryFilter) ([]catalog.Revision, error) {
	s.count("History")
	return s.Store.History(ctx, f)
}

func (s *countingStore) LastSeq(ctx context.Context) (int64, error) {
	s.count("LastSeq")
	return s.Store.LastSeq(ctx)
}

func (s *countingStore) Count(ctx context.Context) (int, error) {
	s.count("Count")
	return s.Store.Count(ctx)
}

func (s *countingStore) Each(ctx context.Context, fn func(*catalog.Work) error) error {
	s.count("Each")
	return s.Store.Each(ctx, fn)
}

func (s *countingStore) User(ctx context.Context, name string) (catalog.User, error) {
	s.count("User")
	return s.Store.User(ctx, name)
}

func (s *countingStore) Users(ctx context.Context) ([]catalog.User, error) {
	s.count("Users")
	return s.Store.Users(ctx)
}

func (s *countingStore) Session(ctx context.Context, hash string) (catalog.Session, error) {
	s.count("Session")
	return s.Store.Session(ctx, hash)
}

func (s *countingStore) Token(ctx context.Context, hash string) (catalog.Token, error) {
	s.count("Token")
	return s.Store.Token(ctx, hash)
}

func (s *countingStore) Tokens(ctx context.Context, user string) ([]catalog.Token, error) {
	s.count("Tokens")
	return s.Store.Tokens(ctx, user)
}

func (s *countingStore) Proposal(ctx context.Context, id int64) (catalog.Proposal, error) {
	s.count("Proposal")
	return s.Store.Proposal(ctx, id)
}

func (s *countingStore) Proposals(ctx context.Context, f catalog.ProposalFilter) ([]catalog.Proposal, error) {
	s.count("Proposals")
	return s.Store.Proposals(ctx, f)
}

func (s *countingStore) Write(ctx context.Context, fn func(catalog.Tx) error) error {
	s.count("BEGIN")
	err := s.Store.Write(ctx, func(tx catalog.Tx) error { return fn(&countingTx{Tx: tx, s: s}) })
	if err != nil {
		s.count("ROLLBACK")
	} else {
		s.count("COMMIT")
	}
	return err
}

// countingTx records every call of a write transaction.
type countingTx struct {
	catalog.Tx
	s *countingStore
}

func (t *countingTx) Head(ctx context.Context, id string) (catalog.Head, error) {
	t.s.count("Head")
	return t.Tx.Head(ctx, id)
}

func (t *countingTx) Revision(ctx context.Context, id string, n int) (catalog.Revision, error) {
	t.s.count("Revision")
	return t.Tx.Revision(ctx, id, n)
}

func (t *countingTx) Append(ctx context.Context, r catalog.Revision, doc []byte) (catalog.Revision, error) {
	t.s.count("Append")
	return t.Tx.Append(ctx, r, doc)
}

func (t *countingTx) Remember(ctx context.Context, key string, value int) (int, bool, error) {
	t.s.count("Remember")
	return t.Tx.Remember(ctx, key, value)
}

func (t *countingTx) Meta(ctx context.Context, key string) (string, error) {
	t.s.count("Meta")
	return t.Tx.Meta(ctx, key)
}

func (t *countingTx) SetMeta(ctx context.Context, key, value string) error {
	t.s.count("SetMeta")
	return t.Tx.SetMeta(ctx, key, value)
}

func (t *countingTx) User(ctx context.Context, name string) (catalog.User, error) {
	t.s.count("User")
	return t.Tx.User(ctx, name)
}

func (t *countingTx) PutUser(ctx context.Context, u catalog.User) error {
	t.s.count("PutUser")
	return t.Tx.PutUser(ctx, u)
}

func (t *countingTx) Invite(ctx context.Context, hash string) (catalog.Invite, error) {
	t.s.count("Invite")
	return t.Tx.Invite(ctx, hash)
}

func (t *countingTx) PutInvite(ctx context.Context, inv catalog.Invite) error {
	t.s.count("PutInvite")
	return t.Tx.PutInvite(ctx, inv)
}

func (t *countingTx) DeleteInvites(ctx context.Context, user string) error {
	t.s.count("DeleteInvites")
	return t.Tx.DeleteInvites(ctx, user)
}

func (t *countingTx) Session(ctx context.Context, hash string) (catalog.Session, error) {
	t.s.count("Session")
	return t.Tx.Session(ctx, hash)
}

func (t *countingTx) PutSession(ctx context.Context, s catalog.Session) error {
	t.s.count("PutSession")
	return t.Tx.PutSession(ctx, s)
}

func (t *countingTx) DeleteSession(ctx context.Context, hash string) error {
	t.s.count("DeleteSession")
	return t.Tx.DeleteSession(ctx, hash)
}

func (t *countingTx) DeleteSessions(ctx context.Context, user, keep string) error {
	t.s.count("DeleteSessions")
	return t.Tx.DeleteSessions(ctx, user, keep)
}

func (t *countingTx) PutToken(ctx context.Context, tk catalog.Token) (catalog.Token, error) {
	t.s.count("PutToken")
	return t.Tx.PutToken(ctx, tk)
}

func (t *countingTx) Token(ctx context.Context, hash string) (catalog.Token, error) {
	t.s.count("Token")
	return t.Tx.Token(ctx, hash)
}

func (t *countingTx) DeleteToken(ctx context.Context, user string, id int64) error {
	t.s.count("DeleteToken")
	return t.Tx.DeleteToken(ctx, user, id)
}

func (t *countingTx) DeleteTokens(ctx context.Context, user string) error {
	t.s.count("DeleteTokens")
	return t.Tx.DeleteTokens(ctx, user)
}

func (t *countingTx) Throttle(ctx context.Context, key string) (catalog.Throttle, error) {
	t.s.count("Throttle")
	return t.Tx.Throttle(ctx, key)
}

func (t *countingTx) PutThrottle(ctx context.Context, th catalog.Throttle) error {
	t.s.count("PutThrottle")
	return t.Tx.PutThrottle(ctx, th)
}

func (t *countingTx) Proposal(ctx context.Context, id int64) (catalog.Proposal, error) {
	t.s.count("Proposal")
	return t.Tx.Proposal(ctx, id)
}

func (t *countingTx) PutProposal(ctx context.Context, p catalog.Proposal) (catalog.Proposal, error) {
	t.s.count("PutProposal")
	return t.Tx.PutProposal(ctx, p)
}
