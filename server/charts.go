package server

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"html"
	"io/fs"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/indexer"
)

// chartSpec is one chart of the stats page: a cross-tab of the search's
// works, one horizontal bar per value of Row, split into a segment per
// value of Col. Horizontal bars keep their labels on the left, where a
// phone has room for them.
type chartSpec struct {
	Name, Title string
	Row, Col    string
	// Question is the line under the title: what the chart answers.
	Question string
	// Percent draws each bar as its row's 100%: shares, not counts, where
	// the rows differ in size and the question is about proportions.
	Percent bool
	// Share is a Col value whose share of each bar its label tells
	// ("5 of 20 (25%)"): Col is single-valued, so a bar is its row's works.
	Share string
	// Alone draws one bar per Row value, its works, without segments; Col
	// must be a facet every work has exactly one value of, so that a
	// row's sum is its works.
	Alone bool
	// SeriesLabels rename Col's values where their own labels ("Yes")
	// say nothing out of context.
	SeriesLabels map[string]string
}

// chartSpecs are the stats page's charts, in order: the shape of the
// catalog, then the seed's questions.
var chartSpecs = []chartSpec{
	{Name: "decade-realism", Title: "Works per decade, by realism", Row: catalog.FacetDecade, Col: "realism",
		Question: "How the portrayals were made, decade by decade."},
	{Name: "decade-female-lead", Title: "Female hikikomori leads per decade", Row: catalog.FacetDecade, Col: catalog.FacetFemaleHikikomoriLead,
		Share: "true", Question: "How many works each decade have a protagonist who is a female hikikomori, and what share of the decade's works that is.",
		SeriesLabels: map[string]string{"true": "Female hikikomori lead", "false": "Other works"}},
	{Name: "medium-realism", Title: "Realism by medium", Row: catalog.FacetMedium, Col: "realism", Percent: true,
		Question: "Which media romanticize withdrawal, as shares of each medium's works."},
	{Name: "realism-recovery", Title: "Recovery by realism", Row: "realism", Col: "recovery", Percent: true,
		Question: "Are the romanticized works the ones with sudden recoveries? Shares of each kind of portrayal's works."},
	{Name: "decade-internet", Title: "The internet's role by decade", Row: catalog.FacetDecade, Col: "internet_role",
		Question: "What the internet is to the withdrawn character, decade by decade."},
	{Name: "medium-gender", Title: "Hikikomori gender by medium", Row: catalog.FacetMedium, Col: catalog.FacetHikikomoriGenders},
	{Name: "medium-recovery", Title: "Recovery depiction by medium", Row: catalog.FacetMedium, Col: "recovery"},
	{Name: "countries", Title: "Country of origin", Row: catalog.FacetCountries, Col: catalog.FacetMedium, Alone: true},
}

// chartData is a chart's numbers: one value per series and bar.
type chartData struct {
	Spec       chartSpec
	Axis       string // the bars' axis title: the Row facet's label
	ValueAxis  string // the value axis title
	Categories []string
	Series     []chartSeries
	Totals     []int // each bar's length in works: the sum of its segments
	Works      int   // works charted
	Multi      bool  // Col is multi-valued: a work counts once per value
	// Flagged are the chart's facets (Row, Col) with a value that some
	// work charted carries in a coding flagged as a spoiler.
	Flagged []string
}

type chartSeries struct {
	Label  string
	Values []int
}

