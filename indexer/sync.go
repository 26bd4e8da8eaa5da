package indexer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"strconv"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/komoru/komoru/catalog"
)

// ChangeSource is the catalog's change log, as the index follows it.
type ChangeSource interface {
	// Changes returns up to limit revisions with a sequence number
	// after after, in sequence order.
	Changes(ctx context.Context, after int64, limit int) ([]catalog.Revision, error)
}

// Catalog is what the index reads of the catalog: the change log to
// follow, and every current work to build from. *sqlite.Store is one.
type Catalog interface {
	ChangeSource
	// LastSeq returns the sequence number of the latest change.
	LastSeq(ctx context.Context) (int64, error)
	// Each calls fn with every current work, from one consistent snapshot.
	Each(ctx context.Context, fn func(*catalog.Work) error) error
}

// changesPage is how many changes one catch-up step applies; a step of
// 2*splitBatchAt works or more is indexed as two batches at once.
const (
	changesPage  = 2000
	splitBatchAt = 500
)

// CatchUp applies every change after the last one the index holds and
// returns how many it applied. After a bulk of them (Options.MergeAfter)
// it merges the index into one segment, as a build does: a catch-up
// leaves a segment per page, and typo and prefix expansion walk each.
//
// A page of changes that cannot be written (a full disk) leaves the index
// as it was before that page and degraded (see Health): searches answer
// from the last snapshot written whole, and the next catch-up retries.
// A panic, or a memory fault (ErrDamaged), is an error too.
func (ix *Index) CatchUp(ctx context.Context) (n int, err error) {
	defer ix.lockWrite(&err)()
	n, err = ix.catchUpLocked(ctx)
	if err == nil && n >= ix.opts.MergeAfter {
		if err = forceMerge(ctx, ix.bi); err == nil {
			err = ix.refreshLocked()
		} else if ctx.Err() == nil {
			ix.closeBleve() // what a failed merge leaves is not worth knowing
			err = ix.fail(fmt.Errorf("merge index: %w", err))
		}
	}
	return n, err
}

func (ix *Index) catchUpLocked(ctx context.Context) (int, error) {
	total := 0
	for {
		if err := ix.writable(); err != nil {
			return total, err
		}
		ix.mu.RLock()
		after := ix.seq
		ix.mu.RUnlock()
		revs, err := ix.src.Changes(ctx, after, changesPage)
		if err != nil {
			return total, err
		}
		if len(revs) == 0 {
			ix.caughtUp()
			return total, nil
		}
		if err := ix.apply(revs); err != nil {
			return total, ix.fail(fmt.Errorf("index changes %d to %d: %w", revs[0].Seq, revs[len(revs)-1].Seq, err))
		}
		total += len(revs)
	}
}

// Follow catches up every interval until ctx is done, so that writes of
// any process on the catalog become searchable. It returns ctx's error.
//
// A step that fails is retried after a wait that doubles each time, up
// to a minute (nextWait), and is logged once, when the failures start,
// and once when they end. An index that is damaged, or whose writes keep
// failing for something other than a full disk, is rebuilt from the
// catalog (needsRebuild).
func (ix *Index) Follow(ctx context.Context, every time.Duration) error {
	return ix.FollowWoken(ctx, every, nil)
}

// FollowWoken is Follow that also catches up whenever wake receives: a
// store that hears of commits (PostgreSQL's LISTEN/NOTIFY) makes a write
// of another server searchable at once, while the timer still catches
// what a lost notification would miss. While steps fail, wake is ignored
// and the growing wait holds.
func (ix *Index) FollowWoken(ctx context.Context, every time.Duration, wake <-chan struct{}) error {
	wait := every
	t := time.NewTimer(wait)
	defer t.Stop()
	lastRefresh := time.Now()
	failing := false
	for {
		woken := wake
		if failing {
			woken = nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		case _, ok := <-woken:
			if !ok {
				wake = nil // the store stopped listening: poll only
			}
		}
		err := ix.follow(ctx, failing, &lastRefresh)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		wait = nextWait(wait, every, err != nil)
		switch {
		case err != nil && !failing:
			ix.log.Error("search index: updating failed; searches answer from the last good index; retrying",
				append(logArgs(err), "retry_in", wait.String())...)
		case err != nil:
			ix.log.Debug("search index: updating failed again", append(logArgs(err), "retry_in", wait.String())...)
		case failing:
			ix.log.Info("search index recovered", "works", ix.Count(), "seq", ix.Seq())
		}
		failing = err != nil
		t.Reset(wait)
	}
}

