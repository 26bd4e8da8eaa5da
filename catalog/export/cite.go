package export

import (
	"slices"
	"strings"

	"github.com/komoru/komoru/catalog"
)

// Every citation of a work — the bibtex, ris and csljson exports and the
// work page's APA, BibTeX, JSON-LD and meta tags — reads a work the same
// way, through this file: which type each medium is in each format, and
// who is cited first.

// kinds maps a medium to its type in each format, as each format
// documents its types: BibTeX's standard entry types (book, misc), RIS's
// reference types (BOOK, MPCT motion picture, VIDEO video recording, COMP
// computer program, GEN generic), CSL 1.0.2's item types, schema.org's
// types and OpenGraph's object types.
var kinds = map[string]Kind{
	"novel":            {BibTeX: "book", RIS: "BOOK", CSL: "book", SchemaOrg: "Book", OpenGraph: "book"},
	"light_novel":      {BibTeX: "book", RIS: "BOOK", CSL: "book", SchemaOrg: "Book", OpenGraph: "book"},
	"manga":            {BibTeX: "book", RIS: "BOOK", CSL: "book", SchemaOrg: "ComicSeries", OpenGraph: "book"},
	"anime_film":       {BibTeX: "misc", RIS: "MPCT", CSL: "motion_picture", SchemaOrg: "Movie", OpenGraph: "video.movie"},
	"live_action_film": {BibTeX: "misc", RIS: "MPCT", CSL: "motion_picture", SchemaOrg: "Movie", OpenGraph: "video.movie"},
	"documentary":      {BibTeX: "misc", RIS: "MPCT", CSL: "motion_picture", SchemaOrg: "Movie", OpenGraph: "video.movie"},
	"anime_series":     {BibTeX: "misc", RIS: "VIDEO", CSL: "broadcast", SchemaOrg: "TVSeries", OpenGraph: "video.tv_show"},
	"tv_drama":         {BibTeX: "misc", RIS: "VIDEO", CSL: "broadcast", SchemaOrg: "TVSeries", OpenGraph: "video.tv_show"},
	"video_game":       {BibTeX: "misc", RIS: "COMP", CSL: "software", SchemaOrg: "VideoGame", OpenGraph: "website"},
}

// Kind is a medium's type in each citation format.
type Kind struct{ BibTeX, RIS, CSL, SchemaOrg, OpenGraph string }

// KindOf returns a medium's types; a medium the table lacks ("other") is
// a generic item.
func KindOf(medium string) Kind {
	if k, ok := kinds[medium]; ok {
		return k
	}
	return Kind{BibTeX: "misc", RIS: "GEN", CSL: "document", SchemaOrg: "CreativeWork", OpenGraph: "website"}
}

// isText reports whether a work is read rather than watched or played:
// its writer is its author.
func (k Kind) isText() bool { return k.BibTeX == "book" }

// Primary returns the creators a citation names first: the authors, else
// the directors and writers, else the companies that made it.
func Primary(w *catalog.Work) []catalog.Creator {
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

// IsPerson tells people from companies by the role they played.
func IsPerson(c catalog.Creator) bool {
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
