package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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
// bigFile writes n small works to a file.
func bigFile(t *testing.T, n int) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "big.jsonl")
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
	return file
}

// interruptImport starts `komoru import` of file in a child process, waits
// until the import transaction has spilled pages to the write-ahead log
// (it is mid-way), sends sig, and returns the child's exit error and stderr.
func interruptImport(t *testing.T, data, file string, sig syscall.Signal) (error, string) {
	t.Helper()
	cmd := komoruChild("import", "--data", data, "--seed=false", file)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	wal := filepath.Join(data, catalogFile+"-wal")
	for {
		select {
		case err := <-exited:
			t.Logf("import finished before the signal (%v); checking the complete result", err)
			return err, stderr.String()
		case <-time.After(5 * time.Millisecond):
		}
		if st, err := os.Stat(wal); err == nil && st.Size() > 4<<20 {
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			t.Logf("sent %v to the import with a %d-byte write-ahead log", sig, st.Size())
			err := <-exited
			return err, stderr.String()
		}
	}
}

func TestImportCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 100,000 works twice; runs in the full (non -short) pass")
	}
	const n = 100_000
	file := bigFile(t, n)
	data := filepath.Join(t.TempDir(), "data")
	interruptImport(t, data, file, syscall.SIGKILL)

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

// TestImportInterrupt: SIGINT stops an import cleanly: exit status 1, a
// one-line reason, and nothing of the file in the store.
func TestImportInterrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 100,000 works; runs in the full (non -short) pass")
	}
	file := bigFile(t, 100_000)
	data := filepath.Join(t.TempDir(), "data")
	err, stderr := interruptImport(t, data, file, syscall.SIGINT)
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("interrupted import exited with %v, want status 1; stderr:\n%s", err, stderr)
	}
	if !strings.Contains(stderr, "interrupted; nothing of this file was imported") {
		t.Errorf("stderr does not say the import was interrupted:\n%s", stderr)
	}
	store, err := sqlite.Open(context.Background(), filepath.Join(data, catalogFile), catalog.DefaultCodebook())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if n, _ := store.Count(context.Background()); n != 0 {
		t.Errorf("an interrupted import left %d works", n)
	}
}
