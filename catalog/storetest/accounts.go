package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/komoru/komoru/catalog"
)

// t0 has nanoseconds, so a store that rounds times fails.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 987654321, time.UTC)

func testUsers(t *testing.T, su suite) {
	ctx := context.Background()
	s := su.open(t)
	if _, err := s.User(ctx, "ann"); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("User(ann) on an empty store = %v, want ErrNotFound", err)
	}
	ann := catalog.User{Name: "ann", Role: catalog.RoleCurator, Created: t0}
	bo := catalog.User{Name: "bo", Role: catalog.RoleAdmin, PasswordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
		Created: t0, PasswordChanged: t0.Add(time.Hour)}
	write(t, s, func(tx catalog.Tx) error {
		for _, u := range []catalog.User{bo, ann} {
			if err := tx.PutUser(ctx, u); err != nil {
				return err
			}
		}
		got, err := tx.User(ctx, "ann")
		if err != nil || !cmp.Equal(got, ann) {
			t.Errorf("tx.User(ann) = %+v, %v; want %+v", got, err, ann)
		}
		return nil
	})
	users, err := s.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]catalog.User{ann, bo}, users); diff != "" {
		t.Errorf("Users (-want +got):\n%s", diff)
	}
	// PutUser replaces by name.
	ann.Role, ann.Disabled = catalog.RoleContributor, true
	write(t, s, func(tx catalog.Tx) error { return tx.PutUser(ctx, ann) })
	if got, err := s.User(ctx, "ann"); err != nil || !cmp.Equal(got, ann) {
		t.Errorf("User(ann) after PutUser = %+v, %v; want %+v", got, err, ann)
	}
	if users, _ := s.Users(ctx); len(users) != 2 {
		t.Errorf("Users after a replace = %d, want 2", len(users))
	}
}

func putUsers(t *testing.T, s catalog.Store, names ...string) {
	t.Helper()
	write(t, s, func(tx catalog.Tx) error {
		for _, n := range names {
			if err := tx.PutUser(context.Background(), catalog.User{Name: n, Role: catalog.RoleCurator, Created: t0}); err != nil {
				return err
			}
		}
		return nil
	})
}

func testSessions(t *testing.T, su suite) {
	ctx := context.Background()
	s := su.open(t)
	putUsers(t, s, "ann", "bo")
	sess := func(hash, user string) catalog.Session {
		return catalog.Session{Hash: hash, User: user, Created: t0, Seen: t0.Add(time.Minute)}
	}
	write(t, s, func(tx catalog.Tx) error {
		for _, se := range []catalog.Session{sess("h1", "ann"), sess("h2", "ann"), sess("h3", "ann"), sess("h4", "bo")} {
			if err := tx.PutSession(ctx, se); err != nil {
				return err
			}
		}
		return nil
	})
	if got, err := s.Session(ctx, "h1"); err != nil || !cmp.Equal(got, sess("h1", "ann")) {
		t.Errorf("Session(h1) = %+v, %v", got, err)
	}
	touched := sess("h1", "ann")
	touched.Seen = t0.Add(time.Hour)
	write(t, s, func(tx catalog.Tx) error {
		if err := tx.PutSession(ctx, touched); err != nil {
			return err
		}
		if err := tx.DeleteSession(ctx, "h2"); err != nil {
			return err
		}
		if err := tx.DeleteSession(ctx, "no-such"); err != nil {
			t.Errorf("DeleteSession of none = %v, want nil", err)
		}
		return nil
	})
	if got, _ := s.Session(ctx, "h1"); !got.Seen.Equal(touched.Seen) {
		t.Errorf("Session(h1).Seen = %v after PutSession, want %v", got.Seen, touched.Seen)
	}
	// A password change keeps the session that made it and ends the rest.
	write(t, s, func(tx catalog.Tx) error { return tx.DeleteSessions(ctx, "ann", "h1") })
	want := map[string]bool{"h1": true, "h2": false, "h3": false, "h4": true}
	for h, ok := range want {
		_, err := s.Session(ctx, h)
		if ok != (err == nil) || (!ok && !errors.Is(err, catalog.ErrNotFound)) {
			t.Errorf("Session(%s) = %v, want present %v", h, err, ok)
		}
	}
	write(t, s, func(tx catalog.Tx) error { return tx.DeleteSessions(ctx, "ann", "") })
	if _, err := s.Session(ctx, "h1"); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("Session(h1) after DeleteSessions(ann, none) = %v, want ErrNotFound", err)
	}
}

