package catalog_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/sqlite"
)

// openStore opens a real, empty SQLite catalog: the rules are tested
// through the store contract, as the server uses them.
func openStore(t *testing.T) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "catalog.db"), catalog.DefaultCodebook())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

var t0 = time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)

func TestInvites(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	var ve *catalog.ValidationError
	if _, err := catalog.AddUser(ctx, s, "Bad Name", "boss", t0); !errors.As(err, &ve) || ve.Fields["name"] == "" || ve.Fields["role"] == "" {
		t.Errorf("AddUser(bad name, bad role) = %v, want both fields named", err)
	}
	token, err := catalog.AddUser(ctx, s, "ann", catalog.RoleCurator, t0)
	if err != nil || len(token) < 40 {
		t.Fatalf("AddUser = %q, %v", token, err)
	}
	if _, err := catalog.AddUser(ctx, s, "ann", catalog.RoleAdmin, t0); !errors.Is(err, catalog.ErrConflict) {
		t.Errorf("AddUser of a taken name = %v, want ErrConflict", err)
	}
	if u, err := catalog.InviteUser(ctx, s, token, t0.Add(time.Hour)); err != nil || u.Name != "ann" || u.PasswordHash != "" {
		t.Errorf("InviteUser = %+v, %v; want ann without a password", u, err)
	}
	if _, err := catalog.InviteUser(ctx, s, token, t0.Add(catalog.InviteValid)); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("InviteUser after 7 days = %v, want ErrNotFound", err)
	}
	if _, err := catalog.InviteUser(ctx, s, "not-a-token", t0); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("InviteUser(unknown) = %v, want ErrNotFound", err)
	}
	u, err := catalog.AcceptInvite(ctx, s, token, "hash-1", t0.Add(time.Hour))
	if err != nil || u.PasswordHash != "hash-1" || !u.PasswordChanged.Equal(t0.Add(time.Hour)) {
		t.Fatalf("AcceptInvite = %+v, %v", u, err)
	}
	if _, err := catalog.AcceptInvite(ctx, s, token, "hash-2", t0.Add(2*time.Hour)); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("second AcceptInvite = %v, want ErrNotFound: an invite is used once", err)
	}
	again, err := catalog.Reinvite(ctx, s, "ann", t0)
	if err != nil || again == token {
		t.Fatalf("Reinvite = %q, %v", again, err)
	}
	if err := catalog.DisableUser(ctx, s, "ann"); err != nil {
		t.Fatal(err)
	}
	if _, err := catalog.InviteUser(ctx, s, again, t0); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("invite of a disabled user = %v, want ErrNotFound", err)
	}
	if err := catalog.CheckPassword(strings.Repeat("x", 11)); err == nil {
		t.Error("CheckPassword accepted 11 characters")
	}
	if err := catalog.CheckPassword("日本語のパスワードです12"); err != nil {
		t.Errorf("CheckPassword(12 characters, more bytes) = %v", err)
	}
}

