package catalog

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// A coding round has several coders code the same works independently,
// so that their agreement can be measured and a curator can settle the
// final coding from theirs. A round is open while coders code and closed
// when frozen: a closed round's codings never change, so its figures stay
// reproducible.

// RoundState is whether a round still takes codings.
type RoundState string

// The states of a round.
const (
	RoundOpen   RoundState = "open"
	RoundClosed RoundState = "closed"
)

// Round is one coding round.
type Round struct {
	ID   string // a slug, such as "r1"
	Name string
	// Works are the units coded, in the order coders meet them.
	Works []string
	// Coders are the accounts that code, two or more.
	Coders []string
	// Dimensions are the portrayal dimensions coded, in codebook order.
	Dimensions []string
	Creator    string
	Created    time.Time
	State      RoundState
	Closed     time.Time // when it was closed; zero while open
	// Adjudications are the final codings curators settled from the
	// round, one per work at most (the latest).
	Adjudications []Adjudication
}

// Adjudication is a curator's final coding of one work of a round,
// written as a revision of the work.
type Adjudication struct {
	Work     string
	Revision int // the revision it became
	Coders   int // how many coders had submitted the work
	By       string
	Time     time.Time
}

// Adjudicated returns the round's adjudication of a work, if any.
func (r *Round) Adjudicated(work string) (Adjudication, bool) {
	for _, a := range r.Adjudications {
		if a.Work == work {
			return a, true
		}
	}
	return Adjudication{}, false
}

// HasCoder reports whether the account codes in the round.
func (r *Round) HasCoder(name string) bool { return slices.Contains(r.Coders, name) }

// HasWork reports whether the work is a unit of the round.
func (r *Round) HasWork(id string) bool { return slices.Contains(r.Works, id) }

// UnitState is where one coder's coding of one work is.
type UnitState string

// The states of a coder's unit. A draft is the coder's alone; once
// submitted, the coder may see the others' submitted codings of the work,
// and may still change theirs until the round closes.
const (
	UnitDraft     UnitState = "draft"
	UnitSubmitted UnitState = "submitted"
)

// CodingUnit is one coder's coding of one work in a round: the round's
// dimensions only, evidence optional.
type CodingUnit struct {
	Round, Work, Coder string
	Portrayal          Portrayal
	State              UnitState
	Updated            time.Time
}

// RoundStore is what the rounds' rules need of a store.
type RoundStore interface {
	Writer
	Round(ctx context.Context, id string) (Round, error)
}

