package catalog

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"regexp"
	"time"
)

// Role is what an account may do. Readers need no account.
type Role string

// The roles, each allowed what the one before it is.
const (
	// RoleContributor proposes new works and changes; they wait for review.
	RoleContributor Role = "contributor"
	// RoleCurator edits works directly (each save a revision) and reviews
	// proposals.
	RoleCurator Role = "curator"
	// RoleAdmin manages accounts, and is a curator too.
	RoleAdmin Role = "admin"
)

// Roles lists the roles from least to most allowed.
var Roles = []Role{RoleContributor, RoleCurator, RoleAdmin}

func (r Role) rank() int {
	for i, x := range Roles {
		if x == r {
			return i + 1
		}
	}
	return 0
}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool { return r.rank() > 0 }

// AtLeast reports whether r is allowed what min is.
func (r Role) AtLeast(min Role) bool { return r.rank() >= min.rank() && r.Valid() }

// ParseRole returns the role named s, or an error naming the choices.
func ParseRole(s string) (Role, error) {
	if r := Role(s); r.Valid() {
		return r, nil
	}
	return "", fmt.Errorf("role %q is not one of contributor, curator, admin", s)
}

// User is an account.
type User struct {
	Name string
	Role Role
	// PasswordHash is the encoded password hash with its parameters; empty
	// until the user sets a password through their invite.
	PasswordHash string
	Disabled     bool
	Created      time.Time
	// PasswordChanged is when the password was last set.
	PasswordChanged time.Time
}

var userNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{1,31}$`)

// ValidUserName reports whether s can name an account: 2 to 32 lowercase
// letters, digits, '.', '_' or '-', starting with a letter or digit.
func ValidUserName(s string) bool { return userNameRE.MatchString(s) }

// Invite lets the person it was made for set the password of a new
// account, once, before it expires.
type Invite struct {
	Hash    string // HashSecret of the token in the link
	User    string
	Expires time.Time
}

// Session is a signed-in browser.
type Session struct {
	Hash    string // HashSecret of the cookie's token
	User    string
	Created time.Time
	Seen    time.Time // the last request, to within SessionTouchEvery
}

// Token is an API token for scripts.
type Token struct {
	ID      int64
	Hash    string // HashSecret of the secret
	User    string
	Name    string
	Created time.Time
	Expires time.Time // zero: never
	Used    time.Time // the last request, to within SessionTouchEvery; zero: never
}

// Throttle counts failed sign-ins against one key.
type Throttle struct {
	Key      string // "user:NAME" or "ip:ADDRESS"
	Failures int
	Last     time.Time
}

// NewSecret returns a random 256-bit secret, URL-safe, for a session, an
// invite or a token. Only its HashSecret is stored.
func NewSecret() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// HashSecret returns the hex SHA-256 of a secret: what stores keep, so
// that a copy of the database lets nobody in. A 256-bit random secret
// needs no salt or slow hash.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
