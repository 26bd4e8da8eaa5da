package server

import (
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/komoru/komoru/catalog"
)

// saved is what a save did: a curator's became a revision, a
// contributor's a proposal waiting for review.
type saved struct {
	Revision catalog.Revision
	Proposal *catalog.Proposal // nil for a curator's save
}

// save is the one write path of the API and the edit pages: a create (base
// catalog.BaseNone), an update (w with the base revision it was edited
// from) or a delete (w nil, base as for an update). The edit note is
// required, and so is evidence for every coded value that needs it. A curator's save is a revision, searchable when save returns;
// a contributor's is a proposal.
func (s *Server) save(c *gin.Context, id string, w *catalog.Work, base int, note string) (saved, error) {
	ctx := c.Request.Context()
	u := viewer(c)
	note = strings.TrimSpace(note)
	if note == "" {
		return saved{}, &catalog.ValidationError{Fields: map[string]string{"note": "is required: say what you changed and why"}}
	}
	if w != nil {
		if err := s.cb.CheckEvidence(w); err != nil {
			return saved{}, err
		}
	}
	if !u.Role.AtLeast(catalog.RoleCurator) {
		op := catalog.OpUpdate
		switch {
		case w == nil:
			op = catalog.OpDelete
		case base == catalog.BaseNone:
			op = catalog.OpCreate
		}
		p, err := catalog.Propose(ctx, s.store, catalog.Proposal{WorkID: id, Op: op, Base: base, Work: w, Author: u.Name, Note: note}, s.now())
		if err != nil {
			return saved{}, err
		}
		return saved{Proposal: &p}, nil
	}
	ch := catalog.Change{Author: u.Name, Note: note, Time: s.now()}
	var (
		rev catalog.Revision
		err error
	)
	switch {
	case w == nil:
		rev, err = catalog.DeleteWork(ctx, s.store, id, base, ch)
	case base == catalog.BaseNone:
		rev, err = catalog.CreateWork(ctx, s.store, w, ch)
	default:
		rev, err = catalog.UpdateWork(ctx, s.store, w, base, ch)
	}
	if err != nil {
		return saved{}, err
	}
	s.afterWrite(c)
	return saved{Revision: rev}, nil
}
