package catalog

import "time"

// ProposalState is where a proposal is in review.
type ProposalState string

// The states of a proposal.
const (
	ProposalPending  ProposalState = "pending"
	ProposalAccepted ProposalState = "accepted"
	ProposalRejected ProposalState = "rejected"
)

// Proposal is a contributor's change waiting for a curator: a new work, a
// changed one, or a deletion. Nothing of it is public until accepted.
type Proposal struct {
	ID     int64
	WorkID string
	Op     Op
	// Base is the revision number the change was made against, 0 for a
	// new work: accepting it after the work moved on is a conflict.
	Base    int
	Work    *Work // the proposed work; nil for a delete
	Author  string
	Note    string
	Created time.Time
	State   ProposalState
	// Reviewer, Reason and Reviewed are set when it is accepted or
	// rejected; Reason is shown to the contributor.
	Reviewer string
	Reason   string
	Reviewed time.Time
	// Revision is the revision number an accepted proposal became.
	Revision int
}
