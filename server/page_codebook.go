package server

import (
	"context"
	"net/http"
	"net/url"
	"slices"

	"github.com/gin-gonic/gin"
	"github.com/komoru/komoru/catalog"
)

// codebookPage is /codebook: every dimension and value with its definition
// and how many works carry it, each count a link to that search.
type codebookPage struct {
	layout
	Version    string
	Works      int
	Dimensions []codebookDimension
	Metadata   []codebookDimension
	Changes    []catalog.CodebookChange // newest first
}

type codebookDimension struct {
	ID, Label, Definition string
	Multi, Spoiler        bool
	Values                []codebookValue
	// Agreement is the dimension's alpha in the latest closed coding
	// round that coded it; nil when none did.
	Agreement *codebookAlpha
}

// codebookAlpha is how far the coders of a closed round agreed on a
// dimension.
type codebookAlpha struct {
	Round, RoundName, URL string
	Alpha, Reading        string // to 3 decimals; Krippendorff's reading in words
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
	p := codebookPage{layout: s.layout(c, "Codebook"), Version: s.cb.Version, Works: stats.Works, Changes: s.cb.Changes}
	alphas, err := s.latestAlphas(c.Request.Context())
	if err != nil {
		return err
	}
	for _, d := range s.cb.Dimensions {
		cd := s.codebookDimension(d.ID, d.Label, d.Definition, d.Multi, d.Spoiler, d.ID, counts)
		cd.Agreement = alphas[d.ID]
		p.Dimensions = append(p.Dimensions, cd)
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

// latestAlphas returns, per dimension, its alpha in the latest closed
// round that coded it. Closed rounds' figures are cached (measureRound),
// so this costs a read of the rounds.
func (s *Server) latestAlphas(ctx context.Context) (map[string]*codebookAlpha, error) {
	rounds, err := s.store.Rounds(ctx)
	if err != nil {
		return nil, err
	}
	rounds = slices.DeleteFunc(rounds, func(r catalog.Round) bool { return r.State != catalog.RoundClosed })
	slices.SortStableFunc(rounds, func(a, b catalog.Round) int { return b.Closed.Compare(a.Closed) })
	out := map[string]*codebookAlpha{}
	for _, r := range rounds {
		f, err := s.measureRound(ctx, r)
		if err != nil {
			return nil, err
		}
		for _, d := range f.dims {
			if out[d.ID] == nil {
				out[d.ID] = &codebookAlpha{Round: r.ID, RoundName: r.Name, URL: "/rounds/" + url.PathEscape(r.ID) + "/agreement#" + d.ID,
					Alpha: alphaText(d.Alpha), Reading: readingWords(d.Reading)}
			}
		}
	}
	return out, nil
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
