package catalog

import (
	"context"
	"time"
)

// Store is the contract every catalog store keeps: catalog/sqlite keeps it
// in one file, catalog/postgres in a database several servers share. The
// rules of the catalog (validation, revision numbering, what an import
// does, who may write what) live in this package and reach a store only
// through Store and Tx, so every store behaves the same. The conformance
// suite catalog/storetest checks each promise below against any store.
//
// # Errors
//
// A method that looks one thing up returns an error wrapping ErrNotFound
// when there is none; a write that would break a uniqueness promise
// returns one wrapping ErrConflict. Errors name what they were about
// ("work \"nhk\": not found"). A canceled context ends an operation with
// an error for which errors.Is(err, ctx.Err()) holds or that wraps it.
//
// # Writes
//
// Every write happens inside Write, which runs fn in one transaction:
//
//   - Writes are serialized: Write calls on one catalog, from any process
//     or server, behave as if run one after another, so what fn reads
//     through its Tx is still true when fn writes.
//   - If fn returns nil the transaction commits, and the commit is durable
//     before Write returns (it survives a crash or power cut). If fn
//     returns an error, or panics, or ctx ends, nothing of it is kept, and
//     Write returns fn's error unchanged (errors.Is holds for it).
//   - A Tx is valid only during fn and only on fn's goroutine.
//
// # The change sequence
//
// Each revision appended gets a sequence number (Revision.Seq) from one
// catalog-wide counter. Numbers only grow and are never reused, even after
// a rolled-back transaction or a restart, and a transaction's numbers
// become visible all at once when it commits. Because writes are
// serialized, Changes(after) read at any time returns revisions in commit
// order, and a reader that remembers the last Seq it saw misses nothing by
// asking for everything after it. The search index follows the catalog
// this way. catalog/postgres serializes writes with a transaction-level
// advisory lock taken first in every write transaction, so its sequence
// numbers are drawn and committed in one order and no follower can skip a
// number committed late (its package doc says why this over reading only
// below the oldest in-flight transaction).
//
// # Reads
//
// Read methods see committed data only. Each sees one consistent snapshot
// for its whole pass, however long, while others write.
type Store interface {
	// Codebook returns the codebook the catalog's works are coded against.
	Codebook() *Codebook

	// Get returns the current revision of a work (the latest, when it is
	// not a delete), with its Work.
	Get(ctx context.Context, id string) (Revision, error)
	// Revision returns revision n of a work, including revisions of a
	// deleted work.
	Revision(ctx context.Context, id string, n int) (Revision, error)
	// Revisions returns every revision of a work, oldest first, including
	// those of a deleted work; ErrNotFound when there are none.
	Revisions(ctx context.Context, id string) ([]Revision, error)
	// Changes returns up to limit revisions with Seq > after, in Seq order.
	Changes(ctx context.Context, after int64, limit int) ([]Revision, error)
	// History returns revisions newest first, as a filter selects them.
	History(ctx context.Context, f HistoryFilter) ([]Revision, error)
	// LastSeq returns the Seq of the latest revision, 0 for none.
	LastSeq(ctx context.Context) (int64, error)
	// Count returns the number of current (not deleted) works.
	Count(ctx context.Context) (int, error)
	// Each calls fn with every current work in id order, from one
	// snapshot, holding one at a time. It stops at fn's first error and
	// returns it.
	Each(ctx context.Context, fn func(*Work) error) error
	// Works returns the current works among ids, in the order of ids,
	// from one snapshot: an id with no current work (never created, or
	// deleted since the ids were listed, as an export's search listed
	// them) is left out, and an id given twice is returned twice. It is
	// the batch read of exports, which fetch a search's hits a few
	// hundred at a time rather than one by one.
	Works(ctx context.Context, ids []string) ([]*Work, error)

	// User returns an account by name.
	User(ctx context.Context, name string) (User, error)
	// Users returns every account in name order.
	Users(ctx context.Context) ([]User, error)
	// Session returns a sign-in session by the hash of its token.
	Session(ctx context.Context, hash string) (Session, error)
	// Token returns an API token by the hash of its secret.
	Token(ctx context.Context, hash string) (Token, error)
	// Tokens returns a user's API tokens, oldest first.
	Tokens(ctx context.Context, user string) ([]Token, error)

	// Proposal returns a proposal by id.
	Proposal(ctx context.Context, id int64) (Proposal, error)
	// Proposals returns proposals as a filter selects them, oldest first.
	Proposals(ctx context.Context, f ProposalFilter) ([]Proposal, error)

	// Round returns a coding round by id.
	Round(ctx context.Context, id string) (Round, error)
	// Rounds returns every coding round, newest first.
	Rounds(ctx context.Context) ([]Round, error)
	// Codings returns every coder's unit of a round, by work then coder.
	Codings(ctx context.Context, round string) ([]CodingUnit, error)

	// Write runs fn in one serialized, durable transaction (see above).
	Write(ctx context.Context, fn func(Tx) error) error
	// Close releases the store. Nothing may be called after it.
	Close() error
}

