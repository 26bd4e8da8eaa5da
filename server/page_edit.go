package server

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/komoru/komoru/catalog"
)

// editPage is /works/new and /works/{id}/edit: one form for every field of
// a work and every coded dimension, shown again with each problem beside
// its field, or with the other version beside it after a conflict. A
// contributor's save ends on the same page, saying it waits for review.
type editPage struct {
	layout
	New    bool
	Action string // where the form posts
	WorkID string // the work edited; "" for a new one
	Base   int    // the revision the form edits; 0 for a new work
	// Problems is the list at the top of a form that could not be saved,
	// each linking to its field.
	Problems []problem
	Conflict *conflictView
	// Proposal is set once a contributor's change is saved for review.
	Proposal *catalog.Proposal

	ID, WorkTitle, OriginalTitle, RomanizedTitle, AltTitles control
	Medium, Year, EndYear, Countries, Languages             control
	Creators, Characters, Related, Sources, Links           rowSet
	Synopsis, Notes                                         control
	Dimensions                                              []dimensionInput
	Note                                                    control
	Delete                                                  control // the delete form's note; unset on /works/new

	// From is the "Start from a web page" box of /works/new; nil when the
	// server has no harvester or the user is no curator. Harvest is what
	// a harvest of that page found beyond the fields, and Provenance the
	// pages each field's value came from (keyed by the work's JSON field
	// names).
	From       *control
	Harvest    *harvestView
	Provenance map[string][]sourceLink
}

// control is one input: its form name, element id, label, value, and what
// is wrong with it.
type control struct {
	Type      string // "text", "url", "textarea", "select", "checkbox", "work" (an id with a picker)
	Name, ID  string
	Label     string
	Value     string
	Rows      int      // text areas: the height in lines (3 when 0)
	Checked   bool     // checkboxes
	Options   []option // selects
	Hint      string
	Err       string
	Autofocus bool
}

// Describedby is the ids of the hint and the error, for aria-describedby.
func (c control) Describedby() string {
	var ids []string
	if c.Err != "" {
		ids = append(ids, c.ID+"-err")
	}
	if c.Hint != "" {
		ids = append(ids, c.ID+"-hint")
	}
	return strings.Join(ids, " ")
}

type option struct {
	Value, Label string
	Slug         string // media only: how ids of this medium end
	Selected     bool
}

// rowSet is a repeated field: its rows, blank ones to fill, the blank row
// the script copies, and the button that asks for more without it.
type rowSet struct {
	Name, Legend, Hint string
	Rows               []row
	New                row // indexed "__i__", for the script
	Next               int // the index of the script's first new row
	Err                string
}

type row struct {
	Label string // "Creator 2", for screen readers
	Cells []control
}

// dimensionInput is one coded dimension: its values with their
// definitions, the evidence for the choice, and the spoiler box.
type dimensionInput struct {
	ID, Label, Definition string
	Multi                 bool
	AlwaysSpoiler         bool
	NeverSpoiler          bool   // a content warning: readers should know it in advance
	Name                  string // "portrayal.realism"
	Err, ErrID            string
	Choices               []choice
	Uncoded               choice // single: "not coded"
	None                  choice // sets: "none of these" (coded empty)
	Order                 string // a set's values in the work's order
	Evidence, Spoiler     control
	// Source picks which of the work's sources backs the coding, by its
	// number in the Sources list; Locator says where the evidence is.
	Source, Locator control
	Exempt          string // the values that need no evidence, by label
}

type choice struct {
	Value, Label, Definition, ID string
	Checked, Invalid             bool
}

// problem is one line of the list at the top of a form that was not saved.
type problem struct{ Label, Message, Href string }

// conflictView sets the version saved meanwhile beside the one submitted,
// field by field, each with a choice of which to keep.
type conflictView struct {
	Revision int // theirs, now the form's base
	Author   string
	Yours    bool // the same user saved it, in another tab
	Note     string
	Time     time.Time
	Fields   []conflictField
}

