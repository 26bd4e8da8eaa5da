package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/export"
	"github.com/komoru/komoru/indexer"
	"github.com/komoru/komoru/server"
)

// runExport writes the catalog, or every hit of a search (--search, the
// parameters of GET /api/v1/export), to stdout in a format of the export
// registry.
func runExport(ctx context.Context, e *env, args []string) error {
	cfg, err := parseFlagsOnly(e, "export", args, "data", "database", "format", "search", "public-url", "log-level")
	if err != nil {
		return err
	}
	params, err := url.ParseQuery(strings.TrimPrefix(cfg.search, "?"))
	if err != nil {
		return usagef("--search must be URL parameters, such as 'q=room&realism=realistic': %v", err)
	}
	if params.Has("format") {
		return usagef("--search: give the format with --format, not in the search")
	}
	params.Set("format", cfg.format)
	req, err := server.ParseExport(params, catalog.DefaultCodebook())
	if problems := server.FieldProblems(err); problems != nil {
		return usagef("--search: %s", describeProblems(problems))
	} else if err != nil {
		return err
	}
	store, err := openCatalogReadOnly(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	seq, err := store.LastSeq(ctx)
	if err != nil {
		return err
	}
	base := cfg.publicURL
	if base == "" {
		base = defaultPublicURL
	}
	base = strings.TrimSuffix(base, "/")
	out := bufio.NewWriterSize(e.stdout, 64<<10)
	// The provenance is the API URL that gives the same export from a
	// server of this catalog.
	enc := req.Format.New(out, export.Options{Codebook: store.Codebook(), BaseURL: base,
		Provenance: export.Provenance{Query: base + "/api/v1/export?" + params.Encode(), Seq: seq, Time: time.Now()}})
	if cfg.search == "" {
		// The whole catalog, in id order, straight from the store.
		if err := store.Each(ctx, enc.Write); err != nil {
			return err
		}
		if err := enc.End(); err != nil {
			return err
		}
		return out.Flush()
	}
	ids, err := searchIDs(ctx, e, cfg, store, req.Query)
	if err != nil {
		return err
	}
	if err := export.Works(ctx, store, ids, enc); err != nil {
		return err
	}
	return out.Flush()
}

// defaultPublicURL is the base of the work pages' URLs in citations when
// --public-url is not given.
const defaultPublicURL = "http://localhost:8080"

// searchIDs runs the search on the data dir's index, caught up with the
// catalog. While a server holds that index, or where it cannot be
// written, a throwaway index is built beside it in a temporary directory.
func searchIDs(ctx context.Context, e *env, cfg *config, store catalog.Store, q indexer.Query) ([]string, error) {
	log := cfg.logger(e.stderr)
	opts := indexer.Options{Codebook: store.Codebook(), Logger: log}
	ix, err := indexer.Open(ctx, filepath.Join(cfg.data, indexDir), store, opts)
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		tmp, terr := os.MkdirTemp("", "komoru-export-index-")
		if terr != nil {
			return nil, errors.Join(err, terr)
		}
		defer os.RemoveAll(tmp)
		fmt.Fprintf(e.stderr, "komoru export: the data dir's index cannot be used (%v); building one for this export\n", err)
		if ix, err = indexer.Open(ctx, filepath.Join(tmp, "index"), store, opts); err != nil {
			return nil, err
		}
	}
	defer ix.Close()
	return ix.IDs(ctx, q)
}

// describeProblems writes bad parameters on one line, by name.
func describeProblems(problems map[string]string) string {
	names := make([]string, 0, len(problems))
	for name := range problems {
		names = append(names, name)
	}
	slices.Sort(names)
	parts := make([]string, len(names))
	for i, name := range names {
		parts[i] = name + ": " + problems[name]
	}
	return strings.Join(parts, "; ")
}
