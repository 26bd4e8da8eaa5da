package server

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/export"
)

// exportIDs returns the ids of a jsonl export, in its order.
func exportIDs(t *testing.T, body []byte) []string {
	t.Helper()
	var ids []string
	dec := catalog.NewDecoder(bytes.NewReader(body), catalog.DefaultCodebook())
	for {
		w, err := dec.Next()
		if err == io.EOF {
			return ids
		}
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, w.ID)
	}
}

// searchIDs returns every hit of a search through /api/v1/search, page
// after page.
func searchIDs(t *testing.T, st *site, params string) []string {
	t.Helper()
	var ids []string
	for page := 1; ; page++ {
		rec := st.do(t, req{method: "GET", url: fmt.Sprintf("/api/v1/search?%s&size=100&page=%d", params, page)})
		if rec.Code != http.StatusOK {
			t.Fatalf("search %s: %d %s", params, rec.Code, rec.Body)
		}
		res := decodeJSON[searchResponse](t, rec)
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		if len(ids) >= res.Total || len(res.Hits) == 0 {
			return ids
		}
	}
}

// TestAPIExport exports searches through the real router: every hit, in
// the search's order, beyond one store batch and one search page.
func TestAPIExport(t *testing.T) {
	st := newSite(t)
	ctx := context.Background()
	// 300 more works, so that an export spans several store batches and
	// several pages of the search.
	var more strings.Builder
	for i := range 300 {
		fmt.Fprintf(&more, `{"id":"extra-%03d","title":"Extra room %d","medium":"manga","year":%d,"portrayal":{"realism":"realistic"}}`+"\n", i, i, 1990+i%30)
	}
	if _, err := catalog.Import(ctx, st.store, strings.NewReader(more.String()), catalog.ImportOptions{Change: catalog.Change{Author: "test"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	for _, params := range []string{
		"medium=manga&sort=year",
		"realism=realistic&sort=title",
		"q=room&realism=realistic",
		"q=hikikomori+OR+room&sort=-year",
		"year_from=2000&year_to=2010",
		"q=zzzqqq&typo=false",
	} {
		t.Run(params, func(t *testing.T) {
			rec := st.do(t, req{method: "GET", url: "/api/v1/export?format=jsonl&" + params})
			if rec.Code != http.StatusOK {
				t.Fatalf("%d %s", rec.Code, rec.Body)
			}
			want := searchIDs(t, st, params)
			if params != "q=zzzqqq&typo=false" && len(want) == 0 {
				t.Fatal("the search has no hits; the case needs some")
			}
			if diff := cmp.Diff(want, exportIDs(t, rec.Body.Bytes())); diff != "" {
				t.Errorf("export ids (-search +export):\n%s", diff)
			}
		})
	}
	if got := exportIDs(t, st.do(t, req{method: "GET", url: "/api/v1/export?format=jsonl&medium=manga"}).Body.Bytes()); len(got) < 300 {
		t.Errorf("export of the manga has %d works, want over 300", len(got))
	}
}

// TestAPIExportFormats: each format is served with the registry's type, as
// an attachment named by the day, and the data package records the query
// and the catalog's change sequence.
func TestAPIExportFormats(t *testing.T) {
	st := newSite(t)
	seq, err := st.store.LastSeq(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range export.Formats() {
		rec := st.do(t, req{method: "GET", url: "/api/v1/export?realism=realistic&format=" + f.Name})
		if rec.Code != http.StatusOK {
			t.Errorf("%s: %d %s", f.Name, rec.Code, rec.Body)
			continue
		}
		if got := rec.Header().Get("Content-Type"); got != f.MediaType {
			t.Errorf("%s: Content-Type %q, want %q", f.Name, got, f.MediaType)
		}
		if got, want := rec.Header().Get("Content-Disposition"), `attachment; filename=komoru-2026-06-01.`+f.Ext; got != want {
			t.Errorf("%s: Content-Disposition %q, want %q", f.Name, got, want)
		}
		if rec.Body.Len() < 1000 {
			t.Errorf("%s: %d bytes, too few for the realistic works", f.Name, rec.Body.Len())
		}
		if f.Name != "datapackage" {
			continue
		}
		zr, err := zip.NewReader(bytes.NewReader(rec.Body.Bytes()), int64(rec.Body.Len()))
		if err != nil {
			t.Fatal(err)
		}
		rc, err := zr.Open("datapackage.json")
		if err != nil {
			t.Fatal(err)
		}
		var desc struct {
			Komoru struct {
				Query     string
				ChangeSeq int64 `json:"change_seq"`
				Works     int
			}
		}
		if err := json.NewDecoder(rc).Decode(&desc); err != nil {
			t.Fatal(err)
		}
		rc.Close()
		realistic := len(searchIDs(t, st, "realism=realistic"))
		if desc.Komoru.Query != "http://example.com/api/v1/export?realism=realistic&format=datapackage" ||
			desc.Komoru.ChangeSeq != seq || desc.Komoru.Works != realistic {
			t.Errorf("provenance %+v, want the query URL, change %d and %d works", desc.Komoru, seq, realistic)
		}
	}
}

// TestAPIExportErrors: bad parameters are 400s naming each, as the
// search's are, and a missing or unknown format lists the formats.
func TestAPIExportErrors(t *testing.T) {
	st := newSite(t)
	names := strings.Join(export.Names(), ", ")
	for _, tc := range []struct {
		query  string
		fields map[string]string
	}{
		{"", map[string]string{"format": "give one of " + names}},
		{"realism=realistic", map[string]string{"format": "give one of " + names}},
		{"format=xlsx", map[string]string{"format": `must be one of ` + names + `, got "xlsx"`}},
		{"format=csv&format=ris", map[string]string{"format": "give it once"}},
		{"format=xlsx&realism=sparkly&colour=red&sort=price", map[string]string{
			"format":  `must be one of ` + names + `, got "xlsx"`,
			"realism": "", "colour": "unknown parameter: not a facet"}},
		{"format=csv&sort=price", map[string]string{"sort": ""}},
		{"format=csv&year_from=soon", map[string]string{"year_from": "must be a year, such as 1999"}},
	} {
		rec := st.do(t, req{method: "GET", url: "/api/v1/export?" + tc.query})
		if rec.Code != http.StatusBadRequest {
			t.Errorf("?%s: %d, want 400", tc.query, rec.Code)
			continue
		}
		e := apiErrorOf(t, rec)
		if e.Code != "bad_parameter" {
			t.Errorf("?%s: code %q", tc.query, e.Code)
		}
		for field, msg := range tc.fields {
			if got, ok := e.Fields[field]; !ok || (msg != "" && got != msg) {
				t.Errorf("?%s: %s = %q, want %q (fields %v)", tc.query, field, got, msg, e.Fields)
			}
		}
		// The search's own parameters answer as /api/v1/search does.
		q, _ := url.ParseQuery(tc.query)
		q.Del("format")
		if len(q) > 0 {
			se := apiErrorOf(t, st.do(t, req{method: "GET", url: "/api/v1/search?" + q.Encode()}))
			for field, msg := range se.Fields {
				if e.Fields[field] != msg {
					t.Errorf("?%s: %s = %q, the search says %q", tc.query, field, e.Fields[field], msg)
				}
			}
		}
	}
}
