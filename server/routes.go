package server

import (
	"net/http"

	"github.com/gin-gonic/gin"
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
	// komoru is served directly or behind a proxy that the operator
	// configures; until then no client-supplied forwarding header is trusted.
	_ = r.SetTrustedProxies(nil)
	r.Use(s.requestID, s.accessLog, s.recoverPanic, securityHeaders)

	r.GET("/healthz", s.handle(s.health))

	api := r.Group("/api/v1")
	api.GET("/search", s.handle(s.apiSearch))
	api.GET("/codebook", s.handle(s.apiCodebook))
	api.GET("/works/:id", s.handle(s.apiGetWork))

	r.GET("/", s.handle(s.pageSearch))
	r.GET("/works/:id", s.handle(s.pageWork))
	r.GET("/codebook", s.handle(s.pageCodebook))
	r.GET("/stats", s.handle(s.pageStats))
	r.GET("/stats/:file", s.handle(s.statsFile))
	r.POST("/prefs", s.handle(s.prefs))
	r.GET("/static/*path", s.static.serve)
	r.GET("/favicon.ico", s.static.favicon)

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
