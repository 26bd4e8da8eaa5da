package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/internal/storerow"
)

// Store is the catalog in a PostgreSQL database. It keeps the
// catalog.Store contract.
type Store struct {
	pool *pgxpool.Pool
	cb   *catalog.Codebook
	// unlocked leaves out the write lock, for the test that shows what
	// the lock prevents. Never set outside tests.
	unlocked bool
}

var _ catalog.Store = (*Store)(nil)

// Open connects to the PostgreSQL database connString names (a URL or
// key=value string, as pgx reads it: a search_path parameter chooses the
// schema) and brings its schema up to date. Works are coded against cb.
func Open(ctx context.Context, connString string, cb *catalog.Codebook) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(connString)
	if err != nil {
		// pgx's errors may quote the connection string, password and all.
		return nil, errors.New("open catalog: cannot parse the database's connection string")
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open catalog: %w", err)
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open catalog on %s: %w", describe(cfg), err)
	}
	return &Store{pool: pool, cb: cb}, nil
}

// describe names the database of cfg without its password.
func describe(cfg *pgxpool.Config) string {
	c := cfg.ConnConfig
	return fmt.Sprintf("%s:%d/%s", c.Host, c.Port, c.Database)
}

// Close closes the connections.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Codebook returns the codebook the catalog is coded against.
func (s *Store) Codebook() *catalog.Codebook { return s.cb }

// lockClass is the first key of the catalog's advisory locks ("komo");
// the second is the hash of the catalog's schema.
const lockClass = 0x6b6f6d6f

// writeLock is the catalog's write lock, held until the transaction ends
// (see the package doc).
const writeLock = "SELECT pg_advisory_xact_lock($1, hashtext(COALESCE(current_schema(), '')))"

// Write runs fn in one write transaction, holding the catalog's write
// lock, and commits it if fn returns nil.
func (s *Store) Write(ctx context.Context, fn func(catalog.Tx) error) error {
	ptx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	// On an error or a panic in fn; after a commit, a no-op. It must run
	// even when ctx has ended, so the connection goes back clean.
	defer ptx.Rollback(context.WithoutCancel(ctx))
	if !s.unlocked {
		if _, err := ptx.Exec(ctx, writeLock, lockClass); err != nil {
			return err
		}
	}
	t := &tx{tx: ptx}
	if err := fn(t); err != nil {
		return err
	}
	if t.appended {
		// Delivered to listeners when, and only if, the transaction
		// commits: followers wake at once rather than at their next poll.
		if _, err := ptx.Exec(ctx, "SELECT pg_notify($1, COALESCE(current_schema(), ''))", notifyChannel); err != nil {
			return err
		}
	}
	// synchronous_commit (on by default) makes the commit durable before
	// it is acknowledged.
	return ptx.Commit(ctx)
}

// tx is a catalog.Tx on a PostgreSQL transaction.
type tx struct {
	tx          pgx.Tx
	remembering bool // the temporary table of Remember is ready
	appended    bool // a revision was appended: listeners are notified
}

// querier is what both the pool and a transaction answer.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// queryAll runs query and collects a row of each result with scan.
func queryAll[T any](ctx context.Context, q querier, scan func(storerow.Scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return storerow.Collect(rows, scan)
}

// notFound turns pgx.ErrNoRows into catalog.ErrNotFound, naming what.
func notFound(err error, what string) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, catalog.ErrNotFound)
	}
	return err
}

// isUnique reports whether err is a UNIQUE or PRIMARY KEY violation.
func isUnique(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}
