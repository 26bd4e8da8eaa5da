package export

import (
	"bufio"
	"io"
	"strconv"
	"strings"

	"github.com/komoru/komoru/catalog"
)

// bibtexEncoder writes one BibTeX entry a work: @book for novels and
// manga, @misc with howpublished (the medium) for the rest, the authors
// (companies in braces, so BibTeX does not split them into first and last
// names), the original title as origtitle (biblatex), the publisher or
// studio, the year, the work page's url and komoru as the archive in
// note.
type bibtexEncoder struct {
	w  *bufio.Writer
	cb *catalog.Codebook
	o  Options
}

func newBibTeX(w io.Writer, o Options) Encoder {
	return &bibtexEncoder{w: bufio.NewWriter(w), cb: o.codebook(), o: o}
}

func (e *bibtexEncoder) Write(w *catalog.Work) error {
	writeBibTeX(e.w, kindOf(w.Medium).bib, bibKey(w.ID), e.fields(w))
	e.w.WriteString("\n")
	return e.w.Flush()
}

// fields are a work's entry's fields, escaped.
func (e *bibtexEncoder) fields(w *catalog.Work) []bibField {
	k := kindOf(w.Medium)
	var names []string
	for _, c := range primary(w) {
		if isPerson(c) {
			names = append(names, bibText(c.Name))
		} else {
			names = append(names, "{"+bibText(c.Name)+"}")
		}
	}
	fields := []bibField{
		{"title", bibText(w.Title)},
		{"origtitle", bibText(w.OriginalTitle)},
		{"author", strings.Join(names, " and ")},
		{"year", strconv.Itoa(w.Year)},
		{"publisher", bibText(publisher(w))},
	}
	if !k.isText() {
		fields = append(fields, bibField{"howpublished", bibText(e.cb.Label(catalog.FacetMedium, w.Medium))})
	}
	return append(fields,
		bibField{"url", bibURL(e.o.workURL(w))},
		bibField{"note", "Catalog entry " + bibText(w.ID) + " in " + archive})
}

// bibField is a field of an entry, its value escaped (bibText, bibURL).
type bibField struct{ name, value string }

// writeBibTeX writes an entry, leaving out empty fields: the works' and
// the dataset's entries alike.
func writeBibTeX(b io.StringWriter, typ, key string, fields []bibField) {
	b.WriteString("@" + typ + "{" + key + ",\n")
	for _, f := range fields {
		if f.value != "" {
			b.WriteString("  " + f.name + " = {" + f.value + "},\n")
		}
	}
	b.WriteString("}\n")
}

func (e *bibtexEncoder) End() error { return e.w.Flush() }

// bibKey is a work's citation key: its id, whose hyphens some BibTeX
// tools take for minus signs, with underscores instead.
func bibKey(id string) string { return strings.ReplaceAll(id, "-", "_") }

// bibText escapes what LaTeX would read as markup: braces and backslashes
// (which would close or break the field) and the characters &, %, $, #, _,
// ~ and ^.
var bibText = strings.NewReplacer(
	`\`, `\textbackslash{}`, "{", `\{`, "}", `\}`,
	"&", `\&`, "%", `\%`, "$", `\$`, "#", `\#`, "_", `\_`,
	"~", `\textasciitilde{}`, "^", `\textasciicircum{}`,
).Replace

// bibURL keeps a URL as it is for the url package, escaping only what
// would end the field.
var bibURL = strings.NewReplacer("{", "%7B", "}", "%7D", `\`, "%5C").Replace
