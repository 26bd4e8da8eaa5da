package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/password"
	"github.com/komoru/komoru/web"
)

func init() {
	zeroPages["login"] = loginPage{}
	zeroPages["invite"] = invitePage{}
	zeroPages["account"] = accountPage{}
	zeroPages["admin_users"] = adminUsersPage{}
	zeroPages["admin_index"] = adminIndexPage{}
}

// signIn posts the sign-in form.
func (st *site) signIn(t *testing.T, name, pw, next string) *httptest.ResponseRecorder {
	t.Helper()
	return st.do(t, req{method: "POST", url: "/login", form: map[string][]string{"name": {name}, "password": {pw}, "next": {next}}})
}

// sessionOf returns the session cookie a response sets, nil if none.
func sessionOf(rec *httptest.ResponseRecorder) *http.Cookie {
	for _, c := range rec.Result().Cookies() {
		if c.Name == sessionCookie && c.Value != "" {
			return c
		}
	}
	return nil
}

// signedInAs returns the name /account shows for a cookie, "" if it is
// not signed in.
func (st *site) signedInAs(t *testing.T, r req) string {
	t.Helper()
	r.method, r.url = "GET", "/account"
	rec := st.do(t, r)
	if rec.Code != http.StatusOK {
		return ""
	}
	m := regexp.MustCompile(`<dt>Name</dt><dd>([^<]*)</dd>`).FindStringSubmatch(rec.Body.String())
	if m == nil {
		t.Fatalf("/account shows no name:\n%s", rec.Body)
	}
	return m[1]
}

// behind returns a site serving st's catalog through another Server with
// these trusted proxies, every request arriving from remote.
func (st *site) behind(t *testing.T, remote string, proxies ...string) *site {
	t.Helper()
	srv, err := New(Config{Store: st.store, Search: st.ix, Index: st.ix, Codebook: st.store.Codebook(), Assets: web.FS,
		Password: fastHash, Now: st.clock, TrustedProxies: proxies})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.handler
	srv.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.RemoteAddr = remote
		h.ServeHTTP(w, r)
	})
	return &site{Server: srv, store: st.store, ix: st.ix}
}

const wrongCredentials = `<p class="field-error" id="login-error" role="alert">Wrong name or password.</p>`

// TestSignIn: who gets in, where they go after, and that a refusal says
// the same for every reason.
func TestSignIn(t *testing.T) {
	st := newSite(t)
	st.user(t, "ann", catalog.RoleCurator)
	st.user(t, "dora", catalog.RoleContributor)
	if err := catalog.DisableUser(context.Background(), st.store, "dora"); err != nil {
		t.Fatal(err)
	}
	if _, err := catalog.AddUser(context.Background(), st.store, "ivy", catalog.RoleContributor, st.clock()); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, user, pw, next string
		status               int
		location             string // for a 303
	}{
		{"right password", "ann", testPassword, "/codebook", http.StatusSeeOther, "/codebook"},
		{"name as typed", " Ann ", testPassword, "/stats?by=decade", http.StatusSeeOther, "/stats?by=decade"},
		{"no next", "ann", testPassword, "", http.StatusSeeOther, "/"},
		{"wrong password", "ann", "not the password at all", "/", http.StatusUnauthorized, ""},
		{"unknown user", "nobody", testPassword, "/", http.StatusUnauthorized, ""},
		{"disabled user, right password", "dora", testPassword, "/", http.StatusUnauthorized, ""},
		{"invited, no password yet", "ivy", "", "/", http.StatusUnauthorized, ""},
		{"next to another host", "ann", testPassword, "//evil.example", http.StatusSeeOther, "/"},
		{"next to another scheme", "ann", testPassword, "https://evil.example", http.StatusSeeOther, "/"},
		{"next with a backslash", "ann", testPassword, `/\evil`, http.StatusSeeOther, "/"},
		{"next with a tab", "ann", testPassword, "/\t/evil.example", http.StatusSeeOther, "/"},
		{"next as script", "ann", testPassword, "javascript:alert(1)", http.StatusSeeOther, "/"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st.advance(catalog.ThrottleWindow + time.Minute) // each case from a clean slate
			rec := st.signIn(t, tt.user, tt.pw, tt.next)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d:\n%s", rec.Code, tt.status, rec.Body)
			}
			cookie := sessionOf(rec)
			if tt.status != http.StatusSeeOther {
				if cookie != nil {
					t.Error("a refused sign-in set a session cookie")
				}
				if !strings.Contains(rec.Body.String(), wrongCredentials) {
					t.Errorf("the form does not say %q beside the fields:\n%s", wrongCredentials, rec.Body)
				}
				return
			}
			if got := rec.Header().Get("Location"); got != tt.location {
				t.Errorf("redirect to %q, want %q", got, tt.location)
			}
			if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Secure {
				t.Fatalf("session cookie %+v; want HttpOnly, SameSite=Lax, not Secure over plain HTTP", cookie)
			}
			if got := st.signedInAs(t, req{cookie: cookie}); got != "ann" {
				t.Errorf("the cookie signs in %q, want ann", got)
			}
		})
	}
}

