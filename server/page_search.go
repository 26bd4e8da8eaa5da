package server

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/export"
	"github.com/komoru/komoru/indexer"
)

// searchPage is /: the search box, the facet sidebar, the results. Its URL
// takes the API's parameters, so every search is a permalink.
type searchPage struct {
	layout
	Q, Sort          string
	Shown            []string // spoiler facets the reader chose to see (paramShow), kept by the form
	YearFrom, YearTo string
	Total            int
	TookMS           int64
	Hits             []hitView
	Facets           []facetView
	Active           []activeFilter
	ActiveFilters    int              // how many filters the search has: the phone's "Filters (N active)"
	Suggested        []suggestionChip // filters the text names, one click away
	Dropped          []string         // words left out because together they matched nothing
	Decades          []decadeBar
	DecadesMax       int
	Pages            []pageLink
	Prev, Next       string
	PastEnd          *pastEnd // the page asked for is past the last one
	First, Last      int      // the rank of the first and last hit shown
	WithoutText      string
	SortOptions      []sortOption
	Errors           []paramError // bad parameters, as the API names them
	ChartURL         string       // the stats page of these results (statsURL)
	Exports          []exportLink // these results in every export format (exportLinks)
}

// exportLink is one format of the "Export N results" menu.
type exportLink struct {
	Name, Title, URL string
}

// exportLinks links the search to its export in every format of the
// registry: the same search (text, filters, sort, typo and matching), so
// the file holds every hit in the order the page lists them. The page's
// own parameters go: page and size (the export is every hit), show (a
// spoiler facet seen changes nothing of the search) and explain (scores
// are not in any format).
func exportLinks(params url.Values) []exportLink {
	v := url.Values{}
	for k, vals := range params {
		switch k {
		case paramPage, paramSize, paramShow, paramExplain, paramFormat:
			continue
		}
		v[k] = slices.Clone(vals)
	}
	formats := export.Formats()
	links := make([]exportLink, len(formats))
	for i, f := range formats {
		v.Set(paramFormat, f.Name)
		links[i] = exportLink{Name: f.Name, Title: f.Title, URL: "/api/v1/export?" + v.Encode()}
	}
	return links
}

// MaxQuery is the search box's maxlength: the most characters q may have.
func (searchPage) MaxQuery() int { return maxQueryChars }

// hitView is a result card. Its text comes ready made, a few long values
// rather than many short ones (the medium and year in one, the tags as
// written list items): html/template calls an escaper by reflection for
// each value it prints, and those calls are most of the page's rendering
// time.
type hitView struct {
	ID, OriginalTitle string
	Meta              string        // medium and year: "Anime series · 2011"
	Title, Snippet    template.HTML // highlighted by the index, everything else escaped
	Matched           template.HTML // what else the hit matched by, highlighted (matchedLine)
	Tags              template.HTML // the list items of its coded dimensions (tagItems)
	Badge             *codingBadge  // for a work not fully coded; nil for most hits
}

type facetView struct {
	Name, Label string
	// Hidden is a spoiler facet the reader has not chosen to see: neither
	// its values nor their counts are on the page, only RevealURL, the
	// same search with the facet shown (paramShow).
	Hidden    bool
	RevealURL string
	// SpoilerValues, on a facet shown, counts the values left off it
	// because a work of the result carries them in a coding flagged as a
	// spoiler (valueHidden); RevealURL then shows them.
	SpoilerValues int
	Top, More     template.HTML // the list items of the first values, and of the rest behind "show more" (facetItems)
	MoreCount     int
	MoreOpen      bool // a value behind "show more" is selected
	Selected      int  // how many of its values are selected
	Filterable    bool // long enough to want a filter box
}

type activeFilter struct{ Label, RemoveURL string }

// suggestionChip offers a filter the text names: its link is the same
// search, text kept, with the filter added.
type suggestionChip struct {
	Label, URL string
	Count      int
}

type paramError struct{ Label, Message string }

// paramErrors lists bad parameters' problems for a page, by label: the
// search page's, the stats page's and the cross-tab page's way.
func paramErrors(fields map[string]string, label func(name string) string) []paramError {
	errs := make([]paramError, 0, len(fields))
	for name, msg := range fields {
		errs = append(errs, paramError{Label: label(name), Message: msg})
	}
	slices.SortFunc(errs, func(a, b paramError) int { return strings.Compare(a.Label, b.Label) })
	return errs
}

