package server

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/gin-gonic/gin"
	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/export"
)

// loadOpenAPI fetches the document the server serves and loads it with
// kin-openapi, which checks it against OpenAPI 3.1.
func loadOpenAPI(t *testing.T, h http.Handler) (*openapi3.T, routers.Router) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil))
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("GET /api/v1/openapi.json = %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(rec.Body.Bytes())
	if err != nil {
		t.Fatalf("loading the document: %v", err)
	}
	if !doc.IsOpenAPI31OrLater() {
		t.Fatalf("openapi = %q, want 3.1", doc.OpenAPI)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the document is not valid OpenAPI: %v", err)
	}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return doc, router
}

// ginPattern turns a route of Gin (/works/:id, /static/*path) into an
// OpenAPI path (/works/{id}, /static/{path}).
var ginParam = regexp.MustCompile(`[:*]([A-Za-z_]+)`)

func openAPIPath(ginPath string) string { return ginParam.ReplaceAllString(ginPath, "{$1}") }

// TestOpenAPICoversRoutes walks Gin's route table: every route, API or
// page, must be an operation of the document.
func TestOpenAPICoversRoutes(t *testing.T) {
	st := newSite(t)
	doc, _ := loadOpenAPI(t, st.Handler())
	routes := st.routes().(*gin.Engine).Routes()
	if len(routes) < 40 {
		t.Fatalf("the route table has %d routes; the walk is broken", len(routes))
	}
	for _, r := range routes {
		path := openAPIPath(r.Path)
		item := doc.Paths.Value(path)
		if item == nil {
			t.Errorf("%s %s: path %s is not in the OpenAPI document", r.Method, r.Path, path)
			continue
		}
		o := item.GetOperation(r.Method)
		if o == nil {
			t.Errorf("%s %s: no %s operation in the OpenAPI document", r.Method, r.Path, r.Method)
			continue
		}
		// Every path parameter is described.
		for _, name := range pathNames(path) {
			if o.Parameters.GetByInAndName("path", name) == nil && item.Parameters.GetByInAndName("path", name) == nil {
				t.Errorf("%s %s: parameter %s is not described", r.Method, path, name)
			}
		}
	}
}

// TestOpenAPIFacets: the search and the export take every facet of the
// codebook, with the codebook's values.
func TestOpenAPIFacets(t *testing.T) {
	st := newSite(t)
	doc, _ := loadOpenAPI(t, st.Handler())
	cb := catalog.DefaultCodebook()
	for _, path := range []string{"/api/v1/search", "/api/v1/export"} {
		o := doc.Paths.Value(path).Get
		for _, f := range cb.Facets() {
			p := o.Parameters.GetByInAndName("query", f.Name)
			if p == nil {
				t.Errorf("%s: facet %s is not a parameter", path, f.Name)
				continue
			}
			var want []any
			for _, v := range f.Values {
				want = append(want, v.ID)
			}
			if got := p.Schema.Value.Items.Value.Enum; !slices.Equal(got, want) {
				t.Errorf("%s: facet %s takes %v, the codebook has %v", path, f.Name, got, want)
			}
		}
	}
	formats := doc.Paths.Value("/api/v1/export").Get.Parameters.GetByInAndName("query", "format")
	if formats == nil || len(formats.Schema.Value.Enum) != 7 || !formats.Required {
		t.Errorf("export: format parameter %+v, want required, 7 formats", formats)
	}
}

// validateResponse checks one answer against the document and returns
// the operation it belongs to ("GET /api/v1/works/{id}").
func validateResponse(t *testing.T, router routers.Router, r *http.Request, rec *httptest.ResponseRecorder) string {
	t.Helper()
	key, err := checkResponse(router, r, rec)
	if err != nil {
		t.Errorf("%s %s = %d: %v\n%.600s", r.Method, r.URL, rec.Code, err, rec.Body)
	}
	return key
}

func checkResponse(router routers.Router, r *http.Request, rec *httptest.ResponseRecorder) (string, error) {
	route, params, err := router.FindRoute(r)
	if err != nil {
		return "", fmt.Errorf("not in the document: %w", err)
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route},
		Status:                 rec.Code,
		Header:                 rec.Header(),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true},
	}
	in.SetBodyBytes(rec.Body.Bytes())
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		return r.Method + " " + route.Path, fmt.Errorf("the response does not follow the document: %w", err)
	}
	return r.Method + " " + route.Path, nil
}

