package catalog

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"
)

// sheetLine is one line of a coding sheet: one coder's coding of one
// work in one round.
type sheetLine struct {
	Round     string    `json:"round"`
	Work      string    `json:"work"`
	Coder     string    `json:"coder"`
	Portrayal Portrayal `json:"portrayal"`

	line int
}

// SheetReport says what a coding sheet imported.
type SheetReport struct {
	Codings int      // units written, each submitted
	Created []string // rounds the sheet created
}

// ImportCodings reads a coding sheet, as scholars who code offline keep
// them: JSON Lines, one coder's coding of one work a line,
// {"round": "r1", "work": "…", "coder": "…", "portrayal": {…}}, the
// portrayal as in import format v1 with evidence optional. Each coding is
// saved submitted.
//
// A round the catalog lacks is created, named by its id, by author, with
// the sheet's works and coders for it and the dimensions its codings use.
// A line of an existing round must be of its works, coders and dimensions,
// and the round open. Every coder must have an account. The sheet is one
// transaction: one bad line and nothing is written. Every bad line goes
// to onProblem, and the error then counts them.
func ImportCodings(ctx context.Context, st Writer, r io.Reader, author string, now time.Time, onProblem func(*LineError)) (SheetReport, error) {
	var rep SheetReport
	lines, problems := readSheet(r, st.Codebook())
	if lines == nil && problems == nil {
		return rep, errors.New("the coding sheet has no lines")
	}
	problem := func(line int, field, format string, args ...any) {
		ve := new(ValidationError)
		ve.add(field, format, args...)
		problems = append(problems, &LineError{Line: line, Err: ve})
	}
	// The problems are told in the order of the lines, once all are
	// known.
	defer func() {
		slices.SortStableFunc(problems, func(a, b *LineError) int { return a.Line - b.Line })
		for _, p := range problems {
			if onProblem != nil {
				onProblem(p)
			}
		}
	}()
	err := st.Write(ctx, func(tx Tx) error {
		rounds := map[string]*Round{}
		var order []string
		for _, l := range lines {
			if _, ok := rounds[l.Round]; ok {
				continue
			}
			r, err := tx.Round(ctx, l.Round)
			switch {
			case errors.Is(err, ErrNotFound):
				r = newSheetRound(l.Round, lines, st.Codebook(), author, now)
				rep.Created = append(rep.Created, r.ID)
				order = append(order, r.ID)
			case err != nil:
				return err
			}
			rounds[l.Round] = &r
		}
		// New rounds first: their codings refer to them.
		for _, id := range order {
			if err := tx.PutRound(ctx, *rounds[id]); err != nil {
				return err
			}
		}
		seen := map[[3]string]int{}
		for _, l := range lines {
			key := [3]string{l.Round, l.Work, l.Coder}
			if first, dup := seen[key]; dup {
				problem(l.line, "coder", "%q coded %q in round %q on line %d already", l.Coder, l.Work, l.Round, first)
				continue
			}
			seen[key] = l.line
			if h, err := tx.Head(ctx, l.Work); err != nil {
				return err
			} else if !h.Exists() {
				problem(l.line, "work", "no work %q in the catalog", truncate(l.Work, 60))
				continue
			}
			if _, err := tx.User(ctx, l.Coder); errors.Is(err, ErrNotFound) {
				problem(l.line, "coder", "no account %q: add it with komoru user add first", truncate(l.Coder, 60))
				continue
			} else if err != nil {
				return err
			}
			u := CodingUnit{Round: l.Round, Work: l.Work, Coder: l.Coder, Portrayal: l.Portrayal, State: UnitSubmitted, Updated: now.UTC()}
			if err := checkUnit(rounds[l.Round], &u, st.Codebook()); err != nil {
				problems = append(problems, &LineError{Line: l.line, Err: sheetProblem(err)})
				continue
			}
			if len(problems) > 0 {
				continue // nothing will be written; the rest is only checked
			}
			if err := tx.PutCoding(ctx, u); err != nil {
				return err
			}
			rep.Codings++
		}
		if len(problems) > 0 {
			return errRollback
		}
		return nil
	})
	if bad := len(problems); errors.Is(err, errRollback) || bad > 0 {
		what := "lines"
		if bad == 1 {
			what = "line"
		}
		return SheetReport{}, fmt.Errorf("%d bad %s in the coding sheet; nothing was imported", bad, what)
	}
	return rep, err
}

// sheetProblem makes a unit's error a line's problem, naming the field.
func sheetProblem(err error) error {
	var ue *unitError
	if !errors.As(err, &ue) {
		return err // a *ValidationError: already by field
	}
	ve := new(ValidationError)
	ve.add(ue.field, "%s", ue.msg)
	return ve
}

// newSheetRound is the round a sheet creates: its works and coders in the
// order the sheet names them, the dimensions its codings use.
func newSheetRound(id string, lines []sheetLine, cb *Codebook, author string, now time.Time) Round {
	r := Round{ID: id, Name: id, Creator: author, Created: now.UTC(), State: RoundOpen}
	used := map[string]bool{}
	for _, l := range lines {
		if l.Round != id {
			continue
		}
		if !slices.Contains(r.Works, l.Work) {
			r.Works = append(r.Works, l.Work)
		}
		if !slices.Contains(r.Coders, l.Coder) {
			r.Coders = append(r.Coders, l.Coder)
		}
		for d := range l.Portrayal {
			used[d] = true
		}
	}
	for _, d := range cb.Dimensions {
		if used[d.ID] {
			r.Dimensions = append(r.Dimensions, d.ID)
		}
	}
	return r
}

// readSheet decodes every line; it returns the good ones and the
// problems of the others.
func readSheet(r io.Reader, cb *Codebook) ([]sheetLine, []*LineError) {
	dec := NewDecoder(r, cb)
	var (
		lines    []sheetLine
		problems []*LineError
	)
	report := func(line int, err error) { problems = append(problems, &LineError{Line: line, Err: err}) }
	for {
		data, err := dec.readLine()
		if err == io.EOF {
			return lines, problems
		}
		if err != nil {
			report(dec.line, err)
			return lines, problems
		}
		if data == nil {
			report(dec.line, &ValidationError{Fields: map[string]string{"json": fmt.Sprintf("line longer than %d bytes", MaxLineBytes)}})
			continue
		}
		if len(bytes.TrimSpace(data)) == 0 {
			continue
		}
		var l sheetLine
		jd := json.NewDecoder(bytes.NewReader(data))
		jd.DisallowUnknownFields()
		if err := jd.Decode(&l); err != nil {
			report(dec.line, jsonProblem(err))
			continue
		}
		ve := new(ValidationError)
		for _, f := range []struct{ name, v string }{{"round", l.Round}, {"work", l.Work}, {"coder", l.Coder}} {
			if f.v == "" {
				ve.add(f.name, "is required")
			}
		}
		if l.Round != "" && !ValidSlug(l.Round) {
			ve.add("round", "must be a lowercase slug such as r1, got %q", truncate(l.Round, 40))
		}
		if len(l.Portrayal) == 0 {
			ve.add("portrayal", "is required: the coder's values, keyed by dimension")
		}
		if err := ve.orNil(); err != nil {
			report(dec.line, err)
			continue
		}
		l.line = dec.line
		lines = append(lines, l)
	}
}
