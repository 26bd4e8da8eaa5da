package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/internal/storerow"
)

// Round returns a coding round by id.
func (s *Store) Round(ctx context.Context, id string) (catalog.Round, error) {
	return round(ctx, s.pool, id)
}

// Round returns a coding round by id, in the transaction.
func (t *tx) Round(ctx context.Context, id string) (catalog.Round, error) {
	return round(ctx, t.tx, id)
}

func round(ctx context.Context, q querier, id string) (catalog.Round, error) {
	r, err := storerow.ScanRound(q.QueryRow(ctx, "SELECT doc FROM rounds WHERE id = $1", id))
	return r, notFound(err, fmt.Sprintf("round %q", id))
}

// Rounds returns every round, newest first.
func (s *Store) Rounds(ctx context.Context) ([]catalog.Round, error) {
	rs, err := queryAll(ctx, s.pool, storerow.ScanRound, "SELECT doc FROM rounds")
	return storerow.NewestFirst(rs), err
}

// PutRound creates or replaces a round.
func (t *tx) PutRound(ctx context.Context, r catalog.Round) error {
	doc, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = t.tx.Exec(ctx, `INSERT INTO rounds (id, created_at, doc) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET created_at = EXCLUDED.created_at, doc = EXCLUDED.doc`, r.ID, storerow.FormatTime(r.Created), doc)
	return err
}

// Coding returns one coder's unit, in the transaction.
func (t *tx) Coding(ctx context.Context, round, work, coder string) (catalog.CodingUnit, error) {
	u, err := storerow.ScanCoding(t.tx.QueryRow(ctx, "SELECT "+storerow.CodingColumns+" FROM codings WHERE round_id = $1 AND work_id = $2 AND coder = $3", round, work, coder))
	return u, notFound(err, fmt.Sprintf("the coding of %q by %q in round %q", work, coder, round))
}

const codingsQuery = "SELECT " + storerow.CodingColumns + " FROM codings WHERE round_id = $1 ORDER BY work_id, coder"

// Codings returns every unit of a round.
func (s *Store) Codings(ctx context.Context, round string) ([]catalog.CodingUnit, error) {
	return queryAll(ctx, s.pool, storerow.ScanCoding, codingsQuery, round)
}

// Codings returns every unit of a round, in the transaction.
func (t *tx) Codings(ctx context.Context, round string) ([]catalog.CodingUnit, error) {
	return queryAll(ctx, t.tx, storerow.ScanCoding, codingsQuery, round)
}

// PutCoding creates or replaces a coder's unit.
func (t *tx) PutCoding(ctx context.Context, u catalog.CodingUnit) error {
	p := u.Portrayal
	if p == nil {
		p = catalog.Portrayal{}
	}
	doc, err := json.Marshal(p)
	if err != nil {
		return err
	}
	_, err = t.tx.Exec(ctx, `INSERT INTO codings (`+storerow.CodingColumns+`) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (round_id, work_id, coder) DO UPDATE SET state = EXCLUDED.state, updated_at = EXCLUDED.updated_at, portrayal = EXCLUDED.portrayal`,
		u.Round, u.Work, u.Coder, string(u.State), storerow.FormatTime(u.Updated), doc)
	return err
}
