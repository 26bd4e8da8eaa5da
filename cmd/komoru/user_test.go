package main

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/password"
	"github.com/komoru/komoru/catalog/sqlite"
)

// TestUserCommands runs the account commands in order against one data
// dir: each row's exit status and a line of its output.
func TestUserCommands(t *testing.T) {
	environ := map[string]string{"KOMORU_DATA": t.TempDir(), "KOMORU_SEED": "false"}
	const day = `\d{4}-\d{2}-\d{2}`
	tests := []struct {
		args   string
		env    map[string]string // more environment
		code   int
		stdout string // a regexp stdout must match
		stderr string // a line stderr must contain
	}{
		{"user", nil, 2, "", "say which: add, list, set-role, disable, enable, invite"},
		{"user -h", nil, 0, `komoru user add NAME --role contributor\|curator\|admin`, ""},
		{"user frobnicate", nil, 2, "", `unknown user command "frobnicate"`},
		{"user add", nil, 2, "", "want NAME, got 0 argument(s)"},
		{"user add ann", nil, 2, "", "--role must be contributor, curator or admin (see"},
		{"user add ann --role owner", nil, 2, "", `--role must be contributor, curator or admin, got "owner"`},
		{"user add Ann --role admin", nil, 2, "", `NAME must be 2 to 32 lowercase letters`},
		{"user add ann bob --role admin", nil, 2, "", "want NAME, got 2 argument(s)"},
		{"user add --role admin -- --public-url", nil, 2, "", `NAME must be 2 to 32 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit, got "--public-url"`},
		{"user add ann --role admin --public-url ftp://komoru.example", nil, 2, "", "--public-url must be an http or https URL"},
		{"user add ann --role admin --public-url https://komoru.example/", nil, 0,
			`(?m)^Invite link for ann \(admin\), valid 7 days, until ` + day + ` \d\d:\d\d UTC; it works once\..*\nhttps://komoru\.example/invite/[A-Za-z0-9_-]{43}$`, ""},
		{"user add ann --role curator", nil, 1, "", `user "ann" exists`},
		{"user add --role contributor bob", nil, 0, `(?m)^http://localhost:8080/invite/[A-Za-z0-9_-]{43}$`, ""},
		{"user add cy", map[string]string{"KOMORU_ROLE": "curator", "KOMORU_PUBLIC_URL": "https://k.example"}, 0, `(?m)^https://k\.example/invite/`, ""},
		{"user list", nil, 0, `(?m)^NAME +ROLE +STATE +CREATED\nann +admin +invited +` + day + `\nbob +contributor +invited +` + day + `\ncy +curator +invited +` + day + `$`, ""},
		{"user list extra", nil, 2, "", `unexpected argument "extra"`},
		{"user set-role bob curator", nil, 0, `^bob's role is now curator\.\n$`, ""},
		{"user set-role bob owner", nil, 2, "", `ROLE must be contributor, curator or admin, got "owner"`},
		{"user set-role bob", nil, 2, "", "want NAME ROLE, got 1 argument(s)"},
		{"user set-role zed curator", nil, 1, "", `user "zed": not found`},
		{"user disable bob", nil, 0, `^Disabled bob: their sessions and API tokens have ended\.\n$`, ""},
		{"user disable zed", nil, 1, "", `user "zed": not found`},
		{"user list", nil, 0, `(?m)^bob +curator +disabled +` + day + `$`, ""},
		{"token create bob", nil, 1, "", `user "bob" is disabled`},
		{"user invite bob", nil, 1, "", `user "bob" is disabled`},
		{"user enable bob", nil, 0, `^Enabled bob: `, ""},
		{"user invite bob", nil, 0, `(?m)^Invite link for bob \(curator\).*\nhttp://localhost:8080/invite/[A-Za-z0-9_-]{43}$`, ""},
		{"token", nil, 2, "", "say which: create"},
		{"token create", nil, 2, "", "want NAME, got 0 argument(s)"},
		{"token create ann --expires 0d", nil, 2, "", `--expires must be a number of days from 1d to 3650d, or never, got "0d"`},
		{"token create ann --expires 90", nil, 2, "", `got "90"`},
		{"token create ann", map[string]string{"KOMORU_EXPIRES": "soon"}, 2, "", `--expires must be a number of days`},
		{"token create ann --expires never", nil, 0, `^komoru_[A-Za-z0-9_-]{43}\n$`, "API token for ann (admin); it never expires. It is shown this once"},
		{"token create ann", nil, 0, `^komoru_[A-Za-z0-9_-]{43}\n$`, "API token for ann (admin); it expires 20"},
		{"token create zed", nil, 1, "", `user "zed": not found`},
	}
	for _, tt := range tests {
		env := map[string]string{}
		for k, v := range environ {
			env[k] = v
		}
		for k, v := range tt.env {
			env[k] = v
		}
		code, stdout, stderr := komoru(t, "", env, strings.Fields(tt.args)...)
		if code != tt.code {
			t.Errorf("komoru %s: exit %d, want %d; stderr:\n%s", tt.args, code, tt.code, stderr)
		}
		if !regexp.MustCompile(tt.stdout).MatchString(stdout) {
			t.Errorf("komoru %s: stdout\n%s\ndoes not match %s", tt.args, stdout, tt.stdout)
		}
		if !strings.Contains(stderr, tt.stderr) {
			t.Errorf("komoru %s: stderr %q does not contain %q", tt.args, stderr, tt.stderr)
		}
	}
}

