package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/storetest"
)

// names lists the files in dir.
func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// TestBackupFile: what Backup writes beyond the contract's promises
// (storetest's Backup check): a file in rollback-journal mode, readable by
// its owner only, that a read-only open reads where it lies without
// making anything beside it; a relative name is the working directory's.
func TestBackupFile(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	opts := catalog.ImportOptions{Change: catalog.Change{Author: "t"}}
	if _, err := catalog.Import(ctx, s, storetest.Generated(100), opts); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	if err := s.Backup(ctx, "backup.db"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "backup.db")
	head := make([]byte, 100)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.ReadAt(head, 0)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	// Bytes 18 and 19 of the header are 2 in WAL mode, 1 otherwise.
	if head[18] != 1 || head[19] != 1 {
		t.Errorf("backup header says file format %d/%d, want 1/1 (rollback journal, not WAL)", head[18], head[19])
	}
	if fi, err := os.Stat(path); err != nil {
		t.Fatal(err)
	} else if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("backup has mode %v, want -rw------- (it holds password hashes)", fi.Mode().Perm())
	}
	r, err := OpenReadOnly(ctx, path, catalog.DefaultCodebook())
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Check(ctx); err != nil {
		t.Error(err)
	}
	if n, err := r.Count(ctx); err != nil || n != 100 {
		t.Errorf("backup Count = %d, %v; want 100", n, err)
	}
	r.Close()
	if got := names(t, dir); !slices.Equal(got, []string{"backup.db"}) {
		t.Errorf("after a backup and a read of it, the directory holds %v, want only backup.db", got)
	}
}

// TestBackupFails: a backup that cannot be made says where, and leaves no
// temporary file behind.
func TestBackupFails(t *testing.T) {
	s, _ := openTest(t)
	dir := t.TempDir()
	missing := filepath.Join(dir, "no", "such", "dir", "backup.db")
	if err := s.Backup(context.Background(), missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("Backup into a missing directory = %v, want an error naming %s", err, missing)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Backup(ctx, filepath.Join(dir, "backup.db")); err == nil {
		t.Error("Backup with a canceled context succeeded")
	}
	if got := names(t, dir); len(got) != 0 {
		t.Errorf("failed backups left %v", got)
	}
}
