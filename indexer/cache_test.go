package indexer

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/komoru/komoru/catalog"
)

// TestSearchCache: a search asked again is answered from the snapshot's
// cache, alike; what the caller does to a result does not reach the
// cache; a change to the catalog is seen at once; with NoCache nothing is
// kept.
func TestSearchCache(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(3, 4))
	var works []*catalog.Work
	for i := range 60 {
		works = append(works, randomWork(r, fmt.Sprintf("w-%03d", i)))
	}
	ix, cat, _ := openTestIndex(t, works)
	q := Query{Text: "school", Typo: true, Filters: map[string][]string{"realism": {"realistic", "mixed"}}}
	first, err := ix.Search(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if first.Total == 0 {
		t.Fatal("the query matches nothing: no test")
	}
	again, err := ix.Search(ctx, q)
	if err != nil || !cmp.Equal(first, again) {
		t.Fatalf("the same search again = %v, %v; want what it gave first", again, err)
	}
	if n := len(ix.snap.resultCache.m); n != 1 {
		t.Errorf("%d results cached, want 1", n)
	}
	// The caller's result is its own.
	again.Hits = again.Hits[:0]
	again.Facets[0].Values[0].Count = -1
	if third, _ := ix.Search(ctx, q); !cmp.Equal(first, third) {
		t.Error("changing a result changed what the cache answers")
	}

	// A new work with the word, filtered in, is found by the next search.
	w := randomWork(r, "w-new")
	w.Title = "School days"
	w.Portrayal["realism"] = catalog.Coding{Value: "realistic"}
	cat.put(w)
	if _, err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	after, err := ix.Search(ctx, q)
	if err != nil || after.Total != first.Total+1 {
		t.Fatalf("after a change: %d hits, %v; want %d", after.Total, err, first.Total+1)
	}

	// NoCache keeps nothing, and finds the same.
	off, err := Open(ctx, filepath.Join(t.TempDir(), "index"), cat, Options{NoCache: true})
	if err != nil {
		t.Fatal(err)
	}
	defer off.Close()
	for range 2 {
		res, err := off.Search(ctx, q)
		if err != nil || !cmp.Equal(res, after) {
			t.Fatalf("NoCache: %v, %v; want what the cached index found", res, err)
		}
	}
	if s := off.snap; s.resultCache.m != nil || s.unitCache.m != nil || s.postingsCache.m != nil {
		t.Error("NoCache: the snapshot kept something")
	}
}
