package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/komoru/komoru/catalog"
)

// workResponse is GET /api/v1/works/{id}: the work in import format, its
// current revision, and the facets komoru derives from it.
type workResponse struct {
	Work      *catalog.Work `json:"work"`
	Revision  int           `json:"revision"`
	UpdatedAt time.Time     `json:"updated_at"`
	Derived   derivedJSON   `json:"derived"`
}

type derivedJSON struct {
	HikikomoriGenders    []string `json:"hikikomori_genders"`
	FemaleHikikomoriLead bool     `json:"female_hikikomori_lead"`
	Decade               int      `json:"decade"`
	CodingStatus         string   `json:"coding_status"` // coded, partial or uncoded
}

// newWorkResponse is the API's view of a work's current revision: what GET
// answers and what a curator's save answers with.
func newWorkResponse(cb *catalog.Codebook, rev catalog.Revision) workResponse {
	w := rev.Work
	genders := w.HikikomoriGenders()
	if genders == nil {
		genders = []string{}
	}
	return workResponse{
		Work:      w,
		Revision:  rev.Number,
		UpdatedAt: rev.Time,
		Derived: derivedJSON{HikikomoriGenders: genders, FemaleHikikomoriLead: w.FemaleHikikomoriLead(), Decade: w.Decade(),
			CodingStatus: cb.CodingStatus(w)},
	}
}

func (s *Server) apiGetWork(c *gin.Context) error {
	rev, err := s.store.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	tag := etag(rev.Number)
	c.Header("ETag", tag)
	if noneMatch(c.GetHeader("If-None-Match"), tag) {
		c.Status(http.StatusNotModified)
		return nil
	}
	c.JSON(http.StatusOK, newWorkResponse(s.cb, rev))
	return nil
}

// workURL is the API address of a work.
func workURL(id string) string { return "/api/v1/works/" + id }

// etag is the entity tag of a work's revision n: the revision number in
// quotes. Updates and deletes send it back in If-Match.
func etag(n int) string { return `"` + strconv.Itoa(n) + `"` }

// parseETag reads the revision number of a strong entity tag such as "3".
func parseETag(s string) (int, bool) {
	inner, ok := strings.CutPrefix(strings.TrimSpace(s), `"`)
	if !ok {
		return 0, false
	}
	inner, ok = strings.CutSuffix(inner, `"`)
	n, err := strconv.Atoi(inner)
	return n, ok && err == nil && n > 0
}

// noneMatch reports whether an If-None-Match header names tag (or is *):
// the client's copy is current. The comparison is weak, as RFC 9110 asks
// for If-None-Match.
func noneMatch(header, tag string) bool {
	for t := range strings.SplitSeq(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == tag {
			return true
		}
	}
	return false
}
