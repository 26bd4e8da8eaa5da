//go:build !unix

package indexer

import (
	"errors"
	"os"
)

var errWouldBlock = errors.New("would block")

// tryLock does nothing where there is no flock: one process per data dir
// is then the operator's to ensure.
func tryLock(*os.File) error { return nil }
