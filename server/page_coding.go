package server

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/komoru/komoru/catalog"
)

// codingPage is /coding: the viewer's units across the open rounds they
// code in.
type codingPage struct {
	layout
	Rounds []queueRound
}

// queueRound is one open round of a coder's queue.
type queueRound struct {
	ID, Name         string
	Units            []queueUnit
	Submitted, Total int
}

// queueUnit is one work of a coder's queue.
type queueUnit struct {
	Work, Title, State, URL string
}

// unitURL is a coder's page of one unit.
func unitURL(round, work string) string {
	return "/coding/" + url.PathEscape(round) + "/" + url.PathEscape(work)
}

func (s *Server) pageCoding(c *gin.Context) error {
	ctx := c.Request.Context()
	u := viewer(c)
	rounds, err := s.store.Rounds(ctx)
	if err != nil {
		return err
	}
	p := codingPage{layout: s.roundsLayout(c, "Your coding queue")}
	for _, r := range rounds {
		if r.State != catalog.RoundOpen || !r.HasCoder(u.Name) {
			continue
		}
		units, err := s.store.Codings(ctx, r.ID)
		if err != nil {
			return err
		}
		states := unitStates(units)
		q := queueRound{ID: r.ID, Name: r.Name, Total: len(r.Works)}
		for _, w := range r.Works {
			title, err := s.workTitle(ctx, w)
			if err != nil {
				return err
			}
			st := states[w][u.Name]
			if st == catalog.UnitSubmitted {
				q.Submitted++
			}
			q.Units = append(q.Units, queueUnit{Work: w, Title: title, State: stateWords(st), URL: unitURL(r.ID, w)})
		}
		p.Rounds = append(p.Rounds, q)
	}
	s.render(c, http.StatusOK, "coding", p)
	return nil
}

// unitPage is /coding/{round}/{work}: one coder's coding of one work,
// beside the work's facts. It is blind: until the coder has submitted
// the unit, nothing of the work's published coding nor of the other
// coders' codings is put in the page at all, so no inspector or stylesheet
// can show it.
type unitPage struct {
	layout
	Round      catalog.Round
	Work       catalog.Work
	Medium     string
	Creators   []string
	State      string // the coder's unit: "not started", "draft", "submitted"
	Open       bool   // the round takes codings: the form is shown
	Dimensions []dimensionInput
	Problems   []problem
	Status     string
	Prev, Next string // the queue's neighbours' pages
	// Compare is set once the coder has submitted: each dimension with
	// their value, the other coders' submitted ones and the published one.
	Compare *sideBySide
	// Mine is the coder's coding as text, for a closed round.
	Mine []codedText
}

// codedText is a dimension's coding written out.
type codedText struct {
	Dimension, Value, Evidence, Locator string
}

// sideBySide sets codings of a work side by side, per dimension.
type sideBySide struct {
	Coders []string // the columns after the first: coders, then "Published"
	Rows   []sideRow
}

// sideRow is one dimension: its codings, in Coders order.
type sideRow struct {
	ID, Label string
	Cells     []codedText
	Disagree  bool
}

// codingWords writes a coding's values out by label: "not coded", "none
// of these" for an empty set.
func (s *Server) codingWords(dim string, c catalog.Coding, coded bool) string {
	switch {
	case !coded:
		return "not coded"
	case c.IsSet() && len(c.Values) == 0:
		return "none of these"
	}
	var labels []string
	for _, v := range c.List() {
		labels = append(labels, s.cb.Label(dim, v))
	}
	if len(labels) == 0 {
		return "not coded"
	}
	return strings.Join(labels, ", ")
}

// codedOf writes out one dimension of a portrayal.
func (s *Server) codedOf(dim string, p catalog.Portrayal) codedText {
	c, ok := p[dim]
	return codedText{Dimension: s.cb.Dimension(dim).Label, Value: s.codingWords(dim, c, ok), Evidence: c.Evidence, Locator: c.Locator}
}

// codingKey is a coding's values in a canonical form, to compare coders.
func codingKey(c catalog.Coding, coded bool) string {
	if !coded {
		return "\x00uncoded"
	}
	vs := slices.Clone(c.List())
	slices.Sort(vs)
	if c.IsSet() {
		return "set:" + strings.Join(vs, " ")
	}
	return strings.Join(vs, " ")
}

