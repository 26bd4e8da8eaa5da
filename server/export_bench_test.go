package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	rtmetrics "runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/export"
	"github.com/komoru/komoru/catalog/sqlite"
	"github.com/komoru/komoru/indexer"
	"github.com/komoru/komoru/web"
)

// BenchmarkExport100k exports a catalog of 100,000 works in every format
// through the real router (the index lists the hits, the store reads them
// in batches, the encoder writes them) and reports the bytes written and
// the peak growth of the live heap during the export, sampled every
// millisecond by runtime/metrics. The corpus is $KOMORU_EXPORT_CORPUS (in
// import format v1, such as komoru bench's), or 100,000 generated works.
// Setting up takes minutes (an import and an index build); run it once:
//
//	go test ./server -run '^$' -bench Export100k -benchtime 1x -timeout 30m
func BenchmarkExport100k(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	store, err := sqlite.Open(ctx, filepath.Join(dir, "catalog.db"), catalog.DefaultCodebook())
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	var corpus io.Reader
	if path := os.Getenv("KOMORU_EXPORT_CORPUS"); path != "" {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		corpus = f
	} else {
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(generateCorpus(pw, 100_000)) }()
		corpus = pr
	}
	start := time.Now()
	rep, err := catalog.Import(ctx, store, corpus, catalog.ImportOptions{Change: catalog.Change{Author: "bench"}})
	if err != nil {
		b.Fatal(err)
	}
	ix, err := indexer.Open(ctx, filepath.Join(dir, "index"), store, indexer.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	b.Logf("imported %d works and built the index in %v", rep.Created, time.Since(start).Round(time.Second))
	srv, err := New(Config{Store: store, Search: ix, Index: ix, Codebook: store.Codebook(), Assets: web.FS,
		PublicURL: "https://komoru.example"})
	if err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	for _, f := range export.Formats() {
		b.Run(f.Name, func(b *testing.B) {
			for b.Loop() {
				w := &countingResponse{header: http.Header{}}
				base, peak := sampleHeap(func() {
					h.ServeHTTP(w, httptest.NewRequest("GET", "/api/v1/export?format="+f.Name, nil))
				})
				if w.status != http.StatusOK {
					b.Fatalf("%s: %d", f.Name, w.status)
				}
				b.ReportMetric(float64(w.n)/(1<<20), "MB-written")
				b.ReportMetric(float64(base)/(1<<20), "MB-heap-before")
				b.ReportMetric(float64(peak)/(1<<20), "MB-peak-heap-growth")
			}
		})
	}
}

// countingResponse is a response writer that counts the body and keeps
// none of it.
type countingResponse struct {
	header http.Header
	status int
	n      int64
}

func (w *countingResponse) Header() http.Header { return w.header }

func (w *countingResponse) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *countingResponse) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	w.n += int64(len(p))
	return len(p), nil
}

// sampleHeap runs f and returns the heap's objects after a collection
// before f, and the peak of their growth over it, sampled every
// millisecond while f runs. The peak counts garbage not yet collected: up
// to GOGC percent of the live heap (the index of 100,000 works) comes and
// goes between collections whatever f keeps.
func sampleHeap(f func()) (base, peak uint64) {
	sample := []rtmetrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		rtmetrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	runtime.GC()
	base = read()
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			if v := read(); v > base && v-base > peak {
				peak = v - base
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	f()
	close(done)
	wg.Wait()
	return base, peak
}

// generateCorpus writes n works in import format v1, about 2 KB each.
func generateCorpus(w io.Writer, n int) error {
	cb := catalog.DefaultCodebook()
	medium, _ := cb.Facet(catalog.FacetMedium)
	synopsis := strings.Repeat("A young man stays in his room for years; his family waits. ", 10)
	for i := range n {
		var p strings.Builder
		for j, d := range cb.Dimensions {
			if j > 0 {
				p.WriteByte(',')
			}
			v := fmt.Sprintf("%q", d.Values[i%len(d.Values)].ID)
			key := "value"
			if d.Multi {
				v, key = "["+v+"]", "values"
			}
			fmt.Fprintf(&p, `%q:{%q:%s,"evidence":"Episode 3: he does not open the door.","locator":"episode 3"}`, d.ID, key, v)
		}
		_, err := fmt.Fprintf(w, `{"id":"synthetic-%07d","title":"Room %d of the long night","medium":%q,"year":%d,"creators":[{"name":"Taro Yamada%d","role":"author"}],"synopsis":%q,"portrayal":{%s}}`+"\n",
			i, i, medium.Values[i%len(medium.Values)].ID, 1990+i%35, i, synopsis, p.String())
		if err != nil {
			return err
		}
	}
	return nil
}
