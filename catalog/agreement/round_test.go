package agreement

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/komoru/komoru/catalog"
)

// TestForRound: a round's submitted codings become reliability data per
// dimension (drafts and left-out dimensions missing, an empty set kept as
// "none"), measured at the codebook's level.
func TestForRound(t *testing.T) {
	r := &catalog.Round{ID: "r1", Works: []string{"w1", "w2", "w3"}, Coders: []string{"ann", "bo"}, Dimensions: []string{"realism", "conditions"}}
	sub := func(work, coder string, p catalog.Portrayal) catalog.CodingUnit {
		return catalog.CodingUnit{Round: "r1", Work: work, Coder: coder, Portrayal: p, State: catalog.UnitSubmitted}
	}
	codings := []catalog.CodingUnit{
		sub("w1", "ann", catalog.Portrayal{"realism": {Value: "realistic"}, "conditions": {Values: []string{"depression"}}}),
		sub("w1", "bo", catalog.Portrayal{"realism": {Value: "realistic"}, "conditions": {Values: []string{"depression", "paranoia"}}}),
		sub("w2", "ann", catalog.Portrayal{"realism": {Value: "mixed"}, "conditions": {Values: []string{}}}),
		sub("w2", "bo", catalog.Portrayal{"realism": {Value: "romanticized"}}),
		{Round: "r1", Work: "w3", Coder: "ann", Portrayal: catalog.Portrayal{"realism": {Value: "mixed"}}, State: catalog.UnitDraft},
		sub("w3", "bo", catalog.Portrayal{"realism": {Value: "mixed"}}),
		sub("w3", "zed", catalog.Portrayal{"realism": {Value: "mixed"}}), // not a coder of the round
	}
	dims, err := ForRound(r, codings, catalog.DefaultCodebook(), Options{Resamples: -1})
	if err != nil {
		t.Fatal(err)
	}
	if len(dims) != 2 || dims[0].ID != "realism" || dims[0].Level != LevelOrdinal || dims[1].Level != LevelSet {
		t.Fatalf("dimensions: %+v", dims)
	}
	wantRealism := []Unit{
		{ID: "w1", Values: map[string][]string{"ann": {"realistic"}, "bo": {"realistic"}}},
		{ID: "w2", Values: map[string][]string{"ann": {"mixed"}, "bo": {"romanticized"}}},
		{ID: "w3", Values: map[string][]string{"bo": {"mixed"}}},
	}
	if diff := cmp.Diff(wantRealism, dims[0].Units); diff != "" {
		t.Errorf("realism's units (-want +got):\n%s", diff)
	}
	if dims[0].Units[2].Values["ann"] != nil || dims[0].Result.Units != 2 {
		t.Errorf("the draft counted: %d pairable units", dims[0].Result.Units)
	}
	if got := dims[1].Units[1].Values["ann"]; got == nil || len(got) != 0 {
		t.Errorf("an empty set is %v, want an empty (not missing) value", got)
	}
	// The same figures as Compute on the same data, at the same level.
	want, _ := Compute(wantRealism, LevelOrdinal, Options{Order: []string{"realistic", "mixed", "romanticized"}, Resamples: -1})
	if got := dims[0].Alpha; got != want.Alpha && !(math.IsNaN(got) && math.IsNaN(want.Alpha)) {
		t.Errorf("realism alpha %v, want %v", got, want.Alpha)
	}
}
