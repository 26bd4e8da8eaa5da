package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/sqlite"
)

// runBackup writes a copy of the catalog to a new file. It only reads the
// catalog, and the search index not at all, so it runs beside a server on
// the same data dir (the server's lock is on the index) and beside an
// import, and sees neither's writes in progress.
func runBackup(ctx context.Context, e *env, args []string) error {
	cfg, rest, err := parseFlags(e, "backup", args, "data", "log-level")
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("name the one file to write: komoru backup FILE")
	}
	file := rest[0]
	// Backup refuses too, but only after opening the catalog.
	if _, err := os.Lstat(file); err == nil {
		return fmt.Errorf("%s exists: a backup goes to a new file, never over another", file)
	}
	store, err := openCatalogReadOnly(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	b, ok := store.(catalog.Backuper)
	if !ok {
		return errors.New("komoru backup copies a SQLite catalog; back up a PostgreSQL catalog with its own tools (pg_dump)")
	}
	if err := b.Backup(ctx, file); err != nil {
		return err
	}
	// What the backup holds is read from the backup: the catalog has moved
	// on if anything wrote to it meanwhile.
	sum, err := summarize(ctx, file)
	if err != nil {
		return fmt.Errorf("the backup %s was written but does not read back: %w", file, err)
	}
	fmt.Fprintf(e.stdout, "wrote %s: %s\n", file, sum)
	return nil
}

// runRestore makes a backup the catalog of a data dir that has none. The
// search index is not in a backup: komoru serve builds it when it starts.
func runRestore(ctx context.Context, e *env, args []string) error {
	cfg, rest, err := parseFlags(e, "restore", args, "data", "log-level")
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("name the one backup file to restore: komoru restore FILE")
	}
	file := rest[0]
	if _, err := os.Stat(file); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("backup %s does not exist", file)
		}
		return fmt.Errorf("backup: %w", err)
	}
	// Restoring over a catalog would lose it; beside a search index, the
	// index would go on from another catalog's change sequence.
	for _, name := range []string{catalogFile, catalogFile + "-wal", catalogFile + "-journal", indexDir} {
		path := filepath.Join(cfg.data, name)
		if _, err := os.Lstat(path); err == nil {
			return fmt.Errorf("%s exists: komoru restore fills only a data dir with no catalog yet (name a new --data dir, or move this one away)", path)
		}
	}
	// The backup must be a komoru catalog of this binary's schema, and whole.
	src, err := sqlite.OpenReadOnly(ctx, file, catalog.DefaultCodebook())
	if err != nil {
		return err
	}
	defer src.Close()
	if err := src.Check(ctx); err != nil {
		return fmt.Errorf("backup %s: %w", file, err)
	}
	if err := os.MkdirAll(cfg.data, 0o755); err != nil {
		return fmt.Errorf("data dir: %w", err)
	}
	// The copy is the store's own backup of the file: whole or absent
	// under its name, on disk before the command says it is done.
	target := filepath.Join(cfg.data, catalogFile)
	if err := src.Backup(ctx, target); err != nil {
		return err
	}
	sum, err := summarize(ctx, target)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "restored %s into %s: %s; komoru serve builds the search index when it starts\n", file, cfg.data, sum)
	return nil
}

// summarize says what the catalog file at path holds.
func summarize(ctx context.Context, path string) (string, error) {
	st, err := sqlite.OpenReadOnly(ctx, path, catalog.DefaultCodebook())
	if err != nil {
		return "", err
	}
	defer st.Close()
	n, err := st.Count(ctx)
	if err != nil {
		return "", err
	}
	seq, err := st.LastSeq(ctx)
	if err != nil {
		return "", err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d %s, change sequence %d, %d bytes", n, plural(n, "work", "works"), seq, fi.Size()), nil
}
