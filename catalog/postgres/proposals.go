package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/internal/storerow"
)

// Proposal returns a proposal by id.
func (s *Store) Proposal(ctx context.Context, id int64) (catalog.Proposal, error) {
	return proposal(ctx, s.pool, id)
}

// Proposal returns a proposal by id, in the transaction.
func (t *tx) Proposal(ctx context.Context, id int64) (catalog.Proposal, error) {
	return proposal(ctx, t.tx, id)
}

func proposal(ctx context.Context, q querier, id int64) (catalog.Proposal, error) {
	p, err := storerow.ScanProposal(q.QueryRow(ctx, "SELECT "+storerow.ProposalColumns+" FROM proposals WHERE id = $1", id))
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
			args = append(args, c.v)
			where = append(where, c.col+" = $"+strconv.Itoa(len(args)))
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
	args = append(args, limit)
	return queryAll(ctx, s.pool, storerow.ScanProposal, q+" ORDER BY id LIMIT $"+strconv.Itoa(len(args)), args...)
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
		err := t.tx.QueryRow(ctx, `INSERT INTO proposals (work_id, op, base, doc, author, note, created_at, state, reviewer, reason, reviewed_at, revision)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`, args...).Scan(&p.ID)
		return p, err
	}
	tag, err := t.tx.Exec(ctx, `UPDATE proposals SET work_id = $1, op = $2, base = $3, doc = $4, author = $5, note = $6, created_at = $7,
		state = $8, reviewer = $9, reason = $10, reviewed_at = $11, revision = $12 WHERE id = $13`, append(args, p.ID)...)
	if err != nil {
		return p, err
	}
	if tag.RowsAffected() == 0 {
		return p, fmt.Errorf("proposal %d: %w", p.ID, catalog.ErrNotFound)
	}
	return p, nil
}
