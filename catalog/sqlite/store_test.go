package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/komoru/komoru/catalog"
)

func openTest(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "catalog.db")
	s, err := Open(context.Background(), path, catalog.DefaultCodebook())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func testWork(id string, year int) *catalog.Work {
	return &catalog.Work{ID: id, Title: "Work " + id, Medium: "manga", Year: year,
		Portrayal: catalog.Portrayal{"realism": {Value: "realistic", Evidence: "Shown."}}}
}

var alice = catalog.Change{Author: "alice", Note: "first coding"}

func TestRevisions(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	tick := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s.now = func() time.Time { tick = tick.Add(time.Second); return tick }

	w := testWork("nhk", 2006)
	r1, err := s.Create(ctx, w, alice)
	if err != nil {
		t.Fatal(err)
	}
	if r1.Number != 1 || r1.Op != catalog.OpCreate || r1.Author != "alice" {
		t.Errorf("Create = %+v, want revision 1, create, by alice", r1)
	}

	w2 := testWork("nhk", 2006)
	w2.Title = "Welcome to the N.H.K."
	r2, err := s.Update(ctx, w2, 1, catalog.Change{Author: "bob", Note: "English title"})
	if err != nil {
		t.Fatal(err)
	}
	if r2.Number != 2 || r2.Op != catalog.OpUpdate || r2.Seq <= r1.Seq {
		t.Errorf("Update = %+v, want revision 2, update, seq after %d", r2, r1.Seq)
	}

	// An update that changes nothing writes no revision.
	same, err := s.Update(ctx, w2, 2, catalog.Change{Author: "bob"})
	if err != nil || same.Number != 2 || same.Seq != r2.Seq {
		t.Errorf("no-op Update = %+v, %v; want revision 2 unchanged", same, err)
	}

	got, err := s.Get(ctx, "nhk")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(w2, got.Work); diff != "" {
		t.Errorf("Get work (-want +got):\n%s", diff)
	}
	if got.Number != 2 || got.Author != "bob" || got.Note != "English title" || !got.Time.Equal(r2.Time) {
		t.Errorf("Get = %+v, want bob's revision 2", got)
	}

	if _, err := s.Delete(ctx, "nhk", 2, catalog.Change{Author: "carol", Note: "duplicate"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, "nhk"); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("Get after delete = %v, want ErrNotFound", err)
	}
	// Recreating continues the numbering, so history is never ambiguous.
	r4, err := s.Create(ctx, w, alice)
	if err != nil || r4.Number != 4 {
		t.Fatalf("Create after delete = %+v, %v; want revision 4", r4, err)
	}

	revs, err := s.Revisions(ctx, "nhk")
	if err != nil {
		t.Fatal(err)
	}
	var summary []string
	for _, r := range revs {
		title := ""
		if r.Work != nil {
			title = r.Work.Title
		}
		summary = append(summary, fmt.Sprintf("%d %s %s %q %q", r.Number, r.Op, r.Author, r.Note, title))
	}
	want := []string{
		`1 create alice "first coding" "Work nhk"`,
		`2 update bob "English title" "Welcome to the N.H.K."`,
		`3 delete carol "duplicate" ""`,
		`4 create alice "first coding" "Work nhk"`,
	}
	if diff := cmp.Diff(want, summary); diff != "" {
		t.Errorf("Revisions (-want +got):\n%s", diff)
	}
	for i := 1; i < len(revs); i++ {
		if !revs[i].Time.After(revs[i-1].Time) {
			t.Errorf("revision %d time %v not after %v", revs[i].Number, revs[i].Time, revs[i-1].Time)
		}
	}
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	if _, err := s.Create(ctx, testWork("a", 2000), alice); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Update(ctx, testWork("a", 2001), 1, alice); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		op   func() error
		want error
	}{
		{"get missing", func() error { _, err := s.Get(ctx, "nope"); return err }, catalog.ErrNotFound},
		{"revisions missing", func() error { _, err := s.Revisions(ctx, "nope"); return err }, catalog.ErrNotFound},
		{"update missing", func() error { _, err := s.Update(ctx, testWork("nope", 2000), 1, alice); return err }, catalog.ErrNotFound},
		{"delete missing", func() error { _, err := s.Delete(ctx, "nope", 0, alice); return err }, catalog.ErrNotFound},
		{"create existing", func() error { _, err := s.Create(ctx, testWork("a", 2000), alice); return err }, catalog.ErrConflict},
		{"update stale", func() error { _, err := s.Update(ctx, testWork("a", 2003), 1, alice); return err }, catalog.ErrConflict},
		{"update ahead", func() error { _, err := s.Update(ctx, testWork("a", 2003), 7, alice); return err }, catalog.ErrConflict},
		{"update without base", func() error { _, err := s.Update(ctx, testWork("a", 2003), 0, alice); return err }, catalog.ErrConflict},
		{"delete stale", func() error { _, err := s.Delete(ctx, "a", 1, alice); return err }, catalog.ErrConflict},
	}
	for _, tt := range tests {
		if err := tt.op(); !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
	}
	var ve *catalog.ValidationError
	if _, err := s.Create(ctx, &catalog.Work{ID: "bad"}, alice); !errors.As(err, &ve) {
		t.Errorf("Create(invalid) = %v, want *ValidationError", err)
	}
	// None of the failures wrote anything.
	if seq, _ := s.LastSeq(ctx); seq != 2 {
		t.Errorf("LastSeq after failed writes = %d, want 2", seq)
	}
}

