package sqlite

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

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
