
// BenchmarkWorkPageOrigin measures a work page with its coding's origin
// (one LastSeq read while the adjudications are cached), against the
// same page with the line's lookup cold every time (the rounds read
// again).
func BenchmarkWorkPageOrigin(b *testing.B) {
	st := newSite(b)
	ctx := context.Background()
	for _, name := range []string{"ann", "bo"} {
		if _, err := catalog.AddUser(ctx, st.store, name, catalog.RoleCurator, st.clock()); err != nil {
			b.Fatal(err)
		}
	}
	works := []string{}
	for i := range 10 {
		id := "r" + string(rune('a'+i))
		r, err := catalog.CreateRound(ctx, st.store, catalog.Round{ID: id, Name: id, Works: works0(b, st), Coders: []string{"ann", "bo"}, Creator: "ann"}, st.clock())
		if err != nil {
			b.Fatal(err)
		}
		works = r.Works
	}
	url := "/works/" + works[0]
	for _, tc := range []struct {
		name string
		cold bool
	}{{"cached", false}, {"cold", true}} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				if tc.cold {
					adjudicationIndexes.Delete(st.Server)
				}
				if rec := st.do(nil, req{method: "GET", url: url}); rec.Code != 200 {
					b.Fatal(rec.Code)
				}
			}
		})
	}
}

// works0 is the first 20 works of the catalog, by id.
func works0(b *testing.B, st *site) []string {
	var ids []string
	err := st.store.Each(context.Background(), func(w *catalog.Work) error {
		if len(ids) < 20 {
			ids = append(ids, w.ID)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return ids
}
