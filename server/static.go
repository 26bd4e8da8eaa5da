package server

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// staticFiles serves static/ at /static/, with URLs that carry a hash of the
// content so browsers may cache them for good.
type staticFiles struct {
	fsys   fs.FS
	hashes map[string]string // path under static/ → short content hash
	files  http.Handler
}

func newStaticFiles(assets fs.FS) (*staticFiles, error) {
	sub, err := fs.Sub(assets, "static")
	if err != nil {
		return nil, err
	}
	sf := &staticFiles{fsys: sub, hashes: map[string]string{}, files: http.FileServerFS(sub)}
	err = fs.WalkDir(sub, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		sf.hashes[path] = hex.EncodeToString(sum[:6])
		return nil
	})
	return sf, err
}

// url returns the cache-busting URL of a static file; templates call it as
// {{static "css/komoru.css"}}.
func (sf *staticFiles) url(path string) (string, error) {
	h, ok := sf.hashes[path]
	if !ok {
		return "", fs.ErrNotExist
	}
	return "/static/" + path + "?v=" + h, nil
}

func (sf *staticFiles) serve(c *gin.Context) {
	path := strings.TrimPrefix(c.Param("path"), "/")
	h, ok := sf.hashes[path]
	if !ok {
		c.Status(http.StatusNotFound)
		return
	}
	if c.Query("v") == h {
		c.Header("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		c.Header("Cache-Control", "no-cache")
	}
	c.Request.URL.Path = "/" + path
	sf.files.ServeHTTP(c.Writer, c.Request)
}

// favicon answers browsers that ask for /favicon.ico without reading the
// page's icon link (or for a JSON response, which has none).
func (sf *staticFiles) favicon(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=86400")
	c.Request.URL.Path = "/img/favicon.svg"
	sf.files.ServeHTTP(c.Writer, c.Request)
}
