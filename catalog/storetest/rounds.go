package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/komoru/komoru/catalog"
)

// testRounds: a coding round and its coders' units are kept whole (the
// store's part), and the rounds' rules hold on top of the store: a round
// is created once, with works and coders that exist; a unit is the
// round's coder's, of the round's works and dimensions; a submitted unit
// stays submitted; a closed round takes no codings; an adjudication is a
// revision of the work that the round records.
func testRounds(t *testing.T, su suite) {
	ctx := context.Background()
	s := su.open(t)
	cb := s.Codebook()
	for _, id := range []string{"a-work", "b-work"} {
		if _, err := catalog.CreateWork(ctx, s, testWork(id, 2001), catalog.Change{Author: "ann", Time: t0}); err != nil {
			t.Fatal(err)
		}
	}
	putUsers(t, s, "ann", "cy", "dee")

	bad := []struct {
		name  string
		r     catalog.Round
		field string
	}{
		{"one coder", catalog.Round{ID: "r0", Name: "x", Works: []string{"a-work"}, Coders: []string{"cy", "cy"}, Creator: "ann"}, "coders"},
		{"unknown work", catalog.Round{ID: "r0", Name: "x", Works: []string{"a-work", "nope"}, Coders: []string{"cy", "dee"}, Creator: "ann"}, "works[1]"},
		{"unknown coder", catalog.Round{ID: "r0", Name: "x", Works: []string{"a-work"}, Coders: []string{"cy", "zed"}, Creator: "ann"}, "coders[1]"},
		{"bad id", catalog.Round{ID: "R 1", Name: "x", Works: []string{"a-work"}, Coders: []string{"cy", "dee"}, Creator: "ann"}, "id"},
		{"unknown dimension", catalog.Round{ID: "r0", Name: "x", Works: []string{"a-work"}, Coders: []string{"cy", "dee"}, Dimensions: []string{"mood"}, Creator: "ann"}, "dimensions"},
	}
	for _, b := range bad {
		_, err := catalog.CreateRound(ctx, s, b.r, t0)
		var ve *catalog.ValidationError
		if !errors.As(err, &ve) || ve.Fields[b.field] == "" {
			t.Errorf("CreateRound with %s: %v; want a problem with %s", b.name, err, b.field)
		}
	}
	if rs, _ := s.Rounds(ctx); len(rs) != 0 {
		t.Fatalf("refused rounds were kept: %+v", rs)
	}

	r1, err := catalog.CreateRound(ctx, s, catalog.Round{ID: "r1", Name: "Pilot", Works: []string{"b-work", "a-work"},
		Coders: []string{"cy", "dee"}, Dimensions: []string{"tone", "realism"}, Creator: "ann"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(r1.Dimensions, []string{"realism", "tone"}) || r1.State != catalog.RoundOpen {
		t.Errorf("r1 = %+v; want its dimensions in codebook order, open", r1)
	}
	r2, err := catalog.CreateRound(ctx, s, catalog.Round{ID: "r2", Name: "All", Works: []string{"a-work"}, Coders: []string{"ann", "cy"}, Creator: "ann"}, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(r2.Dimensions) != len(cb.Dimensions) {
		t.Errorf("a round without dimensions codes %d, want all %d", len(r2.Dimensions), len(cb.Dimensions))
	}
	if _, err := catalog.CreateRound(ctx, s, catalog.Round{ID: "r1", Name: "again", Works: []string{"a-work"}, Coders: []string{"cy", "dee"}, Creator: "ann"}, t0); !errors.Is(err, catalog.ErrConflict) {
		t.Errorf("a second r1: %v, want ErrConflict", err)
	}
	got, err := su.another(t, s).Round(ctx, "r1")
	if err != nil || !cmp.Equal(got, r1) {
		t.Errorf("Round(r1) through another handle = %+v, %v; want %+v", got, err, r1)
	}
	if rs, _ := s.Rounds(ctx); len(rs) != 2 || rs[0].ID != "r2" || rs[1].ID != "r1" {
		t.Errorf("Rounds = %+v, want r2 then r1", rs)
	}
	// Newest first by time, not by the time's text: a whole second
	// ("…05Z") sorts after the half second past it ("…05.5Z") as text.
	whole := t0.Add(2 * time.Hour).Truncate(time.Second)
	for _, r := range []catalog.Round{
		{ID: "r3", Name: "whole", Works: []string{"a-work"}, Coders: []string{"cy", "dee"}, Creator: "ann", Created: whole},
		{ID: "r4", Name: "half", Works: []string{"a-work"}, Coders: []string{"cy", "dee"}, Creator: "ann", Created: whole.Add(500 * time.Millisecond)},
	} {
		if _, err := catalog.CreateRound(ctx, s, r, r.Created); err != nil {
			t.Fatal(err)
		}
	}
	if rs, _ := s.Rounds(ctx); len(rs) != 4 || rs[0].ID != "r4" || rs[1].ID != "r3" || rs[2].ID != "r2" {
		t.Errorf("Rounds = %v, want r4 (half a second later), r3, r2, r1", roundIDs(rs))
	}
	if _, err := s.Round(ctx, "r9"); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("Round(r9) = %v, want ErrNotFound", err)
	}

	realistic := catalog.Portrayal{"realism": {Value: "realistic", Evidence: "ep. 1"}}
	save := func(work, coder string, p catalog.Portrayal, submit bool) (catalog.CodingUnit, error) {
		return catalog.SaveCoding(ctx, s, catalog.CodingUnit{Round: "r1", Work: work, Coder: coder, Portrayal: p}, submit, t0)
	}
	if _, err := save("a-work", "cy", realistic, false); err != nil {
		t.Fatal(err)
	}
	if u, err := save("a-work", "cy", realistic, true); err != nil || u.State != catalog.UnitSubmitted {
		t.Fatalf("submit: %+v, %v", u, err)
	}
	if u, err := save("a-work", "cy", catalog.Portrayal{"realism": {Value: "romanticized"}}, false); err != nil || u.State != catalog.UnitSubmitted {
		t.Errorf("saving a submitted unit again: %+v, %v; want it still submitted", u, err)
	}
	if _, err := save("b-work", "dee", catalog.Portrayal{"tone": {Value: "comedic"}}, true); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, work, coder string
		p                 catalog.Portrayal
		is                error
		field             string
	}{
		{"not a coder", "a-work", "ann", realistic, catalog.ErrForbidden, ""},
		{"not a work of the round", "c-work", "cy", realistic, catalog.ErrNotFound, ""},
		{"a dimension the round does not code", "a-work", "dee", catalog.Portrayal{"family_dynamics": {Values: []string{}}}, nil, "portrayal.family_dynamics"},
		{"a value not in the codebook", "a-work", "dee", catalog.Portrayal{"realism": {Value: "so-so"}}, nil, "portrayal.realism"},
	} {
		_, err := save(c.work, c.coder, c.p, true)
		var ve *catalog.ValidationError
		switch {
		case c.is != nil && !errors.Is(err, c.is):
			t.Errorf("%s: %v, want %v", c.name, err, c.is)
		case c.field != "" && (!errors.As(err, &ve) || ve.Fields[c.field] == ""):
			t.Errorf("%s: %v, want a problem with %s", c.name, err, c.field)
		}
	}
	// Read through another handle, as a server started again (or another
	// server) would: drafts and submissions are the store's, not memory's.
	units, err := su.another(t, s).Codings(ctx, "r1")
	if err != nil {
		t.Fatal(err)
	}
	want := []catalog.CodingUnit{
		{Round: "r1", Work: "a-work", Coder: "cy", Portrayal: catalog.Portrayal{"realism": {Value: "romanticized"}}, State: catalog.UnitSubmitted, Updated: t0},
		{Round: "r1", Work: "b-work", Coder: "dee", Portrayal: catalog.Portrayal{"tone": {Value: "comedic"}}, State: catalog.UnitSubmitted, Updated: t0},
	}
	if diff := cmp.Diff(want, units); diff != "" {
		t.Errorf("Codings(r1) (-want +got):\n%s", diff)
	}

	// Adjudication: the round's dimensions take the final coding, the
	// others stay, and the round records the revision.
	head, _ := s.Get(ctx, "a-work")
	rev, err := catalog.Adjudicate(ctx, s, "r1", "a-work", catalog.Portrayal{"realism": {Value: "realistic", Evidence: "both coders cite ep. 1"}},
		head.Number, catalog.Change{Author: "ann", Time: t0.Add(2 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if rev.Note != "adjudicated from round r1 (1 coder)" || rev.Work.Portrayal["realism"].Value != "realistic" {
		t.Errorf("the adjudication's revision: %+v", rev)
	}
	if _, ok := rev.Work.Portrayal["tone"]; ok {
		t.Error("a round dimension the curator left uncoded kept its old coding")
	}
	r1, _ = s.Round(ctx, "r1")
	if a, ok := r1.Adjudicated("a-work"); !ok || a.Revision != rev.Number || a.Coders != 1 || a.By != "ann" {
		t.Errorf("the round's adjudication of a-work: %+v, %v", a, ok)
	}
	if _, err := catalog.Adjudicate(ctx, s, "r1", "a-work", realistic, head.Number, catalog.Change{Author: "ann"}); !errors.Is(err, catalog.ErrConflict) {
		t.Errorf("adjudicating against a stale revision: %v, want a conflict", err)
	}

	// Closing freezes the codings.
	if _, err := catalog.CloseRound(ctx, s, "r1", t0.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := save("b-work", "cy", realistic, true); !errors.Is(err, catalog.ErrConflict) {
		t.Errorf("coding in a closed round: %v, want ErrConflict", err)
	}
	if _, err := catalog.CloseRound(ctx, s, "r1", t0); !errors.Is(err, catalog.ErrConflict) {
		t.Errorf("closing a closed round: %v, want ErrConflict", err)
	}
	if after, _ := s.Codings(ctx, "r1"); !cmp.Equal(after, units) {
		t.Error("closing changed the round's codings")
	}
}

func roundIDs(rs []catalog.Round) []string {
	var ids []string
	for _, r := range rs {
		ids = append(ids, r.ID)
	}
	return ids
}
