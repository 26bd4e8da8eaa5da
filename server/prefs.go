package server

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
)

// Reader preferences live in cookies, so they work without JavaScript.
const (
	themeCookie    = "komoru_theme"
	spoilersCookie = "komoru_spoilers"
	prefsMaxAge    = 365 * 24 * 60 * 60
)

func showSpoilers(c *gin.Context) bool {
	v, _ := c.Cookie(spoilersCookie)
	return v == "show"
}

// prefs sets the theme and the spoiler preference from a form and returns
// the reader to the page they came from.
func (s *Server) prefs(c *gin.Context) error {
	set := func(name, value string, allowed ...string) {
		for _, a := range allowed {
			if value == a {
				http.SetCookie(c.Writer, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: prefsMaxAge,
					HttpOnly: true, SameSite: http.SameSiteLaxMode})
			}
		}
	}
	set(themeCookie, c.PostForm("theme"), "light", "dark", "system")
	set(spoilersCookie, c.PostForm("spoilers"), "show", "hide")
	c.Redirect(http.StatusSeeOther, localPath(c.PostForm("return")))
	return nil
}

// localPath returns p if it is a path on this site, else "/": what a form
// says to return to is never an open redirect. "//host" and "/\host" are
// other hosts to a browser, which also drops tabs and newlines from a URL
// ("/\t/host" is "//host"), so a backslash or any control character,
// written or percent-encoded, is refused too, as is anything that parses
// with a scheme, a host or user info.
func localPath(p string) string {
	bad := func(s string) bool {
		return strings.ContainsFunc(s, func(r rune) bool { return r == '\\' || r < 0x20 || r == 0x7f })
	}
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || bad(p) {
		return "/"
	}
	if unescaped, err := url.PathUnescape(p); err != nil || bad(unescaped) || strings.HasPrefix(unescaped, "//") {
		return "/"
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") {
		return "/"
	}
	return u.String()
}
