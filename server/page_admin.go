package server

import "github.com/gin-gonic/gin"

func (s *Server) pageAdminUsers(c *gin.Context) error   { return errNotYet }
func (s *Server) postAdminAddUser(c *gin.Context) error { return errNotYet }
func (s *Server) postAdminUser(c *gin.Context) error    { return errNotYet }