type conflictField struct {
	Key, Label                   string
	Name, ID                     string // the choice's radio name and id stem
	Theirs, Mine                 string
	TheirsEvidence, MineEvidence string
	// OnlyTheirs: the submitted version left this field as it was, so
	// keeping theirs loses nothing, and it is the default. Where both
	// changed it, the default is mine.
	OnlyTheirs bool
}

func (s *Server) pageNewWork(c *gin.Context) error {
	if raw, ok := c.GetQuery("from"); ok {
		return s.newWorkFrom(c, strings.TrimSpace(raw))
	}
	f := formFromWork(&catalog.Work{}, catalog.BaseNone)
	p := s.editPage(c, &f, nil)
	if s.harvest != nil && p.Curator() {
		p.From = fromBox("", "")
	}
	s.render(c, http.StatusOK, "edit", p)
	return nil
}

func (s *Server) pageEditWork(c *gin.Context) error {
	rev, err := s.store.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		return err
	}
	f := formFromWork(rev.Work, rev.Number)
	s.render(c, http.StatusOK, "edit", s.editPage(c, &f, nil))
	return nil
}

func (s *Server) postNewWork(c *gin.Context) error { return s.postWork(c, "") }

func (s *Server) postEditWork(c *gin.Context) error { return s.postWork(c, c.Param("id")) }

// postWork saves the form of a new work (id "") or of work id. A form with
// problems, a request for more rows and a conflict all come back as the
// form, with everything typed kept.
func (s *Server) postWork(c *gin.Context, id string) error {
	ctx := c.Request.Context()
	if err := c.Request.ParseForm(); err != nil {
		return err
	}
	f, err := parseWorkForm(c.Request.PostForm, s.cb)
	if err != nil {
		return err
	}
	if id != "" {
		// An edit keeps its id; a new work is created, never based on a
		// revision.
		f.Work.ID = id
		if f.Base == catalog.BaseNone {
			return &httpError{status: http.StatusBadRequest, code: "bad_request", msg: "base: the revision the form was opened at is required"}
		}
	} else {
		f.Base = catalog.BaseNone
	}
	if len(f.Keep) > 0 && id != "" {
		if err := s.resolve(ctx, &f); err != nil {
			return err
		}
	}
	if f.More != "" {
		s.render(c, http.StatusOK, "edit", s.editPage(c, &f, nil))
		return nil
	}
	if problems := f.problems(s.cb); len(problems) > 0 {
		s.render(c, http.StatusUnprocessableEntity, "edit", s.editPage(c, &f, problems))
		return nil
	}
	sv, err := s.save(c, f.Work.ID, &f.Work, f.Base, f.Note)
	var (
		stale *catalog.StaleError
		ve    *catalog.ValidationError
	)
	switch {
	case errors.As(err, &stale):
		cv, err := s.conflictView(ctx, viewer(c), stale, &f.Work)
		if err != nil {
			return err
		}
		f.Base = stale.Current
		p := s.editPage(c, &f, nil)
		p.Conflict = cv
		s.render(c, http.StatusConflict, "edit", p)
		return nil
	case errors.As(err, &ve):
		s.render(c, http.StatusUnprocessableEntity, "edit", s.editPage(c, &f, ve.Fields))
		return nil
	case id == "" && errors.Is(err, catalog.ErrConflict):
		s.render(c, http.StatusUnprocessableEntity, "edit", s.editPage(c, &f,
			map[string]string{"id": "is taken by another work (/works/" + f.Work.ID + "); choose another id"}))
		return nil
	case err != nil:
		return err
	}
	return s.afterSave(c, f.Work.ID, sv)
}

// afterSave sends a curator to the work (or, after a delete, to search);
// a contributor learns that the change waits for review.
func (s *Server) afterSave(c *gin.Context, id string, sv saved) error {
	if p := sv.Proposal; p != nil {
		page := editPage{layout: s.layout(c, "Change proposed"), WorkID: id, Proposal: p}
		s.render(c, http.StatusAccepted, "edit", page)
		return nil
	}
	if sv.Revision.Op == catalog.OpDelete {
		c.Redirect(http.StatusSeeOther, "/")
		return nil
	}
	c.Redirect(http.StatusSeeOther, "/works/"+id)
	return nil
}

