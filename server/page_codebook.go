package server

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"
)

// codebookPage is /codebook: every dimension and value with its definition
// and how many works carry it, each count a link to that search.
type codebookPage struct {
	layout
	Version    string
	Works      int
	Dimensions []codebookDimension
	Metadata   []codebookDimension
}

type codebookDimension struct {
	ID, Label, Definition string
	Multi, Spoiler        bool
	Values                []codebookValue
}

type codebookValue struct {
	ID, Label, Definition string
	Count                 int
	URL                   string // the search for works with this value; "" where the value is no facet
}

func (s *Server) pageCodebook(c *gin.Context) error {
	stats, err := s.stats(c.Request.Context())
	if err != nil {
		return err
	}
	counts := map[string]map[string]int{}
	for _, fs := range stats.Facets {
		counts[fs.Name] = map[string]int{}
		for _, r := range fs.Rows {
			counts[fs.Name][r.Value] = r.Count
		}
	}
	p := codebookPage{layout: s.layout(c, "Codebook"), Version: s.cb.Version, Works: stats.Works}
	for _, d := range s.cb.Dimensions {
		p.Dimensions = append(p.Dimensions, s.codebookDimension(d.ID, d.Label, d.Definition, d.Multi, d.Spoiler, d.ID, counts))
	}
	// Metadata vocabularies: medium is a facet; the gender of hikikomori
	// characters is the hikikomori_genders facet; the rest are not counted.
	for _, d := range s.cb.Metadata {
		facet := map[string]string{"medium": "medium", "gender": "hikikomori_genders"}[d.ID]
		p.Metadata = append(p.Metadata, s.codebookDimension(d.ID, d.Label, d.Definition, d.Multi, d.Spoiler, facet, counts))
	}
	s.render(c, http.StatusOK, "codebook", p)
	return nil
}

func (s *Server) codebookDimension(id, label, def string, multi, spoiler bool, facet string, counts map[string]map[string]int) codebookDimension {
	cd := codebookDimension{ID: id, Label: label, Definition: def, Multi: multi, Spoiler: spoiler}
	for _, v := range s.cb.Dimension(id).Values {
		cv := codebookValue{ID: v.ID, Label: v.Label, Definition: v.Definition}
		if facet != "" {
			cv.Count = counts[facet][v.ID]
			cv.URL = "/?" + url.Values{facet: {v.ID}}.Encode()
		}
		cd.Values = append(cd.Values, cv)
	}
	return cd
}
