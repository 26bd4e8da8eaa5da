package catalog

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Facet names that are not portrayal dimensions (api.md). Every portrayal
// dimension id is a facet too.
const (
	FacetMedium               = "medium"
	FacetCountries            = "countries"
	FacetLanguages            = "languages"
	FacetHikikomoriGenders    = "hikikomori_genders"
	FacetFemaleHikikomoriLead = "female_hikikomori_lead"
	FacetDecade               = "decade"
	FacetCodingStatus         = "coding_status" // coded, partial or uncoded (status.go)
)

// Facet describes one facet of the search API: its values in display
// order with their labels, and how a work's values are found. It is the one
// place a facet is defined; the index, the stats, the CSV and the pages
// read it.
type Facet struct {
	Name  string
	Label string
	Multi bool // a work can carry several values
	// Values lists the possible values in display order where the codebook
	// fixes them; nil for open lists (countries, languages, decades).
	Values []Value
	// Derived facets are computed from a work's other fields (its
	// characters, its year) rather than coded; the CSV gives them columns.
	Derived bool
	// ByCount is set for open lists shown most common first (countries,
	// languages); other facets show their values in Compare's order.
	ByCount bool

	of   func(w *Work) []string
	name func(value string) string // an open list's label of value; "" if unknown
	// called maps each value a query may name to what it is called in
	// free text (see Names); word parses a single word as a value, for
	// facets whose values are written as themselves (decades).
	called  map[string][]string
	word    func(w string) (string, bool)
	compare func(a, b string) int
	parse   func(value string) (string, error)
	dim     *Dimension // where the values come from, if from the codebook
}

// Of returns the work's values of the facet; none for the zero Facet.
func (f *Facet) Of(w *Work) []string {
	if f.of == nil {
		return nil
	}
	return f.of(w)
}

// ValueLabel returns a value's display label: the codebook label of a
// coded value, the name of a country or language, "2000s" for a decade.
// An unknown value is its own label.
func (f *Facet) ValueLabel(value string) string {
	if f.dim != nil {
		if v := f.dim.Value(value); v != nil {
			return v.Label
		}
	}
	for _, v := range f.Values {
		if v.ID == value {
			return v.Label
		}
	}
	if f.name != nil {
		if n := f.name(value); n != "" {
			return n
		}
	}
	return value
}

// Names returns what a value is called in free text, for query
// understanding: a coded value's label and synonyms, a country's name and
// adjective, "2000s" and "2000" for a decade. A value that denies its
// topic, and a value of a facet a query cannot name, has none.
func (f *Facet) Names(value string) []string {
	if f.word != nil {
		if v, ok := f.word(value); ok && v == value {
			return []string{value + "s", value}
		}
		return nil
	}
	return f.called[value]
}

// Compare orders two values of the facet in display order: the codebook's
// for fixed lists, time for decades, the value itself for other open lists.
func (f *Facet) Compare(a, b string) int {
	if f.compare == nil {
		return strings.Compare(a, b)
	}
	return f.compare(a, b)
}

// Parse returns a value as the index keeps it, from the form a user may
// write: a decade as "2010" or "2010s". Its error says what the facet
// expects, for the API's field errors.
func (f *Facet) Parse(value string) (string, error) {
	if f.parse == nil {
		return "", fmt.Errorf("unknown value %q", value)
	}
	return f.parse(value)
}

// Facets returns every facet of the search API in display order: the
// portrayal dimensions, then the metadata and derived facets. The slice is
// the codebook's and must not be modified.
func (cb *Codebook) Facets() []Facet { return cb.facets }

// Facet returns the facet with the given name, and whether it exists.
func (cb *Codebook) Facet(name string) (Facet, bool) {
	if i, ok := cb.facetIndex[name]; ok {
		return cb.facets[i], true
	}
	return Facet{}, false
}

// ValidFacetValue reports whether value is a value of the facet as the
// index keeps it: a coded value, an ISO code, a decade such as "1990".
func (cb *Codebook) ValidFacetValue(facet, value string) bool {
	v, err := cb.ParseFacetValue(facet, value)
	return err == nil && v == value
}

// ParseFacetValue returns a facet value as the index keeps it, from the
// form a user may write (see Facet.Parse).
func (cb *Codebook) ParseFacetValue(facet, value string) (string, error) {
	f, ok := cb.Facet(facet)
	if !ok {
		return "", fmt.Errorf("unknown value %q", value)
	}
	return f.Parse(value)
}

var errBadDecade = errors.New("must be a decade such as 2010 or 2010s")