// TestSignInCookieSecure: the cookie is Secure when the browser came over
// TLS, directly or through a trusted proxy, and only then.
func TestSignInCookieSecure(t *testing.T) {
	st := newSite(t)
	st.user(t, "ann", catalog.RoleCurator)
	form := map[string][]string{"name": {"ann"}, "password": {testPassword}}
	for _, tt := range []struct {
		name, url, remote string
		proxies           []string
		secure            bool
	}{
		{"plain HTTP", "/login", "192.0.2.1:4000", nil, false},
		{"TLS", "https://komoru.example/login", "192.0.2.1:4000", nil, true},
		{"through a trusted proxy", "/login", "10.0.0.7:4000", []string{"10.0.0.0/8"}, true},
		{"a proxy is named, but not this peer", "/login", "192.0.2.1:4000", []string{"10.0.0.0/8"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := st.behind(t, tt.remote, tt.proxies...).do(t, req{method: "POST", url: tt.url, form: form})
			cookie := sessionOf(rec)
			if rec.Code != http.StatusSeeOther || cookie == nil {
				t.Fatalf("status %d and no cookie:\n%s", rec.Code, rec.Body)
			}
			if cookie.Secure != tt.secure || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode {
				t.Errorf("cookie Secure=%v HttpOnly=%v SameSite=%v; want Secure=%v, HttpOnly, Lax", cookie.Secure, cookie.HttpOnly, cookie.SameSite, tt.secure)
			}
		})
	}
}

// TestSignInThrottled: the sixth failure in a row is refused with 429 and
// Retry-After, and so is the right password until the lock ends; the lock
// holds for the account from another address, and for the address with
// another account.
func TestSignInThrottled(t *testing.T) {
	st := newSite(t)
	st.user(t, "ann", catalog.RoleCurator)
	st.user(t, "bob", catalog.RoleCurator)
	from := st.behind(t, "198.51.100.9:5000")
	for i := 1; i <= catalog.ThrottleAfter; i++ {
		if rec := from.signIn(t, "ann", "guess number "+string(rune('0'+i)), "/"); rec.Code != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d, want 401", i, rec.Code)
		}
	}
	other := st.behind(t, "203.0.113.4:5000")
	for _, tt := range []struct {
		name, user, pw string
		site           *site
	}{
		{"sixth failure", "ann", "guess number 6", from},
		{"right password while locked", "ann", testPassword, from},
		{"the account from another address", "ann", testPassword, other},
		{"another account from the address", "bob", testPassword, from},
	} {
		rec := tt.site.signIn(t, tt.user, tt.pw, "/")
		if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "60" || sessionOf(rec) != nil {
			t.Errorf("%s: %d, Retry-After %q; want 429, 60, no cookie", tt.name, rec.Code, rec.Header().Get("Retry-After"))
		}
		if !strings.Contains(rec.Body.String(), "Too many failed sign-ins: try again in 1 minute.") || !strings.Contains(rec.Body.String(), `id="password"`) {
			t.Errorf("%s: the page is not the form with the reason:\n%s", tt.name, rec.Body)
		}
	}
	// A signed-in session cannot guess the password either.
	rec := from.do(t, req{method: "POST", url: "/account/password", cookie: st.session(t, "ann"),
		form: map[string][]string{"current": {testPassword}, "password": {"a new passphrase"}, "confirm": {"a new passphrase"}}})
	if rec.Code != http.StatusTooManyRequests || !strings.Contains(rec.Body.String(), `id="current-error">Too many failed sign-ins`) {
		t.Errorf("a password change while locked: %d, want 429 with the reason beside the current password", rec.Code)
	}
	if rec := other.signIn(t, "bob", testPassword, "/"); rec.Code != http.StatusSeeOther {
		t.Errorf("another account from another address: %d, want it signed in", rec.Code)
	}
	st.advance(time.Minute)
	if rec := from.signIn(t, "ann", testPassword, "/"); rec.Code != http.StatusSeeOther {
		t.Errorf("after the lock: %d, want the right password to sign in", rec.Code)
	}
}

