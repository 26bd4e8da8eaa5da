package server

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestTextOnContrast: a segment's label, black or white, keeps WCAG AA
// contrast (4.5:1) on every colour of the palette.
func TestTextOnContrast(t *testing.T) {
	for _, c := range okabeIto {
		l := relLuminance(c)
		ratio := (l + 0.05) / 0.05 // black text
		if textOn(c) == "on-dark" {
			ratio = 1.05 / (l + 0.05) // white text
		}
		if ratio < 4.5 {
			t.Errorf("%v: %s text at %.2f:1", c, textOn(c), ratio)
		}
	}
}

// TestTicks: the value axis reaches the longest bar, at a round step, with
// no more ticks than there is room for.
func TestTicks(t *testing.T) {
	for _, tc := range []struct{ top, n, step int }{
		{58, 7, 10}, {58, 4, 20}, {93, 6, 20}, {1, 5, 1}, {0, 5, 1}, {99999, 6, 20000}, {7, 2, 10},
	} {
		got := ticks(tc.top, tc.n)
		if got[0] != 0 || got[len(got)-1] < tc.top || len(got) > max(tc.n, 2) || got[1]-got[0] != tc.step {
			t.Errorf("ticks(%d, %d) = %v, want 0 to at least %d by %d, at most %d", tc.top, tc.n, got, tc.top, tc.step, tc.n)
		}
	}
}

// TestChartSVGExtremes: a label too long for its column is cut short with
// the whole of it in a title, and nothing is drawn outside the view box,
// however large the numbers.
func TestChartSVGExtremes(t *testing.T) {
	long := "A medium with a name far too long for the label column"
	d := chartData{Spec: chartSpec{Name: "x", Title: "Extremes"}, Axis: "Medium", ValueAxis: "Works",
		Categories: []string{long, "Manga"}, Totals: []int{98765, 3},
		Series: []chartSeries{{Label: "Realistic", Values: []int{50000, 1}}, {Label: "Romanticized", Values: []int{48765, 2}}}}
	svg := string(d.SVG(svgOptions{}))
	if _, err := svgTexts(svg); err != nil {
		t.Fatalf("not well-formed: %v", err)
	}
	if !strings.Contains(svg, "<title>"+long+"</title>") || !strings.Contains(svg, "…</text>") {
		t.Errorf("the long label is not cut short with its title:\n%s", svg)
	}
	for _, m := range regexp.MustCompile(` (x|x1|x2)="([-0-9.]+)"`).FindAllStringSubmatch(svg, -1) {
		if x, _ := strconv.ParseFloat(m[2], 64); x < 0 || x > chartWidth {
			t.Errorf("%s=%s is outside the view box", m[1], m[2])
		}
	}
	for _, want := range []string{">98765<", ">50000<", ">Realistic<", ">Works<"} {
		if !strings.Contains(svg, want) {
			t.Errorf("the chart lacks %s", want)
		}
	}
	texts, _ := svgTexts(svg)
	if slices.ContainsFunc(texts, func(s string) bool {
		return strings.HasPrefix(s, "cat:A medium with a name far too long") && !strings.HasSuffix(s, "…")
	}) {
		t.Error("the long label is drawn whole")
	}
}
