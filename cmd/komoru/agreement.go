package main

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/agreement"
)

// runAgreement prints a coding round's agreement per dimension, the
// report GET /api/v1/rounds/{id}/agreement gives, as JSON or as CSV (a
// row per dimension). It reads the catalog only, so it runs beside a
// server.
func runAgreement(ctx context.Context, e *env, args []string) error {
	cfg, err := parseFlagsOnly(e, "agreement", args, "data", "database", "round", "format", "log-level")
	if err != nil {
		return err
	}
	format := "json"
	if cfg.given["format"] {
		format = cfg.format
	}
	if format != "json" && format != "csv" {
		return usagef("--format: agreement writes json or csv, got %q", format)
	}
	if cfg.round == "" {
		return usagef("--round is required: the id of a coding round, such as r1")
	}
	store, err := openCatalogReadOnly(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	r, err := store.Round(ctx, cfg.round)
	if errors.Is(err, catalog.ErrNotFound) {
		return usagef("--round: no round %q", cfg.round)
	} else if err != nil {
		return err
	}
	units, err := store.Codings(ctx, r.ID)
	if err != nil {
		return err
	}
	// The server's options (the defaults), so that both give the same
	// intervals.
	var opts agreement.Options
	dims, err := agreement.ForRound(&r, units, store.Codebook(), opts)
	if err != nil {
		return err
	}
	rep := agreement.NewReport(&r, store.Codebook().Version, dims, opts)
	if format == "csv" {
		return agreement.WriteReportCSV(e.stdout, rep)
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}
