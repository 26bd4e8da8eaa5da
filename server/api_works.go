package server

import (
	"net/http"
	"strconv"
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
}

func (s *Server) apiGetWork(c *gin.Context) error {
	rev, err := s.store.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	w := rev.Work
	genders := w.HikikomoriGenders()
	if genders == nil {
		genders = []string{}
	}
	c.Header("ETag", `"`+strconv.Itoa(rev.Number)+`"`)
	c.JSON(http.StatusOK, workResponse{
		Work:      w,
		Revision:  rev.Number,
		UpdatedAt: rev.Time,
		Derived:   derivedJSON{HikikomoriGenders: genders, FemaleHikikomoriLead: w.FemaleHikikomoriLead(), Decade: w.Decade()},
	})
	return nil
}