func testTokens(t *testing.T, su suite) {
	ctx := context.Background()
	s := su.open(t)
	putUsers(t, s, "ann", "bo")
	var a1, a2, b1 catalog.Token
	write(t, s, func(tx catalog.Tx) error {
		var err error
		if a1, err = tx.PutToken(ctx, catalog.Token{Hash: "ha1", User: "ann", Name: "script", Created: t0}); err != nil {
			return err
		}
		if a2, err = tx.PutToken(ctx, catalog.Token{Hash: "ha2", User: "ann", Name: "ci", Created: t0, Expires: t0.Add(90 * 24 * time.Hour)}); err != nil {
			return err
		}
		b1, err = tx.PutToken(ctx, catalog.Token{Hash: "hb1", User: "bo", Name: "x", Created: t0})
		return err
	})
	if a1.ID == 0 || a2.ID <= a1.ID || b1.ID <= a2.ID {
		t.Errorf("token IDs %d, %d, %d; want new, increasing IDs", a1.ID, a2.ID, b1.ID)
	}
	if got, err := s.Token(ctx, "ha2"); err != nil || !cmp.Equal(got, a2) {
		t.Errorf("Token(ha2) = %+v, %v; want %+v", got, err, a2)
	}
	if got, err := s.Tokens(ctx, "ann"); err != nil || !cmp.Equal(got, []catalog.Token{a1, a2}) {
		t.Errorf("Tokens(ann) = %+v, %v", got, err)
	}
	err := s.Write(ctx, func(tx catalog.Tx) error {
		_, err := tx.PutToken(ctx, catalog.Token{Hash: "ha1", User: "bo", Name: "dup", Created: t0})
		return err
	})
	if !errors.Is(err, catalog.ErrConflict) {
		t.Errorf("PutToken with a used hash = %v, want ErrConflict", err)
	}
	a1.Used = t0.Add(time.Minute)
	write(t, s, func(tx catalog.Tx) error {
		if _, err := tx.PutToken(ctx, a1); err != nil {
			return err
		}
		if err := tx.DeleteToken(ctx, "bo", a2.ID); !errors.Is(err, catalog.ErrNotFound) {
			t.Errorf("DeleteToken of another user's token = %v, want ErrNotFound", err)
		}
		return tx.DeleteToken(ctx, "ann", a2.ID)
	})
	if got, _ := s.Token(ctx, "ha1"); !got.Used.Equal(a1.Used) {
		t.Errorf("Token(ha1).Used = %v, want %v", got.Used, a1.Used)
	}
	if _, err := s.Token(ctx, "ha2"); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("Token(ha2) after delete = %v, want ErrNotFound", err)
	}
	write(t, s, func(tx catalog.Tx) error { return tx.DeleteTokens(ctx, "ann") })
	if got, _ := s.Tokens(ctx, "ann"); len(got) != 0 {
		t.Errorf("Tokens(ann) after DeleteTokens = %+v", got)
	}
	if got, _ := s.Tokens(ctx, "bo"); len(got) != 1 {
		t.Errorf("Tokens(bo) = %+v, want bo's one token untouched", got)
	}
}

func testInvitesAndThrottles(t *testing.T, su suite) {
	ctx := context.Background()
	s := su.open(t)
	putUsers(t, s, "ann")
	inv := catalog.Invite{Hash: "hi", User: "ann", Expires: t0.Add(7 * 24 * time.Hour)}
	write(t, s, func(tx catalog.Tx) error {
		if _, err := tx.Invite(ctx, "hi"); !errors.Is(err, catalog.ErrNotFound) {
			t.Errorf("Invite before PutInvite = %v, want ErrNotFound", err)
		}
		if err := tx.PutInvite(ctx, inv); err != nil {
			return err
		}
		if got, err := tx.Invite(ctx, "hi"); err != nil || !cmp.Equal(got, inv) {
			t.Errorf("Invite = %+v, %v; want %+v", got, err, inv)
		}
		if err := tx.DeleteInvites(ctx, "ann"); err != nil {
			return err
		}
		if _, err := tx.Invite(ctx, "hi"); !errors.Is(err, catalog.ErrNotFound) {
			t.Errorf("Invite after DeleteInvites = %v, want ErrNotFound", err)
		}

		th, err := tx.Throttle(ctx, "user:ann")
		if err != nil || th != (catalog.Throttle{Key: "user:ann"}) {
			t.Errorf("Throttle of a new key = %+v, %v; want zero with the key", th, err)
		}
		th = catalog.Throttle{Key: "user:ann", Failures: 3, Last: t0}
		if err := tx.PutThrottle(ctx, th); err != nil {
			return err
		}
		if got, err := tx.Throttle(ctx, "user:ann"); err != nil || !cmp.Equal(got, th) {
			t.Errorf("Throttle = %+v, %v; want %+v", got, err, th)
		}
		if err := tx.PutThrottle(ctx, catalog.Throttle{Key: "user:ann"}); err != nil {
			return err
		}
		if got, _ := tx.Throttle(ctx, "user:ann"); got.Failures != 0 {
			t.Errorf("Throttle after a zero PutThrottle = %+v, want none", got)
		}
		if err := tx.SetMeta(ctx, "k", "v1"); err != nil {
			return err
		}
		if err := tx.SetMeta(ctx, "k", "v2"); err != nil {
			return err
		}
		if v, err := tx.Meta(ctx, "k"); err != nil || v != "v2" {
			t.Errorf("Meta(k) = %q, %v; want v2", v, err)
		}
		return nil
	})
}

