package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/komoru/komoru/catalog"
)

const userColumns = "name, role, password_hash, disabled, created_at, password_changed_at"

func scanUser(row scanner) (catalog.User, error) {
	var (
		u                catalog.User
		role             string
		created, changed string
	)
	if err := row.Scan(&u.Name, &role, &u.PasswordHash, &u.Disabled, &created, &changed); err != nil {
		return u, err
	}
	u.Role = catalog.Role(role)
	return u, parseTimes(fmt.Sprintf("user %q", u.Name), &created, &u.Created, &changed, &u.PasswordChanged)
}

// parseTimes parses pairs of (text, destination).
func parseTimes(what string, pairs ...any) error {
	for i := 0; i < len(pairs); i += 2 {
		t, err := parseTime(*pairs[i].(*string))
		if err != nil {
			return fmt.Errorf("%s: stored time: %w", what, err)
		}
		*pairs[i+1].(*time.Time) = t
	}
	return nil
}

// User returns an account by name.
func (s *Store) User(ctx context.Context, name string) (catalog.User, error) {
	return user(ctx, s.db, name)
}

// User returns an account by name, in the transaction.
func (t *tx) User(ctx context.Context, name string) (catalog.User, error) {
	return user(ctx, t.tx, name)
}

func user(ctx context.Context, q querier, name string) (catalog.User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE name = ?", name))
	return u, notFound(err, fmt.Sprintf("user %q", name))
}

// Users returns every account in name order.
func (s *Store) Users(ctx context.Context) ([]catalog.User, error) {
	return queryAll(ctx, s.db, scanUser, "SELECT "+userColumns+" FROM users ORDER BY name")
}

// PutUser creates or replaces an account.
func (t *tx) PutUser(ctx context.Context, u catalog.User) error {
	_, err := t.exec(ctx, `INSERT INTO users (`+userColumns+`) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
		ON CONFLICT (name) DO UPDATE SET role = ?2, password_hash = ?3, disabled = ?4, created_at = ?5, password_changed_at = ?6`,
		u.Name, string(u.Role), u.PasswordHash, u.Disabled, fmtTime(u.Created), fmtTime(u.PasswordChanged))
	return err
}

// Invite returns an invitation by the hash of its token.
func (t *tx) Invite(ctx context.Context, hash string) (catalog.Invite, error) {
	var (
		inv     catalog.Invite
		expires string
	)
	err := t.queryRow(ctx, "SELECT hash, user_name, expires_at FROM invites WHERE hash = ?", hash).Scan(&inv.Hash, &inv.User, &expires)
	if err != nil {
		return inv, notFound(err, "invite")
	}
	return inv, parseTimes("invite", &expires, &inv.Expires)
}

// PutInvite creates or replaces an invitation.
func (t *tx) PutInvite(ctx context.Context, inv catalog.Invite) error {
	_, err := t.exec(ctx, `INSERT INTO invites (hash, user_name, expires_at) VALUES (?1, ?2, ?3)
		ON CONFLICT (hash) DO UPDATE SET user_name = ?2, expires_at = ?3`, inv.Hash, inv.User, fmtTime(inv.Expires))
	return err
}

// DeleteInvites removes every invitation of a user.
func (t *tx) DeleteInvites(ctx context.Context, user string) error {
	_, err := t.exec(ctx, "DELETE FROM invites WHERE user_name = ?", user)
	return err
}

func scanSession(row scanner) (catalog.Session, error) {
	var (
		s             catalog.Session
		created, seen string
	)
	if err := row.Scan(&s.Hash, &s.User, &created, &seen); err != nil {
		return s, err
	}
	return s, parseTimes("session", &created, &s.Created, &seen, &s.Seen)
}

const sessionQuery = "SELECT hash, user_name, created_at, seen_at FROM sessions WHERE hash = ?"

// Session returns a session by the hash of its token.
func (s *Store) Session(ctx context.Context, hash string) (catalog.Session, error) {
	se, err := scanSession(s.db.QueryRowContext(ctx, sessionQuery, hash))
	return se, notFound(err, "session")
}

// Session returns a session by the hash of its token, in the transaction.
func (t *tx) Session(ctx context.Context, hash string) (catalog.Session, error) {
	se, err := scanSession(t.queryRow(ctx, sessionQuery, hash))
	return se, notFound(err, "session")
}

// PutSession creates or replaces a session.
func (t *tx) PutSession(ctx context.Context, s catalog.Session) error {
	_, err := t.exec(ctx, `INSERT INTO sessions (hash, user_name, created_at, seen_at) VALUES (?1, ?2, ?3, ?4)
		ON CONFLICT (hash) DO UPDATE SET user_name = ?2, created_at = ?3, seen_at = ?4`,
		s.Hash, s.User, fmtTime(s.Created), fmtTime(s.Seen))
	return err
}

