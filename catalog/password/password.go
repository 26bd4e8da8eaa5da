// Package password hashes and checks account passwords with argon2id
// (RFC 9106), in the PHC string format that keeps the parameters beside
// the hash: "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>". Stored hashes
// keep the parameters they were made with, so Default can be raised later
// and old hashes still check (NeedsRehash tells which to renew).
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
	SaltLen uint32
	KeyLen  uint32
}

// Default is OWASP's recommended minimum for argon2id: 19 MiB, 2 passes,
// 1 lane.
var Default = Params{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

var b64 = base64.RawStdEncoding

// Hash returns the encoded argon2id hash of pw with a new random salt.
func Hash(pw string, p Params) (string, error) {
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// ErrMalformed reports a stored hash that is not argon2id in PHC format.
var ErrMalformed = errors.New("password hash is not argon2id in PHC format")

// decode splits an encoded hash into its parameters, salt and key.
func decode(encoded string) (Params, []byte, []byte, error) {
	var p Params
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, ErrMalformed
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, ErrMalformed
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil || p.Memory == 0 || p.Time == 0 || p.Threads == 0 {
		return p, nil, nil, ErrMalformed
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) == 0 {
		return p, nil, nil, ErrMalformed
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) == 0 {
		return p, nil, nil, ErrMalformed
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}

// Check reports whether pw matches the encoded hash, comparing in constant
// time. A malformed hash is an error, never a match.
func Check(encoded, pw string) (bool, error) {
	p, salt, key, err := decode(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// NeedsRehash reports whether encoded was made with weaker parameters
// than p, so that a successful sign-in can store a stronger hash.
func NeedsRehash(encoded string, p Params) bool {
	q, _, _, err := decode(encoded)
	return err != nil || q.Memory < p.Memory || q.Time < p.Time || q.KeyLen < p.KeyLen || q.SaltLen < p.SaltLen
}

// dummy is checked when an account does not exist or has no password, so
// that a sign-in takes as long whether or not the name is known.
var dummy, _ = Hash("komoru: no such account", Default)

// CheckOrDummy is Check, but with an empty encoded hash it spends the
// same time on a dummy hash and reports no match.
func CheckOrDummy(encoded, pw string) bool {
	if encoded == "" {
		Check(dummy, pw)
		return false
	}
	ok, err := Check(encoded, pw)
	return ok && err == nil
}