func TestChangesInOrder(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	ops := []func() (catalog.Revision, error){
		func() (catalog.Revision, error) { return s.Create(ctx, testWork("a", 2000), alice) },
		func() (catalog.Revision, error) { return s.Create(ctx, testWork("b", 2000), alice) },
		func() (catalog.Revision, error) { return s.Update(ctx, testWork("a", 2001), 1, alice) },
		func() (catalog.Revision, error) { return s.Delete(ctx, "b", 1, alice) },
		func() (catalog.Revision, error) { return s.Create(ctx, testWork("c", 2000), alice) },
	}
	var seqs []int64
	for _, op := range ops {
		r, err := op()
		if err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, r.Seq)
	}
	all, err := s.Changes(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i, r := range all {
		if r.Seq != seqs[i] {
			t.Errorf("change %d has seq %d, the write returned %d", i, r.Seq, seqs[i])
		}
		got = append(got, fmt.Sprintf("%s %s", r.Op, r.WorkID))
	}
	if diff := cmp.Diff([]string{"create a", "create b", "update a", "delete b", "create c"}, got); diff != "" {
		t.Errorf("Changes (-want +got):\n%s", diff)
	}
	after, _ := s.Changes(ctx, seqs[2], 1)
	if len(after) != 1 || after[0].Seq != seqs[3] {
		t.Errorf("Changes(after %d, limit 1) = %+v, want the delete of b", seqs[2], after)
	}
	if last, _ := s.LastSeq(ctx); last != seqs[4] {
		t.Errorf("LastSeq = %d, want %d", last, seqs[4])
	}
}

// TestTwoConnections writes through two stores on one file at once, as a
// server and a CLI import do: every write lands, with distinct increasing
// sequence numbers, and each store sees the other's writes.
func TestTwoConnections(t *testing.T) {
	ctx := context.Background()
	a, path := openTest(t)
	b, err := Open(ctx, path, catalog.DefaultCodebook())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	const perWriter = 50
	var wg sync.WaitGroup
	errs := make(chan error, 4*perWriter)
	for wi, s := range []*Store{a, b, a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				if _, err := s.Create(ctx, testWork(fmt.Sprintf("w%d-%d", wi, i), 2000), alice); err != nil {
					errs <- err
				}
			}
		}()
	}
	// A reader runs throughout and never sees an error.
	stop := make(chan struct{})
	readerDone := make(chan error)
	go func() {
		var last int64
		for {
			select {
			case <-stop:
				readerDone <- nil
				return
			default:
			}
			seq, err := b.LastSeq(ctx)
			if err != nil || seq < last {
				readerDone <- fmt.Errorf("LastSeq = %d, %v after %d", seq, err, last)
				return
			}
			last = seq
		}
	}()
	wg.Wait()
	close(stop)
	if err := <-readerDone; err != nil {
		t.Error(err)
	}
	close(errs)
	for err := range errs {
		t.Errorf("concurrent write: %v", err)
	}
	for _, s := range []*Store{a, b} {
		if n, _ := s.Count(ctx); n != 4*perWriter {
			t.Errorf("Count = %d, want %d", n, 4*perWriter)
		}
	}
	changes, _ := a.Changes(ctx, 0, 1000)
	for i := 1; i < len(changes); i++ {
		if changes[i].Seq <= changes[i-1].Seq {
			t.Fatalf("sequence not increasing: %d after %d", changes[i].Seq, changes[i-1].Seq)
		}
	}
}

func TestReopen(t *testing.T) {
	ctx := context.Background()
	s, path := openTest(t)
	if _, err := s.Create(ctx, testWork("kept", 2000), alice); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2, err := Open(ctx, path, catalog.DefaultCodebook())
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if _, err := s2.Get(ctx, "kept"); err != nil {
		t.Errorf("Get after reopen = %v", err)
	}
}
