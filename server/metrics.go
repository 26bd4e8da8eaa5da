package server

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/indexer"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are what GET /metrics tells Prometheus: requests by route and
// status, their durations, searches' durations, the catalog's size and
// the search index's state. Each Server has its own registry, so that
// tests can make many.
type metrics struct {
	reg      *prometheus.Registry
	handler  http.Handler // GET /metrics
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	searches prometheus.Histogram
}

func newMetrics(s *Server) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "komoru_http_requests_total",
		Help: "HTTP requests answered, by route (the route table's pattern; none for a path no route has), method and status.",
	}, []string{"route", "method", "status"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "komoru_http_request_duration_seconds",
		Help:    "Time to answer an HTTP request, by route.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	}, []string{"route"})
	m.searches = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "komoru_search_duration_seconds",
		Help:    "Time a search takes in the index, waiting for its turn excluded.",
		Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2},
	})
	m.reg.MustRegister(m.requests, m.duration, m.searches,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		catalogCollector{s})
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{DisableCompression: true}) // withCompression compresses
	return m
}

// observe records one answered request.
func (m *metrics) observe(c *gin.Context, took time.Duration) {
	route := c.FullPath()
	m.requests.WithLabelValues(route, c.Request.Method, strconv.Itoa(c.Writer.Status())).Inc()
	m.duration.WithLabelValues(route).Observe(took.Seconds())
}

// serveMetrics is GET /metrics.
func (s *Server) serveMetrics(c *gin.Context) {
	s.metrics.handler.ServeHTTP(c.Writer, c.Request)
}

// catalogCollector reads the catalog's size and the index's state when
// Prometheus scrapes, rather than keeping gauges up to date.
type catalogCollector struct{ s *Server }

var (
	worksDesc = prometheus.NewDesc("komoru_works", "Works in the catalog.", nil, nil)
	lagDesc   = prometheus.NewDesc("komoru_index_lag",
		"Catalog changes not yet in the search index: the store's last change sequence number minus the index's. It grows while an import runs beside the server and falls back to 0 as the index follows.", nil, nil)
	appliedDesc = prometheus.NewDesc("komoru_index_changes_applied_total",
		"Catalog changes the search index has taken since the server started, by operation (create, update, delete). Imports run as their own process (komoru import), so an import beside the server counts here, as its creates and updates.", []string{"op"}, nil)
	stateDesc = prometheus.NewDesc("komoru_index_state",
		"The search index's state: 1 for the current one of ok, starting, degraded (could not take the catalog's changes, retried), damaged (a segment file unreadable, being rebuilt) and failed.", []string{"state"}, nil)
)

func (cc catalogCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- worksDesc
	ch <- lagDesc
	ch <- appliedDesc
	ch <- stateDesc
}

func (cc catalogCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if n, err := cc.s.store.Count(ctx); err == nil {
		ch <- prometheus.MustNewConstMetric(worksDesc, prometheus.GaugeValue, float64(n))
	}
	// Only an open index has a sequence number to compare (before, the
	// state says starting).
	if sq, ok := cc.s.search.(sequencer); ok && cc.s.indexHealth().State != indexer.HealthStarting {
		if last, err := cc.s.store.LastSeq(ctx); err == nil {
			ch <- prometheus.MustNewConstMetric(lagDesc, prometheus.GaugeValue, float64(max(last-sq.Seq(), 0)))
		}
	}
	if a, ok := cc.s.search.(interface{ Applied() map[catalog.Op]int64 }); ok {
		for op, n := range a.Applied() {
			ch <- prometheus.MustNewConstMetric(appliedDesc, prometheus.CounterValue, float64(n), string(op))
		}
	}
	current := cc.s.indexHealth().State
	for _, st := range []string{indexer.HealthOK, indexer.HealthStarting, indexer.HealthDegraded, indexer.HealthDamaged, indexer.HealthFailed} {
		v := 0.0
		if st == current {
			v = 1
		}
		ch <- prometheus.MustNewConstMetric(stateDesc, prometheus.GaugeValue, v, st)
	}
}