// TestSignInClientAddress: behind a trusted proxy each client is counted
// at its own address (X-Forwarded-For), so one client's guessing locks out
// no one else; a peer that is no trusted proxy is counted at its own
// address whatever X-Forwarded-For it sends.
func TestSignInClientAddress(t *testing.T) {
	st := newSite(t)
	st.user(t, "cat", catalog.RoleContributor)
	signIn := func(s *site, name, pw, client string) int {
		t.Helper()
		return s.do(t, req{method: "POST", url: "/login", header: map[string]string{"X-Forwarded-For": client},
			form: map[string][]string{"name": {name}, "password": {pw}}}).Code
	}
	for _, tt := range []struct {
		name     string
		site     *site
		guessers []string // the X-Forwarded-For of each failed try: one client, or made-up ones
		then     string   // the X-Forwarded-For of cat's sign-in after
		want     int
	}{
		{"another client behind the proxy", st.behind(t, "10.0.0.7:4000", "10.0.0.0/8"),
			[]string{"198.51.100.1", "198.51.100.1", "198.51.100.1", "198.51.100.1", "198.51.100.1"}, "198.51.100.2", http.StatusSeeOther},
		{"the guessing client behind the proxy", st.behind(t, "10.0.0.7:4000", "10.0.0.0/8"),
			[]string{"198.51.100.3", "198.51.100.3", "198.51.100.3", "198.51.100.3", "198.51.100.3"}, "198.51.100.3", http.StatusTooManyRequests},
		{"a peer making up addresses", st.behind(t, "192.0.2.9:4000"),
			[]string{"203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4", "203.0.113.5"}, "203.0.113.6", http.StatusTooManyRequests},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for i, client := range tt.guessers {
				// A new name each time: only the address's count grows.
				if code := signIn(tt.site, "guess"+strconv.Itoa(i), "wrong password", client); code != http.StatusUnauthorized {
					t.Fatalf("guess %d: %d, want 401", i, code)
				}
			}
			if code := signIn(tt.site, "cat", testPassword, tt.then); code != tt.want {
				t.Errorf("cat from %s: %d, want %d", tt.then, code, tt.want)
			}
		})
	}
}

// TestSignInRehash: a password hashed with weaker parameters than the
// server's is hashed again at sign-in.
func TestSignInRehash(t *testing.T) {
	st := newSite(t)
	ctx := context.Background()
	invite, err := catalog.AddUser(ctx, st.store, "ann", catalog.RoleCurator, st.clock())
	if err != nil {
		t.Fatal(err)
	}
	weak := fastHash
	weak.Memory /= 2
	old, err := password.Hash(testPassword, weak)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := catalog.AcceptInvite(ctx, st.store, invite, old, st.clock()); err != nil {
		t.Fatal(err)
	}
	other := st.session(t, "ann") // another browser, signed in before
	rec := st.signIn(t, "ann", testPassword, "/")
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", rec.Code)
	}
	u, err := st.store.User(ctx, "ann")
	if err != nil {
		t.Fatal(err)
	}
	if u.PasswordHash == old || password.NeedsRehash(u.PasswordHash, fastHash) || !password.CheckOrDummy(u.PasswordHash, testPassword) {
		t.Errorf("after sign-in the hash is %q; want a new one at the server's cost, of the same password", u.PasswordHash)
	}
	if st.signedInAs(t, req{cookie: sessionOf(rec)}) != "ann" {
		t.Error("renewing the hash ended the session that renewed it")
	}
	if st.signedInAs(t, req{cookie: other}) != "ann" {
		t.Error("renewing the hash signed out another browser: the password did not change")
	}
}

