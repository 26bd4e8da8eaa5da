package server

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// cachedRoutes are the GET routes whose answer is a function of the
// catalog (its change sequence, as the store and the index hold it), the
// URL and, for pages, the reader's preference cookies: they carry an
// ETag and a Last-Modified, and answer 304 Not Modified to a client whose
// copy is current. true marks a page: it varies by cookies (theme,
// spoilers, session). Forms, accounts, review and operators' routes are
// not here; a work's API answer has its own ETag, its revision, which
// If-Match sends back (apiGetWork). Nor is /codebook: it shows the
// alphas of closed coding rounds, and closing a round writes no revision.
var cachedRoutes = map[string]bool{
	"/api/v1/openapi.json":           false,
	"/api/v1/search":                 false,
	"/api/v1/export":                 false,
	"/api/v1/codebook":               false,
	"/api/v1/works/:id/revisions":    false,
	"/api/v1/works/:id/revisions/:n": false,
	"/":                              true,
	"/works/:id":                     true,
	"/works/:id/history":             true,
	"/stats":                         true,
	"/stats/crosstab":                true,
	"/stats/crosstab.csv":            true,
	"/stats/:file":                   true,
	"/cite":                          true,
	"/cite/CITATION.cff":             false,
	"/changes":                       true,
	"/changes.atom":                  true,
}

// sequencer is a search index that tells the catalog change it has
// reached (*indexer.Index, *indexer.Pending).
type sequencer interface{ Seq() int64 }

// catalogVersion is what a cached answer reflects: the store's latest
// change and the index's, which trails it by a poll.
type catalogVersion struct{ store, index int64 }

// changeClock keeps when this server first saw the catalog at its
// current version: the Last-Modified of cached answers. It starts at the
// server's start, so that an answer of an earlier run, made with other
// code, is never taken as current, and moves on by at least a second on
// each change, as HTTP dates count whole seconds.
type changeClock struct {
	mu   sync.Mutex
	seen catalogVersion
	at   time.Time
	boot string // tells this run's ETags from an earlier run's
}

func newChangeClock(now time.Time) *changeClock {
	return &changeClock{at: now.Truncate(time.Second).Add(-time.Second), seen: catalogVersion{-1, -1}, boot: strconv.FormatInt(now.UnixNano(), 36)}
}

// lastModified is when v was first seen.
func (cc *changeClock) lastModified(v catalogVersion, now time.Time) time.Time {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if v != cc.seen {
		cc.seen = v
		next := cc.at.Add(time.Second)
		if t := now.Truncate(time.Second); t.After(next) {
			next = t
		}
		cc.at = next
	}
	return cc.at
}

// version reads the catalog's version; the index's is 0 without one.
func (s *Server) version(c *gin.Context) (catalogVersion, error) {
	var v catalogVersion
	var err error
	if v.store, err = s.store.LastSeq(c.Request.Context()); err != nil {
		return v, err
	}
	if sq, ok := s.search.(sequencer); ok {
		v.index = sq.Seq()
	}
	return v, nil
}

// conditional gives the answers of cachedRoutes their validators and
// answers 304 without running the handler when the client's copy is
// current. A page for a signed-in reader is private and never 304: it
// shows their name and their proposals' state, which the catalog's
// version does not follow.
func (s *Server) conditional(c *gin.Context) {
	page, ok := cachedRoutes[c.FullPath()]
	if !ok || c.Request.Method != http.MethodGet {
		c.Next()
		return
	}
	h := c.Writer.Header()
	if page {
		h.Add("Vary", "Cookie")
		if _, signedIn := c.Get(ctxUser); signedIn {
			h.Set("Cache-Control", "private, no-cache")
			c.Next()
			return
		}
	}
	v, err := s.version(c)
	if err != nil {
		c.Next() // the handler meets the store's trouble and says so
		return
	}
	key := fmt.Sprintf("%s/%d/%d", s.changeClock.boot, v.store, v.index)
	if page {
		theme, _ := c.Cookie(themeCookie)
		spoilers, _ := c.Cookie(spoilersCookie)
		key += "/" + theme + "/" + spoilers
	}
	sum := sha256.Sum256([]byte(key))
	// Weak: the same answer compressed or not is equivalent, not
	// byte-identical.
	tag := `"` + hex.EncodeToString(sum[:9]) + `"`
	modified := s.changeClock.lastModified(v, s.now())
	h.Set("ETag", "W/"+tag)
	h.Set("Last-Modified", modified.UTC().Format(http.TimeFormat))
	h.Set("Cache-Control", "no-cache") // cache, but ask each time: the catalog may have changed
	if notModified(c.Request, tag, modified) {
		// A cache updates its copy's headers with a 304's (RFC 9111,
		// 4.3.4): the site-wide Content-Security-Policy would replace
		// the one a handler gave its answer (a chart's SVG allows its
		// inline style sheet), so the 304 carries none and the copy
		// keeps its own.
		h.Del("Content-Security-Policy")
		c.AbortWithStatus(http.StatusNotModified)
		return
	}
	c.Writer = validatedWriter{c.Writer}
	c.Next()
}

// notModified reports whether the client's copy, named by If-None-Match
// or else If-Modified-Since (RFC 9110, 13.2.2), is current.
func notModified(r *http.Request, tag string, modified time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		return noneMatch(inm, tag)
	}
	ims, err := http.ParseTime(r.Header.Get("If-Modified-Since"))
	return err == nil && !modified.After(ims)
}

// validatedWriter drops the validators from an answer that is not a
// success: an error is not the representation they name.
type validatedWriter struct{ gin.ResponseWriter }

func (w validatedWriter) WriteHeader(code int) {
	if code < 200 || code > 299 {
		h := w.Header()
		h.Del("ETag")
		h.Del("Last-Modified")
		h.Del("Cache-Control")
	}
	w.ResponseWriter.WriteHeader(code)
}
