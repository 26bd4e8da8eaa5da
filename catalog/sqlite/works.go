package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/internal/storerow"
)

const (
	getQuery      = "SELECT " + storerow.RevisionColumns + " FROM works w JOIN revisions r ON r.seq = w.seq WHERE w.id = ?"
	revisionQuery = "SELECT " + storerow.RevisionColumns + " FROM revisions r WHERE r.work_id = ? AND r.number = ?"
)

// Get returns the current revision of a work, or catalog.ErrNotFound.
func (s *Store) Get(ctx context.Context, id string) (catalog.Revision, error) {
	r, err := storerow.ScanRevision(s.db.QueryRowContext(ctx, getQuery, id))
	return r, notFound(err, fmt.Sprintf("work %q", id))
}

// Revision returns revision n of a work.
func (s *Store) Revision(ctx context.Context, id string, n int) (catalog.Revision, error) {
	return revision(ctx, s.db, id, n)
}

func revision(ctx context.Context, q querier, id string, n int) (catalog.Revision, error) {
	r, err := storerow.ScanRevision(q.QueryRowContext(ctx, revisionQuery, id, n))
	return r, notFound(err, fmt.Sprintf("work %q revision %d", id, n))
}

// Revisions returns every revision of a work, oldest first, including those
// of a deleted work; catalog.ErrNotFound if there are none.
func (s *Store) Revisions(ctx context.Context, id string) ([]catalog.Revision, error) {
	revs, err := queryAll(ctx, s.db, storerow.ScanRevision,
		"SELECT "+storerow.RevisionColumns+" FROM revisions r WHERE r.work_id = ? ORDER BY r.number", id)
	if err == nil && len(revs) == 0 {
		err = fmt.Errorf("work %q: %w", id, catalog.ErrNotFound)
	}
	return revs, err
}

// Changes returns up to limit revisions with a sequence number after after,
// in sequence order: what the search index must apply to catch up.
func (s *Store) Changes(ctx context.Context, after int64, limit int) ([]catalog.Revision, error) {
	return queryAll(ctx, s.db, storerow.ScanRevision,
		"SELECT "+storerow.RevisionColumns+" FROM revisions r WHERE r.seq > ? ORDER BY r.seq LIMIT ?", after, limit)
}

