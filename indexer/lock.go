package indexer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ErrLocked is returned by Open and Build when another process holds the
// index: a second server on the same data dir, or a rebuild beside a
// running server, would write into the directory under the other's feet.
var ErrLocked = errors.New("search index in use by another process")

// dirLock is an exclusive lock on an index directory, held in a file
// beside it (the directory itself is replaced by rebuilds). The kernel
// drops it when the process dies, so a crash leaves no stale lock.
type dirLock struct{ f *os.File }

func lockDir(dir string) (*dirLock, error) {
	name := dir + ".lock"
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := tryLock(f); err != nil {
		pid, _ := os.ReadFile(name)
		f.Close()
		if errors.Is(err, errWouldBlock) {
			return nil, fmt.Errorf("%w: %s is held by pid %s", ErrLocked, dir, strings.TrimSpace(string(pid)))
		}
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	// The pid is only for the message above; the lock is the flock.
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &dirLock{f: f}, nil
}

func (l *dirLock) unlock() {
	if l != nil {
		l.f.Close() // closing the file releases the lock
	}
}
