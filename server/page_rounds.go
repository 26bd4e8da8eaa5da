package server

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/komoru/komoru/catalog"
)

// The coding rounds' pages register their templates here rather than in
// render.go's table, so the workflow lives in its own files.
// maxRoundSearch is how many hits of a search a new round takes at most:
// one search page, and more works than a round of hand coding holds.
const maxRoundSearch = 100

// roundsPage is /rounds: every round, newest first, and for curators the
// form that starts one.
type roundsPage struct {
	layout
	Rounds []roundRow
	// Queue is set when the viewer codes in an open round.
	Queue bool
	Form  *roundForm // curators only
}

// roundRow is one round in the list, with each coder's progress.
type roundRow struct {
	ID, Name string
	State    catalog.RoundState
	Works    int
	Coders   int
	Dims     int
	Created  time.Time
	Creator  string
	Progress []coderProgress
	Adjudged int
}

// URL is the round's page.
func (r roundRow) URL() string { return roundURL(r.ID) }

// roundForm is the "New round" form, as shown or posted back with its
// problems beside the fields.
type roundForm struct {
	ID, Name, Works, Search control
	Coders, Dimensions      []choice
	CodersErr, DimsErr      string
	Problems                []problem
}

func roundURL(id string) string { return "/rounds/" + url.PathEscape(id) }

// roundsLayout is a rounds page's layout, with "Rounds" marked current.
func (s *Server) roundsLayout(c *gin.Context, title string) layout {
	l := s.layout(c, title)
	l.Section = "rounds"
	return l
}

func (s *Server) pageRounds(c *gin.Context) error {
	p, err := s.roundsPage(c, nil, "", nil)
	if err != nil {
		return err
	}
	s.render(c, http.StatusOK, "rounds", p)
	return nil
}

// roundsPage builds /rounds; posted is the form as sent (nil for a blank
// one), search its search box and fields its problems.
func (s *Server) roundsPage(c *gin.Context, posted *catalog.Round, search string, fields map[string]string) (roundsPage, error) {
	ctx := c.Request.Context()
	rounds, err := s.store.Rounds(ctx)
	if err != nil {
		return roundsPage{}, err
	}
	u := viewer(c)
	p := roundsPage{layout: s.roundsLayout(c, "Coding rounds")}
	for _, r := range rounds {
		units, err := s.store.Codings(ctx, r.ID)
		if err != nil {
			return p, err
		}
		row := roundRow{ID: r.ID, Name: r.Name, State: r.State, Works: len(r.Works), Coders: len(r.Coders),
			Dims: len(r.Dimensions), Created: r.Created, Creator: r.Creator, Adjudged: len(r.Adjudications)}
		row.Progress = progress(&r, units)
		if r.State == catalog.RoundOpen && r.HasCoder(u.Name) {
			p.Queue = true
		}
		p.Rounds = append(p.Rounds, row)
	}
	if p.Curator() {
		f, err := s.roundForm(ctx, rounds, posted, search, fields)
		if err != nil {
			return p, err
		}
		p.Form = f
	}
	return p, nil
}

// nextRoundID suggests "r" and the next number not taken.
func nextRoundID(rounds []catalog.Round) string {
	for n := len(rounds) + 1; ; n++ {
		id := "r" + strconv.Itoa(n)
		if !slices.ContainsFunc(rounds, func(r catalog.Round) bool { return r.ID == id }) {
			return id
		}
	}
}

