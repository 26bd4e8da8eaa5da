package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/contingency"
	"github.com/komoru/komoru/indexer"
)

// The cross-tab's own parameters; every other one is the search's.
const (
	paramRow = "row"
	paramCol = "col"
)

// crosstabPalette is how many series colours komoru.css defines for the
// stacked bars (.xt-c0 …): a table with more columns is not charted, as
// colours used twice would make the chart lie.
const crosstabPalette = 10

// crosstabPage is /stats/crosstab: the contingency table of two facets
// over a search's works, with a chi-square test of independence.
type crosstabPage struct {
	layout
	Row, Col   string // the facets asked for, as given
	Facets     []crosstabOption
	Keep       []hiddenParam // the search's parameters, kept by the form
	Search     string        // what the search is, in words ("" for every work)
	SearchURL  string
	CSVURL     string
	SwapURL    string
	Errors     []paramError
	Reveal     []crosstabReveal // spoiler facets hidden, with links that show them
	Table      *crosstabTable   // nil when there are errors or spoilers hidden
	Works      int              // the search's works
	Missing    int              // works lacking a value of row or of col
	RowLabel   string
	ColLabel   string
	Multi      bool // row or col is multi-valued: the note says how it counts
	TooSmall   bool // no test: fewer than two rows or columns with works
	Stats      *crosstabStats
	Chart      bool // the table has few enough columns to chart
	ChartWidth int  // of each bar's view box
}

type crosstabOption struct{ Name, Label string }

type hiddenParam struct{ Name, Value string }

// crosstabReveal is "Recovery: show (spoilers)".
type crosstabReveal struct{ Label, URL string }

// crosstabTable is the table as the page shows it: counts, row
// percentages and totals.
type crosstabTable struct {
	Cols      []crosstabHead
	Rows      []crosstabRow
	ColTotals []int
	Total     int // the sum of all cells
}

type crosstabHead struct {
	Label string
	Class string // the series colour (xt-c0 …) of the legend and bars
}

type crosstabRow struct {
	Label string
	Cells []crosstabCell
	Total int
	Bar   []crosstabSegment
	Aria  string // the bar in words, for screen readers
}

type crosstabCell struct {
	Count int
	Pct   string // of the row's total: "42.9%"
}

// crosstabSegment is one column's part of a row's 100% bar, in view box
// units (0 to crosstabBarWidth).
type crosstabSegment struct {
	X, Width float64
	Class    string
	Title    string
}

// crosstabBarWidth is the width of a bar's view box; the bar stretches
// to its column.
const crosstabBarWidth = 1000

// crosstabStats is the test of independence, formatted.
type crosstabStats struct {
	ChiSquare, P, CramersV string
	DF                     int
	Sparse, Cells          int
	Fisher                 string // "" unless the table is 2×2
}

// crosstabSearcher is a Searcher that also tabulates (*indexer.Index).
type crosstabSearcher interface {
	Crosstab(ctx context.Context, q indexer.Query, row, col string) (*indexer.Crosstab, error)
}

// crosstabRequest is a parsed cross-tab URL: the search, the facets and
// the search's parameters to keep in links.
type crosstabRequest struct {
	q        indexer.Query
	row, col string
	keep     url.Values // the search's parameters, with show=
}

// parseCrosstab reads a cross-tab URL: row and col, and the search's
// parameters as the search page reads them (parseSearchParams), so that
// the table covers exactly the search's works. Every problem comes back
// under its parameter's name, as a 400.
func (s *Server) parseCrosstab(params url.Values) (crosstabRequest, error) {
	r := crosstabRequest{row: strings.TrimSpace(params.Get(paramRow)), col: strings.TrimSpace(params.Get(paramCol)), keep: url.Values{}}
	search := url.Values{}
	for k, vs := range params {
		switch k {
		case paramRow, paramCol:
			continue
		case paramPage, paramSize, paramSort, paramExplain:
			// Which works a search matches does not depend on them.
		default:
			r.keep[k] = vs
		}
		search[k] = vs
	}
	fields := map[string]string{}
	q, err := parseSearchParams(search, s.cb)
	var bad *httpError
	if errors.As(err, &bad) {
		fields = bad.fields
	} else if err != nil {
		return r, err
	}
	r.q = q
	for _, p := range []struct{ name, facet string }{{paramRow, r.row}, {paramCol, r.col}} {
		if len(params[p.name]) > 1 {
			fields[p.name] = "give it once"
		} else if _, ok := s.cb.Facet(p.facet); !ok {
			fields[p.name] = "must name a facet, such as realism or decade"
		}
	}
	if r.row != "" && r.row == r.col && fields[paramCol] == "" {
		fields[paramCol] = "must differ from row"
	}
	if len(fields) > 0 {
		return r, badParams(fields)
	}
	return r, nil
}

