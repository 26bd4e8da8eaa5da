-- Coding rounds: the round itself (its works, coders, dimensions and
-- adjudications) as one JSON document, and each coder's coding of each
-- work of it.
CREATE TABLE rounds (
	id         TEXT PRIMARY KEY,
	created_at TEXT NOT NULL,
	doc        BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE codings (
	round_id   TEXT NOT NULL REFERENCES rounds (id),
	work_id    TEXT NOT NULL,
	coder      TEXT NOT NULL,
	state      TEXT NOT NULL CHECK (state IN ('draft', 'submitted')),
	updated_at TEXT NOT NULL,
	portrayal  BLOB NOT NULL,
	PRIMARY KEY (round_id, work_id, coder)
) WITHOUT ROWID;
