package server

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/komoru/komoru/indexer"
)

// healther is a Searcher that tells how it is doing: an index opening in
// the background, damaged or degraded (*indexer.Pending, *indexer.Index).
type healther interface {
	Health() indexer.Health
}

// indexHealth is the search index's health, as /healthz, /metrics and
// /admin/index tell it.
func (s *Server) indexHealth() indexer.Health {
	if s.search == nil {
		return indexer.Health{State: indexer.HealthFailed, Err: errors.New("this server has no search index")}
	}
	if h, ok := s.search.(healther); ok {
		return h.Health()
	}
	return indexer.Health{State: indexer.HealthOK}
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
	h := s.indexHealth()
	switch h.State {
	case indexer.HealthOK:
		c.JSON(http.StatusOK, gin.H{"status": "ok", "works": n})
	case indexer.HealthStarting:
		body := gin.H{"status": "starting", "message": h.Err.Error(), "works": n}
		if bld := (*indexer.BuildingError)(nil); errors.As(h.Err, &bld) {
			body["indexed"] = bld.Indexed
		}
		c.Header("Retry-After", strconv.Itoa(buildingRetryAfter))
		c.JSON(http.StatusServiceUnavailable, body)
	case indexer.HealthDegraded, indexer.HealthDamaged:
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "degraded", "message": h.Err.Error(), "works": n})
	default:
		return h.Err
	}
	return nil
}
