package server

import (
	"html/template"
	"strings"

	"github.com/komoru/komoru/indexer"
)

// maxMatched is how many texts a hit's "matched" line shows at most.
const maxMatched = 3

// matchedKinds are the highlights a "matched" line draws on, in the order
// it shows them.
var matchedKinds = []string{indexer.HighlightAltTitles, indexer.HighlightNames, indexer.HighlightTopics, indexer.HighlightEvidence}

// matchedLine is what a hit's card says it matched besides its title and
// synopsis: the highlighted alternate titles, names, topics and evidence
// that mark a word the title and synopsis highlights do not, so that
// "kuragehime" shows the alternate title and "social anxiety" the coded
// condition. The highlights come from the index, already escaped. Topics
// and evidence of a spoiler dimension are left out unless the reader
// shows spoilers, or that dimension (facets, paramShow). The line is one
// piece of HTML, the highlights joined with " · ", which the template
// prints at the cost of one value.
func (s *Server) matchedLine(h indexer.Hit, showSpoilers bool, facets []string) template.HTML {
	shown := map[string]bool{}
	for _, k := range []string{indexer.HighlightTitle, indexer.HighlightSynopsis} {
		for _, t := range h.Highlights[k] {
			for _, w := range markedWords(t) {
				shown[w] = true
			}
		}
	}
	var out []string
collect:
	for _, k := range matchedKinds {
		for _, t := range h.Highlights[k] {
			if len(out) == maxMatched {
				break collect
			}
			if s.spoilerHighlight(h, t, showSpoilers, facets) {
				continue
			}
			for _, w := range markedWords(t) {
				if !shown[w] {
					out = append(out, t)
					break
				}
			}
		}
	}
	return template.HTML(strings.Join(out, " · "))
}

// markedWords are the words a highlight marks, lowercased.
func markedWords(t string) []string {
	var out []string
	for {
		_, rest, ok := strings.Cut(t, "<mark>")
		if !ok {
			return out
		}
		w, after, ok := strings.Cut(rest, "</mark>")
		if !ok {
			return out
		}
		out = append(out, strings.ToLower(w))
		t = after
	}
}

// spoilerHighlight reports whether a topic or evidence highlight is of a
// spoiler dimension the page hides (spoilerHidden): those begin with the
// dimension's label.
func (s *Server) spoilerHighlight(h indexer.Hit, t string, showSpoilers bool, shown []string) bool {
	for _, d := range s.cb.Dimensions {
		if strings.HasPrefix(t, template.HTMLEscapeString(d.Label)+": ") && s.codingHidden(d.ID, h.Portrayal[d.ID], showSpoilers, shown) {
			return true
		}
	}
	return false
}
