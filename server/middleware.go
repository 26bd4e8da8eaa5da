package server

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"regexp"
	"runtime/debug"
	"strings"
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
// the only place requests are logged, and counted (metrics).
func (s *Server) accessLog(c *gin.Context) {
	start := time.Now()
	path := c.Request.URL.Path // before a handler rewrites it
	c.Next()
	s.metrics.observe(c, time.Since(start))
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
			// The stack goes to the log with the error (accessLog), never
			// to the client.
			err := fmt.Errorf("panic: %v\n%s", v, debug.Stack())
			_ = c.Error(err)
			if !c.Writer.Written() {
				s.writeError(c, err)
			}
			c.Abort()
		}
	}()
	c.Next()
}

// securityHeaders are the headers every response carries.
var securityHeaders = [][2]string{
	{"Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"},
	{"Referrer-Policy", "strict-origin-when-cross-origin"},
	{"X-Content-Type-Options", "nosniff"},
	{"X-Frame-Options", "DENY"},
}

// withSecurityHeaders sets securityHeaders outside Gin, so that the
// responses Gin writes before any middleware runs (its trailing-slash
// redirects) carry them too.
func withSecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for _, kv := range securityHeaders {
			h.Set(kv[0], kv[1])
		}
		next.ServeHTTP(w, r)
	})
}

// Body limits: an API write is one work's JSON, a few kilobytes (the
// operator may raise it: Config.MaxAPIBody); a form of the site, even the
// edit form of a large work, far less than maxFormBody.
const (
	defaultMaxAPIBody = 1 << 20
	maxFormBody       = 64 << 10
)

// errMultipart refuses multipart bodies: no form of the site sends one,
// and parsing one spills its files to disk.
var errMultipart = &httpError{status: http.StatusRequestEntityTooLarge, code: "too_large",
	msg: "multipart bodies are not accepted: send the form as application/x-www-form-urlencoded"}

// limitBody bounds request bodies, reading past the limit fails with an
// *http.MaxBytesError, which is a 413. A form is parsed here, so that a
// body past the limit is a 413 rather than a form read as empty.
func (s *Server) limitBody(c *gin.Context) {
	r := c.Request
	if r.Body == nil || r.Body == http.NoBody {
		c.Next()
		return
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		r.Body = http.MaxBytesReader(c.Writer, r.Body, s.maxAPIBody)
		c.Next()
		return
	}
	r.Body = http.MaxBytesReader(c.Writer, r.Body, maxFormBody)
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		s.writeError(c, errMultipart)
		c.Abort()
		return
	}
	if err := r.ParseForm(); err != nil {
		var big *http.MaxBytesError
		if !errors.As(err, &big) {
			err = &httpError{status: http.StatusBadRequest, code: "bad_request", msg: "the form could not be read: " + err.Error()}
		}
		s.writeError(c, err)
		c.Abort()
		return
	}
	c.Next()
}

// headAsGet answers HEAD as GET without the body (RFC 9110, 9.3.2), for
// every route: the route table names GET only.
func headAsGet(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		get := r.Clone(r.Context())
		get.Method = http.MethodGet
		next.ServeHTTP(headWriter{w}, get)
	})
}

// headWriter drops a response's body. It hides the writer's other
// methods (io.ReaderFrom, http.Flusher): a copy into it goes through Write.
type headWriter struct{ http.ResponseWriter }

func (headWriter) Write(b []byte) (int, error) { return len(b), nil }

// corsExposed are the response headers a script of another origin may
// read besides the safelisted ones.
const corsExposed = "ETag, Last-Modified, Retry-After, X-Request-ID, Location"

// withReadCORS opens the API's reads to scripts of every origin
// (notebooks, other sites): GET and HEAD under /api/v1/ carry
// Access-Control-Allow-Origin: *, and a preflight for one of them is
// answered without the handler. Writes never are: a preflight names GET
// and HEAD only, so a browser refuses another origin's PUT before it is
// sent, and pages stay same-origin. No credentials are allowed: with
// "*", a browser sends no cookie, and reading needs none.
func withReadCORS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/api/v1/") {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			h.Set("Access-Control-Allow-Origin", "*")
			h.Set("Access-Control-Expose-Headers", corsExposed)
		case http.MethodOptions:
			if r.Header.Get("Origin") == "" || r.Header.Get("Access-Control-Request-Method") == "" {
				break // not a preflight: the route table answers
			}
			h.Set("Access-Control-Allow-Origin", "*")
			h.Set("Access-Control-Allow-Methods", "GET, HEAD")
			h.Set("Access-Control-Allow-Headers", "If-None-Match, If-Modified-Since")
			h.Set("Access-Control-Max-Age", "86400")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}
