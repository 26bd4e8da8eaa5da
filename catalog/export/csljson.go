package export

import (
	"bytes"
	"io"

	"github.com/komoru/komoru/catalog"
)

// cslEncoder writes a CSL-JSON array, one item a work, as citeproc-js,
// Zotero and Pandoc read it. Roles map to CSL's name variables: author
// (authors; writers of a book), director, script-writer (writers of a film
// or series), illustrator (artists); the publisher or studio is publisher,
// the medium's label medium and komoru the archive. The work's id is the
// item's id, not its archive_location, which APA would print as a report
// number.
type cslEncoder struct {
	w  io.Writer
	cb *catalog.Codebook
	o  Options
	n  int
}

func newCSLJSON(w io.Writer, o Options) Encoder {
	return &cslEncoder{w: w, cb: o.codebook(), o: o}
}

// cslItem is one CSL-JSON item; field names are CSL's variables.
type cslItem struct {
	ID            string    `json:"id"`
	Type          string    `json:"type"`
	Title         string    `json:"title"`
	OriginalTitle string    `json:"original-title,omitempty"`
	Author        []cslName `json:"author,omitempty"`
	Director      []cslName `json:"director,omitempty"`
	ScriptWriter  []cslName `json:"script-writer,omitempty"`
	Illustrator   []cslName `json:"illustrator,omitempty"`
	Issued        cslDate   `json:"issued"`
	Version       string    `json:"version,omitempty"`
	Publisher     string    `json:"publisher,omitempty"`
	Medium        string    `json:"medium,omitempty"`
	URL           string    `json:"URL,omitempty"`
	Archive       string    `json:"archive,omitempty"`
	Abstract      string    `json:"abstract,omitempty"`
	Note          string    `json:"note,omitempty"`
}

// cslName is a person (family and given) or a company (literal).
type cslName struct {
	Family  string `json:"family,omitempty"`
	Given   string `json:"given,omitempty"`
	Literal string `json:"literal,omitempty"`
}

type cslDate struct {
	DateParts [][]int `json:"date-parts"`
}

func (e *cslEncoder) item(w *catalog.Work) cslItem {
	k := KindOf(w.Medium)
	it := cslItem{ID: w.ID, Type: k.CSL, Title: w.Title, OriginalTitle: w.OriginalTitle,
		Issued: cslDate{DateParts: [][]int{{w.Year}}}, Publisher: publisher(w),
		Medium: e.cb.Label(catalog.FacetMedium, w.Medium), URL: e.o.workURL(w),
		Archive: archive}
	for _, c := range w.Creators {
		n := cslPerson(c)
		switch {
		case c.Role == "author", c.Role == "writer" && k.isText():
			it.Author = append(it.Author, n)
		case c.Role == "director":
			it.Director = append(it.Director, n)
		case c.Role == "writer":
			it.ScriptWriter = append(it.ScriptWriter, n)
		case c.Role == "artist":
			it.Illustrator = append(it.Illustrator, n)
		}
	}
	if it.Author == nil && it.Director == nil {
		// Styles cite the author first; a work made by a company (a
		// game, a series without a named director) has it as author.
		for _, c := range Primary(w) {
			if !IsPerson(c) {
				it.Author = append(it.Author, cslName{Literal: c.Name})
			}
		}
	}
	return it
}

func cslPerson(c catalog.Creator) cslName {
	family, given := splitName(c.Name)
	if given == "" {
		return cslName{Literal: c.Name}
	}
	return cslName{Family: family, Given: given}
}

func (e *cslEncoder) Write(w *catalog.Work) error {
	var b bytes.Buffer
	if e.n == 0 {
		b.WriteString("[\n")
	} else {
		b.WriteString(",\n")
	}
	e.n++
	item, err := cslMarshal(e.item(w), "")
	if err != nil {
		return err
	}
	b.Write(item)
	_, err = e.w.Write(b.Bytes())
	return err
}

func (e *cslEncoder) End() error {
	end := "\n]\n"
	if e.n == 0 {
		end = "[]\n"
	}
	_, err := io.WriteString(e.w, end)
	return err
}
