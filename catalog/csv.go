package catalog

import (
	"encoding/csv"
	"io"
	"slices"
	"strconv"
	"strings"
)

// csvSep joins the members of multi-valued fields in CSV cells; ids never
// contain it, so str.split("|") in pandas or strsplit in R takes them apart.
const csvSep = "|"

// CSVWriter writes works as CSV, one row per work, for spreadsheets, R and
// pandas. Multi-valued fields are joined with "|"; each coded dimension has a
// column for its values and one for its evidence, and, at the end of the
// row, one for the URL of the source that backs it (DIM_source) and one for
// where the evidence is (DIM_locator). A cell that a spreadsheet
// would run as a formula is written with a leading "'" (see
// NeutralizeFormula), so the CSV is for reading, not for round trips: the
// JSONL export is the lossless form.
type CSVWriter struct {
	w        *csv.Writer
	cb       *Codebook
	header   bool
	lossless bool
}

// NewCSVWriter returns a CSVWriter whose dimension columns follow cb.
func NewCSVWriter(w io.Writer, cb *Codebook) *CSVWriter {
	return &CSVWriter{w: csv.NewWriter(w), cb: cb}
}

// NewLosslessCSVWriter returns a CSVWriter that writes every cell as it
// is, formulas not neutralized: for readers that take cells as data, such
// as the data package's, whose Table Schema says how to read them.
func NewLosslessCSVWriter(w io.Writer, cb *Codebook) *CSVWriter {
	return &CSVWriter{w: csv.NewWriter(w), cb: cb, lossless: true}
}

// Columns returns the header row: the names of the columns, in order.
func (c *CSVWriter) Columns() []string { return c.columns() }

func (c *CSVWriter) columns() []string {
	cols := []string{"id", "title", "original_title", "romanized_title", "alt_titles", "medium", "year", "end_year",
		"countries", "languages", "creators", "synopsis", "characters"}
	for _, d := range c.cb.Dimensions {
		cols = append(cols, d.ID, d.ID+"_evidence")
	}
	for _, f := range c.cb.Facets() {
		if f.Derived && !slices.Contains(csvAppended, f.Name) {
			cols = append(cols, f.Name)
		}
	}
	cols = append(cols, "related", "sources", "notes")
	for _, d := range c.cb.Dimensions {
		cols = append(cols, d.ID+"_source", d.ID+"_locator")
	}
	return append(cols, csvAppended...)
}

// csvAppended are derived facets added after the CSV had readers: their
// columns come last, after every older column, so that a script that reads
// columns by position keeps working.
var csvAppended = []string{FacetCodingStatus}

func (c *CSVWriter) writeHeader() error {
	if c.header {
		return nil
	}
	c.header = true
	return c.writeRow(c.columns())
}

// writeRow neutralizes every cell, the header's and the numbers' included:
// one place for all cells means a column added later cannot miss it. The
// years are never touched in practice, as Validate keeps them at 1900 or
// later; a negative number would come out as text ('-5), the safe side.
func (c *CSVWriter) writeRow(row []string) error {
	if c.lossless {
		return c.w.Write(row)
	}
	for i, cell := range row {
		row[i] = NeutralizeFormula(cell)
	}
	return c.w.Write(row)
}

// NeutralizeFormula returns cell with a "'" in front if it starts with one
// of the characters OWASP lists for CSV injection (=, +, -, @, tab,
// carriage return), so that a spreadsheet shows it as text instead of
// running it as a formula; any other cell is returned as it is. Only the
// first character counts: " =1+1" and "a=b" are left alone, as
// spreadsheets read them as text.
func NeutralizeFormula(cell string) string {
	if cell != "" && strings.IndexByte(formulaStarts, cell[0]) >= 0 {
		return "'" + cell
	}
	return cell
}

// formulaStarts are the first characters that make a spreadsheet read a
// cell as a formula (OWASP, "CSV Injection").
const formulaStarts = "=+-@\t\r"

// Write writes one work, after the header row on the first call.
func (c *CSVWriter) Write(w *Work) error {
	if err := c.writeHeader(); err != nil {
		return err
	}
	endYear := ""
	if w.EndYear != 0 {
		endYear = strconv.Itoa(w.EndYear)
	}
	creators := make([]string, len(w.Creators))
	for i, cr := range w.Creators {
		creators[i] = cr.Name + " (" + cr.Role + ")"
	}
	chars := make([]string, len(w.Characters))
	for i, ch := range w.Characters {
		s := ch.Name + " (" + ch.Gender + ", " + ch.Role
		if ch.Hikikomori {
			s += ", hikikomori"
		}
		chars[i] = s + ")"
	}
	row := []string{w.ID, w.Title, w.OriginalTitle, w.RomanizedTitle, join(w.AltTitles), w.Medium,
		strconv.Itoa(w.Year), endYear, join(w.Countries), join(w.Languages), join(creators), w.Synopsis, join(chars)}
	for _, d := range c.cb.Dimensions {
		coding := w.Portrayal[d.ID]
		row = append(row, join(coding.List()), coding.Evidence)
	}
	related := make([]string, len(w.Related))
	for i, r := range w.Related {
		related[i] = r.Relation + ":" + r.ID
	}
	sources := make([]string, len(w.Sources))
	for i, s := range w.Sources {
		sources[i] = s.URL
	}
	for _, f := range c.cb.Facets() {
		if f.Derived && !slices.Contains(csvAppended, f.Name) {
			row = append(row, join(f.Of(w)))
		}
	}
	row = append(row, join(related), join(sources), w.Notes)
	for _, d := range c.cb.Dimensions {
		coding := w.Portrayal[d.ID]
		source := ""
		if n := coding.Source; n > 0 && n <= len(w.Sources) {
			source = w.Sources[n-1].URL
		}
		row = append(row, source, coding.Locator)
	}
	for _, name := range csvAppended {
		f, _ := c.cb.Facet(name)
		row = append(row, join(f.Of(w)))
	}
	return c.writeRow(row)
}

// Flush writes any buffered rows (the header alone for an empty catalog)
// and reports a write error.
func (c *CSVWriter) Flush() error {
	if err := c.writeHeader(); err != nil {
		return err
	}
	c.w.Flush()
	return c.w.Error()
}

func join(list []string) string { return strings.Join(list, csvSep) }
