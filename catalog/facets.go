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

	of      func(w *Work) []string
	name    func(value string) string // an open list's label of value; "" if unknown
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
		f.of = func(w *Work) []string { return w.Portrayal[d.ID].List() }
		cb.facets = append(cb.facets, f)
	}
	medium := fixedFacet(FacetMedium, "Medium", cb.byID["medium"].Values)
	medium.dim = cb.byID["medium"]
	medium.of = func(w *Work) []string { return []string{w.Medium} }

	countries := openFacet(FacetCountries, "Country", cb.countries)
	countries.of = func(w *Work) []string { return w.Countries }
	languages := openFacet(FacetLanguages, "Language", cb.languages)
	languages.of = func(w *Work) []string { return w.Languages }

	genders := fixedFacet(FacetHikikomoriGenders, "Hikikomori gender", cb.byID["gender"].Values)
	genders.Multi, genders.Derived, genders.dim = true, true, cb.byID["gender"]
	genders.of = (*Work).HikikomoriGenders

	lead := fixedFacet(FacetFemaleHikikomoriLead, "Female hikikomori lead", []Value{
		{ID: "true", Label: "Yes", Definition: "A protagonist is a female hikikomori."},
		{ID: "false", Label: "No", Definition: "No protagonist is a female hikikomori."},
	})
	lead.Derived = true
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
		parse: func(v string) (string, error) {
			v = strings.TrimSuffix(v, "s")
			n, err := strconv.Atoi(v)
			if err != nil || n%10 != 0 || n < minYear || n > 9990 || v != strconv.Itoa(n) {
				return "", errBadDecade
			}
			return v, nil
		},
	}
	cb.facets = append(cb.facets, medium, countries, languages, genders, lead, decade)
	cb.facetIndex = make(map[string]int, len(cb.facets))
	for i, f := range cb.facets {
		cb.facetIndex[f.Name] = i
	}
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
