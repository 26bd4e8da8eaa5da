package catalog

// Coding statuses: how much of the codebook a work is coded on. They are
// the values of the coding_status facet, in display order, and the order
// the ranking's last tie-break puts works in.
const (
	StatusCoded   = "coded"   // every dimension of the codebook
	StatusPartial = "partial" // some
	StatusUncoded = "uncoded" // none
)

// codingStatusValues are the coding_status facet's values with labels.
var codingStatusValues = []Value{
	{ID: StatusCoded, Label: "Coded", Definition: "Every dimension of the codebook is coded."},
	{ID: StatusPartial, Label: "Partly coded", Definition: "Some dimensions of the codebook are coded, others not yet."},
	{ID: StatusUncoded, Label: "Not coded", Definition: "No dimension of the codebook is coded yet."},
}

// CodingStatus returns how much of the codebook w is coded on: StatusCoded,
// StatusPartial or StatusUncoded. Only the codebook's dimensions count; a
// set dimension coded as an empty set is coded.
func (cb *Codebook) CodingStatus(w *Work) string {
	coded := cb.CodedCount(w)
	switch {
	case coded == 0:
		return StatusUncoded
	case coded == len(cb.Dimensions):
		return StatusCoded
	}
	return StatusPartial
}

// CodedCount returns how many of the codebook's dimensions w is coded on.
func (cb *Codebook) CodedCount(w *Work) int {
	n := 0
	for i := range cb.Dimensions {
		if _, ok := w.Portrayal[cb.Dimensions[i].ID]; ok {
			n++
		}
	}
	return n
}

// Uncoded returns the codebook's dimensions w is not coded on, in display
// order.
func (cb *Codebook) Uncoded(w *Work) []*Dimension {
	var out []*Dimension
	for i := range cb.Dimensions {
		if _, ok := w.Portrayal[cb.Dimensions[i].ID]; !ok {
			out = append(out, &cb.Dimensions[i])
		}
	}
	return out
}
