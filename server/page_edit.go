package server

import "github.com/gin-gonic/gin"

func (s *Server) pageNewWork(c *gin.Context) error    { return errNotYet }
func (s *Server) postNewWork(c *gin.Context) error    { return errNotYet }
func (s *Server) pageEditWork(c *gin.Context) error   { return errNotYet }
func (s *Server) postEditWork(c *gin.Context) error   { return errNotYet }
func (s *Server) postDeleteWork(c *gin.Context) error { return errNotYet }
