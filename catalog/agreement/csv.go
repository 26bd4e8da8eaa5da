package agreement

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// WriteReliabilityCSV writes the reliability data of one dimension as
// CSV, units × coders: a header "unit,<coder>,…" with the coders in the
// order given, then one row per unit in the order given, the unit's ID
// then each coder's value; an empty cell is a missing value (the coder
// did not code the unit).
//
// This is the layout R's irr::kripp.alpha reads after t() (it wants
// coders × units) and the transpose of the reliability_data that
// Python's krippendorff.alpha takes (coders × units as well): drop the
// unit column, transpose, and map empty cells to NA / nan.
//
// For LevelSet a value is its labels, sorted and joined by "|". The empty
// set would be an empty cell, which reads as missing, so it is written
// as NoneLabel ("none"); a label that is "none" or contains "|" could not
// be read back and is an error. A coder missing from coders is an error
// too, rather than a silently dropped column.
func WriteReliabilityCSV(w io.Writer, units []Unit, coders []string, level Level) error {
	col := make(map[string]int, len(coders))
	for i, c := range coders {
		if _, dup := col[c]; dup {
			return fmt.Errorf("agreement: coder %q is twice in the coder list", c)
		}
		col[c] = i
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(append([]string{"unit"}, coders...)); err != nil {
		return err
	}
	row := make([]string, len(coders)+1)
	for _, u := range units {
		clear(row)
		row[0] = u.ID
		for coder, v := range u.Values {
			i, ok := col[coder]
			if !ok {
				return fmt.Errorf("agreement: unit %q: coder %q is not in the coder list", u.ID, coder)
			}
			cell, err := cellOf(level, v)
			if err != nil {
				return fmt.Errorf("agreement: unit %q, coder %q: %w", u.ID, coder, err)
			}
			row[i+1] = cell
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// cellOf writes one value as a CSV cell.
func cellOf(level Level, v []string) (string, error) {
	if level != LevelSet {
		if len(v) != 1 {
			return "", fmt.Errorf("the %s level takes exactly one value, got %d", level, len(v))
		}
		if v[0] == "" {
			return "", errors.New("an empty value would read as missing")
		}
		return v[0], nil
	}
	s := setOf(v)
	if len(s) == 0 {
		return NoneLabel, nil
	}
	for _, l := range s {
		if l == NoneLabel || l == "" || strings.Contains(l, "|") {
			return "", fmt.Errorf("set label %q cannot be written (it is empty, %q, or contains \"|\")", l, NoneLabel)
		}
	}
	return strings.Join(s, "|"), nil
}

// ReadReliabilityCSV reads what WriteReliabilityCSV writes: the header
// "unit,<coder>,…", then a row per unit, an empty cell a missing value,
// for LevelSet labels joined by "|" and NoneLabel the empty set. Lines
// starting with "#" are comments. It returns the units and the coders in
// the header's order.
func ReadReliabilityCSV(r io.Reader, level Level) ([]Unit, []string, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	header, err := cr.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("agreement: reliability CSV header: %w", err)
	}
	if len(header) < 2 || header[0] != "unit" {
		return nil, nil, errors.New(`agreement: reliability CSV header must be "unit,<coder>,…"`)
	}
	coders := slices.Clone(header[1:])
	var units []Unit
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("agreement: reliability CSV: %w", err)
		}
		u := Unit{ID: rec[0], Values: map[string][]string{}}
		for i, cell := range rec[1:] {
			switch {
			case cell == "":
				continue
			case level == LevelSet && cell == NoneLabel:
				u.Values[coders[i]] = []string{}
			case level == LevelSet:
				u.Values[coders[i]] = strings.Split(cell, "|")
			default:
				u.Values[coders[i]] = []string{cell}
			}
		}
		units = append(units, u)
	}
	return units, coders, nil
}
