package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/sqlite"
)

func searchTotal(t *testing.T, addr, q string) int {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/api/v1/search?typo=false&q=" + url.QueryEscape(q))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct{ Total int }
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != 200 {
		t.Fatalf("search %q: %d %v", q, resp.StatusCode, err)
	}
	return body.Total
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 30 s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestServeSync: an import by another process becomes searchable in a
// running server; a killed server, restarted, catches up with what was
// written meanwhile; a deleted index directory is rebuilt on start.
func TestServeSync(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	cmd, addr, _ := startServe(t, data)
	work := func(id, title string) string {
		return fmt.Sprintf(`{"id":%q,"title":%q,"medium":"manga","year":2001}`, id, title)
	}
	if searchTotal(t, addr, "zyzzyva") != 0 {
		t.Fatal("zyzzyva before any import")
	}
	if code, _, stderr := komoru(t, "", nil, "import", "--data", data, writeFile(t, "a.jsonl", work("zyzzyva-manga", "Zyzzyva")+"\n")); code != 0 {
		t.Fatalf("import: %s", stderr)
	}
	waitFor(t, "an import beside the server becomes searchable", func() bool { return searchTotal(t, addr, "zyzzyva") == 1 })

	// Killed, not stopped: nothing is saved on the way out.
	cmd.Process.Kill()
	cmd.Wait()
	if code, _, stderr := komoru(t, "", nil, "import", "--data", data, writeFile(t, "b.jsonl", work("quokka-novel", "Quokka")+"\n")); code != 0 {
		t.Fatalf("import: %s", stderr)
	}
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(data, catalogFile), catalog.DefaultCodebook())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := catalog.DeleteWork(ctx, store, "zyzzyva-manga", 0, catalog.Change{Author: "test"}); err != nil {
		t.Fatal(err)
	}
	store.Close()
	cmd, addr, _ = startServe(t, data)
	if got := searchTotal(t, addr, "quokka"); got != 1 {
		t.Errorf("after restart: quokka = %d, want 1 (written while the server was down)", got)
	}
	if got := searchTotal(t, addr, "zyzzyva"); got != 0 {
		t.Errorf("after restart: zyzzyva = %d, want 0 (deleted while the server was down)", got)
	}
	cmd.Process.Kill()
	cmd.Wait()

	if err := os.RemoveAll(filepath.Join(data, indexDir)); err != nil {
		t.Fatal(err)
	}
	_, addr, _ = startServe(t, data)
	if got := searchTotal(t, addr, "quokka"); got != 1 {
		t.Errorf("after the index was deleted: quokka = %d, want 1", got)
	}
}
