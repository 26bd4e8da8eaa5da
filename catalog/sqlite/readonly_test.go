package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/storetest"
)

// rawDB opens path with no komoru settings, to make files that are not
// (yet) catalogs.
func rawDB(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// TestOpenReadOnly: a read-only open refuses what is not a catalog at this
// binary's schema, with an error saying what to do, and creates nothing.
func TestOpenReadOnly(t *testing.T) {
	ctx := context.Background()
	latest, err := schemaVersion()
	if err != nil {
		t.Fatal(err)
	}
	init1, err := migrationFS.ReadFile("migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		make    func(t *testing.T, path string) // nil: no file
		wantErr error                           // nil: opens
		wantMsg string
	}{
		{"missing file", nil, fs.ErrNotExist, "no such file"},
		{"directory", func(t *testing.T, path string) { os.Mkdir(path, 0o755) }, nil, "is a directory"},
		{"not SQLite", func(t *testing.T, path string) { os.WriteFile(path, []byte(strings.Repeat("komoru\n", 200)), 0o644) },
			ErrNotCatalog, "not a komoru catalog: file is not a database"},
		{"empty SQLite file", func(t *testing.T, path string) { rawDB(t, path, "CREATE TABLE t (x)") },
			ErrNotCatalog, "not a komoru catalog: it has no komoru schema"},
		{"another application's database", func(t *testing.T, path string) { rawDB(t, path, "CREATE TABLE t (x)", "PRAGMA user_version = 2") },
			ErrNotCatalog, "no komoru schema"},
		{"older schema", func(t *testing.T, path string) { rawDB(t, path, string(init1), "PRAGMA user_version = 1") },
			ErrOldSchema, fmt.Sprintf("it is at schema version 1 and this komoru reads version %d; run komoru serve, or another command that writes", latest)},
		{"newer schema", func(t *testing.T, path string) {
			s := openAt(t, path)
			s.Close()
			rawDB(t, path, fmt.Sprintf("PRAGMA user_version = %d", latest+1))
		}, ErrNewSchema, "newer komoru"},
		{"catalog", func(t *testing.T, path string) { s := openAt(t, path); s.Close() }, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "catalog.db")
			if tt.make != nil {
				tt.make(t, path)
			}
			s, err := OpenReadOnly(ctx, path, catalog.DefaultCodebook())
			if tt.wantErr == nil && tt.wantMsg == "" {
				if err != nil {
					t.Fatalf("OpenReadOnly = %v", err)
				}
				s.Close()
				return
			}
			if err == nil {
				s.Close()
				t.Fatalf("OpenReadOnly succeeded, want an error saying %q", tt.wantMsg)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("OpenReadOnly = %v, want an error wrapping %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) || !strings.Contains(err.Error(), path) {
				t.Errorf("OpenReadOnly = %q, want it to name %s and say %q", err, path, tt.wantMsg)
			}
			if tt.make == nil {
				if entries, _ := os.ReadDir(dir); len(entries) != 0 {
					t.Errorf("OpenReadOnly of a missing file created %v", entries)
				}
			}
		})
	}
}