// resolve applies a conflict form's choices: each field kept as theirs is
// taken from the revision the conflict was shown against (the form's base
// by now); the rest stay as submitted.
func (s *Server) resolve(ctx context.Context, f *workForm) error {
	theirs, err := s.store.Revision(ctx, f.Work.ID, f.Base)
	if err != nil {
		return err
	}
	if theirs.Work == nil {
		return errNotFound("revision " + strconv.Itoa(f.Base) + " of " + f.Work.ID + " deleted the work")
	}
	for key, keep := range f.Keep {
		if keep != "theirs" {
			continue
		}
		if err := f.take(theirs.Work, key); err != nil {
			return &httpError{status: http.StatusBadRequest, code: "bad_request", msg: err.Error()}
		}
	}
	return nil
}

// conflictView compares the current revision (theirs) with the submitted
// work (mine), field by field. Where mine left a field as it was at the
// base the form was opened at, theirs is the default choice: keeping mine
// there would undo their change without anyone meaning to.
func (s *Server) conflictView(ctx context.Context, u *catalog.User, stale *catalog.StaleError, mine *catalog.Work) (*conflictView, error) {
	theirs, err := s.store.Revision(ctx, stale.WorkID, stale.Current)
	if err != nil {
		return nil, err
	}
	base, err := s.store.Revision(ctx, stale.WorkID, stale.Base)
	if err != nil && !errors.Is(err, catalog.ErrNotFound) {
		return nil, err
	}
	cv := &conflictView{Revision: theirs.Number, Author: theirs.Author, Note: theirs.Note, Time: theirs.Time,
		Yours: u != nil && u.Name == theirs.Author}
	for _, ch := range s.cb.Diff(theirs.Work, mine) {
		bt, be := s.cb.FieldText(base.Work, ch.Key)
		cv.Fields = append(cv.Fields, conflictField{
			Key: ch.Key, Label: ch.Label, Name: "keep." + ch.Key, ID: fieldID("keep." + ch.Key),
			Theirs: ch.Old, Mine: ch.New, TheirsEvidence: ch.OldEvidence, MineEvidence: ch.NewEvidence,
			OnlyTheirs: base.Work != nil && bt == ch.New && be == ch.NewEvidence,
		})
	}
	return cv, nil
}

func (s *Server) postDeleteWork(c *gin.Context) error {
	id := c.Param("id")
	base, err := strconv.Atoi(c.PostForm("base"))
	if err != nil || base < 1 {
		return &httpError{status: http.StatusBadRequest, code: "bad_request", msg: "base: the revision to delete is required"}
	}
	sv, err := s.save(c, id, nil, base, c.PostForm("note"))
	var (
		stale *catalog.StaleError
		ve    *catalog.ValidationError
	)
	switch {
	case errors.As(err, &stale):
		return s.deleteRefused(c, id, http.StatusConflict,
			"was changed since you opened it; look at the current version (revision "+strconv.Itoa(stale.Current)+") before deleting it")
	case errors.As(err, &ve):
		return s.deleteRefused(c, id, http.StatusUnprocessableEntity, ve.Fields["note"])
	case err != nil:
		return err
	}
	return s.afterSave(c, id, sv)
}

// deleteRefused shows the edit page of the current version with why the
// delete was not done beside its form.
func (s *Server) deleteRefused(c *gin.Context, id string, status int, msg string) error {
	rev, err := s.store.Get(c.Request.Context(), id)
	if err != nil {
		return err
	}
	f := formFromWork(rev.Work, rev.Number)
	p := s.editPage(c, &f, nil)
	p.Delete.Value = c.PostForm("note")
	p.Delete.Err = msg
	p.Problems = []problem{{Label: p.Delete.Label, Message: msg, Href: "#" + p.Delete.ID}}
	s.render(c, status, "edit", p)
	return nil
}

