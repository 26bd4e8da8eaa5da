package storerow

import (
	"fmt"

	"github.com/komoru/komoru/catalog"
)

// UserColumns are the columns ScanUser reads.
const UserColumns = "name, role, password_hash, disabled, created_at, password_changed_at"

// ScanUser reads a row of UserColumns.
func ScanUser(row Scanner) (catalog.User, error) {
	var (
		u                catalog.User
		role             string
		created, changed string
	)
	if err := row.Scan(&u.Name, &role, &u.PasswordHash, &u.Disabled, &created, &changed); err != nil {
		return u, err
	}
	u.Role = catalog.Role(role)
	return u, ParseTimes(fmt.Sprintf("user %q", u.Name), &created, &u.Created, &changed, &u.PasswordChanged)
}

// SessionColumns are the columns ScanSession reads.
const SessionColumns = "hash, user_name, created_at, seen_at"

// ScanSession reads a row of SessionColumns.
func ScanSession(row Scanner) (catalog.Session, error) {
	var (
		s             catalog.Session
		created, seen string
	)
	if err := row.Scan(&s.Hash, &s.User, &created, &seen); err != nil {
		return s, err
	}
	return s, ParseTimes("session", &created, &s.Created, &seen, &s.Seen)
}

// TokenColumns are the columns ScanToken reads.
const TokenColumns = "id, hash, user_name, name, created_at, expires_at, used_at"

// ScanToken reads a row of TokenColumns.
func ScanToken(row Scanner) (catalog.Token, error) {
	var (
		tk                     catalog.Token
		created, expires, used string
	)
	if err := row.Scan(&tk.ID, &tk.Hash, &tk.User, &tk.Name, &created, &expires, &used); err != nil {
		return tk, err
	}
	return tk, ParseTimes(fmt.Sprintf("token %d", tk.ID), &created, &tk.Created, &expires, &tk.Expires, &used, &tk.Used)
}

// InviteColumns are the columns ScanInvite reads.
const InviteColumns = "hash, user_name, expires_at"

// ScanInvite reads a row of InviteColumns.
func ScanInvite(row Scanner) (catalog.Invite, error) {
	var (
		inv     catalog.Invite
		expires string
	)
	if err := row.Scan(&inv.Hash, &inv.User, &expires); err != nil {
		return inv, err
	}
	return inv, ParseTimes("invite", &expires, &inv.Expires)
}

// ThrottleColumns are the columns ScanThrottle reads; the key is the one
// asked for, so it is not read back.
const ThrottleColumns = "failures, last_at"

// ScanThrottle reads a row of ThrottleColumns as key's throttle.
func ScanThrottle(row Scanner, key string) (catalog.Throttle, error) {
	th := catalog.Throttle{Key: key}
	var last string
	if err := row.Scan(&th.Failures, &last); err != nil {
		return th, err
	}
	return th, ParseTimes("throttle", &last, &th.Last)
}
