package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/agreement"
)

// TestKrippendorffThroughAPI is the test of done for the figures:
// the worked example of Krippendorff (2011), 4 coders and 12 units with
// missing values, imported with `komoru codings import` as codings of a
// nominal dimension with five values (recovery), gives through `komoru
// serve`'s API the published nominal alpha, .743, and the same figures
// as the package's own computation of the file.
func TestKrippendorffThroughAPI(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "..", "catalog", "agreement", "testdata", "krippendorff2011.csv"))
	if err != nil {
		t.Fatal(err)
	}
	units, coders, err := agreement.ReadReliabilityCSV(f, agreement.LevelNominal)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	data := newDataDir(t)
	// The paper's observers A to D become the accounts coder-a to coder-d.
	account := func(c string) string { return "coder-" + strings.ToLower(c) }
	for _, c := range coders {
		addUsers(t, data, account(c))
	}
	// The paper's values 1 to 5 become recovery's five values, and its
	// units twelve works of the shipped catalog.
	values := []string{"none", "gradual", "sudden", "cyclical", "open"}
	st := openData(t, data)
	var works []string
	st.Each(context.Background(), func(w *catalog.Work) error {
		if len(works) < len(units) {
			works = append(works, w.ID)
		}
		return nil
	})
	var sheet strings.Builder
	for i, u := range units {
		for _, c := range coders {
			v, ok := u.Values[c]
			if !ok {
				continue
			}
			var n int
			fmt.Sscan(v[0], &n)
			fmt.Fprintf(&sheet, `{"round": "k2011", "work": %q, "coder": %q, "portrayal": {"recovery": %q}}`+"\n", works[i], account(c), values[n-1])
		}
	}
	if code, _, stderr := komoru(t, sheet.String(), nil, "codings", "import", "--data", data, "-"); code != 0 {
		t.Fatalf("codings import: exit %d: %s", code, stderr)
	}
	if _, err := catalog.CloseRound(context.Background(), st, "k2011", time.Now()); err != nil {
		t.Fatal(err)
	}

	_, addr, _ := startServe(t, data)
	res, err := http.Get("http://" + addr + "/api/v1/rounds/k2011/agreement")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET the agreement of a closed round: %d", res.StatusCode)
	}
	var rep agreement.Report
	if err := json.NewDecoder(res.Body).Decode(&rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Dimensions) != 1 || rep.Dimensions[0].Dimension != "recovery" || rep.Dimensions[0].Level != "nominal" {
		t.Fatalf("dimensions: %+v", rep.Dimensions)
	}
	got := rep.Dimensions[0]
	if a := float64(got.Alpha); math.Round(a*1000) != 743 {
		t.Errorf("alpha through the API = %v, want the published .743", a)
	}
	want, err := agreement.Compute(units, agreement.LevelNominal, agreement.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if float64(got.Alpha) != want.Alpha || float64(got.CI95[0]) != want.CI95[0] || float64(got.CI95[1]) != want.CI95[1] ||
		got.Units != want.Units || got.Coders != want.Coders || got.Pairable != want.Pairable || got.Reading != want.Reading {
		t.Errorf("the API's figures %+v differ from Compute's on the file: alpha %v, CI %v, units %d, coders %d, pairable %d",
			got, want.Alpha, want.CI95, want.Units, want.Coders, want.Pairable)
	}
}
