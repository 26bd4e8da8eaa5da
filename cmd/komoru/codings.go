package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/komoru/komoru/catalog"
)

var codingsCommands = []command{
	{"import", "FILE [--author NAME] [--data DIR]", "import coders' codings for coding rounds (JSON Lines: round, work, coder, portrayal); - reads stdin", runCodingsImport},
}

func runCodings(ctx context.Context, e *env, args []string) error {
	return runSubcommand(ctx, e, "codings", codingsCommands, args)
}

// runCodingsImport imports a coding sheet: every line good, or nothing.
func runCodingsImport(ctx context.Context, e *env, args []string) error {
	cfg, files, err := parseFlags(e, "codings import", args, "data", "database", "seed", "author", "log-level")
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return usagef("name one coding sheet to import, or - for stdin")
	}
	var r io.Reader = e.stdin
	if files[0] != "-" {
		f, err := os.Open(files[0])
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	store, err := openCatalog(ctx, cfg, cfg.logger(e.stderr))
	if err != nil {
		return err
	}
	defer store.Close()
	rep, err := catalog.ImportCodings(ctx, store, r, cfg.author, time.Now(), func(le *catalog.LineError) {
		for _, p := range le.Problems() {
			fmt.Fprintln(e.stderr, p)
		}
	})
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return errors.New("interrupted; nothing of the sheet was imported")
		}
		return err
	}
	fmt.Fprintf(e.stderr, "imported %d %s", rep.Codings, plural(rep.Codings, "coding", "codings"))
	if len(rep.Created) > 0 {
		fmt.Fprintf(e.stderr, "; created %s %v", plural(len(rep.Created), "round", "rounds"), rep.Created)
	}
	fmt.Fprintln(e.stderr)
	return nil
}
