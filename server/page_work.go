package server

import (
	"context"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/export"
)

// workPage is /works/{id}: every fact, every coded dimension with its
// definition and evidence, related works compared side by side, and what a
// reference manager needs to cite it.
type workPage struct {
	layout
	Work        catalog.Work
	Revision    int
	UpdatedAt   time.Time
	MediumLabel string
	Countries   []string // names
	Languages   []string // names
	Creators    []labeled
	Characters  []characterView
	Dimensions  []dimensionView
	Related     []relatedView
	Comparison  *comparison
	Cite        citation
	Meta        []metaTag
	JSONLD      template.JS
	// Warnings are the coded values of the codebook's warning dimensions
	// (content warnings), shown under the title and never as spoilers:
	// readers want to know them before they read on.
	Warnings []dimensionView
	// CodingStatus is catalog.StatusCoded, StatusPartial or StatusUncoded.
	// A work not coded yet shows one notice instead of a "not coded" per
	// dimension; a partly coded one its coded dimensions and one line
	// naming the others (Missing).
	CodingStatus string
	Badge        *codingBadge // under the title, for a work not fully coded
	Missing      []string     // the labels of the dimensions not coded yet
	Sources      []sourceView // numbered from 1, as codings cite them
	// Origin says how the coding was made: adjudicated from a round, or
	// by one curator; nil for a work not coded yet.
	Origin *codingOrigin
}

// sourceView is one of a work's sources with its number, the one its
// codings' footnotes link to (#source-N).
type sourceView struct {
	N     int
	URL   string
	Title string // the URL where the source has no title
}

// codingBadge marks a work not fully coded, on result cards and under the
// work's title, so that an entry still to be coded does not look finished.
type codingBadge struct {
	Status string // catalog.StatusPartial or StatusUncoded: its CSS class
	Text   string // "Not coded yet", "Partly coded" (a card), "Partly coded: 7 of 11 dimensions" (the work page)
	Title  string // the status's definition, on hover
}

// codingBadgeOf returns the badge of a coding status, nil for a coded
// work, which needs none. coded and of, when of is not 0, count the coded
// dimensions for a partly coded work's badge.
func (s *Server) codingBadgeOf(status string, coded, of int) *codingBadge {
	f, _ := s.cb.Facet(catalog.FacetCodingStatus)
	b := &codingBadge{Status: status, Title: valueDefinition(&f, status)}
	switch status {
	case catalog.StatusUncoded:
		b.Text = "Not coded yet"
	case catalog.StatusPartial:
		b.Text = f.ValueLabel(status)
		if of > 0 {
			b.Text += ": " + strconv.Itoa(coded) + " of " + strconv.Itoa(of) + " dimensions"
		}
	default:
		return nil
	}
	return b
}

// labeled is a value with its label and definition, for display.
type labeled struct {
	ID, Label, Definition string
	URL                   string // the search for works with this value, where there is one
}

type characterView struct {
	Name         string
	Gender, Role labeled
	Hikikomori   bool
}

// dimensionView is one coded dimension of one work.
type dimensionView struct {
	ID, Label, Definition string
	Coded                 bool
	Values                []labeled
	Evidence              string
	// Spoiler is a coding that gives the plot away. Unless Shown, its
	// values and evidence are not on the page at all, not even inside a
	// closed reveal (a reader's "find in page", a screen reader or a
	// link preview would find them there): only RevealURL, this page
	// with the dimension shown (spoilerReveal).
	Spoiler, Shown     bool
	RevealURL, HideURL string
	CodedBy            *codedBy // the revision that last changed the coding
	// Locator says where the evidence is ("episode 3"); Source is the
	// number of the work's source that backs it, a footnote to #source-N,
	// 0 for none, and SourceTitle that source's title, on hover.
	Locator     string
	Source      int
	SourceTitle string
}

type relatedView struct {
	ID, Title, Relation string
	Medium              string
	Year                int
	Missing             bool // the related id names no work (yet)
}

