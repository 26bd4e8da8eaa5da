package server

import (
	"bytes"
	"net"
)

// Listener wraps ln so that the responses net/http writes by itself, with
// no handler involved (400 for a malformed request, 431 for headers past
// the limit, 501 and 505), carry the security headers as well. net/http
// writes each of them to the connection in one Write, as a status line
// followed by exactly netHTTPErrorHeaders; a handler's response always
// starts with other headers (Content-Security-Policy sorts first, and a
// 304, which has none, with Cache-Control or another), so it is never
// mistaken for one.
func Listener(ln net.Listener) net.Listener { return headerListener{ln} }

// netHTTPErrorHeaders is what net/http's server.go (errorHeaders) puts
// after the status line of its own error responses.
const netHTTPErrorHeaders = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"

type headerListener struct{ net.Listener }

func (l headerListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return headerConn{c}, nil
}

type headerConn struct{ net.Conn }

func (c headerConn) Write(p []byte) (int, error) {
	if !bytes.HasPrefix(p, []byte("HTTP/1.1 ")) {
		return c.Conn.Write(p)
	}
	eol := bytes.Index(p, []byte("\r\n"))
	if eol < 0 || !bytes.HasPrefix(p[eol:], []byte(netHTTPErrorHeaders)) {
		return c.Conn.Write(p)
	}
	var b bytes.Buffer
	b.Write(p[:eol])
	for _, kv := range securityHeaders {
		b.WriteString("\r\n" + kv[0] + ": " + kv[1])
	}
	b.Write(p[eol:])
	if _, err := c.Conn.Write(b.Bytes()); err != nil {
		return 0, err
	}
	return len(p), nil
}
