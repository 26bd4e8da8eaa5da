package indexer

import (
	"encoding/json"

	"github.com/komoru/komoru/catalog"
)

// docType is the one document type of the index.
const docType = "work"

// meta is what the index keeps in memory of a work, stored in Bleve so
// that opening the index restores it without the catalog: enough to
// filter, facet, sort and show a hit.
type meta struct {
	Title    string              `json:"t"`
	Original string              `json:"o,omitempty"`
	Year     int                 `json:"y"`
	Facets   map[string][]string `json:"f"` // every facet of the codebook with its values
}

func newMeta(w *catalog.Work, cb *catalog.Codebook) meta {
	m := meta{Title: w.Title, Original: w.OriginalTitle, Year: w.Year, Facets: map[string][]string{}}
	for _, f := range cb.Facets() {
		if vs := w.FacetValues(f.Name); len(vs) > 0 {
			m.Facets[f.Name] = vs
		}
	}
	return m
}

// newDocument is the Bleve document of a work, in the shape newMapping
// describes.
func newDocument(w *catalog.Work, cb *catalog.Codebook, m meta) (map[string]any, error) {
	titles := make([]string, 0, 2+len(w.AltTitles))
	titles = append(titles, w.Title)
	if w.RomanizedTitle != "" {
		titles = append(titles, w.RomanizedTitle)
	}
	titles = append(titles, w.AltTitles...)

	body := []string{w.Synopsis}
	for _, d := range cb.Dimensions {
		if c, ok := w.Portrayal[d.ID]; ok && c.Evidence != "" {
			body = append(body, c.Evidence)
		}
	}
	var names []string
	for _, c := range w.Creators {
		names = append(names, c.Name)
	}
	for _, c := range w.Characters {
		names = append(names, c.Name)
	}
	mb, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	doc := map[string]any{
		"_type":       docType,
		fieldTitle:    titles,
		fieldBody:     body,
		fieldYear:     float64(w.Year),
		fieldMeta:     string(mb),
		fieldSynopsis: w.Synopsis,
	}
	if w.OriginalTitle != "" {
		doc[fieldNative] = w.OriginalTitle
	}
	if len(names) > 0 {
		doc[fieldNames] = names
	}
	// One keyword field holds every facet value as "facet:value": Bleve
	// can filter on it, while counting is done on the bitmaps in memory.
	// (A field per facet cost 40% of the build time and was never read.)
	var fv []string
	for f, vs := range m.Facets {
		for _, v := range vs {
			fv = append(fv, f+":"+v)
		}
	}
	doc[fieldFacet] = fv
	return doc, nil
}