// TestLogout ends the session on the server: the old cookie no longer
// signs in.
func TestLogout(t *testing.T) {
	st := newSite(t)
	st.user(t, "ann", catalog.RoleContributor)
	cookie := sessionOf(st.signIn(t, "ann", testPassword, "/"))
	if st.signedInAs(t, req{cookie: cookie}) != "ann" {
		t.Fatal("not signed in")
	}
	rec := st.do(t, req{method: "POST", url: "/logout", form: map[string][]string{}, cookie: cookie})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/" ||
		!strings.Contains(rec.Header().Get("Set-Cookie"), sessionCookie+"=;") {
		t.Errorf("logout: %d to %q, Set-Cookie %q; want 303 to / clearing the cookie", rec.Code, rec.Header().Get("Location"), rec.Header().Get("Set-Cookie"))
	}
	if got := st.signedInAs(t, req{cookie: cookie}); got != "" {
		t.Errorf("the cookie kept from before logout still signs in %q", got)
	}
	if _, err := catalog.CheckSession(context.Background(), st.store, cookie.Value, st.clock()); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("the session after logout: %v, want not found", err)
	}

	// Signing in again over a session replaces it.
	st.user(t, "bob", catalog.RoleContributor)
	old := st.session(t, "ann")
	rec = st.do(t, req{method: "POST", url: "/login", cookie: old, form: map[string][]string{"name": {"bob"}, "password": {testPassword}}})
	if got := st.signedInAs(t, req{cookie: sessionOf(rec)}); got != "bob" {
		t.Errorf("signing in as bob over ann's session: signed in as %q", got)
	}
	if got := st.signedInAs(t, req{cookie: old}); got != "" {
		t.Errorf("the replaced session still signs in %q", got)
	}
}

// TestChangePassword: the form's errors beside their fields, then a change
// that keeps this session and ends the others.
func TestChangePassword(t *testing.T) {
	st := newSite(t)
	st.user(t, "ann", catalog.RoleContributor)
	this, other := st.session(t, "ann"), st.session(t, "ann")
	const newPassword = "a brand new passphrase"
	for _, tt := range []struct {
		name, current, pw, confirm string
		status                     int
		want                       string
	}{
		{"wrong current", "wrong wrong wrong", newPassword, newPassword, http.StatusUnprocessableEntity, `id="current-error">Wrong password.`},
		{"too short", testPassword, "short", "short", http.StatusUnprocessableEntity, `id="password-error">Must be at least 12 characters.`},
		{"mismatch", testPassword, newPassword, newPassword + "!", http.StatusUnprocessableEntity, `id="confirm-error">Does not match`},
		{"good", testPassword, newPassword, newPassword, http.StatusSeeOther, ""},
	} {
		rec := st.do(t, req{method: "POST", url: "/account/password", cookie: this,
			form: map[string][]string{"current": {tt.current}, "password": {tt.pw}, "confirm": {tt.confirm}}})
		if rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.want) {
			t.Errorf("%s: %d, want %d with %q:\n%s", tt.name, rec.Code, tt.status, tt.want, rec.Body)
		}
		if tt.status == http.StatusSeeOther && rec.Header().Get("Location") != "/account?done=password" {
			t.Errorf("%s: redirect to %q", tt.name, rec.Header().Get("Location"))
		}
	}
	rec := st.do(t, req{method: "GET", url: "/account?done=password", cookie: this})
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Your other sessions have been signed out") {
		t.Errorf("this session after the change: %d, want the account page with the notice", rec.Code)
	}
	if got := st.signedInAs(t, req{cookie: other}); got != "" {
		t.Errorf("the other session still signs in %q", got)
	}
	st.advance(catalog.ThrottleWindow + time.Minute)
	if rec := st.signIn(t, "ann", testPassword, "/"); rec.Code != http.StatusUnauthorized {
		t.Errorf("the old password: %d, want 401", rec.Code)
	}
	if rec := st.signIn(t, "ann", newPassword, "/"); rec.Code != http.StatusSeeOther {
		t.Errorf("the new password: %d, want it to sign in", rec.Code)
	}
}

