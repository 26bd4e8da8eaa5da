package server

import (
	"context"
	"html"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/export"
)

func init() { zeroPages["cite"] = citePage{} }

// TestCitePage: /cite cites the catalog at its change sequence number,
// dated by that change, with the codebook's version, the site's URL and
// the licence, in every format; an edit to the catalog raises the version
// and the date; the footer of every page links to it.
func TestCitePage(t *testing.T) {
	st := newSite(t)
	ctx := context.Background()
	check := func(seq int64, day time.Time) {
		t.Helper()
		rec := st.do(t, req{method: "GET", url: "/cite"})
		if rec.Code != http.StatusOK {
			t.Fatalf("/cite: %d", rec.Code)
		}
		page := rec.Body.String()
		v := strconv.FormatInt(seq, 10)
		d := export.Dataset{BaseURL: "http://example.com", Seq: seq, CodebookVersion: st.store.Codebook().Version, Time: day}
		for id, want := range map[string]string{"cite-text": d.Text(), "cite-bibtex": d.BibTeX(), "cite-ris": d.RIS(), "cite-csljson": d.CSLJSON()} {
			tag := "code"
			if id == "cite-text" {
				tag = "span"
			}
			if got := html.UnescapeString(elementHTML(t, page, tag, id)); got != want {
				t.Errorf("/cite %s:\n%s\nwant\n%s", id, got, want)
			}
		}
		for _, want := range []string{"<strong>" + v + "</strong>, of " + day.Format("2 January 2006"), "codebook " + d.CodebookVersion,
			`href="/cite/CITATION.cff"`, "CC BY 4.0"} {
			if !strings.Contains(page, want) {
				t.Errorf("/cite lacks %q", want)
			}
		}
		rec = st.do(t, req{method: "GET", url: "/cite/CITATION.cff"})
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != cffMediaType ||
			rec.Header().Get("Content-Disposition") != `attachment; filename="CITATION.cff"` {
			t.Errorf("CITATION.cff: %d, %q, %q", rec.Code, rec.Header().Get("Content-Type"), rec.Header().Get("Content-Disposition"))
		}
		if got := rec.Body.String(); got != d.CFF() {
			t.Errorf("CITATION.cff:\n%s\nwant\n%s", got, d.CFF())
		}
		for _, want := range []string{`version: "` + v + `"`, `date-released: "` + day.Format(time.DateOnly) + `"`, `url: "http://example.com"`} {
			if !strings.Contains(rec.Body.String(), want) {
				t.Errorf("CITATION.cff lacks %s", want)
			}
		}
	}
	seq, err := st.store.LastSeq(ctx)
	if err != nil || seq == 0 {
		t.Fatalf("the seeded catalog's sequence: %d, %v", seq, err)
	}
	check(seq, catalog.ShippedRevised())

	const id = "welcome-to-the-nhk-anime"
	rev, err := st.store.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	w := *rev.Work
	w.Notes = "A closer reading of episode 1."
	edited := time.Date(2031, 5, 4, 10, 30, 0, 0, time.UTC)
	if _, err := catalog.UpdateWork(ctx, st.store, &w, rev.Number, catalog.Change{Author: "cora", Note: "notes", Time: edited}); err != nil {
		t.Fatal(err)
	}
	check(seq+1, edited)

	if page := st.do(t, req{method: "GET", url: "/codebook"}).Body.String(); !strings.Contains(page, `<a href="/cite">Cite the catalog</a>`) {
		t.Error("the footer does not link to /cite")
	}
}

// TestCiteCached: /cite and its CITATION.cff carry the catalog version's
// ETag, and answer 304 to a client whose copy is current: they change
// only when the catalog does.
func TestCiteCached(t *testing.T) {
	st := newSite(t)
	for _, path := range []string{"/cite", "/cite/CITATION.cff"} {
		rec := st.do(t, req{method: "GET", url: path})
		etag := rec.Header().Get("ETag")
		if etag == "" {
			t.Errorf("%s has no ETag", path)
			continue
		}
		if rec := st.do(t, req{method: "GET", url: path, header: map[string]string{"If-None-Match": etag}}); rec.Code != http.StatusNotModified {
			t.Errorf("%s with its ETag: %d, want 304", path, rec.Code)
		}
	}
}

// TestWorkCitationIsTheExports: a work page's BibTeX is the very entry
// the bibtex export writes for the work, and its JSON-LD and OpenGraph
// types are the export registry's for its medium: one table of types, for
// every medium the shipped catalog has.
func TestWorkCitationIsTheExports(t *testing.T) {
	st := newSite(t)
	rec := st.do(t, req{method: "GET", url: "/api/v1/export?format=bibtex"})
	if rec.Code != http.StatusOK {
		t.Fatalf("bibtex export: %d", rec.Code)
	}
	all := rec.Body.String()
	media := map[string]bool{}
	var works []*catalog.Work
	if err := st.store.Each(context.Background(), func(w *catalog.Work) error {
		if !media[w.Medium] {
			media[w.Medium] = true
			works = append(works, w)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, w := range works {
		page := st.do(t, req{method: "GET", url: "/works/" + w.ID}).Body.String()
		entry := html.UnescapeString(elementHTML(t, page, "code", "cite-bibtex"))
		if !strings.HasPrefix(entry, "@"+export.KindOf(w.Medium).BibTeX+"{") || !strings.Contains(all, entry+"\n\n") {
			t.Errorf("%s: the page's BibTeX is not the export's entry:\n%s", w.ID, entry)
		}
		k := export.KindOf(w.Medium)
		for _, want := range []string{`"@type":"` + k.SchemaOrg + `"`, `<meta property="og:type" content="` + k.OpenGraph + `">`} {
			if !strings.Contains(page, want) {
				t.Errorf("%s (%s): the page lacks %s", w.ID, w.Medium, want)
			}
		}
	}
	if len(media) < 5 {
		t.Errorf("the shipped catalog has %d media; the test would prove little", len(media))
	}
}
