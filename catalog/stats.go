package catalog

import (
	"slices"
	"strconv"
)

// Stats counts works per facet value, for every facet of the search API,
// optionally split by the values of one facet (for example by decade: how
// many female hikikomori leads per decade).
type Stats struct {
	Works   int
	By      string         // the facet the counts are split by; "" for none
	Columns []string       // By's values, in order; nil for none
	ByTotal map[string]int // works per By value
	Facets  []FacetStats   // in the codebook's facet order

	cb *Codebook
}

// FacetStats is the count of each value of one facet.
type FacetStats struct {
	Name, Label string
	Rows        []StatsRow // in codebook order where it fixes one, else by count
}

// StatsRow is one facet value's counts. A work counts once for each value
// it carries, so a set facet's rows may add up to more than the works.
type StatsRow struct {
	Value, Label string
	Count        int
	By           map[string]int // count per value of Stats.By
}

// NewStats returns empty stats split by the facet by ("" for none).
func NewStats(cb *Codebook, by string) *Stats {
	s := &Stats{By: by, ByTotal: map[string]int{}, cb: cb}
	for _, f := range cb.Facets() {
		fs := FacetStats{Name: f.Name, Label: f.Label}
		for _, v := range f.Values {
			fs.Rows = append(fs.Rows, StatsRow{Value: v.ID, Label: v.Label, By: map[string]int{}})
		}
		s.Facets = append(s.Facets, fs)
	}
	return s
}

// Add counts one work.
func (s *Stats) Add(w *Work) error {
	s.Works++
	var cols []string
	if by, ok := s.cb.Facet(s.By); ok {
		cols = by.Of(w)
		for _, c := range cols {
			s.ByTotal[c]++
		}
	}
	for i := range s.Facets {
		fs := &s.Facets[i]
		f, _ := s.cb.Facet(fs.Name)
		for _, v := range f.Of(w) {
			row := s.row(fs, v)
			row.Count++
			for _, c := range cols {
				row.By[c]++
			}
		}
	}
	return nil
}

// AddCount records that n works carry value of facet: it fills stats from
// counts a search index has already made, rather than from works.
func (s *Stats) AddCount(facet, value string, n int) {
	for i := range s.Facets {
		if s.Facets[i].Name == facet {
			s.row(&s.Facets[i], value).Count += n
		}
	}
}

func (s *Stats) row(fs *FacetStats, value string) *StatsRow {
	for i := range fs.Rows {
		if fs.Rows[i].Value == value {
			return &fs.Rows[i]
		}
	}
	fs.Rows = append(fs.Rows, StatsRow{Value: value, Label: s.cb.Label(fs.Name, value), By: map[string]int{}})
	return &fs.Rows[len(fs.Rows)-1]
}

// Finish orders open facets' rows (countries, languages by count; decades
// in time order) and fixes the columns. Call it after the last Add.
func (s *Stats) Finish() {
	for i := range s.Facets {
		fs := &s.Facets[i]
		f, _ := s.cb.Facet(fs.Name)
		if f.Values != nil {
			continue
		}
		slices.SortStableFunc(fs.Rows, func(a, b StatsRow) int {
			if f.ByCount && a.Count != b.Count {
				return b.Count - a.Count
			}
			return f.Compare(a.Value, b.Value)
		})
	}
	s.Columns = nil
	for c := range s.ByTotal {
		s.Columns = append(s.Columns, c)
	}
	if by, ok := s.cb.Facet(s.By); ok {
		slices.SortFunc(s.Columns, by.Compare)
	} else {
		slices.Sort(s.Columns)
	}
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
