package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/komoru/komoru/catalog"
)

func testWork(id string, year int) *catalog.Work {
	return &catalog.Work{ID: id, Title: "Work " + id, Medium: "manga", Year: year,
		Portrayal: catalog.Portrayal{"realism": {Value: "realistic", Evidence: "Shown."}}}
}

// clock returns Changes by author whose times tick a second apart, with
// nanoseconds, so that a store that rounds times fails.
func clock() func(author, note string) catalog.Change {
	tick := time.Date(2026, 1, 1, 0, 0, 0, 123456789, time.UTC)
	return func(author, note string) catalog.Change {
		tick = tick.Add(time.Second)
		return catalog.Change{Author: author, Note: note, Time: tick}
	}
}

var alice = catalog.Change{Author: "alice", Note: "first coding"}

func testRevisions(t *testing.T, su suite) {
	ctx := context.Background()
	s := su.open(t)
	ch := clock()

	w := testWork("nhk", 2006)
	r1, err := catalog.CreateWork(ctx, s, w, ch("alice", "first coding"))
	if err != nil {
		t.Fatal(err)
	}
	if r1.Number != 1 || r1.Op != catalog.OpCreate || r1.Author != "alice" || r1.Seq < 1 {
		t.Errorf("CreateWork = %+v, want revision 1, create, by alice, with a sequence number", r1)
	}

	w2 := testWork("nhk", 2006)
	w2.Title = "Welcome to the N.H.K."
	bob := ch("bob", "English title")
	r2, err := catalog.UpdateWork(ctx, s, w2, 1, bob)
	if err != nil {
		t.Fatal(err)
	}
	if r2.Number != 2 || r2.Op != catalog.OpUpdate || r2.Seq <= r1.Seq {
		t.Errorf("UpdateWork = %+v, want revision 2, update, seq after %d", r2, r1.Seq)
	}

	// An update that changes nothing writes no revision.
	same, err := catalog.UpdateWork(ctx, s, w2, 2, ch("bob", ""))
	if err != nil || same.Number != 2 || same.Seq != r2.Seq || same.Author != "bob" {
		t.Errorf("no-op UpdateWork = %+v, %v; want revision 2 unchanged", same, err)
	}

	got, err := s.Get(ctx, "nhk")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(w2, got.Work); diff != "" {
		t.Errorf("Get work (-want +got):\n%s", diff)
	}
	if got.Number != 2 || got.Author != "bob" || got.Note != "English title" || !got.Time.Equal(bob.Time) || got.Seq != r2.Seq {
		t.Errorf("Get = %+v, want bob's revision 2 at %v", got, bob.Time)
	}

	if _, err := catalog.DeleteWork(ctx, s, "nhk", 2, ch("carol", "duplicate")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, "nhk"); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("Get after delete = %v, want ErrNotFound", err)
	}
	if n, _ := s.Count(ctx); n != 0 {
		t.Errorf("Count after delete = %d, want 0", n)
	}
	// Recreating continues the numbering, so history is never ambiguous.
	r4, err := catalog.CreateWork(ctx, s, w, ch("alice", "first coding"))
	if err != nil || r4.Number != 4 {
		t.Fatalf("CreateWork after delete = %+v, %v; want revision 4", r4, err)
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
		if !revs[i].Time.After(revs[i-1].Time) || revs[i].Seq <= revs[i-1].Seq {
			t.Errorf("revision %d (seq %d, %v) not after revision %d (seq %d, %v)",
				revs[i].Number, revs[i].Seq, revs[i].Time, revs[i-1].Number, revs[i-1].Seq, revs[i-1].Time)
		}
	}
	r3, err := s.Revision(ctx, "nhk", 3)
	if err != nil || r3.Op != catalog.OpDelete || r3.Work != nil || r3.Author != "carol" {
		t.Errorf("Revision(3) = %+v, %v; want carol's delete without a work", r3, err)
	}
	r2b, err := s.Revision(ctx, "nhk", 2)
	if err != nil || r2b.Work == nil || r2b.Work.Title != "Welcome to the N.H.K." || !r2b.Time.Equal(bob.Time) {
		t.Errorf("Revision(2) = %+v, %v; want bob's update", r2b, err)
	}
	if _, err := s.Revision(ctx, "nhk", 5); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("Revision(5) = %v, want ErrNotFound", err)
	}
}

