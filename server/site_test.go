package server

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/password"
	"github.com/komoru/komoru/catalog/sqlite"
	"github.com/komoru/komoru/indexer"
	"github.com/komoru/komoru/web"
)

// site is the real thing for tests that sign in and write: the shipped
// catalog in a real SQLite store, a real index that every write catches
// up, the real router, and a clock the test moves.
type site struct {
	*Server
	store    *sqlite.Store
	ix       *indexer.Index
	rebuilds *rebuildRequests // what admins asked of /admin/index

	mu  sync.Mutex
	now time.Time
}

// testPassword is every test account's password.
const testPassword = "correct horse battery staple"

// fastHash keeps sign-ins in tests quick; the real cost is
// password.Default, measured by its benchmark.
var fastHash = password.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// TestMain removes the seeded data dir the package's sites start from.
func TestMain(m *testing.M) {
	code := m.Run()
	if seeded.dir != "" {
		os.RemoveAll(seeded.dir)
	}
	os.Exit(code)
}

// seeded is a data dir holding the shipped catalog and its built index,
// made once per test binary: each site starts from a copy of it, which
// costs milliseconds where seeding and indexing cost a second and a half
// under the race detector, times the package's hundreds of sites.
var seeded struct {
	once sync.Once
	dir  string
	err  error
}

func seededDir() (string, error) {
	seeded.once.Do(func() {
		ctx := context.Background()
		seeded.dir, seeded.err = os.MkdirTemp("", "komoru-server-test-")
		if seeded.err != nil {
			return
		}
		store, err := sqlite.Open(ctx, filepath.Join(seeded.dir, "catalog.db"), catalog.DefaultCodebook())
		if err != nil {
			seeded.err = err
			return
		}
		defer store.Close()
		if _, _, err := catalog.Seed(ctx, store, catalog.Shipped(), catalog.ShippedChange()); err != nil {
			seeded.err = err
			return
		}
		ix, err := indexer.Open(ctx, filepath.Join(seeded.dir, "index"), store, indexer.Options{Codebook: store.Codebook()})
		if err != nil {
			seeded.err = err
			return
		}
		seeded.err = ix.Close()
	})
	return seeded.dir, seeded.err
}

func newSite(t testing.TB) *site {
	t.Helper()
	ctx := context.Background()
	from, err := seededDir()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(from)); err != nil {
		t.Fatal(err)
	}
	store, err := sqlite.Open(ctx, filepath.Join(dir, "catalog.db"), catalog.DefaultCodebook())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	ix, err := indexer.Open(ctx, filepath.Join(dir, "index"), store, indexer.Options{Codebook: store.Codebook()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	st := &site{store: store, ix: ix, now: time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC), rebuilds: &rebuildRequests{}}
	st.Server, err = New(Config{Store: store, Search: ix, Index: ix, Codebook: store.Codebook(), Assets: web.FS,
		Password: fastHash, Now: st.clock, PublicURL: "http://example.com", Rebuild: st.rebuilds})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// rebuildRequests counts an admin's requests to rebuild the index and
// holds one until taken, as cmd/komoru's follower does.
type rebuildRequests struct {
	mu      sync.Mutex
	asked   int
	waiting bool
}

func (r *rebuildRequests) RequestRebuild() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.asked++
	was := r.waiting
	r.waiting = true
	return !was
}

// take starts the rebuild that waits, if one does.
func (r *rebuildRequests) take() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	was := r.waiting
	r.waiting = false
	return was
}

func (st *site) clock() time.Time {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.now
}

// advance moves the site's clock on.
func (st *site) advance(d time.Duration) {
	st.mu.Lock()
	st.now = st.now.Add(d)
	st.mu.Unlock()
}

// user creates an account with testPassword through its invite, as a
// person would, and returns its name.
func (st *site) user(t *testing.T, name string, role catalog.Role) string {
	t.Helper()
	ctx := context.Background()
	invite, err := catalog.AddUser(ctx, st.store, name, role, st.clock())
	if err != nil {
		t.Fatal(err)
	}
	hash, err := password.Hash(testPassword, fastHash)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := catalog.AcceptInvite(ctx, st.store, invite, hash, st.clock()); err != nil {
		t.Fatal(err)
	}
	return name
}

// session returns the cookie of a new session of an existing user.
func (st *site) session(t *testing.T, name string) *http.Cookie {
	t.Helper()
	token, err := catalog.StartSession(context.Background(), st.store, name, st.clock())
	if err != nil {
		t.Fatal(err)
	}
	return &http.Cookie{Name: sessionCookie, Value: token}
}

// token returns a new API token of an existing user.
func (st *site) token(t *testing.T, name string) string {
	t.Helper()
	secret, _, err := catalog.CreateToken(context.Background(), st.store, name, "test", time.Time{}, st.clock())
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// req is one request a test sends through the real router.
type req struct {
	method, url string
	body        string // sent as is
	contentType string // for body; JSON when empty and body starts with '{'
	form        map[string][]string
	cookie      *http.Cookie
	bearer      string
	header      map[string]string
}

// do sends r through the site's handler. A form is posted as a browser on
// the site would post it (same-origin).
func (st *site) do(t *testing.T, r req) *httptest.ResponseRecorder {
	t.Helper()
	var body io.Reader
	ct := r.contentType
	switch {
	case r.form != nil:
		vals := make([]string, 0, len(r.form))
		for k, vs := range r.form {
			for _, v := range vs {
				vals = append(vals, url.QueryEscape(k)+"="+url.QueryEscape(v))
			}
		}
		body, ct = strings.NewReader(strings.Join(vals, "&")), "application/x-www-form-urlencoded"
	case r.body != "":
		body = strings.NewReader(r.body)
		if ct == "" && strings.HasPrefix(r.body, "{") {
			ct = "application/json"
		}
	}
	hr := httptest.NewRequest(r.method, r.url, body)
	if ct != "" {
		hr.Header.Set("Content-Type", ct)
	}
	if r.form != nil {
		hr.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	if r.cookie != nil {
		hr.AddCookie(r.cookie)
	}
	if r.bearer != "" {
		hr.Header.Set("Authorization", "Bearer "+r.bearer)
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	st.Handler().ServeHTTP(rec, hr)
	return rec
}

// searchIDs returns the ids the search API finds for q, typos not
// tolerated, so that a made-up word finds only the work that has it.
func (st *site) searchIDs(t *testing.T, q string) []string {
	t.Helper()
	rec := st.do(t, req{method: "GET", url: "/api/v1/search?typo=false&q=" + url.QueryEscape(q)})
	if rec.Code != http.StatusOK {
		t.Fatalf("search %q: %d %s", q, rec.Code, rec.Body)
	}
	res := decodeJSON[struct{ Hits []struct{ ID string } }](t, rec)
	ids := []string{}
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}
