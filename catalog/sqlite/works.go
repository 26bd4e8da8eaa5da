package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/komoru/komoru/catalog"
)

const revisionColumns = "r.seq, r.work_id, r.number, r.op, r.author, r.note, r.created_at, r.doc"

type scanner interface{ Scan(dest ...any) error }

func scanRevision(row scanner) (catalog.Revision, error) {
	var (
		r      catalog.Revision
		op, at string
		doc    []byte
	)
	if err := row.Scan(&r.Seq, &r.WorkID, &r.Number, &op, &r.Author, &r.Note, &at, &doc); err != nil {
		return r, err
	}
	r.Op = catalog.Op(op)
	t, err := time.Parse(time.RFC3339Nano, at)
	if err != nil {
		return r, fmt.Errorf("revision %d: bad time %q: %w", r.Seq, at, err)
	}
	r.Time = t
	if doc != nil {
		r.Work = new(catalog.Work)
		if err := json.Unmarshal(doc, r.Work); err != nil {
			return r, fmt.Errorf("revision %d: stored work: %w", r.Seq, err)
		}
	}
	return r, nil
}

// Get returns the current revision of a work, or catalog.ErrNotFound.
func (s *Store) Get(ctx context.Context, id string) (catalog.Revision, error) {
	row := s.db.QueryRowContext(ctx,
		"SELECT "+revisionColumns+" FROM works w JOIN revisions r ON r.seq = w.seq WHERE w.id = ?", id)
	r, err := scanRevision(row)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("work %q: %w", id, catalog.ErrNotFound)
	}
	return r, err
}

// Create adds a new work. An id that exists is catalog.ErrConflict; an
// invalid work is a *catalog.ValidationError.
func (s *Store) Create(ctx context.Context, w *catalog.Work, ch catalog.Change) (catalog.Revision, error) {
	return s.write(ctx, w.ID, w, -1, ch)
}

// Update replaces a work. base is the revision number the change was made
// against; if the work has moved on since, the update is catalog.ErrConflict.
// An update that changes nothing writes no revision and returns the current one.
func (s *Store) Update(ctx context.Context, w *catalog.Work, base int, ch catalog.Change) (catalog.Revision, error) {
	if base < 1 {
		return catalog.Revision{}, fmt.Errorf("update %q: base revision must be 1 or more: %w", w.ID, catalog.ErrConflict)
	}
	return s.write(ctx, w.ID, w, base, ch)
}

// Delete removes a work, keeping its revisions. base as for Update; 0 deletes
// whatever revision is current.
func (s *Store) Delete(ctx context.Context, id string, base int, ch catalog.Change) (catalog.Revision, error) {
	return s.write(ctx, id, nil, base, ch)
}

// write is the one write path of single-work changes. w nil deletes; base -1
// creates, 0 accepts any current revision, >0 must match the current one.
func (s *Store) write(ctx context.Context, id string, w *catalog.Work, base int, ch catalog.Change) (catalog.Revision, error) {
	var doc []byte
	if w != nil {
		if err := w.Validate(s.cb); err != nil {
			return catalog.Revision{}, err
		}
		var err error
		if doc, err = w.MarshalCanonical(); err != nil {
			return catalog.Revision{}, err
		}
	}
	if ch.Author == "" {
		return catalog.Revision{}, errors.New("a change needs an author")
	}
	var rev catalog.Revision
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		wr, err := s.newWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer wr.close()
		cur, curDoc, err := wr.current(ctx, id)
		switch {
		case err != nil:
			return err
		case base == -1 && cur > 0:
			return fmt.Errorf("create %q: a work with this id exists: %w", id, catalog.ErrConflict)
		case base != -1 && cur == 0:
			return fmt.Errorf("work %q: %w", id, catalog.ErrNotFound)
		case base > 0 && base != cur:
			return fmt.Errorf("work %q is at revision %d, the change was based on %d: %w", id, cur, base, catalog.ErrConflict)
		case w != nil && cur > 0 && bytes.Equal(doc, curDoc):
			rev, err = scanRevision(tx.QueryRowContext(ctx,
				"SELECT "+revisionColumns+" FROM works w JOIN revisions r ON r.seq = w.seq WHERE w.id = ?", id))
			return err
		}
		op := catalog.OpUpdate
		switch {
		case w == nil:
			op = catalog.OpDelete
		case cur == 0:
			op = catalog.OpCreate
		}
		rev, err = wr.insertRevision(ctx, id, op, w, doc, ch)
		return err
	})
	if err != nil {
		return catalog.Revision{}, err
	}
	return rev, nil
}

// writer holds a write transaction's prepared statements: an import runs
// them once per line, and parsing SQL each time would cost a third of it.
type writer struct {
	s                  *Store
	cur, ins, put, del *sql.Stmt
}

