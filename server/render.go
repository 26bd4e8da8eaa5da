package server

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"strings"

	"github.com/gin-gonic/gin"
)

// pageFiles lists each page and its template; parsePages checks that every
// file in templates/ belongs to one, so none is left untested.
var pageFiles = map[string]string{
	"home":  "home.tmpl",
	"error": "error.tmpl",
}

// Page data: one typed struct per template.
type (
	homePage struct {
		Works    int
		Examples []string
	}
	errorPage struct {
		Status  int
		Title   string
		Message string
	}
)

// parsePages parses each page with base.tmpl into its own template set, so
// blocks of one page never leak into another.
func parsePages(assets fs.FS, static *staticFiles) (map[string]*template.Template, error) {
	funcs := template.FuncMap{"static": static.url}
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
		t, err := template.New(name).Funcs(funcs).ParseFS(assets, "templates/base.tmpl", "templates/"+file)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", file, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// render executes a page into a buffer first, so a template error becomes a
// clean 500 rather than half a page.
func (s *Server) render(c *gin.Context, status int, page string, data any) {
	var buf bytes.Buffer
	if err := s.pages[page].ExecuteTemplate(&buf, "base", data); err != nil {
		_ = c.Error(fmt.Errorf("render %s: %w", page, err))
		c.Data(500, "text/plain; charset=utf-8", []byte("internal error; it has been logged\n"))
		return
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}
