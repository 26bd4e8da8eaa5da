package server

import (
	"errors"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/komoru/komoru/catalog"
)

// sessionCookie holds a signed-in browser's session token. Only the
// token's SHA-256 is stored.
const sessionCookie = "komoru_session"

// Context keys the authenticate middleware sets.
const (
	ctxUser    = "komoru_user"    // *catalog.User of the request; absent for readers
	ctxSession = "komoru_session" // the session token, for logout and password changes
)

// authenticate finds who is making the request: an API token
// (Authorization: Bearer) or a session cookie. A bad token is refused (a
// script should hear that its token is wrong); a bad cookie is dropped and
// the request goes on as a reader's.
func (s *Server) authenticate(c *gin.Context) {
	// Assets are the same for everyone: no store lookups for them.
	if p := c.Request.URL.Path; strings.HasPrefix(p, "/static/") || p == "/favicon.ico" {
		c.Next()
		return
	}
	ctx := c.Request.Context()
	if h := c.GetHeader("Authorization"); h != "" {
		secret, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			s.abort(c, errUnauthorized("Authorization must be \"Bearer TOKEN\""))
			return
		}
		u, err := catalog.CheckToken(ctx, s.store, strings.TrimSpace(secret), s.now())
		if err != nil {
			if !errors.Is(err, catalog.ErrNotFound) {
				s.abort(c, err)
				return
			}
			s.abort(c, errUnauthorized("the API token is unknown, expired or revoked"))
			return
		}
		c.Set(ctxUser, &u)
		c.Next()
		return
	}
	if token, err := c.Cookie(sessionCookie); err == nil && token != "" {
		u, err := catalog.CheckSession(ctx, s.store, token, s.now())
		switch {
		case err == nil:
			c.Set(ctxUser, &u)
			c.Set(ctxSession, token)
		case errors.Is(err, catalog.ErrNotFound):
			s.clearSessionCookie(c)
		default:
			s.abort(c, err)
			return
		}
	}
	c.Next()
}

// viewer returns the signed-in user, or nil for a reader.
func viewer(c *gin.Context) *catalog.User {
	if u, ok := c.Get(ctxUser); ok {
		return u.(*catalog.User)
	}
	return nil
}

// requireRole lets only users of at least min through: a reader gets 401
// (the pages send them to sign in and back), a lesser role 403.
func (s *Server) requireRole(min catalog.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		u := viewer(c)
		switch {
		case u == nil && !wantsJSON(c) && (c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead):
			c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request.URL.RequestURI()))
			c.Abort()
		case u == nil:
			s.abort(c, errUnauthorized("sign in, or send an API token, to do this"))
		case !u.Role.AtLeast(min):
			s.abort(c, &httpError{status: http.StatusForbidden, code: "forbidden",
				msg: "this needs the " + string(min) + " role; you are a " + string(u.Role)})
		default:
			c.Next()
		}
	}
}

// crossOrigin refuses state-changing requests made by another site's page
// (Sec-Fetch-Site, or Origin against Host: Go's CrossOriginProtection).
// Scripts with an API token send neither header and pass.
func (s *Server) crossOrigin(c *gin.Context) {
	if err := s.csrf.Check(c.Request); err != nil {
		s.abort(c, &httpError{status: http.StatusForbidden, code: "cross_origin", msg: "cross-origin request refused"})
		return
	}
	c.Next()
}

// abort writes err as the response and stops the chain.
func (s *Server) abort(c *gin.Context, err error) {
	_ = c.Error(err)
	s.writeError(c, err)
	c.Abort()
}

func errUnauthorized(msg string) error {
	return &httpError{status: http.StatusUnauthorized, code: "unauthorized", msg: msg}
}

// setSessionCookie gives the browser its session token.
func (s *Server) setSessionCookie(c *gin.Context, token string) {
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: token, Path: "/",
		MaxAge: int(catalog.SessionMax.Seconds()), HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.overTLS(c)})
}

func (s *Server) clearSessionCookie(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.overTLS(c)})
}

// overTLS reports whether the browser reached komoru over HTTPS: directly,
// or through a proxy the operator named (which terminates TLS).
func (s *Server) overTLS(c *gin.Context) bool {
	if c.Request.TLS != nil {
		return true
	}
	peer, err := netip.ParseAddrPort(c.Request.RemoteAddr)
	if err != nil {
		return false
	}
	for _, p := range s.proxies {
		if p.Contains(peer.Addr().Unmap()) {
			return true
		}
	}
	return false
}

// parseProxies reads addresses and CIDR prefixes of trusted proxies.
func parseProxies(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range list {
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, errors.New("trusted proxy " + s + ": not an address or a CIDR prefix")
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}
