package harvest

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDiskCache(t *testing.T) {
	d := &diskCache{dir: t.TempDir()}
	const u = "https://en.wikipedia.org/wiki/Hikikomori"
	if _, ok := d.get(u); ok {
		t.Fatal("an empty cache had a page")
	}
	want := cached{URL: u, Status: http.StatusOK, Header: http.Header{"Content-Type": {"text/html; charset=Shift_JIS"}}, Body: []byte("\x82\xd0\x82\xab")}
	if err := d.put(want); err != nil {
		t.Fatal(err)
	}
	got, ok := d.get(u)
	if !ok || got.URL != want.URL || got.Status != want.Status || string(got.Body) != string(want.Body) ||
		got.Header.Get("Content-Type") != want.Header.Get("Content-Type") {
		t.Errorf("got %+v, %v; want %+v", got, ok, want)
	}
	if _, ok := d.get(u + "?x"); ok {
		t.Error("another URL hit")
	}

	// No temporary file is left behind.
	err := filepath.WalkDir(d.dir, func(path string, e os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(e.Name(), ".tmp-") {
			t.Errorf("temporary file left: %s", path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	// A file that does not decode, or that holds another URL (a hash
	// collision), is a miss.
	if err := os.WriteFile(d.file(u), []byte("not gob"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, ok := d.get(u); ok {
		t.Error("a corrupt file hit")
	}
	other := want
	other.URL = "https://example.org/"
	if err := d.put(other); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(d.file(other.URL), d.file(u)); err != nil {
		t.Fatal(err)
	}
	if _, ok := d.get(u); ok {
		t.Error("a file holding another URL hit")
	}
}

func TestCacheable(t *testing.T) {
	tests := []struct {
		path   string
		status int
		want   bool
	}{
		{"/wiki/A", http.StatusOK, true},
		{"/old", http.StatusMovedPermanently, true},
		{"/old", http.StatusFound, true},
		{"/old", http.StatusPermanentRedirect, true},
		{"/robots.txt", http.StatusOK, true},
		{"/robots.txt", http.StatusNotFound, true},
		{"/wiki/A", http.StatusNotFound, false},
		{"/wiki/A", http.StatusTooManyRequests, false},
		{"/robots.txt", http.StatusServiceUnavailable, false},
		{"/wiki/A", http.StatusNotModified, false},
	}
	for _, tt := range tests {
		if got := cacheable(tt.path, tt.status); got != tt.want {
			t.Errorf("cacheable(%s, %d) = %v, want %v", tt.path, tt.status, got, tt.want)
		}
	}
}
