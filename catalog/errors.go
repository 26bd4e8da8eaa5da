package catalog

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

var (
	// ErrNotFound reports that no work has the requested id.
	ErrNotFound = errors.New("not found")
	// ErrConflict reports a write based on a revision that is no longer the
	// current one, or a create for an id that already exists.
	ErrConflict = errors.New("conflict")
	// ErrForbidden reports a write the account may not make, such as a
	// coding by an account that is not a coder of the round.
	ErrForbidden = errors.New("forbidden")
)

// StaleError is a write based on a revision that is no longer current:
// someone saved the work meanwhile. It is an ErrConflict; the API answers
// it with 412 Precondition Failed.
type StaleError struct {
	WorkID  string
	Base    int // the revision the write was based on
	Current int // the work's latest revision
}

func (e *StaleError) Error() string {
	return fmt.Sprintf("work %q is at revision %d, the change was based on %d", e.WorkID, e.Current, e.Base)
}

// Unwrap makes a StaleError match ErrConflict.
func (e *StaleError) Unwrap() error { return ErrConflict }

// ValidationError lists every problem found in a work, keyed by field path
// ("title", "creators[1].role", "portrayal.realism"). The map is the API's
// error "fields".
type ValidationError struct {
	Fields map[string]string
}

func (e *ValidationError) add(field, format string, args ...any) {
	if e.Fields == nil {
		e.Fields = make(map[string]string)
	}
	if _, ok := e.Fields[field]; ok {
		return // the first problem with a field is the one to fix first
	}
	e.Fields[field] = fmt.Sprintf(format, args...)
}

// merge adds other's problems, but for fields e already has a problem with.
func (e *ValidationError) merge(other *ValidationError) {
	for f, msg := range other.Fields {
		e.add(f, "%s", msg)
	}
}

// Problems returns "field: problem" lines sorted by field.
func (e *ValidationError) Problems() []string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	lines := make([]string, len(keys))
	for i, k := range keys {
		lines[i] = k + ": " + e.Fields[k]
	}
	return lines
}

func (e *ValidationError) Error() string {
	return "invalid work: " + strings.Join(e.Problems(), "; ")
}

// orNil returns e as an error, or nil when it holds no problems, so callers
// never see a typed nil inside a non-nil interface.
func (e *ValidationError) orNil() error {
	if len(e.Fields) == 0 {
		return nil
	}
	return e
}

// LineError is a problem with one line of an import file.
type LineError struct {
	Line int
	Err  error // a *ValidationError, or a JSON problem
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// Problems returns one "line N: field: problem" string per problem.
func (e *LineError) Problems() []string {
	var ve *ValidationError
	if !errors.As(e.Err, &ve) {
		return []string{e.Error()}
	}
	lines := ve.Problems()
	for i, l := range lines {
		lines[i] = fmt.Sprintf("line %d: %s", e.Line, l)
	}
	return lines
}