// editPage builds the page of form f, with each problem (keyed by field
// path) beside its input.
func (s *Server) editPage(c *gin.Context, f *workForm, problems map[string]string) editPage {
	w := &f.Work
	title := "Add a work"
	if f.Base != catalog.BaseNone {
		title = "Edit " + w.Title
	}
	b := newFormErrors(problems)
	p := editPage{layout: s.layout(c, title), New: f.Base == catalog.BaseNone, WorkID: w.ID, Base: max(f.Base, 0)}
	p.Action = "/works/new"
	if !p.New {
		p.Action = "/works/" + w.ID + "/edit"
	}

	p.ID = b.control("id", "Id", w.ID)
	p.ID.Hint = "Lowercase letters, digits and hyphens, ending in the medium: welcome-to-the-nhk-manga. It cannot change later."
	p.WorkTitle = b.control("title", "Title", w.Title)
	p.WorkTitle.Hint = "The title in English, as it is best known."
	p.OriginalTitle = b.control("original_title", "Original title", w.OriginalTitle)
	p.OriginalTitle.Hint = "In its own script: N・H・Kにようこそ!"
	p.RomanizedTitle = b.control("romanized_title", "Romanized title", w.RomanizedTitle)
	p.AltTitles = b.control("alt_titles", "Alternate titles", strings.Join(w.AltTitles, "\n"))
	p.AltTitles.Type, p.AltTitles.Hint = "textarea", "One a line: other spellings and translations, so search finds them."
	p.Medium = b.control("medium", "Medium", w.Medium)
	p.Medium.Type, p.Medium.Options = "select", s.options("medium", w.Medium)
	p.Year = b.control("year", "Year", f.Year)
	p.Year.Hint = "Of the first release."
	p.EndYear = b.control("end_year", "End year", f.EndYear)
	p.EndYear.Hint = "For a series that ran over years; leave empty otherwise."
	p.Countries = b.control("countries", "Countries", strings.Join(w.Countries, ", "))
	p.Countries.Hint = codeNames(w.Countries, s.cb.CountryName, "ISO 3166-1 codes, comma-separated: JP, KR")
	p.Languages = b.control("languages", "Languages", strings.Join(w.Languages, ", "))
	p.Languages.Hint = codeNames(w.Languages, s.cb.LanguageName, "ISO 639-1 codes of the original, comma-separated: ja, en")

	p.Creators = s.rowSet(b, f, "creators", "Creators", "Creator", len(w.Creators), func(i int, r *rowBuilder) {
		r.text("name", "Name", at(w.Creators, i).Name)
		r.sel("role", "Role", "creator_role", at(w.Creators, i).Role)
	})
	p.Characters = s.rowSet(b, f, "characters", "Characters", "Character", len(w.Characters), func(i int, r *rowBuilder) {
		ch := at(w.Characters, i)
		r.text("name", "Name", ch.Name)
		r.sel("gender", "Gender", "gender", ch.Gender)
		r.sel("role", "Role", "character_role", ch.Role)
		r.check("hikikomori", "Hikikomori", ch.Hikikomori)
	})
	p.Related = s.rowSet(b, f, "related", "Related works", "Related work", len(w.Related), func(i int, r *rowBuilder) {
		r.sel("relation", "This work is", "relation", at(w.Related, i).Relation)
		r.work("id", "Of the work (id)", at(w.Related, i).ID)
	})
	p.Related.Hint = "Give the id of the other entry, as in its address (/works/welcome-to-the-nhk-novel). With scripts on, type part of its title and pick it."
	p.Sources = s.rowSet(b, f, "sources", "Sources", "Source", len(w.Sources), func(i int, r *rowBuilder) {
		r.url("url", "Address", at(w.Sources, i).URL)
		r.text("title", "Title", at(w.Sources, i).Title)
	})
	p.Sources.Hint = "Where the facts come from."
	p.Links = s.rowSet(b, f, "links", "Links", "Link", len(w.Links), func(i int, r *rowBuilder) {
		r.url("url", "Address", at(w.Links, i).URL)
		r.text("label", "Label", at(w.Links, i).Label)
	})
	p.Links.Hint = "Official pages and database entries about the work."
	p.Synopsis = b.control("synopsis", "Synopsis", w.Synopsis)
	p.Synopsis.Type, p.Synopsis.Rows = "textarea", 5
	p.Notes = b.control("notes", "Curators' notes", w.Notes)
	p.Notes.Type, p.Notes.Hint = "textarea", "Source conflicts, fields left empty for want of a source, borderline fit."

	for _, d := range s.cb.Dimensions {
		p.Dimensions = append(p.Dimensions, s.dimensionInput(b, f, &d))
	}

	p.Note = b.control("note", "Edit note", f.Note)
	p.Note.Hint = "Required: what you changed and why, for the history."
	if !p.New {
		p.Delete = control{Type: "textarea", Rows: 2, Name: "note", ID: "f-delete-note", Label: "Note"}
		p.Delete.Hint = "Required. The work and its history are kept; a curator can restore it from the history."
	}
	p.Problems = b.rest()
	return p
}