// buildChart turns a cross-tab into a chart's numbers: empty rows and
// series are left out; an open list's rows (countries) come most common
// first.
func buildChart(spec chartSpec, cb *catalog.Codebook, xt *indexer.Crosstab) chartData {
	rowFacet, _ := cb.Facet(spec.Row)
	colFacet, _ := cb.Facet(spec.Col)
	d := chartData{Spec: spec, Axis: rowFacet.Label, Works: xt.Works, Multi: colFacet.Multi && !spec.Alone}
	isSpoiler := func(v indexer.FacetValue) bool { return v.Spoiler }
	if slices.ContainsFunc(xt.Rows, isSpoiler) {
		d.Flagged = append(d.Flagged, spec.Row)
	}
	if slices.ContainsFunc(xt.Cols, isSpoiler) {
		d.Flagged = append(d.Flagged, spec.Col)
	}
	switch {
	case spec.Percent:
		d.ValueAxis = "Share of works (%)"
	case d.Multi:
		d.ValueAxis = "Works (once per value)"
	default:
		d.ValueAxis = "Works"
	}
	rows := make([]int, 0, len(xt.Rows))
	for i := range xt.Rows {
		if sum(xt.Counts[i]) > 0 {
			rows = append(rows, i)
		}
	}
	if rowFacet.ByCount {
		slices.SortStableFunc(rows, func(a, b int) int {
			if n := sum(xt.Counts[b]) - sum(xt.Counts[a]); n != 0 {
				return n
			}
			return strings.Compare(xt.Rows[a].Label, xt.Rows[b].Label)
		})
	}
	for _, i := range rows {
		d.Categories = append(d.Categories, xt.Rows[i].Label)
		d.Totals = append(d.Totals, sum(xt.Counts[i]))
	}
	if spec.Alone {
		d.Series = []chartSeries{{Label: "Works", Values: d.Totals}}
		return d
	}
	for j, c := range xt.Cols {
		s := chartSeries{Label: c.Label}
		if l, ok := spec.SeriesLabels[c.Value]; ok {
			s.Label = l
		}
		n := 0
		for _, i := range rows {
			s.Values = append(s.Values, xt.Counts[i][j])
			n += xt.Counts[i][j]
		}
		if n > 0 || c.Value == spec.Share {
			d.Series = append(d.Series, s)
		}
	}
	return d
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

// share is the index of the series a Share chart tells the share of, or -1.
func (d chartData) share() int {
	if d.Spec.Share == "" {
		return -1
	}
	want := d.Spec.SeriesLabels[d.Spec.Share]
	return slices.IndexFunc(d.Series, func(s chartSeries) bool { return s.Label == want })
}

// wholePercent is n as a whole percentage of total.
func wholePercent(n, total int) int {
	if total == 0 {
		return 0
	}
	return int(math.Round(100 * float64(n) / float64(total)))
}

// Table is the chart's numbers as the page's table and the CSV have
// them: a row per bar, a column per series, and the bar's total or the
// share the chart tells.
func (d chartData) Table() (header []string, rows [][]string) {
	header = []string{d.Axis}
	for _, s := range d.Series {
		header = append(header, s.Label)
	}
	share := d.share()
	switch {
	case share >= 0:
		header = append(header, "Works", d.Series[share].Label+" (%)")
	case !d.Spec.Alone:
		header = append(header, "Total")
	}
	for i, cat := range d.Categories {
		row := []string{cat}
		for _, s := range d.Series {
			row = append(row, strconv.Itoa(s.Values[i]))
		}
		switch {
		case share >= 0:
			row = append(row, strconv.Itoa(d.Totals[i]), strconv.Itoa(wholePercent(d.Series[share].Values[i], d.Totals[i])))
		case !d.Spec.Alone:
			row = append(row, strconv.Itoa(d.Totals[i]))
		}
		rows = append(rows, row)
	}
	return header, rows
}

// CSV writes the chart's Table.
func (d chartData) CSV() ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	header, rows := d.Table()
	w.Write(header)
	w.WriteAll(rows)
	return b.Bytes(), w.Error()
}

// Chart geometry, in CSS pixels: the SVG's view box is chartWidth wide and
// the page draws it at most 30rem wide, and at 390 px, the phone's
// 358 px column: chartFont stays above 12 px on a phone, and below 17 px
// on a desktop.
const (
	chartWidth = 400.0
	chartFont  = 14.0
	barHeight  = 18.0
	barGap     = 10.0
	lineHeight = 20.0
	// standaloneMargin is the SVG file's margin around its chart.
	standaloneMargin = 16.0
)

