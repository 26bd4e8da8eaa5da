package agreement

import (
	"bytes"
	"math"
	"os"
	"strings"
	"testing"
)

func TestWriteReliabilityCSV(t *testing.T) {
	units := []Unit{
		{ID: "w1", Values: map[string][]string{"c1": {"b", "a"}, "c2": {}}},
		{ID: "w2", Values: map[string][]string{"c3": {"x"}}},
		{ID: "w,3", Values: map[string][]string{"c1": {"x"}, "c2": {"a", "x"}, "c3": {"x"}}},
	}
	var buf bytes.Buffer
	if err := WriteReliabilityCSV(&buf, units, []string{"c1", "c2", "c3"}, LevelSet); err != nil {
		t.Fatal(err)
	}
	want := "unit,c1,c2,c3\nw1,a|b,none,\nw2,,,x\n\"w,3\",x,a|x,x\n"
	if buf.String() != want {
		t.Errorf("wrote\n%s\nwant\n%s", buf.String(), want)
	}
	// Read back, the data give the same alpha.
	back, coders, err := ReadReliabilityCSV(strings.NewReader(buf.String()), LevelSet)
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != 3 || len(coders) != 3 || len(back[0].Values["c2"]) != 0 || back[0].Values["c2"] == nil {
		t.Fatalf("read back %+v, coders %v", back, coders)
	}
	a, _ := Compute(units, LevelSet, Options{Resamples: -1})
	b, _ := Compute(back, LevelSet, Options{Resamples: -1})
	if a.Alpha != b.Alpha && !(math.IsNaN(a.Alpha) && math.IsNaN(b.Alpha)) {
		t.Errorf("alpha %v after a round trip, %v before", b.Alpha, a.Alpha)
	}
}

// TestWriteKrippendorff2011 writes the example back as the file has it.
func TestWriteKrippendorff2011(t *testing.T) {
	units := krippendorff2011(t)
	var buf bytes.Buffer
	if err := WriteReliabilityCSV(&buf, units, []string{"A", "B", "C", "D"}, LevelOrdinal); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("testdata/krippendorff2011.csv")
	if err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	for _, line := range strings.SplitAfter(string(raw), "\n") {
		if !strings.HasPrefix(line, "#") {
			want.WriteString(line)
		}
	}
	if buf.String() != want.String() {
		t.Errorf("wrote\n%s\nwant\n%s", buf.String(), want.String())
	}
}

func TestWriteReliabilityCSVErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		unit   Unit
		coders []string
		level  Level
		want   string
	}{
		{"unknown coder", Unit{ID: "w", Values: map[string][]string{"z": {"1"}}}, []string{"a"}, LevelNominal, `coder "z" is not in the coder list`},
		{"coder twice", Unit{ID: "w"}, []string{"a", "a"}, LevelNominal, `coder "a" is twice`},
		{"label none", Unit{ID: "w", Values: map[string][]string{"a": {"none"}}}, []string{"a"}, LevelSet, `set label "none" cannot be written`},
		{"label with bar", Unit{ID: "w", Values: map[string][]string{"a": {"x|y"}}}, []string{"a"}, LevelSet, `set label "x|y" cannot be written`},
		{"two values", Unit{ID: "w", Values: map[string][]string{"a": {"1", "2"}}}, []string{"a"}, LevelOrdinal, "exactly one value"},
		{"empty value", Unit{ID: "w", Values: map[string][]string{"a": {""}}}, []string{"a"}, LevelNominal, "would read as missing"},
	} {
		err := WriteReliabilityCSV(&bytes.Buffer{}, []Unit{tc.unit}, tc.coders, tc.level)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one saying %q", tc.name, err, tc.want)
		}
	}
}
