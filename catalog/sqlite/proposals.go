package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/internal/storerow"
)

const proposalQuery = "SELECT " + storerow.ProposalColumns + " FROM proposals WHERE id = ?"

// Proposal returns a proposal by id.
func (s *Store) Proposal(ctx context.Context, id int64) (catalog.Proposal, error) {
	p, err := storerow.ScanProposal(s.db.QueryRowContext(ctx, proposalQuery, id))
	return p, notFound(err, fmt.Sprintf("proposal %d", id))
}

// Proposal returns a proposal by id, in the transaction.
func (t *tx) Proposal(ctx context.Context, id int64) (catalog.Proposal, error) {
	p, err := storerow.ScanProposal(t.queryRow(ctx, proposalQuery, id))
	return p, notFound(err, fmt.Sprintf("proposal %d", id))
}

// Proposals returns proposals as f selects them, oldest first.
func (s *Store) Proposals(ctx context.Context, f catalog.ProposalFilter) ([]catalog.Proposal, error) {
	var (
		where []string
		args  []any
	)
	for _, c := range []struct{ col, v string }{{"state", string(f.State)}, {"author", f.Author}, {"work_id", f.WorkID}} {
		if c.v != "" {
			where, args = append(where, c.col+" = ?"), append(args, c.v)
		}
	}
	q := "SELECT " + storerow.ProposalColumns + " FROM proposals"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	return queryAll(ctx, s.db, storerow.ScanProposal, q+" ORDER BY id LIMIT ?", append(args, limit)...)
}

// PutProposal creates a proposal (ID 0) or replaces the one with its ID.
func (t *tx) PutProposal(ctx context.Context, p catalog.Proposal) (catalog.Proposal, error) {
	var doc []byte
	if p.Work != nil {
		var err error
		if doc, err = p.Work.MarshalCanonical(); err != nil {
			return p, err
		}
	}
	args := []any{p.WorkID, string(p.Op), p.Base, doc, p.Author, p.Note, storerow.FormatTime(p.Created), string(p.State),
		p.Reviewer, p.Reason, storerow.FormatTime(p.Reviewed), p.Revision}
	if p.ID == 0 {
		err := t.queryRow(ctx, `INSERT INTO proposals (work_id, op, base, doc, author, note, created_at, state, reviewer, reason, reviewed_at, revision)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, args...).Scan(&p.ID)
		return p, err
	}
	res, err := t.exec(ctx, `UPDATE proposals SET work_id = ?, op = ?, base = ?, doc = ?, author = ?, note = ?, created_at = ?,
		state = ?, reviewer = ?, reason = ?, reviewed_at = ?, revision = ? WHERE id = ?`, append(args, p.ID)...)
	if err != nil {
		return p, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return p, fmt.Errorf("proposal %d: %w", p.ID, catalog.ErrNotFound)
	}
	return p, nil
}
