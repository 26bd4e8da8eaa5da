package server

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/komoru/komoru/indexer"
)

// searchPageBenchmarks are the search pages the benchmarks serve: a text
// search with a filter and a suggested one, the landing page (every facet
// value, the histogram, pagination), and a text whose hits carry
// highlights and "matched" lines.
var searchPageBenchmarks = []struct{ name, url string }{
	{"game_realistic", "/?q=game&realism=realistic"},
	{"landing", "/"},
	{"hikikomori", "/?q=hikikomori"},
}

// BenchmarkSearchPage serves the search page through the real router,
// search and all.
func BenchmarkSearchPage(b *testing.B) {
	st := newSite(b)
	h := st.Handler()
	for _, bm := range searchPageBenchmarks {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				w := discardResponse{header: http.Header{}}
				h.ServeHTTP(&w, httptest.NewRequest("GET", bm.url, nil))
				if w.status != http.StatusOK {
					b.Fatalf("GET %s: %d", bm.url, w.status)
				}
			}
		})
	}
}

// BenchmarkSearchPageSearch runs the search page's search alone: what
// BenchmarkSearchPage costs beyond it is the page's own.
func BenchmarkSearchPageSearch(b *testing.B) {
	st := newSite(b)
	for _, bm := range searchPageBenchmarks {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, _, _, err := searchForPage(st.Server, bm.url); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// discardResponse is a response writer that keeps the status and drops
// the body, as a network connection would take it: an httptest recorder's
// growing copy of each page would count in the benchmark's allocations.
type discardResponse struct {
	header http.Header
	status int
}

func (w *discardResponse) Header() http.Header { return w.header }

func (w *discardResponse) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *discardResponse) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return len(b), nil
}

// BenchmarkSearchPageView builds and renders the search page from a
// result searched once: the page's own cost, without the search's.
func BenchmarkSearchPageView(b *testing.B) {
	st := newSite(b)
	for _, bm := range searchPageBenchmarks {
		b.Run(bm.name, func(b *testing.B) {
			c, params, q, res, suggested := searchedOnce(b, st.Server, bm.url)
			var buf bytes.Buffer
			b.ReportAllocs()
			for b.Loop() {
				p, err := st.searchResults(c, params, q, res, suggested)
				if err != nil {
					b.Fatal(err)
				}
				buf.Reset()
				if err := st.pages["search"].ExecuteTemplate(&buf, "base", p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSearchPageRender executes the search page's template alone,
// its page built once.
func BenchmarkSearchPageRender(b *testing.B) {
	st := newSite(b)
	for _, bm := range searchPageBenchmarks {
		b.Run(bm.name, func(b *testing.B) {
			c, params, q, res, suggested := searchedOnce(b, st.Server, bm.url)
			p, err := st.searchResults(c, params, q, res, suggested)
			if err != nil {
				b.Fatal(err)
			}
			var buf bytes.Buffer
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				if err := st.pages["search"].ExecuteTemplate(&buf, "base", p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// searchedOnce runs the search page's search for target, and returns
// what searchResults builds the page from.
func searchedOnce(b *testing.B, s *Server, target string) (*gin.Context, url.Values, indexer.Query, *indexer.Result, []suggestedFilter) {
	b.Helper()
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest("GET", target, nil)
	params, q, res, suggested, err := searchForPage(s, target)
	if err != nil {
		b.Fatal(err)
	}
	return c, params, q, res, suggested
}

// searchForPage runs the search page's search for target as pageSearch
// does.
func searchForPage(s *Server, target string) (url.Values, indexer.Query, *indexer.Result, []suggestedFilter, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, indexer.Query{}, nil, nil, err
	}
	params := u.Query()
	q, err := parseSearchParams(params, s.cb)
	if err != nil {
		return nil, indexer.Query{}, nil, nil, err
	}
	res, suggested, err := s.searchForPage(context.Background(), params, q)
	return params, q, res, suggested, err
}