// signedUp makes an account with a password hash and returns it.
func signedUp(t *testing.T, s *sqlite.Store, name string, role catalog.Role) {
	t.Helper()
	ctx := context.Background()
	token, err := catalog.AddUser(ctx, s, name, role, t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := catalog.AcceptInvite(ctx, s, token, "hash", t0); err != nil {
		t.Fatal(err)
	}
}

func TestSessions(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	signedUp(t, s, "ann", catalog.RoleCurator)
	tok, err := catalog.StartSession(ctx, s, "ann", t0)
	if err != nil {
		t.Fatal(err)
	}
	if se, _ := s.Session(ctx, catalog.HashSecret(tok)); se.User != "ann" {
		t.Fatalf("stored session = %+v; want ann's, by the token's hash", se)
	}
	if _, err := s.Session(ctx, tok); !errors.Is(err, catalog.ErrNotFound) {
		t.Error("the session is findable by its raw token: the token is stored in clear")
	}
	check := func(at time.Time) error { _, err := catalog.CheckSession(ctx, s, tok, at); return err }
	// Used every 13 days, it lives; its last use is recorded.
	for d := 13; d < 85; d += 13 {
		if err := check(t0.Add(time.Duration(d) * 24 * time.Hour)); err != nil {
			t.Fatalf("day %d: %v", d, err)
		}
	}
	if err := check(t0.Add(catalog.SessionMax + time.Minute)); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("after 90 days = %v, want ErrNotFound", err)
	}
	if _, err := s.Session(ctx, catalog.HashSecret(tok)); !errors.Is(err, catalog.ErrNotFound) {
		t.Error("an expired session is still stored")
	}

	idle, _ := catalog.StartSession(ctx, s, "ann", t0)
	if _, err := catalog.CheckSession(ctx, s, idle, t0.Add(catalog.SessionIdle+time.Second)); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("idle 14 days = %v, want ErrNotFound", err)
	}

	// A password change ends the other sessions, not the one making it.
	a, _ := catalog.StartSession(ctx, s, "ann", t0)
	b, _ := catalog.StartSession(ctx, s, "ann", t0)
	if err := catalog.ChangePassword(ctx, s, "ann", "hash-2", a, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := catalog.CheckSession(ctx, s, a, t0); err != nil {
		t.Errorf("the changing session = %v, want kept", err)
	}
	if _, err := catalog.CheckSession(ctx, s, b, t0); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("another session after a password change = %v, want ended", err)
	}
	if err := catalog.EndSession(ctx, s, a); err != nil {
		t.Fatal(err)
	}
	if _, err := catalog.CheckSession(ctx, s, a, t0); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("after logout = %v, want ErrNotFound", err)
	}
	c, _ := catalog.StartSession(ctx, s, "ann", t0)
	if err := catalog.DisableUser(ctx, s, "ann"); err != nil {
		t.Fatal(err)
	}
	if _, err := catalog.CheckSession(ctx, s, c, t0); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("session of a disabled user = %v, want ErrNotFound", err)
	}
}

func TestTokens(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	signedUp(t, s, "ann", catalog.RoleCurator)
	secret, tk, err := catalog.CreateToken(ctx, s, "ann", "nightly import", t0.Add(90*24*time.Hour), t0)
	if err != nil || !strings.HasPrefix(secret, catalog.TokenPrefix) || tk.ID == 0 {
		t.Fatalf("CreateToken = %q, %+v, %v", secret, tk, err)
	}
	if u, err := catalog.CheckToken(ctx, s, secret, t0.Add(time.Hour)); err != nil || u.Name != "ann" {
		t.Errorf("CheckToken = %+v, %v", u, err)
	}
	if got, _ := s.Tokens(ctx, "ann"); len(got) != 1 || !got[0].Used.Equal(t0.Add(time.Hour)) {
		t.Errorf("Tokens after use = %+v, want its use recorded", got)
	}
	for _, bad := range []string{"", "komoru_", "komoru_wrong", strings.TrimPrefix(secret, catalog.TokenPrefix)} {
		if _, err := catalog.CheckToken(ctx, s, bad, t0); !errors.Is(err, catalog.ErrNotFound) {
			t.Errorf("CheckToken(%q) = %v, want ErrNotFound", bad, err)
		}
	}
	if _, err := catalog.CheckToken(ctx, s, secret, t0.Add(90*24*time.Hour)); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("CheckToken after it expired = %v, want ErrNotFound", err)
	}
	if err := catalog.RevokeToken(ctx, s, "ann", tk.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := catalog.CheckToken(ctx, s, secret, t0); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("CheckToken after revoke = %v, want ErrNotFound", err)
	}
	forever, _, _ := catalog.CreateToken(ctx, s, "ann", "forever", time.Time{}, t0)
	if _, err := catalog.CheckToken(ctx, s, forever, t0.Add(10*365*24*time.Hour)); err != nil {
		t.Errorf("a token without expiry after 10 years = %v", err)
	}
	if err := catalog.DisableUser(ctx, s, "ann"); err != nil {
		t.Fatal(err)
	}
	if _, err := catalog.CheckToken(ctx, s, forever, t0); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("token of a disabled user = %v, want ErrNotFound", err)
	}
	var ve *catalog.ValidationError
	if _, _, err := catalog.CreateToken(ctx, s, "ann", "", time.Time{}, t0); !errors.As(err, &ve) || ve.Fields["name"] == "" {
		t.Errorf("CreateToken without a name = %v, want a field error", err)
	}
}

