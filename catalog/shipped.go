package catalog

import (
	"bytes"
	_ "embed"
	"io"
)

//go:embed data/works.jsonl
var shippedJSONL []byte

// Shipped returns the catalog komoru ships with, in import format v1. A new
// data dir is loaded with it.
func Shipped() io.Reader { return bytes.NewReader(shippedJSONL) }
