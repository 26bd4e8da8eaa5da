package export

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"hash"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/komoru/komoru/catalog"
)

// The data package is a zip of three files, the CSV first so that it
// streams (its size and hash are known only once it is written):
//
//	works.csv        the works, one row each, every cell as it is
//	codebook.json    the codebook the works are coded against
//	datapackage.json the Frictionless descriptor: the CSV's Table Schema,
//	                 the licence, how to cite, and the provenance
const (
	dpWorks      = "works.csv"
	dpCodebook   = "codebook.json"
	dpDescriptor = "datapackage.json"
)

// Licence and citation of every export: the catalog is CC BY 4.0.
const (
	licenceName  = "CC-BY-4.0"
	licenceTitle = "Creative Commons Attribution 4.0 International"
	licencePath  = "https://creativecommons.org/licenses/by/4.0/"
)

// dpEncoder writes the data package.
type dpEncoder struct {
	zw    *zip.Writer
	o     Options
	cb    *catalog.Codebook
	cw    *catalog.CSVWriter
	sum   hash.Hash
	count *countWriter
	works int
}

func newDataPackage(w io.Writer, o Options) Encoder {
	return &dpEncoder{zw: zip.NewWriter(w), o: o, cb: o.codebook()}
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

func (e *dpEncoder) zipTime() time.Time {
	if e.o.Provenance.Time.IsZero() {
		return time.Now().UTC()
	}
	return e.o.Provenance.Time.UTC()
}

// begin opens works.csv in the zip, on the first work or at End.
func (e *dpEncoder) begin() error {
	if e.cw != nil {
		return nil
	}
	f, err := e.zw.CreateHeader(&zip.FileHeader{Name: dpWorks, Method: zip.Deflate, Modified: e.zipTime()})
	if err != nil {
		return err
	}
	e.sum, e.count = sha256.New(), new(countWriter)
	e.cw = catalog.NewLosslessCSVWriter(io.MultiWriter(f, e.sum, e.count), e.cb)
	return nil
}

func (e *dpEncoder) Write(w *catalog.Work) error {
	if err := e.begin(); err != nil {
		return err
	}
	e.works++
	return e.cw.Write(w)
}

func (e *dpEncoder) End() error {
	if err := e.begin(); err != nil {
		return err
	}
	if err := e.cw.Flush(); err != nil {
		return err
	}
	cbJSON, err := indentJSON(e.cb)
	if err != nil {
		return err
	}
	desc, err := indentJSON(e.descriptor())
	if err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		data []byte
	}{{dpCodebook, cbJSON}, {dpDescriptor, desc}} {
		fw, err := e.zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: e.zipTime()})
		if err != nil {
			return err
		}
		if _, err := fw.Write(f.data); err != nil {
			return err
		}
	}
	return e.zw.Close()
}

// indentJSON is v as indented JSON, URLs' & and < as they are.
func indentJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	err := enc.Encode(v)
	return b.Bytes(), err
}

// descriptor is datapackage.json: Data Package v1 with a Tabular Data
// Resource. komoru's own properties (provenance, citation) are under
// "komoru", as the spec allows.
type descriptor struct {
	Profile     string       `json:"profile"`
	Name        string       `json:"name"`
	Title       string       `json:"title"`
	Description string       `json:"description"`
	Version     string       `json:"version"`
	Created     string       `json:"created"`
	Homepage    string       `json:"homepage,omitempty"`
	Licenses    []dpLicence  `json:"licenses"`
	Sources     []dpSource   `json:"sources"`
	Resources   []any        `json:"resources"`
	Komoru      dpProvenance `json:"komoru"`
}

type dpLicence struct {
	Name  string `json:"name"`
	Path  string `json:"path"`
	Title string `json:"title"`
}

type dpSource struct {
	Title string `json:"title"`
	Path  string `json:"path,omitempty"`
}

// dpProvenance is what the export was and how to cite it.
type dpProvenance struct {
	Query           string `json:"query"`
	ChangeSeq       int64  `json:"change_seq"`
	CodebookVersion string `json:"codebook_version"`
	ExportedAt      string `json:"exported_at"`
	Works           int    `json:"works"`
	Citation        string `json:"citation"`
	ReadingTheCSV   string `json:"reading_the_csv"`
}