// Tx is what a write transaction may read and change. Its reads see the
// transaction's own writes. Writes check only what the storage must
// guarantee (uniqueness); the rules are the callers' in this package.
type Tx interface {
	// Head returns the latest revision number of a work, whether that
	// revision deletes it, and the current work's canonical JSON (nil when
	// the work is deleted or never existed, when Number is 0).
	Head(ctx context.Context, id string) (Head, error)
	// Revision returns revision n of a work, as Store.Revision does.
	Revision(ctx context.Context, id string, n int) (Revision, error)
	// Append records r (WorkID, Number, Op, Author, Note, Time, and Work
	// unless Op is OpDelete) with doc, the work's canonical JSON, and makes
	// it the work's current state: a delete removes the work from Get,
	// Each and Count. It returns r with its new Seq. r.Number must be the
	// work's Head number plus one; any other number is ErrConflict.
	Append(ctx context.Context, r Revision, doc []byte) (Revision, error)

	// Remember records key with value for the rest of the transaction, or,
	// if key was recorded before in this transaction, returns the value
	// recorded first and true. It keeps what it records outside memory, so
	// that an import of any length checks its ids for duplicates in flat
	// memory; nothing of it outlives the transaction.
	Remember(ctx context.Context, key string, value int) (first int, seen bool, err error)

	// Meta returns a catalog-wide setting, ErrNotFound if unset.
	Meta(ctx context.Context, key string) (string, error)
	// SetMeta sets a catalog-wide setting.
	SetMeta(ctx context.Context, key, value string) error

	// User returns an account by name.
	User(ctx context.Context, name string) (User, error)
	// PutUser creates or replaces an account, by name.
	PutUser(ctx context.Context, u User) error
	// Invite returns an invitation by the hash of its token.
	Invite(ctx context.Context, hash string) (Invite, error)
	// PutInvite creates or replaces an invitation, by hash.
	PutInvite(ctx context.Context, inv Invite) error
	// DeleteInvites removes every invitation of a user.
	DeleteInvites(ctx context.Context, user string) error
	// Session returns a session by the hash of its token.
	Session(ctx context.Context, hash string) (Session, error)
	// PutSession creates or replaces a session, by hash.
	PutSession(ctx context.Context, s Session) error
	// DeleteSession removes one session; none is not an error.
	DeleteSession(ctx context.Context, hash string) error
	// DeleteSessions removes every session of a user except the one whose
	// hash is keep ("" keeps none).
	DeleteSessions(ctx context.Context, user, keep string) error
	// PutToken creates an API token, or replaces the one with its ID, and
	// returns it with its ID. A new token's hash must be unused.
	PutToken(ctx context.Context, t Token) (Token, error)
	// Token returns an API token by the hash of its secret.
	Token(ctx context.Context, hash string) (Token, error)
	// DeleteToken removes one token of a user; ErrNotFound if the user
	// has no token with that ID.
	DeleteToken(ctx context.Context, user string, id int64) error
	// DeleteTokens removes every token of a user.
	DeleteTokens(ctx context.Context, user string) error
	// Throttle returns the sign-in failures counted against a key (an
	// account or an address); a zero Throttle with the key when none.
	Throttle(ctx context.Context, key string) (Throttle, error)
	// PutThrottle records a key's failures; a zero Failures removes it.
	PutThrottle(ctx context.Context, t Throttle) error

	// Proposal returns a proposal by id.
	Proposal(ctx context.Context, id int64) (Proposal, error)
	// PutProposal creates a proposal (ID 0: a new ID is given, never
	// reused) or replaces the one with its ID, and returns it.
	PutProposal(ctx context.Context, p Proposal) (Proposal, error)

	// Round returns a coding round by id.
	Round(ctx context.Context, id string) (Round, error)
	// PutRound creates or replaces a round, by id.
	PutRound(ctx context.Context, r Round) error
	// Coding returns one coder's unit of a work in a round.
	Coding(ctx context.Context, round, work, coder string) (CodingUnit, error)
	// Codings returns every coder's unit of a round, by work then coder.
	Codings(ctx context.Context, round string) ([]CodingUnit, error)
	// PutCoding creates or replaces a coder's unit, by round, work and
	// coder.
	PutCoding(ctx context.Context, u CodingUnit) error
}

// Head is what a write needs to know of a work's latest revision.
type Head struct {
	Number  int    // the latest revision number; 0 if the work never existed
	Deleted bool   // the latest revision deletes the work
	Doc     []byte // the current work's canonical JSON; nil if none
}

// Exists reports whether the work is current: created and not deleted.
func (h Head) Exists() bool { return h.Number > 0 && !h.Deleted }

// HistoryFilter selects revisions for History. Zero fields select all.
type HistoryFilter struct {
	Author string
	WorkID string
	Before int64 // only revisions with Seq < Before (paging back)
	Limit  int   // at most this many; 0 means 50
}

// ProposalFilter selects proposals for Proposals. Zero fields select all.
type ProposalFilter struct {
	State  ProposalState
	Author string
	WorkID string
	Limit  int // at most this many; 0 means 100
}

// now is the time writes are stamped with when a Change gives none.
func now() time.Time { return time.Now().UTC() }

// Backuper is a store that can copy itself while it is in use. Backup is a
// capability, not part of Store: a store whose data lives in a server of
// its own (PostgreSQL) has that server's tools for it.
//
// Backup writes to the new file path a consistent snapshot of everything
// the store keeps — works, revisions, the change sequence and its counter,
// catalog settings, accounts, invitations, sessions, API tokens,
// proposals, coding rounds and their codings — as of one committed state: every transaction committed
// before the snapshot is whole in it, none committed after is in it at all,
// and writes in progress, of this process or another, are neither waited
// for nor disturbed. It refuses a path that exists (an error wrapping
// fs.ErrExist) and never leaves part of a copy under that name: the file
// appears whole, flushed to stable storage, or not at all.
type Backuper interface {
	Backup(ctx context.Context, path string) error
}