// TestInvite: an invite link sets a password once, within 7 days.
func TestInvite(t *testing.T) {
	st := newSite(t)
	ctx := context.Background()
	invite := func(name string) string {
		token, err := catalog.AddUser(ctx, st.store, name, catalog.RoleCurator, st.clock())
		if err != nil {
			t.Fatal(err)
		}
		return "/invite/" + token
	}
	set := func(url, pw, confirm string) *httptest.ResponseRecorder {
		return st.do(t, req{method: "POST", url: url, form: map[string][]string{"password": {pw}, "confirm": {confirm}}})
	}
	const pw = "my own passphrase here"
	const gone = "ask an admin for a new one"

	t.Run("accept", func(t *testing.T) {
		link := invite("ann")
		rec := st.do(t, req{method: "GET", url: link})
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "<strong>curator</strong> account <strong>ann</strong>") ||
			rec.Header().Get("Cache-Control") != "no-store" {
			t.Fatalf("GET %s: %d, Cache-Control %q:\n%s", link, rec.Code, rec.Header().Get("Cache-Control"), rec.Body)
		}
		for _, tt := range []struct{ name, pw, confirm, want string }{
			{"too short", "short", "short", `id="password-error">Must be at least 12 characters.`},
			{"mismatch", pw, pw + "?", `id="confirm-error">Does not match`},
		} {
			if rec := set(link, tt.pw, tt.confirm); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), tt.want) {
				t.Errorf("%s: %d, want 422 with %q", tt.name, rec.Code, tt.want)
			}
		}
		rec = set(link, pw, pw)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/account" {
			t.Fatalf("accept: %d to %q, want 303 to /account", rec.Code, rec.Header().Get("Location"))
		}
		if got := st.signedInAs(t, req{cookie: sessionOf(rec)}); got != "ann" {
			t.Errorf("after accepting, signed in as %q", got)
		}
		if rec := st.signIn(t, "ann", pw, "/"); rec.Code != http.StatusSeeOther {
			t.Errorf("sign in with the password set: %d", rec.Code)
		}
		// Used: it works no more, either way.
		for _, method := range []string{"GET", "POST"} {
			rec := st.do(t, req{method: method, url: link, form: map[string][]string{"password": {"another passphrase"}, "confirm": {"another passphrase"}}})
			if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), gone) {
				t.Errorf("%s a used invite: %d, want 404 saying to %q", method, rec.Code, gone)
			}
		}
	})
	t.Run("expired", func(t *testing.T) {
		link := invite("bea")
		st.advance(8 * 24 * time.Hour)
		for _, method := range []string{"GET", "POST"} {
			rec := st.do(t, req{method: method, url: link, form: map[string][]string{"password": {pw}, "confirm": {pw}}})
			if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), gone) {
				t.Errorf("%s an expired invite: %d, want 404", method, rec.Code)
			}
		}
	})
	t.Run("unknown", func(t *testing.T) {
		if rec := st.do(t, req{method: "GET", url: "/invite/nope"}); rec.Code != http.StatusNotFound {
			t.Errorf("unknown invite: %d, want 404", rec.Code)
		}
	})
}

var (
	secretRE = regexp.MustCompile(`value="(komoru_[A-Za-z0-9_-]+)"`)
	revokeRE = regexp.MustCompile(`action="/account/tokens/(\d+)/revoke"`)
)

