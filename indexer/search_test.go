package indexer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/google/go-cmp/cmp"
	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/sqlite"
)

// testCatalog is a real catalog store for the index to follow, in a
// temporary SQLite file, with helpers that write as curators do.
type testCatalog struct {
	*sqlite.Store
	t testing.TB
}

func newTestCatalog(t testing.TB) *testCatalog {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "catalog.db"), catalog.DefaultCodebook())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return &testCatalog{Store: s, t: t}
}

// put creates or updates works, all in one transaction.
func (c *testCatalog) put(works ...*catalog.Work) {
	c.t.Helper()
	ctx := context.Background()
	err := c.Write(ctx, func(tx catalog.Tx) error {
		for _, w := range works {
			h, err := tx.Head(ctx, w.ID)
			if err != nil {
				return err
			}
			base := catalog.BaseNone
			if h.Exists() {
				base = h.Number
			}
			if _, err := catalog.WriteTx(ctx, tx, c.Codebook(), w.ID, w, base, catalog.Change{Author: "test"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		c.t.Fatal(err)
	}
}

// delete deletes the works of ids that exist, in one transaction.
func (c *testCatalog) delete(ids ...string) {
	c.t.Helper()
	ctx := context.Background()
	err := c.Write(ctx, func(tx catalog.Tx) error {
		for _, id := range ids {
			if h, err := tx.Head(ctx, id); err != nil || !h.Exists() {
				continue
			}
			if _, err := catalog.WriteTx(ctx, tx, c.Codebook(), id, nil, catalog.BaseAny, catalog.Change{Author: "test"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		c.t.Fatal(err)
	}
}

// loadWorks reads a works.jsonl, validating every line.
func loadWorks(t testing.TB, name string) []*catalog.Work {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := catalog.NewDecoder(f, catalog.DefaultCodebook())
	var works []*catalog.Work
	for {
		w, err := dec.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			t.Fatalf("%s: %v", name, err)
		}
		works = append(works, w)
	}
	return works
}

// openTestIndex opens an index over works in a temporary directory.
func openTestIndex(t *testing.T, works []*catalog.Work) (*Index, *testCatalog, string) {
	t.Helper()
	cat := newTestCatalog(t)
	cat.put(works...)
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(context.Background(), dir, cat, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix, cat, dir
}

// searchCase is one entry of a searches.json.
type searchCase struct {
	Name  string `json:"name"`
	Query struct {
		Q        string              `json:"q"`
		Filters  map[string][]string `json:"filters"`
		YearFrom int                 `json:"year_from"`
		YearTo   int                 `json:"year_to"`
		Sort     string              `json:"sort"`
		Page     int                 `json:"page"`
		Size     int                 `json:"size"`
		Typo     bool                `json:"typo"`
		Facets   []string            `json:"facets"`
		Matching string              `json:"matching"`
	} `json:"query"`
	Want struct {
		Total      int                            `json:"total"`
		IDs        []string                       `json:"ids"`
		Facets     map[string][][]any             `json:"facets"`
		Highlights map[string]map[string][]string `json:"highlights"`
		Dropped    []string                       `json:"dropped"`
	} `json:"want"`
}

// TestSearch runs every testdata/search/<case>: the works of works.jsonl
// indexed, then each query of searches.json against its expected total,
// ids in order, facet counts and highlights.
func TestSearch(t *testing.T) {
	dirs, err := filepath.Glob("testdata/search/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no search cases: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			ix, _, _ := openTestIndex(t, loadWorks(t, filepath.Join(dir, "works.jsonl")))
			data, err := os.ReadFile(filepath.Join(dir, "searches.json"))
			if err != nil {
				t.Fatal(err)
			}
			var cases []searchCase
			if err := json.Unmarshal(data, &cases); err != nil {
				t.Fatal(err)
			}
			for _, c := range cases {
				q := Query{Text: c.Query.Q, Filters: c.Query.Filters, YearFrom: c.Query.YearFrom, YearTo: c.Query.YearTo,
					Sort: c.Query.Sort, Page: c.Query.Page, Size: c.Query.Size, Typo: c.Query.Typo, Facets: c.Query.Facets, Matching: c.Query.Matching}
				if q.Facets == nil {
					q.Facets = []string{}
				}
				res, err := ix.Search(context.Background(), q)
				if err != nil {
					t.Errorf("%s: Search(%+v) = %v", c.Name, q, err)
					continue
				}
				if res.Total != c.Want.Total {
					t.Errorf("%s: total = %d, want %d", c.Name, res.Total, c.Want.Total)
				}
				ids := []string{}
				for _, h := range res.Hits {
					ids = append(ids, h.ID)
				}
				if diff := cmp.Diff(c.Want.IDs, ids); diff != "" {
					t.Errorf("%s: ids (-want +got):\n%s", c.Name, diff)
				}
				if diff := cmp.Diff(c.Want.Dropped, res.DroppedWords); diff != "" {
					t.Errorf("%s: dropped words (-want +got):\n%s", c.Name, diff)
				}
				got := map[string][][]any{}
				for _, f := range res.Facets {
					if _, ok := c.Want.Facets[f.Name]; !ok {
						continue
					}
					vals := [][]any{}
					for _, v := range f.Values {
						row := []any{v.Value, float64(v.Count)}
						if v.Selected {
							row = append(row, true)
						}
						vals = append(vals, row)
					}
					got[f.Name] = vals
				}
				if c.Want.Facets == nil {
					c.Want.Facets = map[string][][]any{}
				}
				if diff := cmp.Diff(c.Want.Facets, got); diff != "" {
					t.Errorf("%s: facets (-want +got):\n%s", c.Name, diff)
				}
				for id, want := range c.Want.Highlights {
					var h *Hit
					for i := range res.Hits {
						if res.Hits[i].ID == id {
							h = &res.Hits[i]
						}
					}
					if h == nil {
						t.Errorf("%s: no hit %s to check highlights of", c.Name, id)
						continue
					}
					if diff := cmp.Diff(want, h.Highlights); diff != "" {
						t.Errorf("%s: highlights of %s (-want +got):\n%s", c.Name, id, diff)
					}
				}
			}
		})
	}
}

func TestHitFields(t *testing.T) {
	ix, _, _ := openTestIndex(t, loadWorks(t, "testdata/search/catalog/works.jsonl"))
	res, err := ix.Search(context.Background(), Query{Text: "yokoso"})
	if err != nil || len(res.Hits) != 1 {
		t.Fatalf("Search = %v, %v", res, err)
	}
	h := res.Hits[0]
	want := Hit{ID: "nhk-anime", Title: "Welcome to the N.H.K.", OriginalTitle: "N・H・Kにようこそ!", Medium: "anime_series", Year: 2006,
		Portrayal: catalog.Portrayal{
			"realism": {Value: "realistic"}, "tone": {Value: "dramedy"}, "recovery": {Value: "cyclical"},
			"conditions": {Values: []string{"social_anxiety", "paranoia"}},
		},
		CodingStatus: catalog.StatusPartial}
	h.Highlights = nil
	if diff := cmp.Diff(want, h); diff != "" {
		t.Errorf("hit (-want +got):\n%s", diff)
	}
}

func TestValidate(t *testing.T) {
	cb := catalog.DefaultCodebook()
	for _, c := range []struct {
		q     Query
		field string
	}{
		{Query{Size: 101}, "size"},
		{Query{Size: -1}, "size"},
		{Query{Page: -1}, "page"},
		{Query{Sort: "popularity"}, "sort"},
		{Query{Filters: map[string][]string{"colour": {"red"}}}, "colour"},
		{Query{Filters: map[string][]string{"realism": {"gritty"}}}, "realism"},
		{Query{Filters: map[string][]string{"decade": {"1995"}}}, "decade"},
		// The index takes values as it keeps them; "2010s" is the API's.
		{Query{Filters: map[string][]string{"decade": {"2010s"}}}, "decade"},
		{Query{YearFrom: 2010, YearTo: 2000}, "year_to"},
		{Query{Text: strings.Repeat("a", MaxTextLen+1)}, "q"},
		{Query{Facets: []string{"nope"}}, "facets"},
	} {
		err := c.q.Validate(cb)
		var ve *catalog.ValidationError
		if !errors.As(err, &ve) || ve.Fields[c.field] == "" {
			t.Errorf("Validate(%+v) = %v, want an error on %s", c.q, err, c.field)
		}
	}
	ok := Query{Text: "x", Filters: map[string][]string{"realism": {"mixed"}, "decade": {"1990"}, "countries": {"JP"}},
		YearFrom: 1990, YearTo: 2000, Sort: SortTitle, Page: 2, Size: 100, Typo: true}
	if err := ok.Validate(cb); err != nil {
		t.Errorf("Validate(%+v) = %v, want nil", ok, err)
	}
}

// TestBleveFields checks that the Bleve index is usable on its own: the
// facet keywords and the numeric year select what komoru's bitmaps do.
func TestBleveFields(t *testing.T) {
	ix, _, _ := openTestIndex(t, loadWorks(t, "testdata/search/catalog/works.jsonl"))
	ctx := context.Background()
	count := func(q query.Query) int {
		t.Helper()
		res, err := ix.bi.SearchInContext(ctx, bleve.NewSearchRequestOptions(q, 0, 0, false))
		if err != nil {
			t.Fatal(err)
		}
		return int(res.Total)
	}
	for _, c := range []struct{ facet, value string }{
		{"realism", "realistic"}, {"medium", "manga"}, {"decade", "2000"},
		{"hikikomori_genders", "female"}, {"conditions", "social_anxiety"},
	} {
		tq := bleve.NewTermQuery(c.facet + ":" + c.value)
		tq.SetField(fieldFacet)
		res, err := ix.Search(ctx, Query{Filters: map[string][]string{c.facet: {c.value}}})
		if err != nil {
			t.Fatal(err)
		}
		if got := count(tq); got != res.Total || got == 0 {
			t.Errorf("%s=%s: Bleve finds %d, komoru %d", c.facet, c.value, got, res.Total)
		}
	}
	from, to := 2000.0, 2009.0
	yq := bleve.NewNumericRangeInclusiveQuery(&from, &to, &[]bool{true}[0], &[]bool{true}[0])
	yq.SetField(fieldYear)
	res, err := ix.Search(ctx, Query{YearFrom: 2000, YearTo: 2009})
	if err != nil {
		t.Fatal(err)
	}
	if got := count(yq); got != res.Total || got == 0 {
		t.Errorf("year 2000-2009: Bleve finds %d, komoru %d", got, res.Total)
	}
}

// TestBuildMerges: a build written in many batches ends as one segment.
func TestBuildMerges(t *testing.T) {
	cat := newTestCatalog(t)
	r := rand.New(rand.NewPCG(1, 2))
	var works []*catalog.Work
	for i := range 3000 {
		works = append(works, randomWork(r, fmt.Sprintf("w%04d", i)))
	}
	cat.put(works...)
	dir := filepath.Join(t.TempDir(), "index")
	ctx := context.Background()
	if err := Build(ctx, dir, cat, Options{BatchSize: 50}); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(ctx, dir, cat, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	adv, err := ix.bi.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	ir, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer ir.Close()
	if n := len(ir.(*scorch.IndexSnapshot).Segments()); n != 1 {
		t.Errorf("%d segments after a build, want 1", n)
	}
	if ix.Count() != len(works) {
		t.Errorf("Count = %d, want %d", ix.Count(), len(works))
	}
}