// follow is one step of Follow: a rebuild if one is needed, a catch-up
// and, now and then, a fresh snapshot. A failing Follow has it log its
// rebuilds quietly, as it does its failures.
func (ix *Index) follow(ctx context.Context, failing bool, lastRefresh *time.Time) error {
	if ix.needsRebuild() {
		level := slog.LevelWarn
		if failing {
			level = slog.LevelDebug
		}
		ix.log.Log(ctx, level, "search index: rebuilding it from the catalog", "reason", ix.Health().Err)
		start := time.Now()
		if err := ix.Rebuild(ctx); err != nil {
			if ctx.Err() == nil {
				// Counted as a failed write: a rebuild that fails for
				// a full disk is not tried again until there is room.
				err = ix.fail(err)
			}
			return err
		}
		ix.log.Info("search index rebuilt", "works", ix.Count(), "seconds", time.Since(start).Seconds())
	}
	start := time.Now()
	n, err := ix.CatchUp(ctx)
	if err != nil {
		return err
	}
	switch {
	case n >= changesPage: // a bulk import: worth an operator's notice
		ix.log.Info("search index caught up", "changes", n, "seq", ix.Seq(), "seconds", time.Since(start).Seconds())
	case n > 0:
		ix.log.Debug("search index caught up", "changes", n, "seq", ix.Seq())
	}
	// Now and then take a fresh snapshot, so that segments Bleve has
	// merged away are let go.
	if time.Since(*lastRefresh) > time.Minute {
		*lastRefresh = time.Now()
		if err := ix.refresh(); err != nil {
			ix.log.Warn("search index: refresh failed", "error", err)
		}
	}
	return nil
}

