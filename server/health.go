package server

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// health answers load balancers and people: the store must answer a query.
func (s *Server) health(c *gin.Context) error {
	n, err := s.store.Count(c.Request.Context())
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok", "works": n})
	return nil
}
