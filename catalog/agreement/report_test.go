package agreement

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/komoru/komoru/catalog"
)

// TestReportKrippendorff2011: the published example as a round's
// codings (its values 1..5 mapped onto recovery's five nominal values)
// gives, through ForRound and NewReport, the published nominal .743.
func TestReportKrippendorff2011(t *testing.T) {
	cb := catalog.DefaultCodebook()
	recovery := cb.Dimension("recovery")
	units := krippendorff2011(t)
	r := &catalog.Round{ID: "k2011", State: catalog.RoundClosed, Coders: []string{"A", "B", "C", "D"}, Dimensions: []string{"recovery"}}
	var codings []catalog.CodingUnit
	for _, u := range units {
		r.Works = append(r.Works, "unit-"+u.ID)
		for coder, v := range u.Values {
			i := int(v[0][0] - '1')
			codings = append(codings, catalog.CodingUnit{Round: r.ID, Work: "unit-" + u.ID, Coder: coder, State: catalog.UnitSubmitted,
				Portrayal: catalog.Portrayal{"recovery": {Value: recovery.Values[i].ID}}})
		}
	}
	dims, err := ForRound(r, codings, cb, Options{})
	if err != nil {
		t.Fatal(err)
	}
	rep := NewReport(r, cb.Version, dims, Options{})
	if rep.Round != "k2011" || rep.State != "closed" || rep.Resamples != DefaultResamples || rep.Seed != DefaultSeed || len(rep.Dimensions) != 1 {
		t.Fatalf("report head: %+v", rep)
	}
	d := rep.Dimensions[0]
	if !near(float64(d.Alpha), 0.743, 0.0005) || d.Level != LevelNominal || d.Reading != ReadingTentative {
		t.Errorf("recovery: alpha %v (%s, %s), want .743 nominal, tentative", d.Alpha, d.Level, d.Reading)
	}
	if d.Units != 11 || d.Coders != 4 || d.Pairable != 40 || !(d.CI95[0] < d.Alpha && d.Alpha < d.CI95[1]) {
		t.Errorf("recovery: units %d coders %d pairable %d ci95 %v", d.Units, d.Coders, d.Pairable, d.CI95)
	}
	if len(d.Pairwise) != 6 || len(d.Coincidence.Values) != 5 {
		t.Errorf("pairwise %d pairs, coincidence values %v", len(d.Pairwise), d.Coincidence.Values)
	}
}

// TestReportJSONNulls: NaN figures are JSON nulls, and read back as NaN;
// CSV leaves their cells empty.
func TestReportJSONNulls(t *testing.T) {
	k, err := Compute(krippendorff2011(t), LevelOrdinal, Options{Order: fiveOrder})
	if err != nil {
		t.Fatal(err)
	}
	// Every coder agrees and always on "a": alpha is undefined.
	same := []Unit{{ID: "1", Values: map[string][]string{"x": {"a"}, "y": {"a"}}}, {ID: "2", Values: map[string][]string{"x": {"a"}, "y": {"a"}}}}
	u, err := Compute(same, LevelNominal, Options{})
	if err != nil {
		t.Fatal(err)
	}
	sets := []Unit{{ID: "1", Values: map[string][]string{"x": {"p", "q"}, "y": {"p"}}}, {ID: "2", Values: map[string][]string{"x": {"p"}, "y": {}}}}
	s, err := Compute(sets, LevelSet, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := &catalog.Round{ID: "r1", State: catalog.RoundOpen}
	rep := NewReport(r, "1.0.0", []Dimension{{ID: "k", Label: "K", Result: k}, {ID: "u", Label: "U", Result: u}, {ID: "s", Label: "S", Result: s}}, Options{Resamples: 200, Seed: 7})
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Resamples  int
		Seed       uint64
		Dimensions []map[string]any
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	if raw.Resamples != 200 || raw.Seed != 7 {
		t.Errorf("resamples %d seed %d", raw.Resamples, raw.Seed)
	}
	for _, tc := range []struct {
		i        int
		key      string
		null     bool
		contains string
	}{
		{0, "alpha", false, ""},
		{0, "ci95", false, ""},
		{0, "undefined", false, ""},
		{1, "alpha", true, ""},
		{1, "ci95", true, ""},
		{1, "undefined", false, "no variation"},
		{1, "reading", false, ReadingUndefined},
		{2, "per_value", false, ""},
	} {
		v, ok := raw.Dimensions[tc.i][tc.key]
		switch {
		case tc.key == "undefined" && tc.contains == "":
			if ok {
				t.Errorf("dimension %d: undefined %v present with a defined alpha", tc.i, v)
			}
		case tc.key == "ci95":
			ci := v.([]any)
			if (ci[0] == nil) != tc.null || (ci[1] == nil) != tc.null {
				t.Errorf("dimension %d: ci95 %v, want nulls %v", tc.i, ci, tc.null)
			}
		case tc.null:
			if v != nil || !ok {
				t.Errorf("dimension %d: %s = %v, want null", tc.i, tc.key, v)
			}
		case tc.contains != "":
			if s, _ := v.(string); !strings.Contains(s, tc.contains) {
				t.Errorf("dimension %d: %s = %v, want %q", tc.i, tc.key, v, tc.contains)
			}
		default:
			if v == nil {
				t.Errorf("dimension %d: %s is null", tc.i, tc.key)
			}
		}
	}
	if _, ok := raw.Dimensions[0]["per_value"]; ok {
		t.Error("per_value on an ordinal dimension")
	}
	// Round trip: null reads back as NaN.
	var back Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(float64(back.Dimensions[1].Alpha)) || !near(float64(back.Dimensions[0].Alpha), 0.815, 0.0005) {
		t.Errorf("read back: alphas %v, %v", back.Dimensions[0].Alpha, back.Dimensions[1].Alpha)
	}

	var csv bytes.Buffer
	if err := WriteReportCSV(&csv, rep); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(csv.String()), "\n")
	if len(lines) != 4 || lines[0] != strings.Join(ReportCSVHeader, ",") {
		t.Fatalf("CSV:\n%s", csv.String())
	}
	if !strings.HasPrefix(lines[1], "k,ordinal,0.81") || !strings.HasSuffix(lines[1], ",reliable") {
		t.Errorf("CSV row k: %s", lines[1])
	}
	if want := "u,nominal,,,,2,2,4,undefined"; lines[2] != want {
		t.Errorf("CSV row u: %s, want %s", lines[2], want)
	}
}
