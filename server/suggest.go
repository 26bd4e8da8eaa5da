package server

import (
	"slices"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/indexer"
)

// maxSuggestions is how many suggested filters a search offers at most:
// a few chips read as an offer, more as noise.
const maxSuggestions = 3

// suggestedFilter is a filter the search text names (catalog.SuggestFilters),
// offered with how many works of the search carry the value.
type suggestedFilter struct {
	Facet, FacetLabel string
	Value, Label      string
	Count             int
}

// filterSuggestions is what a search will suggest: the values its text
// names that its filters do not already select.
type filterSuggestions struct {
	cands []catalog.Suggestion
	added []string // facets counted only for the suggestions, to leave out of the result
}

// planSuggestions finds the filters q's text names and makes sure the
// search counts their facets.
//
// The counts cost no search of their own: a suggestion's count is its
// value's disjunctive facet count in the main search (indexer.Result.Facets),
// one AND-cardinality of two bitmaps the search does anyway. For a facet
// the search does not filter, that count is exactly the total of the search
// with the suggested filter added, text and other filters kept; for a facet
// it already filters by other values, it is the count the facet sidebar
// shows beside that value. Only when the caller restricts the facets
// counted (Query.Facets) is a suggested facet added, and left out of the
// result again by counted.
func (s *Server) planSuggestions(q *indexer.Query) filterSuggestions {
	var fs filterSuggestions
	for _, c := range s.cb.SuggestFilters(q.Text) {
		if slices.Contains(q.Filters[c.Facet], c.Value) {
			continue
		}
		fs.cands = append(fs.cands, c)
		if q.Facets != nil && !slices.Contains(q.Facets, c.Facet) {
			q.Facets = append(q.Facets, c.Facet)
			fs.added = append(fs.added, c.Facet)
		}
	}
	return fs
}

// counted returns the suggestions with their counts read from the
// search's facets, the first maxSuggestions that leave some works, and
// removes from res the facets counted only for them.
func (fs filterSuggestions) counted(cb *catalog.Codebook, res *indexer.Result) []suggestedFilter {
	var out []suggestedFilter
	for _, c := range fs.cands {
		if len(out) == maxSuggestions {
			break
		}
		n := facetCount(res, c.Facet, c.Value)
		if n == 0 {
			continue // a filter that leaves nothing is no help
		}
		f, _ := cb.Facet(c.Facet)
		out = append(out, suggestedFilter{Facet: c.Facet, FacetLabel: f.Label, Value: c.Value, Label: f.ValueLabel(c.Value), Count: n})
	}
	res.Facets = slices.DeleteFunc(res.Facets, func(fr indexer.FacetResult) bool { return slices.Contains(fs.added, fr.Name) })
	return out
}

// facetCount is a value's count among the result's facets; 0 where the
// index counted none.
func facetCount(res *indexer.Result, facet, value string) int {
	for _, fr := range res.Facets {
		if fr.Name != facet {
			continue
		}
		for _, v := range fr.Values {
			if v.Value == value {
				return v.Count
			}
		}
	}
	return 0
}
