package export

import (
	"io"

	"github.com/komoru/komoru/catalog"
)

// csvEncoder is catalog.CSVWriter: one row a work, a value and an evidence
// column per dimension, lists joined with "|", and cells a spreadsheet
// would run as formulas neutralized (doc/exports.md).
type csvEncoder struct{ cw *catalog.CSVWriter }

func newCSV(w io.Writer, o Options) Encoder {
	return &csvEncoder{cw: catalog.NewCSVWriter(w, o.codebook())}
}

func (e *csvEncoder) Write(w *catalog.Work) error { return e.cw.Write(w) }

func (e *csvEncoder) End() error { return e.cw.Flush() }
