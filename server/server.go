// Package server is komoru's HTTP face: the JSON API under /api/v1 and the
// server-rendered pages, on Gin. Handlers are thin: they return errors, and
// writeError turns each into a status and a body in one place.
package server

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/password"
	"github.com/komoru/komoru/indexer"
)

// Searcher answers search queries. *indexer.Index implements it.
type Searcher interface {
	Search(ctx context.Context, q indexer.Query) (*indexer.Result, error)
}

// Indexer makes the catalog's latest changes searchable now, rather than
// at the next poll: the server calls it after each write it makes, so a
// save is searchable when its response arrives. *indexer.Index is one.
type Indexer interface {
	CatchUp(ctx context.Context) (int, error)
}

// Config is everything a Server needs; cmd/komoru fills it from flags.
type Config struct {
	// Store is the catalog: everything the server reads and writes goes
	// through the store contract. *sqlite.Store is one; the server does
	// not import the driver.
	Store    catalog.Store
	Codebook *catalog.Codebook
	// Search answers /api/v1/search; nil makes search unavailable (503).
	Search Searcher
	// SearchLimits bound every search a request makes: time, turns, queue.
	SearchLimits SearchLimits
	// Index, if set, is caught up after every write.
	Index Indexer
	// Rebuild, if set, rebuilds the search index when an admin asks
	// (/admin/index).
	Rebuild Rebuilder
	// TrustedProxies are the addresses or CIDR prefixes of reverse proxies
	// in front of komoru: their X-Forwarded-For names the client (for
	// sign-in throttling), and requests through them get Secure cookies.
	TrustedProxies []string
	// Password is the argon2id cost of new password hashes; zero means
	// password.Default. Tests lower it.
	Password password.Params
	// Now is the clock of sessions, tokens and revisions; nil is time.Now.
	Now func() time.Time
	// Assets holds templates/ and static/: web.FS, or os.DirFS("web") to
	// edit templates without rebuilding.
	Assets fs.FS
	// Logger receives one line per request; nil discards.
	Logger *slog.Logger
	// PublicURL is the site's address as people reach it, such as
	// https://komoru.example: absolute links (citations, og:url, JSON-LD,
	// feeds, invite links) use it, never a request's Host. Empty means
	// http://localhost:8080.
	PublicURL string
	// Harvest, if set, lets curators fill the new-work form from a web
	// page (/works/new?from=URL); nil leaves the form to be typed.
	Harvest Harvester
	// MaxAPIBody bounds the body of an API request, in bytes; zero means
	// 1 MiB. Forms of the site are bounded to 64 KiB.
	MaxAPIBody int64
}

// Server serves the API and the pages.
type Server struct {
	store   catalog.Store
	search  Searcher
	index   Indexer
	rebuild Rebuilder
	harvest Harvester
	now     func() time.Time
	pwp     password.Params
	proxies []netip.Prefix
	csrf    *http.CrossOriginProtection
	cb      *catalog.Codebook
	log     *slog.Logger
	pages   map[string]*template.Template
	static  *staticFiles
	handler http.Handler

	searches *searchGate // Config.SearchLimits, for every search of a request
	metrics  *metrics

	trusted []string // as configured, for Gin's client-address rules

	maxAPIBody int64
	publicURL  string // no trailing slash

	statsCache statsCache
	chartStyle string // the standalone chart SVG's style sheet (chartStyle)

	// closedFigures caches closed rounds' figures by round id (a
	// *roundFigures): a closed round's codings are frozen, so its figures
	// never change, and the bootstrap of a large round is worth not
	// redoing per request. Open rounds are measured afresh each time.
	closedFigures sync.Map
	// adjudications is the latest adjudication of each work, as of a
	// change sequence (adjudicationIndex).
	adjudications atomic.Pointer[adjudications]

	openapi     []byte       // GET /api/v1/openapi.json
	changeClock *changeClock // Last-Modified of cached answers (conditional)
}

// New checks the config, parses every template and builds the route table.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil || cfg.Codebook == nil || cfg.Assets == nil {
		return nil, errors.New("server: Config needs Store, Codebook and Assets")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Password == (password.Params{}) {
		cfg.Password = password.Default
	}
	if cfg.MaxAPIBody <= 0 {
		cfg.MaxAPIBody = defaultMaxAPIBody
	}
	if cfg.PublicURL == "" {
		cfg.PublicURL = "http://localhost:8080"
	}
	if u, err := url.Parse(cfg.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("server: the public URL must be http or https with a host and no path, such as https://komoru.example, got %q", cfg.PublicURL)
	}
	s := &Server{store: cfg.Store, search: cfg.Search, index: cfg.Index, rebuild: cfg.Rebuild, harvest: cfg.Harvest, cb: cfg.Codebook, log: cfg.Logger,
		now: cfg.Now, pwp: cfg.Password, csrf: http.NewCrossOriginProtection(), trusted: cfg.TrustedProxies,
		maxAPIBody: cfg.MaxAPIBody, publicURL: strings.TrimSuffix(cfg.PublicURL, "/")}
	var err error
	if s.proxies, err = parseProxies(cfg.TrustedProxies); err != nil {
		return nil, err
	}
	if s.openapi, err = openAPIDocument(cfg.Codebook); err != nil {
		return nil, err
	}
	s.changeClock = newChangeClock(s.now())
	s.searches = newSearchGate(cfg.SearchLimits)
	s.metrics = newMetrics(s)
	if s.static, err = newStaticFiles(cfg.Assets); err != nil {
		return nil, err
	}
	if s.pages, err = parsePages(cfg.Assets, s.static); err != nil {
		return nil, err
	}
	if s.chartStyle, err = chartStyle(s.static.fsys); err != nil {
		return nil, err
	}
	// HEAD is answered as GET inside compression, which leaves HEAD
	// alone (gzhttp: nginx's bug with compressed HEAD answers).
	compressed, err := withCompression(headAsGet(s.routes()))
	if err != nil {
		return nil, err
	}
	s.handler = withSecurityHeaders(withReadCORS(compressed))
	return s, nil
}

// afterWrite makes a write searchable before its response is sent. A
// failure is only logged: the write is safe in the catalog, and the
// index's own polling will catch up.
func (s *Server) afterWrite(c *gin.Context) {
	if s.index == nil {
		return
	}
	if _, err := s.index.CatchUp(c.Request.Context()); err != nil {
		s.log.Warn("search index catch-up after a write", "error", err)
	}
}

// Handler returns the http.Handler that serves everything.
func (s *Server) Handler() http.Handler { return s.handler }