func testErrors(t *testing.T, su suite) {
	ctx := context.Background()
	s := su.open(t)
	if _, err := catalog.CreateWork(ctx, s, testWork("a", 2000), alice); err != nil {
		t.Fatal(err)
	}
	if _, err := catalog.UpdateWork(ctx, s, testWork("a", 2001), 1, alice); err != nil {
		t.Fatal(err)
	}
	var stale *catalog.StaleError
	tests := []struct {
		name  string
		op    func() error
		want  error
		stale bool
	}{
		{"get missing", func() error { _, err := s.Get(ctx, "nope"); return err }, catalog.ErrNotFound, false},
		{"revisions missing", func() error { _, err := s.Revisions(ctx, "nope"); return err }, catalog.ErrNotFound, false},
		{"update missing", func() error { _, err := catalog.UpdateWork(ctx, s, testWork("nope", 2000), 1, alice); return err }, catalog.ErrNotFound, false},
		{"delete missing", func() error { _, err := catalog.DeleteWork(ctx, s, "nope", 0, alice); return err }, catalog.ErrNotFound, false},
		{"create existing", func() error { _, err := catalog.CreateWork(ctx, s, testWork("a", 2000), alice); return err }, catalog.ErrConflict, false},
		{"update stale", func() error { _, err := catalog.UpdateWork(ctx, s, testWork("a", 2003), 1, alice); return err }, catalog.ErrConflict, true},
		{"update ahead", func() error { _, err := catalog.UpdateWork(ctx, s, testWork("a", 2003), 7, alice); return err }, catalog.ErrConflict, true},
		{"update without base", func() error { _, err := catalog.UpdateWork(ctx, s, testWork("a", 2003), 0, alice); return err }, catalog.ErrConflict, false},
		{"delete stale", func() error { _, err := catalog.DeleteWork(ctx, s, "a", 1, alice); return err }, catalog.ErrConflict, true},
		{"no author", func() error { _, err := catalog.CreateWork(ctx, s, testWork("b", 2000), catalog.Change{}); return err }, nil, false},
	}
	for _, tt := range tests {
		err := tt.op()
		switch {
		case err == nil:
			t.Errorf("%s: no error", tt.name)
		case tt.want != nil && !errors.Is(err, tt.want):
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		case tt.stale != errors.As(err, &stale):
			t.Errorf("%s: err = %v (%T), *StaleError %v", tt.name, err, err, tt.stale)
		}
	}
	if errors.As(tests[5].op(), &stale) && (stale.Base != 1 || stale.Current != 2) {
		t.Errorf("StaleError = %+v, want base 1, current 2", stale)
	}
	var ve *catalog.ValidationError
	if _, err := catalog.CreateWork(ctx, s, &catalog.Work{ID: "bad"}, alice); !errors.As(err, &ve) || ve.Fields["title"] == "" {
		t.Errorf("CreateWork(invalid) = %v, want *ValidationError naming title", err)
	}
	// None of the failures wrote anything.
	if seq, _ := s.LastSeq(ctx); seq != 2 {
		t.Errorf("LastSeq after failed writes = %d, want 2", seq)
	}
}

