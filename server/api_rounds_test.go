package server

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/agreement"
)

// roundCodings are the codings codedRound submits: per work, per coder
// (by index), realism, conditions and recovery. The coders mostly agree
// on realism, less on conditions; the third coder, if any, codes only
// the first two works.
var roundCodings = [][]catalog.Portrayal{
	{
		{"realism": {Value: "realistic"}, "conditions": {Values: []string{"depression"}}, "recovery": {Value: "gradual"}},
		{"realism": {Value: "realistic"}, "conditions": {Values: []string{"depression", "social_anxiety"}}, "recovery": {Value: "gradual"}},
		{"realism": {Value: "realistic"}, "conditions": {Values: []string{"depression"}}, "recovery": {Value: "sudden"}},
	},
	{
		{"realism": {Value: "romanticized"}, "conditions": {Values: []string{}}, "recovery": {Value: "sudden"}},
		{"realism": {Value: "romanticized"}, "conditions": {Values: []string{}}, "recovery": {Value: "sudden"}},
		{"realism": {Value: "mixed"}, "conditions": {Values: []string{"trauma"}}, "recovery": {Value: "sudden"}},
	},
	{
		{"realism": {Value: "mixed"}, "conditions": {Values: []string{"social_anxiety"}}, "recovery": {Value: "none"}},
		{"realism": {Value: "mixed"}, "conditions": {Values: []string{"social_anxiety"}}, "recovery": {Value: "open"}},
	},
	{
		{"realism": {Value: "realistic"}, "conditions": {Values: []string{"trauma"}}, "recovery": {Value: "none"}},
		{"realism": {Value: "mixed"}, "conditions": {Values: []string{"trauma"}}, "recovery": {Value: "none"}},
	},
}