// TestUserAddEndToEnd: beside a store that stays open, as a running
// server's does, user add prints a link whose token sets a password, and
// token create prints a token that signs in as its user for 30 days.
func TestUserAddEndToEnd(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	environ := map[string]string{"KOMORU_DATA": data, "KOMORU_SEED": "false"}
	server, err := sqlite.Open(ctx, filepath.Join(data, catalogFile), catalog.DefaultCodebook())
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	if code, _, stderr := komoru(t, "", environ, "user", "list"); code != 0 {
		t.Fatalf("user list on a new catalog: %d %s", code, stderr)
	}

	code, stdout, stderr := komoru(t, "", environ, "user", "add", "ann", "--role", "admin")
	if code != 0 {
		t.Fatalf("user add: %d %s", code, stderr)
	}
	m := regexp.MustCompile(`/invite/([A-Za-z0-9_-]+)\n`).FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("user add printed no link:\n%s", stdout)
	}
	hash, err := password.Hash("a password of some length", password.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})
	if err != nil {
		t.Fatal(err)
	}
	u, err := catalog.AcceptInvite(ctx, server, m[1], hash, time.Now())
	if err != nil || u.Name != "ann" || u.Role != catalog.RoleAdmin {
		t.Fatalf("AcceptInvite with the printed token: %+v, %v; want ann, admin", u, err)
	}

	before := time.Now()
	code, stdout, stderr = komoru(t, "", environ, "token", "create", "ann", "--expires", "30d")
	after := time.Now()
	if code != 0 {
		t.Fatalf("token create: %d %s", code, stderr)
	}
	secret := strings.TrimSpace(stdout)
	if u, err := catalog.CheckToken(ctx, server, secret, time.Now()); err != nil || u.Name != "ann" {
		t.Fatalf("the printed token: %+v, %v; want ann", u, err)
	}
	tokens, err := server.Tokens(ctx, "ann")
	if err != nil || len(tokens) != 1 {
		t.Fatalf("tokens %+v, %v", tokens, err)
	}
	if exp := tokens[0].Expires; exp.Before(before.AddDate(0, 0, 30).Truncate(time.Second)) || exp.After(after.AddDate(0, 0, 30)) {
		t.Errorf("the token expires %s, want 30 days after it was made", exp)
	}
	if _, err := catalog.CheckToken(ctx, server, secret, after.AddDate(0, 0, 30).Add(time.Second)); err == nil {
		t.Error("the token still works after 30 days")
	}
}
