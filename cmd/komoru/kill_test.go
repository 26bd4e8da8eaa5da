package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/password"
	"github.com/komoru/komoru/catalog/sqlite"
)

// killAfter is how many acknowledged writes the kill test waits for before
// it kills the server; killWorkers send them at once.
const (
	killAfter   = 40
	killWorkers = 4
)

// acked is a write the server answered with 2xx: it must survive a crash.
type acked struct {
	id, author, note string
	rev              int
	op               catalog.Op
}

// TestServeKilledMidSave kills `komoru serve` with SIGKILL while several
// clients create, update and delete works, propose and accept through the
// API, restarts it, and checks that every write answered with 2xx is
// there with its revision and note, that every acknowledged proposal
// exists in its state, that no revision or proposal holds less than a
// whole valid work, and that search agrees with the catalog.
func TestServeKilledMidSave(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	cmd, addr, _ := startServe(t, data)
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(data, catalogFile), catalog.DefaultCodebook())
	if err != nil {
		t.Fatal(err)
	}
	// The accounts are made in the catalog file while the server runs, as
	// `komoru user add` and `komoru token create` would.
	cur, con := account(t, store, "cora", catalog.RoleCurator), account(t, store, "cyd", catalog.RoleContributor)
	store.Close()

	var (
		mu        sync.Mutex
		acks      []acked
		proposals = map[int64]int{} // acknowledged proposal → the revision its acknowledged accept made, 0 if none
		inFlight  int               // requests that got no answer: the kill cut them
	)
	ack := func(a acked) {
		mu.Lock()
		acks = append(acks, a)
		mu.Unlock()
	}
	client := &http.Client{Timeout: 30 * time.Second}
	// call sends one API request; ok is false when the server did not
	// answer (it was killed), and the worker stops.
	call := func(method, path, token, ifMatch, body string, want int, into any) bool {
		r, err := http.NewRequest(method, "http://"+addr+path, strings.NewReader(body))
		if err != nil {
			t.Error(err)
			return false
		}
		r.Header.Set("Authorization", "Bearer "+token)
		r.Header.Set("Content-Type", "application/json")
		if ifMatch != "" {
			r.Header.Set("If-Match", ifMatch)
		}
		resp, err := client.Do(r)
		if err != nil {
			mu.Lock()
			inFlight++
			mu.Unlock()
			return false
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			mu.Lock()
			inFlight++ // the answer was cut: its outcome is unknown
			mu.Unlock()
			return false
		}
		if resp.StatusCode != want {
			t.Errorf("%s %s: %d, want %d: %s", method, path, resp.StatusCode, want, b)
			return false
		}
		if err := json.Unmarshal(b, into); err != nil {
			t.Errorf("%s %s: %v in %s", method, path, err, b)
			return false
		}
		return true
	}
	body := func(id, title, note string) string {
		return fmt.Sprintf(`{"work":{"id":%q,"title":%q,"medium":"novel","year":2001},"note":%q}`, id, title, note)
	}
	// worker g writes only its own works, so that every write it sends
	// should succeed: whatever fails was done by the kill.
	worker := func(g int) {
		for i := range 100 { // bounded: the kill comes long before
			id, pid := fmt.Sprintf("kill-%d-%d", g, i), fmt.Sprintf("killprop-%d-%d", g, i)
			var w struct{ Revision int }
			note := "create " + id
			if !call("POST", "/api/v1/works", cur, "", body(id, fmt.Sprintf("Zorbulon %d %d", g, i), note), 201, &w) {
				return
			}
			ack(acked{id: id, author: "cora", note: note, rev: w.Revision, op: catalog.OpCreate})
			note = "update " + id
			if !call("PUT", "/api/v1/works/"+id, cur, `"1"`, body(id, fmt.Sprintf("Zorbulon %d %d revised", g, i), note), 200, &w) {
				return
			}
			ack(acked{id: id, author: "cora", note: note, rev: w.Revision, op: catalog.OpUpdate})
			var p struct{ Proposal struct{ ID int64 } }
			note = "propose " + pid
			if !call("POST", "/api/v1/works", con, "", body(pid, fmt.Sprintf("Zorbulon proposed %d %d", g, i), note), 202, &p) {
				return
			}
			mu.Lock()
			proposals[p.Proposal.ID] = 0
			mu.Unlock()
			var a struct{ Revision struct{ Number int } }
			if !call("POST", fmt.Sprintf("/api/v1/proposals/%d/accept", p.Proposal.ID), cur, "", "", 200, &a) {
				return
			}
			ack(acked{id: pid, author: "cyd", note: note + " (accepted by cora)", rev: a.Revision.Number, op: catalog.OpCreate})
			mu.Lock()
			proposals[p.Proposal.ID] = a.Revision.Number
			mu.Unlock()
			var d struct{ Revision int }
			note = "delete " + id
			if !call("DELETE", "/api/v1/works/"+id+"?note="+url.QueryEscape(note), cur, `"2"`, "", 200, &d) {
				return
			}
			ack(acked{id: id, author: "cora", note: note, rev: d.Revision, op: catalog.OpDelete})
		}
	}
	var wg sync.WaitGroup
	for g := range killWorkers {
		wg.Go(func() { worker(g) })
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		mu.Lock()
		n := len(acks)
		mu.Unlock()
		if n >= killAfter || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	cmd.Wait()
	wg.Wait()
	if len(acks) < killAfter {
		t.Fatalf("only %d writes were acknowledged in 60 s before the kill", len(acks))
	}
	t.Logf("killed the server after %d acknowledged writes and %d proposals, with %d requests in flight", len(acks), len(proposals), inFlight)

	_, addr, _ = startServe(t, data)
	store, err = sqlite.Open(ctx, filepath.Join(data, catalogFile), catalog.DefaultCodebook())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if err := store.Check(ctx); err != nil {
		t.Fatal(err)
	}

	// Every acknowledged write is there, as the API shows it.
	for _, a := range acks {
		var r struct {
			Number       int
			Op           catalog.Op
			Author, Note string
			Work         *catalog.Work
		}
		if !call("GET", fmt.Sprintf("/api/v1/works/%s/revisions/%d", a.id, a.rev), cur, "", "", 200, &r) {
			t.Errorf("acknowledged %s of %s (revision %d) is lost", a.op, a.id, a.rev)
			continue
		}
		if r.Number != a.rev || r.Op != a.op || r.Author != a.author || r.Note != a.note || (r.Work == nil) != (a.op == catalog.OpDelete) {
			t.Errorf("revision %d of %s = %+v, want %+v", a.rev, a.id, r, a)
		}
	}
	for pid, rev := range proposals {
		p, err := store.Proposal(ctx, pid)
		switch {
		case err != nil:
			t.Errorf("acknowledged proposal %d: %v", pid, err)
		case rev > 0 && (p.State != catalog.ProposalAccepted || p.Revision != rev):
			t.Errorf("proposal %d: %s as revision %d, want accepted as revision %d", pid, p.State, p.Revision, rev)
		}
	}

	// Nothing half-written: every revision is a whole valid work (or a
	// delete), numbered without gaps, in sequence order.
	cb := store.Codebook()
	revs, err := store.Changes(ctx, 0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	last := map[string]int{}
	for i, r := range revs {
		if i > 0 && r.Seq <= revs[i-1].Seq {
			t.Errorf("revision seq %d after %d", r.Seq, revs[i-1].Seq)
		}
		if r.Number != last[r.WorkID]+1 {
			t.Errorf("%s: revision %d after %d", r.WorkID, r.Number, last[r.WorkID])
		}
		last[r.WorkID] = r.Number
		if (r.Work == nil) != (r.Op == catalog.OpDelete) {
			t.Errorf("%s revision %d (%s) has work %v", r.WorkID, r.Number, r.Op, r.Work != nil)
			continue
		}
		if r.Work != nil {
			checkWhole(t, cb, fmt.Sprintf("%s revision %d", r.WorkID, r.Number), r.Work)
		}
	}
	all, err := store.Proposals(ctx, catalog.ProposalFilter{Limit: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range all {
		if p.Work == nil {
			t.Errorf("proposal %d has no work", p.ID)
			continue
		}
		checkWhole(t, cb, fmt.Sprintf("proposal %d", p.ID), p.Work)
	}

	// Search after the restart agrees with the catalog.
	var want []string
	if err := store.Each(ctx, func(w *catalog.Work) error {
		if strings.HasPrefix(w.ID, "kill") {
			want = append(want, w.ID)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var res struct {
		Total int
		Hits  []struct{ ID string }
	}
	if !call("GET", "/api/v1/search?typo=false&size=100&q=zorbulon", cur, "", "", 200, &res) {
		t.Fatal("search after the restart failed")
	}
	var got []string
	for _, h := range res.Hits {
		got = append(got, h.ID)
	}
	slices.Sort(got)
	if res.Total > 100 || !slices.Equal(got, want) {
		t.Errorf("after the restart search finds %d works %v, the catalog holds %v", res.Total, got, want)
	}
}

// account makes an account with a password and returns an API token.
func account(t *testing.T, store catalog.Store, name string, role catalog.Role) string {
	t.Helper()
	ctx, now := context.Background(), time.Now()
	invite, err := catalog.AddUser(ctx, store, name, role, now)
	if err != nil {
		t.Fatal(err)
	}
	hash, err := password.Hash("correct horse battery staple", password.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := catalog.AcceptInvite(ctx, store, invite, hash, now); err != nil {
		t.Fatal(err)
	}
	token, _, err := catalog.CreateToken(ctx, store, name, "kill test", time.Time{}, now)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// checkWhole fails unless w, written out and read back as an import line,
// is a valid work.
func checkWhole(t *testing.T, cb *catalog.Codebook, what string, w *catalog.Work) {
	t.Helper()
	doc, err := w.MarshalCanonical()
	if err == nil {
		_, err = catalog.ParseWork(doc, cb)
	}
	if err != nil {
		t.Errorf("%s is not a whole work: %v", what, err)
	}
}
