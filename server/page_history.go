package server

import "github.com/gin-gonic/gin"

func (s *Server) pageHistory(c *gin.Context) error { return errNotYet }
func (s *Server) postRestore(c *gin.Context) error { return errNotYet }
func (s *Server) pageChanges(c *gin.Context) error { return errNotYet }
func (s *Server) changesFeed(c *gin.Context) error { return errNotYet }