type decadeBar struct {
	Label, Short string // "2010s", "10"
	Summary      string // "2010s: 6": the decade and its count
	URL          string
	Height, Y    int // of the bar in the histogram's 0–40 box
	X, Width     int
	Selected     bool
}

type pageLink struct {
	N       int
	URL     string
	Current bool
	Gap     bool // an ellipsis before this link
}

// pastEnd tells a page past the last of a search that has hits which
// page is the last, and links to it: "Nothing matches" would be untrue.
type pastEnd struct {
	Page, Last int
	LastURL    string
}

type sortOption struct {
	Value, Label string
	Selected     bool
}

// facetTop is how many values a facet shows before "show more".
const facetTop = 6

func (s *Server) pageSearch(c *gin.Context) error {
	start := time.Now()
	if s.search == nil {
		return errNoIndex
	}
	params := c.Request.URL.Query()
	q, err := parseSearchParams(params, s.cb)
	var bad *httpError
	if errors.As(err, &bad) && len(bad.fields) > 0 {
		s.searchErrors(c, params, bad)
		return nil
	}
	if err != nil {
		return err
	}
	res, suggested, err := s.searchForPage(c.Request.Context(), params, q)
	if err != nil {
		return err
	}
	p, err := s.searchResults(c, params, q, res, suggested)
	if err != nil {
		return err
	}
	p.TookMS = time.Since(start).Milliseconds()
	s.render(c, http.StatusOK, "search", p)
	return nil
}