// options lists a vocabulary's values for a select, after an empty choice.
func (s *Server) options(vocabulary, selected string) []option {
	opts := []option{{Value: "", Label: "Choose…", Selected: selected == ""}}
	for _, v := range s.cb.Dimension(vocabulary).Values {
		opts = append(opts, option{Value: v.ID, Label: v.Label, Selected: v.ID == selected, Slug: catalog.IDSuffix(v.ID)})
	}
	return opts
}

// codeNames spells out codes ("JP, KR" → "Japan, South Korea"), or gives
// the hint when there are none.
func codeNames(codes []string, name func(string) string, hint string) string {
	if len(codes) == 0 {
		return hint
	}
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = name(c)
		if names[i] == "" {
			names[i] = c + " (unknown)"
		}
	}
	return strings.Join(names, ", ")
}

func (s *Server) dimensionInput(b *formErrors, f *workForm, d *catalog.Dimension) dimensionInput {
	name := "portrayal." + d.ID
	c, coded := f.Work.Portrayal[d.ID]
	if loose, ok := f.Loose[d.ID]; ok {
		c = loose
	}
	di := dimensionInput{ID: d.ID, Label: d.Label, Definition: d.Definition, Multi: d.Multi, AlwaysSpoiler: d.Spoiler, NeverSpoiler: d.Warning,
		Name: name, ErrID: fieldID(name) + "-err", Order: strings.Join(c.Values, " ")}
	first := fieldID(name + "." + d.Values[0].ID)
	if !d.Multi {
		first = fieldID(name) + "-uncoded"
	}
	di.Err = b.take(name, d.Label, first)
	invalid := di.Err != ""
	for _, v := range d.Values {
		di.Choices = append(di.Choices, choice{Value: v.ID, Label: v.Label, Definition: v.Definition,
			ID: fieldID(name + "." + v.ID), Checked: slices.Contains(c.List(), v.ID), Invalid: invalid})
	}
	if d.Multi {
		di.None = choice{Label: "None of these", Definition: "Coded: the work shows none of the values above.",
			ID: fieldID(name) + "-none", Checked: f.Empty[d.ID], Invalid: invalid}
	} else {
		di.Uncoded = choice{Label: "Not coded", ID: first, Checked: !coded, Invalid: invalid}
	}
	di.Evidence = b.control(name+".evidence", d.Label+": evidence", c.Evidence)
	di.Evidence.Type, di.Evidence.Label, di.Evidence.Rows = "textarea", "Evidence", 2
	var exempt []string
	for _, v := range catalog.EvidenceExempt(d.ID) {
		exempt = append(exempt, "“"+s.cb.Label(d.ID, v)+"”")
	}
	di.Evidence.Hint = "What in the work shows it: episode, chapter, scene."
	switch {
	case len(exempt) > 0 && d.Multi:
		di.Evidence.Hint += " Required, except for " + strings.Join(exempt, ", ") + " alone or none of these."
	case len(exempt) > 0:
		di.Evidence.Hint += " Required, except for " + strings.Join(exempt, ", ") + "."
	case d.Multi:
		di.Evidence.Hint += " Required, except for none of these."
	default:
		di.Evidence.Hint += " Required."
	}
	di.Source = b.control(name+".source", d.Label+": source", strconv.Itoa(c.Source))
	di.Source.Type, di.Source.Label, di.Source.Options = "select", "Source", sourceOptions(f.Work.Sources, c.Source)
	di.Source.Hint = "Which of the work's sources backs it, by its number in Sources below (a source added in this edit is listed once the form is saved or shown again)."
	di.Locator = b.control(name+".locator", d.Label+": locator", c.Locator)
	di.Locator.Label, di.Locator.Hint = "Where", "Episode, chapter, page or timestamp: episode 3, ch. 12, p. 41, 01:12:30."
	di.Spoiler = control{Type: "checkbox", Name: name + ".spoiler", ID: fieldID(name + ".spoiler"),
		Value: "on", Label: "This gives the plot away (a spoiler)", Checked: c.Spoiler || d.Spoiler}
	return di
}

