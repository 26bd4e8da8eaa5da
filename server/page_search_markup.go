package server

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/indexer"
)

// The search page's most repeated pieces are written here rather than in
// search.tmpl: the items of the facet sidebar (every value of every
// facet, 84 on the landing page) and the tags of the result cards (five
// per hit, 100 a page). html/template prints each value of a template
// through an escaper it calls by reflection, a microsecond and five
// allocations each; these pieces, a few short values each, made two thirds
// of those calls and three quarters of the page's rendering time.
//
// Their text is the codebook's and the index's (a filter value the request
// names is one params.go accepted), and each value is escaped as
// html/template escapes it in the same place: TestSearchMarkup checks the
// markup, byte for byte, against the templates it replaces. Text users
// write (titles, synopses, evidence, the query) is never written here.

// facetItems writes the list items of a facet's values: a checkbox, and a
// label with the value's definition on hover and its count.
func facetItems(name string, f *catalog.Facet, vals []indexer.FacetValue) template.HTML {
	var b strings.Builder
	b.Grow(len(vals) * 256) // an item is 150 to 310 bytes, most of them its definition
	for _, v := range vals {
		id := "f-" + name + "-" + v.Value
		b.WriteString(`<li><input type="checkbox" id="`)
		escapeHTML(&b, id)
		b.WriteString(`" name="`)
		escapeHTML(&b, name)
		b.WriteString(`" value="`)
		escapeHTML(&b, v.Value)
		b.WriteString(`"`)
		if v.Selected {
			b.WriteString(` checked`)
		}
		b.WriteString(`><label for="`)
		escapeHTML(&b, id)
		b.WriteString(`"`)
		if def := valueDefinition(f, v.Value); def != "" {
			b.WriteString(` title="`)
			escapeHTML(&b, def)
			b.WriteString(`"`)
		}
		b.WriteString(`>`)
		escapeHTML(&b, v.Label)
		b.WriteString(` <span class="count">`)
		b.WriteString(strconv.Itoa(v.Count))
		b.WriteString("</span></label></li>\n")
	}
	return template.HTML(b.String())
}

// valueDefinition is the codebook's definition of a facet's value; "" for
// the values of open lists (countries, decades).
func valueDefinition(f *catalog.Facet, value string) string {
	for _, v := range f.Values {
		if v.ID == value {
			return v.Definition
		}
	}
	return ""
}

// tagView is one coded dimension of a hit.
type tagView struct {
	Dimension, Definition string
	Values                string // the value labels, comma-separated
	// Spoiler is a dimension hidden until the reader reveals it: its
	// values are not on the page, only RevealURL, the search with them
	// shown.
	Spoiler   bool
	RevealURL string
	Warning   bool // a content warning: marked out, never hidden
}

// tagItems writes the list items of a hit's tags: a chip with the
// dimension's definition on hover (marked as a warning for a warning), or
// for a spoiler, a link that reveals it.
func tagItems(tags []tagView) template.HTML {
	var b strings.Builder
	b.Grow(len(tags) * 128) // a tag is 75 to 140 bytes
	for _, t := range tags {
		b.WriteString(`<li>`)
		if t.Spoiler {
			b.WriteString(`<a class="spoiler-reveal" href="`)
			escapeHTML(&b, t.RevealURL)
			b.WriteString(`" rel="nofollow">`)
			escapeHTML(&b, t.Dimension)
			b.WriteString(`: show <span class="muted">(spoiler)</span></a>`)
		} else {
			if t.Warning {
				b.WriteString(`<span class="chip warning" title="`)
			} else {
				b.WriteString(`<span class="chip" title="`)
			}
			escapeHTML(&b, t.Definition)
			b.WriteString(`">`)
			escapeHTML(&b, t.Dimension)
			b.WriteString(`: `)
			escapeHTML(&b, t.Values)
			b.WriteString(`</span>`)
		}
		b.WriteString(`</li>`)
	}
	return template.HTML(b.String())
}

// escapeHTML writes s escaped for HTML text or a quoted attribute value,
// as html/template escapes it there.
func escapeHTML(b *strings.Builder, s string) {
	_, _ = htmlEscaper.WriteString(b, s)
}

// htmlEscaper is html/template's table for text and quoted attributes:
// its htmlReplacementTable, which escapes + as well, unlike
// template.HTMLEscapeString.
var htmlEscaper = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;")
