package indexer

import (
	"context"
	"errors"
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
func (ix *Index) CatchUp(ctx context.Context) (int, error) {
	ix.wmu.Lock()
	defer ix.wmu.Unlock()
	n, err := ix.catchUpLocked(ctx)
	if err == nil && n >= ix.opts.MergeAfter {
		if err = forceMerge(ctx, ix.bi); err == nil {
			err = ix.refreshLocked()
		}
	}
	return n, err
}

// guardedCatchUp is CatchUp with a memory fault (a damaged segment read
// while applying changes) made ErrDamaged, for Follow.
func (ix *Index) guardedCatchUp(ctx context.Context) (n int, err error) {
	defer guardFaults()()
	defer ix.catchFault(&err)
	return ix.CatchUp(ctx)
}

func (ix *Index) catchUpLocked(ctx context.Context) (int, error) {
	total := 0
	for {
		ix.mu.RLock()
		after := ix.seq
		ix.mu.RUnlock()
		revs, err := ix.src.Changes(ctx, after, changesPage)
		if err != nil {
			return total, err
		}
		if len(revs) == 0 {
			return total, nil
		}
		if err := ix.apply(revs); err != nil {
			return total, err
		}
		total += len(revs)
	}
}

// Follow catches up every interval until ctx is done, so that writes of
// any process on the catalog become searchable. It returns ctx's error.
// Errors of a step are logged and retried at the next one.
func (ix *Index) Follow(ctx context.Context, every time.Duration) error {
	t := time.NewTicker(every)
	defer t.Stop()
	lastRefresh := time.Now()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
		if ix.Damaged() {
			ix.log.Warn("search index damaged; rebuilding it from the catalog")
			if err := ix.Rebuild(ctx); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				ix.log.Error("search index: rebuilding failed", "error", err)
				continue
			}
			ix.log.Info("search index rebuilt", "works", ix.Count())
		}
		start := time.Now()
		n, err := ix.guardedCatchUp(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			ix.log.Warn("search index: catching up failed", "error", err)
			continue
		}
		switch {
		case n >= changesPage: // a bulk import: worth an operator's notice
			ix.log.Info("search index caught up", "changes", n, "seq", ix.Seq(), "seconds", time.Since(start).Seconds())
		case n > 0:
			ix.log.Debug("search index caught up", "changes", n, "seq", ix.Seq())
		}
		// Now and then take a fresh snapshot, so that segments Bleve
		// has merged away are let go.
		if time.Since(lastRefresh) > time.Minute {
			lastRefresh = time.Now()
			if err := ix.refresh(); err != nil {
				ix.log.Warn("search index: refresh failed", "error", err)
			}
		}
	}
}

// apply writes revisions to Bleve in one batch, with the new sequence
// number, then to the in-memory state. The caller holds wmu.
func (ix *Index) apply(revs []catalog.Revision) error {
	if ix.bi == nil {
		return errClosed
	}
	// The last revision of each work in the batch wins.
	last := map[string]int{}
	for i, r := range revs {
		last[r.WorkID] = i
	}
	// A large page goes to Bleve as two batches at once, as Build does:
	// Bleve builds a batch's segment on one core. Their works are
	// distinct, so the order they land in does not matter; the sequence
	// number follows once both have.
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
	seqBatch := batches[0]
	if len(batches) > 1 {
		errs := make([]error, len(batches))
		var wg sync.WaitGroup
		for i, b := range batches {
			wg.Go(func() { errs[i] = ix.bi.Batch(b) })
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return err
		}
		seqBatch = ix.bi.NewBatch()
	}
	seqBatch.SetInternal(keySeq, []byte(strconv.FormatInt(seq, 10)))
	if err := ix.bi.Batch(seqBatch); err != nil {
		return err
	}
	// New works get their ordinals before the snapshot is mapped; they
	// become visible when the snapshot and the state change together.
	ix.mu.Lock()
	for i, r := range revs {
		if metas[i] != nil {
			ix.st.ordFor(r.WorkID)
		}
	}
	ix.mu.Unlock()
	snap, err := openSnapshot(ix.bi, ix.cache, ix.st.lookup)
	if err != nil {
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
	ix.snap.close()
	ix.snap = snap
	ix.seq = seq
	return nil
}

// refresh takes a fresh snapshot of Bleve.
func (ix *Index) refresh() error {
	ix.wmu.Lock()
	defer ix.wmu.Unlock()
	return ix.refreshLocked()
}

// refreshLocked is refresh for a caller that holds wmu.
func (ix *Index) refreshLocked() error {
	if ix.bi == nil {
		return errClosed
	}
	snap, err := openSnapshot(ix.bi, ix.cache, ix.st.lookup)
	if err != nil {
		return err
	}
	ix.mu.Lock()
	ix.snap.close()
	ix.snap = snap
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

func (ix *Index) direct(works []*catalog.Work, ids []string) error {
	ix.wmu.Lock()
	defer ix.wmu.Unlock()
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
	return ix.apply(revs)
}
