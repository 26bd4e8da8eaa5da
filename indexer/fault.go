package indexer

import (
	"errors"
	"fmt"
	"runtime/debug"
)

// ErrDamaged is what a search gets when a segment file of the index can
// no longer be read: truncated or damaged on disk under the running
// index. The index is derived data: it is rebuilt from the catalog (see
// Follow), and searches that do not touch the damaged file still answer.
var ErrDamaged = errors.New("the search index is damaged and is being rebuilt")

// faultAddr is the panic value of a memory fault made a panic by
// debug.SetPanicOnFault (runtime.Error with the faulting address).
type faultAddr interface{ Addr() uintptr }

// guardFaults makes a memory fault in the calling goroutine a panic
// rather than a crash: segments are memory-mapped, and reading one whose
// file was cut short raises SIGBUS. Call it deferred, with its result
// deferred too, beside catchFault:
//
//	defer guardFaults()()
//	defer ix.catchFault(&err)
func guardFaults() (restore func()) {
	old := debug.SetPanicOnFault(true)
	return func() { debug.SetPanicOnFault(old) }
}

// catchFault turns the panic of a memory fault into ErrDamaged and marks
// the index damaged; any other panic goes on.
func (ix *Index) catchFault(err *error) {
	v := recover()
	if v == nil {
		return
	}
	if _, ok := v.(faultAddr); !ok {
		panic(v)
	}
	ix.markDamaged(v)
	*err = recovered(v)
}

// markDamaged marks the index damaged after a memory fault (v: the fault,
// or the error made of it), logging it the first time.
func (ix *Index) markDamaged(v any) {
	if ix.damaged.CompareAndSwap(false, true) {
		ix.log.Error("search index damaged: a segment file cannot be read; it will be rebuilt", "fault", fmt.Sprint(v))
	}
}

// Damaged reports whether a read of the index faulted since it was last
// built.
func (ix *Index) Damaged() bool { return ix.damaged.Load() }