// openAt makes a catalog at path and returns it open.
func openAt(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(context.Background(), path, catalog.DefaultCodebook())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestReadOnlyStore: a read-only store reads what a writer beside it
// commits, refuses every write, and leaves the schema as it was.
func TestReadOnlyStore(t *testing.T) {
	ctx := context.Background()
	w, path := openTest(t)
	r, err := OpenReadOnly(ctx, path, catalog.DefaultCodebook())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	opts := catalog.ImportOptions{Change: catalog.Change{Author: "t"}}
	if _, err := catalog.Import(ctx, w, storetest.Generated(10), opts); err != nil {
		t.Fatal(err)
	}
	if n, err := r.Count(ctx); err != nil || n != 10 {
		t.Errorf("read-only Count after a commit beside it = %d, %v; want 10", n, err)
	}
	if _, err := catalog.Import(ctx, r, storetest.Generated(20), opts); err == nil {
		t.Error("an import through a read-only store succeeded")
	}
	if n, _ := w.Count(ctx); n != 10 {
		t.Errorf("after a refused write the catalog has %d works, want 10", n)
	}
}

// TestExplainOpen checks the message for each permission a catalog may
// lack. The probes are stand-ins: as root (CI) no real permission is
// denied. cmd/komoru's TestReadOnlyDataDir denies them for real, as an
// unprivileged user.
func TestExplainOpen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "catalog.db")
	s := openAt(t, path)
	s.Close()
	// A real SQLite "attempt to write a readonly database".
	ro, err := OpenReadOnly(ctx, path, catalog.DefaultCodebook())
	if err != nil {
		t.Fatal(err)
	}
	sqliteErr := ro.Write(ctx, func(tx catalog.Tx) error { return tx.SetMeta(ctx, "k", "v") })
	ro.Close()
	if code(sqliteErr) != sqliteReadOnly {
		t.Fatalf("a write through a read-only store = %v, want SQLITE_READONLY", sqliteErr)
	}
	// A reader leaves the log it made; the last writer to close removes it,
	// as a server does when it stops.
	openAt(t, path).Close()
	if _, err := os.Stat(path + "-wal"); err == nil {
		t.Fatal("the catalog's log is still there after the last writer closed")
	}
	deny := func(denied ...string) probeFunc {
		return func(name string, isDir, write bool) error {
			key := "read " + name
			if write {
				key = "write " + name
			}
			for _, d := range denied {
				if d == key {
					return &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
				}
			}
			return nil
		}
	}
	tests := []struct {
		name  string
		write bool
		err   error
		probe probeFunc
		want  string // "": err unchanged
	}{
		{"write: directory and file not writable", true, sqliteErr, deny("write "+dir, "write "+path),
			"no write permission on the file " + path + ", nor on the directory " + dir +
				": a command that writes the catalog needs to write catalog.db, catalog.db-wal and catalog.db-shm and to create files in their directory"},
		{"write: directory not writable", true, sqliteErr, deny("write " + dir),
			"no write permission on the directory " + dir + ": a command that writes"},
		{"write: file not readable", true, sqliteErr, deny("read "+path, "write "+path),
			"no read permission on the file " + path},
		{"read: directory not writable, no server", false, sqliteErr, deny("write " + dir),
			"no write permission on the directory " + dir + ": to read a catalog that no server has open, SQLite creates catalog.db-shm and catalog.db-wal beside it"},
		{"read: file not readable", false, sqliteErr, deny("read " + path), "no read permission on the file " + path},
		{"write: SQLite fell back to reading", true, errOpenedReadOnly, deny("write " + path),
			"no write permission on the file " + path + ": a command that writes"},
		{"nothing denied", true, sqliteErr, deny(), ""},
		{"not a permission error", true, errors.New("disk on fire"), deny("write " + dir), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := explainOpen(path, tt.write, tt.err, tt.probe)
			if tt.want == "" {
				if got != tt.err {
					t.Errorf("explainOpen = %v, want the error unchanged: %v", got, tt.err)
				}
				return
			}
			if !strings.Contains(got.Error(), tt.want) {
				t.Errorf("explainOpen = %q\nwant it to contain %q", got, tt.want)
			}
			if !errors.Is(got, fs.ErrPermission) {
				t.Errorf("explainOpen = %v, want it to wrap fs.ErrPermission", got)
			}
		})
	}

	// With a server's log beside the catalog, a reader needs to read the
	// log, not to write the directory.
	if err := os.WriteFile(path+"-wal", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	got := explainOpen(path, false, sqliteErr, deny("write "+dir, "read "+path+"-wal"))
	if want := "no read permission on the file " + path + "-wal"; !strings.Contains(got.Error(), want) {
		t.Errorf("explainOpen with a log = %q, want %q", got, want)
	}
}

// TestAwkwardPath: a data dir whose name has characters that mean
// something in a URI holds the catalog under that very name.
func TestAwkwardPath(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a b?c#d%20e")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "catalog.db")
	s := openAt(t, path)
	s.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("catalog not at %s: %v", path, err)
	}
	r, err := OpenReadOnly(context.Background(), path, catalog.DefaultCodebook())
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
}
