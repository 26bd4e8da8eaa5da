package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/sqlite"
)

func addUsers(t *testing.T, data string, names ...string) {
	t.Helper()
	for _, n := range names {
		if code, _, stderr := komoru(t, "", nil, "user", "add", n, "--role", "contributor", "--data", data); code != 0 {
			t.Fatalf("user add %s: exit %d: %s", n, code, stderr)
		}
	}
}

func openData(t *testing.T, data string) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(data, catalogFile), catalog.DefaultCodebook())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestCodingsImport: a coding sheet creates its round and submits every
// line's coding; a sheet with bad lines names each and imports nothing.
func TestCodingsImport(t *testing.T) {
	data := newDataDir(t)
	addUsers(t, data, "coder-1", "coder-2")
	sheet := strings.Join([]string{
		`{"round": "r1", "work": "welcome-to-the-nhk-novel", "coder": "coder-1", "portrayal": {"realism": "realistic", "conditions": ["paranoia", "depression"]}}`,
		`{"round": "r1", "work": "welcome-to-the-nhk-novel", "coder": "coder-2", "portrayal": {"realism": "mixed", "conditions": ["paranoia"]}}`,
		``,
		`{"round": "r1", "work": "princess-jellyfish-manga", "coder": "coder-1", "portrayal": {"realism": {"value": "romanticized", "evidence": "ch. 1"}}}`,
	}, "\n") + "\n"
	code, _, stderr := komoru(t, sheet, nil, "codings", "import", "--data", data, "-")
	if code != 0 || !strings.Contains(stderr, "imported 3 codings; created round [r1]") {
		t.Fatalf("codings import: exit %d: %s", code, stderr)
	}
	st := openData(t, data)
	r, err := st.Round(context.Background(), "r1")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(r.Works, " ") != "welcome-to-the-nhk-novel princess-jellyfish-manga" || strings.Join(r.Coders, " ") != "coder-1 coder-2" ||
		strings.Join(r.Dimensions, " ") != "realism conditions" {
		t.Errorf("the sheet's round: %+v", r)
	}
	units, _ := st.Codings(context.Background(), "r1")
	if len(units) != 3 || units[0].State != catalog.UnitSubmitted {
		t.Errorf("codings: %+v", units)
	}

	bad := strings.Join([]string{
		`{"round": "r1", "work": "welcome-to-the-nhk-manga", "coder": "coder-1", "portrayal": {"realism": "realistic"}}`,
		`{"round": "r1", "work": "welcome-to-the-nhk-novel", "coder": "coder-9", "portrayal": {"realism": "realistic"}}`,
		`{"round": "r1", "work": "no-such-work", "coder": "coder-1", "portrayal": {"realism": "realistic"}}`,
		`{"round": "r1", "work": "princess-jellyfish-manga", "coder": "coder-2", "portrayal": {"realism": "so-so"}}`,
		`{"round": "r1", "work": "welcome-to-the-nhk-novel", "coder": "coder-2", "portrayal": {"tone": "serious"}}`,
		`{"round": "r2", "work": "welcome-to-the-nhk-novel", "coder": "coder-1", "portrayal": {"realism": "realistic"}, "mood": 3}`,
		`{"round": "r2", "work": "welcome-to-the-nhk-novel", "coder": "coder-1", "portrayal": {"realism": "realistic"}}`,
		`{"round": "r2", "work": "welcome-to-the-nhk-novel", "coder": "coder-1", "portrayal": {"realism": "mixed"}}`,
		`{"round": "r2", "work": "welcome-to-the-nhk-novel", "coder": "coder-2"}`,
	}, "\n") + "\n"
	code, _, stderr = komoru(t, bad, nil, "codings", "import", "--data", data, "-")
	if code != 1 {
		t.Errorf("a bad sheet: exit %d, want 1", code)
	}
	for _, want := range []string{
		"line 1: work: work \"welcome-to-the-nhk-manga\" is not in round \"r1\"",
		`line 2: coder: no account "coder-9"`,
		`line 3: work: no work "no-such-work" in the catalog`,
		`line 4: portrayal.realism: "so-so" is not a realism value`,
		`line 5: portrayal.tone: is not coded in round "r1"`,
		"line 6: mood: unknown field",
		`line 8: coder: "coder-1" coded "welcome-to-the-nhk-novel" in round "r2" on line 7 already`,
		"line 9: portrayal: is required",
		"8 bad lines in the coding sheet; nothing was imported",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Index(stderr, "line 1:") > strings.Index(stderr, "line 6:") {
		t.Error("the bad lines are not told in the sheet's order")
	}
	if _, err := st.Round(context.Background(), "r2"); err == nil {
		t.Error("round r2 was created by a sheet with bad lines")
	}
	if after, _ := st.Codings(context.Background(), "r1"); len(after) != 3 {
		t.Errorf("the bad sheet changed r1's codings: %d", len(after))
	}
}