// sourceOptions lists a work's sources for a coding's source select, each
// by its number and title ("[2] Anime News Network"), after "none". A
// number past the list, which validation refuses, stays selectable so that
// the form shows what was sent.
func sourceOptions(sources []catalog.Source, selected int) []option {
	opts := []option{{Value: "", Label: "None named", Selected: selected == 0}}
	for i, src := range sources {
		label := src.Title
		if label == "" {
			label = src.URL
		}
		n := i + 1
		opts = append(opts, option{Value: strconv.Itoa(n), Label: "[" + strconv.Itoa(n) + "] " + label, Selected: n == selected})
	}
	if selected < 0 || selected > len(sources) {
		opts = append(opts, option{Value: strconv.Itoa(selected), Label: "[" + strconv.Itoa(selected) + "] (no such source)", Selected: true})
	}
	return opts
}

// rowSet builds a repeated field: n rows of the work, two blank ones after
// them (more, the first focused, when the user asked for more), and the
// blank row the script copies.
func (s *Server) rowSet(b *formErrors, f *workForm, name, legend, noun string, n int, cells func(i int, r *rowBuilder)) rowSet {
	blank, focus := 2, f.More == name
	if focus {
		blank = f.Blanks[name] + 2
	}
	rs := rowSet{Name: name, Legend: legend, Next: n + blank}
	rs.Err = b.take(name, legend, fieldID(name))
	for i := range n + blank {
		r := &rowBuilder{s: s, b: b, section: name, index: strconv.Itoa(i), noun: noun + " " + strconv.Itoa(i+1)}
		cells(i, r)
		if focus && i == n {
			r.row.Cells[0].Autofocus = true
		}
		r.row.Label = r.noun
		rs.Rows = append(rs.Rows, r.row)
	}
	r := &rowBuilder{s: s, b: newFormErrors(nil), section: name, index: "__i__", noun: noun}
	cells(n+blank, r)
	r.row.Label = noun
	rs.New = r.row
	return rs
}

// at returns list[i], or the zero value for a blank row past its end.
func at[T any](list []T, i int) T {
	var zero T
	if i < len(list) {
		return list[i]
	}
	return zero
}

// rowBuilder adds the cells of one row.
type rowBuilder struct {
	s       *Server
	b       *formErrors
	section string
	index   string
	noun    string // "Creator 2"
	row     row
}

func (r *rowBuilder) cell(field, typ, label, value string) *control {
	key := r.section + "[" + r.index + "]." + field
	c := control{Type: typ, Name: key, ID: fieldID(key), Label: label, Value: value}
	c.Err = r.b.take(key, r.noun+": "+strings.ToLower(label), c.ID)
	r.row.Cells = append(r.row.Cells, c)
	return &r.row.Cells[len(r.row.Cells)-1]
}

