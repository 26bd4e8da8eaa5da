package main

import (
	"context"
	"slices"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/harvest"
	"github.com/komoru/komoru/indexer"
	"github.com/komoru/komoru/server"
)

// formHarvester is what /works/new?from= runs: one page harvested into a
// draft, matched against the catalog through the search index (the works
// its titles find), so a form never reads the whole catalog.
type formHarvester struct {
	h      *harvest.Harvester
	store  catalog.Store
	search server.Searcher
}

// Draft harvests the page and lists the works it may already be.
func (f *formHarvester) Draft(ctx context.Context, url string) (catalog.Draft, error) {
	d, err := f.h.Draft(ctx, url)
	if err != nil {
		return d, err
	}
	w := &d.Work
	var ids []string
	for _, t := range append([]string{w.Title, w.OriginalTitle, w.RomanizedTitle}, w.AltTitles...) {
		// The title's words, every one required and spelled right: a
		// title that only resembles another is a different work.
		text := harvest.TitleKey(t)
		if text == "" {
			continue
		}
		res, err := f.search.Search(ctx, indexer.Query{Text: text, Size: 10, Facets: []string{}, Matching: indexer.MatchingAll})
		if err != nil {
			// Without the index the form is still filled; it only
			// cannot say what the catalog has.
			d.Warnings = append(d.Warnings, "the catalog could not be searched for this work: "+err.Error())
			break
		}
		for _, h := range res.Hits {
			if !slices.Contains(ids, h.ID) {
				ids = append(ids, h.ID)
			}
		}
	}
	if len(ids) == 0 {
		return d, nil
	}
	works, err := f.store.Works(ctx, ids)
	if err != nil {
		return d, err
	}
	d.Matches = harvest.NewMatcher(works).Draft(&d)
	return d, nil
}
