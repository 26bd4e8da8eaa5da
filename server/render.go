package server

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/komoru/komoru/catalog"
)

// pageFiles lists each page and its template; parsePages checks that every
// file in templates/ belongs to one, so none is left untested.
var pageFiles = map[string]string{
	"search":   "search.tmpl",
	"work":     "work.tmpl",
	"codebook": "codebook.tmpl",
	"stats":    "stats.tmpl",
	"crosstab": "crosstab.tmpl",
	"error":    "error.tmpl",
	// Accounts.
	"login":       "login.tmpl",
	"invite":      "invite.tmpl",
	"account":     "account.tmpl",
	"admin_users": "admin_users.tmpl",
	"admin_index": "admin_index.tmpl",
	// Editing.
	"edit": "edit.tmpl",
	// History and review.
	"history":  "history.tmpl",
	"changes":  "changes.tmpl",
	"review":   "review.tmpl",
	"proposal": "proposal.tmpl",
	// Citing the catalog.
	"cite": "cite.tmpl",
	// Coding rounds.
	"rounds":      "rounds.tmpl",
	"round":       "round.tmpl",
	"coding":      "coding.tmpl",
	"coding_unit": "coding_unit.tmpl",
	"adjudicate":  "adjudicate.tmpl",
	"agreement":   "agreement.tmpl",
}

// layout is what base.tmpl needs of every page.
type layout struct {
	Title        string
	Path         string // the page's path and query, where the preference form returns to
	Section      string // "search", "codebook" or "stats": the navigation link marked current
	Theme        string // "light" or "dark" from the preference cookie; "" follows the system
	ShowSpoilers bool
	// User is the signed-in user; nil for a reader.
	User *catalog.User
}

// Curator reports whether the signed-in user may edit and review.
func (l layout) Curator() bool { return l.User != nil && l.User.Role.AtLeast(catalog.RoleCurator) }

// Admin reports whether the signed-in user manages accounts.
func (l layout) Admin() bool { return l.User != nil && l.User.Role.AtLeast(catalog.RoleAdmin) }

// Page data: one typed struct per template.
type (
	errorPage struct {
		layout
		Status  int
		Message string
	}
)

func (s *Server) layout(c *gin.Context, title string) layout {
	l := layout{Title: title, Path: c.Request.URL.RequestURI(), ShowSpoilers: showSpoilers(c), User: viewer(c)}
	switch theme, _ := c.Cookie(themeCookie); theme {
	case "light", "dark":
		l.Theme = theme
	}
	switch p := c.Request.URL.Path; {
	case p == "/":
		l.Section = "search"
	case strings.HasPrefix(p, "/codebook"):
		l.Section = "codebook"
	case strings.HasPrefix(p, "/stats"):
		l.Section = "stats"
	case strings.HasPrefix(p, "/changes"):
		l.Section = "changes"
	case strings.HasPrefix(p, "/review"):
		l.Section = "review"
	case p == "/works/new":
		l.Section = "new"
	case strings.HasPrefix(p, "/account"), strings.HasPrefix(p, "/admin"), p == "/login":
		l.Section = "account"
	}
	return l
}

// parsePages parses each page with base.tmpl into its own template set, so
// blocks of one page never leak into another.
func parsePages(assets fs.FS, static *staticFiles) (map[string]*template.Template, error) {
	funcs := template.FuncMap{"static": static.url}
	partials, err := fs.Glob(assets, "templates/partials/*.tmpl")
	if err != nil {
		return nil, err
	}
	files, err := fs.Glob(assets, "templates/*.tmpl")
	if err != nil {
		return nil, err
	}
	known := map[string]bool{"base.tmpl": true}
	for _, f := range pageFiles {
		known[f] = true
	}
	for _, f := range files {
		if name := strings.TrimPrefix(f, "templates/"); !known[name] {
			return nil, fmt.Errorf("template %s belongs to no page", name)
		}
	}
	pages := make(map[string]*template.Template, len(pageFiles))
	for name, file := range pageFiles {
		t, err := template.New(name).Funcs(funcs).ParseFS(assets, append([]string{"templates/base.tmpl", "templates/" + file}, partials...)...)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", file, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// render executes a page into a buffer first, so a template error becomes a
// clean 500 rather than half a page. With the whole page in hand, it says
// its length, and the page goes out in one piece rather than in chunks.
func (s *Server) render(c *gin.Context, status int, page string, data any) {
	buf := pageBuffers.Get().(*bytes.Buffer)
	defer putPageBuffer(buf)
	if err := s.pages[page].ExecuteTemplate(buf, "base", data); err != nil {
		_ = c.Error(fmt.Errorf("render %s: %w", page, err))
		c.Data(500, "text/plain; charset=utf-8", []byte("internal error; it has been logged\n"))
		return
	}
	c.Header("Content-Length", strconv.Itoa(buf.Len()))
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

// pageBuffers are the buffers pages render into, kept between requests: a
// search page is some 50 KB, which a new buffer reaches through a dozen
// allocations and copies.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPageBuffer is the largest buffer kept in pageBuffers; a larger one,
// grown by a rare long page, is left to the collector.
const maxPageBuffer = 1 << 20

// putPageBuffer returns a buffer to pageBuffers once its page is written:
// the response writer copies what it is given and keeps none of it.
func putPageBuffer(buf *bytes.Buffer) {
	if buf.Cap() > maxPageBuffer {
		return
	}
	buf.Reset()
	pageBuffers.Put(buf)
}
