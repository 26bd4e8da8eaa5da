package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/komoru/komoru/catalog"
)

func line(id string, year int) string {
	return fmt.Sprintf(`{"id":%q,"title":"Work %s","medium":"manga","year":%d}`, id, id, year)
}

func lines(ls ...string) io.Reader { return strings.NewReader(strings.Join(ls, "\n") + "\n") }

// exportJSONL returns the catalog's current works as JSON Lines.
func exportJSONL(t *testing.T, s catalog.Store) string {
	t.Helper()
	var b bytes.Buffer
	if err := s.Each(context.Background(), func(w *catalog.Work) error {
		doc, err := w.MarshalCanonical()
		b.Write(doc)
		b.WriteByte('\n')
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func importOpts(problems *[]string, partial bool) catalog.ImportOptions {
	return catalog.ImportOptions{Change: catalog.Change{Author: "import"}, Partial: partial,
		OnProblem: func(e *catalog.LineError) { *problems = append(*problems, e.Problems()...) }}
}

func mustLastSeq(t *testing.T, s catalog.Store) int64 {
	t.Helper()
	seq, err := s.LastSeq(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return seq
}

// testImportAllOrNothing: each kind of bad line makes the whole file import
// nothing, and every problem is reported with its line and field.
func testImportAllOrNothing(t *testing.T, su suite) {
	tests := []struct {
		name string
		bad  string
		want string
	}{
		{"bad JSON", `{"id":`, "line 2: json: invalid JSON: the line ends inside the work"},
		{"unknown field", `{"id":"x","title":"X","medium":"manga","year":2000,"score":9}`, "line 2: score: unknown field"},
		{"bad enum", `{"id":"x","title":"X","medium":"radio","year":2000}`, "line 2: medium: \"radio\" is not a medium value of the codebook (one of anime_series, anime_film, manga, light_novel, novel, live_action_film, tv_drama, documentary, video_game, other)"},
		{"missing required field", `{"id":"x","medium":"manga","year":2000}`, "line 2: title: is required"},
		{"duplicate id", line("a", 2001), `line 2: id: "a" is a duplicate of line 1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			s := su.open(t)
			if _, err := catalog.Import(ctx, s, lines(line("pre", 1999)), importOpts(new([]string), false)); err != nil {
				t.Fatal(err)
			}
			before, beforeSeq := exportJSONL(t, s), mustLastSeq(t, s)

			var problems []string
			rep, err := catalog.Import(ctx, s, lines(line("a", 2000), tt.bad, line("pre", 2005), line("c", 2002)), importOpts(&problems, false))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{tt.want}, problems); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if rep != (catalog.ImportReport{Rejected: 1}) {
				t.Errorf("report = %+v, want only 1 rejected", rep)
			}
			if after := exportJSONL(t, s); after != before {
				t.Errorf("store changed by a rejected import:\n%s", after)
			}
			if seq := mustLastSeq(t, s); seq != beforeSeq {
				t.Errorf("LastSeq = %d after a rejected import, want %d", seq, beforeSeq)
			}
		})
	}
}

func testImportPartialAndUpsert(t *testing.T, su suite) {
	ctx := context.Background()
	s := su.open(t)
	var problems []string
	rep, err := catalog.Import(ctx, s, lines(line("a", 2000), line("b", 2000)), importOpts(&problems, false))
	if err != nil || rep != (catalog.ImportReport{Created: 2}) {
		t.Fatalf("first import = %+v, %v", rep, err)
	}
	rep, err = catalog.Import(ctx, s, lines(line("a", 2000), `{"id":"bad"}`, line("b", 2003), line("c", 2000), line("c", 2001)), importOpts(&problems, true))
	if err != nil {
		t.Fatal(err)
	}
	if want := (catalog.ImportReport{Created: 1, Updated: 1, Unchanged: 1, Rejected: 2}); rep != want {
		t.Errorf("partial import = %+v, want %+v", rep, want)
	}
	if len(problems) != 4 { // medium, title and year of line 2; the duplicate on line 5
		t.Errorf("problems = %q, want the three of line 2 and the duplicate of line 5", problems)
	}
	revs, _ := s.Revisions(ctx, "b")
	if len(revs) != 2 || revs[1].Op != catalog.OpUpdate || revs[1].Work.Year != 2003 || revs[1].Author != "import" {
		t.Errorf("revisions of b = %+v, want an update to 2003 by import", revs)
	}
	if revs, _ := s.Revisions(ctx, "a"); len(revs) != 1 {
		t.Errorf("unchanged work a has %d revisions, want 1", len(revs))
	}
	if got, _ := s.Get(ctx, "c"); got.Work == nil || got.Work.Year != 2000 {
		t.Errorf("c = %+v, want the first line's (a duplicate line is rejected, not applied)", got.Work)
	}
	// A deleted work imported again is created anew, numbering on.
	if _, err := catalog.DeleteWork(ctx, s, "a", 0, alice); err != nil {
		t.Fatal(err)
	}
	rep, err = catalog.Import(ctx, s, lines(line("a", 2000)), importOpts(&problems, false))
	if r, _ := s.Get(ctx, "a"); err != nil || rep.Created != 1 || r.Number != 3 || r.Op != catalog.OpCreate {
		t.Errorf("re-import of a deleted work = %+v, %v, revision %+v; want created as revision 3", rep, err, r)
	}
}

// testRoundTrip: export, import into an empty store, export again: same bytes.
func testRoundTrip(t *testing.T, su suite) {
	ctx := context.Background()
	src, dst := su.open(t), su.open(t)
	if _, err := catalog.Import(ctx, src, catalog.Shipped(), importOpts(new([]string), false)); err != nil {
		t.Fatal(err)
	}
	first := exportJSONL(t, src)
	if strings.Count(first, "\n") < 100 {
		t.Fatalf("shipped catalog exported only %d works", strings.Count(first, "\n"))
	}
	var problems []string
	rep, err := catalog.Import(ctx, dst, strings.NewReader(first), importOpts(&problems, false))
	if err != nil || len(problems) > 0 {
		t.Fatalf("import of export = %+v, %v, %q", rep, err, problems)
	}
	if second := exportJSONL(t, dst); second != first {
		t.Errorf("export differs after a round trip:\n%s\n---\n%s", first, second)
	}
	// A second import of the same file changes nothing.
	rep, _ = catalog.Import(ctx, dst, strings.NewReader(first), importOpts(&problems, false))
	if rep.Unchanged != strings.Count(first, "\n") || rep.Created+rep.Updated != 0 {
		t.Errorf("re-import = %+v, want all unchanged", rep)
	}
}

func testImportCanceled(t *testing.T, su suite) {
	s := su.open(t)
	ctx, cancel := context.WithCancel(context.Background())
	r := &genReader{n: 10_000, onLine: func(i int) {
		if i == 5000 {
			cancel()
		}
	}}
	_, err := catalog.Import(ctx, s, r, importOpts(new([]string), false))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled import = %v, want context.Canceled", err)
	}
	if n, _ := s.Count(context.Background()); n != 0 {
		t.Errorf("canceled import left %d works, want none", n)
	}
}

func testSeed(t *testing.T, su suite) {
	ctx := context.Background()
	s := su.open(t)
	ch := catalog.Change{Author: "komoru"}
	seeded, rep, err := catalog.Seed(ctx, s, lines(line("a", 2000), line("b", 2000)), ch)
	if err != nil || !seeded || rep.Created != 2 {
		t.Fatalf("Seed = %v, %+v, %v; want 2 created", seeded, rep, err)
	}
	if _, err := catalog.DeleteWork(ctx, s, "a", 0, ch); err != nil {
		t.Fatal(err)
	}
	// A seeded store is never seeded again: a curator's delete stays deleted.
	seeded, _, err = catalog.Seed(ctx, s, lines(line("a", 2000)), ch)
	if err != nil || seeded {
		t.Errorf("second Seed = %v, %v; want no seeding", seeded, err)
	}
	if n, _ := s.Count(ctx); n != 1 {
		t.Errorf("Count = %d, want 1", n)
	}

	empty := su.open(t)
	if seeded, _, err := catalog.Seed(ctx, empty, nil, ch); err != nil || !seeded {
		t.Fatalf("Seed(nil) = %v, %v", seeded, err)
	}
	if seeded, _, _ := catalog.Seed(ctx, empty, lines(line("a", 2000)), ch); seeded {
		t.Error("a store marked empty was seeded later")
	}

	bad := su.open(t)
	if _, _, err := catalog.Seed(ctx, bad, lines(line("a", 2000), `{"id":"x"}`), ch); err == nil {
		t.Error("Seed with a bad line succeeded")
	}
	if n, _ := bad.Count(ctx); n != 0 {
		t.Errorf("failed Seed left %d works", n)
	}
	if seeded, _, err := catalog.Seed(ctx, bad, lines(line("a", 2000)), ch); err != nil || !seeded {
		t.Errorf("Seed after a failed one = %v, %v; want seeded", seeded, err)
	}
}

// Generated returns n generated works in import format, made as they are
// read, so that an import of any size costs the test nothing to hold.
func Generated(n int) io.Reader { return &genReader{n: n} }

// genReader produces n generated works without holding them. onLine is
// called before line i is made; peak is the highest HeapAlloc seen.
type genReader struct {
	n, i   int
	buf    []byte
	onLine func(i int)
	peak   uint64
}

func (g *genReader) Read(p []byte) (int, error) {
	for len(g.buf) == 0 {
		if g.i == g.n {
			return 0, io.EOF
		}
		if g.onLine != nil {
			g.onLine(g.i)
		}
		if g.i%2000 == 0 {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			g.peak = max(g.peak, ms.HeapAlloc)
		}
		g.buf = fmt.Appendf(g.buf[:0], `{"id":"gen-%07d","title":"Generated work %d","original_title":"ひきこもり","medium":"novel","year":%d,`+
			`"countries":["JP"],"creators":[{"name":"Author %d","role":"author"}],"synopsis":"A generated synopsis of a withdrawn character, number %d.",`+
			`"characters":[{"name":"Character %d","gender":"female","role":"protagonist","hikikomori":true}],`+
			`"portrayal":{"realism":"realistic","conditions":["social_anxiety"],"recovery":{"value":"gradual","evidence":"Generated.","spoiler":true}},`+
			`"sources":[{"url":"https://example.org/%d"}]}`+"\n", g.i, g.i, 1950+g.i%70, g.i, g.i, g.i, g.i)
		g.i++
	}
	n := copy(p, g.buf)
	g.buf = g.buf[n:]
	return n, nil
}

// testImportMemoryFlat imports 10,000 and then 100,000 generated works and
// checks that the heap does not grow with the file: the peak for the large
// file stays within a fixed margin of the small one's. The ids an import
// has seen are the store's to keep (Tx.Remember), not memory's.
func testImportMemoryFlat(t *testing.T, su suite) {
	if testing.Short() {
		t.Skip("imports 110,000 works; runs in the full (non -short) pass")
	}
	peak := func(n int) uint64 {
		s := su.open(t)
		runtime.GC()
		g := &genReader{n: n}
		rep, err := catalog.Import(context.Background(), s, g, importOpts(new([]string), false))
		if err != nil || rep.Created != n {
			t.Fatalf("import of %d = %+v, %v", n, rep, err)
		}
		return g.peak
	}
	small, large := peak(10_000), peak(100_000)
	t.Logf("peak heap: %.1f MB for 10,000 works, %.1f MB for 100,000", float64(small)/1e6, float64(large)/1e6)
	// Ten times the file may not cost ten times the memory: allow a fixed
	// 16 MB of garbage-collector slack over the small file's peak.
	if large > small+16<<20 {
		t.Errorf("peak heap grew from %d to %d bytes with a 10x larger file", small, large)
	}
}

// testEvidenceSources: a coding's source number and locator are kept by a
// write, make a revision when they alone change, and survive an export and
// an import into another store.
func testEvidenceSources(t *testing.T, su suite) {
	ctx := context.Background()
	src, dst := su.open(t), su.open(t)
	w := testWork("cited", 2006)
	w.Sources = []catalog.Source{{URL: "https://a.example/", Title: "A"}, {URL: "https://b.example/", Title: "B"}}
	w.Portrayal = catalog.Portrayal{
		"realism":    {Value: "realistic", Evidence: "His panic.", Source: 2, Locator: "episode 3"},
		"conditions": {Values: []string{"paranoia"}, Locator: "chapter 12"},
		"tone":       {Value: "serious", Source: 1},
	}
	if _, err := catalog.CreateWork(ctx, src, w, alice); err != nil {
		t.Fatal(err)
	}
	got, err := src.Get(ctx, "cited")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(w, got.Work); diff != "" {
		t.Errorf("Get (-want +got):\n%s", diff)
	}

	// A new locator alone is a new revision.
	moved := *got.Work
	moved.Portrayal = maps.Clone(got.Work.Portrayal)
	c := moved.Portrayal["realism"]
	c.Locator = "episode 4"
	moved.Portrayal["realism"] = c
	if r, err := catalog.UpdateWork(ctx, src, &moved, 1, alice); err != nil || r.Number != 2 {
		t.Fatalf("UpdateWork with a new locator = %+v, %v; want revision 2", r, err)
	}

	first := exportJSONL(t, src)
	if !strings.Contains(first, `"source":2,"locator":"episode 4"`) || !strings.Contains(first, `"locator":"chapter 12"`) {
		t.Fatalf("export lacks the source and locator:\n%s", first)
	}
	var problems []string
	if _, err := catalog.Import(ctx, dst, strings.NewReader(first), importOpts(&problems, false)); err != nil || len(problems) > 0 {
		t.Fatalf("import of export = %v, %q", err, problems)
	}
	back, err := dst.Get(ctx, "cited")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&moved, back.Work); diff != "" {
		t.Errorf("work after the round trip (-want +got):\n%s", diff)
	}
	if second := exportJSONL(t, dst); second != first {
		t.Errorf("export differs after a round trip:\n%s\n---\n%s", first, second)
	}
}
