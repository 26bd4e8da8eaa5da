package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/komoru/komoru/catalog"
)

// The write API: works (POST, PUT, DELETE), their revisions, and the
// proposals contributors' writes become. Every write goes through s.save
// or a catalog rule; these handlers only read requests and shape answers.

// writeRequest is the body of POST and PUT /api/v1/works: a work in import
// format v1 and the edit note.
type writeRequest struct {
	Work json.RawMessage `json:"work"`
	Note string          `json:"note"`
}

// revisionJSON is one revision of a work, without the work.
type revisionJSON struct {
	Number int        `json:"number"`
	Op     catalog.Op `json:"op"`
	Author string     `json:"author"`
	Note   string     `json:"note"`
	Time   time.Time  `json:"time"`
	Seq    int64      `json:"seq"`
	URL    string     `json:"url"`
}

func newRevisionJSON(r catalog.Revision) revisionJSON {
	return revisionJSON{Number: r.Number, Op: r.Op, Author: r.Author, Note: r.Note, Time: r.Time, Seq: r.Seq,
		URL: workURL(r.WorkID) + "/revisions/" + strconv.Itoa(r.Number)}
}

// revisionsResponse is GET /api/v1/works/{id}/revisions, oldest first.
type revisionsResponse struct {
	ID        string         `json:"id"`
	Revisions []revisionJSON `json:"revisions"`
}

// revisionResponse is GET /api/v1/works/{id}/revisions/{n}: the revision
// and the work as it became (null for a delete).
type revisionResponse struct {
	ID string `json:"id"`
	revisionJSON
	Work *catalog.Work `json:"work"`
}

// proposalJSON is a proposal without its work.
type proposalJSON struct {
	ID       int64                 `json:"id"`
	URL      string                `json:"url"`
	WorkID   string                `json:"work_id"`
	Op       catalog.Op            `json:"op"`
	Base     int                   `json:"base"` // the revision it was made against; 0 for a new work
	Author   string                `json:"author"`
	Note     string                `json:"note"`
	Created  time.Time             `json:"created_at"`
	State    catalog.ProposalState `json:"state"`
	Reviewer string                `json:"reviewer,omitempty"`
	Reason   string                `json:"reason,omitempty"`
	Reviewed *time.Time            `json:"reviewed_at,omitempty"`
	Revision int                   `json:"revision,omitempty"` // what an accepted proposal became
}

func newProposalJSON(p catalog.Proposal) proposalJSON {
	j := proposalJSON{ID: p.ID, URL: proposalURL(p.ID), WorkID: p.WorkID, Op: p.Op, Base: p.Base, Author: p.Author,
		Note: p.Note, Created: p.Created, State: p.State, Reviewer: p.Reviewer, Reason: p.Reason, Revision: p.Revision}
	if !p.Reviewed.IsZero() {
		j.Reviewed = &p.Reviewed
	}
	return j
}

// proposalDetail is one proposal with its work (null for a delete) and,
// while it waits, the work's current revision: a reviewer who sees it
// differ from base knows the work moved on and accepts "against" it.
type proposalDetail struct {
	proposalJSON
	Current *int          `json:"current_revision,omitempty"`
	Work    *catalog.Work `json:"work"`
}

type proposalResponse struct {
	Proposal proposalDetail `json:"proposal"`
}

func proposalURL(id int64) string { return "/api/v1/proposals/" + strconv.FormatInt(id, 10) }

// noteRequired is the problem with a missing edit note, as s.save words it.
const noteRequired = "is required: say what you changed and why"

func (s *Server) apiCreateWork(c *gin.Context) error {
	w, note, err := s.readWrite(c, "")
	if err != nil {
		return err
	}
	sv, err := s.save(c, w.ID, w, catalog.BaseNone, note)
	if err != nil {
		return err
	}
	if sv.Proposal != nil {
		return s.proposed(c, sv.Proposal)
	}
	c.Header("Location", workURL(w.ID))
	c.Header("ETag", etag(sv.Revision.Number))
	c.JSON(http.StatusCreated, newWorkResponse(s.cb, sv.Revision))
	return nil
}

