package server

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzLocalPath: whatever a form says to return to, the redirect stays on
// this site: "/" or a path that a browser, dropping control characters and
// reading backslashes as slashes, still resolves on this host.
func FuzzLocalPath(f *testing.F) {
	for _, s := range []string{"/", "/works/x?y=1", "//evil.example", "/\t/evil.example", `/\evil`, "/%09/evil",
		"/%2F/evil", "https://evil.example", "javascript:alert(1)", "/a b", "/?q=%", "/ő"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		got := localPath(p)
		if got == "/" {
			return
		}
		browser := strings.Map(func(r rune) rune {
			switch {
			case r < 0x20 || r == 0x7f:
				return -1
			case r == '\\':
				return '/'
			}
			return r
		}, got)
		if !strings.HasPrefix(browser, "/") || strings.HasPrefix(browser, "//") {
			t.Fatalf("localPath(%q) = %q, which a browser reads as %q", p, got, browser)
		}
		u, err := url.Parse(got)
		if err != nil || u.Scheme != "" || u.Host != "" {
			t.Fatalf("localPath(%q) = %q: parses to scheme %q host %q (%v)", p, got, u.Scheme, u.Host, err)
		}
		if un, err := url.PathUnescape(got); err == nil && strings.HasPrefix(strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f {
				return -1
			}
			return r
		}, un), "//") {
			t.Fatalf("localPath(%q) = %q: unescaped, %q", p, got, un)
		}
	})
}
