package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"

	"github.com/komoru/komoru/catalog"
)

// Import reads works in import format v1 and upserts them by id, writing a
// revision for each created or changed work; an unchanged work writes
// nothing. The whole file is one transaction: with opts.Partial unset, one bad
// line and nothing is written; with it, the good lines are. Either way a
// crash before the commit leaves none of the file. Bad lines go to
// opts.OnProblem as they are found.
func (s *Store) Import(ctx context.Context, r io.Reader, opts catalog.ImportOptions) (catalog.ImportReport, error) {
	var rep catalog.ImportReport
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		rep, err = s.importTx(ctx, tx, r, opts)
		if err == nil && rep.Rejected > 0 && !opts.Partial {
			rep = catalog.ImportReport{Rejected: rep.Rejected}
			return errRollback
		}
		return err
	})
	if errors.Is(err, errRollback) {
		err = nil
	}
	if err != nil && ctx.Err() != nil {
		// database/sql rolls a transaction back and closes its statements
		// when the context ends, so the error seen can be "statement is
		// closed"; the cause is the cancellation.
		err = fmt.Errorf("%w (%v)", ctx.Err(), err)
	}
	return rep, err
}

// errRollback makes inTx roll back without it being a failure.
var errRollback = errors.New("roll back")

// Seed loads the shipped catalog into a store that has never been seeded.
// The check, the load and the mark are one transaction, so after a crash the
// store is either unseeded (and seeded at the next start) or fully seeded.
// A nil r marks the store seeded with nothing, for a deliberately empty
// catalog. It reports whether it seeded.
func (s *Store) Seed(ctx context.Context, r io.Reader, ch catalog.Change) (bool, catalog.ImportReport, error) {
	var (
		rep    catalog.ImportReport
		seeded bool
	)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var v string
		err := tx.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'seeded'").Scan(&v)
		if err == nil {
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if r != nil {
			var problem *catalog.LineError
			rep, err = s.importTx(ctx, tx, r, catalog.ImportOptions{Change: ch, OnProblem: func(e *catalog.LineError) {
				if problem == nil {
					problem = e
				}
			}})
			if err != nil {
				return err
			}
			if problem != nil {
				return fmt.Errorf("shipped catalog: %w", problem)
			}
		}
		seeded = true
		_, err = tx.ExecContext(ctx, "INSERT INTO meta (key, value) VALUES ('seeded', ?)", s.now().UTC().Format("2006-01-02T15:04:05Z"))
		return err
	})
	return seeded, rep, err
}

func (s *Store) importTx(ctx context.Context, tx *sql.Tx, r io.Reader, opts catalog.ImportOptions) (catalog.ImportReport, error) {
	var rep catalog.ImportReport
	if opts.Author == "" {
		return rep, errors.New("an import needs an author")
	}
	// Ids seen in this file live in a temporary table, not a Go map, so
	// memory stays flat however long the file.
	for _, q := range []string{
		"CREATE TEMP TABLE IF NOT EXISTS import_seen (id TEXT PRIMARY KEY, line INTEGER NOT NULL) WITHOUT ROWID",
		"DELETE FROM import_seen",
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return rep, err
		}
	}
	seen, err := tx.PrepareContext(ctx, "INSERT INTO import_seen (id, line) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET id = id RETURNING line")
	if err != nil {
		return rep, err
	}
	defer seen.Close()
	wr, err := s.newWriter(ctx, tx)
	if err != nil {
		return rep, err
	}
	defer wr.close()
	reject := func(e *catalog.LineError) {
		rep.Rejected++
		if opts.OnProblem != nil {
			opts.OnProblem(e)
		}
	}
	// Parsing runs in its own goroutine, a bounded channel ahead of the
	// writes: on two cores decoding and SQLite overlap, and order is kept.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	parsed := make(chan parsedLine, 256)
	go parseLines(ctx, catalog.NewDecoder(r, s.cb), parsed)
	for p := range parsed {
		var lineErr *catalog.LineError
		switch {
		case errors.As(p.err, &lineErr):
			reject(lineErr)
			continue
		case p.err != nil:
			return rep, p.err
		}
		var first int
		if err := seen.QueryRowContext(ctx, p.work.ID, p.line).Scan(&first); err != nil {
			return rep, err
		}
		if first != p.line {
			reject(&catalog.LineError{Line: p.line, Err: &catalog.ValidationError{
				Fields: map[string]string{"id": fmt.Sprintf("%q is a duplicate of line %d", p.work.ID, first)}}})
			continue
		}
		cur, curDoc, err := wr.current(ctx, p.work.ID)
		if err != nil {
			return rep, err
		}
		op := catalog.OpCreate
		switch {
		case cur > 0 && string(p.doc) == string(curDoc):
			rep.Unchanged++
			continue
		case cur > 0:
			op = catalog.OpUpdate
			rep.Updated++
		default:
			rep.Created++
		}
		if _, err := wr.insertRevision(ctx, p.work.ID, op, p.work, p.doc, opts.Change); err != nil {
			return rep, fmt.Errorf("import line %d: %w", p.line, err)
		}
	}
	return rep, ctx.Err()
}

// parsedLine is one line of an import file, decoded and validated.
type parsedLine struct {
	line int
	work *catalog.Work
	doc  []byte // canonical JSON
	err  error  // a *catalog.LineError for a bad line; anything else ends the import
}

// parseLines decodes lines into out until the input ends, a read fails or
// ctx is done, then closes out.
func parseLines(ctx context.Context, dec *catalog.Decoder, out chan<- parsedLine) {
	defer close(out)
	for ctx.Err() == nil {
		w, err := dec.Next()
		p := parsedLine{line: dec.Line(), work: w, err: err}
		var lineErr *catalog.LineError
		switch {
		case errors.Is(err, io.EOF):
			return
		case errors.As(err, &lineErr):
		case err != nil:
			p.err = fmt.Errorf("import line %d: %w", dec.Line()+1, err)
		default:
			p.doc, p.err = w.MarshalCanonical()
		}
		select {
		case out <- p:
		case <-ctx.Done():
			return
		}
		if p.err != nil && lineErr == nil {
			return
		}
	}
}
