package server

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/komoru/komoru/catalog"
)

// TestBrowserAccount: an admin made by catalog.AddUser (as komoru user add
// makes one) opens the invite link, sets a password and lands signed in;
// signs out; signs in again with the keyboard alone; makes an API token
// and sees it once; adds a user and gets the invite link. Every page is
// audited and photographed.
func TestBrowserAccount(t *testing.T) {
	st := newSite(t)
	b := newBrowser(t, st.Server)
	invite, err := catalog.AddUser(context.Background(), st.store, "ada", catalog.RoleAdmin, st.clock())
	if err != nil {
		t.Fatal(err)
	}
	const pw = "ada's own long passphrase"
	audit := func(page string) {
		t.Helper()
		if problems := eval[string](t, b, a11yAudit); problems != "" {
			t.Errorf("%s:\n%s", page, problems)
		}
	}

	// The invite: the account is named, the password set twice.
	b.run(t, chromedp.Navigate(b.base+"/invite/"+invite), chromedp.WaitVisible(chromedp.CSS("#password")))
	if text := eval[string](t, b, `document.querySelector("main").innerText`); !strings.Contains(text, "admin account ada") {
		t.Errorf("the invite page does not name the account:\n%s", text)
	}
	audit("invite")
	b.screenshots(t, "invite")
	b.run(t,
		chromedp.SendKeys(chromedp.CSS("#password"), pw),
		chromedp.SendKeys(chromedp.CSS("#confirm"), pw),
		chromedp.Submit(chromedp.CSS("#confirm")),
		chromedp.WaitVisible(chromedp.CSS("#tokens")),
	)
	b.waitFor(t, `location.pathname === "/account"`)
	if name := eval[string](t, b, `document.querySelector("dl.acct-facts dd").textContent`); name != "ada" {
		t.Errorf("after the invite, /account shows %q, want ada", name)
	}

	// Sign out, on the server too.
	b.run(t, chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS(`header a[href^="/login"]`)))
	b.waitFor(t, `location.pathname === "/" && document.querySelector('form[action="/logout"]') === null`)

	// Sign in with the keyboard alone: the name field has the focus; Tab,
	// type, Enter. A wrong password first, which is said beside the form.
	b.run(t, chromedp.Navigate(b.base+"/login?next=/account"), chromedp.WaitVisible(chromedp.CSS("#name")))
	audit("login")
	signIn := func(password string) {
		t.Helper()
		if active := eval[string](t, b, `document.activeElement.id`); active != "name" {
			t.Fatalf("the sign-in page opens with the focus on %q, want the name field", active)
		}
		b.run(t,
			chromedp.KeyEvent(kb.End),
			chromedp.KeyEvent(strings.Repeat(kb.Backspace, 10)),
			chromedp.KeyEvent("ada"),
			chromedp.KeyEvent(kb.Tab),
		)
		if active := eval[string](t, b, `document.activeElement.id`); active != "password" {
			t.Fatalf("Tab from the name goes to %q, want the password", active)
		}
		b.run(t, chromedp.KeyEvent(password), chromedp.KeyEvent(kb.Enter))
	}
	signIn("not ada's passphrase")
	b.run(t, chromedp.WaitVisible(chromedp.CSS("#login-error")))
	if got := eval[string](t, b, `document.getElementById("password").getAttribute("aria-describedby")`); got != "login-error" {
		t.Errorf("the password field is described by %q, want the error", got)
	}
	b.mu.Lock() // Chromium logs the 401 of the refused sign-in itself
	b.problems = slices.DeleteFunc(b.problems, func(s string) bool { return strings.Contains(s, "status of 401") && strings.Contains(s, "/login") })
	b.mu.Unlock()
	audit("login with an error")
	b.screenshots(t, "login")
	signIn(pw)
	b.run(t, chromedp.WaitVisible(chromedp.CSS("#tokens")))
	b.waitFor(t, `location.pathname === "/account"`)

	// A token, shown once.
	b.run(t,
		chromedp.SendKeys(chromedp.CSS("#token-name"), "import script"),
		chromedp.SetValue(chromedp.CSS("#token-expires"), "30"),
		chromedp.Submit(chromedp.CSS("#token-name")),
		chromedp.WaitVisible(chromedp.CSS("#new-token")),
	)
	secret := eval[string](t, b, `document.getElementById("new-token").value`)
	if !strings.HasPrefix(secret, catalog.TokenPrefix) {
		t.Fatalf("the new token shown is %q", secret)
	}
	if got := st.signedInAs(t, req{bearer: secret}); got != "ada" {
		t.Errorf("the token shown signs in %q, want ada", got)
	}
	audit("account with a new token")
	b.screenshots(t, "account")
	b.run(t, chromedp.Navigate(b.base+"/account"), chromedp.WaitVisible(chromedp.CSS("#tokens")))
	if html := eval[string](t, b, `document.documentElement.outerHTML`); strings.Contains(html, secret) {
		t.Error("the token is shown again on /account")
	}
	if rows := eval[string](t, b, `[...document.querySelectorAll("table.acct-table tbody tr td:first-child")].map(td => td.textContent).join(",")`); rows != "import script" {
		t.Errorf("the tokens listed: %q", rows)
	}

	// Users: add one, get the link.
	b.run(t, chromedp.Navigate(b.base+"/admin/users"), chromedp.WaitVisible(chromedp.CSS("#new-name")))
	b.run(t,
		chromedp.SendKeys(chromedp.CSS("#new-name"), "bea"),
		chromedp.SetValue(chromedp.CSS("#new-role"), "curator"),
		chromedp.Submit(chromedp.CSS("#new-name")),
		chromedp.WaitVisible(chromedp.CSS("#invite-link")),
	)
	if link := eval[string](t, b, `document.getElementById("invite-link").value`); !strings.HasPrefix(link, b.base+"/invite/") {
		t.Errorf("the invite link is %q, want one on %s", link, b.base)
	}
	if row := eval[string](t, b, `document.getElementById("user-bea").innerText`); !strings.Contains(row, "curator") || !strings.Contains(row, "invited") {
		t.Errorf("bea's row: %q", row)
	}
	audit("users")
	b.screenshots(t, "admin-users")

	// The dark theme passes the audit too.
	eval[string](t, b, `document.cookie = "komoru_theme=dark; path=/"`)
	for _, path := range []string{"/account?done=revoked", "/admin/users"} {
		b.run(t, chromedp.Navigate(b.base+path), chromedp.WaitVisible(chromedp.CSS("main h1")))
		audit(path + " (dark)")
	}
	b.clean(t)
}
