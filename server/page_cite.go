package server

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/komoru/komoru/catalog/export"
)

// citePage is /cite: how to cite the catalog as a data set, at the change
// sequence number it has now, so that a paper names exactly what it used.
type citePage struct {
	layout
	Dataset                    export.Dataset
	Date                       string // of the version: its last change
	Text, BibTeX, RIS, CSLJSON string
}

// dataset is the catalog cited now: its version is the store's latest
// change, dated by that change, so that the citation (and /cite's ETag,
// the catalog version) stays the same until the catalog changes. An
// empty catalog is dated today.
func (s *Server) dataset(ctx context.Context) (export.Dataset, error) {
	seq, err := s.store.LastSeq(ctx)
	if err != nil {
		return export.Dataset{}, err
	}
	d := export.Dataset{BaseURL: s.baseURL(), Seq: seq, CodebookVersion: s.cb.Version, Time: s.now()}
	if seq > 0 {
		revs, err := s.store.Changes(ctx, seq-1, 1)
		if err != nil {
			return export.Dataset{}, err
		}
		if len(revs) == 1 && !revs[0].Time.IsZero() {
			d.Time = revs[0].Time
		}
	}
	return d, nil
}

func (s *Server) pageCite(c *gin.Context) error {
	d, err := s.dataset(c.Request.Context())
	if err != nil {
		return err
	}
	s.render(c, http.StatusOK, "cite", citePage{
		layout:  s.layout(c, "Cite the catalog"),
		Dataset: d, Date: d.Time.UTC().Format("2 January 2006"),
		Text: d.Text(), BibTeX: d.BibTeX(), RIS: d.RIS(), CSLJSON: d.CSLJSON(),
	})
	return nil
}

// citeCFF is /cite/CITATION.cff: the dataset's Citation File Format file,
// a download to put beside a paper's code.
func (s *Server) citeCFF(c *gin.Context) error {
	d, err := s.dataset(c.Request.Context())
	if err != nil {
		return err
	}
	c.Header("Content-Disposition", `attachment; filename="CITATION.cff"`)
	c.Data(http.StatusOK, cffMediaType, []byte(d.CFF()))
	return nil
}

// cffMediaType is a CITATION.cff's: YAML (RFC 9512).
const cffMediaType = "application/yaml; charset=utf-8"