// apply writes revisions to Bleve with the new sequence number, then to
// the in-memory state. Unless every step succeeds the state (ix.st,
// ix.cache, ix.snap, ix.seq) is left as it was; if Bleve was written to,
// it is closed, to be opened again before the next write (see
// Index.stale). The caller holds wmu and has made Bleve writable.
func (ix *Index) apply(revs []catalog.Revision) error {
	// The last revision of each work in the batch wins.
	last := map[string]int{}
	for i, r := range revs {
		last[r.WorkID] = i
	}
	// A large page goes to Bleve as two batches at once, as Build does:
	// Bleve builds a batch's segment on one core.
	batches := []*bleve.Batch{ix.bi.NewBatch()}
	if len(last) >= 2*splitBatchAt {
		batches = append(batches, ix.bi.NewBatch())
	}
	metas := make([]*meta, len(revs))
	n := 0
	for i, r := range revs {
		if last[r.WorkID] != i {
			continue
		}
		b := batches[n%len(batches)]
		n++
		if r.Work == nil {
			b.Delete(r.WorkID)
			continue
		}
		m := newMeta(r.Work, ix.cb)
		doc, err := newDocument(r.Work, ix.cb, m)
		if err != nil {
			return err
		}
		if err := b.Index(r.WorkID, doc); err != nil {
			return err
		}
		metas[i] = &m
	}
	seq := revs[len(revs)-1].Seq
	if err := ix.writeBatches(batches, seq); err != nil {
		if errors.Is(err, ErrDamaged) {
			ix.markDamaged(err)
		}
		ix.closeBleve()
		return err
	}
	// New works get the next ordinals, in the order state.put will give
	// them below; the snapshot is mapped with them, into a copy of the
	// segment maps, before the state has them.
	fresh := map[string]uint32{}
	next := uint32(len(ix.st.ids))
	for i, r := range revs {
		if metas[i] != nil && ix.st.lookup(r.WorkID) == noOrd {
			fresh[r.WorkID] = next
			next++
		}
	}
	cache := maps.Clone(ix.cache)
	snap, err := openSnapshot(ix.bi, cache, func(id string) uint32 {
		if o, ok := fresh[id]; ok {
			return o
		}
		return ix.st.lookup(id)
	})
	if err != nil {
		ix.closeBleve() // Bleve holds the changes, the state does not
		return err
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for i, r := range revs {
		switch {
		case last[r.WorkID] != i:
		case metas[i] == nil:
			ix.st.remove(r.WorkID)
		default:
			ix.st.put(r.WorkID, metas[i])
		}
	}
	ix.st.finish()
	ix.cache = cache
	ix.snap.close()
	ix.setSnap(snap)
	ix.seq = seq
	for _, r := range revs {
		switch r.Op {
		case catalog.OpCreate:
			ix.applied.create.Add(1)
		case catalog.OpUpdate:
			ix.applied.update.Add(1)
		case catalog.OpDelete:
			ix.applied.delete.Add(1)
		}
	}
	return nil
}

// Applied returns how many of the catalog's changes the index has taken
// since it opened, by operation (a build counts none).
func (ix *Index) Applied() map[catalog.Op]int64 {
	return map[catalog.Op]int64{
		catalog.OpCreate: ix.applied.create.Load(),
		catalog.OpUpdate: ix.applied.update.Load(),
		catalog.OpDelete: ix.applied.delete.Load(),
	}
}

// writeBatches writes batches to Bleve, two at once if there are two
// (their works are distinct, so the order they land in does not matter),
// then the sequence number seq, once they all have.
func (ix *Index) writeBatches(batches []*bleve.Batch, seq int64) error {
	seqBatch := batches[0]
	if len(batches) > 1 {
		errs := make([]error, len(batches))
		var wg sync.WaitGroup
		for i, b := range batches {
			wg.Go(func() { errs[i] = writeBatch(ix.bi, b) })
		}
		wg.Wait()
		if err := cause(errs...); err != nil {
			return err
		}
		seqBatch = ix.bi.NewBatch()
	}
	seqBatch.SetInternal(keySeq, []byte(strconv.FormatInt(seq, 10)))
	return writeBatch(ix.bi, seqBatch)
}

// refresh takes a fresh snapshot of Bleve.
func (ix *Index) refresh() (err error) {
	defer ix.lockWrite(&err)()
	return ix.refreshLocked()
}

// refreshLocked is refresh for a caller that holds wmu.
func (ix *Index) refreshLocked() error {
	if err := ix.writable(); err != nil {
		return err
	}
	snap, err := openSnapshot(ix.bi, ix.cache, ix.st.lookup)
	if err != nil {
		return err
	}
	ix.mu.Lock()
	ix.snap.close()
	ix.setSnap(snap)
	ix.mu.Unlock()
	return nil
}

// Put indexes works directly, outside the change log: for a write path
// that wants its change searchable before the next poll. The change log
// still delivers them later; applying a work twice is harmless.
func (ix *Index) Put(ctx context.Context, works ...*catalog.Work) error {
	return ix.direct(works, nil)
}

// Delete removes works from the index directly, as Put adds them.
func (ix *Index) Delete(ctx context.Context, ids ...string) error {
	return ix.direct(nil, ids)
}

func (ix *Index) direct(works []*catalog.Work, ids []string) (err error) {
	defer ix.lockWrite(&err)()
	if err := ix.writable(); err != nil {
		return err
	}
	ix.mu.RLock()
	seq := ix.seq
	ix.mu.RUnlock()
	var revs []catalog.Revision
	for _, w := range works {
		revs = append(revs, catalog.Revision{WorkID: w.ID, Seq: seq, Work: w})
	}
	for _, id := range ids {
		revs = append(revs, catalog.Revision{WorkID: id, Seq: seq})
	}
	if len(revs) == 0 {
		return nil
	}
	if err := ix.apply(revs); err != nil {
		return ix.fail(err)
	}
	return nil
}
