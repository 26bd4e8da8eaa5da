package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/komoru/komoru/catalog/internal/storerow"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migrateLock is the session-level advisory lock migrations run under: the
// write lock's class, and the schema's hash plus one, so it never waits
// for a writer.
const (
	migrateLock   = "SELECT pg_advisory_lock($1, hashtext(COALESCE(current_schema(), '')) + 1)"
	migrateUnlock = "SELECT pg_advisory_unlock($1, hashtext(COALESCE(current_schema(), '')) + 1)"
)

// migrate applies the embedded migrations the database has not seen yet,
// in order, each in its own transaction with its row in schema_migrations
// written in the same transaction. Servers starting at once wait for each
// other on an advisory lock; the second finds the rows the first wrote and
// applies nothing.
func migrate(ctx context.Context, pool *pgxpool.Pool) (err error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, migrateLock, lockClass); err != nil {
		return err
	}
	defer func() {
		if _, uerr := conn.Exec(context.WithoutCancel(ctx), migrateUnlock, lockClass); uerr != nil {
			// A connection that may still hold the lock must not go back
			// to the pool: closing it ends the session and the lock.
			conn.Conn().Close(context.WithoutCancel(ctx))
			if err == nil {
				err = uerr
			}
		}
	}()
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    integer PRIMARY KEY,
		name       text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return err
	}
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
		if err := applyMigration(ctx, conn.Conn(), n, base, string(script)); err != nil {
			return fmt.Errorf("migration %s: %w", base, err)
		}
	}
	return nil
}

func applyMigration(ctx context.Context, conn *pgx.Conn, n int, name, script string) error {
	return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		var version int
		if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&version); err != nil {
			return err
		}
		if version >= n {
			return nil
		}
		if version != n-1 {
			return fmt.Errorf("database is at schema version %d, cannot apply %d", version, n)
		}
		// No arguments: pgx sends the script with the simple protocol,
		// which runs every statement of it.
		if _, err := tx.Exec(ctx, script); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", n, name)
		return err
	})
}
