// Package catalog defines komoru's domain: works, their coding against the
// codebook, revisions, validation, and the import format (JSON Lines, v1).
//
// It depends on the standard library only. Storage (catalog/sqlite), the
// search index (indexer), the web server (server) and the crawler
// (catalog/harvest) all import catalog; catalog imports none of them.
package catalog
