// Package web holds komoru's templates and static assets, embedded in the
// binary. It is a leaf: it imports nothing from komoru.
package web

import "embed"

// FS holds templates/ and static/.
//
//go:embed templates static
var FS embed.FS
