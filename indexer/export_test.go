package indexer

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/komoru/komoru/catalog"
)

// TestIDs lists a search's works in the order its pages give them, page
// after page, for each kind of order: relevance with text, relevance
// without (id order), and each sort.
func TestIDs(t *testing.T) {
	ix := openShipped(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		q    Query
	}{
		{"relevance with text", Query{Text: "room mother", Typo: true}},
		{"relevance with phrase and OR", Query{Text: `"hikikomori" OR anime`, Typo: true}},
		{"everything in id order", Query{}},
		{"filter by year", Query{Filters: map[string][]string{"realism": {"realistic"}}, Sort: SortYear}},
		{"year descending", Query{Sort: SortYearDesc, YearFrom: 2000}},
		{"title", Query{Sort: SortTitle, Filters: map[string][]string{"medium": {"anime_series", "manga"}}}},
		{"nothing", Query{Text: "zzzyyyxxx", Typo: false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ix.IDs(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			// Small pages, so that the shipped catalog spans many.
			var want []string
			total := -1
			for page := 1; total < 0 || len(want) < total; page++ {
				q := tc.q
				q.Page, q.Size = page, 7
				res, err := ix.Search(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				total = res.Total
				if len(res.Hits) == 0 {
					break
				}
				for _, h := range res.Hits {
					want = append(want, h.ID)
				}
			}
			if len(got) != total {
				t.Errorf("IDs gave %d ids, the search has %d hits", len(got), total)
			}
			if (total == 0) != (tc.name == "nothing") {
				t.Errorf("the search has %d hits; the case needs some (or, for nothing, none)", total)
			}
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("IDs (-pages of Search +IDs):\n%s", diff)
			}
		})
	}
	if ids, _ := ix.IDs(ctx, Query{}); len(ids) < 20 {
		t.Errorf("IDs of everything = %d ids; the shipped catalog has more", len(ids))
	}
	var ve *catalog.ValidationError
	if _, err := ix.IDs(ctx, Query{Sort: "price"}); !errors.As(err, &ve) || ve.Fields["sort"] == "" {
		t.Errorf("IDs with a bad sort = %v, want a validation error naming sort", err)
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := ix.IDs(canceled, Query{}); !errors.Is(err, context.Canceled) {
		t.Errorf("IDs canceled = %v, want context.Canceled", err)
	}
}
