package catalog

import "time"

// Op is what a revision did to a work.
type Op string

// The operations a revision records.
const (
	OpCreate Op = "create"
	OpUpdate Op = "update"
	OpDelete Op = "delete"
)

// Revision is one change to one work: every create, update and delete is
// kept with who made it, when and why.
type Revision struct {
	WorkID string
	Number int   // 1 for the first revision of a work, counting up
	Seq    int64 // the store-wide change sequence: every write gets the next number
	Op     Op
	Author string
	Note   string
	Time   time.Time
	Work   *Work // the work as it became; nil for a delete
}

// Change says who makes a write, why, and when.
type Change struct {
	Author string
	Note   string
	// Time stamps the revision; zero means now. Imports and tests set it.
	Time time.Time
}

func (ch Change) time() time.Time {
	if ch.Time.IsZero() {
		return now()
	}
	return ch.Time.UTC()
}

// ImportReport counts what an import did.
type ImportReport struct {
	Created, Updated, Unchanged, Rejected int
}

// ImportOptions controls an import.
type ImportOptions struct {
	Change
	// Partial imports the good lines of a file that has bad ones; by default
	// one bad line means nothing is imported.
	Partial bool
	// OnProblem is called for every bad line, in order.
	OnProblem func(*LineError)
}