// okabeIto is Okabe and Ito's palette, readable with every common
// colour-vision deficiency, without its black, which the dark theme's
// background would swallow. The CSS gives the classes c0… these colours;
// here they choose the text colour a segment's label needs.
var okabeIto = [][3]uint8{
	{0xe6, 0x9f, 0x00}, {0x56, 0xb4, 0xe9}, {0x00, 0x9e, 0x73}, {0xf0, 0xe4, 0x42},
	{0x00, 0x72, 0xb2}, {0xd5, 0x5e, 0x00}, {0xcc, 0x79, 0xa7},
}

// aloneColour is the class of a one-series chart's bars: the blue, which
// holds 3:1 against both themes' backgrounds.
const aloneColour = 4

// relLuminance is WCAG's relative luminance of a colour.
func relLuminance(c [3]uint8) float64 {
	f := func(v uint8) float64 {
		x := float64(v) / 255
		if x <= 0.03928 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*f(c[0]) + 0.7152*f(c[1]) + 0.0722*f(c[2])
}

// textOn is the label class for text on a colour: black or white,
// whichever contrasts more (at least 4.5:1 for every colour).
func textOn(c [3]uint8) string {
	l := relLuminance(c)
	if (l+0.05)/0.05 >= 1.05/(l+0.05) {
		return "on-light"
	}
	return "on-dark"
}

// textWidth estimates how wide text is at a font size: a generous guess
// per character, since the SVG is laid out before any font is known.
func textWidth(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case r == ' ' || strings.ContainsRune("il.,:;'|!()[]", r):
			w += 0.32
		case r >= 'A' && r <= 'Z', strings.ContainsRune("mw%=+", r):
			w += 0.8
		case r > 0x2e80:
			w += 1.0 // CJK, full width
		default:
			w += 0.64 // as wide as DejaVu Sans's digits, the widest common sans-serif
		}
	}
	return w * size
}

// fitText shortens s with an ellipsis until it fits width.
func fitText(s string, width float64) string {
	if textWidth(s, chartFont) <= width {
		return s
	}
	r := []rune(s)
	for len(r) > 1 && textWidth(string(r)+"…", chartFont) > width {
		r = r[:len(r)-1]
	}
	return strings.TrimSpace(string(r)) + "…"
}

// ticks returns the value axis's ticks: 0 to at least top, at a round step,
// at most n of them.
func ticks(top, n int) []int {
	step := 1
	for _, s := range []int{1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 25000, 50000, 100000} {
		step = s
		if (top+s-1)/s+1 <= n {
			break
		}
	}
	end := max(step, (top+step-1)/step*step)
	var t []int
	for v := 0; v <= end; v += step {
		t = append(t, v)
	}
	return t
}

// svgOptions say where a chart's SVG goes: inline in the page, or a file
// of its own, which carries its title, what it charts and its own style.
type svgOptions struct {
	standalone bool
	style      string // the standalone file's CSS
	subtitle   string // the standalone file's line under the title
}

