package main

import (
	"context"
	"path/filepath"

	"github.com/komoru/komoru/indexer"
)

// indexDir is the search index inside the data dir.
const indexDir = "index"

func runIndex(ctx context.Context, e *env, args []string) error {
	cfg, err := parseFlagsOnly(e, "index", args, "rebuild", "data", "seed", "log-level")
	if err != nil {
		return err
	}
	if !cfg.rebuild {
		return usagef("say --rebuild: it is the one thing komoru index does")
	}
	log := cfg.logger(e.stderr)
	store, err := openCatalog(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer store.Close()
	return indexer.Build(ctx, filepath.Join(cfg.data, indexDir), store, indexer.Options{Codebook: store.Codebook(), Logger: log})
}
