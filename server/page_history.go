package server

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/komoru/komoru/catalog"
)

// historyPage is /works/{id}/history: every revision of a work, newest
// first, the field-by-field diff of two of them, and for curators the form
// that restores one.
type historyPage struct {
	layout
	WorkID    string
	WorkTitle string // from the latest revision that has a work
	Deleted   bool   // the latest revision deletes the work
	Current   int    // the latest revision number: the base of a restore
	Revisions []revisionView
	// From and To are the revisions compared; From 0 is "nothing" (the
	// diff of the first revision shows the work as created).
	From, To  int
	ToDeleted bool
	Changes   []fieldDiff
	// Restore is set when a curator may restore revision To.
	Restore *restoreForm
	Message string // why a restore was not made
}

// revisionView is one row of a history.
type revisionView struct {
	Number int
	Op     catalog.Op
	Author string
	Note   string
	Time   time.Time
	// Restorable is set for a curator on a revision that would change
	// the work if restored (not the latest, not a delete).
	Restorable bool
}

// restoreForm is the form that makes revision N current again.
type restoreForm struct {
	N, Base   int
	Note      string
	NoteError string
}

// fieldDiff is one field that differs between two versions of a work, as
// the history and the review pages show it.
type fieldDiff struct {
	Key, Label string
	Old, New   string
	// Words is the change of a free-text field (synopsis, notes) as a
	// word diff, shown instead of Old and New.
	Words []catalog.WordChunk
	// Evidence is a coded dimension's changed evidence as a word diff.
	Evidence []catalog.WordChunk
	// Hide keeps a spoiler's change behind a reveal, for a reader who
	// hides spoilers. On the public history the change is then not on
	// the page at all, only RevealURL, the page with it shown; curators'
	// pages (review) keep it in a closed reveal.
	Hide      bool
	RevealURL string
}

// fieldDiffs is cb.Diff for a page: codings by label, evidence and free
// text as word diffs, spoilers hidden unless the reader shows them.
func (s *Server) fieldDiffs(old, new *catalog.Work, showSpoilers bool) []fieldDiff {
	var out []fieldDiff
	for _, ch := range s.cb.Diff(old, new) {
		fd := fieldDiff{Key: ch.Key, Label: ch.Label, Old: ch.Old, New: ch.New}
		switch {
		case ch.Key == "synopsis" || ch.Key == "notes":
			fd.Words = catalog.WordDiff(ch.Old, ch.New)
		case strings.HasPrefix(ch.Key, "portrayal."):
			dim := strings.TrimPrefix(ch.Key, "portrayal.")
			if ch.OldEvidence != ch.NewEvidence {
				fd.Evidence = catalog.WordDiff(ch.OldEvidence, ch.NewEvidence)
			}
			spoiler := false
			if d := s.cb.Dimension(dim); d != nil {
				for _, w := range []*catalog.Work{old, new} {
					if w != nil {
						spoiler = spoiler || d.IsSpoiler(w.Portrayal[dim])
					}
				}
			}
			fd.Hide = spoiler && !showSpoilers
		}
		out = append(out, fd)
	}
	return out
}

func (s *Server) pageHistory(c *gin.Context) error {
	from, to := -1, -1
	fields := map[string]string{}
	for name, n := range map[string]*int{"from": &from, "to": &to} {
		if v := c.Query(name); v != "" {
			var err error
			if *n, err = strconv.Atoi(v); err != nil || *n < 0 {
				fields[name] = "must be a revision number"
			}
		}
	}
	if len(fields) > 0 {
		return &httpError{status: http.StatusBadRequest, code: "bad_parameter", msg: "bad revision to compare", fields: fields}
	}
	p, err := s.history(c, c.Param("id"), from, to)
	if err != nil {
		return err
	}
	s.render(c, http.StatusOK, "history", p)
	return nil
}