func (s *Server) apiUpdateWork(c *gin.Context) error {
	id := c.Param("id")
	base, err := ifMatch(c, id)
	if err != nil {
		return err
	}
	w, note, err := s.readWrite(c, id)
	if err != nil {
		return err
	}
	sv, err := s.save(c, id, w, base, note)
	if err != nil {
		return err
	}
	if sv.Proposal != nil {
		return s.proposed(c, sv.Proposal)
	}
	c.Header("ETag", etag(sv.Revision.Number))
	c.JSON(http.StatusOK, newWorkResponse(s.cb, sv.Revision))
	return nil
}

// deleteResponse answers a curator's DELETE.
type deleteResponse struct {
	Revision int  `json:"revision"`
	Deleted  bool `json:"deleted"`
}

func (s *Server) apiDeleteWork(c *gin.Context) error {
	id := c.Param("id")
	base, err := ifMatch(c, id)
	if err != nil {
		return err
	}
	// The note comes in the query (DELETE bodies are dropped by some
	// clients and proxies) or in a JSON body.
	note := c.Query("note")
	if strings.TrimSpace(note) == "" {
		var body struct {
			Note string `json:"note"`
		}
		if _, err := readJSON(c, &body); err != nil {
			return err
		}
		note = body.Note
	}
	sv, err := s.save(c, id, nil, base, note)
	if err != nil {
		return err
	}
	if sv.Proposal != nil {
		return s.proposed(c, sv.Proposal)
	}
	c.JSON(http.StatusOK, deleteResponse{Revision: sv.Revision.Number, Deleted: true})
	return nil
}

// proposed answers a contributor's write: 202 Accepted, pointing at the
// proposal that waits for review.
func (s *Server) proposed(c *gin.Context, p *catalog.Proposal) error {
	c.Header("Location", proposalURL(p.ID))
	c.JSON(http.StatusAccepted, proposalResponse{Proposal: proposalDetail{proposalJSON: newProposalJSON(*p), Work: p.Work}})
	return nil
}

// readWrite reads a create's or an update's body: the work, parsed and
// validated as an import line is, and the note. Every problem is reported
// at once, keyed by its path in the body ("work.title", "note"). For an
// update, pathID is the id in the URL, which the work must keep.
func (s *Server) readWrite(c *gin.Context, pathID string) (*catalog.Work, string, error) {
	var body writeRequest
	if _, err := readJSON(c, &body); err != nil {
		return nil, "", err
	}
	problems := map[string]string{}
	var w *catalog.Work
	raw := bytes.TrimSpace(body.Work)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		problems["work"] = "is required: the work in import format v1"
	} else {
		var err error
		w, err = catalog.ParseWork(raw, s.cb)
		if err == nil {
			err = s.cb.CheckEvidence(w) // as s.save would, but reported with the rest
		}
		var ve *catalog.ValidationError
		switch {
		case errors.As(err, &ve):
			for f, msg := range ve.Fields {
				problems["work."+f] = msg
			}
		case err != nil:
			return nil, "", err
		}
		if pathID != "" {
			var ided struct {
				ID string `json:"id"`
			}
			if json.Unmarshal(raw, &ided) == nil && ided.ID != pathID {
				problems["work.id"] = fmt.Sprintf("must be %q, the id in the URL: an id cannot be changed", pathID)
			}
		}
	}
	if strings.TrimSpace(body.Note) == "" {
		problems["note"] = noteRequired
	}
	if len(problems) > 0 {
		return nil, "", &catalog.ValidationError{Fields: problems}
	}
	return w, body.Note, nil
}

