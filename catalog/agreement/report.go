package agreement

import (
	"encoding/csv"
	"io"
	"math"
	"strconv"

	"github.com/komoru/komoru/catalog"
)

// Number is a figure of a report: a float64 that JSON writes as null
// when it is NaN (an undefined alpha, or no interval), since JSON has no
// NaN and a reader should see "undefined", not a made-up zero.
type Number float64

// MarshalJSON writes the number, or null for NaN and the infinities.
func (n Number) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, f, 'f', -1, 64), nil
}

// UnmarshalJSON reads a number, null as NaN, so a report read back is
// the report written.
func (n *Number) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = Number(math.NaN())
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	*n = Number(f)
	return err
}

// Report is the agreement of a round on each of its dimensions, as the
// API (GET /api/v1/rounds/{id}/agreement) and `komoru agreement` give it.
type Report struct {
	Round           string `json:"round"`
	State           string `json:"state"`
	CodebookVersion string `json:"codebook_version"`
	// Resamples and Seed are the bootstrap's, so that the intervals can
	// be reproduced.
	Resamples  int               `json:"resamples"`
	Seed       uint64            `json:"seed"`
	Dimensions []ReportDimension `json:"dimensions"`
}

// ReportDimension is one dimension of a Report.
type ReportDimension struct {
	Dimension string    `json:"dimension"`
	Label     string    `json:"label"`
	Level     Level     `json:"level"`
	Alpha     Number    `json:"alpha"`
	CI95      [2]Number `json:"ci95"`
	Units     int       `json:"units"`
	Coders    int       `json:"coders"`
	Pairable  int       `json:"pairable"`
	Reading   string    `json:"reading"`
	// Undefined says why Alpha is null; empty (left out) otherwise.
	Undefined   string        `json:"undefined,omitempty"`
	Observed    Number        `json:"observed"`
	Expected    Number        `json:"expected"`
	Coincidence ReportMatrix  `json:"coincidence"`
	PerValue    []ReportValue `json:"per_value,omitempty"`
	Pairwise    []ReportPair  `json:"pairwise"`
}

// ReportMatrix is a coincidence matrix: Counts[i][j] pairs Values[i]
// with Values[j].
type ReportMatrix struct {
	Values []string    `json:"values"`
	Counts [][]float64 `json:"counts"`
}

// ReportValue is the binary alpha of one label of a set dimension.
type ReportValue struct {
	Value     string `json:"value"`
	Alpha     Number `json:"alpha"`
	Reading   string `json:"reading"`
	Undefined string `json:"undefined,omitempty"`
}

// ReportPair is two coders' agreement on the units both coded.
type ReportPair struct {
	A         string `json:"a"`
	B         string `json:"b"`
	Units     int    `json:"units"`
	Alpha     Number `json:"alpha"`
	Reading   string `json:"reading"`
	Identical Number `json:"identical"`
}

// NewReport builds the report of round r from ForRound's dimensions,
// measured with o under codebook version cbVersion. Every slice is
// non-nil, so JSON has [] rather than null where there is nothing.
func NewReport(r *catalog.Round, cbVersion string, dims []Dimension, o Options) Report {
	rep := Report{Round: r.ID, State: string(r.State), CodebookVersion: cbVersion,
		Resamples: o.Resamples, Seed: o.Seed, Dimensions: make([]ReportDimension, 0, len(dims))}
	if rep.Resamples == 0 {
		rep.Resamples = DefaultResamples
	}
	if rep.Resamples < 0 {
		rep.Resamples = 0
	}
	if rep.Seed == 0 {
		rep.Seed = DefaultSeed
	}
	for _, d := range dims {
		rd := ReportDimension{Dimension: d.ID, Label: d.Label, Level: d.Level, Alpha: Number(d.Alpha),
			CI95: [2]Number{Number(d.CI95[0]), Number(d.CI95[1])}, Units: d.Result.Units, Coders: d.Coders,
			Pairable: d.Pairable, Reading: d.Reading, Undefined: d.Undefined,
			Observed: Number(d.Observed), Expected: Number(d.Expected),
			Coincidence: ReportMatrix{Values: nonNil(d.Coincidence.Values), Counts: d.Coincidence.Counts},
			Pairwise:    make([]ReportPair, 0, len(d.Pairwise))}
		if rd.Coincidence.Counts == nil {
			rd.Coincidence.Counts = [][]float64{}
		}
		for _, v := range d.PerValue {
			rd.PerValue = append(rd.PerValue, ReportValue{Value: v.Value, Alpha: Number(v.Alpha), Reading: v.Reading, Undefined: v.Undefined})
		}
		for _, p := range d.Pairwise {
			rd.Pairwise = append(rd.Pairwise, ReportPair{A: p.A, B: p.B, Units: p.Units, Alpha: Number(p.Alpha), Reading: p.Reading, Identical: Number(p.Identical)})
		}
		rep.Dimensions = append(rep.Dimensions, rd)
	}
	return rep
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// ReportCSVHeader is the header of WriteReportCSV.
var ReportCSVHeader = []string{"dimension", "level", "alpha", "ci95_low", "ci95_high", "units", "coders", "pairable", "reading"}

// WriteReportCSV writes the report's headline figures, one row per
// dimension under ReportCSVHeader; an undefined figure is an empty cell,
// which R and pandas read as missing.
func WriteReportCSV(w io.Writer, rep Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(ReportCSVHeader); err != nil {
		return err
	}
	for _, d := range rep.Dimensions {
		row := []string{d.Dimension, string(d.Level), d.Alpha.cell(), d.CI95[0].cell(), d.CI95[1].cell(),
			strconv.Itoa(d.Units), strconv.Itoa(d.Coders), strconv.Itoa(d.Pairable), d.Reading}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// cell writes a number as a CSV cell, empty when undefined.
func (n Number) cell() string {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return ""
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}
