package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/komoru/komoru/catalog"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

func runImport(ctx context.Context, e *env, args []string) error {
	cfg, files, err := parseFlags(e, "import", args, "data", "database", "seed", "partial", "author", "log-level")
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usagef("name at least one file to import, or - for stdin")
	}
	store, err := openCatalog(ctx, cfg, cfg.logger(e.stderr))
	if err != nil {
		return err
	}
	defer store.Close()

	var total catalog.ImportReport
	failed := 0
	for _, name := range files {
		prefix := ""
		if len(files) > 1 {
			prefix = name + ": "
		}
		rep, err := importFile(ctx, e, store, name, cfg, prefix)
		if err != nil {
			if errors.Is(err, context.Canceled) {
				return fmt.Errorf("%sinterrupted; nothing of this file was imported", prefix)
			}
			return fmt.Errorf("%s%w", prefix, err)
		}
		if rep.Rejected > 0 {
			failed++
			if !cfg.partial {
				fmt.Fprintf(e.stderr, "%snothing imported: %d bad %s (--partial imports the good ones)\n",
					prefix, rep.Rejected, plural(rep.Rejected, "line", "lines"))
			}
		}
		total.Created += rep.Created
		total.Updated += rep.Updated
		total.Unchanged += rep.Unchanged
		total.Rejected += rep.Rejected
	}
	fmt.Fprintf(e.stderr, "created %d, updated %d, unchanged %d, rejected %d\n",
		total.Created, total.Updated, total.Unchanged, total.Rejected)
	if failed > 0 {
		return fmt.Errorf("%d %s had bad lines", failed, plural(failed, "file", "files"))
	}
	return nil
}

func importFile(ctx context.Context, e *env, store catalog.Writer, name string, cfg *config, prefix string) (catalog.ImportReport, error) {
	var r io.Reader = e.stdin
	var size int64 = -1
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return catalog.ImportReport{}, err
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			size = st.Size()
		}
		r = f
	}
	// A progress bar only for a person watching: on a terminal, silence.
	var bar *progressbar.ProgressBar
	if f, ok := e.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		bar = progressbar.NewOptions64(size,
			progressbar.OptionSetWriter(f),
			progressbar.OptionSetDescription("importing "+name),
			progressbar.OptionShowBytes(true),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionThrottle(100_000_000))
		r = io.TeeReader(r, bar)
	}
	rep, err := catalog.Import(ctx, store, r, catalog.ImportOptions{
		Change:  catalog.Change{Author: cfg.author, Note: "import " + name},
		Partial: cfg.partial,
		OnProblem: func(le *catalog.LineError) {
			if bar != nil {
				bar.Clear()
			}
			for _, p := range le.Problems() {
				fmt.Fprintln(e.stderr, prefix+p)
			}
		},
	})
	if bar != nil {
		bar.Finish()
	}
	return rep, err
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
