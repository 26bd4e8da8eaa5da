package sqlite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/storetest"
)

func openTest(t testing.TB) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "catalog.db")
	s, err := Open(context.Background(), path, catalog.DefaultCodebook())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

// TestConformance runs the store contract's suite on real SQLite files.
func TestConformance(t *testing.T) {
	var (
		mu    sync.Mutex
		paths = map[catalog.Store]string{}
	)
	storetest.Run(t, storetest.Harness{
		New: func(t *testing.T) catalog.Store {
			path := filepath.Join(t.TempDir(), "catalog.db")
			s, err := Open(context.Background(), path, catalog.DefaultCodebook())
			if err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			paths[s] = path
			mu.Unlock()
			return s
		},
		// Another opens the same file, as a second process does.
		Another: func(t *testing.T, s catalog.Store) catalog.Store {
			mu.Lock()
			path := paths[s]
			mu.Unlock()
			o, err := Open(context.Background(), path, catalog.DefaultCodebook())
			if err != nil {
				t.Fatal(err)
			}
			return o
		},
		// OpenBackup opens a backup as komoru restore leaves it.
		OpenBackup: func(t *testing.T, path string) catalog.Store {
			o, err := Open(context.Background(), path, catalog.DefaultCodebook())
			if err != nil {
				t.Fatal(err)
			}
			return o
		},
	})
}

func TestCheck(t *testing.T) {
	s, _ := openTest(t)
	if _, err := catalog.Import(context.Background(), s, catalog.Shipped(), catalog.ImportOptions{Change: catalog.Change{Author: "t"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Check(context.Background()); err != nil {
		t.Errorf("Check on a healthy catalog = %v", err)
	}
}

// TestRolledBackWriteFreesTheLog: a large write that fails leaves no dead
// write-ahead log behind it.
func TestRolledBackWriteFreesTheLog(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "catalog.db")
	s, err := Open(ctx, path, catalog.DefaultCodebook())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	failed := errors.New("line 5001: title: is required")
	err = s.Write(ctx, func(tx catalog.Tx) error {
		for i := range 5000 {
			w := &catalog.Work{ID: fmt.Sprintf("w-%05d", i), Title: strings.Repeat("long title ", 200), Medium: "novel", Year: 2001}
			doc, err := w.MarshalCanonical()
			if err != nil {
				return err
			}
			if _, err := tx.Append(ctx, catalog.Revision{WorkID: w.ID, Number: 1, Op: catalog.OpCreate, Work: w,
				Author: "test", Time: time.Now()}, doc); err != nil {
				return err
			}
		}
		if fi, err := os.Stat(path + "-wal"); err != nil || fi.Size() < 4<<20 {
			t.Errorf("the write did not spill into the log (%v, %v): the test proves nothing", fi, err)
		}
		return failed
	})
	if !errors.Is(err, failed) {
		t.Fatalf("Write: %v, want %v", err, failed)
	}
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 1<<20 {
		t.Errorf("after the rollback the write-ahead log is %d bytes", fi.Size())
	}
	if n, err := s.Count(ctx); err != nil || n != 0 {
		t.Errorf("after the rollback: %d works, %v", n, err)
	}
}
