package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Dataset is the catalog cited as a whole, as a paper names the data it
// used: komoru at one change sequence number. Its citations are the
// dataset's twins of the per-work ones (bibtex, ris, csljson), written by
// the same field writers, plus a CITATION.cff.
type Dataset struct {
	// BaseURL is the site's address (no trailing slash); "" leaves the
	// URL out.
	BaseURL string
	// Seq is the catalog's change sequence number (catalog.Store.LastSeq):
	// the dataset's version.
	Seq int64
	// CodebookVersion is the codebook the works are coded against.
	CodebookVersion string
	// Time is when it is cited: the date of the citation.
	Time time.Time
}

// The dataset's title and creator: the catalog is made by its
// contributors, cited as one entity.
const (
	datasetTitle    = "komoru: a catalog of media portrayals of social withdrawal"
	datasetAuthor   = "komoru contributors"
	datasetAbstract = "Anime, manga, novels, films, dramas, documentaries and games about hikikomori (social withdrawal), " +
		"each coded against a published codebook for realism, gender, recovery and more, with the evidence for each value."
)

// Citation is how to cite the catalog at a change sequence number, as
// plain text (the data package's komoru.citation).
func Citation(baseURL string, seq int64, codebookVersion string, t time.Time) string {
	return Dataset{BaseURL: baseURL, Seq: seq, CodebookVersion: codebookVersion, Time: t}.Text()
}

// Text is the citation as plain text, in APA's order for a data set.
func (d Dataset) Text() string {
	where := ""
	if d.BaseURL != "" {
		where = " " + d.BaseURL
	}
	return fmt.Sprintf("%s (%d). %s (version %d, codebook %s) [Data set]. Licensed CC BY 4.0.%s",
		datasetAuthor, d.Time.Year(), datasetTitle, d.Seq, d.CodebookVersion, where)
}

func (d Dataset) version() string { return strconv.FormatInt(d.Seq, 10) }

func (d Dataset) date() string { return d.Time.UTC().Format(time.DateOnly) }

// note says what the version is, and the licence.
func (d Dataset) note() string {
	return "Version " + d.version() + " is the catalog's change sequence number; codebook " + d.CodebookVersion +
		". Licensed " + licenceName + " (" + licencePath + ")."
}

// BibTeX is the dataset as a BibTeX @misc entry (the type every BibTeX
// style and bibutils know; biblatex's @dataset is not), keyed by the
// version, with biblatex's version and urldate.
func (d Dataset) BibTeX() string {
	var b strings.Builder
	writeBibTeX(&b, "misc", "komoru_v"+d.version(), []bibField{
		{"title", bibText(datasetTitle)},
		{"author", "{" + datasetAuthor + "}"},
		{"year", strconv.Itoa(d.Time.Year())},
		{"version", d.version()},
		{"howpublished", "Data set"},
		{"publisher", archive},
		{"url", bibURL(d.BaseURL)},
		{"urldate", d.date()},
		{"note", bibText(d.note())},
	})
	return b.String()
}

// RIS is the dataset as a RIS record of type DATA.
func (d Dataset) RIS() string {
	var b strings.Builder
	tag := risTagger(&b)
	tag("TY", "DATA")
	tag("TI", datasetTitle)
	tag("AU", datasetAuthor)
	tag("PY", strconv.Itoa(d.Time.Year()))
	tag("DA", d.Time.UTC().Format("2006/01/02"))
	tag("ET", d.version())
	tag("PB", archive)
	tag("UR", d.BaseURL)
	tag("DB", archive)
	tag("AB", datasetAbstract)
	tag("N1", d.note())
	b.WriteString(risEnd)
	return b.String()
}

// CSLJSON is the dataset as a CSL-JSON array of one item of type dataset
// (CSL 1.0.2).
func (d Dataset) CSLJSON() string {
	t := d.Time.UTC()
	it := cslItem{ID: "komoru-v" + d.version(), Type: "dataset", Title: datasetTitle,
		Author:  []cslName{{Literal: datasetAuthor}},
		Issued:  cslDate{DateParts: [][]int{{t.Year(), int(t.Month()), t.Day()}}},
		Version: d.version(), Publisher: archive, Medium: "Data set", URL: d.BaseURL,
		Abstract: datasetAbstract, Note: d.note()}
	b, err := cslMarshal([]cslItem{it}, "  ")
	if err != nil {
		panic(err) // a struct of strings and ints always marshals
	}
	return string(b) + "\n"
}

// CFF is the dataset's CITATION.cff: Citation File Format 1.2.0, which
// GitHub, Zenodo and Zotero read. Strings are written as JSON strings,
// which YAML reads as double-quoted scalars, so no title can break it.
func (d Dataset) CFF() string {
	q := func(s string) string {
		b, _ := json.Marshal(s)
		return string(b)
	}
	var b strings.Builder
	b.WriteString("# The komoru catalog as cited at change " + d.version() + ".\n")
	b.WriteString("cff-version: 1.2.0\n")
	b.WriteString("message: " + q("If you use this data set, please cite it as below.") + "\n")
	b.WriteString("type: dataset\n")
	b.WriteString("title: " + q(datasetTitle) + "\n")
	b.WriteString("abstract: " + q(datasetAbstract+" "+d.note()) + "\n")
	b.WriteString("authors:\n  - name: " + q(datasetAuthor) + "\n")
	b.WriteString("version: " + q(d.version()) + "\n")
	b.WriteString("date-released: " + q(d.date()) + "\n")
	if d.BaseURL != "" {
		b.WriteString("url: " + q(d.BaseURL) + "\n")
	}
	b.WriteString("license: " + licenceName + "\n")
	b.WriteString("keywords:\n")
	for _, k := range []string{"hikikomori", "social withdrawal", "media portrayals", "content analysis"} {
		b.WriteString("  - " + q(k) + "\n")
	}
	return b.String()
}

// cslMarshal writes CSL-JSON as citeproc reads it: HTML characters kept
// as they are.
func cslMarshal(v any, indent string) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
