package catalog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
)

// Writer is the part of a Store that writes go through.
type Writer interface {
	Codebook() *Codebook
	Write(ctx context.Context, fn func(Tx) error) error
}

// CreateWork adds a new work as its first revision (or, for an id whose
// work was deleted, the next one). A current work with the id is
// ErrConflict; an invalid work is a *ValidationError.
func CreateWork(ctx context.Context, st Writer, w *Work, ch Change) (Revision, error) {
	return writeOne(ctx, st, w.ID, w, BaseNone, ch)
}

// UpdateWork replaces a work. base is the revision number the change was
// made against: if the work has moved on since, the update is a
// *StaleError. An update that changes nothing writes no revision and
// returns the current one.
func UpdateWork(ctx context.Context, st Writer, w *Work, base int, ch Change) (Revision, error) {
	if base < 1 {
		return Revision{}, fmt.Errorf("update %q: base revision must be 1 or more: %w", w.ID, ErrConflict)
	}
	return writeOne(ctx, st, w.ID, w, base, ch)
}

// DeleteWork removes a work, keeping its revisions; base as for
// UpdateWork, or BaseAny to delete whatever revision is current.
func DeleteWork(ctx context.Context, st Writer, id string, base int, ch Change) (Revision, error) {
	return writeOne(ctx, st, id, nil, base, ch)
}

// RestoreWork makes revision n of a work current again, as a new revision,
// whether the work was changed or deleted since; base as for UpdateWork.
// Restoring a delete deletes.
func RestoreWork(ctx context.Context, st Store, id string, n, base int, ch Change) (Revision, error) {
	old, err := st.Revision(ctx, id, n)
	if err != nil {
		return Revision{}, err
	}
	var rev Revision
	err = st.Write(ctx, func(tx Tx) error {
		h, err := tx.Head(ctx, id)
		if err != nil {
			return err
		}
		if base != BaseAny && base != h.Number {
			return &StaleError{WorkID: id, Base: base, Current: h.Number}
		}
		if old.Work == nil && h.Deleted {
			return fmt.Errorf("restore %q revision %d: the work is already deleted: %w", id, n, ErrConflict)
		}
		b := h.Number
		if h.Deleted {
			b = BaseNone
		}
		rev, err = WriteTx(ctx, tx, st.Codebook(), id, old.Work, b, ch)
		return err
	})
	return rev, err
}

// BaseAny, as the base of DeleteWork, deletes whatever revision is current.
const BaseAny = 0

// BaseNone, as the base of WriteTx, creates: the work must not exist.
const BaseNone = -1

func writeOne(ctx context.Context, st Writer, id string, w *Work, base int, ch Change) (Revision, error) {
	var rev Revision
	err := st.Write(ctx, func(tx Tx) error {
		var err error
		rev, err = WriteTx(ctx, tx, st.Codebook(), id, w, base, ch)
		return err
	})
	return rev, err
}

// WriteTx is the one write path of single-work changes, inside a
// transaction that may do more (accepting a proposal). w nil deletes; base
// BaseNone creates, BaseAny accepts any current revision, more must match the
// current one. The work is validated against cb first.
func WriteTx(ctx context.Context, tx Tx, cb *Codebook, id string, w *Work, base int, ch Change) (Revision, error) {
	var doc []byte
	if w != nil {
		if err := w.Validate(cb); err != nil {
			return Revision{}, err
		}
		var err error
		if doc, err = w.MarshalCanonical(); err != nil {
			return Revision{}, err
		}
	}
	if ch.Author == "" {
		return Revision{}, errors.New("a change needs an author")
	}
	h, err := tx.Head(ctx, id)
	switch {
	case err != nil:
		return Revision{}, err
	case base == BaseNone && h.Exists():
		return Revision{}, fmt.Errorf("create %q: a work with this id exists: %w", id, ErrConflict)
	case base != BaseNone && !h.Exists():
		return Revision{}, fmt.Errorf("work %q: %w", id, ErrNotFound)
	case base > 0 && base != h.Number:
		return Revision{}, &StaleError{WorkID: id, Base: base, Current: h.Number}
	case w != nil && h.Exists() && bytes.Equal(doc, h.Doc):
		return tx.Revision(ctx, id, h.Number)
	}
	op := OpUpdate
	switch {
	case w == nil:
		op = OpDelete
	case !h.Exists():
		op = OpCreate
	}
	return tx.Append(ctx, Revision{WorkID: id, Number: h.Number + 1, Op: op, Author: ch.Author, Note: ch.Note, Time: ch.time(), Work: w}, doc)
}
