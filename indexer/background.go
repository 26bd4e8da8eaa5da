package indexer

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/komoru/komoru/catalog"
)

// BuildingError is what a search gets while the index is being built or
// opened and there is none to answer from yet.
type BuildingError struct {
	Indexed int // works indexed so far
	Total   int // works to index; 0 if unknown
}

func (e *BuildingError) Error() string {
	if e.Total > 0 {
		return fmt.Sprintf("building the search index: %d of %d works", min(e.Indexed, e.Total), e.Total)
	}
	return "opening the search index"
}

// Pending is an index being opened (or built, at 100,000 works about a
// minute) in the background, so that a server can listen at once: until
// it is ready, searches get a *BuildingError, which says how far the
// build has come, and catch-ups do nothing.
type Pending struct {
	total   int
	indexed atomic.Int64
	done    chan struct{}

	mu  sync.Mutex
	ix  *Index
	err error
}

// OpenInBackground locks dir at once (a second server on the same data
// dir fails here with ErrLocked) and opens the index as Open does, in the
// background. total is how many works the catalog holds, for progress.
func OpenInBackground(ctx context.Context, dir string, src Catalog, opts Options, total int) (*Pending, error) {
	p := &Pending{total: total, done: make(chan struct{})}
	progress := opts.Progress
	opts.Progress = func(n int) {
		p.indexed.Store(int64(n))
		if progress != nil {
			progress(n)
		}
	}
	ix, err := newIndex(dir, src, opts)
	if err != nil {
		return nil, err
	}
	go func() {
		defer close(p.done)
		err := ix.open(ctx, true)
		p.mu.Lock()
		defer p.mu.Unlock()
		if err != nil {
			p.err = err
			return
		}
		p.ix = ix
	}()
	return p, nil
}

// Wait returns the index once it is open, or why it could not be.
func (p *Pending) Wait(ctx context.Context) (*Index, error) {
	select {
	case <-p.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ix, p.err
}

// Health returns the health of the index once it is open; until then
// HealthStarting with a *BuildingError, or HealthFailed with the error
// that stopped it from opening.
func (p *Pending) Health() Health {
	ix, err := p.index()
	var bld *BuildingError
	switch {
	case ix != nil:
		return ix.Health()
	case errors.As(err, &bld):
		return Health{State: HealthStarting, Err: err}
	}
	return Health{State: HealthFailed, Err: err}
}

// index returns the index once it is open, else why there is none.
func (p *Pending) index() (*Index, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.ix != nil:
		return p.ix, nil
	case p.err != nil:
		return nil, fmt.Errorf("search index: %w", p.err)
	}
	return nil, &BuildingError{Indexed: int(p.indexed.Load()), Total: p.total}
}

// Search searches the index once it is open (damaged or not: what can be
// served is).
func (p *Pending) Search(ctx context.Context, q Query) (*Result, error) {
	ix, err := p.index()
	if ix == nil {
		return nil, err
	}
	return ix.Search(ctx, q)
}

// Crosstab tabulates the open index (see Index.Crosstab); before, why
// there is none, as Search.
func (p *Pending) Crosstab(ctx context.Context, q Query, row, col string) (*Crosstab, error) {
	ix, err := p.index()
	if ix == nil {
		return nil, err
	}
	return ix.Crosstab(ctx, q, row, col)
}

// IDs lists every work of a search on the open index (see Index.IDs);
// before, why there is none, as Search.
func (p *Pending) IDs(ctx context.Context, q Query) ([]string, error) {
	ix, err := p.index()
	if ix == nil {
		return nil, err
	}
	return ix.IDs(ctx, q)
}

// Applied is the open index's Applied, and nothing before it opens.
func (p *Pending) Applied() map[catalog.Op]int64 {
	ix, _ := p.index()
	if ix == nil {
		return nil
	}
	return ix.Applied()
}

// Seq is the open index's change sequence (Index.Seq), and 0 before it
// opens: nothing is counted then, so no cache keeps a count under it.
func (p *Pending) Seq() int64 {
	ix, _ := p.index()
	if ix == nil {
		return 0
	}
	return ix.Seq()
}

// CatchUp catches the open index up; before, there is nothing to do: the
// opening catches up last.
func (p *Pending) CatchUp(ctx context.Context) (int, error) {
	ix, _ := p.index()
	if ix == nil {
		return 0, nil
	}
	return ix.CatchUp(ctx)
}
