package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/sqlite"
)

// TestMain lets the test binary stand in for komoru in a child process, so
// the crash test needs no separate build.
func TestMain(m *testing.M) {
	if os.Getenv("KOMORU_TEST_AS_MAIN") == "1" {
		main()
	}
	os.Exit(m.Run())
}

// TestImportCrash kills `komoru import` with SIGKILL in the middle of a large
// file and checks that the store opens cleanly with none or all of the file.
func TestImportCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 100,000 works twice; runs in the full (non -short) pass")
	}
	const n = 100_000
	dir := t.TempDir()
	file := filepath.Join(dir, "big.jsonl")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	bw := bufio.NewWriter(f)
	for i := range n {
		fmt.Fprintf(bw, `{"id":"crash-%06d","title":"Crash test work %d","medium":"novel","year":%d,"synopsis":"A work written only to be interrupted."}`+"\n", i, i, 1950+i%70)
	}
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()

	data := filepath.Join(dir, "data")
	cmd := exec.Command(os.Args[0], "import", "--data", data, "--seed=false", file)
	cmd.Env = append(os.Environ(), "KOMORU_TEST_AS_MAIN=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	// Wait until the import transaction has spilled pages to the write-ahead
	// log, i.e. it is mid-way, then kill it without warning.
	wal := filepath.Join(data, catalogFile+"-wal")
	killed := false
	for !killed {
		select {
		case err := <-exited:
			t.Logf("import finished before it could be killed (%v); checking the complete result", err)
			exited <- err
			killed = true
			continue
		case <-time.After(5 * time.Millisecond):
		}
		if st, err := os.Stat(wal); err == nil && st.Size() > 4<<20 {
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			killed = true
			t.Logf("killed the import with a %d-byte write-ahead log", st.Size())
		}
	}
	<-exited

	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(data, catalogFile), catalog.DefaultCodebook())
	if err != nil {
		t.Fatalf("store does not open after the crash: %v", err)
	}
	defer store.Close()
	if err := store.Check(ctx); err != nil {
		t.Fatal(err)
	}
	count, err := store.Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if count != 0 && count != n {
		t.Fatalf("after the crash the store holds %d works, want 0 or %d", count, n)
	}
	t.Logf("after the crash the store holds %d works", count)

	// The store is usable: the same import now completes.
	if code, _, stderr := komoru(t, "", nil, "import", "--data", data, file); code != 0 {
		t.Fatalf("import after the crash: exit %d: %s", code, stderr)
	}
	if count, _ := store.Count(ctx); count != n {
		t.Errorf("after re-import the store holds %d works, want %d", count, n)
	}
}