// crosstab runs the table within the search limits, as a search.
func (s *Server) crosstab(ctx context.Context, r crosstabRequest) (*indexer.Crosstab, error) {
	xs, ok := s.search.(crosstabSearcher)
	if !ok {
		return nil, errNoIndex
	}
	var x *indexer.Crosstab
	err := s.searches.do(ctx, func(ctx context.Context) error {
		var err error
		x, err = xs.Crosstab(ctx, r.q, r.row, r.col)
		return err
	})
	var ve *catalog.ValidationError
	if errors.As(err, &ve) {
		return nil, badParams(ve.Fields) // a 400, as the search's
	}
	return x, err
}

func (s *Server) pageCrosstab(c *gin.Context) error {
	if s.search == nil {
		return errNoIndex
	}
	params := c.Request.URL.Query()
	if params.Get(paramRow) == "" && params.Get(paramCol) == "" {
		// The bare page starts with a question the catalog was made for.
		params.Set(paramRow, "realism")
		params.Set(paramCol, "tone")
	}
	r, err := s.parseCrosstab(params)
	p := s.crosstabForm(c, params, r)
	var bad *httpError
	if errors.As(err, &bad) && len(bad.fields) > 0 {
		p.Errors = paramErrors(bad.fields, s.crosstabParamLabel)
		_ = c.Error(bad)
		s.render(c, bad.status, "crosstab", p)
		return nil
	}
	if err != nil {
		return err
	}
	x, err := s.crosstab(c.Request.Context(), r)
	if err != nil {
		return err
	}
	isSpoiler := func(v indexer.FacetValue) bool { return v.Spoiler }
	for _, side := range []struct {
		f    string
		vals []indexer.FacetValue
	}{{r.row, x.Rows}, {r.col, x.Cols}} {
		f, vals := side.f, side.vals
		if s.tableHidden(f, len(r.q.Filters[f]) > 0, slices.ContainsFunc(vals, isSpoiler), p.ShowSpoilers, r.keep[paramShow]) {
			p.Reveal = append(p.Reveal, crosstabReveal{Label: s.paramLabel(f), URL: crosstabURL("/stats/crosstab", with(params, paramShow, f))})
		}
	}
	p.Works = x.Works
	if len(p.Reveal) == 0 {
		s.fillCrosstab(&p, x)
	}
	s.render(c, http.StatusOK, "crosstab", p)
	return nil
}

// crosstabForm is the page without its table: the title, the form that
// picks the facets, the search it covers and its links.
func (s *Server) crosstabForm(c *gin.Context, params url.Values, r crosstabRequest) crosstabPage {
	p := crosstabPage{Row: r.row, Col: r.col, RowLabel: s.paramLabel(r.row), ColLabel: s.paramLabel(r.col), ChartWidth: crosstabBarWidth}
	p.layout = s.layout(c, p.RowLabel+" by "+p.ColLabel+": cross-tab")
	for _, f := range s.cb.Facets() {
		p.Facets = append(p.Facets, crosstabOption{Name: f.Name, Label: f.Label})
		if f.Name == r.row || f.Name == r.col {
			p.Multi = p.Multi || f.Multi
		}
	}
	names := make([]string, 0, len(r.keep))
	for k := range r.keep {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		for _, v := range r.keep[k] {
			p.Keep = append(p.Keep, hiddenParam{Name: k, Value: v})
		}
	}
	search := without(r.keep, paramShow, "")
	p.Search = s.describeSearch(r.q)
	p.SearchURL = searchURL(search)
	p.CSVURL = crosstabURL("/stats/crosstab.csv", params)
	swapped := url.Values{}
	for k, vs := range params {
		swapped[k] = vs
	}
	swapped[paramRow], swapped[paramCol] = params[paramCol], params[paramRow]
	p.SwapURL = crosstabURL("/stats/crosstab", swapped)
	return p
}

// describeSearch says which works a search matches, in the page's words:
// `“nhk”; Medium: Manga or Anime series; 2000 to 2010`.
func (s *Server) describeSearch(q indexer.Query) string {
	var parts []string
	if q.Text != "" {
		parts = append(parts, "“"+q.Text+"”")
	}
	for _, f := range s.cb.Facets() {
		vs := q.Filters[f.Name]
		if len(vs) == 0 {
			continue
		}
		labels := make([]string, len(vs))
		for i, v := range vs {
			labels[i] = f.ValueLabel(v)
		}
		parts = append(parts, f.Label+": "+strings.Join(labels, " or "))
	}
	switch {
	case q.YearFrom > 0 && q.YearTo > 0:
		parts = append(parts, fmt.Sprintf("%d to %d", q.YearFrom, q.YearTo))
	case q.YearFrom > 0:
		parts = append(parts, fmt.Sprintf("from %d", q.YearFrom))
	case q.YearTo > 0:
		parts = append(parts, fmt.Sprintf("to %d", q.YearTo))
	}
	return strings.Join(parts, "; ")
}

