package catalog

import (
	"fmt"
	"slices"
)

// evidenceExempt lists, per dimension, the values that say the work shows
// nothing: there is no scene to cite for them, so they need no evidence.
// Every other coded value does. A set dimension coded empty ("no content
// warnings") is exempt too, and so is a set of exempt values only.
//
//	dimension            exempt values
//	recovery             none                 no recovery is shown
//	conditions           none_explicit        no condition is depicted
//	triggers             unspecified          the work gives no cause
//	family_dynamics      absent               no family is involved
//	internet_role        absent               the internet plays no part
//	withdrawal_criteria  unclear              the length is not established
//
// TestEvidenceExempt checks each id against the codebook, so a renamed
// value fails it rather than quietly needing evidence.
var evidenceExempt = map[string][]string{
	"recovery":            {"none"},
	"conditions":          {"none_explicit"},
	"triggers":            {"unspecified"},
	"family_dynamics":     {"absent"},
	"internet_role":       {"absent"},
	"withdrawal_criteria": {"unclear"},
}

// EvidenceExempt returns the values of dimension dim that need no evidence.
func EvidenceExempt(dim string) []string { return slices.Clone(evidenceExempt[dim]) }

// NeedsEvidence reports whether a coding of dimension dim must say what in
// the work shows it.
func NeedsEvidence(dim string, c Coding) bool {
	for _, v := range c.List() {
		if !slices.Contains(evidenceExempt[dim], v) {
			return true
		}
	}
	return false
}

// CheckEvidence returns a *ValidationError naming "portrayal.DIM.evidence"
// for every coded dimension of w whose values need evidence and have none.
// Curators' saves keep this rule (the edit form, the API, proposals);
// imports do not, so that data coded elsewhere can be loaded first and its
// evidence completed afterwards.
func (cb *Codebook) CheckEvidence(w *Work) error {
	ve := &ValidationError{}
	for _, d := range cb.Dimensions {
		if c, coded := w.Portrayal[d.ID]; coded && c.Evidence == "" && NeedsEvidence(d.ID, c) {
			ve.add(fmt.Sprintf("portrayal.%s.evidence", d.ID), "is required: say what in the work shows this (episode, chapter, scene)")
		}
	}
	return ve.orNil()
}
