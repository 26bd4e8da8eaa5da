package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencyRules enforces the import rules of doc/design.md: imports point
// inward toward catalog, catalog stays free of infrastructure, web is a leaf.
func TestDependencyRules(t *testing.T) {
	const mod = "github.com/komoru/komoru"
	// Modules a package must not reach, even transitively.
	forbiddenModules := map[string][]string{
		mod + "/catalog": {"github.com/gin-gonic/gin", "github.com/blevesearch/", "github.com/gocolly/", "modernc.org/sqlite", "github.com/jackc/pgx"},
		mod + "/indexer": {"github.com/gin-gonic/gin", "github.com/gocolly/", "modernc.org/sqlite", "github.com/jackc/pgx"},
		mod + "/web":     {"github.com/"},
		// The encoders stand beside the domain: catalog and the standard
		// library only.
		mod + "/catalog/export": {"github.com/"},
		// Agreement is arithmetic: catalog and the standard library only.
		mod + "/catalog/agreement": {"github.com/"},
		// How a row is read is the stores' shared part: no driver in it.
		mod + "/catalog/internal/storerow": {"github.com/"},
		mod + "/catalog/postgres":          {"modernc.org/sqlite", "github.com/gin-gonic/gin", "github.com/blevesearch/"},
	}
	// Packages a package must not import directly.
	forbiddenImports := map[string][]string{
		mod + "/catalog":        {"net/http", "database/sql", mod + "/"},
		mod + "/catalog/sqlite": {mod + "/indexer", mod + "/server", mod + "/web", mod + "/catalog/harvest"},
		// The conformance suite knows the contract only, never a store.
		mod + "/catalog/postgres":  {mod + "/catalog/sqlite", mod + "/catalog/harvest", mod + "/indexer", mod + "/server", mod + "/web"},
		mod + "/catalog/storetest": {mod + "/catalog/sqlite", mod + "/catalog/postgres", mod + "/indexer", mod + "/server", mod + "/web"},
		mod + "/catalog/harvest":   {mod + "/catalog/sqlite", mod + "/indexer", mod + "/server", mod + "/web"},
		mod + "/catalog/export":    {"net/http", "database/sql", mod + "/catalog/sqlite", mod + "/indexer", mod + "/server", mod + "/web"},
		mod + "/catalog/agreement": {"net/http", "database/sql", mod + "/catalog/sqlite", mod + "/indexer", mod + "/server", mod + "/web"},
		mod + "/indexer":           {"net/http", mod + "/catalog/sqlite", mod + "/catalog/harvest", mod + "/server", mod + "/web"},
		mod + "/server":            {mod + "/catalog/sqlite", mod + "/catalog/harvest"},
		mod + "/web":               {mod + "/"},
	}

	pkgs := goList(t, "-f", "{{.ImportPath}}", mod+"/...")
	checked := 0
	for _, pkg := range pkgs {
		if bad, ok := forbiddenImports[pkg]; ok {
			checked++
			for _, imp := range goList(t, "-f", `{{join .Imports "\n"}}`, pkg) {
				for _, b := range bad {
					if imp == b || (strings.HasSuffix(b, "/") && strings.HasPrefix(imp, b)) {
						t.Errorf("%s imports %s, which the dependency rules forbid", pkg, imp)
					}
				}
			}
		}
		if bad, ok := forbiddenModules[pkg]; ok {
			for _, m := range goList(t, "-deps", "-f", "{{with .Module}}{{.Path}}{{end}}", pkg) {
				if m == mod {
					continue // the package's own module
				}
				for _, b := range bad {
					if strings.HasPrefix(m, b) {
						t.Errorf("%s depends on module %s, which the dependency rules forbid", pkg, m)
					}
				}
			}
		}
	}
	if checked < 4 {
		t.Errorf("checked only %d packages; is go list seeing the module?", checked)
	}
}

func goList(t *testing.T, args ...string) []string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list"}, args...)...).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("go list %v: %v\n%s", args, err, ee.Stderr)
		}
		t.Fatalf("go list %v: %v", args, err)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}
