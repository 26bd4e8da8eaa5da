package server

import (
	"net/http"

	"github.com/klauspost/compress/gzhttp"
)

// compressMin is the size from which a response is compressed: below
// it, the compressed body and its header save nothing worth the work.
const compressMin = 1024

// withCompression compresses every response of compressMin bytes or more
// with zstd or gzip, as the client's Accept-Encoding asks (zstd when both
// are equally welcome), and says Vary: Accept-Encoding on every response
// so that caches keep the encodings apart. It sits outside Gin, so that
// pages, the API and static files alike are compressed. A response is
// held until compressMin bytes are written, then streams: a handler's
// Flush flushes the compressor too, so an export still streams. Already
// compressed types (zip, images) pass as they are. ETags are kept as
// the handler set them: a work's ETag is its revision, which If-Match
// sends back whatever the encoding.
func withCompression(next http.Handler) (http.Handler, error) {
	wrap, err := gzhttp.NewWrapper(gzhttp.MinSize(compressMin), gzhttp.EnableZstd(true), gzhttp.PreferZstd(true))
	if err != nil {
		return nil, err
	}
	return wrap(next), nil
}
