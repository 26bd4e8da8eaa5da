package export

import (
	"slices"
	"strings"

	"github.com/komoru/komoru/catalog"
)

// The citation formats (bibtex, ris, csljson) share one reading of a work:
// which type each medium is in each format, and who is cited in what role.

// kinds maps a medium to its type in each citation format, as each
// format documents its types: BibTeX's standard entry types (book, misc),
// RIS's reference types (BOOK, MPCT motion picture, VIDEO video recording,
// COMP computer program, GEN generic) and CSL 1.0.2's item types.
var kinds = map[string]kind{
	"novel":            {bib: "book", ris: "BOOK", csl: "book"},
	"light_novel":      {bib: "book", ris: "BOOK", csl: "book"},
	"manga":            {bib: "book", ris: "BOOK", csl: "book"},
	"anime_film":       {bib: "misc", ris: "MPCT", csl: "motion_picture"},
	"live_action_film": {bib: "misc", ris: "MPCT", csl: "motion_picture"},
	"documentary":      {bib: "misc", ris: "MPCT", csl: "motion_picture"},
	"anime_series":     {bib: "misc", ris: "VIDEO", csl: "broadcast"},
	"tv_drama":         {bib: "misc", ris: "VIDEO", csl: "broadcast"},
	"video_game":       {bib: "misc", ris: "COMP", csl: "software"},
}

// kind is a medium's type in BibTeX, RIS and CSL.
type kind struct{ bib, ris, csl string }

// kindOf returns a medium's types; a medium the table lacks ("other") is
// a generic item.
func kindOf(medium string) kind {
	if k, ok := kinds[medium]; ok {
		return k
	}
	return kind{bib: "misc", ris: "GEN", csl: "document"}
}

// isText reports whether a work is read rather than watched or played:
// its writer is its author.
func (k kind) isText() bool { return k.bib == "book" }

// primary returns the creators a citation names first, as the work page's
// citation does: the authors, else the directors and writers, else the
// companies that made it.
func primary(w *catalog.Work) []catalog.Creator {
	for _, roles := range [][]string{{"author"}, {"director", "writer"}, {"developer", "studio", "network", "publisher"}} {
		var out []catalog.Creator
		for _, c := range w.Creators {
			if slices.Contains(roles, c.Role) {
				out = append(out, c)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

// isPerson tells people from companies by the role they played.
func isPerson(c catalog.Creator) bool {
	return slices.Contains([]string{"author", "artist", "director", "writer"}, c.Role)
}

// publisher returns who published the work: its publisher, else its
// studio, developer or network.
func publisher(w *catalog.Work) string {
	for _, role := range []string{"publisher", "studio", "developer", "network"} {
		for _, c := range w.Creators {
			if c.Role == role {
				return c.Name
			}
		}
	}
	return ""
}

// splitName splits a person's name, written given name first, into family
// and given names at its last space; a name of one word is all family.
func splitName(name string) (family, given string) {
	name = strings.TrimSpace(name)
	i := strings.LastIndexByte(name, ' ')
	if i < 0 {
		return name, ""
	}
	return name[i+1:], strings.TrimSpace(name[:i])
}

// archive is the name each citation gives komoru as the place the entry
// is kept.
const archive = "komoru"