func (r *rowBuilder) text(field, label, value string) { r.cell(field, "text", label, value) }
func (r *rowBuilder) url(field, label, value string)  { r.cell(field, "url", label, value) }
func (r *rowBuilder) work(field, label, value string) { r.cell(field, "work", label, value) }

func (r *rowBuilder) sel(field, label, vocabulary, value string) {
	r.cell(field, "select", label, value).Options = r.s.options(vocabulary, value)
}

func (r *rowBuilder) check(field, label string, checked bool) {
	c := r.cell(field, "checkbox", label, "on")
	c.Checked = checked
}

// formErrors hands each problem to the input it belongs to, and keeps the
// list for the top of the page in form order.
type formErrors struct {
	byKey    map[string][]string // input key → messages
	problems []problem
}

func newFormErrors(fields map[string]string) *formErrors {
	e := &formErrors{byKey: map[string][]string{}}
	for path, msg := range fields {
		key := inputKey(path)
		e.byKey[key] = append(e.byKey[key], humanize(path, key, msg))
	}
	for _, msgs := range e.byKey {
		slices.Sort(msgs)
	}
	return e
}

// control is a text input of the work with its problems.
func (e *formErrors) control(key, label, value string) control {
	c := control{Type: "text", Name: key, ID: fieldID(key), Label: label, Value: value}
	c.Err = e.take(key, label, c.ID)
	return c
}

// take returns the problems of input key, and lists them for the top of
// the page with a link to element id.
func (e *formErrors) take(key, label, id string) string {
	msgs := e.byKey[key]
	if len(msgs) == 0 {
		return ""
	}
	delete(e.byKey, key)
	msg := strings.Join(msgs, "; ")
	e.problems = append(e.problems, problem{Label: label, Message: msg, Href: "#" + id})
	return msg
}

// rest returns the list for the top of the page: every problem taken, then
// any no input claimed (a field the form does not show).
func (e *formErrors) rest() []problem {
	keys := make([]string, 0, len(e.byKey))
	for k := range e.byKey {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		e.problems = append(e.problems, problem{Label: k, Message: strings.Join(e.byKey[k], "; "), Href: "#edit-form"})
	}
	return e.problems
}

// inputKey maps a problem's field path to the input that shows it: a
// code list's problems to its one text box ("countries[2]" →
// "countries"), a set dimension's to its group, a duplicate row to its
// first cell ("creators[1]" → "creators[1].name").
func inputKey(path string) string {
	i := strings.LastIndexByte(path, '[')
	if i < 0 || !strings.HasSuffix(path, "]") {
		return path
	}
	switch base := path[:i]; base {
	case "creators", "characters":
		return path + ".name"
	case "related":
		return path + ".id"
	case "sources", "links":
		return path + ".url"
	default:
		return base
	}
}

var indexRE = regexp.MustCompile(`\b([a-z_]+)\[(\d+)\]`)

// humanize rewrites the catalog's field paths in a message the way the
// form numbers things ("duplicates creators[0]" → "duplicates creator 1"),
// and names the entry of a list a message is about.
func humanize(path, key, msg string) string {
	msg = indexRE.ReplaceAllStringFunc(msg, func(m string) string {
		sub := indexRE.FindStringSubmatch(m)
		n, _ := strconv.Atoi(sub[2])
		return "no. " + strconv.Itoa(n+1)
	})
	if key != path && !strings.HasPrefix(path, key+".") && strings.HasPrefix(path, key+"[") {
		sub := indexRE.FindStringSubmatch(path)
		if sub != nil {
			n, _ := strconv.Atoi(sub[2])
			msg = "no. " + strconv.Itoa(n+1) + " " + msg
		}
	}
	return msg
}

// fieldID is an element id for an input key: "creators[1].role" →
// "f-creators-1-role".
func fieldID(key string) string {
	return "f-" + strings.NewReplacer("[", "-", "].", "-", "]", "", ".", "-").Replace(key)
}
