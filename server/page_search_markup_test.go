package server

import (
	"html/template"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/indexer"
)

// searchMarkupTemplates are the templates facetItems and tagItems replace,
// as search.tmpl had them: what they write must not differ by a byte.
var searchMarkupTemplates = template.Must(template.New("").Parse(`
{{- define "facet-value"}}<li><input type="checkbox" id="{{.ID}}" name="{{.Facet}}" value="{{.Value}}"{{if .Selected}} checked{{end}}><label for="{{.ID}}"{{with .Definition}} title="{{.}}"{{end}}>{{.Label}} <span class="count">{{.Count}}</span></label></li>
{{end}}
{{- define "tag"}}<li>{{if .Spoiler}}<a class="spoiler-reveal" href="{{.RevealURL}}" rel="nofollow">{{.Dimension}}: show <span class="muted">(spoiler)</span></a>{{else}}<span class="chip{{if .Warning}} warning{{end}}" title="{{.Definition}}">{{.Dimension}}: {{.Values}}</span>{{end}}</li>{{end}}`))

// hostile is text that needs escaping in every way html/template escapes.
const hostile = "\"><script>alert('x&y')</script> a+b=c `d` \x00 ≠"

// TestSearchMarkup: the facet items and tags written in Go are what
// html/template writes from the templates they replace, escaping and all,
// for every value of the codebook's facets and for hostile text.
func TestSearchMarkup(t *testing.T) {
	cb := catalog.DefaultCodebook()
	type facetCase struct {
		name  string
		facet catalog.Facet
		vals  []indexer.FacetValue
	}
	var facets []facetCase
	for _, f := range cb.Facets() {
		fc := facetCase{name: f.Name, facet: f}
		for i, v := range f.Values {
			fc.vals = append(fc.vals, indexer.FacetValue{Value: v.ID, Label: v.Label, Count: i * 7, Selected: i%3 == 1})
		}
		facets = append(facets, fc)
	}
	facets = append(facets,
		facetCase{name: "countries", vals: []indexer.FacetValue{{Value: "JP", Label: "Japan", Count: 80, Selected: true}, {Value: "KR", Label: "South Korea", Count: 5}}},
		facetCase{name: hostile, facet: catalog.Facet{Values: []catalog.Value{{ID: hostile, Definition: hostile}}},
			vals: []indexer.FacetValue{{Value: hostile, Label: hostile, Count: 1, Selected: true}, {Value: "plain", Label: hostile}}})
	for _, fc := range facets {
		var want strings.Builder
		for _, v := range fc.vals {
			view := struct {
				ID, Facet, Value, Label, Definition string
				Count                               int
				Selected                            bool
			}{"f-" + fc.name + "-" + v.Value, fc.name, v.Value, v.Label, valueDefinition(&fc.facet, v.Value), v.Count, v.Selected}
			if err := searchMarkupTemplates.ExecuteTemplate(&want, "facet-value", view); err != nil {
				t.Fatal(err)
			}
		}
		if diff := cmp.Diff(want.String(), string(facetItems(fc.name, &fc.facet, fc.vals))); diff != "" {
			t.Errorf("facetItems(%q) differs from the template (-template +facetItems):\n%s", fc.name, diff)
		}
	}

	var tags []tagView
	for _, d := range cb.Dimensions {
		var labels []string
		for _, v := range d.Values {
			labels = append(labels, v.Label)
		}
		tv := tagView{Dimension: d.Label, Definition: d.Definition, Values: strings.Join(labels, ", "), Warning: d.Warning}
		if d.Spoiler {
			tv = tagView{Dimension: d.Label, Spoiler: true, RevealURL: "/?" + url.Values{"q": {"princess jellyfish"}, "show": {d.ID}, "realism": {"realistic"}}.Encode() + "#hit-princess-jellyfish-anime"}
		}
		tags = append(tags, tv)
	}
	tags = append(tags, tagView{Dimension: hostile, Definition: hostile, Values: hostile}, tagView{Dimension: hostile, Spoiler: true, RevealURL: "/?q=" + url.QueryEscape(hostile) + "#hit-x"},
		tagView{Dimension: hostile, Definition: hostile, Values: hostile, Warning: true})
	for _, tv := range tags {
		var want strings.Builder
		if err := searchMarkupTemplates.ExecuteTemplate(&want, "tag", tv); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want.String(), string(tagItems([]tagView{tv}))); diff != "" {
			t.Errorf("tagItems(%q) differs from the template (-template +tagItems):\n%s", tv.Dimension, diff)
		}
	}
}