// searchForPage runs the page's search: with the synopses its cards show
// and the counts of the filters its text suggests. It sets params' facet
// values as the index keeps them ("2010s" is "2010"), so that the page's
// toggles and chips find the selected ones.
func (s *Server) searchForPage(ctx context.Context, params url.Values, q indexer.Query) (*indexer.Result, []suggestedFilter, error) {
	for f, vs := range q.Filters {
		params[f] = vs
	}
	suggest := s.planSuggestions(&q)
	q.Synopses = true
	res, err := s.runSearch(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	return res, suggest.counted(s.cb, res), nil
}

// searchResults builds the page from a search's result. It stands apart
// from the search so that BenchmarkSearchPageView can measure the page's
// own cost.
func (s *Server) searchResults(c *gin.Context, params url.Values, q indexer.Query, res *indexer.Result, suggested []suggestedFilter) (searchPage, error) {
	p := searchPage{
		layout:   s.layout(c, pageTitle(q)),
		Q:        q.Text,
		Sort:     q.Sort,
		YearFrom: params.Get(paramYearFrom),
		YearTo:   params.Get(paramYearTo),
		Total:    res.Total,
		Dropped:  res.DroppedWords,
		Shown:    params[paramShow],
		ChartURL: statsURL(params),
		Exports:  exportLinks(params),
	}
	for _, o := range []sortOption{{"relevance", "Relevance", false}, {"year", "Oldest first", false}, {"-year", "Newest first", false}, {"title", "Title", false}} {
		o.Selected = o.Value == q.Sort || (q.Sort == "" && o.Value == "relevance")
		p.SortOptions = append(p.SortOptions, o)
	}
	if err := s.searchHits(params, res, &p); err != nil {
		return searchPage{}, err
	}
	s.searchFacets(params, res, &p)
	for _, sf := range suggested {
		if s.spoilerHidden(sf.Facet, p.ShowSpoilers, params[paramShow]) || flaggedSuggestion(res, sf, p.ShowSpoilers, params[paramShow]) {
			continue // its count would tell how many of these works end so
		}
		p.Suggested = append(p.Suggested, suggestionChip{Label: sf.FacetLabel + " = " + sf.Label, Count: sf.Count,
			URL: searchURL(toggled(params, sf.Facet, sf.Value))})
	}
	s.searchPages(params, res, &p)
	if q.Text != "" {
		p.WithoutText = searchURL(without(params, paramQ, ""))
	}
	return p, nil
}

// searchErrors answers a search with bad parameters: a 400 that keeps
// the search box and lists each parameter's problem in the API's words.
func (s *Server) searchErrors(c *gin.Context, params url.Values, bad *httpError) {
	p := searchPage{
		layout:   s.layout(c, "Bad search"),
		Q:        params.Get(paramQ),
		YearFrom: params.Get(paramYearFrom),
		YearTo:   params.Get(paramYearTo),
	}
	p.Errors = paramErrors(bad.fields, s.paramLabel)
	_ = c.Error(bad)
	s.render(c, bad.status, "search", p)
}

// paramLabels name the search parameters that are not facets on the page.
var paramLabels = map[string]string{
	paramQ:        "Search text",
	paramYearFrom: "From year",
	paramYearTo:   "To year",
	paramSort:     "Sort",
	paramPage:     "Page",
	paramSize:     "Results per page",
	paramTypo:     "Typo tolerance",
	"facets":      "Facets",
}

// paramLabel is a parameter's name on the page: a facet's label, the
// label of another parameter, or the name as given.
func (s *Server) paramLabel(name string) string {
	if f, ok := s.cb.Facet(name); ok {
		return f.Label
	}
	if l, ok := paramLabels[name]; ok {
		return l
	}
	return name
}

func pageTitle(q indexer.Query) string {
	if q.Text != "" {
		return q.Text + ": search"
	}
	return "komoru"
}

// hitTagDimensions are the dimensions a result card shows, in order;
// content warnings first, since readers want them before they choose.
var hitTagDimensions = []string{"content_warnings", "realism", "tone", "recovery", "conditions", "withdrawal_criteria"}

// searchHits builds the result cards. A hit without a synopsis highlight
// shows the start of its synopsis.
func (s *Server) searchHits(params url.Values, res *indexer.Result, p *searchPage) error {
	p.Hits = make([]hitView, 0, len(res.Hits))
	// Each hit's tags and their labels, in slices used again hit after
	// hit: tagItems keeps nothing of them.
	tags := make([]tagView, 0, len(hitTagDimensions))
	var labels []string
	reveals := map[string]string{} // a hidden spoiler dimension → this search with it shown
	for _, dim := range hitTagDimensions {
		if s.spoilerHidden(dim, p.ShowSpoilers, p.Shown) {
			reveals[dim] = searchURL(with(params, paramShow, dim))
		}
	}
	for _, h := range res.Hits {
		hv := hitView{ID: h.ID, OriginalTitle: h.OriginalTitle, Meta: s.cb.Label(catalog.FacetMedium, h.Medium) + " · " + strconv.Itoa(h.Year),
			Title: template.HTML(template.HTMLEscapeString(h.Title))}
		if t := h.Highlights["title"]; len(t) > 0 {
			hv.Title = template.HTML(t[0])
		}
		if syn := h.Highlights[indexer.HighlightSynopsis]; len(syn) > 0 {
			hv.Snippet = template.HTML(syn[0])
		} else {
			hv.Snippet = template.HTML(template.HTMLEscapeString(truncateWords(h.Synopsis, 220)))
		}
		hv.Matched = s.matchedLine(h, p.ShowSpoilers, p.Shown)
		tags = tags[:0]
		for _, dim := range hitTagDimensions {
			coding, ok := h.Portrayal[dim]
			d := s.cb.Dimension(dim)
			if !ok || d == nil {
				continue
			}
			labels = labels[:0]
			for _, v := range coding.List() {
				labels = append(labels, s.cb.Label(dim, v))
			}
			if len(labels) > 0 {
				tv := tagView{Dimension: d.Label, Definition: d.Definition, Values: strings.Join(labels, ", "), Warning: d.Warning}
				if s.codingHidden(dim, coding, p.ShowSpoilers, p.Shown) {
					// Neither the values nor a closed reveal holding them:
					// a link to this search with the facet shown, back at
					// this card.
					reveal, ok := reveals[dim]
					if !ok {
						reveal = searchURL(with(params, paramShow, dim))
						reveals[dim] = reveal
					}
					tv = tagView{Dimension: d.Label, Spoiler: true, RevealURL: reveal + "#" + hitAnchor(h.ID)}
				}
				tags = append(tags, tv)
			}
		}
		hv.Tags = tagItems(tags)
		hv.Badge = s.codingBadgeOf(h.CodingStatus, 0, 0)
		p.Hits = append(p.Hits, hv)
	}
	if len(res.Hits) > 0 {
		p.First = (res.Page-1)*res.Size + 1
		p.Last = p.First + len(res.Hits) - 1
	}
	return nil
}

// hitAnchor is the id of a hit's card, where a reveal of its spoilers
// brings the reader back to.
func hitAnchor(id string) string { return "hit-" + id }

// searchFacets builds the sidebar, the active filter chips and the decade
// histogram.
func (s *Server) searchFacets(params url.Values, res *indexer.Result, p *searchPage) {
	for _, fr := range res.Facets {
		f, _ := s.cb.Facet(fr.Name)
		vals := slices.Clone(fr.Values)
		flagged := 0
		vals = slices.DeleteFunc(vals, func(v indexer.FacetValue) bool {
			h := valueHidden(v, fr.Name, p.ShowSpoilers, p.Shown)
			if h {
				flagged++
			}
			return h
		})
		slices.SortStableFunc(vals, func(a, b indexer.FacetValue) int {
			if f.ByCount {
				return b.Count - a.Count
			}
			return f.Compare(a.Value, b.Value)
		})
		top := len(vals)
		if fr.Name != catalog.FacetDecade {
			top = min(top, facetTop)
		}
		if s.hidesFacet(params, p.ShowSpoilers, fr) {
			p.Facets = append(p.Facets, facetView{Name: fr.Name, Label: fr.Label, Hidden: true,
				RevealURL: searchURL(with(params, paramShow, fr.Name))})
			continue
		}
		fv := facetView{Name: fr.Name, Label: fr.Label, Filterable: len(vals) > 10, MoreCount: len(vals) - top,
			Top: facetItems(fr.Name, &f, vals[:top]), More: facetItems(fr.Name, &f, vals[top:])}
		if flagged > 0 {
			fv.SpoilerValues, fv.RevealURL = flagged, searchURL(with(params, paramShow, fr.Name))
		}
		for i, v := range vals {
			if v.Selected {
				p.Active = append(p.Active, activeFilter{Label: fr.Label + ": " + v.Label,
					RemoveURL: searchURL(without(params, fr.Name, v.Value))})
				fv.MoreOpen = fv.MoreOpen || i >= top
				fv.Selected++
			}
		}
		p.Facets = append(p.Facets, fv)
		if fr.Name == catalog.FacetDecade {
			p.Decades, p.DecadesMax = decadeBars(params, vals)
		}
	}
	if y := params.Get(paramYearFrom); y != "" {
		p.Active = append(p.Active, activeFilter{Label: "From " + y, RemoveURL: searchURL(without(params, paramYearFrom, ""))})
	}
	if y := params.Get(paramYearTo); y != "" {
		p.Active = append(p.Active, activeFilter{Label: "To " + y, RemoveURL: searchURL(without(params, paramYearTo, ""))})
	}
	p.ActiveFilters = len(p.Active)
}

// spoilerHidden reports whether a facet's values and counts stay off a
// page ("Recovery: Sudden 4" tells how a story ends): a spoiler facet's
// do, unless the reader shows spoilers site-wide or asked for this facet
// (shown: paramShow's values).
func (s *Server) spoilerHidden(facet string, showSpoilers bool, shown []string) bool {
	d := s.cb.Dimension(facet)
	return d != nil && d.Spoiler && !showSpoilers && !slices.Contains(shown, facet)
}

// codingHidden reports whether a work's coding of dim stays off a page:
// the dimension is a spoiler (spoilerHidden), or a curator flagged this
// coding as one, and the reader has not chosen to see it.
func (s *Server) codingHidden(dim string, c catalog.Coding, showSpoilers bool, shown []string) bool {
	return s.spoilerHidden(dim, showSpoilers, shown) || (c.Spoiler && !showSpoilers && !slices.Contains(shown, dim))
}

// valueHidden reports whether a facet value's label and count stay off a
// page because some work counted carries it in a coding flagged as a
// spoiler (indexer.FacetValue.Spoiler), unless the reader chose the value
// or chose to see the facet's spoilers.
func valueHidden(v indexer.FacetValue, facet string, showSpoilers bool, shown []string) bool {
	return v.Spoiler && !v.Selected && !showSpoilers && !slices.Contains(shown, facet)
}

// flaggedSuggestion reports whether a suggested filter's value is one the
// sidebar leaves off (valueHidden): its count would tell as much.
func flaggedSuggestion(res *indexer.Result, sf suggestedFilter, showSpoilers bool, shown []string) bool {
	for _, fr := range res.Facets {
		if fr.Name != sf.Facet {
			continue
		}
		for _, v := range fr.Values {
			if v.Value == sf.Value {
				return valueHidden(v, fr.Name, showSpoilers, shown)
			}
		}
	}
	return false
}

// hidesFacet reports whether the sidebar keeps a facet's values off the
// page (spoilerHidden), unless the search filters by it: a value the
// reader chose is no surprise.
func (s *Server) hidesFacet(params url.Values, showSpoilers bool, fr indexer.FacetResult) bool {
	return s.spoilerHidden(fr.Name, showSpoilers, params[paramShow]) &&
		!slices.ContainsFunc(fr.Values, func(v indexer.FacetValue) bool { return v.Selected })
}

// decadeBars lays out the decade histogram: one bar per decade, its height
// in proportion to the count, each a link that toggles the decade filter.
func decadeBars(params url.Values, vals []indexer.FacetValue) ([]decadeBar, int) {
	most := 0
	for _, v := range vals {
		most = max(most, v.Count)
	}
	// The box is histogramWidth wide whatever the number of decades, so
	// the labels keep their size.
	step := histogramWidth / max(len(vals), 6)
	var bars []decadeBar
	for i, v := range vals {
		h := 0
		if most > 0 {
			h = max(1, v.Count*40/most)
		}
		u := toggled(params, catalog.FacetDecade, v.Value)
		label, short := v.Value+"s", v.Value
		if len(short) == 4 {
			short = short[2:] // "2010" is "10"
		}
		bars = append(bars, decadeBar{Label: label, Short: short, Summary: label + ": " + strconv.Itoa(v.Count), URL: searchURL(u),
			Height: h, Y: 40 - h, X: i * step, Width: step - 3, Selected: v.Selected})
	}
	return bars, histogramWidth
}

// histogramWidth is the width of the decade histogram's view box.
const histogramWidth = 120

// searchPages builds the pagination: first, last, and the pages around the
// current one; and, for a page past the last, a link back to the last.
func (s *Server) searchPages(params url.Values, res *indexer.Result, p *searchPage) {
	pages := (res.Total + res.Size - 1) / res.Size
	link := func(n int) string {
		v := without(params, paramPage, "")
		if n > 1 {
			v.Set(paramPage, strconv.Itoa(n))
		}
		return searchURL(v)
	}
	if pages >= 1 && res.Page > pages {
		p.PastEnd = &pastEnd{Page: res.Page, Last: pages, LastURL: link(pages)}
	}
	if pages <= 1 {
		return
	}
	if res.Page > 1 {
		// Past the end, "Previous" is the last page, not the one before
		// the page asked for, which is past the end too.
		p.Prev = link(min(res.Page-1, pages))
	}
	if res.Page < pages {
		p.Next = link(res.Page + 1)
	}
	last := 0
	for n := 1; n <= pages; n++ {
		if n != 1 && n != pages && (n < res.Page-2 || n > res.Page+2) {
			continue
		}
		p.Pages = append(p.Pages, pageLink{N: n, URL: link(n), Current: n == res.Page, Gap: last != 0 && n != last+1})
		last = n
	}
}

// searchURL is the search page's URL with these parameters.
func searchURL(v url.Values) string {
	if len(v) == 0 {
		return "/"
	}
	return "/?" + v.Encode()
}

// without returns a copy of the parameters without one value of a
// parameter (all of its values when value is ""), and without the page,
// which a changed search starts again from.
func without(params url.Values, name, value string) url.Values {
	v := url.Values{}
	for k, vals := range params {
		if k == paramPage && name != paramPage {
			continue
		}
		for _, x := range vals {
			if k == name && (value == "" || x == value) {
				continue
			}
			v.Add(k, x)
		}
	}
	return v
}

// with returns a copy of the parameters with one more value of a
// parameter, the page kept: showing a facet changes nothing of the search.
func with(params url.Values, name, value string) url.Values {
	v := url.Values{}
	for k, vals := range params {
		v[k] = slices.Clone(vals)
	}
	v.Add(name, value)
	return v
}

// toggled returns the parameters with a facet value added, or removed if
// it was there.
func toggled(params url.Values, name, value string) url.Values {
	if slices.Contains(params[name], value) {
		return without(params, name, value)
	}
	v := without(params, "", "")
	v.Add(name, value)
	return v
}

func truncateWords(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndexByte(s[:n], ' ')
	if cut < n/2 {
		cut = n
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
	}
	return strings.TrimRight(s[:cut], " ,;:.") + "…"
}