type dpTableResource struct {
	Profile   string      `json:"profile"`
	Name      string      `json:"name"`
	Path      string      `json:"path"`
	Format    string      `json:"format"`
	Mediatype string      `json:"mediatype"`
	Encoding  string      `json:"encoding"`
	Bytes     int64       `json:"bytes"`
	Hash      string      `json:"hash"`
	Dialect   dpDialect   `json:"dialect"`
	Schema    tableSchema `json:"schema"`
}

type dpDialect struct {
	Delimiter   string `json:"delimiter"`
	DoubleQuote bool   `json:"doubleQuote"`
	Header      bool   `json:"header"`
}

type dpFileResource struct {
	Profile     string `json:"profile"`
	Name        string `json:"name"`
	Path        string `json:"path"`
	Format      string `json:"format"`
	Mediatype   string `json:"mediatype"`
	Description string `json:"description"`
}

// tableSchema is a Frictionless Table Schema (v1).
type tableSchema struct {
	Fields        []tableField `json:"fields"`
	PrimaryKey    []string     `json:"primaryKey"`
	MissingValues []string     `json:"missingValues"`
}

// tableField is one column. A multi-valued column is a string whose
// values are joined with Delimiter: Table Schema v1 has no list type, so
// the field says how to split it in delimiter and itemType (as v2's list
// type does) and, where the codebook fixes the values, checks every item
// with a pattern.
type tableField struct {
	Name        string       `json:"name"`
	Title       string       `json:"title,omitempty"`
	Type        string       `json:"type"`
	Format      string       `json:"format,omitempty"`
	Description string       `json:"description,omitempty"`
	Delimiter   string       `json:"delimiter,omitempty"`
	ItemType    string       `json:"itemType,omitempty"`
	ItemEnum    []string     `json:"itemEnum,omitempty"`
	Constraints *constraints `json:"constraints,omitempty"`
}

type constraints struct {
	Required bool     `json:"required,omitempty"`
	Unique   bool     `json:"unique,omitempty"`
	Enum     []string `json:"enum,omitempty"`
	Pattern  string   `json:"pattern,omitempty"`
	Minimum  *int     `json:"minimum,omitempty"`
}

// readingTheCSV says how to read works.csv, for the descriptor.
const readingTheCSV = "works.csv is RFC 4180 CSV in UTF-8 with a header row. Every cell is as in the catalog " +
	"(nothing is escaped against spreadsheet formulas, unlike komoru's plain csv export): read it as data. " +
	"An empty cell is a missing value. A field with a delimiter holds a list joined with that delimiter (|), " +
	"which no value contains: split on it (pandas: df[col].str.split('|'); R: strsplit(x, '|', fixed = TRUE)). " +
	"Single-valued codes are checked by enum, each item of a list by pattern; codebook.json defines every code."

func (e *dpEncoder) descriptor() descriptor {
	p := e.o.Provenance
	t := e.zipTime()
	version := strconv.FormatInt(p.Seq, 10)
	return descriptor{
		Profile: "data-package",
		Name:    "komoru-export",
		Title:   "komoru: media portrayals of social withdrawal (hikikomori)",
		Description: "Works from the komoru catalog, coded against codebook " + e.cb.Version +
			", as selected by the query under komoru.query. The version is the catalog's change sequence number at export time.",
		Version:  version,
		Created:  t.Format(time.RFC3339),
		Homepage: e.o.BaseURL,
		Licenses: []dpLicence{{Name: licenceName, Path: licencePath, Title: licenceTitle}},
		Sources:  []dpSource{{Title: "komoru catalog", Path: sourcePath(p.Query)}},
		Resources: []any{
			dpTableResource{Profile: "tabular-data-resource", Name: "works", Path: dpWorks, Format: "csv",
				Mediatype: "text/csv", Encoding: "utf-8", Bytes: e.count.n, Hash: "sha256:" + hex.EncodeToString(e.sum.Sum(nil)),
				Dialect: dpDialect{Delimiter: ",", DoubleQuote: true, Header: true}, Schema: e.schema()},
			dpFileResource{Profile: "data-resource", Name: "codebook", Path: dpCodebook, Format: "json",
				Mediatype: "application/json", Description: "The codebook " + e.cb.Version + ": every dimension and value, with its definition."},
		},
		Komoru: dpProvenance{Query: p.Query, ChangeSeq: p.Seq, CodebookVersion: e.cb.Version,
			ExportedAt: t.Format(time.RFC3339), Works: e.works,
			Citation:      Citation(e.o.BaseURL, p.Seq, e.cb.Version, t),
			ReadingTheCSV: readingTheCSV},
	}
}

