package sqlite

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"github.com/komoru/komoru/catalog"
)

var _ catalog.Backuper = (*Store)(nil)

// Backup writes a copy of the catalog to path, a new file, while others
// read and write it; see catalog.Backuper for what it promises. The copy
// is a compact SQLite database in rollback-journal mode, so it can be read
// where it lies, even on read-only media, and is opened like any catalog.
// It is created readable by its owner only: it holds password, session
// and token hashes.
func (s *Store) Backup(ctx context.Context, path string) error {
	fail := func(err error) error { return fmt.Errorf("copy the catalog to %s: %w", path, err) }
	// An absolute name: VACUUM INTO on a connection opened with URIs
	// would read a relative "file:..." name as a URI.
	abs, err := filepath.Abs(path)
	if err != nil {
		return fail(err)
	}
	if _, err := os.Lstat(abs); err == nil {
		return fail(fs.ErrExist)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fail(err)
	}
	// The copy is made under a temporary name beside path, on the same
	// file system, and only given its name once whole and on disk: a crash
	// leaves at worst a *.tmp file, never a partial backup under path.
	dir, base := filepath.Split(abs)
	tmp, err := os.CreateTemp(dir, base+".*.tmp")
	if err != nil {
		return fail(err)
	}
	tmpName := tmp.Name()
	tmp.Close()
	defer os.Remove(tmpName) // after the link below, only the temporary name goes

	// VACUUM INTO copies the database as one read transaction sees it: in
	// WAL mode that is the last commit when it starts, whatever writers in
	// this or other processes do meanwhile, and they do not wait for it.
	// It writes into an existing file only if it is empty, as tmp is.
	if _, err := s.db.ExecContext(ctx, "VACUUM INTO ?", tmpName); err != nil {
		return fail(err)
	}
	// SQLite does not sync what VACUUM INTO writes.
	if err := syncFile(tmpName); err != nil {
		return fail(err)
	}
	if err := placeNew(tmpName, abs); err != nil {
		return fail(err)
	}
	if err := syncDir(dir); err != nil {
		return fail(err)
	}
	return nil
}

// placeNew gives the file tmp the name path, which must not exist. A hard
// link does that atomically and fails if path appeared meanwhile (another
// backup, a server creating its catalog); where the file system has no
// hard links, a rename after a second look is the best there is.
func placeNew(tmp, path string) error {
	err := os.Link(tmp, path)
	if err == nil || errors.Is(err, fs.ErrExist) {
		return err
	}
	if _, serr := os.Lstat(path); serr == nil {
		return fs.ErrExist
	}
	return os.Rename(tmp, path)
}

func syncFile(name string) error {
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir makes a new name in dir durable.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil // no directory handles to sync; NTFS journals the name
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	if err := d.Sync(); err != nil {
		d.Close()
		return err
	}
	return d.Close()
}
