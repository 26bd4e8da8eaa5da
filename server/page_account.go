package server

import "github.com/gin-gonic/gin"

func (s *Server) pageLogin(c *gin.Context) error       { return errNotYet }
func (s *Server) postLogin(c *gin.Context) error       { return errNotYet }
func (s *Server) postLogout(c *gin.Context) error      { return errNotYet }
func (s *Server) pageInvite(c *gin.Context) error      { return errNotYet }
func (s *Server) postInvite(c *gin.Context) error      { return errNotYet }
func (s *Server) pageAccount(c *gin.Context) error     { return errNotYet }
func (s *Server) postPassword(c *gin.Context) error    { return errNotYet }
func (s *Server) postToken(c *gin.Context) error       { return errNotYet }
func (s *Server) postRevokeToken(c *gin.Context) error { return errNotYet }
