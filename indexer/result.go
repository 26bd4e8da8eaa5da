package indexer

import "github.com/komoru/komoru/catalog"

// Result is one page of a search, with the facet counts of the whole
// result.
type Result struct {
	Total  int
	Page   int
	Size   int
	Hits   []Hit
	Facets []FacetResult // in the order of Query.Facets, or display order
	// DroppedWords are the query's words, as typed, left out because all
	// of them together matched nothing (Query.Matching); nil when none was.
	DroppedWords []string
}

// Hit is one work of a result page.
type Hit struct {
	ID            string
	Title         string
	OriginalTitle string
	Medium        string
	Year          int
	Portrayal     catalog.Portrayal
	// CodingStatus is the work's coding status (catalog.StatusCoded,
	// StatusPartial or StatusUncoded): Portrayal cannot tell it, as it
	// leaves out a set coded as empty.
	CodingStatus string
	// Highlights says why the hit matched: it maps each kind of text the
	// query matched (HighlightTitle, HighlightSynopsis, HighlightAltTitles,
	// HighlightNames, HighlightTopics, HighlightEvidence) to the texts or
	// fragments with the matched words in <mark>, everything else
	// HTML-escaped.
	Highlights map[string][]string
	// Ranking is, with Query.Explain and relevance order, where each
	// ranking rule put the hit.
	Ranking []RankingStep
	// Synopsis is, with Query.Synopses, the synopsis as plain text when
	// Highlights has none of it.
	Synopsis string
}

// FacetResult is the counts of one facet.
type FacetResult struct {
	Name   string
	Label  string
	Values []FacetValue
}

// FacetValue is one value of a facet: how many works of the result would
// carry it, counted disjunctively (the facet's own selection does not
// narrow its counts), and whether it is selected.
type FacetValue struct {
	Value    string
	Label    string
	Count    int
	Selected bool
	// Spoiler is true when some of the works counted carry the value with
	// their coding flagged as a spoiler: a page hiding spoilers hides it.
	Spoiler bool
}
