// Package postgres keeps the catalog in PostgreSQL, where any number of
// komoru servers share it. It keeps the catalog.Store contract, checked
// by catalog/storetest, and stores what catalog/sqlite stores, in the
// same shape: works, revisions and the change sequence, settings,
// accounts, invitations, sessions, API tokens, sign-in throttles,
// proposals and coding rounds.
//
// # Serialized writes and a gap-free change feed
//
// A PostgreSQL sequence hands out numbers in the order transactions ask
// for them, and transactions commit in another order: a follower that
// read "changes after N" between the commit of number 8 and that of
// number 7 would never see 7. Write therefore takes a transaction-level
// advisory lock (pg_advisory_xact_lock), the catalog's write lock, as the
// first statement of every write transaction, and holds it until the
// commit or rollback. Writers run one after another, from any server, so
// revision numbers are drawn and committed in one order, a commit is
// visible before the next writer draws a number, and every snapshot holds
// a prefix of the change sequence: Changes(after) never skips a change
// committed later with a smaller number. The same lock is what makes
// Write serialized, as the contract asks (what fn reads through its Tx is
// still true when it writes), at READ COMMITTED isolation and without
// serialization failures to retry. The cost is that writes do not run in
// parallel; komoru's writes are short, and an import is one transaction
// either way. The alternative, reading only below the oldest in-flight
// transaction's numbers (pg_snapshot_xmin), would let writers overlap but
// leave Write's read-then-write promise to SERIALIZABLE retries.
//
// The lock key is derived from the schema the catalog lives in, so two
// catalogs in one database (in different schemas, as the tests use) do
// not wait for each other. Sequence numbers come from an identity column,
// so a number is never given twice, even after a rollback; a rolled-back
// write leaves a gap in the numbers, never in what a follower sees.
//
// # Storage
//
// Times are RFC 3339 text in UTC with nanoseconds, as catalog/sqlite
// stores them (timestamptz keeps only microseconds). Work documents are
// bytea, the canonical JSON bytes unchanged. Text keys use the "C"
// collation, so orders are byte orders whatever the database's locale.
// Reads that must see one snapshot across statements (Each) run in a
// REPEATABLE READ, read-only transaction; Tx.Remember keeps its keys in a
// temporary table of the transaction's connection, emptied at its end.
//
// Open applies the embedded migrations under a session-level advisory
// lock, so servers starting at once do not race; the schema_migrations
// table records what was applied.
package postgres
