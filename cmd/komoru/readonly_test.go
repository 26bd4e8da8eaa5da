//go:build unix

package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// nobody is the unprivileged account the test runs commands as when it
// runs as root, for whom chmod denies nothing.
const nobody = 65534

// readOnlyRunner returns a way to run komoru as a user who may read the
// data dir but not write it. As an ordinary user, it takes write
// permission away from the dir and the catalog (call deny once the test
// has written what it needs) and runs komoru in-process. As root, which
// CI is, chmod would deny nothing: it runs komoru as a child process of
// uid and gid 65534, to whom the data dir, root's own, is read-only.
func readOnlyRunner(t *testing.T, root, data string) (run func(args ...string) (int, string, string), deny func()) {
	if os.Geteuid() != 0 {
		deny = func() {
			for _, p := range []string{filepath.Join(data, catalogFile), data} {
				if err := os.Chmod(p, 0o555); err != nil {
					t.Fatal(err)
				}
			}
			t.Cleanup(func() { os.Chmod(data, 0o755) }) // so that TempDir can remove it
		}
		run = func(args ...string) (int, string, string) { return komoru(t, "", nil, args...) }
		return run, deny
	}
	// The test binary lives in a directory only root may enter: nobody
	// runs a copy, from a directory all may enter.
	for _, d := range []string{filepath.Dir(root), root} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	exe := filepath.Join(root, "komoru.test")
	copyFile(t, os.Args[0], exe, 0o755)
	run = func(args ...string) (int, string, string) {
		cmd := exec.Command(exe, args...)
		cmd.Env = append(os.Environ(), "KOMORU_TEST_AS_MAIN=1")
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatalf("running komoru %v as uid %d: %v (is every directory above %s open to others?)", args, nobody, err, root)
		}
		return cmd.ProcessState.ExitCode(), stdout.String(), stderr.String()
	}
	return run, func() {}
}

func copyFile(t *testing.T, from, to string, perm os.FileMode) {
	t.Helper()
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestReadOnlyDataDir runs the commands on a data dir its user may read
// but not write, for real: as uid 65534 on root's data dir when the test
// runs as root (CI), else after a chmod. With no server running, reading
// the catalog needs the directory writable (SQLite makes its -shm and -wal
// files to read a WAL database); every command says so, naming the
// directory, instead of "migration 0001_init.sql: attempt to write a
// readonly database (1544)". With a server running, the commands that
// only read work, because they open the catalog read-only; import still
// cannot, and names each file it may not write.
func TestReadOnlyDataDir(t *testing.T) {
	root := t.TempDir()
	data := filepath.Join(root, "data")
	good := filepath.Join(root, "good.jsonl")
	if err := os.WriteFile(good, []byte(goodA+"\n"+goodB+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := komoru(t, "", nil, "import", "--data", data, "--seed=false", good); code != 0 {
		t.Fatal(stderr)
	}
	out := filepath.Join(root, "out") // where the reader may write its backups
	if err := os.Mkdir(out, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(out, 0o777); err != nil { // past the umask
		t.Fatal(err)
	}
	as, deny := readOnlyRunner(t, root, data)
	catalogPath := filepath.Join(data, catalogFile)

	check := func(args []string, wantCode int, wants ...string) string {
		t.Helper()
		code, stdout, stderr := as(args...)
		if code != wantCode {
			t.Errorf("komoru %v on a read-only data dir: exit %d, want %d; stderr: %s", args, code, wantCode, stderr)
		}
		for _, w := range wants {
			if !strings.Contains(stderr, w) {
				t.Errorf("komoru %v: stderr %q\nwant it to contain %q", args, stderr, w)
			}
		}
		for _, bad := range []string{"migration", "attempt to write a readonly database", "unable to open database file"} {
			if strings.Contains(stderr, bad) {
				t.Errorf("komoru %v: stderr %q has SQLite's %q, not what is missing", args, stderr, bad)
			}
		}
		return stdout
	}

	t.Run("no server", func(t *testing.T) {
		deny()
		readMsg := "has no write permission on the directory " + data +
			": to read a catalog that no server has open, SQLite creates catalog.db-shm and catalog.db-wal beside it"
		check([]string{"export", "--data", data}, 1, "komoru export: open catalog "+catalogPath+": ", readMsg)
		check([]string{"stats", "--data", data}, 1, readMsg)
		check([]string{"user", "list", "--data", data}, 1, readMsg)
		check([]string{"backup", filepath.Join(out, "b1"), "--data", data}, 1, readMsg)
		check([]string{"import", "--data", data, good}, 1,
			"komoru import: open catalog "+catalogPath+": ",
			"has no write permission on the file "+catalogPath+", nor on the directory "+data+": a command that writes the catalog needs")
		if _, err := os.Stat(filepath.Join(out, "b1")); err == nil {
			t.Error("a refused backup left a file")
		}
	})

	t.Run("server running", func(t *testing.T) {
		if os.Geteuid() != 0 {
			// The server, run by the data dir's owner, must make its log
			// files before the directory is closed to writing.
			os.Chmod(data, 0o755)
			os.Chmod(catalogPath, 0o644)
		}
		startServe(t, data)
		deny()
		if stdout := check([]string{"export", "--data", data}, 0); strings.Count(stdout, "\n") != 2 {
			t.Errorf("export beside a server: %q, want 2 works", stdout)
		}
		if stdout := check([]string{"backup", filepath.Join(out, "b2"), "--data", data}, 0); !strings.Contains(stdout, ": 2 works, ") {
			t.Errorf("backup beside a server printed %q, want 2 works", stdout)
		}
		check([]string{"import", "--data", data, good}, 1, "has no write permission on the file "+catalogPath)
	})
}
