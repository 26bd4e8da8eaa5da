package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/internal/storerow"
)

// User returns an account by name.
func (s *Store) User(ctx context.Context, name string) (catalog.User, error) {
	return user(ctx, s.pool, name)
}

// User returns an account by name, in the transaction.
func (t *tx) User(ctx context.Context, name string) (catalog.User, error) {
	return user(ctx, t.tx, name)
}

func user(ctx context.Context, q querier, name string) (catalog.User, error) {
	u, err := storerow.ScanUser(q.QueryRow(ctx, "SELECT "+storerow.UserColumns+" FROM users WHERE name = $1", name))
	return u, notFound(err, fmt.Sprintf("user %q", name))
}

// Users returns every account in name order.
func (s *Store) Users(ctx context.Context) ([]catalog.User, error) {
	return queryAll(ctx, s.pool, storerow.ScanUser, "SELECT "+storerow.UserColumns+" FROM users ORDER BY name")
}

// PutUser creates or replaces an account.
func (t *tx) PutUser(ctx context.Context, u catalog.User) error {
	_, err := t.tx.Exec(ctx, `INSERT INTO users (`+storerow.UserColumns+`) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (name) DO UPDATE SET role = EXCLUDED.role, password_hash = EXCLUDED.password_hash,
			disabled = EXCLUDED.disabled, created_at = EXCLUDED.created_at, password_changed_at = EXCLUDED.password_changed_at`,
		u.Name, string(u.Role), u.PasswordHash, u.Disabled, storerow.FormatTime(u.Created), storerow.FormatTime(u.PasswordChanged))
	return err
}

// Invite returns an invitation by the hash of its token.
func (t *tx) Invite(ctx context.Context, hash string) (catalog.Invite, error) {
	inv, err := storerow.ScanInvite(t.tx.QueryRow(ctx, "SELECT "+storerow.InviteColumns+" FROM invites WHERE hash = $1", hash))
	return inv, notFound(err, "invite")
}

// PutInvite creates or replaces an invitation.
func (t *tx) PutInvite(ctx context.Context, inv catalog.Invite) error {
	_, err := t.tx.Exec(ctx, `INSERT INTO invites (hash, user_name, expires_at) VALUES ($1, $2, $3)
		ON CONFLICT (hash) DO UPDATE SET user_name = EXCLUDED.user_name, expires_at = EXCLUDED.expires_at`,
		inv.Hash, inv.User, storerow.FormatTime(inv.Expires))
	return err
}

// DeleteInvites removes every invitation of a user.
func (t *tx) DeleteInvites(ctx context.Context, user string) error {
	_, err := t.tx.Exec(ctx, "DELETE FROM invites WHERE user_name = $1", user)
	return err
}

// Session returns a session by the hash of its token.
func (s *Store) Session(ctx context.Context, hash string) (catalog.Session, error) {
	return session(ctx, s.pool, hash)
}

// Session returns a session by the hash of its token, in the transaction.
func (t *tx) Session(ctx context.Context, hash string) (catalog.Session, error) {
	return session(ctx, t.tx, hash)
}

func session(ctx context.Context, q querier, hash string) (catalog.Session, error) {
	se, err := storerow.ScanSession(q.QueryRow(ctx, "SELECT "+storerow.SessionColumns+" FROM sessions WHERE hash = $1", hash))
	return se, notFound(err, "session")
}

// PutSession creates or replaces a session.
func (t *tx) PutSession(ctx context.Context, s catalog.Session) error {
	_, err := t.tx.Exec(ctx, `INSERT INTO sessions (hash, user_name, created_at, seen_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (hash) DO UPDATE SET user_name = EXCLUDED.user_name, created_at = EXCLUDED.created_at, seen_at = EXCLUDED.seen_at`,
		s.Hash, s.User, storerow.FormatTime(s.Created), storerow.FormatTime(s.Seen))
	return err
}

// DeleteSession removes one session.
func (t *tx) DeleteSession(ctx context.Context, hash string) error {
	_, err := t.tx.Exec(ctx, "DELETE FROM sessions WHERE hash = $1", hash)
	return err
}

// DeleteSessions removes every session of a user but keep.
func (t *tx) DeleteSessions(ctx context.Context, user, keep string) error {
	_, err := t.tx.Exec(ctx, "DELETE FROM sessions WHERE user_name = $1 AND hash <> $2", user, keep)
	return err
}

