package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/storetest"
)

// defaultTestDatabase is the database the tests use when
// KOMORU_TEST_DATABASE names none.
const defaultTestDatabase = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// testDatabase returns the tests' connection string. When the database
// cannot be reached the test is skipped, or fails if KOMORU_POSTGRES_TESTS
// is "required" (as in CI).
func testDatabase(t *testing.T) string {
	t.Helper()
	conn := os.Getenv("KOMORU_TEST_DATABASE")
	if conn == "" {
		conn = defaultTestDatabase
	}
	reachable.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, conn)
		if err == nil {
			err = c.Ping(ctx)
			c.Close(ctx)
		}
		reachable.err = err
	})
	if reachable.err != nil {
		if os.Getenv("KOMORU_POSTGRES_TESTS") == "required" {
			t.Fatalf("PostgreSQL is required (KOMORU_POSTGRES_TESTS=required) and not reachable: %v", reachable.err)
		}
		t.Skipf("PostgreSQL not reachable (set KOMORU_TEST_DATABASE, or KOMORU_POSTGRES_TESTS=required to fail): %v", reachable.err)
	}
	return conn
}

var reachable struct {
	once sync.Once
	err  error
}

// newSchema makes a fresh schema for one test, dropped when the test ends,
// and returns a connection string whose connections use it.
func newSchema(t *testing.T) string {
	t.Helper()
	base := testDatabase(t)
	var b [6]byte
	rand.Read(b[:])
	schema := "komoru_test_" + hex.EncodeToString(b[:])
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	// Registered before the stores' own cleanups, so it runs after them.
	t.Cleanup(func() {
		c, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop the test schema: %v", err)
		}
	})
	return withParam(t, base, "search_path", schema)
}

// withParam adds a runtime parameter to a URL connection string.
func withParam(t *testing.T, conn, key, value string) string {
	t.Helper()
	if !strings.Contains(conn, "://") {
		return conn + " " + key + "=" + value
	}
	u, err := url.Parse(conn)
	if err != nil {
		t.Fatal("cannot parse KOMORU_TEST_DATABASE as a URL")
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}

// openTest opens a store on a fresh schema, closed when the test ends.
func openTest(t *testing.T) (*Store, string) {
	t.Helper()
	conn := newSchema(t)
	s, err := Open(context.Background(), conn, catalog.DefaultCodebook())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, conn
}

// TestConformance runs the store contract's suite, each test on a schema
// of its own. The store is not a catalog.Backuper (pg_dump is its backup),
// so the suite skips its Backup test and OpenBackup is nil.
func TestConformance(t *testing.T) {
	t.Parallel()
	var (
		mu    sync.Mutex
		conns = map[catalog.Store]string{}
	)
	storetest.Run(t, storetest.Harness{
		New: func(t *testing.T) catalog.Store {
			conn := newSchema(t)
			s, err := Open(context.Background(), conn, catalog.DefaultCodebook())
			if err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			conns[s] = conn
			mu.Unlock()
			return s
		},
		// Another opens a second pool on the same schema, as another
		// server does.
		Another: func(t *testing.T, s catalog.Store) catalog.Store {
			mu.Lock()
			conn := conns[s]
			mu.Unlock()
			o, err := Open(context.Background(), conn, catalog.DefaultCodebook())
			if err != nil {
				t.Fatal(err)
			}
			return o
		},
	})
}

// TestMigrateConcurrently: servers opening a new catalog at once apply the
// migrations once, and a later open finds nothing to do.
func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	conn := newSchema(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			s, err := Open(ctx, conn, catalog.DefaultCodebook())
			if err == nil {
				s.Close()
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	s, err := Open(ctx, conn, catalog.DefaultCodebook())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var n, latest int
	if err := s.pool.QueryRow(ctx, "SELECT COUNT(*), MAX(version) FROM schema_migrations").Scan(&n, &latest); err != nil {
		t.Fatal(err)
	}
	if n != latest || n == 0 {
		t.Errorf("schema_migrations has %d rows up to version %d; want each migration once", n, latest)
	}
}