// fillCrosstab puts the table, its chart and its test on the page.
func (s *Server) fillCrosstab(p *crosstabPage, x *indexer.Crosstab) {
	p.Missing = x.Missing
	t := &crosstabTable{ColTotals: make([]int, len(x.Cols))}
	p.Chart = len(x.Cols) <= crosstabPalette
	for j, c := range x.Cols {
		t.Cols = append(t.Cols, crosstabHead{Label: c.Label, Class: "xt-c" + strconv.Itoa(j%crosstabPalette)})
	}
	for i, rv := range x.Rows {
		row := crosstabRow{Label: rv.Label}
		for _, n := range x.Counts[i] {
			row.Total += n
		}
		var x0 float64
		var words []string
		for j, n := range x.Counts[i] {
			pct := percent(n, row.Total)
			row.Cells = append(row.Cells, crosstabCell{Count: n, Pct: pct})
			t.ColTotals[j] += n
			if n == 0 {
				continue
			}
			w := float64(n) * crosstabBarWidth / float64(row.Total)
			row.Bar = append(row.Bar, crosstabSegment{X: x0, Width: w, Class: t.Cols[j].Class,
				Title: t.Cols[j].Label + ": " + strconv.Itoa(n) + " (" + pct + ")"})
			words = append(words, t.Cols[j].Label+" "+pct)
			x0 += w
		}
		row.Aria = rv.Label + ": " + strings.Join(words, ", ")
		t.Total += row.Total
		t.Rows = append(t.Rows, row)
	}
	p.Table = t
	test, err := contingency.Analyze(x.Counts)
	if err != nil {
		// Only a table under 2×2 fails: the index gives no empty rows,
		// no ragged ones and no negative counts.
		p.TooSmall = true
		return
	}
	p.Stats = &crosstabStats{
		ChiSquare: strconv.FormatFloat(test.ChiSquare, 'f', 2, 64),
		DF:        test.DF,
		P:         formatP(test.P),
		CramersV:  strconv.FormatFloat(test.CramersV, 'f', 3, 64),
		Sparse:    test.Sparse,
		Cells:     test.Cells,
	}
	if test.HasFisher() {
		p.Stats.Fisher = formatP(test.Fisher)
	}
}

// percent is n of total as a percentage with one decimal.
func percent(n, total int) string {
	if total == 0 {
		return "–"
	}
	return strconv.FormatFloat(float64(n)*100/float64(total), 'f', 1, 64) + "%"
}

// formatP writes a p-value with three significant digits: 0.486,
// 0.0123, 2.95e-07.
func formatP(p float64) string {
	return strconv.FormatFloat(p, 'g', 3, 64)
}

// crosstabParamLabel names a parameter on the page: row and col by what
// the form calls them, the search's as the search page does.
func (s *Server) crosstabParamLabel(name string) string {
	switch name {
	case paramRow:
		return "Rows"
	case paramCol:
		return "Columns"
	}
	return s.paramLabel(name)
}

// crosstabURL is a path with parameters, row and col first, as a reader
// would write them.
func crosstabURL(path string, v url.Values) string {
	var parts []string
	rest := url.Values{}
	for k, vs := range v {
		if k != paramRow && k != paramCol {
			rest[k] = vs
		}
	}
	for _, k := range []string{paramRow, paramCol} {
		for _, x := range v[k] {
			parts = append(parts, k+"="+url.QueryEscape(x))
		}
	}
	if e := rest.Encode(); e != "" {
		parts = append(parts, e)
	}
	if len(parts) == 0 {
		return path
	}
	return path + "?" + strings.Join(parts, "&")
}

// crosstabCSV serves /stats/crosstab.csv: the table of counts, with the
// row and column totals. It takes the page's parameters.
func (s *Server) crosstabCSV(c *gin.Context) error {
	if s.search == nil {
		return errNoIndex
	}
	r, err := s.parseCrosstab(c.Request.URL.Query())
	if err != nil {
		return err
	}
	x, err := s.crosstab(c.Request.Context(), r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	head := []string{s.paramLabel(r.row) + " \\ " + s.paramLabel(r.col)}
	for _, cv := range x.Cols {
		head = append(head, cv.Label)
	}
	_ = w.Write(append(head, "Total"))
	colTotals := make([]int, len(x.Cols))
	total := 0
	for i, rv := range x.Rows {
		rec := []string{rv.Label}
		sum := 0
		for j, n := range x.Counts[i] {
			rec = append(rec, strconv.Itoa(n))
			sum += n
			colTotals[j] += n
		}
		total += sum
		_ = w.Write(append(rec, strconv.Itoa(sum)))
	}
	rec := []string{"Total"}
	for _, n := range colTotals {
		rec = append(rec, strconv.Itoa(n))
	}
	_ = w.Write(append(rec, strconv.Itoa(total)))
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	c.Header("Content-Disposition", `attachment; filename="komoru-`+r.row+`-by-`+r.col+`.csv"`)
	c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
	return nil
}
