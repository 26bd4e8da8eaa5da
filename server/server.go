// Package server is komoru's HTTP face: the JSON API under /api/v1 and the
// server-rendered pages, on Gin. Handlers are thin: they return errors, and
// writeError turns each into a status and a body in one place.
package server

import (
	"context"
	"errors"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/indexer"
)

// WorkStore is what the server reads of the catalog. *sqlite.Store
// implements it; the server does not import the driver.
type WorkStore interface {
	Get(ctx context.Context, id string) (catalog.Revision, error)
	Count(ctx context.Context) (int, error)
}

// Searcher answers search queries. *indexer.Index implements it.
type Searcher interface {
	Search(ctx context.Context, q indexer.Query) (*indexer.Result, error)
}

// Config is everything a Server needs; cmd/komoru fills it from flags.
type Config struct {
	Store    WorkStore
	Codebook *catalog.Codebook
	// Search answers /api/v1/search; nil makes search unavailable (503).
	Search Searcher
	// Assets holds templates/ and static/: web.FS, or os.DirFS("web") to
	// edit templates without rebuilding.
	Assets fs.FS
	// Logger receives one line per request; nil discards.
	Logger *slog.Logger
}

// Server serves the API and the pages.
type Server struct {
	store   WorkStore
	search  Searcher
	cb      *catalog.Codebook
	log     *slog.Logger
	pages   map[string]*template.Template
	static  *staticFiles
	handler http.Handler

	statsCache statsCache
}

// New checks the config, parses every template and builds the route table.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil || cfg.Codebook == nil || cfg.Assets == nil {
		return nil, errors.New("server: Config needs Store, Codebook and Assets")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Server{store: cfg.Store, search: cfg.Search, cb: cfg.Codebook, log: cfg.Logger}
	var err error
	if s.static, err = newStaticFiles(cfg.Assets); err != nil {
		return nil, err
	}
	if s.pages, err = parsePages(cfg.Assets, s.static); err != nil {
		return nil, err
	}
	s.handler = s.routes()
	return s, nil
}

// Handler returns the http.Handler that serves everything.
func (s *Server) Handler() http.Handler { return s.handler }