// Token returns an API token by the hash of its secret.
func (s *Store) Token(ctx context.Context, hash string) (catalog.Token, error) {
	return token(ctx, s.pool, hash)
}

// Token returns an API token by the hash of its secret, in the transaction.
func (t *tx) Token(ctx context.Context, hash string) (catalog.Token, error) {
	return token(ctx, t.tx, hash)
}

func token(ctx context.Context, q querier, hash string) (catalog.Token, error) {
	tk, err := storerow.ScanToken(q.QueryRow(ctx, "SELECT "+storerow.TokenColumns+" FROM tokens WHERE hash = $1", hash))
	return tk, notFound(err, "token")
}

// Tokens returns a user's API tokens, oldest first.
func (s *Store) Tokens(ctx context.Context, user string) ([]catalog.Token, error) {
	return queryAll(ctx, s.pool, storerow.ScanToken, "SELECT "+storerow.TokenColumns+" FROM tokens WHERE user_name = $1 ORDER BY id", user)
}

// PutToken creates a token (ID 0) or replaces the one with its ID.
func (t *tx) PutToken(ctx context.Context, tk catalog.Token) (catalog.Token, error) {
	// In a savepoint: a used hash fails the statement, and in PostgreSQL a
	// failed statement fails its whole transaction, where the contract
	// wants an ErrConflict the caller may go on from.
	err := pgx.BeginFunc(ctx, t.tx, func(sp pgx.Tx) error {
		if tk.ID == 0 {
			return sp.QueryRow(ctx, `INSERT INTO tokens (hash, user_name, name, created_at, expires_at, used_at)
				VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
				tk.Hash, tk.User, tk.Name, storerow.FormatTime(tk.Created), storerow.FormatTime(tk.Expires), storerow.FormatTime(tk.Used)).Scan(&tk.ID)
		}
		tag, err := sp.Exec(ctx, `UPDATE tokens SET hash = $1, user_name = $2, name = $3, created_at = $4, expires_at = $5, used_at = $6 WHERE id = $7`,
			tk.Hash, tk.User, tk.Name, storerow.FormatTime(tk.Created), storerow.FormatTime(tk.Expires), storerow.FormatTime(tk.Used), tk.ID)
		if err == nil && tag.RowsAffected() == 0 {
			err = fmt.Errorf("token %d: %w", tk.ID, catalog.ErrNotFound)
		}
		return err
	})
	if isUnique(err) {
		err = fmt.Errorf("token: a token with this secret exists: %w", catalog.ErrConflict)
	}
	return tk, err
}

// DeleteToken removes one token of a user.
func (t *tx) DeleteToken(ctx context.Context, user string, id int64) error {
	tag, err := t.tx.Exec(ctx, "DELETE FROM tokens WHERE user_name = $1 AND id = $2", user, id)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("token %d of %q: %w", id, user, catalog.ErrNotFound)
	}
	return nil
}

// DeleteTokens removes every token of a user.
func (t *tx) DeleteTokens(ctx context.Context, user string) error {
	_, err := t.tx.Exec(ctx, "DELETE FROM tokens WHERE user_name = $1", user)
	return err
}

// Throttle returns the failed sign-ins counted against key.
func (t *tx) Throttle(ctx context.Context, key string) (catalog.Throttle, error) {
	th, err := storerow.ScanThrottle(t.tx.QueryRow(ctx, "SELECT "+storerow.ThrottleColumns+" FROM throttles WHERE key = $1", key), key)
	if err == pgx.ErrNoRows {
		return catalog.Throttle{Key: key}, nil
	}
	return th, err
}

// PutThrottle records a key's failures; zero removes them.
func (t *tx) PutThrottle(ctx context.Context, th catalog.Throttle) error {
	if th.Failures == 0 {
		_, err := t.tx.Exec(ctx, "DELETE FROM throttles WHERE key = $1", th.Key)
		return err
	}
	_, err := t.tx.Exec(ctx, `INSERT INTO throttles (key, failures, last_at) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET failures = EXCLUDED.failures, last_at = EXCLUDED.last_at`, th.Key, th.Failures, storerow.FormatTime(th.Last))
	return err
}
