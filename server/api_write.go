package server

import "github.com/gin-gonic/gin"

func (s *Server) apiRevisions(c *gin.Context) error      { return errNotYet }
func (s *Server) apiRevision(c *gin.Context) error       { return errNotYet }
func (s *Server) apiCreateWork(c *gin.Context) error     { return errNotYet }
func (s *Server) apiUpdateWork(c *gin.Context) error     { return errNotYet }
func (s *Server) apiDeleteWork(c *gin.Context) error     { return errNotYet }
func (s *Server) apiProposals(c *gin.Context) error      { return errNotYet }
func (s *Server) apiGetProposal(c *gin.Context) error    { return errNotYet }
func (s *Server) apiAcceptProposal(c *gin.Context) error { return errNotYet }
func (s *Server) apiRejectProposal(c *gin.Context) error { return errNotYet }