func testChangesInOrder(t *testing.T, su suite) {
	ctx := context.Background()
	s := su.open(t)
	ops := []func() (catalog.Revision, error){
		func() (catalog.Revision, error) { return catalog.CreateWork(ctx, s, testWork("a", 2000), alice) },
		func() (catalog.Revision, error) { return catalog.CreateWork(ctx, s, testWork("b", 2000), alice) },
		func() (catalog.Revision, error) { return catalog.UpdateWork(ctx, s, testWork("a", 2001), 1, alice) },
		func() (catalog.Revision, error) { return catalog.DeleteWork(ctx, s, "b", 1, alice) },
		func() (catalog.Revision, error) { return catalog.CreateWork(ctx, s, testWork("c", 2000), alice) },
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
		if i < len(seqs) && r.Seq != seqs[i] {
			t.Errorf("change %d has seq %d, the write returned %d", i, r.Seq, seqs[i])
		}
		got = append(got, fmt.Sprintf("%s %s", r.Op, r.WorkID))
	}
	if diff := cmp.Diff([]string{"create a", "create b", "update a", "delete b", "create c"}, got); diff != "" {
		t.Errorf("Changes (-want +got):\n%s", diff)
	}
	if all[3].Work != nil || all[2].Work == nil || all[2].Work.Year != 2001 {
		t.Errorf("Changes' works: delete has %v, update has %v; want nil and the 2001 work", all[3].Work, all[2].Work)
	}
	after, _ := s.Changes(ctx, seqs[2], 1)
	if len(after) != 1 || after[0].Seq != seqs[3] {
		t.Errorf("Changes(after %d, limit 1) = %+v, want the delete of b", seqs[2], after)
	}
	if last, _ := s.LastSeq(ctx); last != seqs[4] {
		t.Errorf("LastSeq = %d, want %d", last, seqs[4])
	}
	if none, err := s.Changes(ctx, seqs[4], 10); err != nil || len(none) != 0 {
		t.Errorf("Changes after the last = %v, %v; want none", none, err)
	}
}

