package export

import (
	"bufio"
	"io"
	"strconv"
	"strings"

	"github.com/komoru/komoru/catalog"
)

// risEncoder writes one RIS record a work: TY its type (BOOK, MPCT,
// VIDEO, COMP or GEN), TI the title, OP the original title, AU each of
// the primary creators (people as "Family, Given", companies whole), A2
// the other people credited (artists, writers, directors not cited
// first), PY the year, PB the publisher or studio, M3 the medium, UR the
// work page, DB komoru (the database the record comes from) and AN the
// work's id in it.
type risEncoder struct {
	w  *bufio.Writer
	cb *catalog.Codebook
	o  Options
}

func newRIS(w io.Writer, o Options) Encoder {
	return &risEncoder{w: bufio.NewWriter(w), cb: o.codebook(), o: o}
}

func (e *risEncoder) Write(w *catalog.Work) error {
	b := e.w
	tag := risTagger(b)
	tag("TY", KindOf(w.Medium).RIS)
	tag("TI", w.Title)
	tag("OP", w.OriginalTitle)
	first := Primary(w)
	for _, c := range first {
		tag("AU", risName(c))
	}
	for _, c := range w.Creators {
		if IsPerson(c) && !containsCreator(first, c) {
			tag("A2", risName(c))
		}
	}
	tag("PY", strconv.Itoa(w.Year))
	tag("PB", publisher(w))
	tag("M3", e.cb.Label(catalog.FacetMedium, w.Medium))
	tag("UR", e.o.workURL(w))
	tag("DB", archive)
	tag("AN", w.ID)
	b.WriteString(risEnd + "\r\n")
	return b.Flush()
}

func (e *risEncoder) End() error { return e.w.Flush() }

// risEnd ends a record.
const risEnd = "ER  - \r\n"

// risTagger returns a writer of a record's tags, leaving out empty
// values: the works' and the dataset's records alike.
func risTagger(b io.StringWriter) func(tag, value string) {
	return func(tag, v string) {
		// A record is lines; a line break inside a value would start a
		// tag of its own.
		v = strings.Join(strings.Fields(v), " ")
		if v != "" {
			b.WriteString(tag + "  - " + v + "\r\n")
		}
	}
}

// risName writes a person as RIS asks, "Family, Given"; a company whole.
func risName(c catalog.Creator) string {
	if !IsPerson(c) {
		return c.Name
	}
	family, given := splitName(c.Name)
	if given == "" {
		return family
	}
	return family + ", " + given
}

func containsCreator(list []catalog.Creator, c catalog.Creator) bool {
	for _, x := range list {
		if x == c {
			return true
		}
	}
	return false
}
