package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/komoru/komoru/catalog/internal/storerow"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migrate applies the embedded migrations the database has not seen yet, in
// order, each in its own transaction with the schema version (PRAGMA
// user_version) bumped in the same transaction. Two processes opening a new
// file at once are serialized by the write lock; the second sees the
// version the first wrote and applies nothing.
func migrate(ctx context.Context, db *sql.DB) error {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		n, err := storerow.MigrationNumber(base)
		if err != nil {
			return err
		}
		script, err := migrationFS.ReadFile(name)
		if err != nil {
			return err
		}
		if err := applyMigration(ctx, db, n, string(script)); err != nil {
			return fmt.Errorf("migration %s: %w", base, err)
		}
	}
	return nil
}

func applyMigration(ctx context.Context, db *sql.DB, n int, script string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var version int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return err
	}
	if version >= n {
		return nil
	}
	if version != n-1 {
		return fmt.Errorf("database is at schema version %d, cannot apply %d", version, n)
	}
	if _, err := tx.ExecContext(ctx, script); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", n)); err != nil {
		return err
	}
	return tx.Commit()
}

// schemaVersion is the schema version this binary's migrations end at.
func schemaVersion() (int, error) {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return 0, err
	}
	latest := 0
	for _, name := range names {
		n, err := storerow.MigrationNumber(strings.TrimPrefix(name, "migrations/"))
		if err != nil {
			// Named with its directory, as this has always said.
			return 0, fmt.Errorf("migration %s: name must start with its number", name)
		}
		latest = max(latest, n)
	}
	return latest, nil
}

// komoruTables are tables every komoru catalog has had since its first
// schema: a file without them is some other SQLite database.
var komoruTables = []string{"revisions", "works", "meta"}

// checkSchema makes sure that the database, opened read-only, is a komoru
// catalog at the schema version of this binary: with no migrations run, an
// older one would be read with the wrong queries.
func checkSchema(ctx context.Context, db *sql.DB) error {
	var version int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		if code(err) == sqliteNotADB {
			return fmt.Errorf("%w: %w", ErrNotCatalog, err)
		}
		return err
	}
	var tables int
	err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name IN (?, ?, ?)`,
		komoruTables[0], komoruTables[1], komoruTables[2]).Scan(&tables)
	if err != nil {
		return err
	}
	if version == 0 || tables != len(komoruTables) {
		return fmt.Errorf("%w: it has no komoru schema", ErrNotCatalog)
	}
	latest, err := schemaVersion()
	if err != nil {
		return err
	}
	switch {
	case version < latest:
		return fmt.Errorf("%w: it is at schema version %d and this komoru reads version %d; "+
			"run komoru serve, or another command that writes (such as komoru import), on it once", ErrOldSchema, version, latest)
	case version > latest:
		return fmt.Errorf("%w: it is at schema version %d and this komoru knows only up to %d; use the komoru that wrote it, or a newer one",
			ErrNewSchema, version, latest)
	}
	return nil
}

// What OpenReadOnly refuses to read.
var (
	// ErrNotCatalog is a file that is not a komoru catalog: not an SQLite
	// database, or one without komoru's schema.
	ErrNotCatalog = errors.New("not a komoru catalog")
	// ErrOldSchema is a catalog at an older schema than this binary's,
	// which only a store opened for writing upgrades.
	ErrOldSchema = errors.New("catalog needs an upgrade")
	// ErrNewSchema is a catalog written by a newer komoru.
	ErrNewSchema = errors.New("catalog is from a newer komoru")
)
