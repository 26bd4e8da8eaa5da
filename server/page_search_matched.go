package server

import (
	"html/template"
	"regexp"
	"strings"

	"github.com/komoru/komoru/indexer"
)

// maxMatched is how many texts a hit's "matched" line shows at most.
const maxMatched = 3

// matchedKinds are the highlights a "matched" line draws on, in the order
// it shows them.
var matchedKinds = []string{indexer.HighlightAltTitles, indexer.HighlightNames, indexer.HighlightTopics, indexer.HighlightEvidence}

// markRe finds the marked words of a highlight.
var markRe = regexp.MustCompile(`<mark>(.*?)</mark>`)

// matchedLine is what a hit's card says it matched besides its title and
// synopsis: the highlighted alternate titles, names, topics and evidence
// that mark a word the title and synopsis highlights do not, so that
// "kuragehime" shows the alternate title and "social anxiety" the coded
// condition. The highlights come from the index, already escaped. Topics
// and evidence of a spoiler dimension are left out unless the reader
// shows spoilers.
func (s *Server) matchedLine(h indexer.Hit, showSpoilers bool) []template.HTML {
	shown := map[string]bool{}
	for _, k := range []string{indexer.HighlightTitle, indexer.HighlightSynopsis} {
		for _, t := range h.Highlights[k] {
			for _, w := range markedWords(t) {
				shown[w] = true
			}
		}
	}
	var out []template.HTML
	for _, k := range matchedKinds {
		for _, t := range h.Highlights[k] {
			if len(out) == maxMatched {
				return out
			}
			if !showSpoilers && s.spoilerHighlight(t) {
				continue
			}
			for _, w := range markedWords(t) {
				if !shown[w] {
					out = append(out, template.HTML(t))
					break
				}
			}
		}
	}
	return out
}

// markedWords are the words a highlight marks, lowercased.
func markedWords(t string) []string {
	var out []string
	for _, m := range markRe.FindAllStringSubmatch(t, -1) {
		out = append(out, strings.ToLower(m[1]))
	}
	return out
}

// spoilerHighlight reports whether a topic or evidence highlight is of a
// spoiler dimension: those begin with the dimension's label.
func (s *Server) spoilerHighlight(t string) bool {
	for _, d := range s.cb.Dimensions {
		if d.Spoiler && strings.HasPrefix(t, template.HTMLEscapeString(d.Label)+": ") {
			return true
		}
	}
	return false
}