// SVG draws the chart as horizontal bars: the categories' labels on the
// left, the legend above the bars (where there are series), each bar's
// value (or share) at its end and each segment's count inside it where
// it fits, the value axis and its title below.
func (d chartData) SVG(o svgOptions) []byte {
	var b strings.Builder
	esc := html.EscapeString
	id := d.Spec.Name
	y := 0.0
	var body strings.Builder
	text := func(x, y float64, class, anchor, s string) {
		fmt.Fprintf(&body, `<text x="%.1f" y="%.1f"`, x, y)
		if class != "" {
			fmt.Fprintf(&body, ` class="%s"`, class)
		}
		if anchor != "" {
			fmt.Fprintf(&body, ` text-anchor="%s"`, anchor)
		}
		fmt.Fprintf(&body, `>%s</text>`, esc(s))
	}
	if o.standalone {
		y += lineHeight
		text(0, y-4, "title", "", d.Spec.Title)
		if o.subtitle != "" {
			for _, line := range wrapText(o.subtitle, chartWidth) {
				y += lineHeight
				text(0, y-4, "sub", "", line)
			}
		}
		y += 8
	}
	share := d.share()
	// The legend: a swatch and a label per series, flowing into rows.
	if !d.Spec.Alone && len(d.Series) > 0 {
		x := 0.0
		y += lineHeight
		body.WriteString(`<g class="legend">`)
		for i, s := range d.Series {
			w := 18 + textWidth(s.Label, chartFont)
			if x > 0 && x+w > chartWidth {
				x, y = 0, y+lineHeight
			}
			fmt.Fprintf(&body, `<rect class="c%d" x="%.1f" y="%.1f" width="12" height="12" rx="2"/>`, i%len(okabeIto), x, y-14)
			text(x+18, y-3, "", "", s.Label)
			x += w + 16
		}
		body.WriteString(`</g>`)
		y += 6
	}
	// The bars' axis title, over their labels.
	y += lineHeight
	text(0, y-4, "axis-title", "", d.Axis)

	// Columns: the labels, the bars, and room for the labels at their ends.
	endLabel := func(i int) string {
		switch {
		case share >= 0:
			return fmt.Sprintf("%d of %d (%d%%)", d.Series[share].Values[i], d.Totals[i], wholePercent(d.Series[share].Values[i], d.Totals[i]))
		case d.Spec.Percent:
			return "n = " + strconv.Itoa(d.Totals[i])
		}
		return strconv.Itoa(d.Totals[i])
	}
	labelW, endW, top := 0.0, 0.0, 0
	for i, c := range d.Categories {
		labelW = max(labelW, textWidth(c, chartFont))
		endW = max(endW, textWidth(endLabel(i), chartFont))
		top = max(top, d.Totals[i])
	}
	labelW = min(labelW, 0.36*chartWidth)
	x0 := labelW + 10
	plotW := chartWidth - x0 - endW - 10
	tickVals := []int{0, 25, 50, 75, 100}
	switch {
	case d.Spec.Percent && plotW < 5*(textWidth("100", chartFont)+12):
		tickVals = []int{0, 50, 100} // a narrow plot, beside long labels
	case !d.Spec.Percent:
		tickVals = ticks(top, max(2, int(plotW/(textWidth(strconv.Itoa(top), chartFont)+24))))
	}
	scaleTop := float64(tickVals[len(tickVals)-1])
	xOf := func(v float64) float64 { return x0 + v/scaleTop*plotW }
	plotTop := y + 2
	plotH := float64(len(d.Categories))*(barHeight+barGap) + barGap
	// Grid lines first, under the bars.
	body.WriteString(`<g class="grid">`)
	for _, t := range tickVals {
		fmt.Fprintf(&body, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f"/>`, xOf(float64(t)), xOf(float64(t)), plotTop, plotTop+plotH)
	}
	body.WriteString(`</g>`)
	for i, c := range d.Categories {
		by := plotTop + barGap + float64(i)*(barHeight+barGap)
		mid := by + barHeight/2 + 5 // the baseline that centres digits on the bar
		label := fitText(c, labelW)
		body.WriteString(`<g class="bar">`)
		if label != c {
			fmt.Fprintf(&body, `<text x="%.1f" y="%.1f" class="cat" text-anchor="end"><title>%s</title>%s</text>`, x0-8, mid, esc(c), esc(label))
		} else {
			text(x0-8, mid, "cat", "end", c)
		}
		total := float64(d.Totals[i])
		scale := 1.0
		if d.Spec.Percent && total > 0 {
			scale = 100 / total
		}
		at := 0.0
		for j, s := range d.Series {
			v := float64(s.Values[i])
			if v == 0 {
				continue
			}
			colour := j % len(okabeIto)
			if d.Spec.Alone {
				colour = aloneColour
			}
			x1, x2 := xOf(at*scale), xOf((at+v)*scale)
			fmt.Fprintf(&body, `<rect class="seg c%d" x="%.1f" y="%.1f" width="%.1f" height="%.0f"><title>%s, %s: %d</title></rect>`,
				colour, x1, by, x2-x1, barHeight, esc(c), esc(s.Label), s.Values[i])
			if !d.Spec.Alone && len(d.Series) > 1 {
				seg := strconv.Itoa(s.Values[i])
				if d.Spec.Percent {
					seg = strconv.Itoa(wholePercent(s.Values[i], d.Totals[i])) + "%"
				}
				if textWidth(seg, chartFont)+6 <= x2-x1 {
					rgb := okabeIto[colour]
					fmt.Fprintf(&body, `<text x="%.1f" y="%.1f" class="seg-label %s" text-anchor="middle" data-bg="rgb(%d, %d, %d)">%s</text>`,
						(x1+x2)/2, mid, textOn(rgb), rgb[0], rgb[1], rgb[2], seg)
				}
			}
			at += v
		}
		end := at * scale
		text(xOf(end)+5, mid, "value", "", endLabel(i))
		body.WriteString(`</g>`)
	}
	y = plotTop + plotH
	fmt.Fprintf(&body, `<line class="axis" x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f"/>`, x0, x0+plotW, y, y)
	y += lineHeight
	for _, t := range tickVals {
		text(xOf(float64(t)), y-3, "tick", "middle", strconv.Itoa(t))
	}
	y += lineHeight
	text(x0+plotW/2, y-2, "axis-title", "middle", d.ValueAxis)
	y += 6

	// The view box: the chart, and around the file's a margin of
	// standaloneMargin, as a page gives the inline one.
	vx, vy, vw, vh := 0.0, 0.0, chartWidth, math.Ceil(y)
	where := "the table below the chart"
	if o.standalone {
		vx, vy, vw, vh = -standaloneMargin, -standaloneMargin, vw+2*standaloneMargin, vh+2*standaloneMargin
		where = "the chart's CSV"
		fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<svg xmlns="http://www.w3.org/2000/svg" class="kchart" viewBox="%.0f %.0f %.0f %.0f" width="%.0f" height="%.0f" role="img" aria-labelledby="%s-t %s-d">`,
			vx, vy, vw, vh, vw*1.5, vh*1.5, id, id)
		fmt.Fprintf(&b, `<style><![CDATA[%s]]></style>`, strings.ReplaceAll(o.style, "]]>", ""))
	} else {
		fmt.Fprintf(&b, `<svg class="kchart" viewBox="0 0 %.0f %.0f" role="img" aria-labelledby="%s-t %s-d">`, vw, vh, id, id)
	}
	fmt.Fprintf(&b, `<title id="%s-t">%s</title>`, id, esc(d.Spec.Title))
	fmt.Fprintf(&b, `<desc id="%s-d">%s by %s; the numbers are in %s.</desc>`, id, esc(d.ValueAxis), esc(strings.ToLower(d.Axis)), where)
	fmt.Fprintf(&b, `<rect class="bg" x="%.0f" y="%.0f" width="%.0f" height="%.0f"/>`, vx, vy, vw, vh)
	b.WriteString(body.String())
	b.WriteString(`</svg>`)
	return []byte(b.String())
}

// wrapText breaks s into lines no wider than width.
func wrapText(s string, width float64) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		if line != "" && textWidth(line+" "+w, chartFont) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}

// chartStyle is the standalone SVG's style sheet, made from the site's:
// the light and dark values of its colours and font, and the chart rules
// between the "charts:begin" and "charts:end" markers of css/komoru.css.
func chartStyle(static fs.FS) (string, error) {
	b, err := fs.ReadFile(static, "css/komoru.css")
	if err != nil {
		return "", err
	}
	css := string(b)
	block := func(start, end string) (string, error) {
		_, rest, ok := strings.Cut(css, start)
		if ok {
			rest, _, ok = strings.Cut(rest, end)
		}
		if !ok {
			return "", fmt.Errorf("css/komoru.css lacks %q … %q, which the chart SVG takes its style from", start, end)
		}
		return rest, nil
	}
	light, err := block(":root {", "}")
	if err != nil {
		return "", err
	}
	dark, err := block(`:root[data-theme="dark"] {`, "}")
	if err != nil {
		return "", err
	}
	rules, err := block("/* charts:begin */", "/* charts:end */")
	if err != nil {
		return "", err
	}
	// The file is the chart alone: it may be as wide as its window, to a
	// point.
	return "svg.kchart {" + light + "  max-width: 48rem;\n}\n@media (prefers-color-scheme: dark) { svg.kchart {" + dark + "} }\n" + rules, nil
}