// history builds the history page of a work comparing revision from with
// revision to; -1 picks the defaults: the latest revision, against the one
// before it.
func (s *Server) history(c *gin.Context, id string, from, to int) (historyPage, error) {
	revs, err := s.store.Revisions(c.Request.Context(), id)
	if err != nil {
		return historyPage{}, err
	}
	latest := revs[len(revs)-1]
	p := historyPage{WorkID: id, WorkTitle: id, Deleted: latest.Work == nil, Current: latest.Number}
	for i := len(revs) - 1; i >= 0; i-- {
		if revs[i].Work != nil {
			p.WorkTitle = revs[i].Work.Title
			break
		}
	}
	p.layout = s.layout(c, "History of "+p.WorkTitle)
	for i := len(revs) - 1; i >= 0; i-- {
		r := revs[i]
		p.Revisions = append(p.Revisions, revisionView{Number: r.Number, Op: r.Op, Author: r.Author, Note: r.Note, Time: r.Time,
			Restorable: p.Curator() && r.Number != latest.Number && r.Work != nil})
	}
	if to == -1 {
		to = latest.Number
	}
	if from == -1 {
		from = to - 1
	}
	if to < 1 || to > latest.Number || from > latest.Number {
		return historyPage{}, errNotFound("work " + strconv.Quote(id) + " has revisions 1 to " + strconv.Itoa(latest.Number))
	}
	p.From, p.To = from, to
	// Revision n is revs[n-1]: numbers count up from 1 without gaps.
	var old *catalog.Work
	if from > 0 {
		old = revs[from-1].Work
	}
	toRev := revs[to-1]
	p.ToDeleted = toRev.Work == nil
	p.Changes = s.fieldDiffs(old, toRev.Work, p.ShowSpoilers)
	shown, err := s.shownSpoilers(c)
	if err != nil {
		return historyPage{}, err
	}
	for i := range p.Changes {
		ch := &p.Changes[i]
		dim, ok := strings.CutPrefix(ch.Key, "portrayal.")
		if !ok || !ch.Hide {
			continue
		}
		if slices.Contains(shown, dim) {
			ch.Hide = false
			continue
		}
		v := c.Request.URL.Query()
		v.Add(paramShow, dim)
		ch.RevealURL = c.Request.URL.Path + "?" + v.Encode() + "#change-" + ch.Key
	}
	if p.Curator() && to != latest.Number && toRev.Work != nil {
		p.Restore = &restoreForm{N: to, Base: latest.Number}
	}
	return p, nil
}

// postRestore makes an old revision of a work current again, as a new
// revision: an undo, or an undelete when the work was deleted.
func (s *Server) postRestore(c *gin.Context) error {
	id := c.Param("id")
	n, errN := strconv.Atoi(c.PostForm("n"))
	base, errBase := strconv.Atoi(c.PostForm("base"))
	if errN != nil || errBase != nil {
		return &httpError{status: http.StatusBadRequest, code: "bad_form", msg: "the restore form needs the revision n and its base"}
	}
	note := strings.TrimSpace(c.PostForm("note"))
	again := func(status int, from int, msg, noteError string) error {
		p, err := s.history(c, id, from, n)
		if err != nil {
			return err
		}
		p.Message = msg
		if p.Restore != nil {
			p.Restore.Note, p.Restore.NoteError = note, noteError
		}
		s.render(c, status, "history", p)
		return nil
	}
	if note == "" {
		return again(http.StatusUnprocessableEntity, base, "", "is required: say why this version is restored")
	}
	rev, err := catalog.RestoreWork(c.Request.Context(), s.store, id, n, base,
		catalog.Change{Author: viewer(c).Name, Note: note, Time: s.now()})
	var stale *catalog.StaleError
	if errors.As(err, &stale) {
		return again(http.StatusPreconditionFailed, stale.Current, "Someone changed this work meanwhile: it is now at revision "+
			strconv.Itoa(stale.Current)+", not "+strconv.Itoa(base)+". Below is what restoring revision "+strconv.Itoa(n)+
			" would change now; restore again if you still want it.", "")
	}
	if err != nil {
		return err
	}
	s.afterWrite(c)
	if rev.Work == nil {
		c.Redirect(http.StatusSeeOther, historyURL(id, rev.Number))
		return nil
	}
	c.Redirect(http.StatusSeeOther, "/works/"+url.PathEscape(id))
	return nil
}

// historyURL is the history page's diff of revision n against the one
// before it.
func historyURL(id string, n int) string {
	return "/works/" + url.PathEscape(id) + "/history?to=" + strconv.Itoa(n) + "#diff"
}

// changesPage is /changes: the newest revisions of the whole catalog, or of
// one author or one work, paged back by sequence number.
type changesPage struct {
	layout
	Author, WorkID string
	Rows           []changeRow
	Older          string // the next older page; "" on the last
	Paged          bool   // not the newest page
	Newest         string // the newest page of this filter
	Feed           string // the Atom feed of this filter
}

// changeRow is one revision in a list of changes.
type changeRow struct {
	Seq    int64
	WorkID string
	Title  string
	Number int
	Op     catalog.Op
	Author string
	Note   string
	Time   time.Time
	// Fields are the labels of the fields an update changed.
	Fields []string
}

