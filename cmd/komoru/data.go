package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/postgres"
	"github.com/komoru/komoru/catalog/sqlite"
)

// catalogFile is the store's file inside the data dir.
const catalogFile = "catalog.db"

// openCatalog opens the catalog for a command that writes: the SQLite
// file in the data dir (creating the dir if needed), or with --database
// the PostgreSQL database, its migrations applied. A store that has never
// been seeded gets the shipped catalog (or, with --seed=false, is marked
// as deliberately empty).
func openCatalog(ctx context.Context, cfg *config, log *slog.Logger) (catalog.Store, error) {
	if err := os.MkdirAll(cfg.data, 0o755); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	var (
		store catalog.Store
		err   error
	)
	if cfg.database != "" {
		store, err = postgres.Open(ctx, cfg.database, catalog.DefaultCodebook())
	} else {
		store, err = sqlite.Open(ctx, filepath.Join(cfg.data, catalogFile), catalog.DefaultCodebook())
	}
	if err != nil {
		return nil, err
	}
	var shipped io.Reader
	if cfg.seed {
		shipped = catalog.Shipped()
	}
	seeded, rep, err := catalog.Seed(ctx, store, shipped, catalog.ShippedChange())
	if err != nil {
		store.Close()
		return nil, err
	}
	if seeded && shipped != nil {
		log.Info("loaded the shipped catalog", "data", cfg.data, "works", rep.Created)
	}
	return store, nil
}

// openCatalogReadOnly opens the catalog in the data dir for a command that
// only reads (export, stats, backup, user list). It creates, seeds and
// upgrades nothing, so a mistyped --data is an error, not a new catalog,
// and it needs no write permission on the catalog file. With --database
// it opens the PostgreSQL catalog, which reads the same either way.
func openCatalogReadOnly(ctx context.Context, cfg *config) (catalog.Store, error) {
	if cfg.database != "" {
		return postgres.Open(ctx, cfg.database, catalog.DefaultCodebook())
	}
	path, err := existingCatalog(cfg.data)
	if err != nil {
		return nil, err
	}
	return sqlite.OpenReadOnly(ctx, path, catalog.DefaultCodebook())
}

// existingCatalog returns the catalog file of the data dir, or an error
// naming the data dir if it or its catalog does not exist.
func existingCatalog(dir string) (string, error) {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", fmt.Errorf("data dir %q does not exist (is --data right?)", dir)
	case err != nil:
		return "", fmt.Errorf("data dir %q: %w", dir, err)
	case !fi.IsDir():
		return "", fmt.Errorf("data dir %q is not a directory (is --data right?)", dir)
	}
	path := filepath.Join(dir, catalogFile)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("data dir %q has no catalog: no %s in it (is --data right?)", dir, catalogFile)
	}
	return path, nil
}
