package indexer

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/komoru/komoru/catalog"
)

// gatedCatalog holds a build at its first work until the gate opens.
type gatedCatalog struct {
	*testCatalog
	gate chan struct{}
}

func (g gatedCatalog) Each(ctx context.Context, fn func(*catalog.Work) error) error {
	<-g.gate
	return g.testCatalog.Each(ctx, fn)
}

// TestOpenInBackground: the directory is locked at once; until the index
// is built, searches get a BuildingError with the progress, catch-ups do
// nothing and Ready says so; then everything answers.
func TestOpenInBackground(t *testing.T) {
	ctx := context.Background()
	cat := newTestCatalog(t)
	var works []*catalog.Work
	for i := range 2500 {
		works = append(works, &catalog.Work{ID: fmt.Sprintf("w-%04d", i), Title: fmt.Sprintf("Room %d", i), Medium: "novel", Year: 2000})
	}
	cat.put(works...)
	g := gatedCatalog{cat, make(chan struct{})}
	dir := t.TempDir() + "/index"
	var seen []int
	p, err := OpenInBackground(ctx, dir, g, Options{BatchSize: 1000, Progress: func(n int) { seen = append(seen, n) }}, len(works))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, dir, cat, Options{}); !errors.Is(err, ErrLocked) {
		t.Errorf("Open while opening in the background: %v, want ErrLocked", err)
	}
	var bld *BuildingError
	if _, err := p.Search(ctx, Query{Text: "room"}); !errors.As(err, &bld) || bld.Total != len(works) || bld.Indexed != 0 {
		t.Errorf("search before the build: %v, want a BuildingError of 0 of %d", err, len(works))
	}
	if h := p.Health(); h.State != HealthStarting || !errors.As(h.Err, &bld) || h.Err.Error() != "building the search index: 0 of 2500 works" {
		t.Errorf("Health before the build = %q, %v; want starting with a BuildingError", h.State, h.Err)
	}
	if n, err := p.CatchUp(ctx); n != 0 || err != nil {
		t.Errorf("CatchUp before the build: %d, %v", n, err)
	}
	close(g.gate)
	ix, err := p.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if fmt.Sprint(seen) != "[1000 2000]" {
		t.Errorf("progress %v, want [1000 2000]", seen)
	}
	if h := p.Health(); h.State != HealthOK || h.Err != nil {
		t.Errorf("Health after the build = %q, %v; want ok", h.State, h.Err)
	}
	res, err := p.Search(ctx, Query{Text: "room"})
	if err != nil || res.Total != len(works) {
		t.Errorf("search after the build: %v, %v", res, err)
	}
}
