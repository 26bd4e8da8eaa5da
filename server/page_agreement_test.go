package server

import (
	"context"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/komoru/komoru/catalog"
)

// TestPageAgreement: the page says each alpha to 3 decimals with its
// reading in words, draws each matrix as an SVG heatmap with its counts
// as text, links the CSVs and the JSON, and keeps a spoiler dimension's
// values hidden until asked.
func TestPageAgreement(t *testing.T) {
	st := newSite(t)
	st.user(t, "ann", catalog.RoleCurator)
	st.user(t, "bo", catalog.RoleContributor)
	codedRound(t, st, "r1", []string{"ann", "bo"}, true)
	get := func(url string) string {
		t.Helper()
		rec := st.do(t, req{method: "GET", url: url})
		if rec.Code != 200 {
			t.Fatalf("GET %s = %d: %.300s", url, rec.Code, rec.Body)
		}
		return rec.Body.String()
	}
	body := get("/rounds/r1/agreement")
	for _, want := range []string{
		"<h1>Agreement in Round r1</h1>",
		`<svg class="kchart heatmap"`, `role="img"`, `<title id="hm-realism-t">Coincidences of Realism</title>`,
		`href="/rounds/r1/reliability/realism.csv"`, `href="/rounds/r1/reliability/conditions.csv"`,
		`href="/api/v1/rounds/r1/agreement"`,
		"<caption>Coincidences of Realism",
		"Agreement on each value", // conditions is a set
		"ann and bo",
		"Recovery: show <span class=\"muted\">(spoilers)</span>",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	// Alphas to 3 decimals, each with a reading in words.
	if m := regexp.MustCompile(`α = <strong>(-?\d\.\d{3}|undefined)</strong>[^:]*: <span class="ag-reading ag-\w+">(reliable|tentative: only tentative conclusions|not reliable|undefined)</span>`).FindAllString(body, -1); len(m) != 3 {
		t.Errorf("%d alphas with a reading in words, want 3: %q", len(m), m)
	}
	// Counts as text in the heatmap: realism's diagonal has the agreed
	// pairs (2 works realistic or romanticized … each pair counted twice).
	svg := body[strings.Index(body, `<svg class="kchart heatmap"`):]
	svg = svg[:strings.Index(svg, "</svg>")]
	if !regexp.MustCompile(`<text [^>]*class="on-(light|dark)"[^>]*>\d`).MatchString(svg) {
		t.Errorf("the heatmap writes no count: %.500s", svg)
	}
	if strings.Contains(body, "hm-recovery") || strings.Contains(body, "Gradual") {
		t.Error("recovery's values show without asking")
	}
	shown := get("/rounds/r1/agreement?show=recovery")
	if !strings.Contains(shown, "hm-recovery") || !strings.Contains(shown, "Gradual") {
		t.Error("?show=recovery does not show recovery's matrix")
	}
}

// TestCodebookAlpha: /codebook shows a dimension's alpha once a round
// that coded it has closed, and not before.
func TestCodebookAlpha(t *testing.T) {
	st := newSite(t)
	st.user(t, "ann", catalog.RoleCurator)
	st.user(t, "bo", catalog.RoleContributor)
	codedRound(t, st, "r1", []string{"ann", "bo"}, false)
	if body := st.do(t, req{method: "GET", url: "/codebook"}).Body.String(); strings.Contains(body, "ag-codebook") {
		t.Error("an open round's alpha is on the codebook")
	}
	if _, err := catalog.CloseRound(context.Background(), st.store, "r1", st.clock()); err != nil {
		t.Fatal(err)
	}
	body := st.do(t, req{method: "GET", url: "/codebook"}).Body.String()
	if n := strings.Count(body, `class="ag-codebook"`); n != 3 {
		t.Errorf("%d dimensions show an alpha, want 3 (the round's)", n)
	}
	if !regexp.MustCompile(`Coders' agreement in round <a href="/rounds/r1/agreement#realism">Round r1</a>: α = (\d\.\d{3}|undefined), (reliable|tentative: only tentative conclusions|not reliable|undefined)\.`).MatchString(body) {
		t.Errorf("no realism alpha in words on the codebook")
	}
}

// TestWorkCodingOrigin: a work's page says whether its coding was
// adjudicated from a round (and edited since) or made by one curator.
func TestWorkCodingOrigin(t *testing.T) {
	st := newSite(t)
	ctx := context.Background()
	st.user(t, "ann", catalog.RoleCurator)
	st.user(t, "bo", catalog.RoleContributor)
	st.user(t, "cy", catalog.RoleContributor)
	r := codedRound(t, st, "r1", []string{"ann", "bo", "cy"}, true)
	adj, single := r.Works[0], r.Works[1]
	head, err := st.store.Get(ctx, adj)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := catalog.Adjudicate(ctx, st.store, "r1", adj, roundCodings[0][0], head.Number, catalog.Change{Author: "ann"}); err != nil {
		t.Fatal(err)
	}
	origin := func(work string) string {
		t.Helper()
		body := st.do(t, req{method: "GET", url: "/works/" + work}).Body.String()
		m := regexp.MustCompile(`<p class="coding-origin" id="coding-origin">(.*?)</p>`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("%s: no line on how the coding was made", work)
		}
		return m[1]
	}
	if got, want := origin(adj), `Adjudicated from round <a href="/rounds/r1">r1</a>: 3 coders.`; got != want {
		t.Errorf("adjudicated work: %q, want %q", got, want)
	}
	if got := origin(single); got != "Coded by one curator." {
		t.Errorf("single-coded work: %q", got)
	}
	// An edit after the adjudication.
	cur, err := st.store.Get(ctx, adj)
	if err != nil {
		t.Fatal(err)
	}
	w := *cur.Work
	w.Notes = "edited after adjudication"
	if _, err := catalog.UpdateWork(ctx, st.store, &w, cur.Number, catalog.Change{Author: "ann", Note: "note"}); err != nil {
		t.Fatal(err)
	}
	if got := origin(adj); !strings.HasSuffix(got, "3 coders; edited since.") {
		t.Errorf("after an edit: %q", got)
	}
}

// BenchmarkWorkPageOrigin measures a work page with its coding's origin
// while the adjudications are cached (one LastSeq read) and with the
// rounds read again for every page (cold).
func BenchmarkWorkPageOrigin(b *testing.B) {
	st := newSite(b)
	ctx := context.Background()
	for _, name := range []string{"ann", "bo"} {
		if _, err := catalog.AddUser(ctx, st.store, name, catalog.RoleCurator, st.clock()); err != nil {
			b.Fatal(err)
		}
	}
	var works []string
	err := st.store.Each(ctx, func(w *catalog.Work) error {
		if len(works) < 20 {
			works = append(works, w.ID)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	for i := range 10 {
		id := "r" + string(rune('a'+i))
		if _, err := catalog.CreateRound(ctx, st.store, catalog.Round{ID: id, Name: id, Works: works, Coders: []string{"ann", "bo"}, Creator: "ann"}, st.clock()); err != nil {
			b.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		cold bool
	}{{"cached", false}, {"cold", true}} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				if tc.cold {
					st.Server.adjudications.Store(nil)
				}
				rec := httptest.NewRecorder()
				st.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/works/"+works[0], nil))
				if rec.Code != 200 {
					b.Fatal(rec.Code)
				}
			}
		})
	}
}
