package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"time"

	"github.com/komoru/komoru/catalog"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Store is the catalog in one SQLite file.
type Store struct {
	db *sql.DB
	cb *catalog.Codebook
	// now is the clock revisions are stamped with; tests may replace it.
	now func() time.Time
}

// Open opens (creating it if needed) the catalog database at path and brings
// its schema up to date. Works are validated against cb.
func Open(ctx context.Context, path string, cb *catalog.Codebook) (*Store, error) {
	q := url.Values{}
	for _, p := range []string{
		"journal_mode(WAL)",
		// FULL: a commit is on disk before it is acknowledged, so every
		// acknowledged write survives a power cut, not only a crash.
		"synchronous(FULL)",
		"busy_timeout(10000)",
		"foreign_keys(ON)",
	} {
		q.Add("_pragma", p)
	}
	// Writers take the write lock when they begin, so two writers wait for
	// each other instead of failing to upgrade a read lock.
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open catalog %s: %w", path, err)
	}
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("open catalog %s: %w", path, err)
	}
	return &Store{db: db, cb: cb, now: time.Now}, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Codebook returns the codebook the store validates against.
func (s *Store) Codebook() *catalog.Codebook { return s.cb }

// inTx runs fn in a write transaction and commits it if fn succeeds.
func (s *Store) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// Check runs SQLite's integrity check and returns an error describing the
// first problems it finds.
func (s *Store) Check(ctx context.Context) error {
	var result string
	if err := s.db.QueryRowContext(ctx, "PRAGMA integrity_check(5)").Scan(&result); err != nil {
		return err
	}
	if result != "ok" {
		return fmt.Errorf("catalog database is damaged: %s", result)
	}
	return nil
}
