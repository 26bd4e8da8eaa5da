package sqlite

import (
	"context"
	"testing"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/storetest"
)

// BenchmarkImport imports 10,000 generated works into a new catalog file.
func BenchmarkImport(b *testing.B) {
	for range b.N {
		b.StopTimer()
		s, err := Open(context.Background(), b.TempDir()+"/catalog.db", catalog.DefaultCodebook())
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		opts := catalog.ImportOptions{Change: catalog.Change{Author: "import"}}
		if _, err := catalog.Import(context.Background(), s, storetest.Generated(10_000), opts); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s.Close()
	}
	b.ReportMetric(float64(10_000*b.N)/b.Elapsed().Seconds(), "works/s")
}
