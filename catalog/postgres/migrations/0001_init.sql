-- The whole catalog of catalog/sqlite's migrations 0001 to 0003, in
-- PostgreSQL's types. Text that is sorted or compared (ids, names) uses
-- the "C" collation, so that orders are byte orders, as in SQLite, whatever
-- the database's locale. Times are RFC 3339 text in UTC with nanoseconds
-- ("" for the zero time): timestamptz keeps only microseconds.

-- Every create, update and delete is a revision. seq is the store-wide change
-- sequence: an identity column draws from a sequence, which never gives a
-- number twice, even after a rollback. Writers hold the catalog's write
-- lock while they draw and commit (see the package doc), so numbers are
-- committed in the order they were drawn.
CREATE TABLE revisions (
	seq        bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	work_id    text    COLLATE "C" NOT NULL,
	number     integer NOT NULL,
	op         text    NOT NULL CHECK (op IN ('create', 'update', 'delete')),
	author     text    COLLATE "C" NOT NULL,
	note       text    NOT NULL DEFAULT '',
	created_at text    NOT NULL,
	doc        bytea,  -- the work's canonical JSON as it became; NULL for a delete
	UNIQUE (work_id, number)
);
-- /changes filtered by author, newest first.
CREATE INDEX revisions_author ON revisions (author, seq);

-- The current works: each points at its latest revision, which holds the
-- document, so a work's JSON is stored once.
CREATE TABLE works (
	id  text   COLLATE "C" PRIMARY KEY,
	seq bigint NOT NULL REFERENCES revisions (seq)
);

CREATE TABLE meta (
	key   text COLLATE "C" PRIMARY KEY,
	value text NOT NULL
);

-- Accounts, their sign-in sessions, invitations and API tokens. Secrets are
-- never stored: only the SHA-256 of a session's, invite's or token's
-- secret, and the password's argon2id hash with its parameters.
CREATE TABLE users (
	name                text    COLLATE "C" PRIMARY KEY,
	role                text    NOT NULL CHECK (role IN ('contributor', 'curator', 'admin')),
	password_hash       text    NOT NULL DEFAULT '',
	disabled            boolean NOT NULL DEFAULT false,
	created_at          text    NOT NULL,
	password_changed_at text    NOT NULL DEFAULT ''
);

CREATE TABLE invites (
	hash       text COLLATE "C" PRIMARY KEY,
	user_name  text COLLATE "C" NOT NULL REFERENCES users (name),
	expires_at text NOT NULL
);
CREATE INDEX invites_user ON invites (user_name);

CREATE TABLE sessions (
	hash       text COLLATE "C" PRIMARY KEY,
	user_name  text COLLATE "C" NOT NULL REFERENCES users (name),
	created_at text NOT NULL,
	seen_at    text NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_name);

CREATE TABLE tokens (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	hash       text   COLLATE "C" NOT NULL UNIQUE,
	user_name  text   COLLATE "C" NOT NULL REFERENCES users (name),
	name       text   NOT NULL,
	created_at text   NOT NULL,
	expires_at text   NOT NULL DEFAULT '',
	used_at    text   NOT NULL DEFAULT ''
);
CREATE INDEX tokens_user ON tokens (user_name);

-- Failed sign-ins per account ("user:NAME") and per address ("ip:ADDR").
CREATE TABLE throttles (
	key      text    COLLATE "C" PRIMARY KEY,
	failures integer NOT NULL,
	last_at  text    NOT NULL
);

-- Contributors' proposals, waiting for review or reviewed. IDs come from
-- a sequence and are never reused.
CREATE TABLE proposals (
	id          bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	work_id     text    COLLATE "C" NOT NULL,
	op          text    NOT NULL CHECK (op IN ('create', 'update', 'delete')),
	base        integer NOT NULL,
	doc         bytea,
	author      text    COLLATE "C" NOT NULL,
	note        text    NOT NULL DEFAULT '',
	created_at  text    NOT NULL,
	state       text    NOT NULL CHECK (state IN ('pending', 'accepted', 'rejected')),
	reviewer    text    NOT NULL DEFAULT '',
	reason      text    NOT NULL DEFAULT '',
	reviewed_at text    NOT NULL DEFAULT '',
	revision    integer NOT NULL DEFAULT 0
);
CREATE INDEX proposals_state ON proposals (state, id);
CREATE INDEX proposals_author ON proposals (author, id);
CREATE INDEX proposals_work ON proposals (work_id, id);

-- Coding rounds: the round itself (its works, coders, dimensions and
-- adjudications) as one JSON document, and each coder's coding of each
-- work of it.
CREATE TABLE rounds (
	id         text  COLLATE "C" PRIMARY KEY,
	created_at text  COLLATE "C" NOT NULL,
	doc        bytea NOT NULL
);

CREATE TABLE codings (
	round_id   text  COLLATE "C" NOT NULL REFERENCES rounds (id),
	work_id    text  COLLATE "C" NOT NULL,
	coder      text  COLLATE "C" NOT NULL,
	state      text  NOT NULL CHECK (state IN ('draft', 'submitted')),
	updated_at text  NOT NULL,
	portrayal  bytea NOT NULL,
	PRIMARY KEY (round_id, work_id, coder)
);
