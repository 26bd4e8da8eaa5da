package catalog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
)

// Import reads works in import format v1 and upserts them by id, writing a
// revision for each created or changed work; an unchanged work writes
// nothing, and a second line with an id already seen in the file is a bad
// line. The whole file is one transaction: with opts.Partial unset, one bad
// line and nothing is written; with it, the good lines are. Either way a
// crash before the commit leaves none of the file. Bad lines go to
// opts.OnProblem as they are found.
func Import(ctx context.Context, st Writer, r io.Reader, opts ImportOptions) (ImportReport, error) {
	if opts.Author == "" {
		return ImportReport{}, errors.New("an import needs an author")
	}
	var rep ImportReport
	err := st.Write(ctx, func(tx Tx) error {
		var err error
		rep, err = importTx(ctx, tx, st.Codebook(), r, opts)
		if err == nil && rep.Rejected > 0 && !opts.Partial {
			rep = ImportReport{Rejected: rep.Rejected}
			return errRollback
		}
		return err
	})
	if errors.Is(err, errRollback) {
		err = nil
	}
	if err != nil && ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
		// A store may report a canceled transaction by its own symptom
		// (database/sql: "statement is closed"); the cause is the context.
		err = fmt.Errorf("%w (%v)", ctx.Err(), err)
	}
	return rep, err
}

// errRollback makes Write roll back without it being a failure.
var errRollback = errors.New("roll back")

// seededKey is the Meta key set once a catalog has been seeded.
const seededKey = "seeded"

// Seed loads the shipped catalog (or r) into a catalog that has never been
// seeded. The check, the load and the mark are one transaction, so after a
// crash the catalog is either unseeded (and seeded at the next start) or
// fully seeded. A nil r marks it seeded with nothing, for a deliberately
// empty catalog. It reports whether it seeded; a bad line in r is an error
// and nothing is written.
func Seed(ctx context.Context, st Writer, r io.Reader, ch Change) (bool, ImportReport, error) {
	var (
		rep    ImportReport
		seeded bool
	)
	err := st.Write(ctx, func(tx Tx) error {
		_, err := tx.Meta(ctx, seededKey)
		if err == nil {
			return nil
		}
		if !errors.Is(err, ErrNotFound) {
			return err
		}
		if r != nil {
			var problem *LineError
			rep, err = importTx(ctx, tx, st.Codebook(), r, ImportOptions{Change: ch, OnProblem: func(e *LineError) {
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
		return tx.SetMeta(ctx, seededKey, ch.time().Format("2006-01-02T15:04:05Z"))
	})
	return seeded, rep, err
}

func importTx(ctx context.Context, tx Tx, cb *Codebook, r io.Reader, opts ImportOptions) (ImportReport, error) {
	var rep ImportReport
	if opts.Author == "" {
		return rep, errors.New("an import needs an author")
	}
	reject := func(e *LineError) {
		rep.Rejected++
		if opts.OnProblem != nil {
			opts.OnProblem(e)
		}
	}
	at := opts.time()
	// Parsing runs in its own goroutine, a bounded channel ahead of the
	// writes: on two cores decoding and the store overlap, and order is kept.
	// It is waited for before returning, so that r is no longer read once
	// Import returns (the caller may close it): an early return cancels
	// it, drains what it sent and waits for its current line.
	ctx, cancel := context.WithCancel(ctx)
	parsed := make(chan parsedLine, 256)
	parsing := make(chan struct{})
	go func() {
		defer close(parsing)
		parseLines(ctx, NewDecoder(r, cb), parsed)
	}()
	defer func() {
		cancel()
		for range parsed {
		}
		<-parsing
	}()
	for p := range parsed {
		var lineErr *LineError
		switch {
		case errors.As(p.err, &lineErr):
			reject(lineErr)
			continue
		case p.err != nil:
			return rep, p.err
		}
		// The ids seen so far are kept by the store, not in memory, so
		// memory stays flat however long the file.
		first, dup, err := tx.Remember(ctx, p.work.ID, p.line)
		if err != nil {
			return rep, fmt.Errorf("import line %d: %w", p.line, err)
		}
		if dup {
			reject(&LineError{Line: p.line, Err: &ValidationError{
				Fields: map[string]string{"id": fmt.Sprintf("%q is a duplicate of line %d", p.work.ID, first)}}})
			continue
		}
		h, err := tx.Head(ctx, p.work.ID)
		if err != nil {
			return rep, fmt.Errorf("import line %d: %w", p.line, err)
		}
		op := OpCreate
		switch {
		case h.Exists() && bytes.Equal(p.doc, h.Doc):
			rep.Unchanged++
			continue
		case h.Exists():
			op = OpUpdate
			rep.Updated++
		default:
			rep.Created++
		}
		rev := Revision{WorkID: p.work.ID, Number: h.Number + 1, Op: op, Author: opts.Author, Note: opts.Note, Time: at, Work: p.work}
		if _, err := tx.Append(ctx, rev, p.doc); err != nil {
			return rep, fmt.Errorf("import line %d: %w", p.line, err)
		}
	}
	return rep, ctx.Err()
}

// parsedLine is one line of an import file, decoded and validated.
type parsedLine struct {
	line int
	work *Work
	doc  []byte // canonical JSON
	err  error  // a *LineError for a bad line; anything else ends the import
}

// parseLines decodes lines into out until the input ends, a read fails or
// ctx is done, then closes out.
func parseLines(ctx context.Context, dec *Decoder, out chan<- parsedLine) {
	defer close(out)
	for ctx.Err() == nil {
		w, err := dec.Next()
		p := parsedLine{line: dec.Line(), work: w, err: err}
		var lineErr *LineError
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
