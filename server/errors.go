package server

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/indexer"
)

// apiError is the error body of every API response:
// {"error": {"code": "...", "message": "...", "fields": {...}}}.
type apiError struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
	// retryAfter, in whole seconds, is the Retry-After header a client
	// turned away for now is sent; 0 for none.
	retryAfter int
}

// httpError is an error a handler raises with its own status, such as a bad
// parameter.
type httpError struct {
	status int
	code   string
	msg    string
	fields map[string]string
}

func (e *httpError) Error() string { return e.msg }

func errNotFound(msg string) error {
	return &httpError{status: http.StatusNotFound, code: "not_found", msg: msg}
}

// errNotYet answers a route whose handler is still being written.
var errNotYet = &httpError{status: http.StatusNotImplemented, code: "not_implemented", msg: "not yet"}

// statusClientClosed is what nginx logs for a client that went away.
const statusClientClosed = 499

// sentinels maps the domain's errors to statuses: the one table.
var sentinels = []struct {
	err    error
	status int
	code   string
}{
	{catalog.ErrNotFound, http.StatusNotFound, "not_found"},
	{catalog.ErrConflict, http.StatusConflict, "conflict"},
	{catalog.ErrBadCredentials, http.StatusUnauthorized, "unauthorized"},
	{catalog.ErrForbidden, http.StatusForbidden, "forbidden"},
	{context.Canceled, statusClientClosed, "canceled"},
	{context.DeadlineExceeded, http.StatusServiceUnavailable, "timeout"},
	{indexer.ErrDamaged, http.StatusServiceUnavailable, "damaged"},
}

// buildingRetryAfter is how many seconds a client is asked to wait while
// the search index is built: a build of 100,000 works takes about a
// minute, and a page that reloads itself need not hammer the server.
const buildingRetryAfter = 5

// seconds rounds d up to whole seconds, as Retry-After counts.
func seconds(d time.Duration) int { return int(math.Ceil(d.Seconds())) }

// toStatus returns the status and the safe body for err. Internal errors'
// text is logged, never shown.
func toStatus(err error) (int, apiError) {
	var (
		he    *httpError
		ve    *catalog.ValidationError
		stale *catalog.StaleError
		thr   *catalog.ThrottledError
		big   *http.MaxBytesError
		bld   *indexer.BuildingError
		later *retryLater
	)
	switch {
	case errors.As(err, &later):
		return later.status, apiError{Code: later.code, Message: later.msg, retryAfter: seconds(later.after)}
	case errors.As(err, &he):
		return he.status, apiError{Code: he.code, Message: he.msg, Fields: he.fields}
	case errors.As(err, &ve):
		return http.StatusUnprocessableEntity, apiError{Code: "invalid", Message: "the input is not valid", Fields: ve.Fields}
	case errors.As(err, &stale):
		return http.StatusPreconditionFailed, apiError{Code: "stale", Message: stale.Error() + "; reload it and apply your change again"}
	case errors.As(err, &thr):
		return http.StatusTooManyRequests, apiError{Code: "throttled", Message: thr.Error(), retryAfter: seconds(thr.RetryAfter)}
	case errors.As(err, &bld):
		return http.StatusServiceUnavailable, apiError{Code: "starting", Message: bld.Error() + "; try again in a moment",
			retryAfter: buildingRetryAfter}
	case errors.As(err, &big):
		return http.StatusRequestEntityTooLarge, apiError{Code: "too_large", Message: fmt.Sprintf("the body is larger than %d bytes", big.Limit)}
	}
	for _, s := range sentinels {
		if errors.Is(err, s.err) {
			return s.status, apiError{Code: s.code, Message: err.Error()}
		}
	}
	return http.StatusInternalServerError, apiError{Code: "internal", Message: "internal error; it has been logged"}
}

// writeError writes err as JSON for the API and as an error page elsewhere.
func (s *Server) writeError(c *gin.Context, err error) {
	status, body := toStatus(err)
	if status == http.StatusInternalServerError {
		// The request id finds the logged error; its text stays there.
		body.Message += " (request " + c.GetString("request_id") + ")"
	}
	if body.retryAfter > 0 {
		c.Header("Retry-After", strconv.Itoa(body.retryAfter))
	}
	if status == statusClientClosed {
		c.Status(status) // nobody is listening
		return
	}
	if wantsJSON(c) {
		c.JSON(status, gin.H{"error": body})
		return
	}
	page := errorPage{layout: s.layout(c, http.StatusText(status)), Status: status, Message: body.Message}
	if status == http.StatusNotFound {
		page.Title = "Not found"
	}
	s.render(c, status, "error", page)
}

// MaxQuery is the not-found page's search box's maxlength, as the search
// page's.
func (errorPage) MaxQuery() int { return maxQueryChars }

func wantsJSON(c *gin.Context) bool {
	p := c.Request.URL.Path
	return strings.HasPrefix(p, "/api/") || p == "/healthz"
}