func TestThrottle(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	at := t0
	fail := func(name, addr string) {
		t.Helper()
		if err := catalog.SignInFailed(ctx, s, name, addr, at); err != nil {
			t.Fatal(err)
		}
	}
	allowed := func(name, addr string) time.Duration {
		t.Helper()
		var te *catalog.ThrottledError
		err := catalog.SignInAllowed(ctx, s, name, addr, at)
		if errors.As(err, &te) {
			return te.RetryAfter
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	}
	for i := range catalog.ThrottleAfter {
		if d := allowed("ann", "10.0.0.1"); d != 0 {
			t.Fatalf("attempt %d refused for %v", i+1, d)
		}
		fail("ann", "10.0.0.1")
		at = at.Add(time.Minute)
	}
	at = at.Add(-time.Minute + time.Second)
	// The 6th try: locked for a minute after the 5th failure.
	if d := allowed("ann", "10.0.0.9"); d != 59*time.Second {
		t.Errorf("6th try on the account = retry after %v, want 59s", d)
	}
	if d := allowed("bo", "10.0.0.1"); d != 59*time.Second {
		t.Errorf("another account from the same address = %v, want 59s", d)
	}
	if d := allowed("bo", "10.0.0.2"); d != 0 {
		t.Errorf("another account and address = %v, want allowed", d)
	}
	// Each failure after the lock doubles it, up to an hour.
	want := []time.Duration{2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute, 32 * time.Minute, time.Hour, time.Hour}
	lock := 59 * time.Second
	for _, w := range want {
		at = at.Add(lock + 10*time.Minute) // retried within 15 minutes of the lock's end
		lock = w
		if d := allowed("ann", ""); d != 0 {
			t.Fatalf("after the lock ended: %v", d)
		}
		fail("ann", "")
		if d := allowed("ann", ""); d != w {
			t.Errorf("lock after another failure = %v, want %v", d, w)
		}
	}
	// Quiet for 15 minutes after the lock ends, the count starts again.
	at = at.Add(time.Hour + catalog.ThrottleWindow + time.Second)
	fail("ann", "")
	if d := allowed("ann", ""); d != 0 {
		t.Errorf("a failure after a quiet spell = locked %v, want allowed", d)
	}
	// A success clears the account's count.
	if err := catalog.SignInSucceeded(ctx, s, "ann"); err != nil {
		t.Fatal(err)
	}
	fail("ann", "")
	if d := allowed("ann", ""); d != 0 {
		t.Errorf("one failure after a success = %v, want allowed", d)
	}
	// Failures spread more than 15 minutes apart never lock.
	for range 10 {
		at = at.Add(catalog.ThrottleWindow + time.Second)
		fail("cy", "")
	}
	if d := allowed("cy", ""); d != 0 {
		t.Errorf("failures 15 minutes apart = %v, want allowed", d)
	}
}

func TestProposals(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	w := &catalog.Work{ID: "new-work", Title: "New Work", Medium: "manga", Year: 2010}
	p, err := catalog.Propose(ctx, s, catalog.Proposal{Op: catalog.OpCreate, Work: w, Author: "cy", Note: "new"}, t0)
	if err != nil || p.ID == 0 || p.State != catalog.ProposalPending {
		t.Fatalf("Propose = %+v, %v", p, err)
	}
	if _, err := s.Get(ctx, "new-work"); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("a pending proposal is visible: %v", err)
	}
	if n, _ := s.LastSeq(ctx); n != 0 {
		t.Errorf("a proposal wrote %d revisions", n)
	}
	p, rev, err := catalog.AcceptProposal(ctx, s, p.ID, "ann", 0, t0.Add(time.Hour))
	if err != nil || rev.Number != 1 || rev.Author != "cy" || rev.Note != "new (accepted by ann)" || p.State != catalog.ProposalAccepted || p.Revision != 1 || p.Reviewer != "ann" {
		t.Fatalf("AcceptProposal = %+v, %+v, %v", p, rev, err)
	}
	if _, _, err := catalog.AcceptProposal(ctx, s, p.ID, "ann", 0, t0); !errors.Is(err, catalog.ErrConflict) {
		t.Errorf("accepting twice = %v, want ErrConflict", err)
	}

	// Two contributors propose against revision 1; the first accepted
	// makes the second stale until a reviewer accepts it against 2.
	w2, w3 := *w, *w
	w2.Year, w3.Title = 2011, "Newer Work"
	a, err := catalog.Propose(ctx, s, catalog.Proposal{Op: catalog.OpUpdate, Work: &w2, Base: 1, Author: "cy"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	b, err := catalog.Propose(ctx, s, catalog.Proposal{Op: catalog.OpUpdate, Work: &w3, Base: 1, Author: "dee"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := catalog.AcceptProposal(ctx, s, a.ID, "ann", 0, t0); err != nil {
		t.Fatal(err)
	}
	var stale *catalog.StaleError
	if _, _, err := catalog.AcceptProposal(ctx, s, b.ID, "ann", 0, t0); !errors.As(err, &stale) || stale.Current != 2 {
		t.Errorf("accepting a proposal whose work moved on = %v, want stale at 2", err)
	}
	if _, rev, err := catalog.AcceptProposal(ctx, s, b.ID, "ann", 2, t0); err != nil || rev.Number != 3 || rev.Author != "dee" {
		t.Errorf("accepting it against 2 = %+v, %v", rev, err)
	}

	del, err := catalog.Propose(ctx, s, catalog.Proposal{Op: catalog.OpDelete, WorkID: "new-work", Base: 3, Author: "cy", Note: "duplicate"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	var ve *catalog.ValidationError
	if _, err := catalog.RejectProposal(ctx, s, del.ID, "ann", "", t0); !errors.As(err, &ve) {
		t.Errorf("reject without a reason = %v, want a field error", err)
	}
	if r, err := catalog.RejectProposal(ctx, s, del.ID, "ann", "not a duplicate: another medium", t0); err != nil || r.State != catalog.ProposalRejected {
		t.Errorf("RejectProposal = %+v, %v", r, err)
	}
	if _, err := s.Get(ctx, "new-work"); err != nil {
		t.Errorf("a rejected delete deleted: %v", err)
	}
	for _, tt := range []struct {
		name string
		p    catalog.Proposal
		want error
	}{
		{"create existing", catalog.Proposal{Op: catalog.OpCreate, Work: w, Author: "cy"}, catalog.ErrConflict},
		{"update stale", catalog.Proposal{Op: catalog.OpUpdate, Work: w, Base: 1, Author: "cy"}, catalog.ErrConflict},
		{"delete missing", catalog.Proposal{Op: catalog.OpDelete, WorkID: "nope", Base: 1, Author: "cy"}, catalog.ErrNotFound},
	} {
		if _, err := catalog.Propose(ctx, s, tt.p, t0); !errors.Is(err, tt.want) {
			t.Errorf("Propose %s = %v, want %v", tt.name, err, tt.want)
		}
	}
	if _, err := catalog.Propose(ctx, s, catalog.Proposal{Op: catalog.OpCreate, Work: &catalog.Work{ID: "x"}, Author: "cy"}, t0); !errors.As(err, &ve) {
		t.Errorf("Propose of an invalid work = %v, want a *ValidationError", err)
	}
}

func TestRehashPassword(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	signedUp(t, s, "ann", catalog.RoleCurator) // hash "hash"
	tok, _ := catalog.StartSession(ctx, s, "ann", t0)
	if err := catalog.RehashPassword(ctx, s, "ann", "hash", "stronger"); err != nil {
		t.Fatal(err)
	}
	if u, _ := s.User(ctx, "ann"); u.PasswordHash != "stronger" {
		t.Errorf("hash after RehashPassword = %q, want stronger", u.PasswordHash)
	}
	if _, err := catalog.CheckSession(ctx, s, tok, t0); err != nil {
		t.Errorf("a session after a rehash = %v, want kept", err)
	}
	// A rehash of a hash that changed meanwhile changes nothing.
	if err := catalog.RehashPassword(ctx, s, "ann", "hash", "stale"); err != nil {
		t.Fatal(err)
	}
	if u, _ := s.User(ctx, "ann"); u.PasswordHash != "stronger" {
		t.Errorf("a stale rehash replaced the hash: %q", u.PasswordHash)
	}
}
