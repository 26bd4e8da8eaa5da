//go:build linux

package indexer

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/komoru/komoru/catalog"
)

// mountTmpfs mounts a tmpfs of size bytes on a new directory, unmounted
// when the test ends, and returns the directory and a func that resizes
// the file system. Mounting needs root, which CI has.
func mountTmpfs(t *testing.T, size int) (dir string, resize func(size int)) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root; CI runs the tests as root")
	}
	dir = t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, fmt.Sprintf("size=%d", size)); err != nil {
		t.Fatalf("mount a tmpfs on %s: %v", dir, err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir, func(size int) {
		t.Helper()
		if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_REMOUNT, fmt.Sprintf("size=%d", size)); err != nil {
			t.Fatalf("resize the tmpfs on %s: %v", dir, err)
		}
	}
}

// fillUp appends to the file name until its file system is full.
func fillUp(t *testing.T, name string) {
	t.Helper()
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 4096)
	for {
		if _, err := f.Write(buf); errors.Is(err, syscall.ENOSPC) {
			return
		} else if err != nil {
			t.Fatal(err)
		}
	}
}

// TestDiskFull: the index's file system is full. The catch-up that
// cannot write its page (two batches at once) fails with ENOSPC and
// changes nothing; retrying does not panic (Bleve did, on the batch after
// a failed one: see Index.stale); searches answer what they did; Health
// says degraded; a rebuild fails for want of room and leaves nothing
// behind. Once there is room again, Follow catches up: every work
// searchable, Health ok.
//
// A file fills whatever room is left before each write: Bleve frees some
// as it drops the files of failed writes and merges, never as much as the
// page needs.
func TestDiskFull(t *testing.T) {
	mnt, resize := mountTmpfs(t, 4<<20)
	ctx := context.Background()
	cat := newTestCatalog(t)
	r := rand.New(rand.NewPCG(1, 2))
	total := 0
	// add puts n works in the catalog, the first three with the title
	// word marker, which no other work has.
	add := func(n int, marker string) {
		var works []*catalog.Work
		for i := range n {
			w := randomWork(r, fmt.Sprintf("w%05d", total))
			if i < 3 {
				w.Title = marker + " " + w.Title
			}
			works = append(works, w)
			total++
		}
		cat.put(works...)
	}
	add(50, "quetzal")
	dir := filepath.Join(mnt, "index")
	ix, err := Open(ctx, dir, cat, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() }) // before the unmount
	seq, count, snap := ix.Seq(), ix.Count(), ix.snap

	filler := filepath.Join(mnt, "filler")
	fillUp(t, filler)
	add(2*splitBatchAt, "zyzzyva") // two batches at once
	if _, err := ix.CatchUp(ctx); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("CatchUp on a full disk = %v, want an error wrapping ENOSPC", err)
	}
	if ix.Seq() != seq || ix.Count() != count || ix.snap != snap {
		t.Errorf("after the failed catch-up: seq %d, %d works, a new snapshot %v; want seq %d, %d works, the same snapshot",
			ix.Seq(), ix.Count(), ix.snap != snap, seq, count)
	}
	// The retries (the first opens Bleve again) fail alike.
	for range 2 {
		fillUp(t, filler)
		if _, err := ix.CatchUp(ctx); !errors.Is(err, syscall.ENOSPC) {
			t.Errorf("CatchUp again on a full disk = %v, want an error wrapping ENOSPC", err)
		}
	}
	degraded := func(when string) {
		t.Helper()
		if h := ix.Health(); h.State != HealthDegraded || !errors.Is(h.Err, ErrDegraded) || !errors.Is(h.Err, syscall.ENOSPC) {
			t.Errorf("Health %s = %q, %v; want degraded, wrapping ErrDegraded and ENOSPC", when, h.State, h.Err)
		}
	}
	degraded("on a full disk")
	if got := searchIDs(t, ix, "quetzal"); len(got) != 3 || ix.Seq() != seq || ix.Count() != count {
		t.Errorf("on a full disk: quetzal finds %v, seq %d, %d works; want 3 works found, seq %d, %d works",
			got, ix.Seq(), ix.Count(), seq, count)
	}

	fillUp(t, filler)
	if err := ix.Rebuild(ctx); !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("Rebuild on a full disk = %v, want an error wrapping ENOSPC", err)
	}
	for _, d := range []string{dir + ".rebuild", dir + ".rebuild.building"} {
		if _, err := os.Stat(d); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("after the failed rebuild, %s: %v; want it gone", filepath.Base(d), err)
		}
	}
	if got := searchIDs(t, ix, "quetzal"); len(got) != 3 {
		t.Errorf("after the failed rebuild: quetzal finds %v, want 3 works", got)
	}
	degraded("after the failed rebuild")

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	resize(64 << 20)
	follow(t, ix, 5*time.Millisecond)
	eventually(t, "the index recovered", func() bool { return ix.Health().State == HealthOK })
	res, err := ix.Search(ctx, Query{})
	if err != nil || res.Total != total || ix.Count() != total {
		t.Errorf("after recovering: %v works found (%v), Count %d; want %d", res.Total, err, ix.Count(), total)
	}
	if got := searchIDs(t, ix, "zyzzyva"); len(got) != 3 {
		t.Errorf("after recovering: zyzzyva finds %v, want the 3 works of the failed page", got)
	}
}

// TestNextWait: Follow's wait doubles after each failed step, up to a
// minute, and is back to the interval after a step that succeeds.
func TestNextWait(t *testing.T) {
	every := 250 * time.Millisecond
	for _, tc := range []struct {
		last   time.Duration
		failed bool
		want   time.Duration
	}{
		{every, false, every},
		{every, true, 2 * every},
		{40 * time.Second, true, time.Minute},
		{time.Minute, true, time.Minute},
		{time.Minute, false, every},
	} {
		if got := nextWait(tc.last, every, tc.failed); got != tc.want {
			t.Errorf("nextWait(%v, %v, %v) = %v, want %v", tc.last, every, tc.failed, got, tc.want)
		}
	}
	if got := nextWait(0, 2*time.Minute, true); got != 2*time.Minute {
		t.Errorf("nextWait with an interval above the cap = %v, want the interval", got)
	}
}
