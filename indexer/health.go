package indexer

import (
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"syscall"
	"time"
)

// Health is how the index is doing: what /healthz reports, and what a
// metrics gauge can be made of.
type Health struct {
	// State is HealthOK, HealthDegraded or HealthDamaged; an index opening
	// in the background (Pending) is also HealthStarting or HealthFailed.
	State string
	// Err says why, unless State is HealthOK: a *BuildingError while
	// starting, an error wrapping ErrDegraded or ErrDamaged once open.
	Err error
}

// The states of Health.
const (
	HealthOK       = "ok"
	HealthStarting = "starting" // being opened or built; searches wait
	HealthDegraded = "degraded" // updating failed: searches answer from the last good snapshot; retried
	HealthDamaged  = "damaged"  // a segment file cannot be read: being rebuilt
	HealthFailed   = "failed"   // could not be opened; searches fail
)

// ErrDegraded is the health of an index that could not take the catalog's
// latest changes, most often for a full disk: searches answer from the
// last snapshot it wrote whole, Follow retries, and rebuilds the index
// from the catalog if it is left unusable.
var ErrDegraded = errors.New("the search index could not be updated; searches answer from the last good index")

// Health returns the index's state and, unless it is ok, why.
func (ix *Index) Health() Health {
	if ix.Damaged() {
		return Health{State: HealthDamaged, Err: ErrDamaged}
	}
	ix.hmu.Lock()
	defer ix.hmu.Unlock()
	if ix.writeErr != nil {
		return Health{State: HealthDegraded, Err: fmt.Errorf("%w: %w", ErrDegraded, ix.writeErr)}
	}
	return Health{State: HealthOK}
}

// fail records a failed write for Health and Follow and returns it, made
// to wrap syscall.ENOSPC or EDQUOT when it names one without wrapping it.
func (ix *Index) fail(err error) error {
	err = withErrno(err)
	ix.hmu.Lock()
	defer ix.hmu.Unlock()
	ix.writeErr = err
	ix.failures++
	return err
}

// caughtUp records that the index holds every change of the catalog.
func (ix *Index) caughtUp() {
	ix.hmu.Lock()
	defer ix.hmu.Unlock()
	ix.writeErr, ix.failures = nil, 0
}

// rebuildAfter is how many writes in a row must fail, for something else
// than a full disk, before Follow rebuilds the index rather than retry.
const rebuildAfter = 2

// needsRebuild reports whether Follow should rebuild the index from the
// catalog rather than retry: a segment file cannot be read, or writes
// keep failing although Bleve was opened again. A full disk is waited
// out instead: a rebuild needs room for a second index.
func (ix *Index) needsRebuild() bool {
	if ix.Damaged() {
		return true
	}
	ix.hmu.Lock()
	defer ix.hmu.Unlock()
	return ix.failures >= rebuildAfter && !noSpace(ix.writeErr)
}

// maxRetryWait bounds Follow's wait between two failed steps.
const maxRetryWait = time.Minute

// nextWait is Follow's wait before its next step: every after a step that
// succeeded, else twice the last wait, up to maxRetryWait, so that a full
// disk is not hammered and is still noticed soon after it has room again.
func nextWait(last, every time.Duration, failed bool) time.Duration {
	if !failed {
		return every
	}
	return max(min(2*last, maxRetryWait), every)
}

// noSpace reports whether err is a full disk or quota.
func noSpace(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

// errnoError is an error that names an errno without wrapping it (Bleve
// formats the error of a segment it could not write with %v), made to
// wrap it.
type errnoError struct {
	err   error
	errno syscall.Errno
}

func (e *errnoError) Error() string   { return e.err.Error() }
func (e *errnoError) Unwrap() []error { return []error{e.err, e.errno} }

// withErrno returns err, made to wrap syscall.ENOSPC or EDQUOT if its
// text names one that it does not wrap.
func withErrno(err error) error {
	if err == nil || noSpace(err) {
		return err
	}
	for _, errno := range []syscall.Errno{syscall.ENOSPC, syscall.EDQUOT} {
		if strings.Contains(err.Error(), errno.Error()) {
			return &errnoError{err: err, errno: errno}
		}
	}
	return err
}

// panicError is a panic of a write, recovered; its stack is kept for the
// log, out of the message (which /healthz shows).
type panicError struct {
	value any
	stack []byte
}

func (e *panicError) Error() string { return fmt.Sprintf("index: panic: %v", e.value) }

// recovered makes v, a panic value just recovered, an error: a memory
// fault (a segment file cut short under its map) is ErrDamaged, any other
// a *panicError.
func recovered(v any) error {
	if _, ok := v.(faultAddr); ok {
		return fmt.Errorf("%w (%v)", ErrDamaged, v)
	}
	return &panicError{value: v, stack: debug.Stack()}
}

// cause returns the error that says why batches written at once failed:
// a panic is most often the consequence of another batch's failure (it
// read the segment Bleve closed: see Index.stale), so any other error
// comes first.
func cause(errs ...error) error {
	var first error
	for _, err := range errs {
		var pe *panicError
		switch {
		case err == nil:
		case !errors.As(err, &pe):
			return err
		case first == nil:
			first = err
		}
	}
	return first
}

// logArgs are the log attributes of a failed write: its error, and the
// stack of its panic if it was one.
func logArgs(err error) []any {
	args := []any{"error", err}
	var pe *panicError
	if errors.As(err, &pe) {
		args = append(args, "stack", string(pe.stack))
	}
	return args
}

// lockWrite starts a write: it takes wmu and makes a memory fault a panic
// rather than a crash. Defer what it returns, with the write's error: it
// ends the write, any panic of it made the error (Bleve is then opened
// again before the next write: the panic may have left it half-written):
//
//	defer ix.lockWrite(&err)()
//
// Only the calling goroutine is guarded: the goroutines that write Bleve
// batches guard themselves (writeBatch), and Bleve's own cannot be. Bleve
// recovers panics in the loops of its persister, merger and introducer,
// not in the goroutines these start nor in its analysis workers: a panic
// there ends the process (bleveConfig keeps the persister from the one
// a full disk was seen to cause).
func (ix *Index) lockWrite(err *error) func() {
	restore := guardFaults()
	ix.wmu.Lock()
	return func() {
		if v := recover(); v != nil {
			*err = ix.fail(recovered(v))
			if errors.Is(*err, ErrDamaged) {
				ix.markDamaged(v)
			}
			ix.closeBleve()
		}
		ix.wmu.Unlock()
		restore()
	}
}
