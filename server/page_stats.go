package server

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
)

// statsPage is /stats: the charts a scholar would put in a paper, each as an
// SVG image with its numbers beside it, both downloadable.
type statsPage struct {
	layout
	Works  int
	Charts []statsChart
}

// statsChart is a chart of the page; a chart of a spoiler facet is
// Hidden, with no numbers on the page, while the reader hides spoilers
// and has not asked for it (RevealURL, as on the search page).
type statsChart struct {
	chartData
	Hidden    bool
	RevealURL string
}

func (s *Server) pageStats(c *gin.Context) error {
	byDecade, byMedium, err := s.stats(c.Request.Context())
	if err != nil {
		return err
	}
	p := statsPage{layout: s.layout(c, "Statistics"), Works: byDecade.Works}
	shown := c.QueryArray(paramShow)
	for _, spec := range chartSpecs {
		if s.spoilerHidden(spec.Facet, p.ShowSpoilers, shown) {
			p.Charts = append(p.Charts, statsChart{chartData: chartData{Spec: spec}, Hidden: true,
				RevealURL: "/stats?" + url.Values{paramShow: append(slices.Clone(shown), spec.Facet)}.Encode() + "#" + spec.Name + "-h"})
			continue
		}
		p.Charts = append(p.Charts, statsChart{chartData: buildChart(spec, s.cb, byDecade, byMedium)})
	}
	s.render(c, http.StatusOK, "stats", p)
	return nil
}

// statsFile serves /stats/{chart}.svg and /stats/{chart}.csv.
func (s *Server) statsFile(c *gin.Context) error {
	file := c.Param("file")
	name, ext, _ := strings.Cut(file, ".")
	for _, spec := range chartSpecs {
		if spec.Name != name || (ext != "svg" && ext != "csv") {
			continue
		}
		byDecade, byMedium, err := s.stats(c.Request.Context())
		if err != nil {
			return err
		}
		d := buildChart(spec, s.cb, byDecade, byMedium)
		if ext == "csv" {
			b, err := d.CSV()
			if err != nil {
				return err
			}
			c.Header("Content-Disposition", `attachment; filename="komoru-`+name+`.csv"`)
			c.Data(http.StatusOK, "text/csv; charset=utf-8", b)
			return nil
		}
		b, err := d.SVG()
		if err != nil {
			return err
		}
		c.Data(http.StatusOK, "image/svg+xml", b)
		return nil
	}
	return errNotFound("no chart " + file)
}