// DiffURL is the history's diff of this revision.
func (r changeRow) DiffURL() string { return historyURL(r.WorkID, r.Number) }

// AuthorURL is the list of this author's changes.
func (r changeRow) AuthorURL() string { return "/changes?" + url.Values{"author": {r.Author}}.Encode() }

// changesPerPage is how many revisions /changes and its feed show at once.
const changesPerPage = 50

// changesFilter reads /changes' and the feed's parameters.
func changesFilter(c *gin.Context) (catalog.HistoryFilter, error) {
	f := catalog.HistoryFilter{Author: strings.TrimSpace(c.Query("author")), WorkID: strings.TrimSpace(c.Query("work")), Limit: changesPerPage + 1}
	if v := c.Query("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			return f, &httpError{status: http.StatusBadRequest, code: "bad_parameter", msg: "bad parameter: before",
				fields: map[string]string{"before": "must be a change number"}}
		}
		f.Before = n
	}
	return f, nil
}

// changes returns the revisions the request's filter selects, newest
// first, as rows, and whether there are older ones.
func (s *Server) changes(c *gin.Context) (catalog.HistoryFilter, []changeRow, bool, error) {
	ctx := c.Request.Context()
	f, err := changesFilter(c)
	if err != nil {
		return f, nil, false, err
	}
	revs, err := s.store.History(ctx, f)
	if err != nil {
		return f, nil, false, err
	}
	more := len(revs) > changesPerPage
	if more {
		revs = revs[:changesPerPage]
	}
	rows := make([]changeRow, 0, len(revs))
	for _, r := range revs {
		row := changeRow{Seq: r.Seq, WorkID: r.WorkID, Title: r.WorkID, Number: r.Number, Op: r.Op, Author: r.Author, Note: r.Note, Time: r.Time}
		var prev *catalog.Work
		if r.Op != catalog.OpCreate && r.Number > 1 {
			p, err := s.store.Revision(ctx, r.WorkID, r.Number-1)
			if err != nil {
				return f, nil, false, err
			}
			prev = p.Work
		}
		switch {
		case r.Work != nil:
			row.Title = r.Work.Title
		case prev != nil:
			row.Title = prev.Title
		}
		if r.Op == catalog.OpUpdate {
			for _, ch := range s.cb.Diff(prev, r.Work) {
				row.Fields = append(row.Fields, ch.Label)
			}
		}
		rows = append(rows, row)
	}
	return f, rows, more, nil
}

func (s *Server) pageChanges(c *gin.Context) error {
	f, rows, more, err := s.changes(c)
	if err != nil {
		return err
	}
	title := "Changes"
	switch {
	case f.Author != "" && f.WorkID != "":
		title = "Changes by " + f.Author + " to " + f.WorkID
	case f.Author != "":
		title = "Changes by " + f.Author
	case f.WorkID != "":
		title = "Changes to " + f.WorkID
	}
	q := url.Values{}
	if f.Author != "" {
		q.Set("author", f.Author)
	}
	if f.WorkID != "" {
		q.Set("work", f.WorkID)
	}
	p := changesPage{layout: s.layout(c, title), Author: f.Author, WorkID: f.WorkID, Rows: rows, Paged: f.Before > 0,
		Newest: "/changes", Feed: "/changes.atom"}
	if enc := q.Encode(); enc != "" {
		p.Newest += "?" + enc
		p.Feed += "?" + enc
	}
	if more {
		q.Set("before", strconv.FormatInt(rows[len(rows)-1].Seq, 10))
		p.Older = "/changes?" + q.Encode()
	}
	s.render(c, http.StatusOK, "changes", p)
	return nil
}

// codedBy is who last changed a coded dimension of a work, and when.
type codedBy struct {
	Author string
	Time   time.Time
	URL    string // the history's diff of that revision
}

// addProvenance sets, on each coded dimension of a work's page, the
// revision that last changed its coding.
func (s *Server) addProvenance(ctx context.Context, id string, dims []dimensionView) error {
	revs, err := s.store.Revisions(ctx, id)
	if err != nil {
		return err
	}
	prov := catalog.Provenance(revs)
	for i := range dims {
		if r, ok := prov[dims[i].ID]; ok {
			dims[i].CodedBy = &codedBy{Author: r.Author, Time: r.Time, URL: historyURL(id, r.Number)}
		}
	}
	return nil
}