// sourcePath is the query as a source's path, which must be a URL: a
// command line is left to komoru.query.
func sourcePath(query string) string {
	if strings.HasPrefix(query, "http://") || strings.HasPrefix(query, "https://") {
		return query
	}
	return ""
}

// listColumns are the lists of the facts, with what their items are; the
// coded lists are the codebook's multi-valued facets.
var listColumns = map[string]string{
	"alt_titles": "other titles",
	"countries":  "ISO 3166-1 alpha-2 codes",
	"languages":  "ISO 639-1 codes",
	"creators":   `"name (role)" each`,
	"characters": `"name (gender, role[, hikikomori])" each`,
	"related":    `"relation:id" each`,
	"sources":    "URLs",
}

// schema describes every column of works.csv, in order.
func (e *dpEncoder) schema() tableSchema {
	cols := e.cw.Columns()
	fields := make([]tableField, 0, len(cols))
	zero := 0
	for _, col := range cols {
		f := tableField{Name: col, Type: "string"}
		switch {
		case col == "id":
			f.Constraints = &constraints{Required: true, Unique: true, Pattern: `^[a-z0-9]+(-[a-z0-9]+)*$`}
			f.Description = "The work's id in komoru; its page is /works/ID."
		case col == "title":
			f.Constraints = &constraints{Required: true}
		case col == "year":
			f.Type, f.Constraints = "integer", &constraints{Required: true, Minimum: &zero}
		case col == "end_year":
			f.Type, f.Description = "integer", "The last year of a serial; empty for a single release."
		case strings.HasSuffix(col, "_source"):
			f.Format, f.Description = "uri", "The URL of the source that backs the coding of "+strings.TrimSuffix(col, "_source")+"."
		case listColumns[col] != "":
			f.Delimiter, f.ItemType = csvSep, "string"
			f.Description = "A list joined with |: " + listColumns[col] + "."
		}
		if fc, ok := e.cb.Facet(col); ok {
			f.Title = fc.Label
			var vals []string
			for _, v := range fc.Values {
				vals = append(vals, v.ID)
			}
			switch {
			case fc.Multi:
				f.Delimiter, f.ItemType, f.ItemEnum = csvSep, "string", vals
				f.Description = "A list joined with |"
				if len(vals) > 0 {
					f.Constraints = &constraints{Pattern: listPattern(vals)}
					f.Description += ", each a value of the codebook"
				}
				f.Description += "."
			case len(vals) > 0:
				f.Constraints = &constraints{Enum: vals}
			}
		}
		fields = append(fields, f)
	}
	return tableSchema{Fields: fields, PrimaryKey: []string{"id"}, MissingValues: []string{""}}
}

// csvSep is the CSV's list separator (catalog's csvSep).
const csvSep = "|"

// listPattern matches a list of vals joined with "|". Table Schema means
// a pattern to match the whole cell, but validators differ (Python's
// frictionless anchors it, JavaScript's tableschema does not), so the
// pattern anchors itself.
func listPattern(vals []string) string {
	quoted := make([]string, len(vals))
	for i, v := range vals {
		quoted[i] = regexp.QuoteMeta(v)
	}
	one := "(" + strings.Join(quoted, "|") + ")"
	return "^" + one + `(\|` + one + ")*$"
}
