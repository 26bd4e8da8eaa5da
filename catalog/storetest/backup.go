package storetest

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/komoru/komoru/catalog"
)

// testBackup checks a store that is a catalog.Backuper: a backup taken
// while another handle has a write in progress holds every committed
// thing the store keeps and nothing of that write, Backup does not wait
// for the writer, the copy is a catalog that can be opened and written,
// and a second backup to the same name is refused without touching the
// first or leaving anything beside it.
func testBackup(t *testing.T, su suite) {
	ctx := context.Background()
	s := su.open(t)
	b, ok := s.(catalog.Backuper)
	if !ok {
		t.Skip("the store is not a catalog.Backuper")
	}
	if su.h.OpenBackup == nil {
		t.Fatal("storetest: the store is a catalog.Backuper: Harness needs OpenBackup")
	}

	// Committed: works with revisions (one deleted), the seeded mark,
	// accounts, an invitation, a session, tokens, a throttle, proposals.
	ch := clock()
	if _, _, err := catalog.Seed(ctx, s, lines(line("a", 2000), line("b", 2001), line("c", 2002)), ch("seed", "")); err != nil {
		t.Fatal(err)
	}
	w := testWork("a", 2000)
	w.Title = "A, retitled"
	if _, err := catalog.UpdateWork(ctx, s, w, 1, ch("ann", "title")); err != nil {
		t.Fatal(err)
	}
	if _, err := catalog.DeleteWork(ctx, s, "c", 1, ch("ann", "not one")); err != nil {
		t.Fatal(err)
	}
	putUsers(t, s, "ann", "bo")
	var tok catalog.Token
	var prop catalog.Proposal
	write(t, s, func(tx catalog.Tx) error {
		if err := tx.PutInvite(ctx, catalog.Invite{Hash: "hi", User: "bo", Expires: t0.Add(time.Hour)}); err != nil {
			return err
		}
		if err := tx.PutSession(ctx, catalog.Session{Hash: "hs", User: "ann", Created: t0, Seen: t0}); err != nil {
			return err
		}
		if err := tx.PutThrottle(ctx, catalog.Throttle{Key: "user:bo", Failures: 2, Last: t0}); err != nil {
			return err
		}
		var err error
		if tok, err = tx.PutToken(ctx, catalog.Token{Hash: "ht", User: "ann", Name: "script", Created: t0}); err != nil {
			return err
		}
		prop, err = tx.PutProposal(ctx, catalog.Proposal{WorkID: "d", Op: catalog.OpCreate, Work: testWork("d", 2003),
			Author: "bo", Created: t0, State: catalog.ProposalPending})
		return err
	})
	want := snapshot(t, s)

	// In progress on another handle, as another process's import would
	// be: written, not committed, while the backup is taken.
	o := su.another(t, s)
	inTx, release, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- o.Write(ctx, func(tx catalog.Tx) error {
			if _, err := tx.Append(ctx, catalog.Revision{WorkID: "late", Number: 1, Op: catalog.OpCreate, Author: "x",
				Time: t0, Work: testWork("late", 2004)}, []byte(`{"id":"late"}`)); err != nil {
				return err
			}
			if err := tx.PutUser(ctx, catalog.User{Name: "late", Role: catalog.RoleCurator, Created: t0}); err != nil {
				return err
			}
			close(inTx)
			<-release
			return nil
		})
	}()
	select {
	case <-inTx:
	case err := <-done:
		t.Fatalf("the write to hold open failed: %v", err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "backup")
	backedUp := make(chan error, 1)
	go func() { backedUp <- b.Backup(ctx, path) }()
	select {
	case err := <-backedUp:
		if err != nil {
			close(release)
			t.Fatalf("Backup: %v", err)
		}
	case <-time.After(30 * time.Second):
		close(release)
		t.Fatal("Backup waited for a write in progress")
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, "late"); err != nil {
		t.Fatalf("the write held open during the backup did not commit: %v", err)
	}

	bk := su.h.OpenBackup(t, path)
	t.Cleanup(func() { bk.Close() })
	if diff := cmp.Diff(want, snapshot(t, bk)); diff != "" {
		t.Errorf("backup differs from the store as committed when it was taken (-want +got):\n%s", diff)
	}
	if got, err := bk.Token(ctx, "ht"); err != nil || !cmp.Equal(got, tok) {
		t.Errorf("backup: Token(ht) = %+v, %v; want %+v", got, err, tok)
	}
	if got, err := bk.Proposal(ctx, prop.ID); err != nil || !cmp.Equal(got, prop) {
		t.Errorf("backup: Proposal(%d) = %+v, %v; want %+v", prop.ID, got, err, prop)
	}
	write(t, bk, func(tx catalog.Tx) error {
		if inv, err := tx.Invite(ctx, "hi"); err != nil || inv.User != "bo" {
			t.Errorf("backup: Invite(hi) = %+v, %v; want bo's", inv, err)
		}
		if th, err := tx.Throttle(ctx, "user:bo"); err != nil || th.Failures != 2 {
			t.Errorf("backup: Throttle(user:bo) = %+v, %v; want 2 failures", th, err)
		}
		return nil
	})
	// The seeded mark came along: the restored catalog is not seeded again.
	if seeded, _, err := catalog.Seed(ctx, bk, lines(line("z", 2000)), ch("seed", "")); err != nil || seeded {
		t.Errorf("Seed on the backup = %v, %v; want not seeded again", seeded, err)
	}
	// The sequence goes on from where the backup left it.
	r, err := catalog.CreateWork(ctx, bk, testWork("e", 2005), ch("ann", ""))
	if err != nil || r.Seq <= want.LastSeq {
		t.Errorf("a write to the backup got Seq %d, %v; want one after %d", r.Seq, err, want.LastSeq)
	}

	info := func() os.FileInfo {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi
	}
	before := info()
	if err := b.Backup(ctx, path); !errors.Is(err, fs.ErrExist) {
		t.Errorf("Backup to an existing file = %v, want an error wrapping fs.ErrExist", err)
	}
	if after := info(); after.Size() != before.Size() || !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("a refused Backup changed the existing file")
	}
	if err := bk.Close(); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "backup" && !isSidecar(e.Name()) {
			t.Errorf("Backup left %s beside the backup", e.Name())
		}
	}
}

// isSidecar reports whether name is a file SQLite keeps beside an open
// database named backup, which OpenBackup may have made.
func isSidecar(name string) bool {
	return name == "backup-wal" || name == "backup-shm" || name == "backup-journal"
}

// storeSnapshot is what a store holds, as its read methods give it.
type storeSnapshot struct {
	LastSeq   int64
	Count     int
	Changes   []catalog.Revision
	Works     []string
	Users     []catalog.User
	Session   catalog.Session
	Tokens    []catalog.Token
	Proposals []catalog.Proposal
}

func snapshot(t *testing.T, s catalog.Store) storeSnapshot {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var sn storeSnapshot
	var err error
	sn.LastSeq, err = s.LastSeq(ctx)
	must(err)
	sn.Count, err = s.Count(ctx)
	must(err)
	sn.Changes, err = s.Changes(ctx, 0, 1000)
	must(err)
	must(s.Each(ctx, func(w *catalog.Work) error { sn.Works = append(sn.Works, w.ID+" "+w.Title); return nil }))
	sn.Users, err = s.Users(ctx)
	must(err)
	sn.Session, err = s.Session(ctx, "hs")
	must(err)
	sn.Tokens, err = s.Tokens(ctx, "ann")
	must(err)
	sn.Proposals, err = s.Proposals(ctx, catalog.ProposalFilter{})
	must(err)
	return sn
}