// unitContext is what the unit's page and its save need: the round, the
// work, and the viewer's unit (State "" when never saved).
type unitContext struct {
	round catalog.Round
	rev   catalog.Revision
	mine  catalog.CodingUnit
	units []catalog.CodingUnit
}

// loadUnit finds the viewer's unit: only the round's coders may open it.
func (s *Server) loadUnit(ctx context.Context, u *catalog.User, roundID, workID string) (unitContext, error) {
	var uc unitContext
	var err error
	if uc.round, err = s.store.Round(ctx, roundID); err != nil {
		return uc, err
	}
	if !uc.round.HasWork(workID) {
		return uc, errNotFound("work " + workID + " is not in round " + roundID)
	}
	if !uc.round.HasCoder(u.Name) {
		return uc, &httpError{status: http.StatusForbidden, code: "forbidden",
			msg: "Only the coders of round " + roundID + " may open its units: you are not one of them."}
	}
	if uc.rev, err = s.store.Get(ctx, workID); err != nil {
		return uc, err
	}
	if uc.units, err = s.store.Codings(ctx, roundID); err != nil {
		return uc, err
	}
	uc.mine = catalog.CodingUnit{Round: roundID, Work: workID, Coder: u.Name}
	for _, un := range uc.units {
		if un.Work == workID && un.Coder == u.Name {
			uc.mine = un
		}
	}
	return uc, nil
}

func (s *Server) pageUnit(c *gin.Context) error {
	uc, err := s.loadUnit(c.Request.Context(), viewer(c), c.Param("round"), c.Param("work"))
	if err != nil {
		return err
	}
	f := formFromWork(&catalog.Work{Portrayal: uc.mine.Portrayal, Sources: uc.rev.Work.Sources}, 0)
	p := s.unitPage(c, uc, &f, nil)
	switch c.Query("saved") {
	case "draft":
		p.Status = "Draft saved. Only you see it; submit it when you are done."
	case "submitted":
		p.Status = "Submitted. The other coders' submitted codings of this work are shown below."
	}
	s.render(c, http.StatusOK, "coding_unit", p)
	return nil
}

// unitPage builds a unit's page from form f, problems beside the inputs.
func (s *Server) unitPage(c *gin.Context, uc unitContext, f *workForm, problems map[string]string) unitPage {
	w := uc.rev.Work
	p := unitPage{layout: s.roundsLayout(c, "Code "+w.Title+" (round "+uc.round.ID+")"), Round: uc.round, Work: *w,
		Medium: s.cb.Label("medium", w.Medium), State: stateWords(uc.mine.State), Open: uc.round.State == catalog.RoundOpen}
	for _, cr := range w.Creators {
		p.Creators = append(p.Creators, cr.Name+" ("+s.cb.Label("creator_role", cr.Role)+")")
	}
	i := slices.Index(uc.round.Works, w.ID)
	if i > 0 {
		p.Prev = unitURL(uc.round.ID, uc.round.Works[i-1])
	}
	if i+1 < len(uc.round.Works) {
		p.Next = unitURL(uc.round.ID, uc.round.Works[i+1])
	}
	if p.Open {
		b := newFormErrors(problems)
		for _, id := range uc.round.Dimensions {
			di := s.dimensionInput(b, f, s.cb.Dimension(id))
			di.Evidence.Hint = "What in the work shows it: episode, chapter, scene. Optional in a round, and a help when coders compare."
			di.Source.Hint = "Which of the work's sources backs it, by its number in Sources above."
			p.Dimensions = append(p.Dimensions, di)
		}
		p.Problems = b.rest()
	} else {
		for _, id := range uc.round.Dimensions {
			p.Mine = append(p.Mine, s.codedOf(id, uc.mine.Portrayal))
		}
	}
	// The blind rule: the others' codings and the published one are put
	// in the page only once this coder's unit is submitted.
	if uc.mine.State == catalog.UnitSubmitted {
		p.Compare = s.compare(uc.round, w, uc.units, uc.mine.Coder)
	}
	return p
}

