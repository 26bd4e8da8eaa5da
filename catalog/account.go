package catalog

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// The account rules.
const (
	// InviteValid is how long an invite link works.
	InviteValid = 7 * 24 * time.Hour
	// SessionIdle ends a session not used for this long.
	SessionIdle = 14 * 24 * time.Hour
	// SessionMax ends a session this long after sign-in, however used.
	SessionMax = 90 * 24 * time.Hour
	// SessionTouchEvery is how stale a session's or token's last use may
	// be before a request records it: one write a minute, not one a request.
	SessionTouchEvery = time.Minute
	// MinPassword and MaxPassword bound a password's length, in characters.
	MinPassword = 12
	MaxPassword = 256
	// ThrottleAfter failed sign-ins against an account or an address, each
	// within ThrottleWindow of the one before, lock it: for a minute after
	// the ThrottleAfter-th, doubling with each failure after that, up to
	// ThrottleMax.
	ThrottleAfter  = 5
	ThrottleWindow = 15 * time.Minute
	ThrottleMax    = time.Hour
)

// ErrBadCredentials is a failed sign-in: the same error whether the name
// is unknown, the account disabled or the password wrong.
var ErrBadCredentials = errors.New("wrong name or password")

// ThrottledError is a sign-in refused without checking the password,
// because of earlier failures.
type ThrottledError struct{ RetryAfter time.Duration }

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("too many failed sign-ins; try again in %s", e.RetryAfter.Round(time.Second))
}

// CheckPassword returns a *ValidationError if pw is not acceptable.
func CheckPassword(pw string) error {
	switch n := utf8.RuneCountInString(pw); {
	case n < MinPassword:
		return &ValidationError{Fields: map[string]string{"password": fmt.Sprintf("must be at least %d characters", MinPassword)}}
	case n > MaxPassword:
		return &ValidationError{Fields: map[string]string{"password": fmt.Sprintf("must be at most %d characters", MaxPassword)}}
	}
	return nil
}

