-- Accounts, their sign-in sessions, invitations and API tokens. Secrets are
-- never stored: only the SHA-256 of a session's, invite's or token's
-- secret, and the password's argon2id hash with its parameters.
CREATE TABLE users (
	name                TEXT    PRIMARY KEY,
	role                TEXT    NOT NULL CHECK (role IN ('contributor', 'curator', 'admin')),
	password_hash       TEXT    NOT NULL DEFAULT '',
	disabled            INTEGER NOT NULL DEFAULT 0,
	created_at          TEXT    NOT NULL,
	password_changed_at TEXT    NOT NULL DEFAULT ''
) WITHOUT ROWID;

CREATE TABLE invites (
	hash       TEXT PRIMARY KEY,
	user_name  TEXT NOT NULL REFERENCES users (name),
	expires_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX invites_user ON invites (user_name);

CREATE TABLE sessions (
	hash       TEXT PRIMARY KEY,
	user_name  TEXT NOT NULL REFERENCES users (name),
	created_at TEXT NOT NULL,
	seen_at    TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions (user_name);

CREATE TABLE tokens (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	hash       TEXT    NOT NULL UNIQUE,
	user_name  TEXT    NOT NULL REFERENCES users (name),
	name       TEXT    NOT NULL,
	created_at TEXT    NOT NULL,
	expires_at TEXT    NOT NULL DEFAULT '',
	used_at    TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX tokens_user ON tokens (user_name);

-- Failed sign-ins per account ("user:NAME") and per address ("ip:ADDR").
CREATE TABLE throttles (
	key      TEXT    PRIMARY KEY,
	failures INTEGER NOT NULL,
	last_at  TEXT    NOT NULL
) WITHOUT ROWID;

-- Contributors' proposals, waiting for review or reviewed.
CREATE TABLE proposals (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	work_id     TEXT    NOT NULL,
	op          TEXT    NOT NULL CHECK (op IN ('create', 'update', 'delete')),
	base        INTEGER NOT NULL,
	doc         BLOB,
	author      TEXT    NOT NULL,
	note        TEXT    NOT NULL DEFAULT '',
	created_at  TEXT    NOT NULL,
	state       TEXT    NOT NULL CHECK (state IN ('pending', 'accepted', 'rejected')),
	reviewer    TEXT    NOT NULL DEFAULT '',
	reason      TEXT    NOT NULL DEFAULT '',
	reviewed_at TEXT    NOT NULL DEFAULT '',
	revision    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX proposals_state ON proposals (state, id);
CREATE INDEX proposals_author ON proposals (author, id);

-- /changes filtered by author, newest first.
CREATE INDEX revisions_author ON revisions (author, seq);
