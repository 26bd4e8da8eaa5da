package server

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

// decode undoes a response's Content-Encoding.
func decode(t *testing.T, enc string, body []byte) []byte {
	t.Helper()
	var r io.Reader
	switch enc {
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	case "zstd":
		zr, err := zstd.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		r = zr
	default:
		t.Fatalf("unknown encoding %q", enc)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCompression: pages, the API and static files come compressed as the
// client asks, and decode to the plain response; small ones do not.
func TestCompression(t *testing.T) {
	st := newSite(t)
	id := st.searchIDs(t, "")[0]
	for _, url := range []string{"/works/" + id, "/api/v1/codebook", "/api/v1/works/" + id + "/revisions/1", "/codebook"} {
		plain := st.do(t, req{method: "GET", url: url})
		if plain.Code != http.StatusOK || plain.Header().Get("Content-Encoding") != "" || plain.Body.Len() < compressMin {
			t.Fatalf("GET %s plain = %d, %q, %d bytes", url, plain.Code, plain.Header().Get("Content-Encoding"), plain.Body.Len())
		}
		for _, c := range []struct{ accept, want string }{
			{"gzip", "gzip"},
			{"gzip, deflate, br, zstd", "zstd"},
			{"zstd;q=0.5, gzip", "gzip"},
		} {
			rec := st.do(t, req{method: "GET", url: url, header: map[string]string{"Accept-Encoding": c.accept}})
			if got := rec.Header().Get("Content-Encoding"); got != c.want {
				t.Errorf("GET %s, Accept-Encoding %q: Content-Encoding %q, want %q", url, c.accept, got, c.want)
				continue
			}
			if rec.Body.Len() >= plain.Body.Len() {
				t.Errorf("GET %s in %s: %d bytes, no smaller than %d plain", url, c.want, rec.Body.Len(), plain.Body.Len())
			}
			if got := decode(t, c.want, rec.Body.Bytes()); !bytes.Equal(got, plain.Body.Bytes()) {
				t.Errorf("GET %s in %s decodes to %d bytes that differ from the plain %d", url, c.want, len(got), plain.Body.Len())
			}
			if !strings.Contains(strings.Join(rec.Header().Values("Vary"), ","), "Accept-Encoding") {
				t.Errorf("GET %s: Vary %q lacks Accept-Encoding", url, rec.Header().Values("Vary"))
			}
		}
	}
	// Small responses stay as they are, and say Vary all the same.
	for _, url := range []string{"/healthz", "/api/v1/works/no-such-work"} {
		rec := st.do(t, req{method: "GET", url: url, header: map[string]string{"Accept-Encoding": "gzip, zstd"}})
		if rec.Body.Len() >= compressMin {
			t.Fatalf("GET %s: %d bytes, not a small response", url, rec.Body.Len())
		}
		if ce := rec.Header().Get("Content-Encoding"); ce != "" || !strings.HasPrefix(rec.Body.String(), "{") {
			t.Errorf("GET %s (%d bytes) compressed: %q", url, rec.Body.Len(), ce)
		}
		if !strings.Contains(strings.Join(rec.Header().Values("Vary"), ","), "Accept-Encoding") {
			t.Errorf("GET %s: no Vary: Accept-Encoding", url)
		}
	}
	// HEAD answers as GET, without a body.
	rec := st.do(t, req{method: "HEAD", url: "/api/v1/codebook", header: map[string]string{"Accept-Encoding": "gzip"}})
	if rec.Code != http.StatusOK || rec.Body.Len() != 0 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Errorf("HEAD /api/v1/codebook = %d, %d bytes, %q", rec.Code, rec.Body.Len(), rec.Header().Get("Content-Type"))
	}
}

// TestCompressionStreams: a handler that flushes is read by the client
// before it has finished, compressed, as an export streams.
func TestCompressionStreams(t *testing.T) {
	first := strings.Repeat("work,", 2000)
	release := make(chan struct{})
	h, err := withCompression(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/csv")
		io.WriteString(w, first)
		w.(http.Flusher).Flush()
		<-release // until the client has read the first part
		io.WriteString(w, "end")
	}))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	defer func() {
		select {
		case <-release:
		default:
			close(release)
		}
	}()
	r, _ := http.NewRequest("GET", srv.URL, nil)
	r.Header.Set("Accept-Encoding", "gzip") // set by hand: the transport does not decode then
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q", resp.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len(first))
	read := make(chan error, 1)
	go func() { _, err := io.ReadFull(zr, got); read <- err }()
	select {
	case err := <-read:
		if err != nil || string(got) != first {
			t.Fatalf("first part: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the first part did not arrive before the handler finished: the response is not streamed")
	}
	close(release)
	rest, err := io.ReadAll(zr)
	if err != nil || string(rest) != "end" {
		t.Errorf("rest = %q, %v", rest, err)
	}
}