// AddUser creates an account with no password and returns the token of
// its invite link, valid for InviteValid. A taken name is ErrConflict.
func AddUser(ctx context.Context, st Writer, name string, role Role, now time.Time) (string, error) {
	ve := &ValidationError{}
	if !ValidUserName(name) {
		ve.add("name", "must be 2 to 32 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit")
	}
	if !role.Valid() {
		ve.add("role", "must be one of contributor, curator, admin")
	}
	if err := ve.orNil(); err != nil {
		return "", err
	}
	token := NewSecret()
	err := st.Write(ctx, func(tx Tx) error {
		if _, err := tx.User(ctx, name); err == nil {
			return fmt.Errorf("user %q exists: %w", name, ErrConflict)
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		if err := tx.PutUser(ctx, User{Name: name, Role: role, Created: now.UTC()}); err != nil {
			return err
		}
		return tx.PutInvite(ctx, Invite{Hash: HashSecret(token), User: name, Expires: now.Add(InviteValid).UTC()})
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// Reinvite makes a new invite link for an account that is not disabled,
// replacing any earlier one: for a person who lost theirs, or a password.
func Reinvite(ctx context.Context, st Writer, name string, now time.Time) (string, error) {
	token := NewSecret()
	err := updateUser(ctx, st, name, func(tx Tx, u *User) error {
		if u.Disabled {
			return fmt.Errorf("user %q is disabled: %w", name, ErrConflict)
		}
		if err := tx.DeleteInvites(ctx, name); err != nil {
			return err
		}
		return tx.PutInvite(ctx, Invite{Hash: HashSecret(token), User: name, Expires: now.Add(InviteValid).UTC()})
	})
	return token, err
}

// InviteUser returns the account an invite token is for, or ErrNotFound if
// the token is unknown, used or expired.
func InviteUser(ctx context.Context, st Writer, token string, now time.Time) (User, error) {
	var u User
	err := st.Write(ctx, func(tx Tx) error {
		var err error
		u, err = inviteUser(ctx, tx, token, now)
		return err
	})
	return u, err
}

func inviteUser(ctx context.Context, tx Tx, token string, now time.Time) (User, error) {
	inv, err := tx.Invite(ctx, HashSecret(token))
	if err != nil {
		return User{}, err
	}
	if !now.Before(inv.Expires) {
		return User{}, fmt.Errorf("invite expired on %s: %w", inv.Expires.Format(time.DateOnly), ErrNotFound)
	}
	u, err := tx.User(ctx, inv.User)
	if err != nil {
		return User{}, err
	}
	if u.Disabled {
		return User{}, fmt.Errorf("user %q is disabled: %w", u.Name, ErrNotFound)
	}
	return u, nil
}

// AcceptInvite sets the password of the invite's account (passwordHash,
// made by the caller from a password CheckPassword accepted), uses up the
// invite, and ends the account's other sessions.
func AcceptInvite(ctx context.Context, st Writer, token, passwordHash string, now time.Time) (User, error) {
	var u User
	err := st.Write(ctx, func(tx Tx) error {
		var err error
		if u, err = inviteUser(ctx, tx, token, now); err != nil {
			return err
		}
		u.PasswordHash, u.PasswordChanged = passwordHash, now.UTC()
		if err := tx.PutUser(ctx, u); err != nil {
			return err
		}
		if err := tx.DeleteInvites(ctx, u.Name); err != nil {
			return err
		}
		return tx.DeleteSessions(ctx, u.Name, "")
	})
	return u, err
}

// updateUser changes an account in one transaction.
func updateUser(ctx context.Context, st Writer, name string, fn func(Tx, *User) error) error {
	return st.Write(ctx, func(tx Tx) error {
		u, err := tx.User(ctx, name)
		if err != nil {
			return err
		}
		if err := fn(tx, &u); err != nil {
			return err
		}
		return tx.PutUser(ctx, u)
	})
}

// SetRole changes an account's role.
func SetRole(ctx context.Context, st Writer, name string, role Role) error {
	if !role.Valid() {
		return &ValidationError{Fields: map[string]string{"role": "must be one of contributor, curator, admin"}}
	}
	return updateUser(ctx, st, name, func(_ Tx, u *User) error { u.Role = role; return nil })
}

// DisableUser disables an account and, in the same transaction, ends its
// sessions and deletes its API tokens and invites: nothing of it works
// after this returns.
func DisableUser(ctx context.Context, st Writer, name string) error {
	return updateUser(ctx, st, name, func(tx Tx, u *User) error {
		u.Disabled = true
		if err := tx.DeleteSessions(ctx, name, ""); err != nil {
			return err
		}
		if err := tx.DeleteTokens(ctx, name); err != nil {
			return err
		}
		return tx.DeleteInvites(ctx, name)
	})
}

// EnableUser lets a disabled account in again; it needs a new invite or
// its old password.
func EnableUser(ctx context.Context, st Writer, name string) error {
	return updateUser(ctx, st, name, func(_ Tx, u *User) error { u.Disabled = false; return nil })
}

// ChangePassword sets a new password hash and ends every session of the
// account but keepSession's (the token of the session that changed it; ""
// ends them all).
func ChangePassword(ctx context.Context, st Writer, name, passwordHash, keepSession string, now time.Time) error {
	keep := ""
	if keepSession != "" {
		keep = HashSecret(keepSession)
	}
	return updateUser(ctx, st, name, func(tx Tx, u *User) error {
		u.PasswordHash, u.PasswordChanged = passwordHash, now.UTC()
		return tx.DeleteSessions(ctx, name, keep)
	})
}

// RehashPassword replaces an account's password hash with a stronger hash
// of the same password, made at sign-in after the cost was raised. Unlike
// ChangePassword it ends no session (the password is the same), and it
// changes nothing if the hash is no longer old (the password was changed
// meanwhile).
func RehashPassword(ctx context.Context, st Writer, name, old, new string) error {
	return updateUser(ctx, st, name, func(_ Tx, u *User) error {
		if u.PasswordHash == old {
			u.PasswordHash = new
		}
		return nil
	})
}

// throttleKeys are the keys a sign-in is counted against.
func throttleKeys(name, addr string) []string {
	keys := []string{"user:" + name}
	if addr != "" {
		keys = append(keys, "ip:"+addr)
	}
	return keys
}

// lockedUntil is when a key's lock ends; zero when it is not locked.
func lockedUntil(th Throttle) time.Time {
	over := th.Failures - ThrottleAfter
	if over < 0 {
		return time.Time{}
	}
	lock := ThrottleMax
	if over < 7 { // 1 min << 6 is past the hour
		lock = min(time.Minute<<over, ThrottleMax)
	}
	return th.Last.Add(lock)
}

// SignInAllowed returns a *ThrottledError if the account or the address
// is locked by earlier failures; the caller checks it before spending a
// password hash on the attempt.
func SignInAllowed(ctx context.Context, st Writer, name, addr string, now time.Time) error {
	var until time.Time
	err := st.Write(ctx, func(tx Tx) error {
		for _, k := range throttleKeys(name, addr) {
			th, err := tx.Throttle(ctx, k)
			if err != nil {
				return err
			}
			if u := lockedUntil(th); u.After(until) {
				until = u
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if now.Before(until) {
		return &ThrottledError{RetryAfter: until.Sub(now)}
	}
	return nil
}

// SignInFailed counts a failed sign-in against the account and the address.
// A key's count starts again once ThrottleWindow has passed since its last
// failure or, if later, the end of its lock.
func SignInFailed(ctx context.Context, st Writer, name, addr string, now time.Time) error {
	return st.Write(ctx, func(tx Tx) error {
		for _, k := range throttleKeys(name, addr) {
			th, err := tx.Throttle(ctx, k)
			if err != nil {
				return err
			}
			quiet := th.Last
			if u := lockedUntil(th); u.After(quiet) {
				quiet = u
			}
			if now.Sub(quiet) > ThrottleWindow {
				th.Failures = 0
			}
			th.Failures++
			th.Last = now.UTC()
			if err := tx.PutThrottle(ctx, th); err != nil {
				return err
			}
		}
		return nil
	})
}

// SignInSucceeded clears the account's failures (not the address's: one
// good password on a shared address does not unlock guessing at others).
func SignInSucceeded(ctx context.Context, st Writer, name string) error {
	return st.Write(ctx, func(tx Tx) error {
		return tx.PutThrottle(ctx, Throttle{Key: "user:" + name})
	})
}

// StartSession makes a session for a signed-in user and returns its token
// for the cookie.
func StartSession(ctx context.Context, st Writer, user string, now time.Time) (string, error) {
	token := NewSecret()
	err := st.Write(ctx, func(tx Tx) error {
		return tx.PutSession(ctx, Session{Hash: HashSecret(token), User: user, Created: now.UTC(), Seen: now.UTC()})
	})
	return token, err
}

// CheckSession returns the user of a session token. An unknown token, an
// expired session (idle past SessionIdle or older than SessionMax) or a
// disabled account is ErrNotFound; an expired session is deleted. Use is
// recorded at most every SessionTouchEvery.
func CheckSession(ctx context.Context, st Store, token string, now time.Time) (User, error) {
	hash := HashSecret(token)
	s, err := st.Session(ctx, hash)
	if err != nil {
		return User{}, err
	}
	if now.Sub(s.Seen) > SessionIdle || now.Sub(s.Created) > SessionMax {
		if err := st.Write(ctx, func(tx Tx) error { return tx.DeleteSession(ctx, hash) }); err != nil {
			return User{}, err
		}
		return User{}, fmt.Errorf("session expired: %w", ErrNotFound)
	}
	u, err := st.User(ctx, s.User)
	if err != nil {
		return User{}, err
	}
	if u.Disabled {
		return User{}, fmt.Errorf("user %q is disabled: %w", u.Name, ErrNotFound)
	}
	if now.Sub(s.Seen) >= SessionTouchEvery {
		err := st.Write(ctx, func(tx Tx) error {
			// Only if it still exists: a logout may have ended it meanwhile.
			cur, err := tx.Session(ctx, hash)
			if errors.Is(err, ErrNotFound) {
				return nil
			}
			if err != nil {
				return err
			}
			cur.Seen = now.UTC()
			return tx.PutSession(ctx, cur)
		})
		if err != nil {
			return User{}, err
		}
	}
	return u, nil
}

// EndSession deletes a session: a logout.
func EndSession(ctx context.Context, st Writer, token string) error {
	return st.Write(ctx, func(tx Tx) error { return tx.DeleteSession(ctx, HashSecret(token)) })
}

// CreateToken makes an API token for a user and returns its secret, to be
// shown once. A zero expires never expires.
func CreateToken(ctx context.Context, st Writer, user, name string, expires, now time.Time) (string, Token, error) {
	if name == "" || utf8.RuneCountInString(name) > 100 {
		return "", Token{}, &ValidationError{Fields: map[string]string{"name": "must be 1 to 100 characters"}}
	}
	if !expires.IsZero() && !expires.After(now) {
		return "", Token{}, &ValidationError{Fields: map[string]string{"expires": "must be in the future"}}
	}
	secret := NewSecret()
	var tk Token
	err := st.Write(ctx, func(tx Tx) error {
		u, err := tx.User(ctx, user)
		if err != nil {
			return err
		}
		if u.Disabled {
			return fmt.Errorf("user %q is disabled: %w", user, ErrConflict)
		}
		tk, err = tx.PutToken(ctx, Token{Hash: HashSecret(secret), User: user, Name: name, Created: now.UTC(), Expires: expires.UTC()})
		return err
	})
	if err != nil {
		return "", Token{}, err
	}
	return TokenPrefix + secret, tk, nil
}

// TokenPrefix starts every API token, so that a leaked one is recognizable
// (by secret scanners, and by a person).
const TokenPrefix = "komoru_"

// CheckToken returns the user of an API token. An unknown, expired or
// revoked token, or a disabled account, is ErrNotFound.
func CheckToken(ctx context.Context, st Store, secret string, now time.Time) (User, error) {
	if len(secret) <= len(TokenPrefix) || secret[:len(TokenPrefix)] != TokenPrefix {
		return User{}, fmt.Errorf("token: %w", ErrNotFound)
	}
	hash := HashSecret(secret[len(TokenPrefix):])
	tk, err := st.Token(ctx, hash)
	if err != nil {
		return User{}, err
	}
	if !tk.Expires.IsZero() && !now.Before(tk.Expires) {
		return User{}, fmt.Errorf("token %q expired: %w", tk.Name, ErrNotFound)
	}
	u, err := st.User(ctx, tk.User)
	if err != nil {
		return User{}, err
	}
	if u.Disabled {
		return User{}, fmt.Errorf("user %q is disabled: %w", u.Name, ErrNotFound)
	}
	if now.Sub(tk.Used) >= SessionTouchEvery {
		err := st.Write(ctx, func(tx Tx) error {
			cur, err := tx.Token(ctx, hash)
			if errors.Is(err, ErrNotFound) {
				return nil
			}
			if err != nil {
				return err
			}
			cur.Used = now.UTC()
			_, err = tx.PutToken(ctx, cur)
			return err
		})
		if err != nil {
			return User{}, err
		}
	}
	return u, nil
}

// RevokeToken deletes one of a user's tokens.
func RevokeToken(ctx context.Context, st Writer, user string, id int64) error {
	return st.Write(ctx, func(tx Tx) error { return tx.DeleteToken(ctx, user, id) })
}
