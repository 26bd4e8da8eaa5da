package server

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"time"

	"github.com/gin-gonic/gin"
)

var requestIDRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// requestID keeps a sane X-Request-ID from the client or a proxy, or makes
// one, and echoes it, so a user's report can be matched to the log line.
func (s *Server) requestID(c *gin.Context) {
	id := c.GetHeader("X-Request-ID")
	if !requestIDRE.MatchString(id) {
		var b [8]byte
		_, _ = rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	}
	c.Set("request_id", id)
	c.Header("X-Request-ID", id)
	c.Next()
}

// accessLog writes one line per request, with the error if there was one:
// the only place requests are logged.
func (s *Server) accessLog(c *gin.Context) {
	start := time.Now()
	path := c.Request.URL.Path // before a handler rewrites it
	c.Next()
	status := c.Writer.Status()
	attrs := []slog.Attr{
		slog.String("request_id", c.GetString("request_id")),
		slog.String("method", c.Request.Method),
		slog.String("path", path),
		slog.String("route", c.FullPath()),
		slog.Int("status", status),
		slog.Float64("dur_ms", float64(time.Since(start).Microseconds())/1000),
	}
	level := slog.LevelInfo
	if err := c.Errors.Last(); err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
		if status >= 500 {
			level = slog.LevelError
		}
	}
	s.log.LogAttrs(c.Request.Context(), level, "request", attrs...)
}

// recoverPanic turns a handler's panic into a 500 and a logged error
// instead of a dropped connection.
func (s *Server) recoverPanic(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			err := fmt.Errorf("panic: %v", v)
			_ = c.Error(err)
			if !c.Writer.Written() {
				s.writeError(c, err)
			}
			c.Abort()
		}
	}()
	c.Next()
}

// securityHeaders sets the headers every response carries.
func securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
	c.Next()
}

// maxBody bounds a request body: a work's JSON is a few kilobytes, an
// edit form a little more.
const maxBody = 1 << 20

// limitBody refuses bodies over maxBody: reading past it fails with an
// *http.MaxBytesError, which is a 413.
func limitBody(c *gin.Context) {
	if c.Request.Body != nil {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxBody)
	}
	c.Next()
}
