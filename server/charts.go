package server

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"image/color"
	"strconv"

	"github.com/komoru/komoru/catalog"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// chartSpec is one chart of the stats page: the counts of a facet's values
// (the stacked series) split by decade or medium (the bars), or a facet's
// counts alone.
type chartSpec struct {
	Name, Title, Axis string
	Facet             string
	ByMedium          bool // split by medium rather than by decade
	Alone             bool // one series: the facet's own counts, as bars
}

var chartSpecs = []chartSpec{
	{Name: "decade-realism", Title: "Works per decade, by realism", Axis: "Decade", Facet: "realism"},
	{Name: "medium-gender", Title: "Hikikomori gender by medium", Axis: "Medium", Facet: catalog.FacetHikikomoriGenders, ByMedium: true},
	{Name: "medium-recovery", Title: "Recovery depiction by medium", Axis: "Medium", Facet: "recovery", ByMedium: true},
	{Name: "countries", Title: "Country of origin", Axis: "Country", Facet: catalog.FacetCountries, Alone: true},
}

// chartData is a chart's numbers: one value per series and bar.
type chartData struct {
	Spec       chartSpec
	Categories []string // bar labels
	Series     []chartSeries
}

type chartSeries struct {
	Label  string
	Values []int
}

func buildChart(spec chartSpec, cb *catalog.Codebook, byDecade, byMedium *catalog.Stats) chartData {
	st := byDecade
	if spec.ByMedium {
		st = byMedium
	}
	var rows []catalog.StatsRow
	for _, fs := range st.Facets {
		if fs.Name == spec.Facet {
			rows = fs.Rows
		}
	}
	d := chartData{Spec: spec}
	if spec.Alone {
		s := chartSeries{Label: "Works"}
		for _, r := range rows {
			if r.Count > 0 {
				d.Categories = append(d.Categories, r.Label)
				s.Values = append(s.Values, r.Count)
			}
		}
		d.Series = []chartSeries{s}
		return d
	}
	for _, col := range st.Columns {
		d.Categories = append(d.Categories, cb.Label(st.By, col))
	}
	for _, r := range rows {
		s := chartSeries{Label: r.Label}
		total := 0
		for _, col := range st.Columns {
			s.Values = append(s.Values, r.By[col])
			total += r.By[col]
		}
		if total > 0 {
			d.Series = append(d.Series, s)
		}
	}
	return d
}

// palette is Okabe and Ito's, readable with every common colour-vision deficiency.
var palette = []color.RGBA{
	{0xe6, 0x9f, 0x00, 0xff}, {0x56, 0xb4, 0xe9, 0xff}, {0x00, 0x9e, 0x73, 0xff}, {0xf0, 0xe4, 0x42, 0xff},
	{0x00, 0x72, 0xb2, 0xff}, {0xd5, 0x5e, 0x00, 0xff}, {0xcc, 0x79, 0xa7, 0xff}, {0x00, 0x00, 0x00, 0xff},
}

// SVG draws the chart as stacked bars with gonum/plot.
func (d chartData) SVG() ([]byte, error) {
	p := plot.New()
	p.Title.Text = d.Spec.Title
	p.X.Label.Text = d.Spec.Axis
	p.Y.Label.Text = "Works"
	p.Legend.Top = true
	p.Legend.Left = false
	width := vg.Points(max(8, min(28, 320/float64(max(1, len(d.Categories))))))
	var below *plotter.BarChart
	for i, s := range d.Series {
		vals := make(plotter.Values, len(s.Values))
		for j, v := range s.Values {
			vals[j] = float64(v)
		}
		bars, err := plotter.NewBarChart(vals, width)
		if err != nil {
			return nil, fmt.Errorf("chart %s: %w", d.Spec.Name, err)
		}
		bars.LineStyle.Width = 0
		bars.Color = palette[i%len(palette)]
		if below != nil {
			bars.StackOn(below)
		}
		below = bars
		p.Add(bars)
		if len(d.Series) > 1 {
			p.Legend.Add(s.Label, bars)
		}
	}
	p.NominalX(d.Categories...)
	p.Y.Min = 0
	p.Y.Tick.Marker = countTicks{}
	if len(d.Series) > 1 {
		// Head room, so the legend in the top corner never covers a bar.
		p.Y.Max *= 1.1 + 0.06*float64(len(d.Series))
	}
	if len(d.Categories) > 6 {
		p.X.Tick.Label.Rotation = 0.6
		p.X.Tick.Label.XAlign = draw.XRight
	}
	c := vgsvg.New(18*vg.Centimeter, 11*vg.Centimeter)
	p.Draw(draw.New(c))
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// CSV writes the chart's numbers: a row per bar, a column per series.
func (d chartData) CSV() ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	header := []string{d.Spec.Axis}
	for _, s := range d.Series {
		header = append(header, s.Label)
	}
	w.Write(header)
	for i, cat := range d.Categories {
		row := []string{cat}
		for _, s := range d.Series {
			row = append(row, strconv.Itoa(s.Values[i]))
		}
		w.Write(row)
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// countTicks marks whole numbers of works at a round step.
type countTicks struct{}

func (countTicks) Ticks(min, max float64) []plot.Tick {
	step := 1.0
	for _, s := range []float64{1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000, 20000, 50000} {
		step = s
		if (max-min)/s <= 8 {
			break
		}
	}
	var ticks []plot.Tick
	for v := 0.0; v <= max; v += step {
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.Itoa(int(v))})
	}
	return ticks
}