func testHistory(t *testing.T, su suite) {
	ctx := context.Background()
	s := su.open(t)
	for _, step := range []struct {
		author, id string
		year, base int
	}{{"alice", "a", 2000, -1}, {"bob", "b", 2000, -1}, {"alice", "a", 2001, 1}, {"bob", "a", 2002, 2}, {"alice", "c", 2000, -1}} {
		var err error
		if step.base < 0 {
			_, err = catalog.CreateWork(ctx, s, testWork(step.id, step.year), catalog.Change{Author: step.author})
		} else {
			_, err = catalog.UpdateWork(ctx, s, testWork(step.id, step.year), step.base, catalog.Change{Author: step.author})
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	summary := func(f catalog.HistoryFilter) []string {
		revs, err := s.History(ctx, f)
		if err != nil {
			t.Fatalf("History(%+v) = %v", f, err)
		}
		var out []string
		for _, r := range revs {
			out = append(out, fmt.Sprintf("%s %s %d", r.Author, r.WorkID, r.Number))
		}
		return out
	}
	all, _ := s.History(ctx, catalog.HistoryFilter{})
	tests := []struct {
		f    catalog.HistoryFilter
		want []string
	}{
		{catalog.HistoryFilter{}, []string{"alice c 1", "bob a 3", "alice a 2", "bob b 1", "alice a 1"}},
		{catalog.HistoryFilter{Author: "alice"}, []string{"alice c 1", "alice a 2", "alice a 1"}},
		{catalog.HistoryFilter{WorkID: "a"}, []string{"bob a 3", "alice a 2", "alice a 1"}},
		{catalog.HistoryFilter{Author: "bob", WorkID: "a"}, []string{"bob a 3"}},
		{catalog.HistoryFilter{Limit: 2}, []string{"alice c 1", "bob a 3"}},
		{catalog.HistoryFilter{Before: all[1].Seq, Limit: 2}, []string{"alice a 2", "bob b 1"}},
		{catalog.HistoryFilter{Author: "nobody"}, nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, summary(tt.f)); diff != "" {
			t.Errorf("History(%+v) (-want +got):\n%s", tt.f, diff)
		}
	}
}

func testRestore(t *testing.T, su suite) {
	ctx := context.Background()
	s := su.open(t)
	for i, year := range []int{2000, 2001, 2002} {
		var err error
		if i == 0 {
			_, err = catalog.CreateWork(ctx, s, testWork("a", year), alice)
		} else {
			_, err = catalog.UpdateWork(ctx, s, testWork("a", year), i, alice)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := catalog.RestoreWork(ctx, s, "a", 1, 2, alice); !errors.Is(err, catalog.ErrConflict) {
		t.Errorf("RestoreWork on a stale base = %v, want a conflict", err)
	}
	r, err := catalog.RestoreWork(ctx, s, "a", 1, 3, catalog.Change{Author: "bob", Note: "restore 1"})
	if err != nil || r.Number != 4 || r.Op != catalog.OpUpdate || r.Work.Year != 2000 {
		t.Fatalf("RestoreWork(1) = %+v, %v; want revision 4 with year 2000", r, err)
	}
	if _, err := catalog.DeleteWork(ctx, s, "a", 4, alice); err != nil {
		t.Fatal(err)
	}
	// Undoing a delete: restore the revision before it.
	r, err = catalog.RestoreWork(ctx, s, "a", 4, 5, catalog.Change{Author: "bob", Note: "undelete"})
	if err != nil || r.Number != 6 || r.Op != catalog.OpCreate {
		t.Fatalf("RestoreWork after delete = %+v, %v; want revision 6, a create", r, err)
	}
	if got, err := s.Get(ctx, "a"); err != nil || got.Work.Year != 2000 || got.Number != 6 {
		t.Errorf("Get after undelete = %+v, %v", got, err)
	}
}

func testAppend(t *testing.T, su suite) {
	ctx := context.Background()
	s := su.open(t)
	w := testWork("a", 2000)
	doc, _ := w.MarshalCanonical()
	rev := catalog.Revision{WorkID: "a", Number: 1, Op: catalog.OpCreate, Author: "alice", Time: time.Now().UTC(), Work: w}
	for _, n := range []int{0, 2} {
		err := s.Write(ctx, func(tx catalog.Tx) error {
			r := rev
			r.Number = n
			_, err := tx.Append(ctx, r, doc)
			return err
		})
		if !errors.Is(err, catalog.ErrConflict) {
			t.Errorf("Append number %d to a new work = %v, want ErrConflict", n, err)
		}
	}
	write(t, s, func(tx catalog.Tx) error {
		h, err := tx.Head(ctx, "a")
		if err != nil || h.Number != 0 || h.Deleted || h.Doc != nil {
			t.Errorf("Head of a new work = %+v, %v; want zero", h, err)
		}
		if _, err := tx.Append(ctx, rev, doc); err != nil {
			return err
		}
		// The transaction sees its own write.
		h, err = tx.Head(ctx, "a")
		if err != nil || h.Number != 1 || h.Deleted || string(h.Doc) != string(doc) || !h.Exists() {
			t.Errorf("Head after Append = %+v, %v; want revision 1 with the doc", h, err)
		}
		if _, err := tx.Append(ctx, rev, doc); !errors.Is(err, catalog.ErrConflict) {
			t.Errorf("Append of revision 1 twice = %v, want ErrConflict", err)
		}
		del := catalog.Revision{WorkID: "a", Number: 2, Op: catalog.OpDelete, Author: "alice", Time: rev.Time}
		if _, err := tx.Append(ctx, del, nil); err != nil {
			return err
		}
		h, err = tx.Head(ctx, "a")
		if err != nil || h.Number != 2 || !h.Deleted || h.Doc != nil || h.Exists() {
			t.Errorf("Head after a delete = %+v, %v; want revision 2, deleted, no doc", h, err)
		}
		return nil
	})
}

// errBoom is fn's failure in testWriteRollsBack.
var errBoom = errors.New("boom")

func testWriteRollsBack(t *testing.T, su suite) {
	ctx := context.Background()
	s := su.open(t)
	if _, err := catalog.CreateWork(ctx, s, testWork("kept", 2000), alice); err != nil {
		t.Fatal(err)
	}
	last, _ := s.LastSeq(ctx)
	wrap := fmt.Errorf("wrapped: %w", errBoom)
	err := s.Write(ctx, func(tx catalog.Tx) error {
		if _, err := catalog.WriteTx(ctx, tx, s.Codebook(), "lost", testWork("lost", 2000), catalog.BaseNone, alice); err != nil {
			return err
		}
		if err := tx.SetMeta(ctx, "k", "v"); err != nil {
			return err
		}
		return wrap
	})
	if err != wrap {
		t.Errorf("Write = %v, want fn's own error", err)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("a panic in fn did not reach Write's caller")
			}
		}()
		s.Write(ctx, func(tx catalog.Tx) error {
			if _, err := catalog.WriteTx(ctx, tx, s.Codebook(), "lost", testWork("lost", 2000), catalog.BaseNone, alice); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	canceled, cancel := context.WithCancel(ctx)
	err = s.Write(canceled, func(tx catalog.Tx) error {
		if _, err := catalog.WriteTx(canceled, tx, s.Codebook(), "lost", testWork("lost", 2000), catalog.BaseNone, alice); err != nil {
			return err
		}
		cancel()
		return nil
	})
	if err == nil {
		t.Error("Write whose context ended before the commit returned no error")
	}
	if _, err := s.Get(ctx, "lost"); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("Get(lost) = %v; a rolled-back work is visible", err)
	}
	if seq, _ := s.LastSeq(ctx); seq != last {
		t.Errorf("LastSeq = %d after rolled-back writes, want %d", seq, last)
	}
	write(t, s, func(tx catalog.Tx) error {
		if v, err := tx.Meta(ctx, "k"); !errors.Is(err, catalog.ErrNotFound) {
			t.Errorf("Meta(k) = %q, %v after a rollback, want ErrNotFound", v, err)
		}
		return nil
	})
	// The store still works, and a committed number is never given again.
	r, err := catalog.CreateWork(ctx, s, testWork("next", 2000), alice)
	if err != nil || r.Seq <= last {
		t.Errorf("CreateWork after rollbacks = %+v, %v; want a seq after %d", r, err, last)
	}
}

func testEachSnapshot(t *testing.T, su suite) {
	ctx := context.Background()
	s := su.open(t)
	for _, id := range []string{"c", "a", "b"} {
		if _, err := catalog.CreateWork(ctx, s, testWork(id, 2000), alice); err != nil {
			t.Fatal(err)
		}
	}
	var seen []string
	err := s.Each(ctx, func(w *catalog.Work) error {
		if len(seen) == 0 {
			// A write during the pass is not seen by it.
			if _, err := catalog.CreateWork(ctx, s, testWork("aa", 2000), alice); err != nil {
				return err
			}
			if _, err := catalog.DeleteWork(ctx, s, "c", 0, alice); err != nil {
				return err
			}
		}
		seen = append(seen, w.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a", "b", "c"}, seen); diff != "" {
		t.Errorf("Each (-want +got):\n%s", diff)
	}
	stop := errors.New("stop")
	n := 0
	if err := s.Each(ctx, func(*catalog.Work) error { n++; return stop }); err != stop || n != 1 {
		t.Errorf("Each stopping at the first work = %v after %d, want fn's error after 1", err, n)
	}
}

// testWorksBatch reads works by id in the caller's order, leaves out the
// ones that are gone, and reads past one query's worth of ids.
func testWorksBatch(t *testing.T, su suite) {
	ctx := context.Background()
	s := su.open(t)
	var ids []string
	for i := range 1203 {
		ids = append(ids, fmt.Sprintf("w%04d", i))
	}
	err := s.Write(ctx, func(tx catalog.Tx) error {
		for i, id := range ids {
			w := testWork(id, 1950+i%70)
			doc, err := w.MarshalCanonical()
			if err != nil {
				return err
			}
			r := catalog.Revision{WorkID: id, Number: 1, Op: catalog.OpCreate, Author: "alice", Time: time.Unix(1, 0).UTC(), Work: w}
			if _, err := tx.Append(ctx, r, doc); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := catalog.DeleteWork(ctx, s, "w0002", 0, alice); err != nil {
		t.Fatal(err)
	}
	// Reversed, so that the store's own order (by id) is not the answer.
	ask := slices.Clone(ids)
	slices.Reverse(ask)
	ask = append(ask, "missing", "w0001")
	got, err := s.Works(ctx, ask)
	if err != nil {
		t.Fatal(err)
	}
	var gotIDs []string
	for _, w := range got {
		gotIDs = append(gotIDs, w.ID)
	}
	want := slices.DeleteFunc(slices.Clone(ask), func(id string) bool { return id == "w0002" || id == "missing" })
	if diff := cmp.Diff(want, gotIDs); diff != "" {
		t.Errorf("Works ids (-want +got):\n%s", diff)
	}
	if len(got) > 0 && got[len(got)-1].Year != 1951 {
		t.Errorf("Works read w0001 with year %d, want 1951", got[len(got)-1].Year)
	}
	if got, err := s.Works(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("Works(nil) = %d works, %v; want none", len(got), err)
	}
}

func testConcurrentWriters(t *testing.T, su suite) {
	ctx := context.Background()
	a := su.open(t)
	b := su.another(t, a)
	const perWriter = 40
	var wg sync.WaitGroup
	errs := make(chan error, 4*perWriter)
	for wi, s := range []catalog.Store{a, b, a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				if _, err := catalog.CreateWork(ctx, s, testWork(fmt.Sprintf("w%d-%d", wi, i), 2000), alice); err != nil {
					errs <- err
				}
			}
		}()
	}
	// Two writers race to update one work from the same base: one wins,
	// the other is stale, never both.
	if _, err := catalog.CreateWork(ctx, a, testWork("contested", 2000), alice); err != nil {
		t.Fatal(err)
	}
	var won sync.Map
	for i, s := range []catalog.Store{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := catalog.UpdateWork(ctx, s, testWork("contested", 2001+i), 1, alice)
			won.Store(i, err)
		}()
	}
	// A reader runs throughout; the sequence it sees never goes back.
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
	e0, _ := won.Load(0)
	e1, _ := won.Load(1)
	if (e0 == nil) == (e1 == nil) {
		t.Errorf("two updates from one base: %v and %v; want exactly one stale", e0, e1)
	}
	for _, s := range []catalog.Store{a, b} {
		if n, _ := s.Count(ctx); n != 4*perWriter+1 {
			t.Errorf("Count = %d, want %d", n, 4*perWriter+1)
		}
	}
	changes, _ := a.Changes(ctx, 0, 1000)
	if len(changes) != 4*perWriter+2 {
		t.Errorf("Changes = %d revisions, want %d", len(changes), 4*perWriter+2)
	}
	for i := 1; i < len(changes); i++ {
		if changes[i].Seq <= changes[i-1].Seq {
			t.Fatalf("sequence not increasing: %d after %d", changes[i].Seq, changes[i-1].Seq)
		}
	}
}

func testDurable(t *testing.T, su suite) {
	ctx := context.Background()
	s := su.open(t)
	r, err := catalog.CreateWork(ctx, s, testWork("kept", 2000), alice)
	if err != nil {
		t.Fatal(err)
	}
	// A handle opened after the write, as after a restart, sees it.
	o := su.another(t, s)
	s.Close()
	got, err := o.Get(ctx, "kept")
	if err != nil || got.Seq != r.Seq || got.Work.Title != "Work kept" {
		t.Errorf("Get from another handle = %+v, %v; want the committed revision", got, err)
	}
}

func testRemember(t *testing.T, su suite) {
	ctx := context.Background()
	s := su.open(t)
	type call struct {
		key         string
		value, want int
		seen        bool
	}
	for i, calls := range [][]call{
		{{"a", 1, 0, false}, {"b", 2, 0, false}, {"a", 3, 1, true}, {"a", 1, 1, true}, {"b", 2, 2, true}},
		// Nothing outlives the transaction.
		{{"a", 5, 0, false}, {"a", 5, 5, true}},
	} {
		write(t, s, func(tx catalog.Tx) error {
			for _, c := range calls {
				first, seen, err := tx.Remember(ctx, c.key, c.value)
				if err != nil {
					return err
				}
				if first != c.want || seen != c.seen {
					t.Errorf("transaction %d: Remember(%q, %d) = %d, %v; want %d, %v", i+1, c.key, c.value, first, seen, c.want, c.seen)
				}
			}
			return nil
		})
	}
}
