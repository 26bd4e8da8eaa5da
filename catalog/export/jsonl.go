package export

import (
	"io"

	"github.com/komoru/komoru/catalog"
)

// jsonlEncoder writes import format v1: each work's canonical JSON on a
// line, the bytes the store keeps, so an export imports back unchanged and
// exports again to the same bytes.
type jsonlEncoder struct{ w io.Writer }

func newJSONL(w io.Writer, _ Options) Encoder { return &jsonlEncoder{w: w} }

func (e *jsonlEncoder) Write(w *catalog.Work) error {
	doc, err := w.MarshalCanonical()
	if err != nil {
		return err
	}
	_, err = e.w.Write(append(doc, '\n'))
	return err
}

func (e *jsonlEncoder) End() error { return nil }

// jsonEncoder writes the same works as one JSON array, a work a line, for
// tools that read one JSON document (jq -c '.[]' turns it back into
// import format v1).
type jsonEncoder struct {
	w io.Writer
	n int
}

func newJSON(w io.Writer, _ Options) Encoder { return &jsonEncoder{w: w} }

func (e *jsonEncoder) Write(w *catalog.Work) error {
	doc, err := w.MarshalCanonical()
	if err != nil {
		return err
	}
	sep := ",\n"
	if e.n == 0 {
		sep = "[\n"
	}
	e.n++
	if _, err := io.WriteString(e.w, sep); err != nil {
		return err
	}
	_, err = e.w.Write(doc)
	return err
}

func (e *jsonEncoder) End() error {
	end := "\n]\n"
	if e.n == 0 {
		end = "[]\n"
	}
	_, err := io.WriteString(e.w, end)
	return err
}
