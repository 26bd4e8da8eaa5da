package server

import "github.com/gin-gonic/gin"

func (s *Server) pageReview(c *gin.Context) error   { return errNotYet }
func (s *Server) pageProposal(c *gin.Context) error { return errNotYet }
func (s *Server) postAccept(c *gin.Context) error   { return errNotYet }
func (s *Server) postReject(c *gin.Context) error   { return errNotYet }
