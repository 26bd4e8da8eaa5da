package catalog

import (
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestStats(t *testing.T) {
	cb := DefaultCodebook()
	works := []*Work{
		{ID: "a", Medium: "manga", Year: 2004, Countries: []string{"JP"},
			Characters: []Character{{Name: "A", Gender: "female", Role: "protagonist", Hikikomori: true}},
			Portrayal:  Portrayal{"realism": {Value: "realistic"}, "conditions": {Values: []string{"paranoia", "depression"}}}},
		{ID: "b", Medium: "manga", Year: 2011, Countries: []string{"JP", "KR"},
			Characters: []Character{{Name: "B", Gender: "male", Role: "protagonist", Hikikomori: true}, {Name: "C", Gender: "female", Role: "supporting", Hikikomori: true}},
			Portrayal:  Portrayal{"realism": {Value: "mixed"}}},
		{ID: "c", Medium: "novel", Year: 2019, Countries: []string{"KR"},
			Characters: []Character{{Name: "D", Gender: "female", Role: "protagonist", Hikikomori: true}},
			Portrayal:  Portrayal{"realism": {Value: "realistic"}}},
	}
	s := NewStats(cb, FacetDecade)
	for _, w := range works {
		s.Add(w)
	}
	s.Finish()
	if s.Works != 3 || !cmp.Equal(s.Columns, []string{"2000", "2010"}) {
		t.Fatalf("Works %d, Columns %v", s.Works, s.Columns)
	}
	got := map[string]string{}
	for _, fs := range s.Facets {
		for _, r := range fs.Rows {
			if r.Count > 0 {
				got[fs.Name+"="+r.Value] = r.Label + " " + strconv.Itoa(r.Count) + " " + strconv.Itoa(r.By["2000"]) + "/" + strconv.Itoa(r.By["2010"])
			}
		}
	}
	want := map[string]string{
		"realism=realistic":            "Realistic 2 1/1",
		"realism=mixed":                "Mixed 1 0/1",
		"conditions=paranoia":          "Paranoia 1 1/0",
		"conditions=depression":        "Depression 1 1/0",
		"medium=manga":                 "Manga 2 1/1",
		"medium=novel":                 "Novel 1 0/1",
		"countries=JP":                 "Japan 2 1/1",
		"countries=KR":                 "South Korea 2 0/2",
		"hikikomori_genders=female":    "Female 3 1/2",
		"hikikomori_genders=male":      "Male 1 0/1",
		"female_hikikomori_lead=true":  "Yes 2 1/1",
		"female_hikikomori_lead=false": "No 1 0/1",
		"decade=2000":                  "2000s 1 1/0",
		"decade=2010":                  "2010s 2 0/2",
		"coding_status=partial":        "Partly coded 3 1/2",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
}
