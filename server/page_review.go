package server

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/komoru/komoru/catalog"
)

// reviewPage is /review: the proposals waiting for a curator, oldest
// first.
type reviewPage struct {
	layout
	Proposals []proposalRow
}

// proposalRow is one waiting proposal in the review queue.
type proposalRow struct {
	ID      int64
	WorkID  string
	Title   string
	Kind    string // "new work", "change" or "deletion"
	Author  string
	Note    string
	Created time.Time
	// Conflict is set when the work changed since the proposal was made
	// (or, for a new work, when its id was taken meanwhile).
	Conflict bool
}

// URL is the proposal's review page.
func (r proposalRow) URL() string { return "/review/" + strconv.FormatInt(r.ID, 10) }

// proposalKind names what a proposal does, for people.
func proposalKind(op catalog.Op) string {
	switch op {
	case catalog.OpCreate:
		return "new work"
	case catalog.OpDelete:
		return "deletion"
	}
	return "change"
}

func (s *Server) pageReview(c *gin.Context) error {
	ctx := c.Request.Context()
	ps, err := s.store.Proposals(ctx, catalog.ProposalFilter{State: catalog.ProposalPending})
	if err != nil {
		return err
	}
	p := reviewPage{layout: s.layout(c, "Review")}
	for _, pr := range ps {
		row := proposalRow{ID: pr.ID, WorkID: pr.WorkID, Title: pr.WorkID, Kind: proposalKind(pr.Op), Author: pr.Author, Note: pr.Note, Created: pr.Created}
		cur, err := s.store.Get(ctx, pr.WorkID)
		switch {
		case errors.Is(err, catalog.ErrNotFound):
			row.Conflict = pr.Op != catalog.OpCreate
		case err != nil:
			return err
		default:
			row.Conflict = pr.Op == catalog.OpCreate || cur.Number != pr.Base
			row.Title = cur.Work.Title
		}
		if pr.Work != nil {
			row.Title = pr.Work.Title
		}
		p.Proposals = append(p.Proposals, row)
	}
	s.render(c, http.StatusOK, "review", p)
	return nil
}

// proposalPage is /review/{pid}: a proposal as a diff against the current
// work, the conflict if the work changed since it was made, and for
// curators the forms that accept or reject it. Its contributor sees it
// too, with its state and the reviewer's reason.
type proposalPage struct {
	layout
	Proposal catalog.Proposal
	Kind     string
	Title    string
	Current  int    // the work's current revision; 0 when there is none
	Against  string // what Changes compare the proposal with
	Changes  []fieldDiff
	Conflict *proposalConflict
	// Blocked says why the proposal cannot be accepted at all (its work
	// was deleted, or its id taken, meanwhile); it can still be rejected.
	Blocked     string
	Review      bool // the viewer may accept or reject it
	Reason      string
	ReasonError string
	Message     string // why an accept or reject was not made
}

// proposalConflict is a proposal made against a revision that is no
// longer current, with what changed meanwhile.
type proposalConflict struct {
	Base, Current int
	Meanwhile     []fieldDiff
	URL           string // the history's diff of the same
}

// CanAccept reports whether the accept form is shown.
func (p proposalPage) CanAccept() bool { return p.Review && p.Blocked == "" }

// RevisionURL is the history's diff of the revision an accepted proposal
// became.
func (p proposalPage) RevisionURL() string { return historyURL(p.Proposal.WorkID, p.Proposal.Revision) }

// proposal builds the page of proposal pid as the viewer may see it: a
// contributor sees only their own (others' are not found).
func (s *Server) proposal(c *gin.Context) (proposalPage, error) {
	ctx := c.Request.Context()
	id, err := strconv.ParseInt(c.Param("pid"), 10, 64)
	if err != nil {
		return proposalPage{}, errNotFound("no proposal " + c.Param("pid"))
	}
	pr, err := s.store.Proposal(ctx, id)
	u := viewer(c)
	curator := u.Role.AtLeast(catalog.RoleCurator)
	if errors.Is(err, catalog.ErrNotFound) || (err == nil && !curator && pr.Author != u.Name) {
		return proposalPage{}, errNotFound("no proposal " + c.Param("pid"))
	}
	if err != nil {
		return proposalPage{}, err
	}
	p := proposalPage{Proposal: pr, Kind: proposalKind(pr.Op), Title: pr.WorkID,
		Review: curator && pr.State == catalog.ProposalPending}
	var current *catalog.Work
	cur, err := s.store.Get(ctx, pr.WorkID)
	switch {
	case errors.Is(err, catalog.ErrNotFound):
	case err != nil:
		return p, err
	default:
		current, p.Current, p.Title = cur.Work, cur.Number, cur.Work.Title
	}
	if pr.Work != nil {
		p.Title = pr.Work.Title
	}
	p.layout = s.layout(c, "Proposal "+strconv.FormatInt(pr.ID, 10)+": "+p.Title)
	var base *catalog.Work
	if pr.Base > 0 {
		br, err := s.store.Revision(ctx, pr.WorkID, pr.Base)
		if err != nil {
			return p, err
		}
		base = br.Work
	}
	switch {
	case pr.State != catalog.ProposalPending || (current == nil && pr.Op != catalog.OpCreate):
		// Reviewed (or its work deleted meanwhile): what it proposed,
		// against the revision it was made on.
		p.Changes = s.fieldDiffs(base, pr.Work, p.ShowSpoilers)
		p.Against = "Against revision " + strconv.Itoa(pr.Base) + ", which it was made on"
		if pr.Op == catalog.OpCreate {
			p.Against = "The proposed new work"
		}
		if pr.State == catalog.ProposalPending {
			p.Blocked = "The work was deleted after this proposal was made, so it cannot be accepted: restore the work from its history first, or reject the proposal."
		}
		return p, nil
	case pr.Op == catalog.OpCreate:
		p.Changes = s.fieldDiffs(nil, pr.Work, p.ShowSpoilers)
		p.Against = "The proposed new work"
		if current != nil {
			p.Blocked = "A work with the id " + pr.WorkID + " was created after this proposal was made (now at revision " +
				strconv.Itoa(p.Current) + "), so it cannot be accepted as a new work: reject it, or edit that work instead."
		}
		return p, nil
	}
	p.Changes = s.fieldDiffs(current, pr.Work, p.ShowSpoilers)
	p.Against = "Against the current work, revision " + strconv.Itoa(p.Current)
	if pr.Op == catalog.OpDelete {
		p.Against = "The current work, revision " + strconv.Itoa(p.Current) + ", which this proposal deletes"
	}
	if p.Current != pr.Base {
		p.Conflict = &proposalConflict{Base: pr.Base, Current: p.Current, Meanwhile: s.fieldDiffs(base, current, p.ShowSpoilers),
			URL: "/works/" + url.PathEscape(pr.WorkID) + "/history?from=" + strconv.Itoa(pr.Base) + "&to=" + strconv.Itoa(p.Current) + "#diff"}
	}
	return p, nil
}

