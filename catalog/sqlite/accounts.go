package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/internal/storerow"
)

// User returns an account by name.
func (s *Store) User(ctx context.Context, name string) (catalog.User, error) {
	return user(ctx, s.db, name)
}

// User returns an account by name, in the transaction.
func (t *tx) User(ctx context.Context, name string) (catalog.User, error) {
	return user(ctx, t.tx, name)
}

func user(ctx context.Context, q querier, name string) (catalog.User, error) {
	u, err := storerow.ScanUser(q.QueryRowContext(ctx, "SELECT "+storerow.UserColumns+" FROM users WHERE name = ?", name))
	return u, notFound(err, fmt.Sprintf("user %q", name))
}

// Users returns every account in name order.
func (s *Store) Users(ctx context.Context) ([]catalog.User, error) {
	return queryAll(ctx, s.db, storerow.ScanUser, "SELECT "+storerow.UserColumns+" FROM users ORDER BY name")
}

// PutUser creates or replaces an account.
func (t *tx) PutUser(ctx context.Context, u catalog.User) error {
	_, err := t.exec(ctx, `INSERT INTO users (`+storerow.UserColumns+`) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
		ON CONFLICT (name) DO UPDATE SET role = ?2, password_hash = ?3, disabled = ?4, created_at = ?5, password_changed_at = ?6`,
		u.Name, string(u.Role), u.PasswordHash, u.Disabled, storerow.FormatTime(u.Created), storerow.FormatTime(u.PasswordChanged))
	return err
}

// Invite returns an invitation by the hash of its token.
func (t *tx) Invite(ctx context.Context, hash string) (catalog.Invite, error) {
	inv, err := storerow.ScanInvite(t.queryRow(ctx, "SELECT "+storerow.InviteColumns+" FROM invites WHERE hash = ?", hash))
	return inv, notFound(err, "invite")
}

// PutInvite creates or replaces an invitation.
func (t *tx) PutInvite(ctx context.Context, inv catalog.Invite) error {
	_, err := t.exec(ctx, `INSERT INTO invites (hash, user_name, expires_at) VALUES (?1, ?2, ?3)
		ON CONFLICT (hash) DO UPDATE SET user_name = ?2, expires_at = ?3`, inv.Hash, inv.User, storerow.FormatTime(inv.Expires))
	return err
}

// DeleteInvites removes every invitation of a user.
func (t *tx) DeleteInvites(ctx context.Context, user string) error {
	_, err := t.exec(ctx, "DELETE FROM invites WHERE user_name = ?", user)
	return err
}

const sessionQuery = "SELECT " + storerow.SessionColumns + " FROM sessions WHERE hash = ?"

// Session returns a session by the hash of its token.
func (s *Store) Session(ctx context.Context, hash string) (catalog.Session, error) {
	se, err := storerow.ScanSession(s.db.QueryRowContext(ctx, sessionQuery, hash))
	return se, notFound(err, "session")
}

// Session returns a session by the hash of its token, in the transaction.
func (t *tx) Session(ctx context.Context, hash string) (catalog.Session, error) {
	se, err := storerow.ScanSession(t.queryRow(ctx, sessionQuery, hash))
	return se, notFound(err, "session")
}

// PutSession creates or replaces a session.
func (t *tx) PutSession(ctx context.Context, s catalog.Session) error {
	_, err := t.exec(ctx, `INSERT INTO sessions (hash, user_name, created_at, seen_at) VALUES (?1, ?2, ?3, ?4)
		ON CONFLICT (hash) DO UPDATE SET user_name = ?2, created_at = ?3, seen_at = ?4`,
		s.Hash, s.User, storerow.FormatTime(s.Created), storerow.FormatTime(s.Seen))
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

// Token returns an API token by the hash of its secret.
func (s *Store) Token(ctx context.Context, hash string) (catalog.Token, error) {
	tk, err := storerow.ScanToken(s.db.QueryRowContext(ctx, "SELECT "+storerow.TokenColumns+" FROM tokens WHERE hash = ?", hash))
	return tk, notFound(err, "token")
}

// Token returns an API token by the hash of its secret, in the transaction.
func (t *tx) Token(ctx context.Context, hash string) (catalog.Token, error) {
	tk, err := storerow.ScanToken(t.queryRow(ctx, "SELECT "+storerow.TokenColumns+" FROM tokens WHERE hash = ?", hash))
	return tk, notFound(err, "token")
}

// Tokens returns a user's API tokens, oldest first.
func (s *Store) Tokens(ctx context.Context, user string) ([]catalog.Token, error) {
	return queryAll(ctx, s.db, storerow.ScanToken, "SELECT "+storerow.TokenColumns+" FROM tokens WHERE user_name = ? ORDER BY id", user)
}

// PutToken creates a token (ID 0) or replaces the one with its ID.
func (t *tx) PutToken(ctx context.Context, tk catalog.Token) (catalog.Token, error) {
	var err error
	if tk.ID == 0 {
		err = t.queryRow(ctx, `INSERT INTO tokens (hash, user_name, name, created_at, expires_at, used_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			tk.Hash, tk.User, tk.Name, storerow.FormatTime(tk.Created), storerow.FormatTime(tk.Expires), storerow.FormatTime(tk.Used)).Scan(&tk.ID)
	} else {
		var res sql.Result
		res, err = t.exec(ctx, `UPDATE tokens SET hash = ?, user_name = ?, name = ?, created_at = ?, expires_at = ?, used_at = ? WHERE id = ?`,
			tk.Hash, tk.User, tk.Name, storerow.FormatTime(tk.Created), storerow.FormatTime(tk.Expires), storerow.FormatTime(tk.Used), tk.ID)
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
	th, err := storerow.ScanThrottle(t.queryRow(ctx, "SELECT "+storerow.ThrottleColumns+" FROM throttles WHERE key = ?", key), key)
	if err == sql.ErrNoRows {
		return catalog.Throttle{Key: key}, nil
	}
	return th, err
}

// PutThrottle records a key's failures; zero removes them.
func (t *tx) PutThrottle(ctx context.Context, th catalog.Throttle) error {
	if th.Failures == 0 {
		_, err := t.exec(ctx, "DELETE FROM throttles WHERE key = ?", th.Key)
		return err
	}
	_, err := t.exec(ctx, `INSERT INTO throttles (key, failures, last_at) VALUES (?1, ?2, ?3)
		ON CONFLICT (key) DO UPDATE SET failures = ?2, last_at = ?3`, th.Key, th.Failures, storerow.FormatTime(th.Last))
	return err
}