// History returns revisions newest first, as f selects them.
func (s *Store) History(ctx context.Context, f catalog.HistoryFilter) ([]catalog.Revision, error) {
	var (
		where []string
		args  []any
	)
	if f.Author != "" {
		where, args = append(where, "r.author = ?"), append(args, f.Author)
	}
	if f.WorkID != "" {
		where, args = append(where, "r.work_id = ?"), append(args, f.WorkID)
	}
	if f.Before > 0 {
		where, args = append(where, "r.seq < ?"), append(args, f.Before)
	}
	q := "SELECT " + storerow.RevisionColumns + " FROM revisions r"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	return queryAll(ctx, s.db, storerow.ScanRevision, q+" ORDER BY r.seq DESC LIMIT ?", append(args, limit)...)
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

// worksBatch is the most ids one query of Works asks for: far under
// SQLite's limit on bound parameters (32766), and large enough that a
// batch costs one statement, not hundreds.
const worksBatch = 500

// Works returns the current works among ids, in the order of ids; ids with
// no current work are left out.
func (s *Store) Works(ctx context.Context, ids []string) ([]*catalog.Work, error) {
	// One read transaction, so that batches of a long list see one
	// snapshot.
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	docs := make(map[string]*catalog.Work, min(len(ids), worksBatch))
	out := make([]*catalog.Work, 0, len(ids))
	for start := 0; start < len(ids); start += worksBatch {
		batch := ids[start:min(start+worksBatch, len(ids))]
		args := make([]any, len(batch))
		for i, id := range batch {
			args[i] = id
		}
		q := "SELECT w.id, r.doc FROM works w JOIN revisions r ON r.seq = w.seq WHERE w.id IN (?" +
			strings.Repeat(",?", len(batch)-1) + ")"
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, err
		}
		clear(docs)
		for rows.Next() {
			id, w, err := storerow.ScanWork(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			docs[id] = w
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		out = storerow.InOrder(out, batch, docs)
	}
	return out, nil
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

// Head returns the latest revision number of a work and its current JSON.
func (t *tx) Head(ctx context.Context, id string) (catalog.Head, error) {
	var (
		h   catalog.Head
		op  sql.NullString
		doc []byte
	)
	// The latest revision, whatever its op: numbering continues across a
	// delete, so a recreated work keeps its history.
	err := t.queryRow(ctx, "SELECT number, op, doc FROM revisions WHERE work_id = ? ORDER BY number DESC LIMIT 1", id).
		Scan(&h.Number, &op, &doc)
	switch {
	case err == sql.ErrNoRows:
		return catalog.Head{}, nil
	case err != nil:
		return h, err
	}
	h.Deleted = op.String == string(catalog.OpDelete)
	if !h.Deleted {
		h.Doc = doc
	}
	return h, nil
}

// Revision returns revision n of a work, seeing this transaction's writes.
func (t *tx) Revision(ctx context.Context, id string, n int) (catalog.Revision, error) {
	r, err := storerow.ScanRevision(t.queryRow(ctx, revisionQuery, id, n))
	return r, notFound(err, fmt.Sprintf("work %q revision %d", id, n))
}

// Append records a revision and points the works table at it.
func (t *tx) Append(ctx context.Context, r catalog.Revision, doc []byte) (catalog.Revision, error) {
	if r.Op != catalog.OpDelete && doc == nil {
		return r, fmt.Errorf("append %q revision %d: a %s needs the work's JSON", r.WorkID, r.Number, r.Op)
	}
	if r.Op == catalog.OpDelete {
		doc = nil
	}
	// The number is checked in the insert itself: no row means it is not
	// the next one.
	err := t.queryRow(ctx, `INSERT INTO revisions (work_id, number, op, author, note, created_at, doc)
		SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7
		WHERE ?2 = (SELECT COALESCE(MAX(number), 0) + 1 FROM revisions WHERE work_id = ?1)
		RETURNING seq`,
		r.WorkID, r.Number, string(r.Op), r.Author, r.Note, storerow.FormatTime(r.Time), doc).Scan(&r.Seq)
	if err == sql.ErrNoRows || isUnique(err) {
		return r, fmt.Errorf("work %q: revision %d is not the next one: %w", r.WorkID, r.Number, catalog.ErrConflict)
	}
	if err != nil {
		return r, err
	}
	if r.Op == catalog.OpDelete {
		_, err = t.exec(ctx, "DELETE FROM works WHERE id = ?", r.WorkID)
	} else {
		_, err = t.exec(ctx, "INSERT INTO works (id, seq) VALUES (?1, ?2) ON CONFLICT (id) DO UPDATE SET seq = ?2", r.WorkID, r.Seq)
	}
	return r, err
}

// Meta returns a catalog-wide setting.
func (t *tx) Meta(ctx context.Context, key string) (string, error) {
	var v string
	err := t.queryRow(ctx, "SELECT value FROM meta WHERE key = ?", key).Scan(&v)
	return v, notFound(err, fmt.Sprintf("setting %q", key))
}

// SetMeta sets a catalog-wide setting.
func (t *tx) SetMeta(ctx context.Context, key, value string) error {
	_, err := t.exec(ctx, "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2", key, value)
	return err
}

// Remember records key in a temporary table, which lives on this
// transaction's connection and is emptied at the transaction's first use.
func (t *tx) Remember(ctx context.Context, key string, value int) (int, bool, error) {
	if !t.remembering {
		for _, q := range []string{
			"CREATE TEMP TABLE IF NOT EXISTS remembered (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID",
			"DELETE FROM remembered",
		} {
			if _, err := t.tx.ExecContext(ctx, q); err != nil {
				return 0, false, err
			}
		}
		t.remembering = true
	}
	err := t.queryRow(ctx, "INSERT INTO remembered (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING RETURNING 1", key, value).Scan(new(int))
	if err != sql.ErrNoRows {
		return 0, false, err
	}
	var first int
	err = t.queryRow(ctx, "SELECT value FROM remembered WHERE key = ?", key).Scan(&first)
	return first, err == nil, err
}
