package server

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/komoru/komoru/catalog"
)

func init() {
	// Gin's debug mode prints every route to stdout at start; komoru logs
	// through slog instead.
	gin.SetMode(gin.ReleaseMode)
}

// routes is the route table of the whole site, top to bottom.
func (s *Server) routes() http.Handler {
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.RedirectTrailingSlash = true
	// komoru is served directly, or behind the proxies the operator names
	// (--trusted-proxy); no one else's forwarding header is trusted.
	_ = r.SetTrustedProxies(s.trusted)
	r.Use(s.requestID, s.accessLog, s.recoverPanic, s.crossOrigin, s.limitBody, s.authenticate, s.conditional)
	var (
		contributor = s.requireRole(catalog.RoleContributor)
		curator     = s.requireRole(catalog.RoleCurator)
		admin       = s.requireRole(catalog.RoleAdmin)
	)

	r.GET("/healthz", s.handle(s.health))
	r.GET("/metrics", s.serveMetrics)

	api := r.Group("/api/v1")
	api.GET("/openapi.json", s.serveOpenAPI)
	api.GET("/search", s.handle(s.apiSearch))
	api.GET("/export", s.handle(s.apiExport))
	api.GET("/codebook", s.handle(s.apiCodebook))
	api.GET("/works/:id", s.handle(s.apiGetWork))
	api.GET("/works/:id/revisions", s.handle(s.apiRevisions))
	api.GET("/works/:id/revisions/:n", s.handle(s.apiRevision))
	// Writes: a curator's is a revision, a contributor's a proposal (202).
	api.POST("/works", contributor, s.handle(s.apiCreateWork))
	api.PUT("/works/:id", contributor, s.handle(s.apiUpdateWork))
	api.DELETE("/works/:id", contributor, s.handle(s.apiDeleteWork))
	api.GET("/proposals", contributor, s.handle(s.apiProposals))
	api.GET("/proposals/:pid", contributor, s.handle(s.apiGetProposal))
	api.POST("/proposals/:pid/accept", curator, s.handle(s.apiAcceptProposal))
	api.POST("/proposals/:pid/reject", curator, s.handle(s.apiRejectProposal))

	r.GET("/", s.handle(s.pageSearch))
	r.GET("/works/:id", s.handle(s.pageWork))
	r.GET("/codebook", s.handle(s.pageCodebook))
	r.GET("/stats", s.handle(s.pageStats))
	r.GET("/stats/crosstab", s.handle(s.pageCrosstab))
	r.GET("/stats/crosstab.csv", s.handle(s.crosstabCSV))
	r.GET("/stats/:file", s.handle(s.statsFile))
	r.GET("/cite", s.handle(s.pageCite))
	r.GET("/cite/CITATION.cff", s.handle(s.citeCFF))
	r.POST("/prefs", s.handle(s.prefs))
	r.GET("/static/*path", s.static.serve)
	r.GET("/favicon.ico", s.static.favicon)

	// Accounts.
	r.GET("/login", s.handle(s.pageLogin))
	r.POST("/login", s.handle(s.postLogin))
	r.POST("/logout", s.handle(s.postLogout))
	r.GET("/invite/:token", s.handle(s.pageInvite))
	r.POST("/invite/:token", s.handle(s.postInvite))
	r.GET("/account", contributor, s.handle(s.pageAccount))
	r.POST("/account/password", contributor, s.handle(s.postPassword))
	r.POST("/account/tokens", contributor, s.handle(s.postToken))
	r.POST("/account/tokens/:tid/revoke", contributor, s.handle(s.postRevokeToken))
	r.GET("/admin/users", admin, s.handle(s.pageAdminUsers))
	r.POST("/admin/users", admin, s.handle(s.postAdminAddUser))
	r.POST("/admin/users/:name", admin, s.handle(s.postAdminUser))
	r.GET("/admin/index", admin, s.handle(s.pageAdminIndex))
	r.POST("/admin/index/rebuild", admin, s.handle(s.postAdminRebuild))

	// Editing: contributors' saves become proposals, curators' revisions.
	r.GET("/works/new", contributor, s.handle(s.pageNewWork))
	r.POST("/works/new", contributor, s.handle(s.postNewWork))
	r.GET("/works/:id/edit", contributor, s.handle(s.pageEditWork))
	r.POST("/works/:id/edit", contributor, s.handle(s.postEditWork))
	r.POST("/works/:id/delete", contributor, s.handle(s.postDeleteWork))

	// History and review.
	r.GET("/works/:id/history", s.handle(s.pageHistory))
	r.POST("/works/:id/restore", curator, s.handle(s.postRestore))
	r.GET("/changes", s.handle(s.pageChanges))
	r.GET("/changes.atom", s.handle(s.changesFeed))
	r.GET("/review", curator, s.handle(s.pageReview))
	r.GET("/review/:pid", contributor, s.handle(s.pageProposal))
	r.POST("/review/:pid/accept", curator, s.handle(s.postAccept))
	r.POST("/review/:pid/reject", curator, s.handle(s.postReject))

	// Coding rounds: coders code works blind, curators adjudicate.
	r.GET("/rounds", contributor, s.handle(s.pageRounds))
	r.POST("/rounds", curator, s.handle(s.postRound))
	r.GET("/rounds/:id", contributor, s.handle(s.pageRound))
	r.POST("/rounds/:id/close", curator, s.handle(s.postCloseRound))
	r.GET("/rounds/:id/works/:work", curator, s.handle(s.pageAdjudicate))
	r.POST("/rounds/:id/works/:work", curator, s.handle(s.postAdjudicate))
	r.GET("/coding", contributor, s.handle(s.pageCoding))
	r.GET("/coding/:round/:work", contributor, s.handle(s.pageUnit))
	r.POST("/coding/:round/:work", contributor, s.handle(s.postUnit))

	// Coding rounds' figures: public once a round is closed, for curators
	// while it is open (roundAgreement).
	api.GET("/rounds", s.handle(s.apiRounds))
	api.GET("/rounds/:id/agreement", s.handle(s.apiRoundAgreement))
	r.GET("/rounds/:id/agreement", s.handle(s.pageAgreement))
	r.GET("/rounds/:id/reliability/:file", s.handle(s.reliabilityCSV))

	r.NoRoute(s.handle(func(c *gin.Context) error {
		return errNotFound("no page at " + c.Request.URL.Path)
	}))
	r.NoMethod(s.handle(func(c *gin.Context) error {
		return &httpError{status: http.StatusMethodNotAllowed, code: "method_not_allowed",
			msg: c.Request.Method + " is not allowed on " + c.Request.URL.Path}
	}))
	return r
}

// handle adapts a handler that returns an error to Gin: the error is
// recorded for the access log and written as the response.
func (s *Server) handle(h func(*gin.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := h(c); err != nil {
			_ = c.Error(err)
			s.writeError(c, err)
		}
	}
}
