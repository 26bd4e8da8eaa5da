package server

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/komoru/komoru/indexer"
)

// statsPage is /stats: the charts a scholar would put in a paper, of the
// whole catalog or of one search's works (/stats?<search parameters>),
// each drawn inline with its numbers beside it, both downloadable.
type statsPage struct {
	layout
	Works  int
	Search *statsSearch // the search charted; nil for the whole catalog
	Charts []statsChart
	Errors []paramError // bad search parameters, as the search page lists them
	// CrosstabURL is the cross-tab page of the same works, realism by
	// tone until the reader picks two other dimensions.
	CrosstabURL string
}

// statsSearch says which search the charts are of, with the way back to
// its results.
type statsSearch struct {
	Matching string // describeSearch: "“nhk”; Realism: Realistic; from 2000"
	URL      string
}

// statsChart is a chart of the page; a chart of a spoiler facet is
// Hidden, with no numbers on the page, while the reader hides spoilers
// and has not asked for it (RevealURL, as on the search page).
type statsChart struct {
	Spec           chartSpec
	SVG            template.HTML
	Header         []string
	Rows           [][]string
	Hidden         bool
	RevealURL      string
	SVGURL, CSVURL string
}

// chartQuery is the search a stats URL charts, and the parameters its
// links keep: the search's own, without the page, the size or the sort,
// which change nothing of which works it matches.
func (s *Server) chartQuery(params url.Values) (indexer.Query, url.Values, error) {
	q, err := parseSearchParams(params, s.cb)
	if err != nil {
		return q, nil, err
	}
	keep := url.Values{}
	for k, vs := range params {
		switch k {
		case paramPage, paramSize, paramSort, paramExplain, paramShow:
			continue
		}
		keep[k] = vs
	}
	return indexer.Query{Text: q.Text, Filters: q.Filters, YearFrom: q.YearFrom, YearTo: q.YearTo, Typo: q.Typo, Matching: q.Matching}, keep, nil
}

// isWholeCatalog reports whether a chart query matches every work.
func isWholeCatalog(q indexer.Query) bool {
	return q.Text == "" && len(q.Filters) == 0 && q.YearFrom == 0 && q.YearTo == 0
}

func (s *Server) pageStats(c *gin.Context) error {
	params := c.Request.URL.Query()
	q, keep, err := s.chartQuery(params)
	var bad *httpError
	if errors.As(err, &bad) && len(bad.fields) > 0 {
		p := statsPage{layout: s.layout(c, "Statistics: bad search"), Errors: paramErrors(bad.fields, s.paramLabel)}
		_ = c.Error(bad)
		s.render(c, bad.status, "stats", p)
		return nil
	}
	if err != nil {
		return err
	}
	charts, works, err := s.charts(c.Request.Context(), q, chartSpecs)
	if err != nil {
		return err
	}
	p := statsPage{layout: s.layout(c, "Statistics"), Works: works, CrosstabURL: "/stats/crosstab"}
	if len(keep) > 0 {
		p.CrosstabURL += "?" + keep.Encode()
	}
	if !isWholeCatalog(q) {
		p.Search = &statsSearch{Matching: s.describeSearch(q), URL: searchURL(keep)}
	}
	if works == 0 {
		s.render(c, http.StatusOK, "stats", p)
		return nil
	}
	files := ""
	if len(keep) > 0 {
		files = "?" + keep.Encode()
	}
	shown := params[paramShow]
	for i, spec := range chartSpecs {
		d := charts[i]
		if f := s.chartHiddenBy(spec, d, q, p.ShowSpoilers, shown); f != "" {
			p.Charts = append(p.Charts, statsChart{Spec: spec, Hidden: true,
				RevealURL: "/stats?" + with(params, paramShow, f).Encode() + "#" + spec.Name + "-h"})
			continue
		}
		header, rows := d.Table()
		p.Charts = append(p.Charts, statsChart{Spec: spec, SVG: template.HTML(d.SVG(svgOptions{})), Header: header, Rows: rows,
			SVGURL: "/stats/" + spec.Name + ".svg" + files, CSVURL: "/stats/" + spec.Name + ".csv" + files})
	}
	s.render(c, http.StatusOK, "stats", p)
	return nil
}

// chartHiddenBy returns the facet that keeps a chart off the page
// (tableHidden), or "".
func (s *Server) chartHiddenBy(spec chartSpec, d chartData, q indexer.Query, showSpoilers bool, shown []string) string {
	for _, f := range []string{spec.Row, spec.Col} {
		if s.tableHidden(f, len(q.Filters[f]) > 0, slices.Contains(d.Flagged, f), showSpoilers, shown) {
			return f
		}
	}
	return ""
}

// tableHidden reports whether a chart or table of facet f stays off the
// page, as the sidebar keeps its values: f is a spoiler facet
// (spoilerHidden) the search does not filter by, since a value the reader
// chose is no surprise, or some work counted carries one of its values in
// a coding flagged as a spoiler, and the reader has not asked to see f's
// spoilers.
func (s *Server) tableHidden(f string, filtered, flagged, showSpoilers bool, shown []string) bool {
	if s.spoilerHidden(f, showSpoilers, shown) && !filtered {
		return true
	}
	return flagged && !showSpoilers && !slices.Contains(shown, f)
}

// statsFile serves /stats/{chart}.svg and /stats/{chart}.csv, of the
// search its parameters give, as the page's links keep them.
func (s *Server) statsFile(c *gin.Context) error {
	file := c.Param("file")
	name, ext, _ := strings.Cut(file, ".")
	i := slices.IndexFunc(chartSpecs, func(spec chartSpec) bool { return spec.Name == name })
	if i < 0 || (ext != "svg" && ext != "csv") {
		return errNotFound("no chart " + file)
	}
	q, _, err := s.chartQuery(c.Request.URL.Query())
	if err != nil {
		return err
	}
	charts, works, err := s.charts(c.Request.Context(), q, chartSpecs[i:i+1])
	if err != nil {
		return err
	}
	d := charts[0]
	if ext == "csv" {
		b, err := d.CSV()
		if err != nil {
			return err
		}
		c.Header("Content-Disposition", `attachment; filename="komoru-`+name+`.csv"`)
		c.Data(http.StatusOK, "text/csv; charset=utf-8", b)
		return nil
	}
	sub := "komoru: " + strconv.Itoa(works) + " works"
	if !isWholeCatalog(q) {
		sub += " matching " + s.describeSearch(q)
	}
	if d.Multi {
		sub += "; a work counts once per value it has"
	}
	// The file's own style sheet is inline: it must be allowed, and
	// nothing else (no scripts) is.
	c.Header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	c.Data(http.StatusOK, "image/svg+xml", d.SVG(svgOptions{standalone: true, style: s.chartStyle, subtitle: sub}))
	return nil
}

// statsURL is the stats page of a search's works: the search page's
// parameters but its sort and page.
func statsURL(params url.Values) string {
	v := without(params, paramSort, "")
	if len(v) == 0 {
		return "/stats"
	}
	return "/stats?" + v.Encode()
}
