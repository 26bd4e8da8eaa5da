// Package export writes works in every format komoru exports: the import
// format (jsonl, json), CSV for spreadsheets and pandas, citations for
// reference managers (bibtex, ris, csljson) and a Frictionless Data Package
// (datapackage). It stands beside the catalog package as benbjohnson/wtf's
// csv package stands beside its domain: it knows works, the codebook and
// the store contract (to read a search's works a batch at a time), nothing
// of HTTP, the index or a store's driver, so the CLI, the API and the
// pages all write a format the same way.
//
// Every format streams: an Encoder is given one work at a time and keeps
// none, so an export of 100,000 works holds one work in memory, not all.
package export

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/komoru/komoru/catalog"
)

// Format is one export format of the registry.
type Format struct {
	// Name is what --format and ?format= take.
	Name string
	// MediaType is the response's Content-Type.
	MediaType string
	// Ext is the file name's extension, without the dot.
	Ext string
	// Title says in a few words what the format is for.
	Title string
	// New returns an encoder that writes to w.
	New func(w io.Writer, o Options) Encoder
}

// Encoder writes works one at a time. Write is called once per work, in the
// order they are to appear; End finishes the output (closing brackets, the
// zip's directory) and must be called once, also after no work at all.
// Encoders buffer nothing beyond the work at hand and what their writer
// buffers; the caller flushes w after End.
type Encoder interface {
	Write(w *catalog.Work) error
	End() error
}

// Options is what an encoder may need besides the works.
type Options struct {
	// Codebook defines the dimensions and labels; nil means the default.
	Codebook *catalog.Codebook
	// BaseURL is the site's address (no trailing slash), for each work's
	// page in citations: BaseURL + "/works/" + id.
	BaseURL string
	// Provenance says where the works came from; the data package records
	// it.
	Provenance Provenance
}

// Provenance is what a scholar needs to cite an export and to reproduce
// it.
type Provenance struct {
	// Query is the URL of the search exported (the API's export URL), or
	// the command line that made it.
	Query string
	// Seq is the catalog's change sequence number when the export began
	// (catalog.Store.LastSeq): the catalog's version.
	Seq int64
	// Time is when the export began.
	Time time.Time
}

func (o Options) codebook() *catalog.Codebook {
	if o.Codebook == nil {
		return catalog.DefaultCodebook()
	}
	return o.Codebook
}

func (o Options) workURL(w *catalog.Work) string {
	return o.BaseURL + "/works/" + w.ID
}

// formats is the registry, in the order help texts list them.
var formats = []Format{
	{Name: "jsonl", MediaType: "application/jsonl; charset=utf-8", Ext: "jsonl",
		Title: "import format v1, one work a line: imports back unchanged", New: newJSONL},
	{Name: "json", MediaType: "application/json; charset=utf-8", Ext: "json",
		Title: "import format v1 as one JSON array", New: newJSON},
	{Name: "csv", MediaType: "text/csv; charset=utf-8", Ext: "csv",
		Title: "one row a work, for spreadsheets (formulas neutralized)", New: newCSV},
	{Name: "bibtex", MediaType: "application/x-bibtex; charset=utf-8", Ext: "bib",
		Title: "BibTeX citations", New: newBibTeX},
	{Name: "ris", MediaType: "application/x-research-info-systems; charset=utf-8", Ext: "ris",
		Title: "RIS citations (Zotero, EndNote, Mendeley)", New: newRIS},
	{Name: "csljson", MediaType: "application/vnd.citationstyles.csl+json; charset=utf-8", Ext: "json",
		Title: "CSL-JSON citations (citeproc, Zotero, Pandoc)", New: newCSLJSON},
	{Name: "datapackage", MediaType: "application/zip", Ext: "zip",
		Title: "a Frictionless Data Package: lossless CSV, Table Schema, codebook, provenance", New: newDataPackage},
}

// Formats returns the registry's formats.
func Formats() []Format {
	out := make([]Format, len(formats))
	copy(out, formats)
	return out
}

// Names returns the formats' names, in the registry's order.
func Names() []string {
	names := make([]string, len(formats))
	for i, f := range formats {
		names[i] = f.Name
	}
	return names
}

// Lookup returns the format with the given name.
func Lookup(name string) (Format, bool) {
	for _, f := range formats {
		if f.Name == name {
			return f, true
		}
	}
	return Format{}, false
}

// UnknownFormat is the message for a format name the registry lacks, for
// the CLI's and the API's errors alike.
func UnknownFormat(name string) string {
	if name == "" {
		return "give one of " + strings.Join(Names(), ", ")
	}
	return fmt.Sprintf("must be one of %s, got %q", strings.Join(Names(), ", "), name)
}

// Filename is a download's name: komoru-2026-11-30.csv.
func (f Format) Filename(t time.Time) string {
	return "komoru-" + t.UTC().Format("2006-01-02") + "." + f.Ext
}