// TestOpenAPIGolden validates the search's golden responses.
func TestOpenAPIGolden(t *testing.T) {
	st := newSite(t)
	_, router := loadOpenAPI(t, st.Handler())
	files, err := filepath.Glob("testdata/golden/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, name := range files {
		body, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		validateResponse(t, router, httptest.NewRequest(http.MethodGet, "/api/v1/search", nil), jsonRecorder(body))
		// The check can fail: the same response without its total, or
		// with a hit's medium the codebook does not have, does not pass.
		for _, broken := range [][]byte{
			bytes.Replace(body, []byte(`"total":`), []byte(`"totals":`), 1),
			regexp.MustCompile(`"medium": "[a-z_]+"`).ReplaceAll(body, []byte(`"medium": "scroll"`)),
		} {
			if bytes.Equal(broken, body) {
				t.Fatalf("%s: nothing to break", name)
			}
			if _, err := checkResponse(router, httptest.NewRequest(http.MethodGet, "/api/v1/search", nil), jsonRecorder(broken)); err == nil {
				t.Errorf("%s: a broken copy passes the document", name)
			}
		}
	}
}

// TestOpenAPIResponses sends every API route real requests, the errors
// included, and validates each answer against the document; a route of
// the table left untried fails the test.
// Export formats that kin-openapi cannot decode are read as opaque text,
// checked against their string schema.
func init() {
	for _, mt := range []string{"application/jsonl", "application/x-bibtex", "application/x-research-info-systems", "application/zip"} {
		openapi3filter.RegisterBodyDecoder(mt, openapi3filter.FileBodyDecoder)
	}
}