// roundForm builds the new round's form: blank (posted nil), with an
// id suggested and every dimension ticked, or as posted with problems.
func (s *Server) roundForm(ctx context.Context, rounds []catalog.Round, posted *catalog.Round, search string, fields map[string]string) (*roundForm, error) {
	r := posted
	if r == nil {
		r = &catalog.Round{ID: nextRoundID(rounds)}
		for _, d := range s.cb.Dimensions {
			r.Dimensions = append(r.Dimensions, d.ID)
		}
	}
	b := newFormErrors(fields)
	f := &roundForm{}
	f.Name = b.control("name", "Name", r.Name)
	f.Name.Hint = "Such as “Pilot: realism and tone”."
	f.ID = b.control("id", "Id", r.ID)
	f.ID.Hint = "A short slug for its address and exports: r1, pilot-2."
	f.Works = b.control("works", "Works", strings.Join(r.Works, "\n"))
	f.Works.Type, f.Works.Rows = "textarea", 5
	f.Works.Hint = "Work ids, one a line, in the order coders meet them (as in /works/welcome-to-the-nhk-anime)."
	f.Search = b.control("works_search", "Works of a search", search)
	f.Search.Hint = "Search parameters, as after the ? of a search's address: q=room&realism=realistic. Its first " +
		strconv.Itoa(maxRoundSearch) + " hits are added after the works above, in the search's order."
	users, err := s.store.Users(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		f.Coders = append(f.Coders, choice{Value: u.Name, Label: u.Name + " (" + string(u.Role) + ")",
			ID: fieldID("coders." + u.Name), Checked: slices.Contains(r.Coders, u.Name)})
	}
	// A coder's problem ("coders[1]") is shown with the coders' boxes,
	// as newFormErrors groups it under "coders".
	f.CodersErr = b.take("coders", "Coders", "f-coders")
	for _, d := range s.cb.Dimensions {
		f.Dimensions = append(f.Dimensions, choice{Value: d.ID, Label: d.Label, Definition: d.Definition,
			ID: fieldID("dimensions." + d.ID), Checked: slices.Contains(r.Dimensions, d.ID)})
	}
	f.DimsErr = b.take("dimensions", "Dimensions", "f-dimensions")
	f.Problems = b.rest()
	return f, nil
}

// postRound starts a round from the form: its works are the ids typed,
// then the hits of the search given.
func (s *Server) postRound(c *gin.Context) error {
	ctx := c.Request.Context()
	r := catalog.Round{
		ID:         strings.TrimSpace(c.PostForm("id")),
		Name:       line(c.PostForm("name")),
		Works:      strings.Fields(c.PostForm("works")),
		Coders:     c.PostFormArray("coders"),
		Dimensions: c.PostFormArray("dimensions"),
		Creator:    viewer(c).Name,
	}
	fields := map[string]string{}
	search := strings.TrimPrefix(strings.TrimSpace(c.PostForm("works_search")), "?")
	if search != "" {
		ids, msg, err := s.roundSearch(ctx, search)
		if err != nil {
			return err
		}
		if msg != "" {
			fields["works_search"] = msg
		}
		r.Works = append(r.Works, ids...)
	}
	if len(r.Dimensions) == 0 {
		// No box ticked would mean "every dimension" to CreateRound; on
		// the form it is a mistake.
		fields["dimensions"] = "tick at least one dimension"
	}
	var err error
	if len(fields) == 0 {
		_, err = catalog.CreateRound(ctx, s.store, r, s.now())
	}
	var ve *catalog.ValidationError
	switch {
	case errors.As(err, &ve):
		for k, v := range ve.Fields {
			fields[k] = v
		}
	case errors.Is(err, catalog.ErrConflict):
		fields["id"] = "is taken by another round; choose another id"
	case err != nil:
		return err
	}
	if len(fields) > 0 {
		p, err := s.roundsPage(c, &r, search, fields)
		if err != nil {
			return err
		}
		s.render(c, http.StatusUnprocessableEntity, "rounds", p)
		return nil
	}
	c.Redirect(http.StatusSeeOther, roundURL(r.ID))
	return nil
}

