// Package sqlite stores the catalog in one SQLite file (modernc.org/sqlite,
// no cgo) in write-ahead-log mode: the current works, a revision for every
// write, and the change sequence the search index follows.
//
// A Store is safe for concurrent use, and several processes may open the
// same file: SQLite's locking serializes writers, busy_timeout makes them
// wait rather than fail, and readers never block.
package sqlite
