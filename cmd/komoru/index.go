package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/komoru/komoru/indexer"
)

// indexDir is the search index inside the data dir.
const indexDir = "index"

func runIndex(ctx context.Context, e *env, args []string) error {
	cfg, err := parseFlagsOnly(e, "index", args, "rebuild", "data", "database", "seed", "log-level")
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
	err = indexer.Build(ctx, filepath.Join(cfg.data, indexDir), store, indexer.Options{Codebook: store.Codebook(), Logger: log})
	if errors.Is(err, indexer.ErrLocked) {
		return fmt.Errorf("%w; a running server keeps its index in sync (and rebuilds an unusable one when it starts): stop it first", err)
	}
	return err
}
