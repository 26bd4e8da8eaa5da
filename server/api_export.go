package server

import (
	"bufio"
	"context"
	"errors"
	"maps"
	"mime"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"
	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/export"
	"github.com/komoru/komoru/indexer"
)

// paramFormat names an export's format (the export registry's names).
const paramFormat = "format"

// idLister lists every work of a search in its order: *indexer.Index and
// *indexer.Pending are.
type idLister interface {
	IDs(ctx context.Context, q indexer.Query) ([]string, error)
}

// ExportRequest is an export asked for with URL parameters: format and
// the search's parameters, as GET /api/v1/export takes them.
type ExportRequest struct {
	Format export.Format
	Query  indexer.Query
}

// ParseExport checks an export's parameters: format, then the search's,
// exactly as /api/v1/search checks them. Every problem is reported at
// once, each under its parameter's name; the error's text names them.
// komoru export --search takes the same parameters through it.
func ParseExport(v url.Values, cb *catalog.Codebook) (ExportRequest, error) {
	fields := map[string]string{}
	var r ExportRequest
	name := v.Get(paramFormat)
	switch f, ok := export.Lookup(name); {
	case len(v[paramFormat]) > 1:
		fields[paramFormat] = "give it once"
	case !ok:
		fields[paramFormat] = export.UnknownFormat(name)
	default:
		r.Format = f
	}
	search := maps.Clone(v)
	delete(search, paramFormat)
	q, err := parseSearchParams(search, cb)
	var he *httpError
	switch {
	case errors.As(err, &he) && he.fields != nil:
		maps.Copy(fields, he.fields)
	case err != nil:
		return r, err
	}
	if len(fields) > 0 {
		return r, badParams(fields)
	}
	r.Query = q
	return r, nil
}

// FieldProblems returns the problems of bad parameters by name, for a
// command line to print; nil for any other error.
func FieldProblems(err error) map[string]string {
	var he *httpError
	if errors.As(err, &he) {
		return he.fields
	}
	return nil
}

// apiExport is GET /api/v1/export: every hit of a search, in its order,
// in one format, streamed. Listing the hits is a search and keeps the
// search limits (a turn, a time budget); writing them does not, as a
// download of 100,000 works takes as long as the client reads it.
func (s *Server) apiExport(c *gin.Context) error {
	ctx := c.Request.Context()
	r, err := ParseExport(c.Request.URL.Query(), s.cb)
	if err != nil {
		return err
	}
	lister, ok := s.search.(idLister)
	if !ok {
		return errNoIndex
	}
	var ids []string
	err = s.searches.do(ctx, func(ctx context.Context) error {
		var err error
		ids, err = lister.IDs(ctx, r.Query)
		return err
	})
	var ve *catalog.ValidationError
	if errors.As(err, &ve) {
		return badParams(ve.Fields)
	}
	if err != nil {
		return err
	}
	seq, err := s.store.LastSeq(ctx)
	if err != nil {
		return err
	}
	now := s.now()
	h := c.Writer.Header()
	h.Set("Content-Type", r.Format.MediaType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": r.Format.Filename(now)}))
	c.Status(http.StatusOK)
	out := bufio.NewWriterSize(c.Writer, 64<<10)
	enc := r.Format.New(out, export.Options{Codebook: s.cb, BaseURL: s.publicURL,
		Provenance: export.Provenance{Query: s.publicURL + c.Request.URL.RequestURI(), Seq: seq, Time: now}})
	if err := export.Works(ctx, s.store, ids, enc); err != nil {
		// The status and part of the body are sent: the client must see
		// a cut-off download, not a whole-looking file with an error
		// inside, so the connection is dropped.
		_ = c.Error(err)
		panic(http.ErrAbortHandler)
	}
	if err := out.Flush(); err != nil {
		_ = c.Error(err)
		panic(http.ErrAbortHandler)
	}
	return nil
}
