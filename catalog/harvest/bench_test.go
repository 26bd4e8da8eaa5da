package harvest

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkExtract reads a saved Wikipedia article with every extractor,
// parsing included: the cost of a page once it has arrived.
func BenchmarkExtract(b *testing.B) {
	for _, name := range []string{"wikipedia_The_Wandering_Earth_2019.html", "wikipedia_parsoid_Garou_Mark_of_the_Wolves_2026.html"} {
		body, err := os.ReadFile(filepath.Join("testdata", "wikipedia", name))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				p, err := NewPage("https://en.wikipedia.org/wiki/X", "text/html", body)
				if err != nil {
					b.Fatal(err)
				}
				if f := Extract(p, Extractors()); f.Title == "" {
					b.Fatal("no title")
				}
			}
		})
	}
}
