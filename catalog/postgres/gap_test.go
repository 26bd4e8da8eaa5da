package postgres

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/komoru/komoru/catalog"
)

// appendWork appends revision 1 of a new work in tx.
func appendWork(ctx context.Context, tx catalog.Tx, id string) error {
	w := &catalog.Work{ID: id, Title: "Work " + id, Medium: "novel", Year: 2000}
	doc, err := w.MarshalCanonical()
	if err != nil {
		return err
	}
	_, err = tx.Append(ctx, catalog.Revision{WorkID: id, Number: 1, Op: catalog.OpCreate, Work: w,
		Author: "gap", Time: time.Now()}, doc)
	return err
}

// follower reads the change feed as the search index does: it remembers
// the last Seq it saw and asks for what comes after it, polling until
// stop is closed and then once more.
func follower(ctx context.Context, s catalog.Store, stop <-chan struct{}) ([]catalog.Revision, error) {
	var (
		seen  []catalog.Revision
		after int64
	)
	for stopped := false; ; {
		select {
		case <-stop:
			stopped = true
		default:
		}
		for {
			batch, err := s.Changes(ctx, after, 7)
			if err != nil {
				return seen, err
			}
			if len(batch) == 0 {
				break
			}
			seen = append(seen, batch...)
			after = batch[len(batch)-1].Seq
		}
		if stopped {
			return seen, nil
		}
		time.Sleep(time.Millisecond)
	}
}

// TestChangeFeedGapFree: 8 writers, on two servers' stores, commit
// concurrently with random delays inside their transactions, while 2
// followers read the feed. Each follower sees every change exactly once,
// in increasing Seq order, which under the write lock is commit order.
func TestChangeFeedGapFree(t *testing.T) {
	t.Parallel()
	a, conn := openTest(t)
	b, err := Open(context.Background(), conn, catalog.DefaultCodebook())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	const writers, perWriter = 8, 25
	ctx := context.Background()

	stop := make(chan struct{})
	var fwg sync.WaitGroup
	feeds := make([][]catalog.Revision, 2)
	ferrs := make([]error, 2)
	for i, s := range []*Store{a, b} {
		fwg.Go(func() { feeds[i], ferrs[i] = follower(ctx, s, stop) })
	}
	var wwg sync.WaitGroup
	werrs := make(chan error, writers*perWriter)
	for wi := range writers {
		s := []*Store{a, b}[wi%2]
		wwg.Go(func() {
			for i := range perWriter {
				err := s.Write(ctx, func(tx catalog.Tx) error {
					// The number is drawn here and committed after a
					// random delay.
					if err := appendWork(ctx, tx, fmt.Sprintf("w%d-%03d", wi, i)); err != nil {
						return err
					}
					time.Sleep(time.Duration(rand.IntN(2000)) * time.Microsecond)
					return nil
				})
				if err != nil {
					werrs <- err
				}
			}
		})
	}
	wwg.Wait()
	close(stop)
	fwg.Wait()
	close(werrs)
	for err := range werrs {
		t.Errorf("write: %v", err)
	}
	all, err := a.Changes(ctx, 0, writers*perWriter+1)
	if err != nil || len(all) != writers*perWriter {
		t.Fatalf("Changes = %d revisions, %v; want %d", len(all), err, writers*perWriter)
	}
	for i, feed := range feeds {
		if ferrs[i] != nil {
			t.Errorf("follower %d: %v", i, ferrs[i])
		}
		seen := map[string]int{}
		for j, r := range feed {
			seen[r.WorkID]++
			if j > 0 && r.Seq <= feed[j-1].Seq {
				t.Errorf("follower %d: Seq %d after %d", i, r.Seq, feed[j-1].Seq)
			}
		}
		for _, r := range all {
			if seen[r.WorkID] != 1 {
				t.Errorf("follower %d saw %s (Seq %d) %d times, want once", i, r.WorkID, r.Seq, seen[r.WorkID])
			}
		}
		if len(feed) != len(all) {
			t.Errorf("follower %d saw %d changes, want %d", i, len(feed), len(all))
		}
	}
}

// TestChangeFeedNeedsTheLock shows what the write lock prevents, without
// timing luck: writer A draws its number and then waits inside its
// transaction while writer B draws a later one and commits. A follower
// reading between the two commits sees B; with the lock B cannot draw
// until A commits, so the follower then sees A too. Without the lock it
// asks only for what comes after B, and never sees A.
func TestChangeFeedNeedsTheLock(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		unlocked bool
	}{{"locked", false}, {"unlocked", true}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, _ := openTest(t)
			s.unlocked = tc.unlocked
			ctx := context.Background()
			drawn := make(chan struct{})
			bDone := make(chan error, 1)
			aDone := make(chan error, 1)
			go func() {
				aDone <- s.Write(ctx, func(tx catalog.Tx) error {
					if err := appendWork(ctx, tx, "a"); err != nil {
						return err
					}
					close(drawn)
					time.Sleep(300 * time.Millisecond)
					return nil
				})
			}()
			<-drawn
			go func() {
				bDone <- s.Write(ctx, func(tx catalog.Tx) error { return appendWork(ctx, tx, "b") })
			}()
			// The follower polls until B's change shows, then once A and
			// B are both committed.
			var (
				seen  []string
				after int64
			)
			poll := func() {
				batch, err := s.Changes(ctx, after, 100)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range batch {
					seen = append(seen, r.WorkID)
					after = r.Seq
				}
			}
			deadline := time.Now().Add(5 * time.Second)
			for len(seen) == 0 && time.Now().Before(deadline) {
				poll()
				time.Sleep(5 * time.Millisecond)
			}
			if err := <-aDone; err != nil {
				t.Fatal(err)
			}
			if err := <-bDone; err != nil {
				t.Fatal(err)
			}
			poll()
			got := fmt.Sprint(seen)
			if tc.unlocked {
				// The naive reader: B first, and A, committed later with
				// the smaller number, skipped.
				if got != "[b]" {
					t.Errorf("without the lock the follower saw %s; want [b], the skip the lock prevents", got)
				}
				return
			}
			if got != "[a b]" {
				t.Errorf("the follower saw %s, want [a b]", got)
			}
		})
	}
}

// TestChanged: a write that appends a revision, through another handle
// (as another server would write), wakes a listener at once; a write
// that appends none (an account) does not.
func TestChanged(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, conn := openTest(t)
	other, err := Open(ctx, conn, catalog.DefaultCodebook())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ch := s.Changed(ctx)
	// The first value says the listener is in place.
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatal("the listener never started")
	}
	if err := other.Write(ctx, func(tx catalog.Tx) error {
		return tx.PutUser(ctx, catalog.User{Name: "ann", Role: catalog.RoleCurator, Created: time.Now()})
	}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ch:
		t.Error("a write with no revision woke the listener")
	case <-time.After(300 * time.Millisecond):
	}
	if _, err := catalog.CreateWork(ctx, other, &catalog.Work{ID: "a-work", Title: "A", Medium: "manga", Year: 2001}, catalog.Change{Author: "ann"}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatal("a new revision did not wake the listener")
	}
	cancel()
	for range ch {
	}
}
