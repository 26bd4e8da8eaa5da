package server

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/agreement"
)

// agreementPage is /rounds/{id}/agreement: how far a round's coders
// agree, per dimension.
type agreementPage struct {
	layout
	Round      catalog.Round
	Open       bool
	JSONURL    string
	Resamples  int
	Dimensions []agreementDim
}

// agreementDim is one dimension's figures, worded for people.
type agreementDim struct {
	ID, Label               string
	Level                   agreement.Level
	Alpha                   string // to 3 decimals, or "undefined"
	CI                      string // "0.700 to 0.910", or "" when there is none
	Reading                 string // Krippendorff's reading, in words
	Class                   string // the reading, for the badge's style
	Undefined               string // why Alpha is undefined
	Units, Coders, Pairable int
	CSVURL                  string
	// Hidden keeps a spoiler dimension's values (the matrix and the
	// per-value alphas) off the page until the reader asks; ShowURL asks.
	Hidden   bool
	ShowURL  string
	Heatmap  template.HTML
	Matrix   agreementMatrix
	PerValue []agreementValue
	Pairwise []agreementPair
}

// agreementMatrix is the coincidence matrix as the table under the
// heatmap has it.
type agreementMatrix struct {
	Labels []string
	Rows   [][]string // counts, formatted
}

type agreementValue struct {
	Label, Alpha, Reading string
}

type agreementPair struct {
	A, B      string
	Units     int
	Alpha     string
	Reading   string
	Identical string // a percentage, or "–"
}

// readingWords says Krippendorff's reading of an alpha in words, so that
// the page never tells it by colour alone.
func readingWords(r string) string {
	switch r {
	case agreement.ReadingReliable:
		return "reliable"
	case agreement.ReadingTentative:
		return "tentative: only tentative conclusions"
	case agreement.ReadingUnreliable:
		return "not reliable"
	}
	return "undefined"
}

// alphaText writes an alpha to 3 decimals, or "undefined" for NaN.
func alphaText(a float64) string {
	if math.IsNaN(a) {
		return "undefined"
	}
	return strconv.FormatFloat(a, 'f', 3, 64)
}

func (s *Server) pageAgreement(c *gin.Context) error {
	f, err := s.roundAgreement(c, c.Param("id"))
	if err != nil {
		return err
	}
	r := f.round
	p := agreementPage{layout: s.layout(c, "Agreement in "+r.Name), Round: r, Open: r.State == catalog.RoundOpen,
		JSONURL: "/api/v1/rounds/" + url.PathEscape(r.ID) + "/agreement", Resamples: f.report.Resamples}
	shown := c.QueryArray(paramShow)
	for _, d := range f.dims {
		cd := s.cb.Dimension(d.ID)
		ad := agreementDim{ID: d.ID, Label: d.Label, Level: d.Level, Alpha: alphaText(d.Alpha), Reading: readingWords(d.Reading),
			Class: d.Reading, Undefined: d.Undefined, Units: d.Result.Units, Coders: d.Coders, Pairable: d.Pairable,
			CSVURL: "/rounds/" + url.PathEscape(r.ID) + "/reliability/" + url.PathEscape(d.ID) + ".csv",
			Hidden: s.spoilerHidden(d.ID, p.ShowSpoilers, shown)}
		if !math.IsNaN(d.CI95[0]) {
			ad.CI = alphaText(d.CI95[0]) + " to " + alphaText(d.CI95[1])
		}
		if ad.Hidden {
			ad.ShowURL = c.Request.URL.Path + "?" + url.Values{paramShow: append(slices.Clone(shown), d.ID)}.Encode() + "#" + d.ID
		} else {
			labels := make([]string, len(d.Coincidence.Values))
			for i, v := range d.Coincidence.Values {
				labels[i] = valueLabel(cd, d.Level, v)
			}
			ad.Matrix.Labels = labels
			for _, row := range d.Coincidence.Counts {
				cells := make([]string, len(row))
				for j, n := range row {
					cells[j] = countText(n)
				}
				ad.Matrix.Rows = append(ad.Matrix.Rows, cells)
			}
			ad.Heatmap = heatmapSVG("hm-"+d.ID, "Coincidences of "+d.Label, labels, d.Coincidence.Counts)
			for _, v := range d.PerValue {
				ad.PerValue = append(ad.PerValue, agreementValue{Label: valueLabel(cd, d.Level, v.Value), Alpha: alphaText(v.Alpha), Reading: readingWords(v.Reading)})
			}
		}
		for _, pr := range d.Pairwise {
			ap := agreementPair{A: pr.A, B: pr.B, Units: pr.Units, Alpha: alphaText(pr.Alpha), Reading: readingWords(pr.Reading), Identical: "–"}
			if !math.IsNaN(pr.Identical) {
				ap.Identical = strconv.Itoa(int(math.Round(100*pr.Identical))) + "%"
			}
			ad.Pairwise = append(ad.Pairwise, ap)
		}
		p.Dimensions = append(p.Dimensions, ad)
	}
	s.render(c, http.StatusOK, "agreement", p)
	return nil
}

// valueLabel names a value of the coincidence matrix for people: the
// codebook's label, for a set each of its labels joined by " + ", and
// the empty set "none coded".
func valueLabel(d *catalog.Dimension, level agreement.Level, v string) string {
	parts := []string{v}
	if level == agreement.LevelSet {
		if v == agreement.NoneLabel {
			return "none coded"
		}
		parts = strings.Split(v, "+")
	}
	for i, id := range parts {
		if d == nil {
			continue
		}
		for _, cv := range d.Values {
			if cv.ID == id {
				parts[i] = cv.Label
			}
		}
	}
	return strings.Join(parts, " + ")
}