// ifMatch returns the revision an update or delete was made against, from
// If-Match: "<revision>". It is required, so that no one overwrites a
// change they have not seen.
func ifMatch(c *gin.Context, id string) (int, error) {
	h := c.GetHeader("If-Match")
	if strings.TrimSpace(h) == "" {
		return 0, &httpError{status: http.StatusPreconditionRequired, code: "precondition_required",
			msg: c.Request.Method + ` needs If-Match: "<revision>", the revision your change is based on (the ETag of GET ` + workURL(id) + ")"}
	}
	n, ok := parseETag(h)
	if !ok {
		return 0, &httpError{status: http.StatusBadRequest, code: "bad_request",
			msg: fmt.Sprintf(`If-Match must be one revision number in quotes, such as "3"; got %s`, h)}
	}
	return n, nil
}

// readJSON decodes a JSON body into v, refusing unknown fields and
// trailing data. An empty body leaves v as it is and reports false.
func readJSON(c *gin.Context, v any) (bool, error) {
	if c.Request.Body == nil {
		return false, nil
	}
	data, err := io.ReadAll(c.Request.Body)
	if err != nil {
		return false, err // too large: a 413
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return false, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err = dec.Decode(v)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			err = errors.New("data after the JSON object")
		}
	}
	if err == nil {
		return true, nil
	}
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field != "":
		// These bodies' own fields are strings and whole numbers; the
		// work inside is checked by catalog.ParseWork.
		want := "a whole number"
		if typeErr.Type.Kind() == reflect.String {
			want = "a string"
		}
		return true, &catalog.ValidationError{Fields: map[string]string{typeErr.Field: "must be " + want + ", got " + typeErr.Value}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return true, &catalog.ValidationError{Fields: map[string]string{field: "unknown field"}}
	}
	return true, &httpError{status: http.StatusBadRequest, code: "bad_request", msg: "the body is not one JSON object: " + err.Error()}
}

func (s *Server) apiRevisions(c *gin.Context) error {
	id := c.Param("id")
	revs, err := s.store.Revisions(c.Request.Context(), id)
	if err != nil {
		return err
	}
	out := revisionsResponse{ID: id, Revisions: make([]revisionJSON, len(revs))}
	for i, r := range revs {
		out.Revisions[i] = newRevisionJSON(r)
	}
	c.JSON(http.StatusOK, out)
	return nil
}

func (s *Server) apiRevision(c *gin.Context) error {
	id := c.Param("id")
	n, err := strconv.Atoi(c.Param("n"))
	if err != nil || n < 1 {
		return &httpError{status: http.StatusBadRequest, code: "bad_request",
			msg: fmt.Sprintf("revision %q: a revision is a number from 1", c.Param("n"))}
	}
	r, err := s.store.Revision(c.Request.Context(), id, n)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, revisionResponse{ID: id, revisionJSON: newRevisionJSON(r), Work: r.Work})
	return nil
}

// proposalStates are the values ?state= takes.
var proposalStates = []catalog.ProposalState{catalog.ProposalPending, catalog.ProposalAccepted, catalog.ProposalRejected}

func (s *Server) apiProposals(c *gin.Context) error {
	f := catalog.ProposalFilter{State: catalog.ProposalState(c.Query("state")), WorkID: c.Query("work"), Author: c.Query("author")}
	if f.State != "" && !isProposalState(f.State) {
		return &httpError{status: http.StatusBadRequest, code: "bad_parameter", msg: "bad parameter: state",
			fields: map[string]string{"state": "must be pending, accepted or rejected"}}
	}
	if u := viewer(c); !u.Role.AtLeast(catalog.RoleCurator) {
		f.Author = u.Name // a contributor sees their own
	}
	ps, err := s.store.Proposals(c.Request.Context(), f)
	if err != nil {
		return err
	}
	out := struct {
		Proposals []proposalJSON `json:"proposals"`
	}{Proposals: make([]proposalJSON, len(ps))}
	for i, p := range ps {
		out.Proposals[i] = newProposalJSON(p)
	}
	c.JSON(http.StatusOK, out)
	return nil
}

