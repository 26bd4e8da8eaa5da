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

// Facet describes one facet of the search API.
type Facet struct {
	Name  string
	Label string
	Multi bool // a work can carry several values
	// Values lists the possible values in display order where the codebook
	// fixes them; nil for open lists (countries, languages, decades).
	Values []Value
}

// Facets returns every facet of the search API in display order: the
// portrayal dimensions, then the metadata and derived facets.
func (cb *Codebook) Facets() []Facet {
	var fs []Facet
	for _, d := range cb.Dimensions {
		fs = append(fs, Facet{Name: d.ID, Label: d.Label, Multi: d.Multi, Values: d.Values})
	}
	fs = append(fs,
		Facet{Name: FacetMedium, Label: "Medium", Values: cb.byID["medium"].Values},
		Facet{Name: FacetCountries, Label: "Country", Multi: true},
		Facet{Name: FacetLanguages, Label: "Language", Multi: true},
		Facet{Name: FacetHikikomoriGenders, Label: "Hikikomori gender", Multi: true, Values: cb.byID["gender"].Values},
		Facet{Name: FacetFemaleHikikomoriLead, Label: "Female hikikomori lead", Values: []Value{
			{ID: "true", Label: "Yes", Definition: "A protagonist is a female hikikomori."},
			{ID: "false", Label: "No", Definition: "No protagonist is a female hikikomori."},
		}},
		Facet{Name: FacetDecade, Label: "Decade"},
	)
	return fs
}

// Facet returns the facet with the given name, and whether it exists.
func (cb *Codebook) Facet(name string) (Facet, bool) {
	for _, f := range cb.Facets() {
		if f.Name == name {
			return f, true
		}
	}
	return Facet{}, false
}

// ValidFacetValue reports whether value can occur in the facet. Open facets
// check the value's form: an ISO code, a decade such as "1990".
func (cb *Codebook) ValidFacetValue(facet, value string) bool {
	switch facet {
	case FacetCountries:
		return cb.countries[value] != ""
	case FacetLanguages:
		return cb.languages[value] != ""
	case FacetDecade:
		n, err := strconv.Atoi(value)
		return err == nil && n%10 == 0 && n >= minYear && n <= 9990
	}
	f, ok := cb.Facet(facet)
	if !ok {
		return false
	}
	for _, v := range f.Values {
		if v.ID == value {
			return true
		}
	}
	return false
}

// ParseFacetValue returns a facet value as the index keeps it, from the
// form a user may write: a decade as "2010" or "2010s". Its error says what
// the facet expects, for the API's field errors.
func (cb *Codebook) ParseFacetValue(facet, value string) (string, error) {
	if facet == FacetDecade {
		v := strings.TrimSuffix(value, "s")
		if !cb.ValidFacetValue(facet, v) {
			return "", errBadDecade
		}
		return v, nil
	}
	if !cb.ValidFacetValue(facet, value) {
		return "", fmt.Errorf("unknown value %q", value)
	}
	return value, nil
}

var errBadDecade = errors.New("must be a decade such as 2010 or 2010s")

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

// FacetValues returns the work's values for a facet of the search API. It is
// the one place derived facets are computed; the index and the stats read it.
func (w *Work) FacetValues(facet string) []string {
	switch facet {
	case FacetMedium:
		return []string{w.Medium}
	case FacetCountries:
		return w.Countries
	case FacetLanguages:
		return w.Languages
	case FacetHikikomoriGenders:
		return w.HikikomoriGenders()
	case FacetFemaleHikikomoriLead:
		return []string{strconv.FormatBool(w.FemaleHikikomoriLead())}
	case FacetDecade:
		return []string{strconv.Itoa(w.Decade())}
	}
	return w.Portrayal[facet].List()
}