func (s *Server) pageProposal(c *gin.Context) error {
	p, err := s.proposal(c)
	if err != nil {
		return err
	}
	s.render(c, http.StatusOK, "proposal", p)
	return nil
}

// postAccept makes a proposal a revision by its contributor. The form
// says which revision the curator saw it against; if the work has moved
// on since, nothing is accepted and the page shows the conflict afresh.
func (s *Server) postAccept(c *gin.Context) error {
	p, err := s.proposal(c)
	if err != nil {
		return err
	}
	// Without against, the proposal is accepted against its own base:
	// only if the work has not moved on since.
	against := 0
	if v := c.PostForm("against"); v != "" {
		if against, err = strconv.Atoi(v); err != nil || against < 0 {
			return &httpError{status: http.StatusBadRequest, code: "bad_form", msg: "against must be a revision number"}
		}
	}
	if msg := p.notReviewable(); msg != "" {
		p.Message = msg
		s.render(c, http.StatusConflict, "proposal", p)
		return nil
	}
	if p.Blocked != "" {
		p.Message = p.Blocked
		s.render(c, http.StatusConflict, "proposal", p)
		return nil
	}
	pr, rev, err := catalog.AcceptProposal(c.Request.Context(), s.store, p.Proposal.ID, viewer(c).Name, against, s.now())
	var stale *catalog.StaleError
	switch {
	case errors.As(err, &stale):
		return s.proposalAgain(c, http.StatusPreconditionFailed, "Not accepted: the work is at revision "+strconv.Itoa(stale.Current)+
			", not "+strconv.Itoa(stale.Base)+". Look at what changed meanwhile, below, then accept against revision "+
			strconv.Itoa(stale.Current)+" or reject.", "")
	case errors.Is(err, catalog.ErrConflict):
		return s.proposalAgain(c, http.StatusConflict, "Not accepted: "+err.Error()+".", "")
	case err != nil:
		return err
	}
	s.afterWrite(c)
	if rev.Work == nil {
		c.Redirect(http.StatusSeeOther, historyURL(pr.WorkID, rev.Number))
		return nil
	}
	c.Redirect(http.StatusSeeOther, "/works/"+url.PathEscape(pr.WorkID))
	return nil
}

// postReject marks a proposal rejected, with the reason its contributor
// will read.
func (s *Server) postReject(c *gin.Context) error {
	p, err := s.proposal(c)
	if err != nil {
		return err
	}
	if msg := p.notReviewable(); msg != "" {
		p.Message = msg
		s.render(c, http.StatusConflict, "proposal", p)
		return nil
	}
	reason := strings.TrimSpace(c.PostForm("reason"))
	_, err = catalog.RejectProposal(c.Request.Context(), s.store, p.Proposal.ID, viewer(c).Name, reason, s.now())
	var invalid *catalog.ValidationError
	switch {
	case errors.As(err, &invalid):
		p.Reason, p.ReasonError = reason, invalid.Fields["reason"]
		s.render(c, http.StatusUnprocessableEntity, "proposal", p)
		return nil
	case errors.Is(err, catalog.ErrConflict):
		return s.proposalAgain(c, http.StatusConflict, "Not rejected: "+err.Error()+".", reason)
	case err != nil:
		return err
	}
	c.Redirect(http.StatusSeeOther, "/review")
	return nil
}

// notReviewable says why a proposal can no longer be accepted or
// rejected: someone reviewed it already.
func (p proposalPage) notReviewable() string {
	if p.Proposal.State == catalog.ProposalPending {
		return ""
	}
	return "This proposal was " + string(p.Proposal.State) + " by " + p.Proposal.Reviewer + " already."
}

// proposalAgain renders a proposal's page afresh, as it is now, with why
// the curator's action was not taken.
func (s *Server) proposalAgain(c *gin.Context, status int, msg, reason string) error {
	p, err := s.proposal(c)
	if err != nil {
		return err
	}
	p.Message, p.Reason = msg, reason
	s.render(c, status, "proposal", p)
	return nil
}