// compare sets the submitted codings of a work side by side, the
// viewer's (first, when they coded it) then the other coders', then the
// published one.
func (s *Server) compare(r catalog.Round, w *catalog.Work, units []catalog.CodingUnit, first string) *sideBySide {
	var cols []catalog.CodingUnit
	for _, un := range units {
		if un.Work == w.ID && un.State == catalog.UnitSubmitted {
			cols = append(cols, un)
		}
	}
	slices.SortStableFunc(cols, func(a, b catalog.CodingUnit) int {
		switch {
		case a.Coder == first:
			return -1
		case b.Coder == first:
			return 1
		}
		return strings.Compare(a.Coder, b.Coder)
	})
	cmp := &sideBySide{}
	for _, un := range cols {
		name := un.Coder
		if name == first {
			name += " (you)"
		}
		cmp.Coders = append(cmp.Coders, name)
	}
	cmp.Coders = append(cmp.Coders, "Published")
	for _, id := range r.Dimensions {
		row := sideRow{ID: id, Label: s.cb.Dimension(id).Label}
		keys := map[string]bool{}
		for _, un := range cols {
			row.Cells = append(row.Cells, s.codedOf(id, un.Portrayal))
			c, ok := un.Portrayal[id]
			keys[codingKey(c, ok)] = true
		}
		row.Disagree = len(keys) > 1
		row.Cells = append(row.Cells, s.codedOf(id, w.Portrayal))
		cmp.Rows = append(cmp.Rows, row)
	}
	return cmp
}

// postUnit saves the viewer's unit as a draft or submits it. A closed
// round refuses (409); problems come back beside the inputs.
func (s *Server) postUnit(c *gin.Context) error {
	ctx := c.Request.Context()
	u := viewer(c)
	uc, err := s.loadUnit(ctx, u, c.Param("round"), c.Param("work"))
	if err != nil {
		return err
	}
	if uc.round.State != catalog.RoundOpen {
		return &httpError{status: http.StatusConflict, code: "conflict",
			msg: "Round " + uc.round.ID + " is closed: its codings are frozen and can no longer be changed."}
	}
	f, p, problems, err := s.postedCoding(c, uc)
	if err != nil {
		return err
	}
	submit := c.PostForm("action") == "submit"
	if len(problems) == 0 {
		_, err = catalog.SaveCoding(ctx, s.store, catalog.CodingUnit{Round: uc.round.ID, Work: uc.rev.Work.ID, Coder: u.Name, Portrayal: p}, submit, s.now())
		var ve *catalog.ValidationError
		switch {
		case errors.As(err, &ve):
			problems = ve.Fields
		case err != nil:
			return err
		}
	}
	if len(problems) > 0 {
		s.render(c, http.StatusUnprocessableEntity, "coding_unit", s.unitPage(c, uc, &f, problems))
		return nil
	}
	saved := "draft"
	if submit || uc.mine.State == catalog.UnitSubmitted {
		saved = "submitted"
	}
	c.Redirect(http.StatusSeeOther, unitURL(uc.round.ID, uc.rev.Work.ID)+"?saved="+saved)
	return nil
}

// postedCoding reads a posted coding of a round's work: the form, its
// coding of the round's dimensions only, and what only the form can get
// wrong (evidence without a value, values ticked with "none of these").
func (s *Server) postedCoding(c *gin.Context, uc unitContext) (workForm, catalog.Portrayal, map[string]string, error) {
	if err := c.Request.ParseForm(); err != nil {
		return workForm{}, nil, nil, err
	}
	f, err := parseWorkForm(c.Request.PostForm, s.cb)
	if err != nil {
		return f, nil, nil, err
	}
	f.Work.Sources = uc.rev.Work.Sources
	p := catalog.Portrayal{}
	problems := map[string]string{}
	for _, id := range uc.round.Dimensions {
		name := "portrayal." + id
		cod, coded := f.Work.Portrayal[id]
		if coded {
			p[id] = cod
		}
		if _, loose := f.Loose[id]; loose {
			problems[name] = "choose a value, or clear the evidence, the source, the locator and the spoiler box"
		} else if coded && f.Empty[id] && len(cod.Values) > 0 {
			problems[name] = "tick values or “none of these”, not both"
		}
	}
	return f, p, problems, nil
}
