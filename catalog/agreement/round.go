package agreement

import (
	"fmt"

	"github.com/komoru/komoru/catalog"
)

// Dimension is a round's agreement on one of its dimensions.
type Dimension struct {
	ID, Label string
	Result
	// Units are the reliability data the result was computed from, one
	// unit a work of the round, in the round's order.
	Units []Unit
}

// RoundUnits turns a round's submitted codings of one dimension into
// reliability data: a unit for each work of the round, with the value of
// each coder who submitted it and coded the dimension. Drafts are the
// coders' own, not yet data; a dimension a coder left out is missing.
func RoundUnits(r *catalog.Round, codings []catalog.CodingUnit, dim *catalog.Dimension) []Unit {
	byWork := make(map[string]map[string][]string, len(r.Works))
	for _, u := range codings {
		if u.State != catalog.UnitSubmitted || !r.HasWork(u.Work) || !r.HasCoder(u.Coder) {
			continue
		}
		c, ok := u.Portrayal[dim.ID]
		if !ok {
			continue
		}
		if byWork[u.Work] == nil {
			byWork[u.Work] = map[string][]string{}
		}
		v := c.List()
		if v == nil {
			v = []string{} // a set coded "none"
		}
		byWork[u.Work][u.Coder] = v
	}
	units := make([]Unit, 0, len(r.Works))
	for _, w := range r.Works {
		units = append(units, Unit{ID: w, Values: byWork[w]})
	}
	return units
}

// ForRound measures the agreement of a round on each of its dimensions,
// at the level the codebook declares (ordinal in the codebook's order of
// the values), from the submitted codings. o's Order is set per
// dimension.
func ForRound(r *catalog.Round, codings []catalog.CodingUnit, cb *catalog.Codebook, o Options) ([]Dimension, error) {
	out := make([]Dimension, 0, len(r.Dimensions))
	for _, id := range r.Dimensions {
		d := cb.Dimension(id)
		if d == nil {
			return nil, fmt.Errorf("round %q codes %q, which the codebook lacks", r.ID, id)
		}
		opts := o
		opts.Order = nil
		if Level(d.Level) == LevelOrdinal {
			for _, v := range d.Values {
				opts.Order = append(opts.Order, v.ID)
			}
		}
		units := RoundUnits(r, codings, d)
		res, err := Compute(units, Level(d.Level), opts)
		if err != nil {
			return nil, fmt.Errorf("round %q, %s: %w", r.ID, id, err)
		}
		out = append(out, Dimension{ID: id, Label: d.Label, Result: res, Units: units})
	}
	return out, nil
}
