package server

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/agreement"
)

// roundListing is GET /api/v1/rounds: every coding round, newest first.
type roundListing struct {
	Rounds []roundSummary `json:"rounds"`
}

// roundSummary is one round of the listing, with each coder's progress.
type roundSummary struct {
	ID         string          `json:"id"`
	Name       string          `json:"name"`
	State      string          `json:"state"`
	Works      int             `json:"works"`
	Coders     []string        `json:"coders"`
	Dimensions []string        `json:"dimensions"`
	Created    time.Time       `json:"created"`
	Closed     *time.Time      `json:"closed,omitempty"`
	Progress   []coderProgress `json:"progress"`
}

// coderProgress is how far one coder is in a round: units submitted and
// drafts, of the round's works.
type coderProgress struct {
	Coder     string `json:"coder"`
	Submitted int    `json:"submitted"`
	Drafts    int    `json:"drafts"`
	Works     int    `json:"-"` // the round's, for "n / works submitted"
}

// progress counts each coder's units of a round.
func progress(r *catalog.Round, units []catalog.CodingUnit) []coderProgress {
	out := make([]coderProgress, len(r.Coders))
	for i, coder := range r.Coders {
		out[i] = coderProgress{Coder: coder, Works: len(r.Works)}
		for _, u := range units {
			switch {
			case u.Coder != coder || !r.HasWork(u.Work):
			case u.State == catalog.UnitSubmitted:
				out[i].Submitted++
			default:
				out[i].Drafts++
			}
		}
	}
	return out
}

func (s *Server) apiRounds(c *gin.Context) error {
	ctx := c.Request.Context()
	rounds, err := s.store.Rounds(ctx)
	if err != nil {
		return err
	}
	out := roundListing{Rounds: make([]roundSummary, 0, len(rounds))}
	for _, r := range rounds {
		units, err := s.store.Codings(ctx, r.ID)
		if err != nil {
			return err
		}
		rs := roundSummary{ID: r.ID, Name: r.Name, State: string(r.State), Works: len(r.Works), Coders: r.Coders,
			Dimensions: r.Dimensions, Created: r.Created, Progress: progress(&r, units)}
		if r.State == catalog.RoundClosed {
			closed := r.Closed
			rs.Closed = &closed
		}
		out.Rounds = append(out.Rounds, rs)
	}
	c.JSON(http.StatusOK, out)
	return nil
}

func (s *Server) apiRoundAgreement(c *gin.Context) error {
	a, err := s.roundAgreement(c, c.Param("id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, a.report)
	return nil
}

// roundFigures is a round's agreement, measured once.
type roundFigures struct {
	round  catalog.Round
	dims   []agreement.Dimension
	report agreement.Report
}

// figuresOptions are the figures' options: the defaults, so that the
// site, the API and `komoru agreement` give the same intervals.
var figuresOptions = agreement.Options{}

// roundAgreement measures a round, for a viewer who may see it
// (canSeeFigures): 404 for no such round, 403 for an open round and a
// viewer who is not a curator.
func (s *Server) roundAgreement(c *gin.Context, id string) (*roundFigures, error) {
	ctx := c.Request.Context()
	if f, ok := s.closedFigures.Load(id); ok {
		return f.(*roundFigures), nil
	}
	r, err := s.store.Round(ctx, id)
	if err != nil {
		return nil, err
	}
	if !canSeeFigures(&r, viewer(c)) {
		return nil, &httpError{status: http.StatusForbidden, code: "forbidden",
			msg: "round " + r.ID + " is open: until it closes, its figures are for curators, since its coincidence matrices would tell a coder the others' values"}
	}
	return s.measureRound(ctx, r)
}

// measureRound computes a round's figures, caching a closed round's.
func (s *Server) measureRound(ctx context.Context, r catalog.Round) (*roundFigures, error) {
	if f, ok := s.closedFigures.Load(r.ID); ok && r.State == catalog.RoundClosed {
		return f.(*roundFigures), nil
	}
	units, err := s.store.Codings(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	dims, err := agreement.ForRound(&r, units, s.cb, figuresOptions)
	if err != nil {
		return nil, err
	}
	f := &roundFigures{round: r, dims: dims, report: agreement.NewReport(&r, s.cb.Version, dims, figuresOptions)}
	if r.State == catalog.RoundClosed {
		s.closedFigures.Store(r.ID, f)
	}
	return f, nil
}

// canSeeFigures: a closed round's figures are public; an open round's
// are for curators, since its coincidence matrices and per-value alphas
// would tell a coder who has not submitted what the others chose.
func canSeeFigures(r *catalog.Round, u *catalog.User) bool {
	return r.State == catalog.RoundClosed || (u != nil && u.Role.AtLeast(catalog.RoleCurator))
}

// codingOrigin is how a work's coding was made, for its page.
type codingOrigin struct {
	Round, URL  string // the round it was adjudicated from; "" when coded by one curator
	Coders      int
	EditedSince bool // the work has changed since the adjudication
}

// adjudications is the latest adjudication of each work over every
// round, as of a catalog version: every adjudication writes a revision,
// which moves the catalog's sequence, so an index read at one sequence
// holds until the next write.
type adjudications struct {
	seq    int64
	rounds map[string]string // work → round id
	latest map[string]catalog.Adjudication
}

// codingOrigin says how a work's coding at revision rev was made.
func (s *Server) codingOrigin(ctx context.Context, work string, rev int) (*codingOrigin, error) {
	ix, err := s.adjudicationIndex(ctx)
	if err != nil {
		return nil, err
	}
	a, ok := ix.latest[work]
	if !ok {
		return &codingOrigin{}, nil
	}
	id := ix.rounds[work]
	return &codingOrigin{Round: id, URL: "/rounds/" + url.PathEscape(id), Coders: a.Coders, EditedSince: rev > a.Revision}, nil
}

// adjudicationIndex returns the adjudications as of the catalog's
// current sequence, reading the rounds again only when it has moved.
func (s *Server) adjudicationIndex(ctx context.Context) (*adjudications, error) {
	seq, err := s.store.LastSeq(ctx)
	if err != nil {
		return nil, err
	}
	if ix := s.adjudications.Load(); ix != nil && ix.seq == seq {
		return ix, nil
	}
	rounds, err := s.store.Rounds(ctx)
	if err != nil {
		return nil, err
	}
	ix := &adjudications{seq: seq, rounds: map[string]string{}, latest: map[string]catalog.Adjudication{}}
	for _, r := range rounds {
		for _, a := range r.Adjudications {
			if old, ok := ix.latest[a.Work]; !ok || a.Time.After(old.Time) || (a.Time.Equal(old.Time) && a.Revision > old.Revision) {
				ix.latest[a.Work], ix.rounds[a.Work] = a, r.ID
			}
		}
	}
	s.adjudications.Store(ix)
	return ix, nil
}
