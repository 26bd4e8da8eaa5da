package main

import (
	"bufio"
	"context"

	"github.com/komoru/komoru/catalog"
)

func runExport(ctx context.Context, e *env, args []string) error {
	cfg, err := parseFlagsOnly(e, "export", args, "data", "format", "log-level")
	if err != nil {
		return err
	}
	store, err := openCatalogReadOnly(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()

	out := bufio.NewWriterSize(e.stdout, 64<<10)
	switch cfg.format {
	case "csv":
		cw := catalog.NewCSVWriter(out, store.Codebook())
		if err := store.Each(ctx, cw.Write); err != nil {
			return err
		}
		if err := cw.Flush(); err != nil {
			return err
		}
	default:
		err := store.EachRaw(ctx, func(doc []byte) error {
			out.Write(doc)
			return out.WriteByte('\n')
		})
		if err != nil {
			return err
		}
	}
	return out.Flush()
}
