package indexer

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/komoru/komoru/catalog"
)

// BenchmarkBuild builds the index from works held in memory (no store),
// beside two floors: Bleve indexing nothing but each work's synopsis, with
// and without the positions phrases need. The floors bound what any
// mapping of komoru's documents could reach with Bleve on this machine.
// KOMORU_BENCH_CORPUS names a corpus of gen_corpus.py; without it the
// shipped catalog is built.
//
//	go test ./indexer -run '^$' -bench Build -benchtime 1x
func BenchmarkBuild(b *testing.B) {
	works := benchCorpus(b)
	cb := catalog.DefaultCodebook()
	b.Run("komoru", func(b *testing.B) {
		c := newTestCatalog(b)
		c.put(works...)
		for b.Loop() {
			if err := Build(b.Context(), filepath.Join(b.TempDir(), "index"), c, Options{Codebook: cb}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(works)*b.N)/b.Elapsed().Seconds(), "works/s")
	})
	for _, positions := range []bool{true, false} {
		name := "bleve-synopsis-only"
		if !positions {
			name += "-no-positions"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				buildSynopsisOnly(b, works, positions)
			}
			b.ReportMetric(float64(len(works)*b.N)/b.Elapsed().Seconds(), "works/s")
		})
	}
}

// buildSynopsisOnly indexes works' synopses alone, fed to Bleve as Build
// feeds it (batcher): komoru's analyzer, batches of 1000, two in flight.
func buildSynopsisOnly(b *testing.B, works []*catalog.Work, positions bool) {
	m, err := newMapping()
	if err != nil {
		b.Fatal(err)
	}
	f := bleve.NewTextFieldMapping()
	f.Analyzer = textAnalyzer
	f.IncludeTermVectors = positions
	f.Store, f.IncludeInAll, f.DocValues = false, false, false
	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt(fieldBody, f)
	dm.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())
	m.DefaultMapping = dm
	m.TypeMapping = nil // every document takes dm
	bi, err := bleve.NewUsing(filepath.Join(b.TempDir(), "floor"), m, scorch.Name, scorch.Name, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer bi.Close()
	bt := newBatcher(bi, 1000)
	for _, w := range works {
		if err := bt.index(b.Context(), w.ID, map[string]any{fieldBody: w.Synopsis}); err != nil {
			b.Fatal(err)
		}
	}
	if err := bt.close(); err != nil {
		b.Fatal(err)
	}
}

// benchCorpus reads KOMORU_BENCH_CORPUS, or the shipped catalog.
func benchCorpus(b *testing.B) []*catalog.Work {
	name := os.Getenv("KOMORU_BENCH_CORPUS")
	if name == "" {
		var works []*catalog.Work
		dec := catalog.NewDecoder(catalog.Shipped(), catalog.DefaultCodebook())
		for {
			w, err := dec.Next()
			if errors.Is(err, io.EOF) {
				return works
			}
			if err != nil {
				b.Fatal(err)
			}
			works = append(works, w)
		}
	}
	return loadWorks(b, name)
}
