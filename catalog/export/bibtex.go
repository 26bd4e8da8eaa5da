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
	w *bufio.Writer
	o Options
}

func newBibTeX(w io.Writer, o Options) Encoder {
	return &bibtexEncoder{w: bufio.NewWriter(w), o: o}
}

func (e *bibtexEncoder) Write(w *catalog.Work) error {
	e.w.WriteString(BibTeXEntry(w, e.o) + "\n")
	return e.w.Flush()
}

// BibTeXEntry is a work's BibTeX entry, as the bibtex export writes it
// and the work page shows it.
func BibTeXEntry(w *catalog.Work, o Options) string {
	k := KindOf(w.Medium)
	var names []string
	for _, c := range Primary(w) {
		if IsPerson(c) {
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
		fields = append(fields, bibField{"howpublished", bibText(o.codebook().Label(catalog.FacetMedium, w.Medium))})
	}
	fields = append(fields,
		bibField{"url", bibURL(o.workURL(w))},
		bibField{"note", "Catalog entry " + bibText(w.ID) + " in " + archive})
	var b strings.Builder
	writeBibTeX(&b, k.BibTeX, bibKey(w.ID), fields)
	return b.String()
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
