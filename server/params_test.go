package server

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/komoru/komoru/catalog"
)

// FuzzParseSearchParams: any query string parses to a valid query or to
// a 400 that names at least one parameter; never a panic, never a 500.
func FuzzParseSearchParams(f *testing.F) {
	for _, s := range []string{"", "q=x", "size=101", "realism=realistic&realism=mixed", "page=0", "year_from=1990&year_to=1980",
		"decade=2000", "typo=false", "sort=-year", "q=%22a+b%22", "%zz", "a=b=c&&", "countries=JP&languages=ja",
		"q=" + strings.Repeat("%E3%81%82", 501), "q=" + strings.Repeat("a", 501)} {
		f.Add(s)
	}
	cb := catalog.DefaultCodebook()
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q, err := parseSearchParams(v, cb)
		if err == nil {
			if verr := q.Validate(cb); verr != nil {
				t.Fatalf("parseSearchParams(%q) accepted a query Validate rejects: %v", raw, verr)
			}
			return
		}
		var he *httpError
		if !errors.As(err, &he) || he.status != 400 || len(he.fields) == 0 {
			t.Fatalf("parseSearchParams(%q) = %v, want a 400 naming a parameter", raw, err)
		}
	})
}
