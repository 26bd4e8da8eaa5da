package indexer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/sqlite"
)

// A search with text, a filter and the disjunctive counts of two facets.
func ExampleIndex_Search() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "komoru-example-")
	defer os.RemoveAll(dir)
	cat, err := sqlite.Open(ctx, filepath.Join(dir, "catalog.db"), catalog.DefaultCodebook())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cat.Close()
	for _, w := range []*catalog.Work{
		{ID: "door-game", Title: "Door Game", Medium: "video_game", Year: 2012,
			Synopsis:  "An online game about a hikikomori who must open one door each day.",
			Portrayal: catalog.Portrayal{"realism": {Value: "realistic"}, "tone": {Value: "serious"}}},
		{ID: "silent-room", Title: "Silent Room", Medium: "tv_drama", Year: 2019,
			Synopsis:  "Parents wait outside the door of a son who stopped going to school.",
			Portrayal: catalog.Portrayal{"realism": {Value: "realistic"}, "tone": {Value: "dramedy"}}},
		{ID: "closed-doors", Title: "Behind Closed Doors", Medium: "documentary", Year: 2015,
			Synopsis:  "Families of withdrawn adults describe years of shame.",
			Portrayal: catalog.Portrayal{"realism": {Value: "mixed"}, "tone": {Value: "serious"}}},
	} {
		if _, err := catalog.CreateWork(ctx, cat, w, catalog.Change{Author: "curator"}); err != nil {
			fmt.Println(err)
			return
		}
	}
	ix, err := Open(ctx, filepath.Join(dir, "index"), cat, Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ix.Close()

	res, err := ix.Search(ctx, Query{
		Text:    "doors", // stemmed: door, doors
		Filters: map[string][]string{"realism": {"realistic"}},
		Sort:    SortYearDesc,
		Facets:  []string{"realism", "tone"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("total:", res.Total)
	for _, h := range res.Hits {
		fmt.Println(h.Year, h.ID, h.Highlights["synopsis"])
	}
	for _, f := range res.Facets {
		for _, v := range f.Values {
			fmt.Printf("%s=%s %d selected=%v\n", f.Name, v.Value, v.Count, v.Selected)
		}
	}
	// Output:
	// total: 2
	// 2019 silent-room [Parents wait outside the <mark>door</mark> of a son who stopped going to school.]
	// 2012 door-game [An online game about a hikikomori who must open one <mark>door</mark> each day.]
	// realism=realistic 2 selected=true
	// realism=mixed 1 selected=false
	// tone=serious 1 selected=false
	// tone=dramedy 1 selected=false
}
