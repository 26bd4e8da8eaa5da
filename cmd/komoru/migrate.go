package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/postgres"
	"github.com/komoru/komoru/catalog/sqlite"
)

// runMigrate applies the catalog's migrations and nothing else: no seed,
// no index. serve does the same when it starts; with several servers on
// one PostgreSQL database, an operator may rather migrate once, first.
// Both stores migrate under a lock, so servers starting at once do not
// race.
func runMigrate(ctx context.Context, e *env, args []string) error {
	cfg, err := parseFlagsOnly(e, "migrate", args, "data", "database", "log-level")
	if err != nil {
		return err
	}
	var store catalog.Store
	where := cfg.database
	if cfg.database != "" {
		store, err = postgres.Open(ctx, cfg.database, catalog.DefaultCodebook())
		where = "the PostgreSQL catalog"
	} else {
		if err := os.MkdirAll(cfg.data, 0o755); err != nil {
			return fmt.Errorf("data dir: %w", err)
		}
		store, err = sqlite.Open(ctx, filepath.Join(cfg.data, catalogFile), catalog.DefaultCodebook())
		where = "the catalog in " + cfg.data
	}
	if err != nil {
		return err
	}
	defer store.Close()
	fmt.Fprintf(e.stderr, "%s is migrated to this komoru's schema\n", where)
	return nil
}