func (s *Store) newWriter(ctx context.Context, tx *sql.Tx) (*writer, error) {
	wr := &writer{s: s}
	for _, p := range []struct {
		stmt  **sql.Stmt
		query string
	}{
		{&wr.cur, "SELECT r.number, r.doc FROM works w JOIN revisions r ON r.seq = w.seq WHERE w.id = ?"},
		// Numbers continue across a delete, so a recreated work keeps its history.
		{&wr.ins, `INSERT INTO revisions (work_id, number, op, author, note, created_at, doc)
			VALUES (?1, (SELECT COALESCE(MAX(number), 0) + 1 FROM revisions WHERE work_id = ?1), ?2, ?3, ?4, ?5, ?6)
			RETURNING seq, number`},
		{&wr.put, "INSERT INTO works (id, seq) VALUES (?1, ?2) ON CONFLICT (id) DO UPDATE SET seq = ?2"},
		{&wr.del, "DELETE FROM works WHERE id = ?"},
	} {
		stmt, err := tx.PrepareContext(ctx, p.query)
		if err != nil {
			wr.close()
			return nil, err
		}
		*p.stmt = stmt
	}
	return wr, nil
}

func (wr *writer) close() {
	for _, st := range []*sql.Stmt{wr.cur, wr.ins, wr.put, wr.del} {
		if st != nil {
			st.Close()
		}
	}
}

// current returns the current revision number and document of a work, or 0
// and nil if there is none.
func (wr *writer) current(ctx context.Context, id string) (int, []byte, error) {
	var (
		n   int
		doc []byte
	)
	err := wr.cur.QueryRowContext(ctx, id).Scan(&n, &doc)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil, nil
	}
	return n, doc, err
}

// insertRevision records a write and points the works table at it.
func (wr *writer) insertRevision(ctx context.Context, id string, op catalog.Op, w *catalog.Work, doc []byte, ch catalog.Change) (catalog.Revision, error) {
	now := wr.s.now().UTC()
	var (
		seq    int64
		number int
	)
	err := wr.ins.QueryRowContext(ctx, id, string(op), ch.Author, ch.Note, now.Format(time.RFC3339Nano), doc).Scan(&seq, &number)
	if err != nil {
		return catalog.Revision{}, err
	}
	if op == catalog.OpDelete {
		_, err = wr.del.ExecContext(ctx, id)
	} else {
		_, err = wr.put.ExecContext(ctx, id, seq)
	}
	if err != nil {
		return catalog.Revision{}, err
	}
	return catalog.Revision{WorkID: id, Number: number, Seq: seq, Op: op, Author: ch.Author, Note: ch.Note, Time: now, Work: w}, nil
}

// Revisions returns every revision of a work, oldest first, including those
// of a deleted work; catalog.ErrNotFound if there are none.
func (s *Store) Revisions(ctx context.Context, id string) ([]catalog.Revision, error) {
	revs, err := s.queryRevisions(ctx,
		"SELECT "+revisionColumns+" FROM revisions r WHERE r.work_id = ? ORDER BY r.number", id)
	if err == nil && len(revs) == 0 {
		err = fmt.Errorf("work %q: %w", id, catalog.ErrNotFound)
	}
	return revs, err
}

// Changes returns up to limit revisions with a sequence number after after,
// in sequence order: what the search index must apply to catch up.
func (s *Store) Changes(ctx context.Context, after int64, limit int) ([]catalog.Revision, error) {
	return s.queryRevisions(ctx,
		"SELECT "+revisionColumns+" FROM revisions r WHERE r.seq > ? ORDER BY r.seq LIMIT ?", after, limit)
}

// LastSeq returns the sequence number of the latest write, 0 for none.
func (s *Store) LastSeq(ctx context.Context) (int64, error) {
	var seq int64
	err := s.db.QueryRowContext(ctx, "SELECT COALESCE(MAX(seq), 0) FROM revisions").Scan(&seq)
	return seq, err
}

// Count returns the number of current works.
func (s *Store) Count(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM works").Scan(&n)
	return n, err
}

func (s *Store) queryRevisions(ctx context.Context, query string, args ...any) ([]catalog.Revision, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var revs []catalog.Revision
	for rows.Next() {
		r, err := scanRevision(rows)
		if err != nil {
			return nil, err
		}
		revs = append(revs, r)
	}
	return revs, rows.Err()
}

// Each calls fn with every current work in id order, reading one at a time.
// It stops at fn's first error and returns it.
func (s *Store) Each(ctx context.Context, fn func(*catalog.Work) error) error {
	return s.EachRaw(ctx, func(doc []byte) error {
		w := new(catalog.Work)
		if err := json.Unmarshal(doc, w); err != nil {
			return err
		}
		return fn(w)
	})
}

// EachRaw calls fn with the canonical JSON of every current work in id order.
// The slice is valid only during the call.
func (s *Store) EachRaw(ctx context.Context, fn func(doc []byte) error) error {
	// One read transaction: the whole pass sees one snapshot, even while
	// another process writes.
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, "SELECT r.doc FROM works w JOIN revisions r ON r.seq = w.seq ORDER BY w.id")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var doc sql.RawBytes
		if err := rows.Scan(&doc); err != nil {
			return err
		}
		if err := fn(doc); err != nil {
			return err
		}
	}
	return rows.Err()
}
