package harvest

import (
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
)

// diskCache keeps HTTP answers on disk, one file per URL named by a hash
// of the URL, so a second crawl, even by another process, asks the
// server nothing. It sits in the transport rather than in Colly because
// Colly's own cache does not see robots.txt.
type diskCache struct{ dir string }

// cached is one stored answer, as the server sent it: the body is not
// yet decoded to UTF-8, so the charset in the header still holds.
type cached struct {
	URL    string // the URL asked for, to tell a hash collision from a hit
	Status int
	Header http.Header
	Body   []byte
}

// cacheable says which answers are worth keeping: pages, the redirects
// that lead to them (or a second crawl would ask again), and robots.txt
// also when it is missing, so "no robots.txt" is remembered.
func cacheable(path string, status int) bool {
	switch status {
	case http.StatusOK, http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	case http.StatusNotFound, http.StatusGone:
		return path == "/robots.txt"
	}
	return false
}

func (d *diskCache) file(rawURL string) string {
	sum := sha256.Sum256([]byte(rawURL))
	h := hex.EncodeToString(sum[:])
	return filepath.Join(d.dir, h[:2], h)
}

// get returns the stored answer for the URL; ok is false on a miss. A
// file that does not decode is a miss: it is overwritten on the next
// fetch.
func (d *diskCache) get(rawURL string) (c cached, ok bool) {
	f, err := os.Open(d.file(rawURL))
	if err != nil {
		return cached{}, false
	}
	defer f.Close()
	if err := gob.NewDecoder(f).Decode(&c); err != nil || c.URL != rawURL {
		return cached{}, false
	}
	return c, true
}

// put stores an answer. It writes a temporary file and renames it, so
// a reader (or a crash) never sees half a page.
func (d *diskCache) put(c cached) error {
	name := d.file(c.URL)
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return fmt.Errorf("page cache: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), ".tmp-*")
	if err != nil {
		return fmt.Errorf("page cache: %w", err)
	}
	err = gob.NewEncoder(tmp).Encode(c)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), name)
	}
	if err != nil {
		if rerr := os.Remove(tmp.Name()); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
			err = errors.Join(err, rerr)
		}
		return fmt.Errorf("page cache: writing %s: %w", c.URL, err)
	}
	return nil
}