// DeleteSession removes one session.
func (t *tx) DeleteSession(ctx context.Context, hash string) error {
	_, err := t.exec(ctx, "DELETE FROM sessions WHERE hash = ?", hash)
	return err
}

// DeleteSessions removes every session of a user but keep.
func (t *tx) DeleteSessions(ctx context.Context, user, keep string) error {
	_, err := t.exec(ctx, "DELETE FROM sessions WHERE user_name = ? AND hash <> ?", user, keep)
	return err
}

const tokenColumns = "id, hash, user_name, name, created_at, expires_at, used_at"

func scanToken(row scanner) (catalog.Token, error) {
	var (
		tk                     catalog.Token
		created, expires, used string
	)
	if err := row.Scan(&tk.ID, &tk.Hash, &tk.User, &tk.Name, &created, &expires, &used); err != nil {
		return tk, err
	}
	return tk, parseTimes(fmt.Sprintf("token %d", tk.ID), &created, &tk.Created, &expires, &tk.Expires, &used, &tk.Used)
}

// Token returns an API token by the hash of its secret.
func (s *Store) Token(ctx context.Context, hash string) (catalog.Token, error) {
	tk, err := scanToken(s.db.QueryRowContext(ctx, "SELECT "+tokenColumns+" FROM tokens WHERE hash = ?", hash))
	return tk, notFound(err, "token")
}

// Token returns an API token by the hash of its secret, in the transaction.
func (t *tx) Token(ctx context.Context, hash string) (catalog.Token, error) {
	tk, err := scanToken(t.queryRow(ctx, "SELECT "+tokenColumns+" FROM tokens WHERE hash = ?", hash))
	return tk, notFound(err, "token")
}

// Tokens returns a user's API tokens, oldest first.
func (s *Store) Tokens(ctx context.Context, user string) ([]catalog.Token, error) {
	return queryAll(ctx, s.db, scanToken, "SELECT "+tokenColumns+" FROM tokens WHERE user_name = ? ORDER BY id", user)
}

// PutToken creates a token (ID 0) or replaces the one with its ID.
func (t *tx) PutToken(ctx context.Context, tk catalog.Token) (catalog.Token, error) {
	var err error
	if tk.ID == 0 {
		err = t.queryRow(ctx, `INSERT INTO tokens (hash, user_name, name, created_at, expires_at, used_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			tk.Hash, tk.User, tk.Name, fmtTime(tk.Created), fmtTime(tk.Expires), fmtTime(tk.Used)).Scan(&tk.ID)
	} else {
		var res sql.Result
		res, err = t.exec(ctx, `UPDATE tokens SET hash = ?, user_name = ?, name = ?, created_at = ?, expires_at = ?, used_at = ? WHERE id = ?`,
			tk.Hash, tk.User, tk.Name, fmtTime(tk.Created), fmtTime(tk.Expires), fmtTime(tk.Used), tk.ID)
		if err == nil {
			if n, _ := res.RowsAffected(); n == 0 {
				err = fmt.Errorf("token %d: %w", tk.ID, catalog.ErrNotFound)
			}
		}
	}
	if isUnique(err) {
		err = fmt.Errorf("token: a token with this secret exists: %w", catalog.ErrConflict)
	}
	return tk, err
}

// DeleteToken removes one token of a user.
func (t *tx) DeleteToken(ctx context.Context, user string, id int64) error {
	res, err := t.exec(ctx, "DELETE FROM tokens WHERE user_name = ? AND id = ?", user, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("token %d of %q: %w", id, user, catalog.ErrNotFound)
	}
	return nil
}

// DeleteTokens removes every token of a user.
func (t *tx) DeleteTokens(ctx context.Context, user string) error {
	_, err := t.exec(ctx, "DELETE FROM tokens WHERE user_name = ?", user)
	return err
}

// Throttle returns the failed sign-ins counted against key.
func (t *tx) Throttle(ctx context.Context, key string) (catalog.Throttle, error) {
	th := catalog.Throttle{Key: key}
	var last string
	err := t.queryRow(ctx, "SELECT failures, last_at FROM throttles WHERE key = ?", key).Scan(&th.Failures, &last)
	if err == sql.ErrNoRows {
		return th, nil
	}
	if err != nil {
		return th, err
	}
	return th, parseTimes("throttle", &last, &th.Last)
}

// PutThrottle records a key's failures; zero removes them.
func (t *tx) PutThrottle(ctx context.Context, th catalog.Throttle) error {
	if th.Failures == 0 {
		_, err := t.exec(ctx, "DELETE FROM throttles WHERE key = ?", th.Key)
		return err
	}
	_, err := t.exec(ctx, `INSERT INTO throttles (key, failures, last_at) VALUES (?1, ?2, ?3)
		ON CONFLICT (key) DO UPDATE SET failures = ?2, last_at = ?3`, th.Key, th.Failures, fmtTime(th.Last))
	return err
}
