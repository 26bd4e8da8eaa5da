package server

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/komoru/komoru/indexer"
)

// readier is a Searcher that may not answer yet, or not be healthy: an
// index still opening, damaged or degraded (*indexer.Pending).
type readier interface {
	Ready() error
}

// health answers load balancers and people: the store must answer a
// query, and the search index must be open ("starting" while it is built)
// and healthy: one that could not take the latest changes (a full disk)
// or lost a segment file still answers searches, but is "degraded", a
// 503 with the reason, until it has recovered or been rebuilt.
func (s *Server) health(c *gin.Context) error {
	n, err := s.store.Count(c.Request.Context())
	if err != nil {
		return err
	}
	if r, ok := s.search.(readier); ok {
		var bld *indexer.BuildingError
		switch err := r.Ready(); {
		case errors.As(err, &bld):
			c.Header("Retry-After", strconv.Itoa(buildingRetryAfter))
			c.JSON(http.StatusServiceUnavailable, gin.H{"status": "starting", "message": bld.Error(), "works": n,
				"indexed": bld.Indexed})
			return nil
		case errors.Is(err, indexer.ErrDamaged), errors.Is(err, indexer.ErrDegraded):
			c.JSON(http.StatusServiceUnavailable, gin.H{"status": "degraded", "message": err.Error(), "works": n})
			return nil
		case err != nil:
			return err
		}
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok", "works": n})
	return nil
}
