// Package indexer is komoru's search index: a Bleve index in the data dir,
// derived from the catalog and never the source of truth, with the facet
// machinery that Bleve lacks kept beside it in memory.
//
// Bleve holds the text: titles with accent folding, native-script titles
// with CJK bigrams and unigrams, synopsis and evidence with English
// stemming, names, a keyword for every facet value and the numeric year.
// Every document also has a dense ordinal, and for each (facet, value) the
// index keeps a roaring bitmap of the ordinals that carry it. A query's
// text is turned into a bitmap of matching ordinals straight from Bleve's
// postings lists (no scoring, no per-hit documents); filters, year ranges
// and disjunctive facet counts are then bitmap intersections and
// cardinalities, and sorting walks orderings precomputed per key. Queries
// without text never touch Bleve.
//
// The index follows the catalog's change sequence (see ChangeSource): it
// catches up on open, then polls, so writes by another process become
// searchable within a second or two.
package indexer