// buildFacets defines every facet, once, when the codebook is read.
func (cb *Codebook) buildFacets() {
	cb.facets = nil
	for i := range cb.Dimensions {
		d := &cb.Dimensions[i]
		f := fixedFacet(d.ID, d.Label, d.Values)
		f.Multi, f.dim = d.Multi, d
		f.called = codedNames(d.Values)
		f.of = func(w *Work) []string { return w.Portrayal[d.ID].List() }
		cb.facets = append(cb.facets, f)
	}
	medium := fixedFacet(FacetMedium, "Medium", cb.byID["medium"].Values)
	medium.dim = cb.byID["medium"]
	medium.called = codedNames(medium.Values)
	medium.of = func(w *Work) []string { return []string{w.Medium} }

	countries := openFacet(FacetCountries, "Country", cb.countries)
	countries.of = func(w *Work) []string { return w.Countries }
	countries.called = cb.countryNames()
	languages := openFacet(FacetLanguages, "Language", cb.languages)
	languages.of = func(w *Work) []string { return w.Languages }

	genders := fixedFacet(FacetHikikomoriGenders, "Hikikomori gender", cb.byID["gender"].Values)
	genders.Multi, genders.Derived, genders.dim = true, true, cb.byID["gender"]
	genders.of = (*Work).HikikomoriGenders
	genders.called = codedNames(genders.Values)

	lead := fixedFacet(FacetFemaleHikikomoriLead, "Female hikikomori lead", []Value{
		{ID: "true", Label: "Yes", Definition: "A protagonist is a female hikikomori."},
		{ID: "false", Label: "No", Definition: "No protagonist is a female hikikomori."},
	})
	lead.Derived = true
	// "Yes" names nothing on its own; the facet's own words do.
	lead.called = map[string][]string{"true": {"female lead", "female protagonist", "female hikikomori lead", "female hikikomori protagonist"}}
	lead.of = func(w *Work) []string { return []string{strconv.FormatBool(w.FemaleHikikomoriLead())} }

	decade := Facet{Name: FacetDecade, Label: "Decade", Derived: true,
		of: func(w *Work) []string { return []string{strconv.Itoa(w.Decade())} },
		name: func(v string) string {
			if _, err := strconv.Atoi(v); err == nil {
				return v + "s"
			}
			return ""
		},
		compare: func(a, b string) int { return atoi(a) - atoi(b) },
		parse:   parseDecade,
		// A decade is written as itself: "2000s" or "2000".
		word: func(w string) (string, bool) {
			v, err := parseDecade(w)
			return v, err == nil
		},
	}
	// A work's coding status, so that a reader can keep to finished
	// entries or a curator find the ones left to code. A query's words name
	// none of its values: "coded" in a search is not a wish for them.
	status := fixedFacet(FacetCodingStatus, "Coding status", codingStatusValues)
	status.Derived = true
	status.of = func(w *Work) []string { return []string{cb.CodingStatus(w)} }

	cb.facets = append(cb.facets, medium, countries, languages, genders, lead, decade, status)
	cb.facetIndex = make(map[string]int, len(cb.facets))
	for i, f := range cb.facets {
		cb.facetIndex[f.Name] = i
	}
	cb.buildNames()
}

func parseDecade(v string) (string, error) {
	v = strings.TrimSuffix(v, "s")
	n, err := strconv.Atoi(v)
	if err != nil || n%10 != 0 || n < minYear || n > 9990 || v != strconv.Itoa(n) {
		return "", errBadDecade
	}
	return v, nil
}

// vagueLabels are labels that answer their dimension's question and name
// nothing on their own: "yes" in a query is not a wish for works that
// conflate withdrawal with otaku culture, nor is "open" one for an open
// ending. Their values are still named by their synonyms.
var vagueLabels = []string{"yes", "partial", "mixed", "unclear", "met", "other", "open"}

// codedNames is what each coded value is called: its label and its
// synonyms; nothing for a value that denies its topic.
func codedNames(values []Value) map[string][]string {
	called := make(map[string][]string, len(values))
	for _, v := range values {
		if v.Denies {
			continue
		}
		var names []string
		if !slices.Contains(vagueLabels, strings.ToLower(v.Label)) {
			names = append(names, v.Label)
		}
		called[v.ID] = append(names, v.Synonyms...)
	}
	return called
}

// countryNames is what each country is called: its name and, where the
// list gives one, its adjective ("Korean").
func (cb *Codebook) countryNames() map[string][]string {
	called := make(map[string][]string, len(cb.countries))
	for code, name := range cb.countries {
		called[code] = []string{name}
		if d := cb.demonyms[code]; d != "" {
			called[code] = append(called[code], d)
		}
	}
	return called
}

// fixedFacet is a facet whose values the codebook lists, in that order.
func fixedFacet(name, label string, values []Value) Facet {
	order := make(map[string]int, len(values))
	for i, v := range values {
		order[v.ID] = i
	}
	// A value the list lacks sorts last.
	pos := func(v string) int {
		if i, ok := order[v]; ok {
			return i
		}
		return len(values)
	}
	return Facet{Name: name, Label: label, Values: values,
		compare: func(a, b string) int { return pos(a) - pos(b) },
		parse: func(v string) (string, error) {
			if _, ok := order[v]; !ok {
				return "", fmt.Errorf("unknown value %q", v)
			}
			return v, nil
		},
	}
}

// openFacet is a facet of ISO codes, named by names, shown most common
// first.
func openFacet(name, label string, names map[string]string) Facet {
	return Facet{Name: name, Label: label, Multi: true, ByCount: true,
		name:    func(v string) string { return names[v] },
		compare: strings.Compare,
		parse: func(v string) (string, error) {
			if names[v] == "" {
				return "", fmt.Errorf("unknown value %q", v)
			}
			return v, nil
		},
	}
}

// HikikomoriGenders returns the distinct genders of the work's hikikomori
// characters, in the order the characters are listed.
func (w *Work) HikikomoriGenders() []string {
	var gs []string
	for _, c := range w.Characters {
		if c.Hikikomori && !slices.Contains(gs, c.Gender) {
			gs = append(gs, c.Gender)
		}
	}
	return gs
}

// FemaleHikikomoriLead reports whether a protagonist is a female hikikomori.
func (w *Work) FemaleHikikomoriLead() bool {
	for _, c := range w.Characters {
		if c.Hikikomori && c.Gender == "female" && c.Role == "protagonist" {
			return true
		}
	}
	return false
}

// Decade returns the decade of the work's first release, e.g. 2000.
func (w *Work) Decade() int { return w.Year / 10 * 10 }
