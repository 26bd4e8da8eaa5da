// Package storerow is how a catalog row is read and written, whatever the
// driver: the column lists the SQL stores share, the functions that turn a
// row of them into catalog values, and the text form of stored times.
//
// catalog/sqlite and catalog/postgres keep the same tables with the same
// columns, so the code that decodes a row was written twice and could drift;
// here it is written once. The SQL itself stays in each store, since the
// placeholders (? and $1) and the upserts differ. The package sees a row only
// through Scanner, so it needs neither database/sql nor pgx.
package storerow

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/komoru/komoru/catalog"
)

// Scanner is a row to read: *sql.Row, *sql.Rows, pgx.Row and pgx.Rows all
// are one.
type Scanner interface {
	Scan(dest ...any) error
}

// Rows is a result set to read row by row: *sql.Rows and pgx.Rows both are
// one. Closing is left to the caller, since the two close differently.
type Rows interface {
	Scanner
	Next() bool
	Err() error
}

// Collect scans every remaining row of rows with scan. It does not close
// rows.
func Collect[T any](rows Rows, scan func(Scanner) (T, error)) ([]T, error) {
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// FormatTime is how a time is stored: RFC 3339 text in UTC, so that it sorts
// and compares as text in either database; "" is the zero time.
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// ParseTime reads a time stored by FormatTime.
func ParseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339Nano, s)
}

// ParseTimes parses pairs of (*string text, *time.Time destination), naming
// what in the error: one call for a row's several times.
func ParseTimes(what string, pairs ...any) error {
	for i := 0; i < len(pairs); i += 2 {
		t, err := ParseTime(*pairs[i].(*string))
		if err != nil {
			return fmt.Errorf("%s: stored time: %w", what, err)
		}
		*pairs[i+1].(*time.Time) = t
	}
	return nil
}

// RevisionColumns are the columns ScanRevision reads, of the revisions
// table aliased r.
const RevisionColumns = "r.seq, r.work_id, r.number, r.op, r.author, r.note, r.created_at, r.doc"

// ScanRevision reads a row of RevisionColumns. A NULL doc (a delete) leaves
// Work nil.
func ScanRevision(row Scanner) (catalog.Revision, error) {
	var (
		r      catalog.Revision
		op, at string
		doc    []byte
	)
	if err := row.Scan(&r.Seq, &r.WorkID, &r.Number, &op, &r.Author, &r.Note, &at, &doc); err != nil {
		return r, err
	}
	r.Op = catalog.Op(op)
	if err := ParseTimes(fmt.Sprintf("revision %d", r.Seq), &at, &r.Time); err != nil {
		return r, err
	}
	if doc != nil {
		r.Work = new(catalog.Work)
		if err := json.Unmarshal(doc, r.Work); err != nil {
			return r, fmt.Errorf("revision %d: stored work: %w", r.Seq, err)
		}
	}
	return r, nil
}

// ScanWork reads a row of a work's id and its current JSON.
func ScanWork(row Scanner) (string, *catalog.Work, error) {
	var (
		id  string
		doc []byte
	)
	if err := row.Scan(&id, &doc); err != nil {
		return id, nil, err
	}
	w := new(catalog.Work)
	if err := json.Unmarshal(doc, w); err != nil {
		return id, nil, fmt.Errorf("work %q: stored work: %w", id, err)
	}
	return id, w, nil
}

// InOrder appends to out the works of found in the order of ids, leaving
// out the ids found lacks: a query with IN or ANY returns rows in no
// particular order, and Works promises the order it was asked in.
func InOrder(out []*catalog.Work, ids []string, found map[string]*catalog.Work) []*catalog.Work {
	for _, id := range ids {
		if w, ok := found[id]; ok {
			out = append(out, w)
		}
	}
	return out
}

// ProposalColumns are the columns ScanProposal reads.
const ProposalColumns = "id, work_id, op, base, doc, author, note, created_at, state, reviewer, reason, reviewed_at, revision"

// ScanProposal reads a row of ProposalColumns.
func ScanProposal(row Scanner) (catalog.Proposal, error) {
	var (
		p                 catalog.Proposal
		op, state         string
		doc               []byte
		created, reviewed string
	)
	if err := row.Scan(&p.ID, &p.WorkID, &op, &p.Base, &doc, &p.Author, &p.Note, &created, &state,
		&p.Reviewer, &p.Reason, &reviewed, &p.Revision); err != nil {
		return p, err
	}
	p.Op, p.State = catalog.Op(op), catalog.ProposalState(state)
	if doc != nil {
		p.Work = new(catalog.Work)
		if err := json.Unmarshal(doc, p.Work); err != nil {
			return p, fmt.Errorf("proposal %d: stored work: %w", p.ID, err)
		}
	}
	return p, ParseTimes(fmt.Sprintf("proposal %d", p.ID), &created, &p.Created, &reviewed, &p.Reviewed)
}

// A round is kept as one JSON document: its lists are read and written
// whole, and only its id and time are ever looked up.

// NewestFirst orders rounds newest first, then by id. The stores sort in
// Go rather than by their created_at text: RFC 3339 with trailing zeros
// trimmed sorts "…05.5Z" before "…05Z", though half a second later.
func NewestFirst(rs []catalog.Round) []catalog.Round {
	slices.SortStableFunc(rs, func(a, b catalog.Round) int {
		if c := b.Created.Compare(a.Created); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return rs
}

// ScanRound reads a row of a round's doc column.
func ScanRound(row Scanner) (catalog.Round, error) {
	var (
		r   catalog.Round
		doc []byte
	)
	if err := row.Scan(&doc); err != nil {
		return r, err
	}
	if err := json.Unmarshal(doc, &r); err != nil {
		return r, fmt.Errorf("stored round: %w", err)
	}
	return r, nil
}

// CodingColumns are the columns ScanCoding reads.
const CodingColumns = "round_id, work_id, coder, state, updated_at, portrayal"

// ScanCoding reads a row of CodingColumns.
func ScanCoding(row Scanner) (catalog.CodingUnit, error) {
	var (
		u              catalog.CodingUnit
		state, updated string
		doc            []byte
	)
	if err := row.Scan(&u.Round, &u.Work, &u.Coder, &state, &updated, &doc); err != nil {
		return u, err
	}
	u.State = catalog.UnitState(state)
	what := fmt.Sprintf("round %q, work %q, coder %q", u.Round, u.Work, u.Coder)
	if err := json.Unmarshal(doc, &u.Portrayal); err != nil {
		return u, fmt.Errorf("%s: stored coding: %w", what, err)
	}
	return u, ParseTimes(what, &updated, &u.Updated)
}