// TestTokens: a token is shown once, works as Bearer with its owner's
// role, and stops working when revoked.
func TestTokens(t *testing.T) {
	st := newSite(t)
	st.user(t, "cy", catalog.RoleContributor)
	st.user(t, "ann", catalog.RoleCurator)
	cookie := st.session(t, "cy")
	create := func(form map[string][]string) *httptest.ResponseRecorder {
		return st.do(t, req{method: "POST", url: "/account/tokens", cookie: cookie, form: form})
	}
	for _, tt := range []struct {
		name string
		form map[string][]string
		want string
	}{
		{"no name", map[string][]string{"name": {" "}, "expires": {"90"}}, `id="token-name-error">Must be 1 to 100 characters.`},
		{"an expiry not offered", map[string][]string{"name": {"x"}, "expires": {"7"}}, `id="token-expires-error">`},
	} {
		if rec := create(tt.form); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), tt.want) {
			t.Errorf("%s: %d, want 422 with %q", tt.name, rec.Code, tt.want)
		}
	}

	rec := create(map[string][]string{"name": {"import script"}, "expires": {"30"}})
	m := secretRE.FindStringSubmatch(rec.Body.String())
	if rec.Code != http.StatusOK || m == nil || rec.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("create: %d, Cache-Control %q, no secret shown:\n%s", rec.Code, rec.Header().Get("Cache-Control"), rec.Body)
	}
	secret := m[1]
	tokens, err := st.store.Tokens(context.Background(), "cy")
	if err != nil || len(tokens) != 1 || !tokens[0].Expires.Equal(st.clock().AddDate(0, 0, 30)) || tokens[0].Name != "import script" {
		t.Fatalf("stored tokens %+v, %v; want one named import script expiring in 30 days", tokens, err)
	}

	page := st.do(t, req{method: "GET", url: "/account", cookie: cookie}).Body.String()
	if strings.Contains(page, secret) || !strings.Contains(page, "<td>import script</td>") {
		t.Errorf("/account after: the secret shown again, or the token not listed:\n%s", page)
	}
	if got := st.signedInAs(t, req{bearer: secret}); got != "cy" {
		t.Errorf("the token as Bearer is %q, want cy", got)
	}
	api := req{method: "GET", url: "/api/v1/works/welcome-to-the-nhk-novel", bearer: secret}
	if rec := st.do(t, api); rec.Code != http.StatusOK {
		t.Errorf("the token on the API: %d, want 200", rec.Code)
	}
	// Its owner's role: a contributor's token reviews nothing.
	if rec := st.do(t, req{method: "GET", url: "/review", bearer: secret}); rec.Code != http.StatusForbidden {
		t.Errorf("a contributor's token on /review: %d, want 403", rec.Code)
	}

	id := revokeRE.FindStringSubmatch(page)
	if id == nil {
		t.Fatal("no revoke form")
	}
	revoke := "/account/tokens/" + id[1] + "/revoke"
	if rec := st.do(t, req{method: "POST", url: revoke, cookie: st.session(t, "ann"), form: map[string][]string{}}); rec.Code != http.StatusNotFound {
		t.Errorf("another user revoking cy's token: %d, want 404", rec.Code)
	}
	if rec := st.do(t, api); rec.Code != http.StatusOK {
		t.Errorf("after another user's try the token gets %d, want 200", rec.Code)
	}
	rec = st.do(t, req{method: "POST", url: revoke, cookie: cookie, form: map[string][]string{}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/account?done=revoked" {
		t.Errorf("revoke: %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	if rec := st.do(t, api); rec.Code != http.StatusUnauthorized {
		t.Errorf("a revoked token on the API: %d, want 401", rec.Code)
	}
}

// TestAccountProposals: a contributor sees their proposals and what
// became of them.
func TestAccountProposals(t *testing.T) {
	st := newSite(t)
	ctx := context.Background()
	st.user(t, "cy", catalog.RoleContributor)
	cur, err := st.store.Get(ctx, "welcome-to-the-nhk-novel")
	if err != nil {
		t.Fatal(err)
	}
	propose := func(note string) int64 {
		w := *cur.Work
		w.Notes = note
		p, err := catalog.Propose(ctx, st.store, catalog.Proposal{Op: catalog.OpUpdate, Base: cur.Number, Work: &w, Author: "cy", Note: note}, st.clock())
		if err != nil {
			t.Fatal(err)
		}
		return p.ID
	}
	pending, rejected := propose("one"), propose("two")
	if _, err := catalog.RejectProposal(ctx, st.store, rejected, "ann", "the notes say nothing new", st.clock()); err != nil {
		t.Fatal(err)
	}
	page := st.do(t, req{method: "GET", url: "/account", cookie: st.session(t, "cy")}).Body.String()
	for _, want := range []string{
		`<a href="/review/` + strconv.FormatInt(pending, 10) + `">#` + strconv.FormatInt(pending, 10) + `</a> edit`,
		`<span class="state pending">pending</span>`,
		`<span class="state rejected">rejected</span> by ann on 1 Jun 2026: <q>the notes say nothing new</q>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("/account lacks %q", want)
		}
	}
}

var inviteLinkRE = regexp.MustCompile(`value="http://example\.com/invite/([A-Za-z0-9_-]+)"`)

// TestAdminUsers: an admin adds, changes, disables and re-enables
// accounts; disabling ends the user's session and tokens at once; only
// admins get the page.
func TestAdminUsers(t *testing.T) {
	st := newSite(t)
	ctx := context.Background()
	st.user(t, "root", catalog.RoleAdmin)
	st.user(t, "cy", catalog.RoleContributor)
	admin, cySession, cyToken := st.session(t, "root"), st.session(t, "cy"), st.token(t, "cy")
	post := func(url string, form map[string][]string) *httptest.ResponseRecorder {
		return st.do(t, req{method: "POST", url: url, cookie: admin, form: form})
	}

	for _, method := range []string{"GET", "POST"} {
		rec := st.do(t, req{method: method, url: "/admin/users", cookie: cySession, form: map[string][]string{"name": {"x1"}, "role": {"admin"}}})
		if rec.Code != http.StatusForbidden {
			t.Errorf("a contributor %s /admin/users: %d, want 403", method, rec.Code)
		}
	}
	page := st.do(t, req{method: "GET", url: "/admin/users", cookie: admin}).Body.String()
	if !strings.Contains(page, `<tr id="user-cy">`) || !strings.Contains(page, `<tr id="user-root">`) {
		t.Errorf("/admin/users does not list every account:\n%s", page)
	}

	for _, tt := range []struct {
		name     string
		form     map[string][]string
		status   int
		want     string
		accepted bool
	}{
		{"bad name", map[string][]string{"name": {"a b"}, "role": {"curator"}}, http.StatusUnprocessableEntity, `id="new-name-error">Must be 2 to 32`, false},
		{"bad role", map[string][]string{"name": {"dee"}, "role": {"owner"}}, http.StatusUnprocessableEntity, `id="new-role-error">Must be one of`, false},
		{"name taken", map[string][]string{"name": {"cy"}, "role": {"curator"}}, http.StatusConflict, `id="new-name-error">There is already`, false},
		{"new curator", map[string][]string{"name": {"Dee"}, "role": {"curator"}}, http.StatusOK, "<strong>Invite link for dee</strong> (curator)", true},
	} {
		rec := post("/admin/users", tt.form)
		if rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.want) {
			t.Errorf("add %s: %d, want %d with %q:\n%s", tt.name, rec.Code, tt.status, tt.want, rec.Body)
			continue
		}
		if !tt.accepted {
			continue
		}
		m := inviteLinkRE.FindStringSubmatch(rec.Body.String())
		if m == nil || rec.Header().Get("Cache-Control") != "no-store" {
			t.Fatalf("add %s: no absolute invite link, or cacheable:\n%s", tt.name, rec.Body)
		}
		if u, err := catalog.InviteUser(ctx, st.store, m[1], st.clock()); err != nil || u.Name != "dee" || u.Role != catalog.RoleCurator {
			t.Errorf("the link's token is for %+v, %v; want dee, curator", u, err)
		}
	}

	for _, tt := range []struct {
		name, user string
		form       map[string][]string
		status     int
		check      func() string // "" when the change is as it should be
	}{
		{"set role", "cy", map[string][]string{"action": {"role"}, "role": {"curator"}}, http.StatusSeeOther, func() string {
			if u, _ := st.store.User(ctx, "cy"); u.Role != catalog.RoleCurator {
				return "cy is a " + string(u.Role)
			}
			return ""
		}},
		{"disable", "cy", map[string][]string{"action": {"disable"}}, http.StatusSeeOther, func() string {
			if got := st.signedInAs(t, req{cookie: cySession}); got != "" {
				return "cy's session still signs in"
			}
			if rec := st.do(t, req{method: "GET", url: "/api/v1/works/welcome-to-the-nhk-novel", bearer: cyToken}); rec.Code != http.StatusUnauthorized {
				return "cy's token gets " + http.StatusText(rec.Code)
			}
			if tokens, _ := st.store.Tokens(ctx, "cy"); len(tokens) != 0 {
				return "cy's tokens are still stored"
			}
			return ""
		}},
		{"enable", "cy", map[string][]string{"action": {"enable"}}, http.StatusSeeOther, func() string {
			if got := st.signedInAs(t, req{cookie: cySession}); got != "" {
				return "enabling brought back the session disabling ended"
			}
			if rec := st.signIn(t, "cy", testPassword, "/"); rec.Code != http.StatusSeeOther {
				return "cy cannot sign in with their password after enabling"
			}
			return ""
		}},
		{"new invite link", "cy", map[string][]string{"action": {"invite"}}, http.StatusOK, nil},
		{"disable yourself", "root", map[string][]string{"action": {"disable"}}, http.StatusConflict, nil},
		{"demote yourself", "root", map[string][]string{"action": {"role"}, "role": {"contributor"}}, http.StatusConflict, nil},
		{"unknown action", "cy", map[string][]string{"action": {"delete"}}, http.StatusBadRequest, nil},
		{"unknown user", "zed", map[string][]string{"action": {"disable"}}, http.StatusNotFound, nil},
	} {
		rec := post("/admin/users/"+tt.user, tt.form)
		if rec.Code != tt.status {
			t.Errorf("%s: %d, want %d:\n%s", tt.name, rec.Code, tt.status, rec.Body)
			continue
		}
		if tt.status == http.StatusSeeOther && rec.Header().Get("Location") != "/admin/users#user-"+tt.user {
			t.Errorf("%s: redirect to %q", tt.name, rec.Header().Get("Location"))
		}
		if tt.check != nil {
			if problem := tt.check(); problem != "" {
				t.Errorf("%s: %s", tt.name, problem)
			}
		}
	}
	if u, _ := st.store.User(ctx, "root"); u.Disabled || u.Role != catalog.RoleAdmin {
		t.Errorf("the admin changed themselves: %+v", u)
	}
}

// TestAdminRebuild: /admin/index says how the index is and asks the
// follower for a rebuild; a second request while one waits is that one.
func TestAdminRebuild(t *testing.T) {
	st := newSite(t)
	st.user(t, "ada", catalog.RoleAdmin)
	admin := st.session(t, "ada")
	page := st.do(t, req{method: "GET", url: "/admin/index", cookie: admin})
	for _, want := range []string{`<span class="state ok">ok</span>`, fmt.Sprintf("<dd>%d</dd>", len(shippedWorks(t, st.store.Codebook()))), `action="/admin/index/rebuild"`} {
		if !strings.Contains(page.Body.String(), want) {
			t.Errorf("/admin/index has no %s:\n%s", want, page.Body)
		}
	}
	steps := []struct {
		take     bool // the follower starts the waiting rebuild first
		location string
		notice   string
	}{
		{false, "/admin/index?rebuild=requested", "Rebuild started."},
		{false, "/admin/index?rebuild=pending", "A rebuild was already asked for"},
		{true, "/admin/index?rebuild=requested", "Rebuild started."},
	}
	for i, step := range steps {
		if step.take && !st.rebuilds.take() {
			t.Fatalf("step %d: no rebuild waits", i)
		}
		rec := st.do(t, req{method: "POST", url: "/admin/index/rebuild", form: map[string][]string{}, cookie: admin})
		if loc := rec.Header().Get("Location"); rec.Code != http.StatusSeeOther || loc != step.location {
			t.Fatalf("step %d: %d to %q, want 303 to %s", i, rec.Code, loc, step.location)
		}
		if page := st.do(t, req{method: "GET", url: step.location, cookie: admin}); !strings.Contains(page.Body.String(), step.notice) {
			t.Errorf("step %d: %s does not say %q", i, step.location, step.notice)
		}
	}
	if st.rebuilds.asked != len(steps) {
		t.Errorf("%d requests reached the follower, want %d", st.rebuilds.asked, len(steps))
	}
}
