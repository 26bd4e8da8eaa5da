package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/internal/storerow"
)

const (
	getQuery      = "SELECT " + storerow.RevisionColumns + " FROM works w JOIN revisions r ON r.seq = w.seq WHERE w.id = $1"
	revisionQuery = "SELECT " + storerow.RevisionColumns + " FROM revisions r WHERE r.work_id = $1 AND r.number = $2"
)

// Get returns the current revision of a work, or catalog.ErrNotFound.
func (s *Store) Get(ctx context.Context, id string) (catalog.Revision, error) {
	r, err := storerow.ScanRevision(s.pool.QueryRow(ctx, getQuery, id))
	return r, notFound(err, fmt.Sprintf("work %q", id))
}

// Revision returns revision n of a work.
func (s *Store) Revision(ctx context.Context, id string, n int) (catalog.Revision, error) {
	return revision(ctx, s.pool, id, n)
}

// Revision returns revision n of a work, seeing this transaction's writes.
func (t *tx) Revision(ctx context.Context, id string, n int) (catalog.Revision, error) {
	return revision(ctx, t.tx, id, n)
}

func revision(ctx context.Context, q querier, id string, n int) (catalog.Revision, error) {
	r, err := storerow.ScanRevision(q.QueryRow(ctx, revisionQuery, id, n))
	return r, notFound(err, fmt.Sprintf("work %q revision %d", id, n))
}

// Revisions returns every revision of a work, oldest first, including those
// of a deleted work; catalog.ErrNotFound if there are none.
func (s *Store) Revisions(ctx context.Context, id string) ([]catalog.Revision, error) {
	revs, err := queryAll(ctx, s.pool, storerow.ScanRevision,
		"SELECT "+storerow.RevisionColumns+" FROM revisions r WHERE r.work_id = $1 ORDER BY r.number", id)
	if err == nil && len(revs) == 0 {
		err = fmt.Errorf("work %q: %w", id, catalog.ErrNotFound)
	}
	return revs, err
}

// Changes returns up to limit revisions with a sequence number after after,
// in sequence order: what the search index must apply to catch up. Writers
// hold the write lock from drawing their numbers to their commit, so what
// one statement sees is a prefix of the sequence (see the package doc).
func (s *Store) Changes(ctx context.Context, after int64, limit int) ([]catalog.Revision, error) {
	return queryAll(ctx, s.pool, storerow.ScanRevision,
		"SELECT "+storerow.RevisionColumns+" FROM revisions r WHERE r.seq > $1 ORDER BY r.seq LIMIT $2", after, limit)
}

// History returns revisions newest first, as f selects them.
func (s *Store) History(ctx context.Context, f catalog.HistoryFilter) ([]catalog.Revision, error) {
	var (
		where []string
		args  []any
	)
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, cond+" $"+strconv.Itoa(len(args)))
	}
	if f.Author != "" {
		add("r.author =", f.Author)
	}
	if f.WorkID != "" {
		add("r.work_id =", f.WorkID)
	}
	if f.Before > 0 {
		add("r.seq <", f.Before)
	}
	q := "SELECT " + storerow.RevisionColumns + " FROM revisions r"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	args = append(args, limit)
	return queryAll(ctx, s.pool, storerow.ScanRevision, q+" ORDER BY r.seq DESC LIMIT $"+strconv.Itoa(len(args)), args...)
}

// LastSeq returns the sequence number of the latest write, 0 for none.
func (s *Store) LastSeq(ctx context.Context) (int64, error) {
	var seq int64
	err := s.pool.QueryRow(ctx, "SELECT COALESCE(MAX(seq), 0) FROM revisions").Scan(&seq)
	return seq, err
}

// Count returns the number of current works.
func (s *Store) Count(ctx context.Context) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, "SELECT COUNT(*) FROM works").Scan(&n)
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

// snapshot is a read-only transaction whose statements all see one
// snapshot.
var snapshot = pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}

