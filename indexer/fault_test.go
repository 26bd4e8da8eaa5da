package indexer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestTruncatedSegment: a segment file cut short under a running index
// makes searches that read it fail with ErrDamaged, not crash (its memory
// map raises SIGBUS); the follower then rebuilds the index from the
// catalog, and searches answer again.
func TestTruncatedSegment(t *testing.T) {
	ix := openShipped(t)
	ctx := context.Background()
	segs, err := filepath.Glob(filepath.Join(ix.dir, "store", "*.zap"))
	if err != nil || len(segs) == 0 {
		t.Fatalf("no segment files in %s (%v)", ix.dir, err)
	}
	for _, s := range segs {
		if err := os.Truncate(s, 0); err != nil {
			t.Fatal(err)
		}
	}
	_, err = ix.Search(ctx, Query{Text: "hikikomori", Typo: true})
	if !errors.Is(err, ErrDamaged) || !ix.Damaged() {
		t.Fatalf("search over a truncated segment: %v (damaged %v), want ErrDamaged", err, ix.Damaged())
	}
	follow(t, ix, 10*time.Millisecond)
	eventually(t, "the index rebuilt", func() bool { return !ix.Damaged() })
	res, err := ix.Search(ctx, Query{Text: "hikikomori", Typo: true})
	if err != nil || res.Total == 0 {
		t.Fatalf("search after the rebuild: %v, %v", res, err)
	}
}
