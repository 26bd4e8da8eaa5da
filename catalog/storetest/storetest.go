// Package storetest checks that a catalog store keeps the catalog.Store
// contract, the way testing/fstest.TestFS checks a file system: a store's
// own tests call Run with a way to open empty stores, and every promise of
// the contract is tried against the real thing.
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, storetest.Harness{New: openEmpty, Another: openSame})
//	}
package storetest

import (
	"context"
	"testing"

	"github.com/komoru/komoru/catalog"
)

// Harness opens the stores under test.
type Harness struct {
	// New returns a new, empty store. Run closes it.
	New func(t *testing.T) catalog.Store
	// Another returns a second, independent handle on the same catalog as
	// s, as another process or server would open it. Run closes it.
	Another func(t *testing.T, s catalog.Store) catalog.Store
	// OpenBackup opens, for reading and writing, the file a store's
	// Backup wrote, as a restored catalog is opened. A store that is a
	// catalog.Backuper must give it; Run closes what it returns.
	OpenBackup func(t *testing.T, path string) catalog.Store
}

// Run runs the conformance suite as subtests of t.
func Run(t *testing.T, h Harness) {
	if h.New == nil || h.Another == nil {
		t.Fatal("storetest: Harness needs New and Another")
	}
	for _, tc := range []struct {
		name string
		run  func(*testing.T, suite)
	}{
		{"Revisions", testRevisions},
		{"Errors", testErrors},
		{"ChangesInOrder", testChangesInOrder},
		{"History", testHistory},
		{"Restore", testRestore},
		{"Append", testAppend},
		{"WriteRollsBack", testWriteRollsBack},
		{"Remember", testRemember},
		{"EachSnapshot", testEachSnapshot},
		{"WorksBatch", testWorksBatch},
		{"ImportAllOrNothing", testImportAllOrNothing},
		{"ImportPartialAndUpsert", testImportPartialAndUpsert},
		{"ImportRoundTrip", testRoundTrip},
		{"EvidenceSources", testEvidenceSources},
		{"ImportCanceled", testImportCanceled},
		{"ImportMemoryFlat", testImportMemoryFlat},
		{"Seed", testSeed},
		{"ConcurrentWriters", testConcurrentWriters},
		{"Durable", testDurable},
		{"Users", testUsers},
		{"Sessions", testSessions},
		{"Tokens", testTokens},
		{"InvitesAndThrottles", testInvitesAndThrottles},
		{"Proposals", testProposals},
		{"Rounds", testRounds},
		{"Backup", testBackup},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, suite{h}) })
	}
}

// suite opens stores for one test and closes them when it ends.
type suite struct{ h Harness }

func (s suite) open(t *testing.T) catalog.Store {
	t.Helper()
	st := s.h.New(t)
	t.Cleanup(func() { st.Close() })
	return st
}

func (s suite) another(t *testing.T, st catalog.Store) catalog.Store {
	t.Helper()
	o := s.h.Another(t, st)
	t.Cleanup(func() { o.Close() })
	return o
}

// write runs fn in a Write and fails the test on an error.
func write(t *testing.T, s catalog.Store, fn func(catalog.Tx) error) {
	t.Helper()
	if err := s.Write(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}