// comparison sets the entries of one franchise side by side, dimension by
// dimension, so that where the anime and the novel were coded differently,
// it shows.
type comparison struct {
	Works []relatedView
	Rows  []comparisonRow
}

type comparisonRow struct {
	ID, Label string
	Cells     []string
	Differs   bool
	// Spoiler is a row with a spoiler in any cell: unless Shown, its
	// cells (and whether they differ) stay off the page, as a work's own
	// spoilers do, behind RevealURL.
	Spoiler, Shown     bool
	RevealURL, HideURL string
}

type metaTag struct{ Name, Property, Content string }

type citation struct {
	APA           apaReference
	Entry, BibTeX string
}

// apaReference is an APA reference in three parts, so that the page can
// set the title in italics as APA asks.
type apaReference struct{ Lead, Title, Tail string }

func (a apaReference) String() string { return a.Lead + a.Title + a.Tail }

// maxCompared bounds the comparison table: a long franchise is compared in
// its first entries, closest first.
const maxCompared = 8

func (s *Server) pageWork(c *gin.Context) error {
	ctx := c.Request.Context()
	rev, err := s.store.Get(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	w := rev.Work
	shown, err := s.shownSpoilers(c)
	if err != nil {
		return err
	}
	p := workPage{
		layout:      s.layout(c, w.Title),
		Work:        *w,
		Revision:    rev.Number,
		UpdatedAt:   rev.Time,
		MediumLabel: s.cb.Label(catalog.FacetMedium, w.Medium),
	}
	for _, code := range w.Countries {
		p.Countries = append(p.Countries, s.cb.Label(catalog.FacetCountries, code))
	}
	for _, code := range w.Languages {
		p.Languages = append(p.Languages, s.cb.Label(catalog.FacetLanguages, code))
	}
	for _, cr := range w.Creators {
		p.Creators = append(p.Creators, labeled{ID: cr.Name, Label: s.cb.Label("creator_role", cr.Role)})
	}
	for _, ch := range w.Characters {
		p.Characters = append(p.Characters, characterView{Name: ch.Name, Hikikomori: ch.Hikikomori,
			Gender: s.value("gender", ch.Gender), Role: s.value("character_role", ch.Role)})
	}
	p.Dimensions = s.dimensionViews(w)
	p.Warnings = s.warnings(p.Dimensions)
	p.CodingStatus = s.cb.CodingStatus(w)
	p.Badge = s.codingBadgeOf(p.CodingStatus, s.cb.CodedCount(w), len(s.cb.Dimensions))
	if p.CodingStatus == catalog.StatusPartial {
		for _, d := range s.cb.Uncoded(w) {
			p.Missing = append(p.Missing, d.Label)
		}
	}
	for i, src := range w.Sources {
		sv := sourceView{N: i + 1, URL: src.URL, Title: src.Title}
		if sv.Title == "" {
			sv.Title = src.URL
		}
		p.Sources = append(p.Sources, sv)
	}
	if err := s.addProvenance(ctx, w.ID, p.Dimensions); err != nil {
		return err
	}
	if p.CodingStatus != catalog.StatusUncoded {
		if p.Origin, err = s.codingOrigin(ctx, w.ID, rev.Number); err != nil {
			return err
		}
	}
	if p.Related, p.Comparison, err = s.relatedViews(ctx, w); err != nil {
		return err
	}
	reveal := spoilerReveal{path: c.Request.URL.Path, shown: shown, all: p.ShowSpoilers}
	for i := range p.Dimensions {
		dv := &p.Dimensions[i]
		dv.Shown, dv.RevealURL, dv.HideURL = reveal.of(dv.ID, "dim-")
	}
	if p.Comparison != nil {
		for i := range p.Comparison.Rows {
			row := &p.Comparison.Rows[i]
			row.Shown, row.RevealURL, row.HideURL = reveal.of(row.ID, "compare-")
		}
	}
	base := s.baseURL()
	p.Cite = s.cite(w, rev, base)
	p.Meta = s.metaTags(w, base)
	if p.JSONLD, err = s.jsonLD(w, base); err != nil {
		return err
	}
	s.render(c, http.StatusOK, "work", p)
	return nil
}

func (s *Server) value(vocabulary, id string) labeled {
	if d := s.cb.Dimension(vocabulary); d != nil {
		if v := d.Value(id); v != nil {
			return labeled{ID: id, Label: v.Label, Definition: v.Definition}
		}
	}
	return labeled{ID: id, Label: id}
}

func (s *Server) dimensionViews(w *catalog.Work) []dimensionView {
	var dims []dimensionView
	for _, d := range s.cb.Dimensions {
		c, coded := w.Portrayal[d.ID]
		dv := dimensionView{ID: d.ID, Label: d.Label, Definition: d.Definition, Coded: coded,
			Evidence: c.Evidence, Spoiler: d.IsSpoiler(c), Locator: c.Locator}
		// Validate keeps a source number within the work's sources; one
		// that is not, in data stored before that rule, links nowhere.
		if n := c.Source; n > 0 && n <= len(w.Sources) {
			dv.Source, dv.SourceTitle = n, w.Sources[n-1].Title
			if dv.SourceTitle == "" {
				dv.SourceTitle = w.Sources[n-1].URL
			}
		}
		for _, v := range c.List() {
			lv := s.value(d.ID, v)
			lv.URL = "/?" + url.Values{d.ID: {v}}.Encode()
			dv.Values = append(dv.Values, lv)
		}
		dims = append(dims, dv)
	}
	return dims
}

// warnings picks, of a work's dimensions, the warnings coded with at least
// one value.
func (s *Server) warnings(dims []dimensionView) []dimensionView {
	var out []dimensionView
	for _, dv := range dims {
		if d := s.cb.Dimension(dv.ID); d != nil && d.Warning && len(dv.Values) > 0 {
			out = append(out, dv)
		}
	}
	return out
}

// relatedViews loads the works w names, and the franchise around it (the
// works related to those, and so on) for the comparison.
func (s *Server) relatedViews(ctx context.Context, w *catalog.Work) ([]relatedView, *comparison, error) {
	var related []relatedView
	group := []*catalog.Work{w}
	seen := map[string]bool{w.ID: true}
	for i := 0; i < len(group) && len(group) < maxCompared; i++ {
		for _, r := range group[i].Related {
			if seen[r.ID] && i > 0 {
				continue
			}
			rev, err := s.store.Get(ctx, r.ID)
			if err != nil && !errors.Is(err, catalog.ErrNotFound) {
				return nil, nil, err
			}
			if i == 0 {
				rv := relatedView{ID: r.ID, Title: r.ID, Relation: s.cb.Label("relation", r.Relation), Missing: err != nil}
				if err == nil {
					rv.Title, rv.Year, rv.Medium = rev.Work.Title, rev.Work.Year, s.cb.Label(catalog.FacetMedium, rev.Work.Medium)
				}
				related = append(related, rv)
			}
			if err == nil && !seen[r.ID] && len(group) < maxCompared {
				seen[r.ID] = true
				group = append(group, rev.Work)
			}
		}
	}
	if len(group) < 2 {
		return related, nil, nil
	}
	slices.SortStableFunc(group[1:], func(a, b *catalog.Work) int { return a.Year - b.Year })
	cmp := &comparison{}
	for _, g := range group {
		cmp.Works = append(cmp.Works, relatedView{ID: g.ID, Title: g.Title, Year: g.Year, Medium: s.cb.Label(catalog.FacetMedium, g.Medium)})
	}
	for _, d := range s.cb.Dimensions {
		row := comparisonRow{ID: d.ID, Label: d.Label, Spoiler: d.IsSpoiler(catalog.Coding{})}
		for _, g := range group {
			c, ok := g.Portrayal[d.ID]
			cell := "not coded"
			if ok {
				var labels []string
				for _, v := range c.List() {
					labels = append(labels, s.cb.Label(d.ID, v))
				}
				cell = strings.Join(labels, ", ")
				if cell == "" {
					cell = "none"
				}
				row.Spoiler = row.Spoiler || d.IsSpoiler(c)
			}
			if len(row.Cells) > 0 && cell != row.Cells[0] {
				row.Differs = true
			}
			row.Cells = append(row.Cells, cell)
		}
		cmp.Rows = append(cmp.Rows, row)
	}
	return related, cmp, nil
}

// shownSpoilers reads the work page's show parameter: the dimensions
// whose spoilers the reader asked to see on this page.
func (s *Server) shownSpoilers(c *gin.Context) ([]string, error) {
	shown := c.QueryArray(paramShow)
	for _, dim := range shown {
		if s.cb.Dimension(dim) == nil {
			return nil, &httpError{status: http.StatusBadRequest, code: "bad_parameter", msg: "bad parameter: show must name a dimension, such as recovery",
				fields: map[string]string{paramShow: "must name a dimension, such as recovery"}}
		}
	}
	return shown, nil
}

// spoilerReveal says whether a spoiler on a page is shown, and links to
// the page with it shown or hidden again: the reveal works without a
// script, and what it hides is not on the page until it is asked for.
type spoilerReveal struct {
	path  string
	shown []string // the dimensions the reader asked to see (paramShow)
	all   bool     // the reader shows spoilers site-wide
}

// of returns whether dim's spoilers are shown, the URL that shows them
// (landing on the element with id anchor+dim) and, for one shown by the
// page's parameter, the URL that hides it again.
func (r spoilerReveal) of(dim, anchor string) (shown bool, reveal, hide string) {
	link := func(dims []string) string {
		if len(dims) == 0 {
			return r.path + "#" + anchor + dim
		}
		return r.path + "?" + url.Values{paramShow: dims}.Encode() + "#" + anchor + dim
	}
	if slices.Contains(r.shown, dim) {
		return true, "", link(slices.DeleteFunc(slices.Clone(r.shown), func(d string) bool { return d == dim }))
	}
	return r.all, link(append(slices.Clone(r.shown), dim)), ""
}

// baseURL is the site's public URL, for absolute URLs in citations, meta
// tags and feeds: configured, never the request's Host, which a client
// chooses (a poisoned cache or a link to another site).
func (s *Server) baseURL() string { return s.publicURL }

// apaName writes "Tatsuhiko Takimoto" as "Takimoto, T."; companies stay whole.
func apaName(c catalog.Creator) string {
	parts := strings.Fields(c.Name)
	if !export.IsPerson(c) || len(parts) < 2 {
		return c.Name
	}
	var initials []string
	for _, p := range parts[:len(parts)-1] {
		r := []rune(p)
		initials = append(initials, string(r[0])+".")
	}
	return parts[len(parts)-1] + ", " + strings.Join(initials, " ")
}

func (s *Server) cite(w *catalog.Work, rev catalog.Revision, base string) citation {
	var names []string
	for _, c := range export.Primary(w) {
		names = append(names, apaName(c))
	}
	authors := strings.Join(names, ", ")
	if len(names) > 1 {
		authors = strings.Join(names[:len(names)-1], ", ") + ", & " + names[len(names)-1]
	}
	medium := s.cb.Label(catalog.FacetMedium, w.Medium)
	apa := apaReference{Title: w.Title, Tail: " [" + medium + "]. (" + strconv.Itoa(w.Year) + ")."}
	if authors != "" {
		apa = apaReference{Lead: authors + " (" + strconv.Itoa(w.Year) + "). ", Title: w.Title, Tail: " [" + medium + "]."}
	}
	entryURL := base + "/works/" + w.ID
	entry := "komoru. (" + rev.Time.Format("2006, January 2") + "). " + w.Title + " (" + medium + ", " + strconv.Itoa(w.Year) +
		") [Catalog entry, revision " + strconv.Itoa(rev.Number) + "]. " + entryURL

	// The same entry as the bibtex export's, without its blank line.
	bib := strings.TrimSuffix(export.BibTeXEntry(w, export.Options{Codebook: s.cb, BaseURL: base}), "\n")
	return citation{APA: apa, Entry: entry, BibTeX: bib}
}

// metaTags are what Zotero (Highwire citation_*, Dublin Core) and link
// previews (OpenGraph) read.
func (s *Server) metaTags(w *catalog.Work, base string) []metaTag {
	url := base + "/works/" + w.ID
	tags := []metaTag{
		{Name: "description", Content: w.Synopsis},
		{Name: "citation_title", Content: w.Title},
	}
	for _, c := range export.Primary(w) {
		tags = append(tags, metaTag{Name: "citation_author", Content: c.Name})
	}
	tags = append(tags,
		metaTag{Name: "citation_date", Content: strconv.Itoa(w.Year)},
		metaTag{Name: "DC.title", Content: w.Title},
	)
	for _, c := range export.Primary(w) {
		tags = append(tags, metaTag{Name: "DC.creator", Content: c.Name})
	}
	tags = append(tags,
		metaTag{Name: "DC.date", Content: strconv.Itoa(w.Year)},
		metaTag{Name: "DC.type", Content: s.cb.Label(catalog.FacetMedium, w.Medium)},
		metaTag{Name: "DC.identifier", Content: url},
		metaTag{Name: "DC.description", Content: w.Synopsis},
	)
	for _, l := range w.Languages {
		tags = append(tags, metaTag{Name: "DC.language", Content: l})
	}
	tags = append(tags,
		metaTag{Property: "og:type", Content: export.KindOf(w.Medium).OpenGraph},
		metaTag{Property: "og:title", Content: w.Title},
		metaTag{Property: "og:description", Content: w.Synopsis},
		metaTag{Property: "og:url", Content: url},
		metaTag{Property: "og:site_name", Content: "komoru"},
	)
	var out []metaTag
	for _, t := range tags {
		if t.Content != "" {
			out = append(out, t)
		}
	}
	return out
}

func (s *Server) jsonLD(w *catalog.Work, base string) (template.JS, error) {
	doc := map[string]any{
		"@context":      "https://schema.org",
		"@type":         export.KindOf(w.Medium).SchemaOrg,
		"@id":           base + "/works/" + w.ID,
		"url":           base + "/works/" + w.ID,
		"name":          w.Title,
		"datePublished": strconv.Itoa(w.Year),
	}
	if w.Synopsis != "" {
		doc["description"] = w.Synopsis
	}
	var alt []string
	for _, t := range append([]string{w.OriginalTitle, w.RomanizedTitle}, w.AltTitles...) {
		if t != "" && !slices.Contains(alt, t) {
			alt = append(alt, t)
		}
	}
	if len(alt) > 0 {
		doc["alternateName"] = alt
	}
	if len(w.Languages) > 0 {
		doc["inLanguage"] = w.Languages
	}
	if len(w.Countries) > 0 {
		doc["countryOfOrigin"] = map[string]string{"@type": "Country", "name": s.cb.CountryName(w.Countries[0])}
	}
	role := map[string]string{"author": "author", "writer": "author", "director": "director", "studio": "productionCompany",
		"developer": "author", "publisher": "publisher", "artist": "illustrator", "network": "publisher"}
	for _, c := range w.Creators {
		key := role[c.Role]
		typ := "Organization"
		if export.IsPerson(c) {
			typ = "Person"
		}
		list, _ := doc[key].([]map[string]string)
		doc[key] = append(list, map[string]string{"@type": typ, "name": c.Name})
	}
	if len(w.Characters) > 0 {
		var chars []map[string]string
		for _, ch := range w.Characters {
			chars = append(chars, map[string]string{"@type": "Person", "name": ch.Name})
		}
		doc["character"] = chars
	}
	if len(w.Sources) > 0 {
		var urls []string
		for _, src := range w.Sources {
			urls = append(urls, src.URL)
		}
		doc["citation"] = urls
	}
	// encoding/json escapes <, > and & in strings, so the block cannot be
	// closed early by a title such as "</script>".
	b, err := json.Marshal(doc)
	return template.JS(b), err
}
