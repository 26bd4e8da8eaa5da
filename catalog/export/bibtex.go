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
	k := kindOf(w.Medium)
	b := e.w
	b.WriteString("@" + k.bib + "{" + bibKey(w.ID) + ",\n")
	field := func(name, v string) {
		if v != "" {
			b.WriteString("  " + name + " = {" + v + "},\n")
		}
	}
	field("title", bibText(w.Title))
	field("origtitle", bibText(w.OriginalTitle))
	var names []string
	for _, c := range primary(w) {
		if isPerson(c) {
			names = append(names, bibText(c.Name))
		} else {
			names = append(names, "{"+bibText(c.Name)+"}")
		}
	}
	field("author", strings.Join(names, " and "))
	field("year", strconv.Itoa(w.Year))
	field("publisher", bibText(publisher(w)))
	if !k.isText() {
		field("howpublished", bibText(e.cb.Label(catalog.FacetMedium, w.Medium)))
	}
	url := e.o.workURL(w)
	field("url", bibURL(url))
	field("note", "Catalog entry "+bibText(w.ID)+" in "+archive)
	b.WriteString("}\n\n")
	return b.Flush()
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
