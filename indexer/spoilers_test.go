package indexer

import (
	"context"
	"testing"

	"github.com/komoru/komoru/catalog"
)

// TestSpoilerFlags: a coding a curator flagged as a spoiler is known to
// the index, so that pages hiding spoilers can hide it: in the hit's
// portrayal, in the facet counts and in cross-tabs, for exactly the
// values of flagged codings among the works counted. The flagged codings
// are read from the shipped catalog, not written here.
func TestSpoilerFlags(t *testing.T) {
	ix := openShipped(t)
	works := loadWorks(t, "../catalog/data/works.jsonl")
	type flag struct{ id, dim string }
	var flags []flag
	for _, w := range works {
		for _, d := range ix.cb.Dimensions {
			if c, ok := w.Portrayal[d.ID]; ok && c.Spoiler && !d.Spoiler && len(c.List()) > 0 {
				flags = append(flags, flag{w.ID, d.ID})
			}
		}
	}
	if len(flags) < 5 {
		t.Fatalf("the shipped catalog flags only %d codings of dimensions that are not spoilers themselves", len(flags))
	}
	byID := map[string]*catalog.Work{}
	for _, w := range works {
		byID[w.ID] = w
	}
	ctx := context.Background()
	for _, f := range flags {
		w := byID[f.id]
		// The one work, found by its own medium and year and id order.
		q := Query{Filters: map[string][]string{catalog.FacetMedium: {w.Medium}}, YearFrom: w.Year, YearTo: w.Year, Size: MaxSize}
		res, err := ix.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var hit *Hit
		flaggedHere := map[string]bool{} // values flagged by some work of the result
		for i := range res.Hits {
			h := &res.Hits[i]
			if h.ID == w.ID {
				hit = h
			}
			other := byID[h.ID]
			if c, ok := other.Portrayal[f.dim]; ok && c.Spoiler {
				for _, v := range c.List() {
					flaggedHere[v] = true
				}
			}
		}
		if hit == nil {
			t.Fatalf("%s: not found by %+v", w.ID, q)
		}
		if !hit.Portrayal[f.dim].Spoiler {
			t.Errorf("%s: hit's %s coding is not flagged", w.ID, f.dim)
		}
		for _, d := range ix.cb.Dimensions {
			c, ok := w.Portrayal[d.ID]
			if ok && !c.Spoiler && hit.Portrayal[d.ID].Spoiler {
				t.Errorf("%s: hit's %s coding is flagged, the work's is not", w.ID, d.ID)
			}
		}
		for _, fr := range res.Facets {
			if fr.Name != f.dim {
				continue
			}
			for _, v := range fr.Values {
				if v.Spoiler != flaggedHere[v.Value] {
					t.Errorf("%s: facet %s value %s: Spoiler %v, want %v", w.ID, f.dim, v.Value, v.Spoiler, flaggedHere[v.Value])
				}
			}
		}
		x, err := ix.Crosstab(ctx, q, f.dim, catalog.FacetDecade)
		if err != nil {
			t.Fatal(err)
		}
		seen := 0
		for _, r := range x.Rows {
			if r.Spoiler != flaggedHere[r.Value] {
				t.Errorf("%s: cross-tab row %s: Spoiler %v, want %v", w.ID, r.Value, r.Spoiler, flaggedHere[r.Value])
			}
			if r.Spoiler {
				seen++
			}
		}
		if seen == 0 {
			t.Errorf("%s: the cross-tab of %s flags no row", w.ID, f.dim)
		}
	}
}
