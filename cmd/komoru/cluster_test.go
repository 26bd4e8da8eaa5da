package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/postgres"
)

// clusterDatabase returns the connection string of a new, empty schema
// in the test PostgreSQL database (KOMORU_TEST_DATABASE), dropped when
// the test ends. Without a database the test is skipped, unless
// KOMORU_POSTGRES_TESTS=required (as in CI), when it fails.
func clusterDatabase(t *testing.T) string {
	t.Helper()
	base := os.Getenv("KOMORU_TEST_DATABASE")
	if base == "" {
		base = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		if os.Getenv("KOMORU_POSTGRES_TESTS") == "required" {
			t.Fatalf("PostgreSQL is required here and unreachable: %v", err)
		}
		t.Skipf("no PostgreSQL to test against (KOMORU_TEST_DATABASE): %v", err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 6)
	rand.Read(b)
	schema := "komoru_cluster_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), base)
		if err == nil {
			c.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			c.Close(context.Background())
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// apiCall sends one API request with a token and returns the status and
// body.
func apiCall(t *testing.T, method, addr, path, token, ifMatch, body string) (int, string) {
	t.Helper()
	r, err := http.NewRequest(method, "http://"+addr+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Authorization", "Bearer "+token)
	r.Header.Set("Content-Type", "application/json")
	if ifMatch != "" {
		r.Header.Set("If-Match", ifMatch)
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatalf("%s %s on %s: %v", method, path, addr, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestThreeServers: three `komoru serve` processes share one PostgreSQL
// catalog, each with its own index in its own data dir. A write through
// one is searchable on the others (how soon is logged: p50 and p95 over
// 100 writes); a server killed with SIGKILL while the others take writes
// catches up when it starts again, to the database's count; and two
// servers taking conflicting edits of one work answer exactly one 412.
func TestThreeServers(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three servers and writes 140 works; the full run (go test ./...) has it")
	}
	db := clusterDatabase(t)
	ctx := context.Background()
	// The shipped catalog is loaded once, by the first command.
	store, err := openCatalog(ctx, &config{database: db, data: t.TempDir(), seed: true}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	token := account(t, store, "cora", catalog.RoleCurator)
	store.Close()

	dirs := []string{filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b"), filepath.Join(t.TempDir(), "c")}
	addrs := make([]string, 3)
	procs := make([]*os.Process, 3)
	for i, d := range dirs {
		cmd, addr, _ := startServe(t, d, "--database", db)
		procs[i], addrs[i] = cmd.Process, addr
	}

	create := func(addr, id, word string) {
		t.Helper()
		body := fmt.Sprintf(`{"work":{"id":%q,"title":%q,"medium":"novel","year":2001},"note":"cluster test"}`, id, "Cluster "+word)
		if code, b := apiCall(t, "POST", addr, "/api/v1/works", token, "", body); code != http.StatusCreated {
			t.Fatalf("create %s on %s: %d %s", id, addr, code, b)
		}
	}

	// A write through A, searchable on B and C: how long after its answer.
	var lags []time.Duration
	for i := range 100 {
		word := fmt.Sprintf("syncprobe%03d", i)
		create(addrs[0], fmt.Sprintf("cluster-%03d-novel", i), word)
		start := time.Now()
		waitFor(t, word+" on B and C", func() bool {
			return searchTotal(t, addrs[1], word) == 1 && searchTotal(t, addrs[2], word) == 1
		})
		lags = append(lags, time.Since(start))
	}
	slices.Sort(lags)
	t.Logf("a write through A searchable on B and C after: p50 %v, p95 %v, max %v (100 writes; checked at once, then every 50 ms)",
		lags[49].Round(time.Millisecond), lags[94].Round(time.Millisecond), lags[99].Round(time.Millisecond))

	// B is killed while A and C take writes; started again, it catches up.
	if err := procs[1].Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	procs[1].Wait()
	var wg sync.WaitGroup
	for j, addr := range []string{addrs[0], addrs[2]} {
		wg.Go(func() {
			for i := range 20 {
				create(addr, fmt.Sprintf("cluster-kill-%d-%02d-novel", j, i), fmt.Sprintf("afterkill%d%02d", j, i))
			}
		})
	}
	wg.Wait()
	_, addrs[1], _ = startServe(t, dirs[1], "--database", db)
	check, err := postgres.Open(ctx, db, catalog.DefaultCodebook())
	if err != nil {
		t.Fatal(err)
	}
	defer check.Close()
	want, err := check.Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if shipped := shippedCount(t); want != shipped+100+40 {
		t.Errorf("the database holds %d works, want %d", want, shipped+100+40)
	}
	for i, addr := range addrs {
		waitFor(t, fmt.Sprintf("server %c to hold every work", 'A'+i), func() bool { return searchTotal(t, addr, "") == want })
	}

	// Conflicting edits of one work through A and C, both against
	// revision 1: exactly one is saved, the other is a 412.
	codes := make([]int, 2)
	for i, addr := range []string{addrs[0], addrs[2]} {
		wg.Go(func() {
			body := fmt.Sprintf(`{"work":{"id":"cluster-000-novel","title":"Cluster edit %d","medium":"novel","year":2001},"note":"edit %d"}`, i, i)
			codes[i], _ = apiCall(t, "PUT", addr, "/api/v1/works/cluster-000-novel", token, `"1"`, body)
		})
	}
	wg.Wait()
	slices.Sort(codes)
	if codes[0] != http.StatusOK || codes[1] != http.StatusPreconditionFailed {
		t.Errorf("two edits of revision 1 through A and C answered %v, want one 200 and one 412", codes)
	}
}

// TestCommandsOnPostgres: the commands the issue names take --database:
// migrate, import, export, user, index --rebuild (which then builds the
// data dir's index from the PostgreSQL catalog), and stats.
func TestCommandsOnPostgres(t *testing.T) {
	db := clusterDatabase(t)
	data := t.TempDir()
	run := func(stdin string, args ...string) string {
		t.Helper()
		code, stdout, stderr := komoru(t, stdin, nil, append(args, "--database", db, "--data", data)...)
		if code != 0 {
			t.Fatalf("komoru %v: exit %d: %s", args, code, stderr)
		}
		return stdout
	}
	run("", "migrate")
	run(`{"id":"pg-only-novel","title":"Postgres Only","medium":"novel","year":2001}`+"\n", "import", "--seed=false", "-")
	if out := run("", "export"); !strings.Contains(out, `"id":"pg-only-novel"`) || strings.Count(out, "\n") != 1 {
		t.Errorf("export of the PostgreSQL catalog:\n%s", out)
	}
	run("", "user", "add", "ann", "--role", "curator")
	if out := run("", "user", "list"); !strings.Contains(out, "ann") {
		t.Errorf("user list: %s", out)
	}
	run("", "index", "--rebuild")
	if _, err := os.Stat(filepath.Join(data, indexDir)); err != nil {
		t.Errorf("index --rebuild built no index in the data dir: %v", err)
	}
	if _, err := os.Stat(filepath.Join(data, catalogFile)); err == nil {
		t.Error("a SQLite catalog was made in the data dir beside the PostgreSQL one")
	}
	if out := run("", "stats"); !strings.HasPrefix(out, "1 works") {
		t.Errorf("stats: %s", out)
	}
}
