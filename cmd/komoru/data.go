package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/sqlite"
)

// catalogFile is the store's file inside the data dir.
const catalogFile = "catalog.db"

// openCatalog opens the catalog in the data dir, creating the dir if needed.
// A store that has never been seeded gets the shipped catalog (or, with
// --seed=false, is marked as deliberately empty).
func openCatalog(ctx context.Context, cfg *config, log *slog.Logger) (*sqlite.Store, error) {
	if err := os.MkdirAll(cfg.data, 0o755); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	store, err := sqlite.Open(ctx, filepath.Join(cfg.data, catalogFile), catalog.DefaultCodebook())
	if err != nil {
		return nil, err
	}
	var shipped io.Reader
	if cfg.seed {
		shipped = catalog.Shipped()
	}
	seeded, rep, err := catalog.Seed(ctx, store, shipped, catalog.Change{Author: "komoru", Note: "shipped catalog"})
	if err != nil {
		store.Close()
		return nil, err
	}
	if seeded && shipped != nil {
		log.Info("loaded the shipped catalog", "data", cfg.data, "works", rep.Created)
	}
	return store, nil
}
