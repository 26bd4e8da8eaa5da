package sqlite

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	sqlitedrv "modernc.org/sqlite"
)

// SQLite's primary result codes that mean the files could not be used as
// asked; the extended codes keep them in their low byte.
const (
	sqlitePerm     = 3
	sqliteReadOnly = 8
	sqliteCantOpen = 14
	sqliteNotADB   = 26
)

// code returns the primary SQLite result code of err, 0 if it is not an
// SQLite error.
func code(err error) int {
	var e *sqlitedrv.Error
	if errors.As(err, &e) {
		return e.Code() & 0xff
	}
	return 0
}

// accessError is a permission this process lacks on catalog files or
// directories. It wraps fs.ErrPermission.
type accessError struct {
	perm  string   // "read" or "write"
	names []string // each "the file X" or "the directory X"
	why   string   // what the catalog needs it for; may be empty
}

func (e *accessError) Error() string {
	who := "this user"
	if uid := os.Getuid(); uid >= 0 {
		who = fmt.Sprintf("this user (uid %d)", uid)
	}
	s := fmt.Sprintf("%s has no %s permission on %s", who, e.perm, strings.Join(e.names, ", nor on "))
	if e.why != "" {
		s += ": " + e.why
	}
	return s
}

func (e *accessError) Unwrap() error { return fs.ErrPermission }

// probeFunc reports the error the system gives when this process opens
// name for reading or writing; for a directory, writing means creating a
// file in it. Tests replace the real probe: as root every probe succeeds.
type probeFunc func(name string, dir, write bool) error

// probe opens name as probeFunc says, leaving nothing changed.
func probe(name string, dir, write bool) error {
	switch {
	case dir && write:
		f, err := os.CreateTemp(name, ".komoru-probe-*")
		if err != nil {
			return err
		}
		f.Close()
		return os.Remove(f.Name())
	case write:
		f, err := os.OpenFile(name, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		return f.Close()
	default:
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		return f.Close()
	}
}

// denied reports whether err is a refusal to read or write: no permission,
// or a file system mounted read-only.
func denied(err error) bool {
	return errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS)
}

// explainOpen turns SQLite's error at opening the catalog at path (for
// writing, or for reading only) into one that names the files or
// directory and the permission missing, when the files say that is the
// cause. SQLite itself only says "attempt to write a readonly database"
// or "unable to open database file", whichever file it was. Any other
// error is returned as it is.
func explainOpen(path string, write bool, err error, probe probeFunc) error {
	switch code(err) {
	case sqlitePerm, sqliteReadOnly, sqliteCantOpen:
	default:
		if !errors.Is(err, errOpenedReadOnly) {
			return err
		}
	}
	dir := filepath.Dir(path)
	wal, shm := path+"-wal", path+"-shm"
	exists := func(name string) bool { _, err := os.Lstat(name); return err == nil }
	var names []string
	lacks := func(name string, isDir, w bool) {
		if denied(probe(name, isDir, w)) {
			kind := "the file "
			if isDir {
				kind = "the directory "
			}
			names = append(names, kind+name)
		}
	}

	// Reading comes first: without it, nothing else matters.
	lacks(path, false, false)
	if !write && exists(wal) {
		// A server has the catalog open (or stopped without closing it):
		// a reader reads its log, and may map the log's index read-only.
		lacks(wal, false, false)
		lacks(shm, false, false)
	}
	if names != nil {
		return &accessError{perm: "read", names: names}
	}

	var why string
	switch {
	case write:
		lacks(path, false, true)
		for _, f := range []string{wal, shm} {
			if exists(f) {
				lacks(f, false, true)
			}
		}
		lacks(dir, true, true)
		why = "a command that writes the catalog needs to write " + filepath.Base(path) + ", " + filepath.Base(wal) + " and " +
			filepath.Base(shm) + " and to create files in their directory (run komoru as the data dir's owner)"
	case !exists(wal):
		lacks(dir, true, true)
		why = "to read a catalog that no server has open, SQLite creates " + filepath.Base(shm) + " and " + filepath.Base(wal) +
			" beside it (run komoru as the data dir's owner, or while komoru serve runs on it)"
	}
	if names != nil {
		return &accessError{perm: "write", names: names, why: why}
	}
	return err
}
