package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/komoru/komoru/catalog"
)

// komoru runs the command in-process and returns its exit status and output.
func komoru(t *testing.T, stdin string, environ map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut,
		getenv: func(k string) string { return environ[k] }}
	code := run(context.Background(), args, e)
	return code, out.String(), errOut.String()
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

const (
	goodA = `{"id":"a","title":"A","medium":"manga","year":2001}`
	goodB = `{"id":"b","title":"B","medium":"novel","year":2002}`
)

func TestExitCodes(t *testing.T) {
	data := t.TempDir()
	good := writeFile(t, "good.jsonl", goodA+"\n"+goodB+"\n")
	bad := writeFile(t, "bad.jsonl", goodA+"\n"+`{"id":"Bad Id","title":"","medium":"opera","year":2002,"x":1}`+"\n"+`{"id":"c","medium":"manga","year":1800}`+"\n")
	tests := []struct {
		name    string
		args    []string
		environ map[string]string
		code    int
		stderr  string // a line stderr must contain
	}{
		{"no command", nil, nil, 2, "Usage:"},
		{"unknown command", []string{"frobnicate"}, nil, 2, `unknown command "frobnicate"`},
		{"help", []string{"help"}, nil, 0, ""},
		{"command help", []string{"import", "-h"}, nil, 0, ""},
		{"unknown flag", []string{"export", "--colour"}, nil, 2, "flag provided but not defined: -colour"},
		{"bad format", []string{"export", "--format", "xml"}, nil, 2, `--format must be one of jsonl, json, csv, bibtex, ris, csljson, datapackage, got "xml"`},
		{"bad body limit", []string{"serve", "--max-body", "0"}, nil, 2, `--max-body must be a size from 1 byte to 1024MiB, such as 1048576, 512KiB or 4MiB, got "0"`},
		{"body limit in other units", []string{"serve"}, map[string]string{"KOMORU_MAX_BODY": "1GB"}, 2, `--max-body must be a size`},
		{"body limit too large", []string{"serve", "--max-body", "2048MiB"}, nil, 2, `--max-body must be a size`},
		{"bad search budget", []string{"serve", "--search-timeout", "forever"}, nil, 2, `--search-timeout must be a duration from`},
		{"bad search turns", []string{"serve"}, map[string]string{"KOMORU_MAX_SEARCHES": "0"}, 2, `--max-searches must be a number from 1 to`},
		{"bad format from env", []string{"export"}, map[string]string{"KOMORU_FORMAT": "xml"}, 2, `--format must be one of jsonl`},
		{"bad bool from env", []string{"import"}, map[string]string{"KOMORU_SEED": "maybe"}, 2, `$KOMORU_SEED: invalid value "maybe"`},
		{"import without files", []string{"import", "--data", data}, nil, 2, "name at least one file"},
		{"import missing file", []string{"import", "--data", data, "/nonexistent.jsonl"}, nil, 1, "no such file"},
		{"import bad file", []string{"import", "--data", data, "--seed=false", bad}, nil, 1, "line 2: id: must be a lowercase slug"},
		{"import bad file names each problem", []string{"import", "--data", data, "--seed=false", bad}, nil, 1, "line 3: year: must be between 1900"},
		{"import bad file unknown field", []string{"import", "--data", data, "--seed=false", bad}, nil, 1, "line 2: x: unknown field"},
		{"import bad file writes nothing", []string{"import", "--data", data, "--seed=false", bad}, nil, 1, "nothing imported: 2 bad lines"},
		{"import good file", []string{"import", "--data", data, "--seed=false", good}, nil, 0, "created 2, updated 0, unchanged 0, rejected 0"},
		{"import partial", []string{"import", "--data", data, "--partial", bad}, nil, 1, "created 0, updated 0, unchanged 1, rejected 2"},
		{"export extra argument", []string{"export", "--data", data, "q=nhk"}, nil, 2, "unexpected argument"},
		{"stats by unknown facet", []string{"stats", "--data", data, "--by", "mood"}, nil, 2, `--by: "mood" is not a facet`},
		{"export takes no --seed: it loads nothing", []string{"export", "--data", data, "--seed=false"}, nil, 2, "flag provided but not defined: -seed"},
		{"export of a mistyped data dir", []string{"export", "--data", data + "-typo"}, nil, 1, `data dir "` + data + `-typo" does not exist (is --data right?)`},
		{"stats of a mistyped data dir", []string{"stats"}, map[string]string{"KOMORU_DATA": data + "-typo"}, 1, `data dir "` + data + `-typo" does not exist (is --data right?)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := komoru(t, "", tt.environ, tt.args...)
			if code != tt.code {
				t.Errorf("komoru %v: exit %d, want %d; stderr:\n%s", tt.args, code, tt.code, stderr)
			}
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("komoru %v: stderr %q does not contain %q", tt.args, stderr, tt.stderr)
			}
		})
	}
}

// TestFirstStart: a data dir that does not exist is created and loaded with
// the shipped catalog by the first command that writes; KOMORU_DATA names
// it. A command that only reads neither creates nor loads it.
func TestFirstStart(t *testing.T) {
	data := filepath.Join(t.TempDir(), "new", "dir")
	environ := map[string]string{"KOMORU_DATA": data}
	if code, _, stderr := komoru(t, "", environ, "export"); code != 1 || !strings.Contains(stderr, "does not exist") {
		t.Errorf("export of a new data dir: exit %d, %q; want 1, the dir does not exist", code, stderr)
	}
	if _, err := os.Stat(data); err == nil {
		t.Fatal("export created the data dir")
	}
	if code, _, stderr := komoru(t, "", environ, "import", "-"); code != 0 {
		t.Fatalf("import - of nothing: exit %d: %s", code, stderr)
	}
	code, out, stderr := komoru(t, "", environ, "export")
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, stderr)
	}
	if got, want := strings.Count(out, "\n"), shippedCount(t); got != want {
		t.Errorf("export of a new data dir has %d works, the shipped catalog %d", got, want)
	}
	if _, err := os.Stat(filepath.Join(data, catalogFile)); err != nil {
		t.Errorf("catalog file not created: %v", err)
	}
}

// newDataDir returns a data dir with the shipped catalog in it, as the
// first command that writes leaves it.
func newDataDir(t *testing.T) string {
	t.Helper()
	data := t.TempDir()
	if code, _, stderr := komoru(t, "", nil, "import", "--data", data, "-"); code != 0 {
		t.Fatalf("import - of nothing: exit %d: %s", code, stderr)
	}
	return data
}

// TestRoundTripCLI: export, import into an empty data dir, export again:
// same bytes, through the real commands.
func TestRoundTripCLI(t *testing.T) {
	code, first, stderr := komoru(t, "", nil, "export", "--data", newDataDir(t))
	if code != 0 {
		t.Fatal(stderr)
	}
	empty := t.TempDir()
	if code, _, stderr := komoru(t, first, nil, "import", "--data", empty, "--seed=false", "-"); code != 0 {
		t.Fatalf("import -: exit %d: %s", code, stderr)
	}
	_, second, _ := komoru(t, "", nil, "export", "--data", empty)
	if first != second {
		t.Errorf("JSONL export changed after a round trip")
	}
	code, csv, _ := komoru(t, "", nil, "export", "--data", empty, "--format", "csv")
	rows := strings.Split(strings.TrimSpace(csv), "\n")
	if code != 0 || !strings.HasPrefix(rows[0], "id,title,original_title,") || len(rows) < 2 {
		t.Errorf("CSV export: exit %d, rows %q", code, rows[:min(2, len(rows))])
	}
}

func TestStatsCommand(t *testing.T) {
	data := t.TempDir()
	good := writeFile(t, "good.jsonl", goodA+"\n"+goodB+"\n"+`{"id":"c","title":"C","medium":"manga","year":2015}`+"\n")
	if code, _, stderr := komoru(t, "", nil, "import", "--data", data, "--seed=false", good); code != 0 {
		t.Fatal(stderr)
	}
	code, out, stderr := komoru(t, "", nil, "stats", "--data", data, "--by", "decade")
	if code != 0 {
		t.Fatalf("stats: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"3 works, codebook ", "2000s  2010s", "Manga (manga)", "Female hikikomori lead"} {
		if !strings.Contains(out, want) {
			t.Errorf("stats output lacks %q:\n%s", want, out)
		}
	}
	// Two manga: one in the 2000s, one in the 2010s.
	if !regexp.MustCompile(`Manga \(manga\)\s+2\s+1\s+1`).MatchString(out) {
		t.Errorf("stats output does not count the manga per decade:\n%s", out)
	}
}

// shippedCount is the number of works in the shipped catalog.
func shippedCount(t *testing.T) int {
	t.Helper()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(catalog.Shipped()); err != nil {
		t.Fatal(err)
	}
	return strings.Count(strings.TrimSpace(buf.String()), "\n") + 1
}
