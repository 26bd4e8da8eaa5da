package harvest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/komoru/komoru/catalog"
)

// Fetcher fetches pages. *Colly is the real one; tests may serve pages
// from memory.
type Fetcher interface {
	// Fetch fetches every URL and calls fn once for each, with the page
	// or the reason it failed. Calls for different hosts may come at
	// once; fn must be safe for that.
	Fetch(ctx context.Context, urls []string, fn func(rawURL string, p *Page, err error))
}

// Failure is a URL that could not be harvested, and why.
type Failure struct {
	URL string
	Err error
}

func (f Failure) Error() string { return f.URL + ": " + f.Err.Error() }

// Harvester turns URLs into drafts: it fetches the pages, extracts their
// facts, merges the pages about one work and looks each draft up in the
// catalog.
type Harvester struct {
	Fetcher    Fetcher
	Extractors []Extractor // nil: Extractors()
	Listers    []Lister    // nil: Listers()
	// Known matches drafts and candidates against the catalog; nil
	// matches nothing.
	Known *Matcher
}

// Drafts harvests the URLs into one draft per work, in the order of the
// URLs that first named each, and lists the URLs that failed. A failure
// does not stop the others.
func (h *Harvester) Drafts(ctx context.Context, urls []string) ([]catalog.Draft, []Failure) {
	exs := h.Extractors
	if exs == nil {
		exs = Extractors()
	}
	facts := make([]Facts, len(urls))
	got := make([]bool, len(urls))
	var failures []Failure
	var mu sync.Mutex
	pos := map[string][]int{}
	for i, u := range urls {
		pos[u] = append(pos[u], i)
	}
	h.Fetcher.Fetch(ctx, urls, func(u string, p *Page, err error) {
		var f Facts
		if err == nil {
			f = Extract(p, exs)
		}
		if err == nil && f.Empty() {
			err = errors.New("found no title, medium, year or creator on the page")
		}
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			failures = append(failures, Failure{u, err})
			return
		}
		for _, i := range pos[u] {
			facts[i], got[i] = f, true
		}
	})
	// Failures come in the order of the URLs, whichever host answered
	// first.
	slices.SortStableFunc(failures, func(a, b Failure) int { return pos[a.URL][0] - pos[b.URL][0] })
	var ok []Facts
	for i := range facts {
		if got[i] {
			ok = append(ok, facts[i])
		}
	}
	drafts := Merge(ok)
	for i := range drafts {
		drafts[i].Matches = h.Known.Draft(&drafts[i])
	}
	return drafts, failures
}

// Draft harvests one URL into one draft: what /works/new?from= fills the
// form with.
func (h *Harvester) Draft(ctx context.Context, url string) (catalog.Draft, error) {
	drafts, failures := h.Drafts(ctx, []string{url})
	if len(failures) > 0 {
		return catalog.Draft{}, failures[0].Err
	}
	if len(drafts) == 0 {
		return catalog.Draft{}, fmt.Errorf("%s: found no work on the page", url)
	}
	return drafts[0], nil
}

// Discover reads a list page and returns the works it names that the
// catalog does not have, in the page's order.
func (h *Harvester) Discover(ctx context.Context, url string) ([]Candidate, error) {
	ls := h.Listers
	if ls == nil {
		ls = Listers()
	}
	var page *Page
	var ferr error
	h.Fetcher.Fetch(ctx, []string{url}, func(_ string, p *Page, err error) { page, ferr = p, err })
	if ferr != nil {
		return nil, ferr
	}
	if page == nil {
		return nil, fmt.Errorf("%s: nothing fetched", url)
	}
	for _, l := range ls {
		if !l.Match(page) {
			continue
		}
		all, err := l.List(page)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", url, l.Name(), err)
		}
		var out []Candidate
		seen := map[string]bool{}
		for _, c := range all {
			k := TitleKey(c.Title)
			if k == "" || seen[k+"\x00"+c.Medium] || h.Known.Known(&c) {
				continue
			}
			seen[k+"\x00"+c.Medium] = true
			out = append(out, c)
		}
		return out, nil
	}
	return nil, fmt.Errorf("%s: not a list page komoru reads (a TV Tropes trope page, a Wikipedia list or category, a MyAnimeList tag, genre or search page)", url)
}
