package server

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/komoru/komoru/catalog"
)

// The columns of the role table: who sends the request.
const (
	asReader      = iota // no account
	asContributor        // for the API a token, for pages a session
	asCurator
	asAdmin
	asDisabled // an admin's session (pages) or token (API), then the admin is disabled
	asExpired  // an admin's session, idle for longer than a session lives
	asRevoked  // an admin's token, revoked
	nColumns
)

var columnNames = [nColumns]string{"reader", "contributor", "curator", "admin", "disabled user", "expired session", "revoked token"}

// toLogin, as an outcome: 303 to /login?next=..., as a page sends a reader.
const toLogin = -1

// roleTable is every role-checked route × who asks → the outcome. The
// disabled, expired and revoked columns are admins, so that only the
// disabling, the expiry or the revocation can refuse them. In paths and
// bodies, {id} is a work at revision 2 (made for the cell), {new} an
// unused id, {pid} a contributor's pending proposal against {id}, {name}
// an account.
var roleTable = []struct {
	method, path string
	ifMatch      string
	body         string              // JSON, for the API
	form         map[string][]string // for pages
	want         [nColumns]int
}{
	// The API: exact statuses.
	{method: "POST", path: "/api/v1/works", body: `{"work":{"id":"{new}","title":"New","medium":"novel","year":2001},"note":"n"}`,
		want: [nColumns]int{401, 202, 201, 201, 401, 401, 401}},
	{method: "PUT", path: "/api/v1/works/{id}", ifMatch: `"2"`, body: `{"work":{"id":"{id}","title":"Changed","medium":"novel","year":2001},"note":"n"}`,
		want: [nColumns]int{401, 202, 200, 200, 401, 401, 401}},
	{method: "PUT", path: "/api/v1/works/{id}", ifMatch: `"1"`, body: `{"work":{"id":"{id}","title":"Changed","medium":"novel","year":2001},"note":"n"}`,
		want: [nColumns]int{401, 412, 412, 412, 401, 401, 401}},
	{method: "DELETE", path: "/api/v1/works/{id}?note=n", ifMatch: `"2"`,
		want: [nColumns]int{401, 202, 200, 200, 401, 401, 401}},
	{method: "GET", path: "/api/v1/proposals",
		want: [nColumns]int{401, 200, 200, 200, 401, 401, 401}},
	{method: "GET", path: "/api/v1/proposals/{pid}",
		want: [nColumns]int{401, 200, 200, 200, 401, 401, 401}},
	{method: "POST", path: "/api/v1/proposals/{pid}/accept",
		want: [nColumns]int{401, 403, 200, 200, 401, 401, 401}},
	{method: "POST", path: "/api/v1/proposals/{pid}/reject", body: `{"reason":"r"}`,
		want: [nColumns]int{401, 403, 200, 200, 401, 401, 401}},

	// Pages' writes: a form post without an account is refused (401), not
	// redirected, which would drop what was typed.
	// An incomplete form gets the handler's own answer (422, 400): past
	// the role checks, and nothing saved.
	{method: "POST", path: "/works/new", form: map[string][]string{"note": {"n"}},
		want: [nColumns]int{401, 422, 422, 422, 401, 401, 401}},
	{method: "POST", path: "/works/{id}/edit", form: map[string][]string{"note": {"n"}},
		want: [nColumns]int{401, 400, 400, 400, 401, 401, 401}},
	// A contributor's delete is a proposal (202), a curator's a revision.
	{method: "POST", path: "/works/{id}/delete", form: map[string][]string{"note": {"n"}, "base": {"2"}},
		want: [nColumns]int{401, 202, 303, 303, 401, 401, 401}},
	{method: "POST", path: "/works/{id}/restore", form: map[string][]string{"n": {"1"}, "base": {"2"}, "note": {"n"}},
		want: [nColumns]int{401, 403, 303, 303, 401, 401, 401}},
	{method: "POST", path: "/review/{pid}/accept", form: map[string][]string{"against": {"2"}},
		want: [nColumns]int{401, 403, 303, 303, 401, 401, 401}},
	{method: "POST", path: "/review/{pid}/reject", form: map[string][]string{"reason": {"r"}},
		want: [nColumns]int{401, 403, 303, 303, 401, 401, 401}},
	{method: "POST", path: "/admin/users", form: map[string][]string{},
		want: [nColumns]int{401, 403, 403, 422, 401, 401, 401}},
	{method: "POST", path: "/admin/users/{name}", form: map[string][]string{"action": {"role"}, "role": {"curator"}},
		want: [nColumns]int{401, 403, 403, 303, 401, 401, 401}},
	{method: "POST", path: "/admin/index/rebuild", form: map[string][]string{},
		want: [nColumns]int{401, 403, 403, 303, 401, 401, 401}},
	{method: "POST", path: "/account/tokens", form: map[string][]string{"name": {"t"}, "expires": {"90"}},
		want: [nColumns]int{401, 200, 200, 200, 401, 401, 401}},
	// Token 1 is none of theirs.
	{method: "POST", path: "/account/tokens/1/revoke", form: map[string][]string{},
		want: [nColumns]int{401, 404, 404, 404, 401, 401, 401}},
	{method: "POST", path: "/account/password", form: map[string][]string{"current": {testPassword},
		"password": {"another long password"}, "confirm": {"another long password"}},
		want: [nColumns]int{401, 303, 303, 303, 401, 401, 401}},

	// Pages to read that need an account: a reader, or a browser whose
	// session ended, is sent to sign in; a bad API token is refused.
	{method: "GET", path: "/works/new",
		want: [nColumns]int{toLogin, 200, 200, 200, toLogin, toLogin, 401}},
	{method: "GET", path: "/works/{id}/edit",
		want: [nColumns]int{toLogin, 200, 200, 200, toLogin, toLogin, 401}},
	{method: "GET", path: "/review",
		want: [nColumns]int{toLogin, 403, 200, 200, toLogin, toLogin, 401}},
	{method: "GET", path: "/review/{pid}",
		want: [nColumns]int{toLogin, 200, 200, 200, toLogin, toLogin, 401}},
	{method: "GET", path: "/account",
		want: [nColumns]int{toLogin, 200, 200, 200, toLogin, toLogin, 401}},
	{method: "GET", path: "/admin/users",
		want: [nColumns]int{toLogin, 403, 403, 200, toLogin, toLogin, 401}},
	{method: "GET", path: "/admin/index",
		want: [nColumns]int{toLogin, 403, 403, 200, toLogin, toLogin, 401}},
}

