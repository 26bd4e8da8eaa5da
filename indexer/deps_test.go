package indexer

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImports keeps the indexer a library of the domain and Bleve: no web
// framework, no storage driver, no direct net/http (bleve reaches
// net/http through expvar, which is why this checks direct imports), and
// nothing of komoru but catalog.
func TestImports(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{join .Imports "\n"}}`, ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, imp := range strings.Fields(string(out)) {
		switch {
		case imp == "net/http",
			strings.Contains(imp, "gin-gonic"),
			strings.Contains(imp, "sqlite"),
			strings.HasPrefix(imp, "github.com/komoru/komoru/") && imp != "github.com/komoru/komoru/catalog":
			t.Errorf("indexer imports %s", imp)
		case strings.Contains(imp, "."):
			if !strings.HasPrefix(imp, "github.com/blevesearch/") && !strings.HasPrefix(imp, "github.com/RoaringBitmap/roaring") &&
				imp != "github.com/komoru/komoru/catalog" {
				t.Errorf("indexer imports %s: only catalog, bleve and roaring are expected", imp)
			}
		}
	}
	deps, err := exec.Command("go", "list", "-deps", "-f", "{{with .Module}}{{.Path}}{{end}}", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, m := range strings.Fields(string(deps)) {
		if strings.Contains(m, "gin-gonic") || strings.Contains(m, "gocolly") || m == "modernc.org/sqlite" {
			t.Errorf("indexer reaches module %s", m)
		}
	}
}
