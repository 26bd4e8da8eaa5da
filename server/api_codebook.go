package server

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

func (s *Server) apiCodebook(c *gin.Context) error {
	c.JSON(http.StatusOK, s.cb)
	return nil
}
