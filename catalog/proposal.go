package catalog

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ProposalState is where a proposal is in review.
type ProposalState string

// The states of a proposal.
const (
	ProposalPending  ProposalState = "pending"
	ProposalAccepted ProposalState = "accepted"
	ProposalRejected ProposalState = "rejected"
)

// Proposal is a contributor's change waiting for a curator: a new work, a
// changed one, or a deletion. Nothing of it is public until accepted.
type Proposal struct {
	ID     int64
	WorkID string
	Op     Op
	// Base is the revision number the change was made against, 0 for a
	// new work: accepting it after the work moved on is a conflict.
	Base    int
	Work    *Work // the proposed work; nil for a delete
	Author  string
	Note    string
	Created time.Time
	State   ProposalState
	// Reviewer, Reason and Reviewed are set when it is accepted or
	// rejected; Reason is shown to the contributor.
	Reviewer string
	Reason   string
	Reviewed time.Time
	// Revision is the revision number an accepted proposal became.
	Revision int
}

// Propose records a contributor's change for review: a new work (op
// create), a changed one (update, against base), or a deletion (delete,
// against base). The work is validated as a curator's save would be, and a
// proposal against a stale base is a *StaleError, so nothing waits for
// review that could not be saved. Nothing of it is public until accepted.
func Propose(ctx context.Context, st Writer, p Proposal, now time.Time) (Proposal, error) {
	if p.Author == "" {
		return p, errors.New("a proposal needs an author")
	}
	if p.Op == OpDelete {
		p.Work = nil
	} else {
		if p.Work == nil {
			return p, fmt.Errorf("a %s proposal needs a work", p.Op)
		}
		p.WorkID = p.Work.ID
		if err := p.Work.Validate(st.Codebook()); err != nil {
			return p, err
		}
	}
	p.State, p.Created = ProposalPending, now.UTC()
	p.Reviewer, p.Reason, p.Reviewed, p.Revision = "", "", time.Time{}, 0
	err := st.Write(ctx, func(tx Tx) error {
		h, err := tx.Head(ctx, p.WorkID)
		if err != nil {
			return err
		}
		switch p.Op {
		case OpCreate:
			if h.Exists() {
				return fmt.Errorf("propose %q: a work with this id exists: %w", p.WorkID, ErrConflict)
			}
			p.Base = 0
		case OpUpdate, OpDelete:
			if !h.Exists() {
				return fmt.Errorf("work %q: %w", p.WorkID, ErrNotFound)
			}
			if p.Base != h.Number {
				return &StaleError{WorkID: p.WorkID, Base: p.Base, Current: h.Number}
			}
		default:
			return fmt.Errorf("propose: unknown op %q", p.Op)
		}
		p, err = tx.PutProposal(ctx, p)
		return err
	})
	return p, err
}

// AcceptProposal makes a pending proposal a revision by its contributor,
// noted "accepted by REVIEWER", and marks it accepted, in one transaction.
// against is the revision the reviewer saw the proposal against: 0 means
// the proposal's own base. If the work has moved on since, the accept is a
// *StaleError: the reviewer must look at the conflict and accept against
// the current revision (or reject).
func AcceptProposal(ctx context.Context, st Writer, id int64, reviewer string, against int, now time.Time) (Proposal, Revision, error) {
	var (
		p   Proposal
		rev Revision
	)
	err := st.Write(ctx, func(tx Tx) error {
		var err error
		if p, err = pendingProposal(ctx, tx, id); err != nil {
			return err
		}
		base := p.Base
		if against > 0 {
			base = against
		}
		if p.Op == OpCreate {
			base = BaseNone
		}
		note := "accepted by " + reviewer
		if p.Note != "" {
			note = p.Note + " (" + note + ")"
		}
		rev, err = WriteTx(ctx, tx, st.Codebook(), p.WorkID, p.Work, base, Change{Author: p.Author, Note: note, Time: now})
		if err != nil {
			return err
		}
		p.State, p.Reviewer, p.Reviewed, p.Revision = ProposalAccepted, reviewer, now.UTC(), rev.Number
		p, err = tx.PutProposal(ctx, p)
		return err
	})
	return p, rev, err
}

// RejectProposal marks a pending proposal rejected, with the reason the
// contributor will see.
func RejectProposal(ctx context.Context, st Writer, id int64, reviewer, reason string, now time.Time) (Proposal, error) {
	if reason == "" {
		return Proposal{}, &ValidationError{Fields: map[string]string{"reason": "is required: the contributor sees it"}}
	}
	var p Proposal
	err := st.Write(ctx, func(tx Tx) error {
		var err error
		if p, err = pendingProposal(ctx, tx, id); err != nil {
			return err
		}
		p.State, p.Reviewer, p.Reason, p.Reviewed = ProposalRejected, reviewer, reason, now.UTC()
		p, err = tx.PutProposal(ctx, p)
		return err
	})
	return p, err
}

func pendingProposal(ctx context.Context, tx Tx, id int64) (Proposal, error) {
	p, err := tx.Proposal(ctx, id)
	if err != nil {
		return p, err
	}
	if p.State != ProposalPending {
		return p, fmt.Errorf("proposal %d is already %s: %w", id, p.State, ErrConflict)
	}
	return p, nil
}
