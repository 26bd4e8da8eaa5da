package indexer

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/sqlite"
)

// searchIDs returns the ids a text search finds.
func searchIDs(t *testing.T, ix *Index, text string) []string {
	t.Helper()
	res, err := ix.Search(context.Background(), Query{Text: text, Facets: []string{}})
	if err != nil {
		t.Fatalf("Search(%q) = %v", text, err)
	}
	ids := []string{}
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}

// eventually polls cond until it holds or the deadline passes. Sync is
// asynchronous; the deadline is generous and never a timing assertion.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after 20s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// follow runs ix.Follow in the background until the test ends.
func follow(t *testing.T, ix *Index, every time.Duration) {
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		ix.Follow(ctx, every)
		close(done)
	}()
	t.Cleanup(func() {
		stop()
		<-done
	})
}

func newWork(id, title string) *catalog.Work {
	return &catalog.Work{ID: id, Title: title, Medium: "manga", Year: 2001, Countries: []string{"JP"},
		Synopsis:  "A story about " + title + ".",
		Portrayal: catalog.Portrayal{"realism": {Value: "mixed"}}}
}

// TestSync follows a real SQLite catalog written by a second store on the
// same file, as another process (komoru import beside komoru serve) would.
func TestSync(t *testing.T) {
	ctx := context.Background()
	cb := catalog.DefaultCodebook()
	data := t.TempDir()
	dbPath := filepath.Join(data, "catalog.db")
	store, err := sqlite.Open(ctx, dbPath, cb)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ch := catalog.Change{Author: "test"}
	if _, err := catalog.CreateWork(ctx, store, newWork("first-work", "Lantern"), ch); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(data, "index")
	ix, err := Open(ctx, dir, store, Options{Codebook: cb})
	if err != nil {
		t.Fatal(err)
	}
	if got := searchIDs(t, ix, "lantern"); len(got) != 1 {
		t.Fatalf("after open: lantern = %v, want first-work", got)
	}
	followCtx, stop := context.WithCancel(ctx)
	followDone := make(chan struct{})
	go func() { ix.Follow(followCtx, 25*time.Millisecond); close(followDone) }()

	// The other writer.
	other, err := sqlite.Open(ctx, dbPath, cb)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := catalog.CreateWork(ctx, other, newWork("second-work", "Marigold"), ch); err != nil {
		t.Fatal(err)
	}
	eventually(t, "a second writer's work becomes searchable", func() bool {
		return len(searchIDs(t, ix, "marigold")) == 1
	})
	w := newWork("second-work", "Marigold Harbour")
	if _, err := catalog.UpdateWork(ctx, other, w, 1, ch); err != nil {
		t.Fatal(err)
	}
	eventually(t, "an update becomes searchable", func() bool {
		return len(searchIDs(t, ix, "harbour")) == 1
	})
	if _, err := catalog.DeleteWork(ctx, other, "second-work", 0, ch); err != nil {
		t.Fatal(err)
	}
	eventually(t, "a deleted work disappears", func() bool {
		return len(searchIDs(t, ix, "marigold")) == 0
	})
	res, err := ix.Search(ctx, Query{Facets: []string{"realism"}})
	if err != nil || res.Total != 1 || res.Facets[0].Values[0].Count != 1 {
		t.Fatalf("after delete: %+v, %v; want one work, counted once", res, err)
	}

	// Stopped server; writes go on; a restart catches up.
	stop()
	<-followDone
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := catalog.CreateWork(ctx, other, newWork("third-work", "Quince"), ch); err != nil {
		t.Fatal(err)
	}
	if _, err := catalog.DeleteWork(ctx, other, "first-work", 0, ch); err != nil {
		t.Fatal(err)
	}
	ix, err = Open(ctx, dir, store, Options{Codebook: cb})
	if err != nil {
		t.Fatal(err)
	}
	if got := searchIDs(t, ix, "quince"); len(got) != 1 {
		t.Errorf("after restart: quince = %v, want third-work", got)
	}
	if got := searchIDs(t, ix, "lantern"); len(got) != 0 {
		t.Errorf("after restart: lantern = %v, want nothing (deleted while stopped)", got)
	}
	last, _ := store.LastSeq(ctx)
	if ix.Seq() != last {
		t.Errorf("after restart: index at seq %d, catalog at %d", ix.Seq(), last)
	}
	ix.Close()

	// A deleted index directory is rebuilt on open.
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	ix, err = Open(ctx, dir, store, Options{Codebook: cb})
	if err != nil {
		t.Fatal(err)
	}
	if got := searchIDs(t, ix, "quince"); len(got) != 1 {
		t.Errorf("after rebuild: quince = %v, want third-work", got)
	}
	ix.Close()

	// So is a corrupt one.
	if err := os.WriteFile(filepath.Join(dir, "index_meta.json"), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	ix, err = Open(ctx, dir, store, Options{Codebook: cb})
	if err != nil {
		t.Fatal(err)
	}
	if got := searchIDs(t, ix, "quince"); len(got) != 1 {
		t.Errorf("after corrupt index: quince = %v, want third-work", got)
	}

	// Rebuild swaps in a fresh index and keeps answering.
	if err := ix.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	if got := searchIDs(t, ix, "quince"); len(got) != 1 {
		t.Errorf("after Rebuild: quince = %v, want third-work", got)
	}
	ix.Close()
}

func TestPutDelete(t *testing.T) {
	ix, _, _ := openTestIndex(t, []*catalog.Work{newWork("a-work", "Alder")})
	ctx := context.Background()
	if err := ix.Put(ctx, newWork("b-work", "Birch")); err != nil {
		t.Fatal(err)
	}
	if got := searchIDs(t, ix, "birch"); len(got) != 1 {
		t.Errorf("after Put: birch = %v", got)
	}
	if err := ix.Delete(ctx, "a-work"); err != nil {
		t.Fatal(err)
	}
	if got := searchIDs(t, ix, "alder"); len(got) != 0 {
		t.Errorf("after Delete: alder = %v", got)
	}
	res, err := ix.Search(ctx, Query{Sort: SortTitle})
	if err != nil || res.Total != 1 || res.Hits[0].ID != "b-work" {
		t.Errorf("after Delete: %+v, %v", res, err)
	}
	// A work whose id sorts before one added earlier: id order must hold.
	if err := ix.Put(ctx, newWork("aa-work", "Aspen")); err != nil {
		t.Fatal(err)
	}
	for _, q := range []Query{{}, {Text: "story"}, {Page: 2, Size: 1}} {
		res, err = ix.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		want := []string{"aa-work", "b-work"}
		if q.Page == 2 {
			want = want[1:]
		}
		if res.Total != 2 || !slices.Equal(ids, want) {
			t.Errorf("Search(%+v) = %d %v, want 2 %v", q, res.Total, ids, want)
		}
	}
}

// TestReopen: an index opened from its saved state, and one opened after
// a crash (no saved state: every stored document is read), answer alike.
func TestReopen(t *testing.T) {
	ctx := context.Background()
	ix, cat, dir := openTestIndex(t, loadWorks(t, "testdata/search/catalog/works.jsonl"))
	// A write after open, so that ordinals are not in id order.
	if err := ix.Put(ctx, newWork("aardvark-novel", "Aardvark Door")); err != nil {
		t.Fatal(err)
	}
	queries := []Query{{}, {Text: "door"}, {Sort: SortTitle}, {Sort: SortYearDesc, Filters: map[string][]string{"realism": {"mixed"}}}}
	answers := func(ix *Index) []*Result {
		var out []*Result
		for _, q := range queries {
			res, err := ix.Search(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, res)
		}
		return out
	}
	want := answers(ix)
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	for _, crash := range []bool{false, true} {
		if crash {
			if err := os.Remove(filepath.Join(dir, stateFile)); err != nil {
				t.Fatal(err)
			}
		} else if _, err := os.Stat(filepath.Join(dir, stateFile)); err != nil {
			t.Fatalf("no state file after Close: %v", err)
		}
		ix, err := Open(ctx, dir, cat, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, answers(ix)); diff != "" {
			t.Errorf("reopened (crash %v) (-before +after):\n%s", crash, diff)
		}
		if err := ix.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCatalogReplaced: an index built from a catalog that has since been
// replaced by a new one (its change sequence starting again) is rebuilt.
func TestCatalogReplaced(t *testing.T) {
	ix, _, dir := openTestIndex(t, []*catalog.Work{newWork("a-work", "Alder"), newWork("b-work", "Birch"), newWork("c-work", "Cedar")})
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	fresh := newTestCatalog(t)
	fresh.put(newWork("d-work", "Dogwood"))
	ix, err := Open(context.Background(), dir, fresh, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if got := searchIDs(t, ix, "alder"); len(got) != 0 {
		t.Errorf("alder = %v, want nothing: it is not in the new catalog", got)
	}
	if got := searchIDs(t, ix, "dogwood"); len(got) != 1 {
		t.Errorf("dogwood = %v, want d-work", got)
	}
}

// TestLock: an open index is the one process's; a second Open or a Build
// of the same directory fails with ErrLocked until it is closed.
func TestLock(t *testing.T) {
	ctx := context.Background()
	ix, cat, dir := openTestIndex(t, []*catalog.Work{newWork("a", "Alpha")})
	if _, err := Open(ctx, dir, cat, Options{}); !errors.Is(err, ErrLocked) {
		t.Errorf("second Open: %v, want ErrLocked", err)
	}
	if err := Build(ctx, dir, cat, Options{}); !errors.Is(err, ErrLocked) {
		t.Errorf("Build beside an open index: %v, want ErrLocked", err)
	}
	if got := searchIDs(t, ix, "alpha"); len(got) != 1 {
		t.Errorf("the open index after refusals: %v", got)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if err := Build(ctx, dir, cat, Options{}); err != nil {
		t.Fatalf("Build after Close: %v", err)
	}
	ix2, err := Open(ctx, dir, cat, Options{})
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	ix2.Close()
}

// TestBulkCatchUpMerges: a catch-up of a bulk of changes leaves the index
// in one segment, as a build does, with every work searchable; pages big
// enough to be indexed as two batches apply puts, updates and deletes.
func TestBulkCatchUpMerges(t *testing.T) {
	ctx := context.Background()
	cat := newTestCatalog(t)
	ix, err := Open(ctx, filepath.Join(t.TempDir(), "index"), cat, Options{MergeAfter: 2500})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	r := rand.New(rand.NewPCG(3, 4))
	var works []*catalog.Work
	for i := range 3000 {
		works = append(works, randomWork(r, fmt.Sprintf("w%04d", i)))
	}
	cat.put(works...)
	n, err := ix.CatchUp(ctx)
	if err != nil || n != 3000 {
		t.Fatalf("CatchUp = %d, %v; want 3000", n, err)
	}
	if segs := len(ix.snap.segs); segs != 1 {
		t.Errorf("%d segments after a bulk catch-up, want 1", segs)
	}
	res, err := ix.Search(ctx, Query{})
	if err != nil || res.Total != 3000 {
		t.Errorf("Search = %d, %v; want 3000", res.Total, err)
	}
	if got := searchIDs(t, ix, "door"); len(got) == 0 {
		t.Error("no work found by a word after the merge")
	}

	// A page of deletes and updates, indexed as two batches at once.
	var ids []string
	for i := range 1500 {
		ids = append(ids, fmt.Sprintf("w%04d", i))
	}
	cat.delete(ids...)
	works = works[:0]
	for i := 1500; i < 2000; i++ {
		works = append(works, newWork(fmt.Sprintf("w%04d", i), fmt.Sprintf("Zanzibar %d", i)))
	}
	cat.put(works...)
	if n, err := ix.CatchUp(ctx); err != nil || n != 2000 {
		t.Fatalf("CatchUp = %d, %v; want 2000", n, err)
	}
	if ix.Count() != 1500 {
		t.Errorf("Count = %d after 1500 deletes, want 1500", ix.Count())
	}
	if got := searchIDs(t, ix, "zanzibar"); len(got) != 20 { // a page of the 500
		t.Errorf("updated works found: %d, want a full page", len(got))
	}
	res, err = ix.Search(ctx, Query{Text: "zanzibar", Size: 1})
	if err != nil || res.Total != 500 {
		t.Errorf("updated works: %d, %v; want 500", res.Total, err)
	}
	// Without text, hits come in id order: the first is the first kept.
	res, err = ix.Search(ctx, Query{Size: 1})
	if err != nil || len(res.Hits) != 1 || res.Hits[0].ID != "w1500" {
		t.Errorf("first work after the deletes: %+v, %v; want w1500", res.Hits, err)
	}
}