func isProposalState(s catalog.ProposalState) bool {
	for _, x := range proposalStates {
		if s == x {
			return true
		}
	}
	return false
}

func (s *Server) apiGetProposal(c *gin.Context) error {
	ctx := c.Request.Context()
	p, err := s.visibleProposal(c)
	if err != nil {
		return err
	}
	d := proposalDetail{proposalJSON: newProposalJSON(p), Work: p.Work}
	if p.State == catalog.ProposalPending {
		cur := 0
		rev, err := s.store.Get(ctx, p.WorkID)
		switch {
		case err == nil:
			cur = rev.Number
		case !errors.Is(err, catalog.ErrNotFound):
			return err
		}
		d.Current = &cur
	}
	c.JSON(http.StatusOK, proposalResponse{Proposal: d})
	return nil
}

// visibleProposal returns the proposal of the URL if the viewer may see
// it: a curator sees every proposal, a contributor their own. Someone
// else's is "not found", word for word as a missing one, so that ids do
// not tell what others proposed.
func (s *Server) visibleProposal(c *gin.Context) (catalog.Proposal, error) {
	id, err := proposalID(c)
	if err != nil {
		return catalog.Proposal{}, err
	}
	p, err := s.store.Proposal(c.Request.Context(), id)
	if err != nil {
		return p, err
	}
	if u := viewer(c); !u.Role.AtLeast(catalog.RoleCurator) && p.Author != u.Name {
		return catalog.Proposal{}, fmt.Errorf("proposal %d: %w", id, catalog.ErrNotFound)
	}
	return p, nil
}

func proposalID(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("pid"), 10, 64)
	if err != nil || id < 1 {
		return 0, &httpError{status: http.StatusBadRequest, code: "bad_request",
			msg: fmt.Sprintf("proposal %q: a proposal id is a number from 1", c.Param("pid"))}
	}
	return id, nil
}

// acceptResponse answers an accept: the proposal, and the revision it
// became.
type acceptResponse struct {
	Proposal proposalJSON `json:"proposal"`
	Revision revisionJSON `json:"revision"`
}

func (s *Server) apiAcceptProposal(c *gin.Context) error {
	id, err := proposalID(c)
	if err != nil {
		return err
	}
	var body struct {
		// Against is the revision the reviewer compared the proposal with;
		// 0 is the proposal's own base.
		Against int `json:"against"`
	}
	if _, err := readJSON(c, &body); err != nil {
		return err
	}
	if body.Against < 0 {
		return &catalog.ValidationError{Fields: map[string]string{"against": "must be a revision number, or 0 for the proposal's own base"}}
	}
	p, rev, err := catalog.AcceptProposal(c.Request.Context(), s.store, id, viewer(c).Name, body.Against, s.now())
	var stale *catalog.StaleError
	if errors.As(err, &stale) {
		return &httpError{status: http.StatusPreconditionFailed, code: "stale", msg: fmt.Sprintf(
			`proposal %d was reviewed against revision %d of %q, which is now at revision %d: compare it with revision %d, then accept with {"against": %d}, or reject it`,
			id, stale.Base, stale.WorkID, stale.Current, stale.Current, stale.Current)}
	}
	if err != nil {
		return err
	}
	s.afterWrite(c)
	c.JSON(http.StatusOK, acceptResponse{Proposal: newProposalJSON(p), Revision: newRevisionJSON(rev)})
	return nil
}

func (s *Server) apiRejectProposal(c *gin.Context) error {
	id, err := proposalID(c)
	if err != nil {
		return err
	}
	var body struct {
		Reason string `json:"reason"`
	}
	if _, err := readJSON(c, &body); err != nil {
		return err
	}
	p, err := catalog.RejectProposal(c.Request.Context(), s.store, id, viewer(c).Name, strings.TrimSpace(body.Reason), s.now())
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, struct {
		Proposal proposalJSON `json:"proposal"`
	}{newProposalJSON(p)})
	return nil
}