// countText writes a coincidence count: whole, or to 2 decimals where a
// unit of three or more values weighs its pairs by 1/(m−1).
func countText(n float64) string {
	return strconv.FormatFloat(math.Round(n*100)/100, 'f', -1, 64)
}

// heatmapCell is the size of a heatmap's cell, in SVG units.
const heatmapCell = 44.0

// heatmapSVG draws a coincidence matrix as an inline SVG heatmap: a row
// per value (numbered, with its label), a column per value (its number),
// each cell shaded by its count and the count written in it, so that the
// figure is read without colour. The shades run from a pale to a deep
// blue whatever the theme, and each count's colour is picked for its
// cell (textOn). It is a kchart, so it takes the charts' text styles and
// the contrast audit reads it.
func heatmapSVG(id, title string, labels []string, counts [][]float64) template.HTML {
	esc := html.EscapeString
	n := len(labels)
	labelW := 0.0
	for i, l := range labels {
		labelW = max(labelW, textWidth(strconv.Itoa(i+1)+". "+l, chartFont))
	}
	labelW = min(labelW, 220) + 10
	top := lineHeight * 2
	colTitle, rowTitle := "Another coder's value (by number)", "Rows: a coder's value"
	// Wide enough for the axes' titles (bold, so wider than textWidth
	// guesses) over a matrix of few values.
	w := max(labelW+float64(n)*heatmapCell+2, labelW+1.15*textWidth(colTitle, chartFont), 1.15*textWidth(rowTitle, chartFont))
	h := top + float64(n)*heatmapCell + lineHeight + 8
	peak := 0.0
	for _, row := range counts {
		for _, v := range row {
			peak = max(peak, v)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="kchart heatmap" viewBox="0 0 %.0f %.0f" width="%.0f" role="img" aria-labelledby="%s-t %s-d">`, w, h, w, id, id)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title>`, id, esc(title))
	fmt.Fprintf(&b, `<desc id="%s-d">Pairs of values that coders gave the same work, value against value: the diagonal is agreement, the rest confusions. The counts are in the table below.</desc>`, id)
	fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="axis-title">%s</text>`, labelW, lineHeight-4, esc(colTitle))
	for j := range n {
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="tick" text-anchor="middle">%d</text>`, labelW+(float64(j)+0.5)*heatmapCell, top-6, j+1)
	}
	for i, row := range counts {
		y := top + float64(i)*heatmapCell
		label := strconv.Itoa(i+1) + ". " + labels[i]
		fit := fitText(label, labelW-10)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="cat" text-anchor="end"><title>%s</title>%s</text>`, labelW-8, y+heatmapCell/2+5, esc(label), esc(fit))
		for j, v := range row {
			x := labelW + float64(j)*heatmapCell
			cell := fmt.Sprintf("%s with %s: %s", labels[i], labels[j], countText(v))
			if v == 0 {
				fmt.Fprintf(&b, `<rect class="hm-zero" x="%.1f" y="%.1f" width="%.0f" height="%.0f"><title>%s</title></rect>`, x+1, y+1, heatmapCell-2, heatmapCell-2, esc(cell))
				fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="hm-zero" text-anchor="middle">0</text>`, x+heatmapCell/2, y+heatmapCell/2+5)
				continue
			}
			rgb := heatShade(v / peak)
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.0f" height="%.0f" fill="rgb(%d, %d, %d)"><title>%s</title></rect>`, x+1, y+1, heatmapCell-2, heatmapCell-2, rgb[0], rgb[1], rgb[2], esc(cell))
			// data-bg: the contrast audit reads a count against its cell.
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="%s" text-anchor="middle" data-bg="rgb(%d, %d, %d)">%s</text>`,
				x+heatmapCell/2, y+heatmapCell/2+5, textOn(rgb), rgb[0], rgb[1], rgb[2], countText(v))
		}
	}
	fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="axis-title">%s</text>`, 0.0, h-6, esc(rowTitle))
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // every text in it is escaped above
}

// heatShade is the fill of a cell at share t (0 to 1] of the largest
// count: from a pale to a deep blue.
func heatShade(t float64) [3]uint8 {
	lo, hi := [3]float64{0xdc, 0xea, 0xf7}, [3]float64{0x08, 0x30, 0x6b}
	var c [3]uint8
	for k := range c {
		c[k] = uint8(math.Round(lo[k] + (hi[k]-lo[k])*t))
	}
	return c
}

// reliabilityCSV serves /rounds/{id}/reliability/{dimension}.csv: one
// dimension's reliability data, units × coders, as R's irr and Python's
// krippendorff read it.
func (s *Server) reliabilityCSV(c *gin.Context) error {
	dim, ok := strings.CutSuffix(c.Param("file"), ".csv")
	if !ok {
		return errNotFound("no file " + c.Param("file") + ": the reliability data is {dimension}.csv")
	}
	f, err := s.roundAgreement(c, c.Param("id"))
	if err != nil {
		return err
	}
	i := slices.IndexFunc(f.dims, func(d agreement.Dimension) bool { return d.ID == dim })
	if i < 0 {
		return errNotFound("round " + f.round.ID + " does not code " + dim)
	}
	d := f.dims[i]
	var b strings.Builder
	if err := agreement.WriteReliabilityCSV(&b, d.Units, f.round.Coders, d.Level); err != nil {
		return err
	}
	c.Header("Content-Disposition", `attachment; filename="komoru-`+f.round.ID+"-"+d.ID+`.csv"`)
	c.Data(http.StatusOK, "text/csv; charset=utf-8", []byte(b.String()))
	return nil
}
