package server

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/komoru/komoru/catalog"
)

// TestAuthenticate: who a request is, from a session cookie or a bearer
// token, and what happens to a bad one.
func TestAuthenticate(t *testing.T) {
	st := newSite(t)
	ann := st.user(t, "ann", catalog.RoleCurator)
	cookie, token := st.session(t, ann), st.token(t, ann)
	signedIn := func(r req) bool {
		t.Helper()
		rec := st.do(t, r)
		return strings.Contains(rec.Body.String(), `action="/logout"`)
	}
	if !signedIn(req{method: "GET", url: "/", cookie: cookie}) {
		t.Error("a session cookie does not sign the page in")
	}
	if signedIn(req{method: "GET", url: "/"}) {
		t.Error("a reader's page shows a sign-out form")
	}
	rec := st.do(t, req{method: "GET", url: "/", cookie: &http.Cookie{Name: sessionCookie, Value: "forged"}})
	if rec.Code != 200 || !strings.Contains(rec.Header().Get("Set-Cookie"), sessionCookie+"=;") {
		t.Errorf("a bad cookie: %d, Set-Cookie %q; want the page, and the cookie cleared", rec.Code, rec.Header().Get("Set-Cookie"))
	}
	for _, tt := range []struct {
		name   string
		header string
		status int
	}{
		{"good token", "Bearer " + token, http.StatusOK},
		{"unknown token", "Bearer komoru_nope", http.StatusUnauthorized},
		{"not bearer", "Basic YW5uOnB3", http.StatusUnauthorized},
	} {
		rec := st.do(t, req{method: "GET", url: "/api/v1/works/welcome-to-the-nhk-novel", header: map[string]string{"Authorization": tt.header}})
		if rec.Code != tt.status {
			t.Errorf("%s: %d, want %d: %s", tt.name, rec.Code, tt.status, rec.Body)
		}
	}
	// Idle for longer than a session lives: signed out.
	st.advance(catalog.SessionIdle + time.Minute)
	if signedIn(req{method: "GET", url: "/", cookie: cookie}) {
		t.Error("a session idle for 14 days still signs in")
	}
}

// TestRequireRole: a reader is sent to sign in (pages) or refused with 401
// (API), a lesser role gets 403.
func TestRequireRole(t *testing.T) {
	st := newSite(t)
	contributor := st.session(t, st.user(t, "cy", catalog.RoleContributor))
	rec := st.do(t, req{method: "GET", url: "/review"})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/login?next=%2Freview" {
		t.Errorf("reader on /review: %d to %q; want 303 to /login?next=%%2Freview", rec.Code, rec.Header().Get("Location"))
	}
	if rec := st.do(t, req{method: "POST", url: "/api/v1/works", body: "{}"}); rec.Code != http.StatusUnauthorized {
		t.Errorf("reader POST /api/v1/works: %d, want 401", rec.Code)
	}
	if rec := st.do(t, req{method: "GET", url: "/review", cookie: contributor}); rec.Code != http.StatusForbidden ||
		!strings.Contains(rec.Body.String(), "needs the curator role") {
		t.Errorf("contributor on /review: %d, want 403 naming the role; %s", rec.Code, rec.Body)
	}
}

// TestCrossOrigin: a state-changing request from another site's page is
// refused, whoever is signed in; the same request from the site, or from a
// script, goes through.
func TestCrossOrigin(t *testing.T) {
	st := newSite(t)
	cookie := st.session(t, st.user(t, "ann", catalog.RoleAdmin))
	form := map[string][]string{"theme": {"dark"}, "return": {"/"}}
	for _, tt := range []struct {
		name   string
		header map[string]string
		status int
	}{
		{"cross-site fetch", map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"other origin", map[string]string{"Sec-Fetch-Site": "", "Origin": "https://evil.example"}, http.StatusForbidden},
		{"same origin", map[string]string{"Sec-Fetch-Site": "same-origin"}, http.StatusSeeOther},
		{"no browser headers (a script)", map[string]string{"Sec-Fetch-Site": ""}, http.StatusSeeOther},
	} {
		for _, url := range []string{"/prefs", "/logout", "/admin/users"} {
			rec := st.do(t, req{method: "POST", url: url, form: form, cookie: cookie, header: tt.header})
			if tt.status == http.StatusForbidden && rec.Code != tt.status {
				t.Errorf("%s POST %s: %d, want 403", tt.name, url, rec.Code)
			}
			if tt.status != http.StatusForbidden && rec.Code == http.StatusForbidden {
				t.Errorf("%s POST %s: 403, want it through", tt.name, url)
			}
		}
	}
}