// roundSearch lists the ids of a search's first hits, in its order. A
// search the parameters cannot make is a message for the form.
func (s *Server) roundSearch(ctx context.Context, raw string) (ids []string, msg string, err error) {
	if s.search == nil {
		return nil, "cannot be used: the search index is not available", nil
	}
	params, err := url.ParseQuery(raw)
	if err != nil {
		return nil, "is not a search's parameters: " + err.Error(), nil
	}
	q, err := parseSearchParams(params, s.cb)
	var he *httpError
	if errors.As(err, &he) {
		var bad []string
		for k, v := range he.fields {
			bad = append(bad, k+" "+v)
		}
		slices.Sort(bad)
		if len(bad) == 0 {
			bad = append(bad, he.msg)
		}
		return nil, "has bad parameters: " + strings.Join(bad, "; "), nil
	}
	if err != nil {
		return nil, "", err
	}
	q.Page, q.Size = 1, maxRoundSearch
	err = s.searches.do(ctx, func(ctx context.Context) error {
		res, err := s.search.Search(ctx, q)
		if err != nil {
			return err
		}
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	if len(ids) == 0 {
		return nil, "finds no works", nil
	}
	return ids, "", nil
}

// roundPage is /rounds/{id}: the round and its works × coders grid.
type roundPage struct {
	layout
	Round      catalog.Round
	Dimensions []string // labels
	Grid       []gridRow
	Status     string // what was just done
}

// gridRow is one work of a round with each coder's state.
type gridRow struct {
	Work, Title string
	Cells       []gridCell
	Adjudicated *catalog.Adjudication
	URL         string // the adjudication page
}

// gridCell is one coder's unit of a work: "not started", "draft" or
// "submitted".
type gridCell struct {
	Coder, State string
}

// Open reports whether the round still takes codings.
func (p roundPage) Open() bool { return p.Round.State == catalog.RoundOpen }

// Agreement is the round's agreement page.
func (p roundPage) Agreement() string { return roundURL(p.Round.ID) + "/agreement" }

// unitStates maps work → coder → state of a round's units.
func unitStates(units []catalog.CodingUnit) map[string]map[string]catalog.UnitState {
	m := map[string]map[string]catalog.UnitState{}
	for _, u := range units {
		if m[u.Work] == nil {
			m[u.Work] = map[string]catalog.UnitState{}
		}
		m[u.Work][u.Coder] = u.State
	}
	return m
}

// stateWords says a unit's state for people; a unit never saved is "not
// started".
func stateWords(st catalog.UnitState) string {
	if st == "" {
		return "not started"
	}
	return string(st)
}

// workTitle is a work's title, or its id when it is gone.
func (s *Server) workTitle(ctx context.Context, id string) (string, error) {
	rev, err := s.store.Get(ctx, id)
	if errors.Is(err, catalog.ErrNotFound) {
		return id, nil
	}
	if err != nil {
		return "", err
	}
	return rev.Work.Title, nil
}

func (s *Server) pageRound(c *gin.Context) error {
	ctx := c.Request.Context()
	r, err := s.store.Round(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	units, err := s.store.Codings(ctx, r.ID)
	if err != nil {
		return err
	}
	p := roundPage{layout: s.roundsLayout(c, "Round "+r.ID+": "+r.Name), Round: r}
	switch c.Query("done") {
	case "closed":
		p.Status = "The round is closed: its codings are frozen."
	case "adjudicated":
		p.Status = "The final coding of " + c.Query("work") + " is saved as a new revision."
	}
	for _, d := range r.Dimensions {
		p.Dimensions = append(p.Dimensions, s.cb.Dimension(d).Label)
	}
	states := unitStates(units)
	for _, w := range r.Works {
		title, err := s.workTitle(ctx, w)
		if err != nil {
			return err
		}
		row := gridRow{Work: w, Title: title, URL: roundURL(r.ID) + "/works/" + url.PathEscape(w)}
		if a, ok := r.Adjudicated(w); ok {
			row.Adjudicated = &a
		}
		for _, coder := range r.Coders {
			row.Cells = append(row.Cells, gridCell{Coder: coder, State: stateWords(states[w][coder])})
		}
		p.Grid = append(p.Grid, row)
	}
	s.render(c, http.StatusOK, "round", p)
	return nil
}

// postCloseRound freezes a round; closing a closed one is a conflict.
func (s *Server) postCloseRound(c *gin.Context) error {
	r, err := catalog.CloseRound(c.Request.Context(), s.store, c.Param("id"), s.now())
	if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, roundURL(r.ID)+"?done=closed")
	return nil
}
