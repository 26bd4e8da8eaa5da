package catalog

import (
	"bytes"
	_ "embed"
	"io"
	"strings"
	"time"
)

//go:embed data/works.jsonl
var shippedJSONL []byte

// shippedRelease is the date of the shipped catalog's last revision, as
// YYYY-MM-DD: the day of the last commit that changed data/works.jsonl
// (git log -1 --format=%cs -- catalog/data/works.jsonl). Whoever changes
// works.jsonl sets it too.
//
//go:embed data/RELEASE
var shippedRelease string

// Shipped returns the catalog komoru ships with, in import format v1. A new
// data dir is loaded with it.
func Shipped() io.Reader { return bytes.NewReader(shippedJSONL) }

// ShippedRevised is when the shipped catalog was last revised (midnight
// UTC of data/RELEASE's day): the time of its works' first revisions, so
// that a citation of a shipped entry names the day its text was written,
// not the day a data dir happened to be created. It is the zero time if
// RELEASE is not a date, which TestShippedRelease rules out.
func ShippedRevised() time.Time {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(shippedRelease))
	if err != nil {
		return time.Time{}
	}
	return t
}

// ShippedChange is the change that seeds a data dir with the shipped
// catalog: by komoru, stamped with ShippedRevised.
func ShippedChange() Change {
	return Change{Author: "komoru", Note: "shipped catalog", Time: ShippedRevised()}
}
