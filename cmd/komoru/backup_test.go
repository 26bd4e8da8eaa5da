package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/sqlite"
)

// importFiles writes files of perFile generated works each, numbered by
// file so that a work's id says which file (and so which transaction) it
// came in. Every title has the word "Zorblax", for a search.
func importFiles(t *testing.T, files, perFile int) []string {
	t.Helper()
	dir := t.TempDir()
	var names []string
	for f := range files {
		name := filepath.Join(dir, fmt.Sprintf("part-%03d.jsonl", f))
		var b bytes.Buffer
		for i := range perFile {
			fmt.Fprintf(&b, `{"id":"bk-%03d-%04d","title":"Zorblax backup work %d of file %d","medium":"novel","year":%d,"synopsis":"Written to be backed up mid-import."}`+"\n",
				f, i, i, f, 1950+(f*perFile+i)%70)
		}
		if err := os.WriteFile(name, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	return names
}

// fileOf returns the file number of a generated work's id, -1 for any
// other work.
func fileOf(id string) int {
	var f, i int
	if n, _ := fmt.Sscanf(id, "bk-%03d-%04d", &f, &i); n != 2 {
		return -1
	}
	return f
}

var wroteRE = regexp.MustCompile(`^wrote (.+): (\d+) works?, change sequence (\d+), (\d+) bytes\n$`)

// TestBackupDuringImport backs up a catalog while `komoru serve` runs on
// it and `komoru import` is committing thousands of works to it, file by
// file (each file is one transaction), then restores the backup into a
// new data dir. The restored catalog holds exactly the revisions the
// original had committed up to the change sequence the backup reports:
// whole files, none in part, nothing after. A server started on the
// restored dir builds its search index from it.
func TestBackupDuringImport(t *testing.T) {
	files, perFile := 50, 100 // 5,000 works
	if testing.Short() {
		files = 20
	}
	ctx := context.Background()
	data := filepath.Join(t.TempDir(), "data")
	startServe(t, data) // makes and seeds the catalog, then holds the index
	live, err := sqlite.OpenReadOnly(ctx, filepath.Join(data, catalogFile), catalog.DefaultCodebook())
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	base, err := live.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}

	type result struct {
		code   int
		stderr string
	}
	imported := make(chan result, 1)
	names := importFiles(t, files, perFile)
	go func() {
		var out, errOut bytes.Buffer
		e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
		code := run(ctx, append([]string{"import", "--data", data}, names...), e)
		imported <- result{code, errOut.String()}
	}()
	// Wait for the import to be under way: its first file committed.
	deadline := time.Now().Add(time.Minute)
	for {
		seq, err := live.LastSeq(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if seq > base {
			break
		}
		select {
		case r := <-imported:
			t.Fatalf("the import ended (exit %d) before any of it was seen committed: %s", r.code, r.stderr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the import committed nothing within a minute")
		}
		time.Sleep(time.Millisecond)
	}

	backup := filepath.Join(t.TempDir(), "komoru.backup")
	code, stdout, stderr := komoru(t, "", nil, "backup", backup, "--data", data)
	if code != 0 {
		t.Fatalf("backup beside a server and an import: exit %d: %s", code, stderr)
	}
	m := wroteRE.FindStringSubmatch(stdout)
	if m == nil || m[1] != backup {
		t.Fatalf("backup printed %q, want %q", stdout, "wrote "+backup+": N works, change sequence S, B bytes")
	}
	works, _ := strconv.Atoi(m[2])
	seq, _ := strconv.ParseInt(m[3], 10, 64)
	if fi, err := os.Stat(backup); err != nil || strconv.FormatInt(fi.Size(), 10) != m[4] {
		t.Errorf("backup says %s bytes; the file: %v, %v", m[4], fi, err)
	}

	select {
	case r := <-imported:
		if r.code != 0 {
			t.Fatalf("import: exit %d: %s", r.code, r.stderr)
		}
	case <-time.After(5 * time.Minute):
		t.Fatal("the import did not finish within 5 minutes")
	}
	final, err := live.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("backup at change sequence %d: the import ran from %d to %d", seq, base, final)
	if seq <= base || seq >= final {
		t.Fatalf("backup at change sequence %d, want one taken mid-import, between %d and %d", seq, base, final)
	}

	// What the original had committed at the backup's sequence: whole
	// files, a prefix of them, since each file is one transaction.
	all, err := live.Changes(ctx, 0, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	var want []catalog.Revision
	perFileSeen := map[int]int{}
	current := map[string]bool{}
	for _, r := range all {
		if r.Seq > seq {
			break
		}
		want = append(want, r)
		if f := fileOf(r.WorkID); f >= 0 {
			perFileSeen[f]++
		}
		current[r.WorkID] = r.Op != catalog.OpDelete
	}
	for f := range len(perFileSeen) {
		if perFileSeen[f] != perFile {
			t.Errorf("at the backup's sequence, file %d had %d of its %d works committed, want all (files %v)", f, perFileSeen[f], perFile, perFileSeen)
		}
	}
	wantWorks := 0
	for _, ok := range current {
		if ok {
			wantWorks++
		}
	}
	if works != wantWorks {
		t.Errorf("backup says %d works; the catalog had %d at change sequence %d", works, wantWorks, seq)
	}

	restored := filepath.Join(t.TempDir(), "restored")
	code, stdout, stderr = komoru(t, "", nil, "restore", backup, "--data", restored)
	if code != 0 {
		t.Fatalf("restore: exit %d: %s", code, stderr)
	}
	if want := fmt.Sprintf("restored %s into %s: %d works, change sequence %d, ", backup, restored, works, seq); !strings.HasPrefix(stdout, want) {
		t.Errorf("restore printed %q, want it to start %q", stdout, want)
	}
	r, err := sqlite.OpenReadOnly(ctx, filepath.Join(restored, catalogFile), catalog.DefaultCodebook())
	if err != nil {
		t.Fatal(err)
	}
	if got, err := r.LastSeq(ctx); err != nil || got != seq {
		t.Errorf("restored LastSeq = %d, %v; want the backup's %d", got, err, seq)
	}
	got, err := r.Changes(ctx, 0, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("restored revisions differ from the original's up to change sequence %d (-want +got):\n%s", seq, diff)
	}
	if n, err := r.Count(ctx); err != nil || n != wantWorks {
		t.Errorf("restored Count = %d, %v; want %d", n, err, wantWorks)
	}
	r.Close()

	// serve builds the index of the restored catalog when it starts.
	_, addr, _ := startServe(t, restored)
	if total, want := searchTotal(t, addr, "zorblax"), len(perFileSeen)*perFile; total != want {
		t.Errorf("search on the restored catalog finds %d imported works, want %d", total, want)
	}
}

// TestBackupRestoreRefusals: backup and restore refuse, with exit status 1
// and a line that names the path, what would lose data or make a catalog
// where none was meant; and they create nothing when they refuse.
func TestBackupRestoreRefusals(t *testing.T) {
	tmp := t.TempDir()
	data := filepath.Join(tmp, "data")
	if code, _, stderr := komoru(t, "", nil, "import", "--data", data, "-"); code != 0 {
		t.Fatal(stderr)
	}
	good := filepath.Join(tmp, "good.backup")
	if code, _, stderr := komoru(t, "", nil, "backup", good, "--data", data); code != 0 {
		t.Fatal(stderr)
	}
	goodBytes, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	indexOnly := filepath.Join(tmp, "index-only")
	if err := os.MkdirAll(filepath.Join(indexOnly, indexDir), 0o755); err != nil {
		t.Fatal(err)
	}
	noCatalog := filepath.Join(tmp, "no-catalog")
	if err := os.Mkdir(noCatalog, 0o755); err != nil {
		t.Fatal(err)
	}
	notCatalog := writeFile(t, "notes.txt", "not a catalog\n")
	missing := filepath.Join(tmp, "typo")
	newFile := filepath.Join(tmp, "new.backup")

	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"backup over an existing file", []string{"backup", good, "--data", data}, 1,
			good + " exists: a backup goes to a new file, never over another"},
		{"backup of a missing data dir", []string{"backup", newFile, "--data", missing}, 1,
			`data dir "` + missing + `" does not exist (is --data right?)`},
		{"backup of a data dir with no catalog", []string{"backup", newFile, "--data", noCatalog}, 1,
			`data dir "` + noCatalog + `" has no catalog: no catalog.db in it (is --data right?)`},
		{"backup without a file", []string{"backup", "--data", data}, 2, "name the one file to write"},
		{"restore into a data dir with a catalog", []string{"restore", good, "--data", data}, 1,
			filepath.Join(data, catalogFile) + " exists: komoru restore fills only a data dir with no catalog yet"},
		{"restore beside a search index", []string{"restore", good, "--data", indexOnly}, 1,
			filepath.Join(indexOnly, indexDir) + " exists: komoru restore fills only a data dir with no catalog yet"},
		{"restore a file that is not a catalog", []string{"restore", notCatalog, "--data", missing}, 1,
			"open catalog " + notCatalog + ": not a komoru catalog"},
		{"restore a missing file", []string{"restore", newFile, "--data", missing}, 1, "backup " + newFile + " does not exist"},
		{"restore without a file", []string{"restore", "--data", missing}, 2, "name the one backup file to restore"},
		{"export of a missing data dir", []string{"export", "--data", missing}, 1, `data dir "` + missing + `" does not exist (is --data right?)`},
		{"stats of a missing data dir", []string{"stats", "--data", missing}, 1, `data dir "` + missing + `" does not exist (is --data right?)`},
		{"user list of a missing data dir", []string{"user", "list", "--data", missing}, 1, `data dir "` + missing + `" does not exist (is --data right?)`},
		{"export of a data dir with no catalog", []string{"export", "--data", noCatalog}, 1, `data dir "` + noCatalog + `" has no catalog`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := komoru(t, "", nil, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("komoru %v: exit %d, %q; want %d and %q", tt.args, code, stderr, tt.code, tt.stderr)
			}
			for _, p := range []string{missing, newFile, filepath.Join(noCatalog, catalogFile), filepath.Join(indexOnly, catalogFile)} {
				if _, err := os.Stat(p); err == nil {
					t.Fatalf("komoru %v created %s", tt.args, p)
				}
			}
			if b, err := os.ReadFile(good); err != nil || !bytes.Equal(b, goodBytes) {
				t.Fatalf("komoru %v changed the backup %s", tt.args, good)
			}
		})
	}
}

// TestRestoreThenWrite: a restored catalog is an ordinary one: the
// shipped catalog is not loaded into it again, and writing commands go on
// from its change sequence.
func TestRestoreThenWrite(t *testing.T) {
	tmp := t.TempDir()
	data := filepath.Join(tmp, "data")
	good := writeFile(t, "good.jsonl", goodA+"\n"+goodB+"\n")
	if code, _, stderr := komoru(t, "", nil, "import", "--data", data, "--seed=false", good); code != 0 {
		t.Fatal(stderr)
	}
	backup := filepath.Join(tmp, "b")
	if code, out, stderr := komoru(t, "", nil, "backup", backup, "--data", data); code != 0 || !strings.Contains(out, ": 2 works, change sequence 2, ") {
		t.Fatalf("backup: exit %d, %q, %s", code, out, stderr)
	}
	restored := filepath.Join(tmp, "restored")
	if code, _, stderr := komoru(t, "", nil, "restore", backup, "--data", restored); code != 0 {
		t.Fatal(stderr)
	}
	c := writeFile(t, "c.jsonl", `{"id":"c","title":"C","medium":"manga","year":2015}`+"\n")
	if code, _, stderr := komoru(t, "", nil, "import", "--data", restored, c); code != 0 {
		t.Fatal(stderr)
	}
	code, out, stderr := komoru(t, "", nil, "export", "--data", restored)
	if code != 0 {
		t.Fatal(stderr)
	}
	var ids []string
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		ids = append(ids, regexp.MustCompile(`"id":"([^"]+)"`).FindStringSubmatch(sc.Text())[1])
	}
	if diff := cmp.Diff([]string{"a", "b", "c"}, ids); diff != "" {
		t.Errorf("export of the restored catalog after an import (-want +got):\n%s", diff)
	}
}
