package server

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/indexer"
)

// searchResponse is GET /api/v1/search (api.md).
type searchResponse struct {
	Total  int                         `json:"total"`
	Page   int                         `json:"page"`
	Size   int                         `json:"size"`
	TookMS int64                       `json:"took_ms"`
	Hits   []hitJSON                   `json:"hits"`
	Facets map[string][]facetValueJSON `json:"facets"`
	// SuggestedFilters are the filters the text names, each with the
	// count the search would have with it; absent when there are none.
	SuggestedFilters []suggestedFilterJSON `json:"suggested_filters,omitempty"`
	// DroppedWords are the words left out because all of them together
	// matched nothing (matching=last); absent when none was.
	DroppedWords []string `json:"dropped_words,omitempty"`
}

type suggestedFilterJSON struct {
	Facet string `json:"facet"`
	Value string `json:"value"`
	Label string `json:"label"`
	Count int    `json:"count"`
}

type hitJSON struct {
	ID            string              `json:"id"`
	Title         string              `json:"title"`
	OriginalTitle string              `json:"original_title,omitempty"`
	Medium        string              `json:"medium"`
	Year          int                 `json:"year"`
	Portrayal     catalog.Portrayal   `json:"portrayal"`
	CodingStatus  string              `json:"coding_status"` // coded, partial or uncoded
	Highlights    map[string][]string `json:"highlights,omitempty"`
	// Ranking is there with explain=true: where each ranking rule put
	// the hit, as Meilisearch's ranking score details tell it.
	Ranking []rankingStepJSON `json:"ranking,omitempty"`
}

// rankingStepJSON is one rule's verdict on a hit: its bucket, best first,
// of how many, and the rule's value (words matched, typos, distance, field
// rank sum, whole words; see api.md).
type rankingStepJSON struct {
	Rule   string `json:"rule"`
	Bucket int    `json:"bucket"`
	Of     int    `json:"of"`
	Value  int    `json:"value"`
}

type facetValueJSON struct {
	Value    string `json:"value"`
	Label    string `json:"label"`
	Count    int    `json:"count"`
	Selected bool   `json:"selected"`
}

// errNoIndex is a search on a server that was given no index.
var errNoIndex = &httpError{status: http.StatusServiceUnavailable, code: "unavailable", msg: "search is not available"}

func (s *Server) apiSearch(c *gin.Context) error {
	start := time.Now()
	if s.search == nil {
		return errNoIndex
	}
	q, err := parseSearchParams(c.Request.URL.Query(), s.cb)
	if err != nil {
		return err
	}
	suggest := s.planSuggestions(&q)
	res, err := s.runSearch(c.Request.Context(), q)
	var ve *catalog.ValidationError
	if errors.As(err, &ve) {
		return badParams(ve.Fields)
	}
	if err != nil {
		return err
	}
	suggested := suggest.counted(s.cb, res)
	out := searchResponse{Total: res.Total, Page: res.Page, Size: res.Size, DroppedWords: res.DroppedWords,
		Hits: make([]hitJSON, 0, len(res.Hits)), Facets: make(map[string][]facetValueJSON, len(res.Facets))}
	for _, h := range res.Hits {
		p := h.Portrayal
		if p == nil {
			p = catalog.Portrayal{}
		}
		out.Hits = append(out.Hits, hitJSON{ID: h.ID, Title: h.Title, OriginalTitle: h.OriginalTitle,
			Medium: h.Medium, Year: h.Year, Portrayal: p, CodingStatus: h.CodingStatus, Highlights: h.Highlights, Ranking: rankingJSON(h.Ranking)})
	}
	for _, f := range res.Facets {
		vals := make([]facetValueJSON, 0, len(f.Values))
		for _, v := range f.Values {
			vals = append(vals, facetValueJSON{Value: v.Value, Label: v.Label, Count: v.Count, Selected: v.Selected})
		}
		out.Facets[f.Name] = vals
	}
	for _, sf := range suggested {
		out.SuggestedFilters = append(out.SuggestedFilters, suggestedFilterJSON{Facet: sf.Facet, Value: sf.Value, Label: sf.Label, Count: sf.Count})
	}
	out.TookMS = time.Since(start).Milliseconds()
	c.JSON(http.StatusOK, out)
	return nil
}

func rankingJSON(steps []indexer.RankingStep) []rankingStepJSON {
	if steps == nil {
		return nil
	}
	out := make([]rankingStepJSON, 0, len(steps))
	for _, st := range steps {
		out = append(out, rankingStepJSON{Rule: st.Rule, Bucket: st.Bucket, Of: st.Of, Value: st.Value})
	}
	return out
}
