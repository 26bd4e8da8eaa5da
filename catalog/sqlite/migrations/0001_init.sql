-- Every create, update and delete is a revision. seq is the store-wide change
-- sequence: AUTOINCREMENT never reuses a number, so "everything after N"
-- is a stable question for the search index, from any process.
CREATE TABLE revisions (
	seq        INTEGER PRIMARY KEY AUTOINCREMENT,
	work_id    TEXT    NOT NULL,
	number     INTEGER NOT NULL,
	op         TEXT    NOT NULL CHECK (op IN ('create', 'update', 'delete')),
	author     TEXT    NOT NULL,
	note       TEXT    NOT NULL DEFAULT '',
	created_at TEXT    NOT NULL,
	doc        BLOB,   -- the work's canonical JSON as it became; NULL for a delete
	UNIQUE (work_id, number)
);

-- The current works: each points at its latest revision, which holds the
-- document, so a work's JSON is stored once.
CREATE TABLE works (
	id  TEXT    PRIMARY KEY,
	seq INTEGER NOT NULL REFERENCES revisions (seq)
) WITHOUT ROWID;

CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;
