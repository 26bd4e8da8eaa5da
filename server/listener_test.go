package server

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// TestSecurityHeadersEverywhere: the responses net/http writes by itself
// (malformed requests, headers past the limit) and Gin's own redirects
// carry the security headers too, and a handler's response carries each
// once.
func TestSecurityHeadersEverywhere(t *testing.T) {
	s := newSiteServer(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: s.Handler(), MaxHeaderBytes: 4 << 10}
	go hs.Serve(Listener(ln))
	t.Cleanup(func() { hs.Close() })

	tests := []struct {
		name, request string
		status        int
	}{
		{"a handler's page", "GET /codebook HTTP/1.1\r\nHost: x\r\n\r\n", 200},
		{"Gin's trailing-slash redirect", "GET /codebook/ HTTP/1.1\r\nHost: x\r\n\r\n", 301},
		{"a malformed Host", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400},
		{"no Host", "GET / HTTP/1.1\r\n\r\n", 400},
		{"a malformed request line", "GET\r\n\r\n", 400},
		{"headers past the limit", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 8<<10) + "\r\n\r\n", 431},
		{"an unknown transfer encoding", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: zip\r\n\r\n", 501},
		{"HTTP/2 without upgrade", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := io.WriteString(c, tt.request); err != nil {
				t.Fatal(err)
			}
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.status)
			}
			for _, kv := range securityHeaders {
				if got := resp.Header.Values(kv[0]); len(got) != 1 || got[0] != kv[1] {
					t.Errorf("%s: %q, want it once: %q", kv[0], got, kv[1])
				}
			}
		})
	}
}
