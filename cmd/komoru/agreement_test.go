package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/agreement"
)

// TestAgreement: a coding sheet imported with `komoru codings import`
// gives, through `komoru agreement`, the alpha agreement.ForRound
// computes from the store, as JSON and as CSV.
func TestAgreement(t *testing.T) {
	data := newDataDir(t)
	addUsers(t, data, "coder-1", "coder-2", "coder-3")
	var lines []string
	for i, w := range []string{"welcome-to-the-nhk-novel", "princess-jellyfish-manga", "welcome-to-the-nhk-anime"} {
		for j, realism := range [][]string{{"realistic", "realistic", "mixed"}, {"romanticized", "romanticized", "romanticized"}, {"mixed", "realistic", "mixed"}}[i] {
			lines = append(lines, `{"round": "r1", "work": "`+w+`", "coder": "coder-`+strconv.Itoa(j+1)+`", "portrayal": {"realism": "`+realism+`", "conditions": ["depression"]}}`)
		}
	}
	if code, _, stderr := komoru(t, strings.Join(lines, "\n")+"\n", nil, "codings", "import", "--data", data, "-"); code != 0 {
		t.Fatalf("codings import: exit %d: %s", code, stderr)
	}
	st := openData(t, data)
	ctx := context.Background()
	r, err := st.Round(ctx, "r1")
	if err != nil {
		t.Fatal(err)
	}
	units, err := st.Codings(ctx, "r1")
	if err != nil {
		t.Fatal(err)
	}
	want, err := agreement.ForRound(&r, units, catalog.DefaultCodebook(), agreement.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 2 || want[0].ID != "realism" {
		t.Fatalf("ForRound: %+v", want)
	}

	code, stdout, stderr := komoru(t, "", nil, "agreement", "--round", "r1", "--data", data)
	if code != 0 {
		t.Fatalf("agreement: exit %d: %s", code, stderr)
	}
	var rep agreement.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("%v: %s", err, stdout)
	}
	if rep.Round != "r1" || len(rep.Dimensions) != 2 || float64(rep.Dimensions[0].Alpha) != want[0].Alpha ||
		float64(rep.Dimensions[0].CI95[1]) != want[0].CI95[1] || rep.Dimensions[0].Reading != want[0].Reading {
		t.Errorf("JSON: %+v, want realism alpha %v", rep.Dimensions[0], want[0].Alpha)
	}
	// Every coder chose depression: conditions' alpha is undefined, null.
	if !strings.Contains(stdout, `"alpha": null`) {
		t.Errorf("no null alpha for conditions:\n%s", stdout)
	}

	code, stdout, stderr = komoru(t, "", nil, "agreement", "--round", "r1", "--format", "csv", "--data", data)
	if code != 0 {
		t.Fatalf("agreement --format csv: exit %d: %s", code, stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if err != nil || len(rows) != 3 || strings.Join(rows[0], ",") != strings.Join(agreement.ReportCSVHeader, ",") {
		t.Fatalf("CSV %v:\n%s", err, stdout)
	}
	if a, _ := strconv.ParseFloat(rows[1][2], 64); rows[1][0] != "realism" || rows[1][1] != "ordinal" || a != want[0].Alpha {
		t.Errorf("CSV realism row %v, want alpha %v", rows[1], want[0].Alpha)
	}
	if rows[2][0] != "conditions" || rows[2][2] != "" || rows[2][8] != "undefined" {
		t.Errorf("CSV conditions row %v: want an empty alpha, undefined", rows[2])
	}

	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--round", "r1", "--format", "jsonl"}, 2, "json or csv"},
		{[]string{"--round", "r1", "--format", "xml"}, 2, "csv"},
		{[]string{}, 2, "--round is required"},
		{[]string{"--round", "r9"}, 2, `no round "r9"`},
	} {
		code, _, stderr := komoru(t, "", nil, append(append([]string{"agreement"}, tc.args...), "--data", data)...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("agreement %v: exit %d, %q; want %d, %q", tc.args, code, stderr, tc.code, tc.want)
		}
	}
}
