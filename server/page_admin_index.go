package server

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/komoru/komoru/indexer"
)

// Rebuilder rebuilds the search index beside the old one, which answers
// until the swap, as SIGHUP does. cmd/komoru's index follower is one.
type Rebuilder interface {
	// RequestRebuild asks for a rebuild and returns at once: false if one
	// was already asked for and has not started yet.
	RequestRebuild() bool
}

// adminIndexPage is /admin/index: the search index's state and a button
// to rebuild it.
type adminIndexPage struct {
	layout
	Works      int    // in the catalog
	State      string // "ok", "starting", "degraded" or "unavailable"
	Message    string // why, when the state is not ok
	CanRebuild bool
	Requested  bool // a rebuild was just asked for
	Pending    bool // one was asked for already
}

func (s *Server) pageAdminIndex(c *gin.Context) error {
	ctx := c.Request.Context()
	n, err := s.store.Count(ctx)
	if err != nil {
		return err
	}
	p := adminIndexPage{layout: s.layout(c, "Search index"), Works: n, State: "ok", CanRebuild: s.rebuild != nil}
	switch c.Query("rebuild") {
	case "requested":
		p.Requested = true
	case "pending":
		p.Pending = true
	}
	if h := s.indexHealth(); h.State != indexer.HealthOK {
		p.State, p.Message = h.State, sentence(h.Err.Error())
	}
	noStore(c)
	s.render(c, http.StatusOK, "admin_index", p)
	return nil
}

// postAdminRebuild asks for a rebuild of the search index and goes back
// to the index page, which says so.
func (s *Server) postAdminRebuild(c *gin.Context) error {
	if s.rebuild == nil {
		return &httpError{status: http.StatusServiceUnavailable, code: "unavailable",
			msg: "This server cannot rebuild its search index: it has none, or it is not run by komoru serve."}
	}
	if !s.rebuild.RequestRebuild() {
		c.Redirect(http.StatusSeeOther, "/admin/index?rebuild=pending")
		return nil
	}
	s.log.Info("search index rebuild requested", "by", viewer(c).Name)
	c.Redirect(http.StatusSeeOther, "/admin/index?rebuild=requested")
	return nil
}