// codedRound creates a round of the first works of the catalog coded by
// the coders (existing accounts; two or three), every unit submitted
// (roundCodings), and closes it if asked. It returns the round.
func codedRound(t testing.TB, st *site, id string, coders []string, closed bool) catalog.Round {
	t.Helper()
	ctx := context.Background()
	works := st.searchIDs(t.(*testing.T), "")[:len(roundCodings)]
	r, err := catalog.CreateRound(ctx, st.store, catalog.Round{ID: id, Name: "Round " + id, Works: works, Coders: coders,
		Dimensions: []string{"realism", "recovery", "conditions"}, Creator: coders[0]}, st.clock())
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range works {
		for j, coder := range coders {
			if j >= len(roundCodings[i]) {
				continue
			}
			if _, err := catalog.SaveCoding(ctx, st.store, catalog.CodingUnit{Round: id, Work: w, Coder: coder, Portrayal: roundCodings[i][j]}, true, st.clock()); err != nil {
				t.Fatal(err)
			}
		}
	}
	if closed {
		if r, err = catalog.CloseRound(ctx, st.store, id, st.clock()); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// TestAPIRoundAgreementAccess: a closed round's figures are public; an
// open round's are for curators, 403 for everyone else.
func TestAPIRoundAgreementAccess(t *testing.T) {
	st := newSite(t)
	cur := st.user(t, "ann", catalog.RoleCurator)
	con := st.user(t, "bo", catalog.RoleContributor)
	st.user(t, "cy", catalog.RoleContributor)
	codedRound(t, st, "r-open", []string{"ann", "bo", "cy"}, false)
	codedRound(t, st, "r-closed", []string{"ann", "bo"}, true)
	for _, tc := range []struct {
		url    string
		bearer string
		want   int
	}{
		{"/api/v1/rounds/r-open/agreement", st.token(t, cur), 200},
		{"/api/v1/rounds/r-open/agreement", st.token(t, con), 403},
		{"/api/v1/rounds/r-open/agreement", "", 403},
		{"/api/v1/rounds/r-closed/agreement", "", 200},
		{"/api/v1/rounds/r-closed/agreement", st.token(t, con), 200},
		{"/api/v1/rounds/r-none/agreement", "", 404},
		{"/rounds/r-open/agreement", "", 403},
		{"/rounds/r-open/agreement", st.token(t, cur), 200},
		{"/rounds/r-closed/agreement", "", 200},
		{"/rounds/r-open/reliability/realism.csv", st.token(t, con), 403},
		{"/rounds/r-open/reliability/realism.csv", st.token(t, cur), 200},
		{"/rounds/r-closed/reliability/realism.csv", "", 200},
		{"/rounds/r-closed/reliability/tone.csv", "", 404},
		{"/rounds/r-closed/reliability/realism.txt", "", 404},
	} {
		rec := st.do(t, req{method: "GET", url: tc.url, bearer: tc.bearer})
		if rec.Code != tc.want {
			t.Errorf("GET %s (token %v) = %d, want %d: %.200s", tc.url, tc.bearer != "", rec.Code, tc.want, rec.Body)
		}
	}
}

// TestAPIRoundAgreement: the report is ForRound's figures on the store's
// codings, and the listing counts each coder's units.
func TestAPIRoundAgreement(t *testing.T) {
	st := newSite(t)
	st.user(t, "ann", catalog.RoleCurator)
	st.user(t, "bo", catalog.RoleContributor)
	st.user(t, "cy", catalog.RoleContributor)
	r := codedRound(t, st, "r1", []string{"ann", "bo", "cy"}, true)
	rec := st.do(t, req{method: "GET", url: "/api/v1/rounds/r1/agreement"})
	if rec.Code != 200 {
		t.Fatalf("%d: %s", rec.Code, rec.Body)
	}
	var rep agreement.Report
	if err := json.Unmarshal(rec.Body.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	units, err := st.store.Codings(context.Background(), "r1")
	if err != nil {
		t.Fatal(err)
	}
	want, err := agreement.ForRound(&r, units, st.cb, agreement.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Round != "r1" || rep.State != "closed" || rep.Resamples != 1000 || len(rep.Dimensions) != len(want) {
		t.Fatalf("report: %+v", rep)
	}
	for i, d := range rep.Dimensions {
		if d.Dimension != want[i].ID || float64(d.Alpha) != want[i].Alpha || float64(d.CI95[0]) != want[i].CI95[0] {
			t.Errorf("%s: alpha %v ci %v, ForRound %v %v", d.Dimension, d.Alpha, d.CI95, want[i].Alpha, want[i].CI95)
		}
	}
	if rep.Dimensions[2].Dimension != "conditions" || len(rep.Dimensions[2].PerValue) == 0 {
		t.Errorf("conditions: no per-value alphas: %+v", rep.Dimensions[2])
	}

	rec = st.do(t, req{method: "GET", url: "/api/v1/rounds"})
	var list roundListing
	if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil || rec.Code != 200 {
		t.Fatalf("%d %v: %s", rec.Code, err, rec.Body)
	}
	if len(list.Rounds) != 1 || list.Rounds[0].Works != 4 || list.Rounds[0].Closed == nil {
		t.Fatalf("listing: %+v", list)
	}
	for i, want := range []int{4, 4, 2} {
		if p := list.Rounds[0].Progress[i]; p.Submitted != want || p.Drafts != 0 {
			t.Errorf("progress %d: %+v, want %d submitted", i, p, want)
		}
	}
}

// TestReliabilityCSV: the download is WriteReliabilityCSV of the
// dimension, named for the round and the dimension.
func TestReliabilityCSV(t *testing.T) {
	st := newSite(t)
	st.user(t, "ann", catalog.RoleCurator)
	st.user(t, "bo", catalog.RoleContributor)
	r := codedRound(t, st, "r1", []string{"ann", "bo"}, true)
	rec := st.do(t, req{method: "GET", url: "/rounds/r1/reliability/conditions.csv"})
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
		t.Fatalf("%d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	if got := rec.Header().Get("Content-Disposition"); !strings.Contains(got, `filename="komoru-r1-conditions.csv"`) {
		t.Errorf("Content-Disposition %q", got)
	}
	units, coders, err := agreement.ReadReliabilityCSV(rec.Body, agreement.LevelSet)
	if err != nil {
		t.Fatal(err)
	}
	if len(units) != len(r.Works) || strings.Join(coders, ",") != "ann,bo" {
		t.Fatalf("units %d coders %v", len(units), coders)
	}
	if got := units[1].Values["ann"]; got == nil || len(got) != 0 {
		t.Errorf("the empty set read back as %v", got)
	}
	res, err := agreement.Compute(units, agreement.LevelSet, agreement.Options{Resamples: -1})
	if err != nil || math.IsNaN(res.Alpha) {
		t.Errorf("the CSV's alpha: %v %v", res.Alpha, err)
	}
}