func TestOpenAPIResponses(t *testing.T) {
	st := newSite(t)
	_, router := loadOpenAPI(t, st.Handler())
	cur := st.token(t, st.user(t, "ann", catalog.RoleCurator))
	con := st.token(t, st.user(t, "cyd", catalog.RoleContributor))
	id := st.searchIDs(t, "")[0]
	tried := map[string]bool{}
	send := func(r req, want int) *httptest.ResponseRecorder {
		t.Helper()
		rec := st.do(t, r)
		if rec.Code != want {
			t.Errorf("%s %s = %d, want %d: %.300s", r.method, r.url, rec.Code, want, rec.Body)
		}
		hr := httptest.NewRequest(r.method, r.url, nil)
		tried[validateResponse(t, router, hr, rec)] = true
		return rec
	}
	work := func(id, note string) string {
		return fmt.Sprintf(`{"work": {"id": %q, "title": "Shut-in Diary", "medium": "novel", "year": 2020}, "note": %q}`, id, note)
	}
	send(req{method: "GET", url: "/api/v1/openapi.json"}, 200)
	send(req{method: "GET", url: "/api/v1/search?q=online&explain=true&realism=romanticized"}, 200)
	send(req{method: "GET", url: "/api/v1/search?q=female+manga"}, 200)
	send(req{method: "GET", url: "/api/v1/search?q=kagerou+daze+zzqx"}, 200)
	send(req{method: "GET", url: "/api/v1/search?size=0&realism=nope"}, 400)
	send(req{method: "GET", url: "/api/v1/codebook"}, 200)
	send(req{method: "GET", url: "/api/v1/works/" + id}, 200)
	send(req{method: "GET", url: "/api/v1/works/no-such-work"}, 404)
	send(req{method: "GET", url: "/api/v1/works/" + id + "/revisions"}, 200)
	send(req{method: "GET", url: "/api/v1/works/no-such-work/revisions"}, 404)
	send(req{method: "GET", url: "/api/v1/works/" + id + "/revisions/1"}, 200)
	send(req{method: "GET", url: "/api/v1/works/" + id + "/revisions/x"}, 400)

	send(req{method: "POST", url: "/api/v1/works", body: work("shut-in-diary-novel", "new")}, 401)
	send(req{method: "POST", url: "/api/v1/works", body: work("shut-in-diary-novel", "new"), bearer: cur}, 201)
	send(req{method: "POST", url: "/api/v1/works", body: work("shut-in-diary-novel", "new"), bearer: cur}, 409)
	send(req{method: "POST", url: "/api/v1/works", body: `{"work": {"id": "x"}, "note": ""}`, bearer: cur}, 422)
	send(req{method: "POST", url: "/api/v1/works", body: `[1]`, contentType: "application/json", bearer: cur}, 400)
	send(req{method: "PUT", url: "/api/v1/works/shut-in-diary-novel", body: work("shut-in-diary-novel", "year"), bearer: cur}, 428)
	year := strings.Replace(work("shut-in-diary-novel", "year"), "2020", "2021", 1)
	send(req{method: "PUT", url: "/api/v1/works/shut-in-diary-novel", body: year, bearer: cur,
		header: map[string]string{"If-Match": `"1"`}}, 200)
	send(req{method: "PUT", url: "/api/v1/works/shut-in-diary-novel", body: work("shut-in-diary-novel", "back"), bearer: cur,
		header: map[string]string{"If-Match": `"1"`}}, 412)
	send(req{method: "PUT", url: "/api/v1/works/shut-in-diary-novel", body: strings.Replace(work("shut-in-diary-novel", "t"), "Diary", "Days", 1), bearer: con,
		header: map[string]string{"If-Match": `"2"`}}, 202)
	send(req{method: "POST", url: "/api/v1/works", body: work("other-diary-novel", "new"), bearer: con}, 202)

	send(req{method: "GET", url: "/api/v1/proposals", bearer: con}, 200)
	send(req{method: "GET", url: "/api/v1/proposals?state=bogus", bearer: cur}, 400)
	send(req{method: "GET", url: "/api/v1/proposals"}, 401)
	send(req{method: "GET", url: "/api/v1/proposals/2", bearer: cur}, 200)
	send(req{method: "GET", url: "/api/v1/proposals/99", bearer: cur}, 404)
	send(req{method: "POST", url: "/api/v1/proposals/2/accept", bearer: con}, 403)
	send(req{method: "POST", url: "/api/v1/proposals/2/accept", bearer: cur}, 200)
	send(req{method: "POST", url: "/api/v1/proposals/2/accept", bearer: cur}, 409)
	send(req{method: "POST", url: "/api/v1/proposals/1/reject", body: `{"reason": ""}`, bearer: cur}, 422)
	send(req{method: "POST", url: "/api/v1/proposals/1/reject", body: `{"reason": "stale"}`, bearer: cur}, 200)
	send(req{method: "DELETE", url: "/api/v1/works/other-diary-novel?note=gone", bearer: con,
		header: map[string]string{"If-Match": `"1"`}}, 202)
	send(req{method: "DELETE", url: "/api/v1/works/shut-in-diary-novel?note=gone", bearer: cur,
		header: map[string]string{"If-Match": `"2"`}}, 200)
	send(req{method: "GET", url: "/api/v1/works/shut-in-diary-novel/revisions/3"}, 200) // the delete: work null
	for _, f := range export.Formats() {
		send(req{method: "GET", url: "/api/v1/export?format=" + f.Name + "&realism=realistic"}, 200)
	}
	send(req{method: "GET", url: "/api/v1/export?format=docx"}, 400)
	send(req{method: "GET", url: "/healthz"}, 200)
	send(req{method: "GET", url: "/metrics"}, 200)
	// Coding rounds' figures (codedRound: api_rounds_test.go).
	codedRound(t, st, "r-open", []string{"ann", "cyd"}, false)
	codedRound(t, st, "r-closed", []string{"ann", "cyd"}, true)
	send(req{method: "GET", url: "/api/v1/rounds"}, 200)
	send(req{method: "GET", url: "/api/v1/rounds/r-closed/agreement"}, 200)
	send(req{method: "GET", url: "/api/v1/rounds/r-open/agreement", bearer: cur}, 200)
	send(req{method: "GET", url: "/api/v1/rounds/r-open/agreement", bearer: con}, 403)
	send(req{method: "GET", url: "/api/v1/rounds/r-none/agreement"}, 404)

	for _, r := range st.routes().(*gin.Engine).Routes() {
		if !strings.HasPrefix(r.Path, "/api/") && r.Path != "/healthz" && r.Path != "/metrics" {
			continue
		}
		if key := r.Method + " " + openAPIPath(r.Path); !tried[key] {
			t.Errorf("%s: no response of it was validated", key)
		}
	}
}

// jsonRecorder is a 200 with a JSON body, as the API sends one.
func jsonRecorder(body []byte) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	rec.Header().Set("Content-Type", "application/json; charset=utf-8")
	rec.WriteHeader(http.StatusOK)
	rec.Body = bytes.NewBuffer(body)
	return rec
}
