package server

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/komoru/komoru/catalog"
)

// adjudicatePage is /rounds/{id}/works/{work}: for a curator, each of
// the round's dimensions with the coders' submitted codings side by side
// and the form that settles the final coding, written as a revision.
type adjudicatePage struct {
	layout
	Round      catalog.Round
	Work       catalog.Work
	Base       int // the work's revision the form was opened at
	Compare    *sideBySide
	Submitted  int // coders who submitted the work
	Dimensions []dimensionInput
	Problems   []problem
	Conflict   string // why the save was refused: the work moved on
	Done       *catalog.Adjudication
}

// Action is where the form posts.
func (p adjudicatePage) Action() string {
	return roundURL(p.Round.ID) + "/works/" + url.PathEscape(p.Work.ID)
}

// loadAdjudication finds a round's work for a curator. A curator who
// codes the round and has not submitted the work yet must stay blind to
// the others' codings, so is refused.
func (s *Server) loadAdjudication(ctx context.Context, u *catalog.User, roundID, workID string) (unitContext, error) {
	var uc unitContext
	var err error
	if uc.round, err = s.store.Round(ctx, roundID); err != nil {
		return uc, err
	}
	if !uc.round.HasWork(workID) {
		return uc, errNotFound("work " + workID + " is not in round " + roundID)
	}
	if uc.units, err = s.store.Codings(ctx, roundID); err != nil {
		return uc, err
	}
	if uc.round.State == catalog.RoundOpen && uc.round.HasCoder(u.Name) &&
		!slices.ContainsFunc(uc.units, func(un catalog.CodingUnit) bool {
			return un.Work == workID && un.Coder == u.Name && un.State == catalog.UnitSubmitted
		}) {
		return uc, &httpError{status: http.StatusForbidden, code: "forbidden",
			msg: "You code in round " + roundID + " and have not submitted " + workID +
				" yet: adjudicating it would show you the other coders' codings. Submit your own coding first (" +
				unitURL(roundID, workID) + "), or leave this work to another curator."}
	}
	uc.rev, err = s.store.Get(ctx, workID)
	return uc, err
}

// majority is the coding most coders submitted for a dimension, when one
// value has more coders than any other; otherwise the published one.
func majority(dim string, units []catalog.CodingUnit, published catalog.Portrayal) (catalog.Coding, bool) {
	count := map[string]int{}
	first := map[string]catalog.Coding{}
	coded := map[string]bool{}
	var order []string
	for _, un := range units {
		c, ok := un.Portrayal[dim]
		k := codingKey(c, ok)
		if _, seen := count[k]; !seen {
			order = append(order, k)
			first[k], coded[k] = c, ok
		} else if first[k].Evidence == "" && c.Evidence != "" {
			first[k] = c // the first coder who gave evidence for it
		}
		count[k]++
	}
	best, tie := "", false
	for _, k := range order {
		switch {
		case best == "" || count[k] > count[best]:
			best, tie = k, false
		case count[k] == count[best]:
			tie = true
		}
	}
	if best == "" || tie {
		c, ok := published[dim]
		return c, ok
	}
	// The published coding's evidence stays when it codes the same.
	if pc, ok := published[dim]; ok && codingKey(pc, true) == best && first[best].Evidence == "" {
		return pc, true
	}
	return first[best], coded[best]
}

func (s *Server) pageAdjudicate(c *gin.Context) error {
	uc, err := s.loadAdjudication(c.Request.Context(), viewer(c), c.Param("id"), c.Param("work"))
	if err != nil {
		return err
	}
	w := catalog.Work{Sources: uc.rev.Work.Sources, Portrayal: catalog.Portrayal{}}
	var submitted []catalog.CodingUnit
	for _, un := range uc.units {
		if un.Work == uc.rev.Work.ID && un.State == catalog.UnitSubmitted {
			submitted = append(submitted, un)
		}
	}
	for _, id := range uc.round.Dimensions {
		if cod, ok := majority(id, submitted, uc.rev.Work.Portrayal); ok {
			w.Portrayal[id] = cod
		}
	}
	f := formFromWork(&w, uc.rev.Number)
	s.render(c, http.StatusOK, "adjudicate", s.adjudicatePage(c, uc, &f, nil))
	return nil
}

// adjudicatePage builds the page of form f with problems beside inputs.
func (s *Server) adjudicatePage(c *gin.Context, uc unitContext, f *workForm, problems map[string]string) adjudicatePage {
	w := uc.rev.Work
	p := adjudicatePage{layout: s.roundsLayout(c, "Adjudicate "+w.Title+" (round "+uc.round.ID+")"), Round: uc.round, Work: *w, Base: f.Base}
	p.Compare = s.compare(uc.round, w, uc.units, "")
	p.Submitted = len(p.Compare.Coders) - 1
	if a, ok := uc.round.Adjudicated(w.ID); ok {
		p.Done = &a
	}
	b := newFormErrors(problems)
	for _, id := range uc.round.Dimensions {
		p.Dimensions = append(p.Dimensions, s.dimensionInput(b, f, s.cb.Dimension(id)))
	}
	p.Problems = b.rest()
	return p
}

// postAdjudicate writes the final coding as a revision of the work, based
// on the revision the curator saw; if the work moved on since, the form
// comes back (412) against the current revision with what was chosen.
func (s *Server) postAdjudicate(c *gin.Context) error {
	ctx := c.Request.Context()
	u := viewer(c)
	uc, err := s.loadAdjudication(ctx, u, c.Param("id"), c.Param("work"))
	if err != nil {
		return err
	}
	f, p, problems, err := s.postedCoding(c, uc)
	if err != nil {
		return err
	}
	if f.Base == catalog.BaseNone {
		return &httpError{status: http.StatusBadRequest, code: "bad_request", msg: "base: the revision the form was opened at is required"}
	}
	if len(problems) > 0 {
		s.render(c, http.StatusUnprocessableEntity, "adjudicate", s.adjudicatePage(c, uc, &f, problems))
		return nil
	}
	_, err = catalog.Adjudicate(ctx, s.store, uc.round.ID, uc.rev.Work.ID, p, f.Base, catalog.Change{Author: u.Name, Time: s.now()})
	var (
		stale *catalog.StaleError
		ve    *catalog.ValidationError
	)
	switch {
	case errors.As(err, &stale):
		page := s.adjudicatePage(c, uc, &f, nil)
		page.Base = stale.Current
		page.Conflict = "Not saved: the work was changed meanwhile (it is at revision " + strconv.Itoa(stale.Current) +
			", you opened revision " + strconv.Itoa(stale.Base) + "). Your choices are kept below; look at the work's history, then save again."
		s.render(c, http.StatusPreconditionFailed, "adjudicate", page)
		return nil
	case errors.As(err, &ve):
		s.render(c, http.StatusUnprocessableEntity, "adjudicate", s.adjudicatePage(c, uc, &f, ve.Fields))
		return nil
	case err != nil:
		return err
	}
	s.afterWrite(c)
	c.Redirect(http.StatusSeeOther, roundURL(uc.round.ID)+"?done=adjudicated&work="+url.QueryEscape(uc.rev.Work.ID))
	return nil
}
