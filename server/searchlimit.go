package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"time"

	"github.com/komoru/komoru/indexer"
)

// SearchLimits bound the searches a server runs, so that a few clients
// sending expensive queries cannot starve everyone else: each search has
// a time budget, a few run at once, a few more wait their turn briefly,
// and the rest are turned away at once with a Retry-After. The zero value
// of a field means its default.
type SearchLimits struct {
	// Timeout is the budget of one search, from when it gets its turn:
	// past it the search stops and the client gets a 503 (default 2 s).
	Timeout time.Duration
	// Concurrent is how many searches run at once (default twice
	// GOMAXPROCS: searches are CPU-bound, and a few reading postings from
	// disk leave the CPUs to the others).
	Concurrent int
	// Queue is how many more searches may wait for a turn (default four
	// times Concurrent); negative lets none wait. A search that finds the
	// queue full gets a 429 at once.
	Queue int
	// Wait is the longest a search waits for its turn, at most Timeout
	// (default 1 s); past it, a 503.
	Wait time.Duration
}

// Defaults of SearchLimits.
const (
	DefaultSearchTimeout = 2 * time.Second
	defaultSearchWait    = time.Second
)

// retryAfter is what a client turned away or stopped is told to wait: a
// turn frees up within a search budget or two, and clients that retry
// sooner only lengthen the queue.
const retryAfter = time.Second

func (l *SearchLimits) setDefaults() {
	if l.Timeout <= 0 {
		l.Timeout = DefaultSearchTimeout
	}
	if l.Concurrent <= 0 {
		l.Concurrent = 2 * runtime.GOMAXPROCS(0)
	}
	switch {
	case l.Queue == 0:
		l.Queue = 4 * l.Concurrent
	case l.Queue < 0:
		l.Queue = 0
	}
	if l.Wait <= 0 {
		l.Wait = defaultSearchWait
	}
	l.Wait = min(l.Wait, l.Timeout)
}

// retryLater is a search turned away or stopped for want of capacity or
// time: its status (429 or 503), code and message, and when to try again
// (the Retry-After header). cause is what errors.Is sees.
type retryLater struct {
	status    int
	code, msg string
	after     time.Duration
	cause     error
}

func (e *retryLater) Error() string { return e.msg }

func (e *retryLater) Unwrap() error { return e.cause }

// errSearchBusy is a search that found every turn taken and the queue
// full.
var errSearchBusy = &retryLater{status: http.StatusTooManyRequests, code: "busy", after: retryAfter,
	msg: "too many searches at once; try again in a moment"}

// searchGate lets Concurrent searches run at once and Queue more wait for
// a turn, with two buffered channels as semaphores: admitted holds a
// token for each search running or waiting, running one for each running.
type searchGate struct {
	timeout, wait time.Duration
	admitted      chan struct{}
	running       chan struct{}
}

func newSearchGate(l SearchLimits) *searchGate {
	l.setDefaults()
	return &searchGate{timeout: l.Timeout, wait: l.Wait,
		admitted: make(chan struct{}, l.Concurrent+l.Queue), running: make(chan struct{}, l.Concurrent)}
}

// do runs f when it gets a turn, with a context that ends at the search
// budget. Turned away, it returns a *retryLater (429 with a full queue,
// 503 after waiting too long); past the budget, a *retryLater 503 that
// wraps context.DeadlineExceeded. A client that went away gets its
// context's error, context.Canceled, which is a 499.
func (g *searchGate) do(ctx context.Context, f func(context.Context) error) error {
	if err := g.acquire(ctx); err != nil {
		return err
	}
	defer g.release()
	sctx, cancel := context.WithTimeout(ctx, g.timeout)
	defer cancel()
	err := f(sctx)
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		return &retryLater{status: http.StatusServiceUnavailable, code: "timeout", after: retryAfter, cause: err,
			msg: fmt.Sprintf("the search took longer than its %v budget; try fewer words or phrases, or again in a moment", g.timeout)}
	}
	return err
}

func (g *searchGate) acquire(ctx context.Context) error {
	select {
	case g.admitted <- struct{}{}:
	default:
		return errSearchBusy
	}
	select {
	case g.running <- struct{}{}:
		return nil
	default:
	}
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.running <- struct{}{}:
		return nil
	case <-t.C:
		<-g.admitted
		return &retryLater{status: http.StatusServiceUnavailable, code: "busy", after: retryAfter,
			msg: fmt.Sprintf("no search could start within %v: the server is busy; try again in a moment", g.wait)}
	case <-ctx.Done():
		<-g.admitted
		return ctx.Err()
	}
}

func (g *searchGate) release() {
	<-g.running
	<-g.admitted
}

// runSearch runs q within the search limits: every route that searches
// the index for a request goes through it, or through searches.do.
func (s *Server) runSearch(ctx context.Context, q indexer.Query) (*indexer.Result, error) {
	var res *indexer.Result
	err := s.searches.do(ctx, func(ctx context.Context) error {
		start := time.Now()
		var err error
		res, err = s.search.Search(ctx, q)
		s.metrics.searches.Observe(time.Since(start).Seconds())
		return err
	})
	return res, err
}