func testProposals(t *testing.T, su suite) {
	ctx := context.Background()
	s := su.open(t)
	w := testWork("new-work", 2010)
	var p1, p2, p3 catalog.Proposal
	write(t, s, func(tx catalog.Tx) error {
		var err error
		p1, err = tx.PutProposal(ctx, catalog.Proposal{WorkID: "new-work", Op: catalog.OpCreate, Work: w, Author: "cy", Note: "new", Created: t0, State: catalog.ProposalPending})
		if err != nil {
			return err
		}
		p2, err = tx.PutProposal(ctx, catalog.Proposal{WorkID: "old", Op: catalog.OpDelete, Base: 3, Author: "dee", Created: t0, State: catalog.ProposalPending})
		if err != nil {
			return err
		}
		p3, err = tx.PutProposal(ctx, catalog.Proposal{WorkID: "new-work", Op: catalog.OpUpdate, Base: 1, Work: w, Author: "cy", Created: t0, State: catalog.ProposalPending})
		return err
	})
	if p1.ID == 0 || p2.ID <= p1.ID || p3.ID <= p2.ID {
		t.Errorf("proposal IDs %d, %d, %d; want new, increasing IDs", p1.ID, p2.ID, p3.ID)
	}
	if got, err := s.Proposal(ctx, p1.ID); err != nil || !cmp.Equal(got, p1) {
		t.Errorf("Proposal(%d) = %+v, %v; want %+v", p1.ID, got, err, p1)
	}
	if got, err := s.Proposal(ctx, p2.ID); err != nil || got.Work != nil || got.Base != 3 {
		t.Errorf("Proposal(%d) = %+v, %v; want a delete with base 3 and no work", p2.ID, got, err)
	}
	if _, err := s.Proposal(ctx, 9999); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("Proposal(9999) = %v, want ErrNotFound", err)
	}
	p2.State, p2.Reviewer, p2.Reason, p2.Reviewed = catalog.ProposalRejected, "ann", "still in print", t0.Add(time.Hour)
	write(t, s, func(tx catalog.Tx) error {
		if _, err := tx.PutProposal(ctx, p2); err != nil {
			return err
		}
		_, err := tx.PutProposal(ctx, catalog.Proposal{ID: 9999, WorkID: "x", Op: catalog.OpDelete, Author: "x", Created: t0, State: catalog.ProposalPending})
		if !errors.Is(err, catalog.ErrNotFound) {
			t.Errorf("PutProposal with an unknown ID = %v, want ErrNotFound", err)
		}
		return nil
	})
	ids := func(f catalog.ProposalFilter) []int64 {
		ps, err := s.Proposals(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, p := range ps {
			out = append(out, p.ID)
		}
		return out
	}
	for _, tt := range []struct {
		f    catalog.ProposalFilter
		want []int64
	}{
		{catalog.ProposalFilter{}, []int64{p1.ID, p2.ID, p3.ID}},
		{catalog.ProposalFilter{State: catalog.ProposalPending}, []int64{p1.ID, p3.ID}},
		{catalog.ProposalFilter{Author: "dee"}, []int64{p2.ID}},
		{catalog.ProposalFilter{WorkID: "new-work", Limit: 1}, []int64{p1.ID}},
		{catalog.ProposalFilter{State: catalog.ProposalAccepted}, nil},
	} {
		if diff := cmp.Diff(tt.want, ids(tt.f)); diff != "" {
			t.Errorf("Proposals(%+v) (-want +got):\n%s", tt.f, diff)
		}
	}
	if got, _ := s.Proposal(ctx, p2.ID); !cmp.Equal(got, p2) {
		t.Errorf("Proposal after review = %+v, want %+v", got, p2)
	}
}
