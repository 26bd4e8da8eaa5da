package server

import (
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestAPIDocMatchesOpenAPI checks doc/api.md, written for people, against
// the OpenAPI document: its "Every route" table holds exactly the
// document's routes outside the pages, and every route it names anywhere
// (`GET /api/v1/works/{id}`) is one of the document's.
func TestAPIDocMatchesOpenAPI(t *testing.T) {
	st := newSite(t)
	doc, router := loadOpenAPI(t, st.Handler())
	b, err := os.ReadFile("../doc/api.md")
	if err != nil {
		t.Fatal(err)
	}
	md := string(b)
	var documented []string
	for path, item := range doc.Paths.Map() {
		for method, o := range item.Operations() {
			if !slices.Contains(o.Tags, "pages") {
				documented = append(documented, method+" "+path)
			}
		}
	}
	_, table, ok := strings.Cut(md, "\n## Every route\n")
	if !ok {
		t.Fatal("doc/api.md has no \"## Every route\" section")
	}
	table, _, _ = strings.Cut(table, "\n## ")
	var listed []string
	for _, m := range regexp.MustCompile("(?m)^\\| `([A-Z]+ /\\S*)`").FindAllStringSubmatch(table, -1) {
		listed = append(listed, m[1])
	}
	slices.Sort(documented)
	slices.Sort(listed)
	for _, r := range documented {
		if !slices.Contains(listed, r) {
			t.Errorf("doc/api.md's table lacks %s, which the OpenAPI document has", r)
		}
	}
	for _, r := range listed {
		if !slices.Contains(documented, r) {
			t.Errorf("doc/api.md's table lists %s, which the OpenAPI document has not", r)
		}
	}
	if len(listed) < 15 {
		t.Errorf("the table lists %d routes; is it read right?", len(listed))
	}
	// Every route named in the text, with templates or real values.
	named := regexp.MustCompile("`(GET|HEAD|POST|PUT|DELETE) (/[^`\\s…?]*)").FindAllStringSubmatch(md, -1)
	if len(named) < 20 {
		t.Fatalf("doc/api.md names %d routes; is it read right?", len(named))
	}
	for _, m := range named {
		method, path := m[1], m[2]
		if strings.HasSuffix(path, "/") && path != "/" {
			continue // cut short in the text: "GET /api/v1/works/…"
		}
		if doc.Paths.Find(path) != nil && doc.Paths.Find(path).GetOperation(method) != nil {
			continue
		}
		if method == "HEAD" {
			method = "GET" // every route answers HEAD as GET
		}
		r := httptest.NewRequest(method, strings.NewReplacer("{", "x", "}", "x").Replace(path), nil)
		if _, _, err := router.FindRoute(r); err != nil {
			t.Errorf("doc/api.md names %s %s, which the OpenAPI document has not: %v", m[1], path, err)
		}
	}
}