// CreateRound starts a round: an id not used before, a name, works that
// exist, two or more distinct coders with accounts, and dimensions of the
// codebook (none given: every portrayal dimension). Problems are a
// *ValidationError naming the fields.
func CreateRound(ctx context.Context, st Writer, r Round, now time.Time) (Round, error) {
	cb := st.Codebook()
	ve := new(ValidationError)
	if !ValidSlug(r.ID) {
		ve.add("id", "must be a lowercase slug of letters, digits and single hyphens, such as r1, got %q", truncate(r.ID, 40))
	}
	r.Name = strings.TrimSpace(r.Name)
	if r.Name == "" {
		ve.add("name", "is required")
	}
	r.Works = dedupe(r.Works)
	if len(r.Works) == 0 {
		ve.add("works", "must name at least one work")
	}
	r.Coders = dedupe(r.Coders)
	if len(r.Coders) < 2 {
		ve.add("coders", "must name at least two coders: agreement needs two, got %d", len(r.Coders))
	}
	if len(r.Dimensions) == 0 {
		for _, d := range cb.Dimensions {
			r.Dimensions = append(r.Dimensions, d.ID)
		}
	} else {
		picked := map[string]bool{}
		for _, id := range r.Dimensions {
			if !cb.isPortrayal(id) {
				ve.add("dimensions", "%q is not a dimension of the codebook", truncate(id, 40))
			}
			picked[id] = true
		}
		r.Dimensions = r.Dimensions[:0]
		for _, d := range cb.Dimensions {
			if picked[d.ID] {
				r.Dimensions = append(r.Dimensions, d.ID)
			}
		}
	}
	if r.Creator == "" {
		ve.add("creator", "is required")
	}
	if err := ve.orNil(); err != nil {
		return r, err
	}
	r.State, r.Created, r.Closed, r.Adjudications = RoundOpen, now.UTC(), time.Time{}, nil
	err := st.Write(ctx, func(tx Tx) error {
		if _, err := tx.Round(ctx, r.ID); err == nil {
			return fmt.Errorf("round %q exists: %w", r.ID, ErrConflict)
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		ve := new(ValidationError)
		for i, id := range r.Works {
			if h, err := tx.Head(ctx, id); err != nil {
				return err
			} else if !h.Exists() {
				ve.add(fmt.Sprintf("works[%d]", i), "no work %q in the catalog", truncate(id, 60))
			}
		}
		for i, name := range r.Coders {
			if _, err := tx.User(ctx, name); errors.Is(err, ErrNotFound) {
				ve.add(fmt.Sprintf("coders[%d]", i), "no account %q", truncate(name, 60))
			} else if err != nil {
				return err
			}
		}
		if err := ve.orNil(); err != nil {
			return err
		}
		return tx.PutRound(ctx, r)
	})
	return r, err
}

// SaveCoding saves a coder's coding of a work in an open round, as a
// draft or submitted. A submitted unit stays submitted: saving it again
// changes it, and a draft never hides what its coder has already seen.
// The coding may hold the round's dimensions only; evidence is optional.
func SaveCoding(ctx context.Context, st Writer, u CodingUnit, submit bool, now time.Time) (CodingUnit, error) {
	u.Updated = now.UTC()
	u.State = UnitDraft
	if submit {
		u.State = UnitSubmitted
	}
	err := st.Write(ctx, func(tx Tx) error {
		r, err := tx.Round(ctx, u.Round)
		if err != nil {
			return err
		}
		if err := checkUnit(&r, &u, st.Codebook()); err != nil {
			return err
		}
		if old, err := tx.Coding(ctx, u.Round, u.Work, u.Coder); err == nil && old.State == UnitSubmitted {
			u.State = UnitSubmitted
		} else if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		return tx.PutCoding(ctx, u)
	})
	return u, err
}

// checkUnit checks a unit against its round: open, the coder's, the
// work's, and only the round's dimensions with the codebook's values.
func checkUnit(r *Round, u *CodingUnit, cb *Codebook) error {
	switch {
	case r.State != RoundOpen:
		return &unitError{"round", fmt.Sprintf("round %q is closed: its codings are frozen", r.ID), ErrConflict}
	case !r.HasCoder(u.Coder):
		return &unitError{"coder", fmt.Sprintf("%q is not a coder of round %q", u.Coder, r.ID), ErrForbidden}
	case !r.HasWork(u.Work):
		return &unitError{"work", fmt.Sprintf("work %q is not in round %q", u.Work, r.ID), ErrNotFound}
	}
	ve := new(ValidationError)
	for id := range u.Portrayal {
		if cb.isPortrayal(id) && !slices.Contains(r.Dimensions, id) {
			ve.add("portrayal."+id, "is not coded in round %q (it codes %s)", r.ID, strings.Join(r.Dimensions, ", "))
		}
	}
	v := &validator{cb: cb, err: ve, maxYear: latestYear()}
	// A coder's unit has no sources of its own: the work's are what it
	// may cite, so source numbers are not checked here.
	p := make(Portrayal, len(u.Portrayal))
	for id, c := range u.Portrayal {
		c.Source = 0
		p[id] = c
	}
	v.portrayal(p, 0)
	return ve.orNil()
}

// unitError is a unit its round refuses: the field of the unit it is
// about (a coding sheet names it beside the line), and the sentinel that
// says how (a page answers 409, 403 or 404 by it).
type unitError struct {
	field, msg string
	kind       error
}

func (e *unitError) Error() string { return e.msg + ": " + e.kind.Error() }
func (e *unitError) Unwrap() error { return e.kind }

// CloseRound freezes an open round.
func CloseRound(ctx context.Context, st Writer, id string, now time.Time) (Round, error) {
	var r Round
	err := st.Write(ctx, func(tx Tx) error {
		var err error
		if r, err = tx.Round(ctx, id); err != nil {
			return err
		}
		if r.State == RoundClosed {
			return fmt.Errorf("round %q is already closed: %w", id, ErrConflict)
		}
		r.State, r.Closed = RoundClosed, now.UTC()
		return tx.PutRound(ctx, r)
	})
	return r, err
}

// Adjudicate writes a curator's final coding of a round's work as a
// revision of the work: the round's dimensions take the given codings
// (a dimension left out is uncoded), the others stay, and the note says
// "adjudicated from round R (N coders)". base is the work's revision the
// curator saw, as for UpdateWork. The round records it, open or closed:
// adjudication may follow closing.
func Adjudicate(ctx context.Context, st Writer, roundID, workID string, p Portrayal, base int, ch Change) (Revision, error) {
	var rev Revision
	err := st.Write(ctx, func(tx Tx) error {
		r, err := tx.Round(ctx, roundID)
		if err != nil {
			return err
		}
		if !r.HasWork(workID) {
			return fmt.Errorf("work %q is not in round %q: %w", workID, roundID, ErrNotFound)
		}
		cur, err := tx.Revision(ctx, workID, base)
		if err != nil {
			return err
		}
		if cur.Work == nil {
			return fmt.Errorf("work %q: %w", workID, ErrNotFound)
		}
		w := *cur.Work
		w.Portrayal = make(Portrayal, len(cur.Work.Portrayal))
		for id, c := range cur.Work.Portrayal {
			if !slices.Contains(r.Dimensions, id) {
				w.Portrayal[id] = c
			}
		}
		for id, c := range p {
			if !slices.Contains(r.Dimensions, id) {
				ve := new(ValidationError)
				ve.add("portrayal."+id, "is not coded in round %q", roundID)
				return ve
			}
			w.Portrayal[id] = c
		}
		units, err := tx.Codings(ctx, roundID)
		if err != nil {
			return err
		}
		n := 0
		for _, u := range units {
			if u.Work == workID && u.State == UnitSubmitted {
				n++
			}
		}
		ch.Note = fmt.Sprintf("adjudicated from round %s (%d coders)", roundID, n)
		if n == 1 {
			ch.Note = fmt.Sprintf("adjudicated from round %s (1 coder)", roundID)
		}
		if rev, err = WriteTx(ctx, tx, st.Codebook(), workID, &w, base, ch); err != nil {
			return err
		}
		a := Adjudication{Work: workID, Revision: rev.Number, Coders: n, By: ch.Author, Time: rev.Time}
		r.Adjudications = slices.DeleteFunc(r.Adjudications, func(x Adjudication) bool { return x.Work == workID })
		r.Adjudications = append(r.Adjudications, a)
		return tx.PutRound(ctx, r)
	})
	return rev, err
}

func dedupe(list []string) []string {
	var out []string
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