// TestRoles runs the role table: every role-checked route of the site, as
// each kind of visitor.
func TestRoles(t *testing.T) {
	st := newSite(t)
	ctx := t.Context()
	for _, name := range []string{"cy", "cora", "ada", "dis", "exp", "rev"} {
		role := catalog.RoleAdmin
		switch name {
		case "cy":
			role = catalog.RoleContributor
		case "cora":
			role = catalog.RoleCurator
		}
		st.user(t, name, role)
	}
	// Expired sessions, one per row so that each is first seen expired
	// (an expired session is deleted when it is seen).
	expired := make([]*http.Cookie, len(roleTable))
	for i := range expired {
		expired[i] = st.session(t, "exp")
	}
	st.advance(catalog.SessionIdle + time.Minute)
	disCookie, disToken := st.session(t, "dis"), st.token(t, "dis")
	if err := catalog.DisableUser(ctx, st.store, "dis"); err != nil {
		t.Fatal(err)
	}
	revToken := st.token(t, "rev")
	toks, err := st.store.Tokens(ctx, "rev")
	if err != nil || len(toks) != 1 {
		t.Fatalf("tokens of rev: %v, %v", toks, err)
	}
	if err := catalog.RevokeToken(ctx, st.store, "rev", toks[0].ID); err != nil {
		t.Fatal(err)
	}

	for i, row := range roleTable {
		api := strings.HasPrefix(row.path, "/api/")
		for col := range nColumns {
			// Each cell gets its own work, proposal and account, so that no
			// cell's write changes another's outcome.
			id := fmt.Sprintf("role-%d-%d", i, col)
			repl := strings.NewReplacer("{id}", id, "{new}", id+"-new", "{name}", "user-"+id)
			path, body := row.path, row.body
			if strings.Contains(path+body, "{id}") || strings.Contains(path, "{pid}") {
				ch := catalog.Change{Author: "cora", Note: "for the role table", Time: st.clock()}
				w := &catalog.Work{ID: id, Title: "Role " + id, Medium: "novel", Year: 2001}
				if _, err := catalog.CreateWork(ctx, st.store, w, ch); err != nil {
					t.Fatal(err)
				}
				w.Year = 2002
				if _, err := catalog.UpdateWork(ctx, st.store, w, 1, ch); err != nil {
					t.Fatal(err)
				}
				if strings.Contains(path, "{pid}") {
					changed := *w
					changed.Title = "Proposed " + id
					p, err := catalog.Propose(ctx, st.store, catalog.Proposal{Op: catalog.OpUpdate, Base: 2, Work: &changed, Author: "cy", Note: "p"}, st.clock())
					if err != nil {
						t.Fatal(err)
					}
					path = strings.ReplaceAll(path, "{pid}", fmt.Sprint(p.ID))
				}
			}
			if strings.Contains(path, "{name}") {
				if _, err := catalog.AddUser(ctx, st.store, "user-"+id, catalog.RoleContributor, st.clock()); err != nil {
					t.Fatal(err)
				}
			}
			r := req{method: row.method, url: repl.Replace(path), body: repl.Replace(body), form: row.form}
			if row.ifMatch != "" {
				r.header = map[string]string{"If-Match": row.ifMatch}
			}
			// Members sign in as they would on that surface: scripts with
			// a token, browsers with a session.
			signIn := func(name string) {
				if api {
					r.bearer = st.token(t, name)
				} else {
					r.cookie = st.session(t, name)
				}
			}
			switch col {
			case asContributor:
				signIn("cy")
			case asCurator:
				signIn("cora")
			case asAdmin:
				signIn("ada")
			case asDisabled:
				if api {
					r.bearer = disToken
				} else {
					r.cookie = disCookie
				}
			case asExpired:
				r.cookie = expired[i]
			case asRevoked:
				r.bearer = revToken
			}
			rec := st.do(t, r)
			want := row.want[col]
			loc := rec.Header().Get("Location")
			toSignIn := rec.Code == http.StatusSeeOther && strings.HasPrefix(loc, "/login?next=")
			var ok bool
			switch want {
			case toLogin:
				ok = toSignIn
			default:
				ok = rec.Code == want
			}
			if !ok {
				t.Errorf("%s %s as %s: %d (Location %q), want %s\n%.300s", row.method, row.path, columnNames[col], rec.Code, loc, outcome(want), rec.Body)
			}
		}
	}
}

func outcome(want int) string {
	if want == toLogin {
		return "303 to /login"
	}
	return fmt.Sprint(want)
}
