package server

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// homeExamples are works of the shipped catalog the placeholder home page
// links to until the search page arrives.
var homeExamples = []string{"welcome-to-the-nhk-novel", "princess-jellyfish-manga", "recovery-of-an-mmo-junkie-manga"}

func (s *Server) pageHome(c *gin.Context) error {
	n, err := s.store.Count(c.Request.Context())
	if err != nil {
		return err
	}
	s.render(c, http.StatusOK, "home", homePage{layout: s.layout(c, "komoru"), Works: n, Examples: homeExamples})
	return nil
}