// EachRaw calls fn with the canonical JSON of every current work in id order.
// The slice is valid only during the call.
func (s *Store) EachRaw(ctx context.Context, fn func(doc []byte) error) error {
	// One REPEATABLE READ transaction: the pass sees one snapshot however
	// long fn takes, while others write. Rows arrive as they are read.
	rtx, err := s.pool.BeginTx(ctx, snapshot)
	if err != nil {
		return err
	}
	defer rtx.Rollback(context.WithoutCancel(ctx))
	rows, err := rtx.Query(ctx, "SELECT r.doc FROM works w JOIN revisions r ON r.seq = w.seq ORDER BY w.id")
	if err != nil {
		return err
	}
	defer rows.Close()
	var doc []byte
	for rows.Next() {
		if err := rows.Scan(&doc); err != nil {
			return err
		}
		if err := fn(doc); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Works returns the current works among ids, in the order of ids; ids with
// no current work are left out.
func (s *Store) Works(ctx context.Context, ids []string) ([]*catalog.Work, error) {
	if len(ids) == 0 {
		return []*catalog.Work{}, nil
	}
	// One statement, so one snapshot; the ids go as one array parameter,
	// which has no limit on its length.
	rows, err := s.pool.Query(ctx, "SELECT w.id, r.doc FROM works w JOIN revisions r ON r.seq = w.seq WHERE w.id = ANY($1)", ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	docs := make(map[string]*catalog.Work, len(ids))
	for rows.Next() {
		id, w, err := storerow.ScanWork(rows)
		if err != nil {
			return nil, err
		}
		docs[id] = w
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return storerow.InOrder(make([]*catalog.Work, 0, len(ids)), ids, docs), nil
}

// Head returns the latest revision number of a work and its current JSON.
func (t *tx) Head(ctx context.Context, id string) (catalog.Head, error) {
	var (
		h   catalog.Head
		op  string
		doc []byte
	)
	// The latest revision, whatever its op: numbering continues across a
	// delete, so a recreated work keeps its history.
	err := t.tx.QueryRow(ctx, "SELECT number, op, doc FROM revisions WHERE work_id = $1 ORDER BY number DESC LIMIT 1", id).
		Scan(&h.Number, &op, &doc)
	switch {
	case err == pgx.ErrNoRows:
		return catalog.Head{}, nil
	case err != nil:
		return h, err
	}
	h.Deleted = op == string(catalog.OpDelete)
	if !h.Deleted {
		h.Doc = doc
	}
	return h, nil
}

// Append records a revision and points the works table at it.
func (t *tx) Append(ctx context.Context, r catalog.Revision, doc []byte) (catalog.Revision, error) {
	t.appended = true
	if r.Op != catalog.OpDelete && doc == nil {
		return r, fmt.Errorf("append %q revision %d: a %s needs the work's JSON", r.WorkID, r.Number, r.Op)
	}
	if r.Op == catalog.OpDelete {
		doc = nil
	}
	// The number is checked in the insert itself: no row means it is not
	// the next one. Under the write lock no other writer can take it
	// between the check and the insert.
	err := t.tx.QueryRow(ctx, `INSERT INTO revisions (work_id, number, op, author, note, created_at, doc)
		SELECT $1::text, $2::integer, $3::text, $4::text, $5::text, $6::text, $7::bytea
		WHERE $2::integer = (SELECT COALESCE(MAX(number), 0) + 1 FROM revisions WHERE work_id = $1::text)
		RETURNING seq`,
		r.WorkID, r.Number, string(r.Op), r.Author, r.Note, storerow.FormatTime(r.Time), doc).Scan(&r.Seq)
	if err == pgx.ErrNoRows || isUnique(err) {
		return r, fmt.Errorf("work %q: revision %d is not the next one: %w", r.WorkID, r.Number, catalog.ErrConflict)
	}
	if err != nil {
		return r, err
	}
	if r.Op == catalog.OpDelete {
		_, err = t.tx.Exec(ctx, "DELETE FROM works WHERE id = $1", r.WorkID)
	} else {
		_, err = t.tx.Exec(ctx, "INSERT INTO works (id, seq) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq", r.WorkID, r.Seq)
	}
	return r, err
}

// Meta returns a catalog-wide setting.
func (t *tx) Meta(ctx context.Context, key string) (string, error) {
	var v string
	err := t.tx.QueryRow(ctx, "SELECT value FROM meta WHERE key = $1", key).Scan(&v)
	return v, notFound(err, fmt.Sprintf("setting %q", key))
}

// SetMeta sets a catalog-wide setting.
func (t *tx) SetMeta(ctx context.Context, key, value string) error {
	_, err := t.tx.Exec(ctx, "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", key, value)
	return err
}

// Remember records key in a temporary table, which lives on this
// transaction's connection (the server's memory and disk, not this
// process's) and is emptied when the transaction ends, by a commit or a
// rollback.
func (t *tx) Remember(ctx context.Context, key string, value int) (int, bool, error) {
	if !t.remembering {
		// A table created in a transaction that rolls back is gone with
		// it; IF NOT EXISTS makes it again.
		if _, err := t.tx.Exec(ctx, `CREATE TEMP TABLE IF NOT EXISTS remembered
			(key text COLLATE "C" PRIMARY KEY, value integer NOT NULL) ON COMMIT DELETE ROWS`); err != nil {
			return 0, false, err
		}
		t.remembering = true
	}
	// One round trip: the SELECT sees the table as it was before the
	// statement, so it finds a row only if the key was recorded before.
	var first int
	err := t.tx.QueryRow(ctx, `WITH ins AS (
			INSERT INTO remembered (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING 1)
		SELECT value FROM remembered WHERE key = $1 AND NOT EXISTS (SELECT FROM ins)`, key, value).Scan(&first)
	if err == pgx.ErrNoRows {
		return 0, false, nil
	}
	return first, err == nil, err
}
