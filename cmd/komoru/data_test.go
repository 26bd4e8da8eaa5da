package main

import (
	"context"
	"testing"

	"github.com/komoru/komoru/catalog"
)

// TestSeedStampsRelease: a new data dir's shipped works are revision 1 of
// the shipped catalog's release, stamped with its date, not with the day
// the data dir was made, so that a citation names when the entry was
// written.
func TestSeedStampsRelease(t *testing.T) {
	data := newDataDir(t)
	ctx := context.Background()
	store := openData(t, data)
	release := catalog.ShippedRevised()
	n := 0
	err := store.Each(ctx, func(w *catalog.Work) error {
		rev, err := store.Get(ctx, w.ID)
		if err != nil {
			return err
		}
		if n++; rev.Number != 1 || !rev.Time.Equal(release) || rev.Author != "komoru" {
			t.Errorf("%s: revision %d by %s at %v, want revision 1 by komoru at the release, %v", w.ID, rev.Number, rev.Author, rev.Time, release)
		}
		return nil
	})
	if err != nil || n == 0 {
		t.Fatalf("read %d works: %v", n, err)
	}
}
