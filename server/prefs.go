package server

import (
	"net/http"
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
	back := c.PostForm("return")
	// Only a path on this site: never an open redirect.
	if !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") || strings.ContainsAny(back, "\\\r\n") {
		back = "/"
	}
	c.Redirect(http.StatusSeeOther, back)
	return nil
}
