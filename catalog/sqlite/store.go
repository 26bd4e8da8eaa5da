package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/internal/storerow"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Store is the catalog in one SQLite file. It keeps the catalog.Store
// contract.
type Store struct {
	db *sql.DB
	cb *catalog.Codebook
}

var _ catalog.Store = (*Store)(nil)

// Open opens (creating it if needed) the catalog database at path and brings
// its schema up to date. Works are coded against cb. When the file or its
// directory may not be written, the error says which and what permission
// is missing (it wraps fs.ErrPermission), rather than SQLite's "attempt to
// write a readonly database".
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
	// each other instead of failing to upgrade a read lock: this is what
	// makes Write serialized, across processes too.
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", dsn(path, q))
	if err != nil {
		return nil, fmt.Errorf("open catalog %s: %w", path, err)
	}
	err = migrate(ctx, db)
	if err == nil {
		err = checkWritable(ctx, db)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open catalog %s: %w", path, explainOpen(path, true, err, probe))
	}
	return &Store{db: db, cb: cb}, nil
}

// errOpenedReadOnly is SQLite having opened for reading only a catalog
// asked for writing.
var errOpenedReadOnly = errors.New("SQLite could open the catalog for reading only")

// checkWritable returns errOpenedReadOnly if SQLite opened the database
// read-only. It does that, silently, when the file is write-protected;
// migrations with nothing to do would not notice, and the first write,
// maybe deep in an import, would fail with "attempt to write a readonly
// database".
func checkWritable(ctx context.Context, db *sql.DB) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		c, ok := dc.(interface{ IsReadOnly(string) (bool, error) })
		if !ok {
			return nil
		}
		ro, err := c.IsReadOnly("main")
		if err == nil && ro {
			err = errOpenedReadOnly
		}
		return err
	})
}

// OpenReadOnly opens the existing catalog database at path for reading
// only, for the commands that only read (export, stats, backup) and to
// check a backup before it is restored. It creates nothing, runs no
// migrations and never writes: SQLite opens the file with mode=ro, so
// every write through the Store, Write included, fails. It refuses a
// file that is not a komoru catalog, or whose schema is not the one this
// binary's migrations end at (an older one is upgraded by Open, by any
// command that writes). Reads see the catalog as others commit to it,
// with the snapshot promises of catalog.Store.
func OpenReadOnly(ctx context.Context, path string, cb *catalog.Codebook) (*Store, error) {
	fail := func(err error) (*Store, error) { return nil, fmt.Errorf("open catalog %s: %w", path, err) }
	// mode=ro would also fail on a missing file, but only as "unable to
	// open database file"; the file system says what is wrong.
	fi, err := os.Stat(path)
	if err != nil {
		return fail(err)
	}
	if fi.IsDir() {
		return fail(errors.New("is a directory, not a catalog file"))
	}
	q := url.Values{}
	// mode=ro rather than PRAGMA query_only: it cannot be turned off by a
	// later statement, and it makes no catalog where there is none.
	q.Set("mode", "ro")
	q.Add("_pragma", "busy_timeout(10000)")
	db, err := sql.Open("sqlite", dsn(path, q))
	if err != nil {
		return fail(err)
	}
	if err := checkSchema(ctx, db); err != nil {
		db.Close()
		return fail(explainOpen(path, false, err, probe))
	}
	return &Store{db: db, cb: cb}, nil
}

// dsn is the driver's name for the database at path with the query q.
// The path is escaped as a URI path, so that a '?' or '#' in a directory
// name is part of the name; "file:" makes SQLite read mode= and the like.
func dsn(path string, q url.Values) string {
	u := url.URL{Scheme: "file", Opaque: (&url.URL{Path: path}).EscapedPath(), RawQuery: q.Encode()}
	return u.String()
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Codebook returns the codebook the catalog is coded against.
func (s *Store) Codebook() *catalog.Codebook { return s.cb }

// Write runs fn in one write transaction and commits it if fn returns nil.
func (s *Store) Write(ctx context.Context, fn func(catalog.Tx) error) error {
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer sqlTx.Rollback() // on a panic in fn; after a commit, a no-op
	tx := &tx{tx: sqlTx, stmts: map[string]*sql.Stmt{}}
	defer tx.close()
	if err = fn(tx); err == nil {
		if err = sqlTx.Commit(); err == nil {
			return nil
		}
	}
	tx.close()
	sqlTx.Rollback()
	// A large transaction spills its pages into the write-ahead log, which
	// keeps its size after a rollback (a failed import of 20 MB left 20 MB
	// of dead log, until the next checkpoint that can reset it): give the
	// space back now. It only truncates what no reader needs.
	s.db.ExecContext(context.WithoutCancel(ctx), "PRAGMA wal_checkpoint(TRUNCATE)")
	return err
}

// tx is a catalog.Tx on a SQLite transaction.
type tx struct {
	tx          *sql.Tx
	stmts       map[string]*sql.Stmt
	remembering bool // the temporary table of Remember is ready
}

// stmt returns query prepared once per transaction: an import runs the
// same few statements once per line, and parsing SQL each time would cost
// a third of it.
func (t *tx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := t.stmts[query]; ok {
		return st, nil
	}
	st, err := t.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	t.stmts[query] = st
	return st, nil
}

func (t *tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (t *tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := t.stmt(ctx, query)
	if err != nil {
		// A Row carrying the error: QueryRowContext on the closed
		// transaction reports it at Scan, as database/sql does.
		return t.tx.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

func (t *tx) close() {
	for _, st := range t.stmts {
		st.Close()
	}
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

// querier is what both the database and a transaction answer.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// queryAll runs query and collects a row of each result with scan.
func queryAll[T any](ctx context.Context, db *sql.DB, scan func(storerow.Scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scan)
}

// collect scans every row of rows and closes them.
func collect[T any](rows *sql.Rows, scan func(storerow.Scanner) (T, error)) ([]T, error) {
	defer rows.Close()
	return storerow.Collect(rows, scan)
}

// notFound turns sql.ErrNoRows into catalog.ErrNotFound, naming what.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, catalog.ErrNotFound)
	}
	return err
}

// isUnique reports whether err is a UNIQUE or PRIMARY KEY violation.
func isUnique(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}
