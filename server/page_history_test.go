package server

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/komoru/komoru/catalog"
)

func init() {
	zeroPages["history"] = historyPage{}
	zeroPages["changes"] = changesPage{}
	zeroPages["review"] = reviewPage{}
	zeroPages["proposal"] = proposalPage{}
}

const nhkAnime = "welcome-to-the-nhk-anime"

// changedCopy returns a work's current revision number and a copy of the
// work with change made to it.
func (st *site) changedCopy(t *testing.T, id string, change func(*catalog.Work)) (*catalog.Work, int) {
	t.Helper()
	cur, err := st.store.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	w := *cur.Work
	w.Portrayal = maps.Clone(cur.Work.Portrayal)
	change(&w)
	return &w, cur.Number
}

// revise saves a change to a work as author, the way a curator's save
// does, one minute after the last, and returns the new revision.
func (st *site) revise(t *testing.T, id, author, note string, change func(*catalog.Work)) catalog.Revision {
	t.Helper()
	w, base := st.changedCopy(t, id, change)
	st.advance(time.Minute)
	rev, err := catalog.UpdateWork(context.Background(), st.store, w, base, catalog.Change{Author: author, Note: note, Time: st.clock()})
	if err != nil {
		t.Fatal(err)
	}
	return rev
}

// setEvidence returns a change that sets a dimension's evidence.
func setEvidence(dim, evidence string) func(*catalog.Work) {
	return func(w *catalog.Work) {
		c := w.Portrayal[dim]
		c.Evidence = evidence
		w.Portrayal[dim] = c
	}
}

// foundIDs returns the ids the search API finds for q, after the index
// has caught up with whatever the site's handlers made it catch up with.
func (st *site) foundIDs(t *testing.T, q string) []string {
	t.Helper()
	rec := st.do(t, req{method: "GET", url: "/api/v1/search?size=100&q=" + url.QueryEscape(q)})
	var res searchResponse
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &res) != nil {
		t.Fatalf("search %q: %d %s", q, rec.Code, rec.Body)
	}
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}

// elementHTML returns the HTML of the element with the given id, up to its
// closing tag (elements of that tag are not nested in the tests' pages).
func elementHTML(t *testing.T, page, tag, id string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<` + tag + ` [^>]*id="` + regexp.QuoteMeta(id) + `"[^>]*>(.*?)</` + tag + `>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no <%s id=%q> in the page", tag, id)
	}
	return m[1]
}

func TestHistoryPage(t *testing.T) {
	st := newSite(t)
	cora := st.user(t, "cora", catalog.RoleCurator)
	st.revise(t, nhkAnime, cora, "evidence in his words", setEvidence("realism", "He hides in his room."))
	st.revise(t, nhkAnime, cora, "a closer reading\nof episode 1", func(w *catalog.Work) {
		setEvidence("realism", "He hides alone in his room.")(w)
		w.Title = "Welcome to the NHK"
		c := w.Portrayal["recovery"]
		c.Value = "gradual"
		w.Portrayal["recovery"] = c
	})

	rec := st.do(t, req{method: "GET", url: "/works/" + nhkAnime + "/history"})
	if rec.Code != 200 {
		t.Fatalf("history: %d", rec.Code)
	}
	page := rec.Body.String()
	// Every revision, newest first, with its author, note and op.
	var order []string
	for _, m := range regexp.MustCompile(`<tr id="rev-(\d+)"`).FindAllStringSubmatch(page, -1) {
		order = append(order, m[1])
	}
	if strings.Join(order, " ") != "3 2 1" {
		t.Errorf("revisions listed %v, want 3 2 1", order)
	}
	row3 := elementHTML(t, page, "tr", "rev-3")
	for _, want := range []string{`<a href="/changes?author=cora">cora</a>`, "a closer reading\nof episode 1", `<span class="op op-update">update</span>`, `datetime="2026-06-01T12:02:00Z"`} {
		if !strings.Contains(row3, want) {
			t.Errorf("revision 3's row lacks %q:\n%s", want, row3)
		}
	}
	if !strings.Contains(elementHTML(t, page, "tr", "rev-1"), ">komoru</a>") {
		t.Error("revision 1 is not by komoru")
	}
	// The default diff: the latest against the one before, field by field,
	// codings by label, evidence as a word diff, the spoiler hidden.
	diff := elementHTML(t, page, "section", "diff")
	for _, want := range []string{
		`<h2 id="diff-title">Revision 2 → revision 3</h2>`,
		`<h3>Title</h3>`,
		`<span class="side">Before</span><p>Welcome to the N.H.K.</p>`,
		`<span class="side">After</span><p>Welcome to the NHK</p>`,
		`<h3>Realism</h3>`,
		`He hides <ins>alone </ins>in his room.`,
		`<div class="change" id="change-portrayal.recovery">`,
		`<a class="spoiler-reveal" href="/works/` + nhkAnime + `/history?show=recovery#change-portrayal.recovery" rel="nofollow">Spoiler: show the change</a>`,
	} {
		if !strings.Contains(diff, want) {
			t.Errorf("the diff lacks %s", want)
		}
	}
	// The spoiler is not on the page until asked for, and then it is.
	// The shipped coding names where in the work it is shown (its
	// locator), and the revision kept it.
	for _, spoiler := range []string{`<p>Cyclical [spoiler] (final episode)</p>`, `<p>Gradual [spoiler] (final episode)</p>`} {
		if strings.Contains(page, spoiler) {
			t.Errorf("with spoilers hidden the history has %s", spoiler)
		}
		shown := st.do(t, req{method: "GET", url: "/works/" + nhkAnime + "/history?show=recovery"}).Body.String()
		if !strings.Contains(elementHTML(t, shown, "section", "diff"), spoiler) {
			t.Errorf("with recovery shown the history lacks %s", spoiler)
		}
	}
	if strings.Contains(diff, "<h3>Tone</h3>") {
		t.Error("the diff shows a dimension that did not change")
	}
	// Readers may not restore.
	if strings.Contains(page, "Restore this version") || strings.Contains(page, `action="/works/`+nhkAnime+`/restore"`) {
		t.Error("a reader is offered a restore")
	}

	// Any two: the first against the latest, chosen in the form.
	page = st.do(t, req{method: "GET", url: "/works/" + nhkAnime + "/history?from=1&to=3"}).Body.String()
	diff = elementHTML(t, page, "section", "diff")
	if !strings.Contains(diff, "Revision 1 → revision 3") || !strings.Contains(diff, "<del>") || !strings.Contains(diff, "<h3>Title</h3>") {
		t.Errorf("the diff of 1 and 3 is\n%s", diff)
	}
	if !regexp.MustCompile(`name="from" value="1"[^>]*checked`).MatchString(page) || !regexp.MustCompile(`name="to" value="3"[^>]*checked`).MatchString(page) {
		t.Error("the compare form does not show 1 and 3 chosen")
	}
	// The first revision alone: the work as created.
	page = st.do(t, req{method: "GET", url: "/works/" + nhkAnime + "/history?to=1"}).Body.String()
	if diff := elementHTML(t, page, "section", "diff"); !strings.Contains(diff, "Revision 1, from nothing") || !strings.Contains(diff, `<span class="side">Before</span><p class="muted">nothing</p>`) {
		t.Errorf("the diff of revision 1 is\n%s", diff)
	}

	// A curator may restore any revision but the latest.
	cookie := st.session(t, cora)
	page = st.do(t, req{method: "GET", url: "/works/" + nhkAnime + "/history", cookie: cookie}).Body.String()
	if got := strings.Count(page, "Restore this version"); got != 2 {
		t.Errorf("%d restore links, want 2 (revisions 1 and 2)", got)
	}
	if strings.Contains(elementHTML(t, page, "tr", "rev-3"), "Restore this version") {
		t.Error("the latest revision offers a restore")
	}

	for _, tt := range []struct {
		url    string
		status int
	}{
		{"/works/" + nhkAnime + "/history?to=4", 404},
		{"/works/" + nhkAnime + "/history?from=x", 400},
		{"/works/" + nhkAnime + "/history?to=-1", 400},
		{"/works/no-such-work/history", 404},
	} {
		if rec := st.do(t, req{method: "GET", url: tt.url}); rec.Code != tt.status {
			t.Errorf("GET %s = %d, want %d", tt.url, rec.Code, tt.status)
		}
	}
}

func TestRestore(t *testing.T) {
	st := newSite(t)
	ctx := context.Background()
	cora := st.user(t, "cora", catalog.RoleCurator)
	connie := st.user(t, "connie", catalog.RoleContributor)
	st.revise(t, nhkAnime, cora, "a title to find", func(w *catalog.Work) { w.Title = "Zanzibarquux" })
	st.revise(t, nhkAnime, cora, "back to the usual title", func(w *catalog.Work) { w.Title = "Welcome to the N.H.K." })
	if _, err := st.ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if ids := st.foundIDs(t, "Zanzibarquux"); len(ids) != 0 {
		t.Fatalf("before the restore the search finds %v", ids)
	}
	restore := func(n, base, note string) map[string][]string {
		return map[string][]string{"n": {n}, "base": {base}, "note": {note}}
	}
	cookie := st.session(t, cora)
	url := "/works/" + nhkAnime + "/restore"

	// The restore page: the diff from the current revision to the one
	// restored, and the form.
	page := st.do(t, req{method: "GET", url: "/works/" + nhkAnime + "/history?from=3&to=2", cookie: cookie}).Body.String()
	form := elementHTML(t, page, "section", "restore")
	for _, want := range []string{`name="n" value="2"`, `name="base" value="3"`, `<button type="submit">Restore revision 2</button>`} {
		if !strings.Contains(form, want) {
			t.Errorf("the restore form lacks %s", want)
		}
	}

	// Not allowed, and not valid.
	for _, tt := range []struct {
		name   string
		r      req
		status int
	}{
		{"a reader", req{method: "POST", url: url, form: restore("2", "3", "x")}, 401},
		{"a contributor", req{method: "POST", url: url, form: restore("2", "3", "x"), cookie: st.session(t, connie)}, 403},
		{"no note", req{method: "POST", url: url, form: restore("2", "3", "  "), cookie: cookie}, 422},
		{"no base", req{method: "POST", url: url, form: map[string][]string{"n": {"2"}, "note": {"x"}}, cookie: cookie}, 400},
		{"a stale base", req{method: "POST", url: url, form: restore("2", "2", "x"), cookie: cookie}, 412},
		{"no such revision", req{method: "POST", url: url, form: restore("9", "3", "x"), cookie: cookie}, 404},
	} {
		rec := st.do(t, tt.r)
		if rec.Code != tt.status {
			t.Errorf("%s: restore = %d, want %d", tt.name, rec.Code, tt.status)
		}
		switch tt.name {
		case "no note":
			if !strings.Contains(rec.Body.String(), `<p class="field-error" id="note-error">The note is required`) {
				t.Errorf("no note: the page does not say the note is required")
			}
		case "a stale base":
			body := rec.Body.String()
			if !strings.Contains(body, "it is now at revision 3, not 2") || !strings.Contains(body, `name="base" value="3"`) {
				t.Errorf("a stale restore's page does not show the current revision:\n%s", body)
			}
		}
	}
	if revs, _ := st.store.Revisions(ctx, nhkAnime); len(revs) != 3 {
		t.Fatalf("refused restores made revisions: %d", len(revs))
	}

	rec := st.do(t, req{method: "POST", url: url, form: restore("2", "3", "the findable title was right"), cookie: cookie})
	if rec.Code != 303 || rec.Header().Get("Location") != "/works/"+nhkAnime {
		t.Fatalf("restore = %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	cur, err := st.store.Get(ctx, nhkAnime)
	if err != nil {
		t.Fatal(err)
	}
	if cur.Number != 4 || cur.Work.Title != "Zanzibarquux" || cur.Author != "cora" || cur.Note != "the findable title was right" {
		t.Errorf("after the restore the work is revision %d %q by %s (%q)", cur.Number, cur.Work.Title, cur.Author, cur.Note)
	}
	if ids := st.foundIDs(t, "Zanzibarquux"); !slices.Equal(ids, []string{nhkAnime}) {
		t.Errorf("right after the restore the search finds %v", ids)
	}
}

// TestUndelete: a deleted work's history is there, and restoring the
// revision before the delete brings the work back, searchable.
func TestUndelete(t *testing.T) {
	st := newSite(t)
	ctx := context.Background()
	cora := st.user(t, "cora", catalog.RoleCurator)
	if _, err := catalog.DeleteWork(ctx, st.store, nhkAnime, catalog.BaseAny, catalog.Change{Author: cora, Note: "not a real work", Time: st.clock()}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if rec := st.do(t, req{method: "GET", url: "/works/" + nhkAnime}); rec.Code != 404 {
		t.Fatalf("the deleted work's page: %d", rec.Code)
	}
	if slices.Contains(st.foundIDs(t, "Welcome to the NHK"), nhkAnime) {
		t.Fatal("the deleted work is still found")
	}
	cookie := st.session(t, cora)
	rec := st.do(t, req{method: "GET", url: "/works/" + nhkAnime + "/history", cookie: cookie})
	page := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(page, "This work is deleted") || !strings.Contains(page, "Revision 2 deletes the work.") {
		t.Fatalf("the deleted work's history: %d\n%s", rec.Code, page)
	}
	if !strings.Contains(elementHTML(t, page, "tr", "rev-1"), "Restore this version") || strings.Contains(elementHTML(t, page, "tr", "rev-2"), "Restore this version") {
		t.Error("the restore links are not on revision 1 alone")
	}
	rec = st.do(t, req{method: "POST", url: "/works/" + nhkAnime + "/restore", cookie: cookie,
		form: map[string][]string{"n": {"1"}, "base": {"2"}, "note": {"it is real after all"}}})
	if rec.Code != 303 {
		t.Fatalf("undelete: %d %s", rec.Code, rec.Body)
	}
	if rec := st.do(t, req{method: "GET", url: "/works/" + nhkAnime}); rec.Code != 200 {
		t.Errorf("the restored work's page: %d", rec.Code)
	}
	if !slices.Contains(st.foundIDs(t, "Welcome to the NHK"), nhkAnime) {
		t.Error("the restored work is not found")
	}
	cur, _ := st.store.Get(ctx, nhkAnime)
	if cur.Number != 3 || cur.Op != catalog.OpCreate {
		t.Errorf("the undelete is revision %d, op %s; want 3, create", cur.Number, cur.Op)
	}
}

// diffLinks returns the history diffs a changes page links, in order.
func diffLinks(page string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<a href="(/works/[^"]+/history\?to=\d+#diff)">revision`).FindAllStringSubmatch(page, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestChangesPage(t *testing.T) {
	st := newSite(t)
	ctx := context.Background()
	const jelly = "princess-jellyfish-manga"
	cora := st.user(t, "cora", catalog.RoleCurator)
	cid := st.user(t, "cid", catalog.RoleCurator)
	st.revise(t, nhkAnime, cora, "retitled", func(w *catalog.Work) { w.Title = "Welcome to the NHK" })
	st.revise(t, jelly, cid, "evidence", setEvidence("realism", "Tsukimi hides in the house."))
	st.revise(t, jelly, cora, "a tone", func(w *catalog.Work) { w.Portrayal["tone"] = catalog.Coding{Value: "comedic"} })

	for _, tt := range []struct {
		query string
		want  []string
	}{
		{"author=cora", []string{"/works/" + jelly + "/history?to=3#diff", "/works/" + nhkAnime + "/history?to=2#diff"}},
		{"author=cid", []string{"/works/" + jelly + "/history?to=2#diff"}},
		{"work=" + jelly, []string{"/works/" + jelly + "/history?to=3#diff", "/works/" + jelly + "/history?to=2#diff", "/works/" + jelly + "/history?to=1#diff"}},
		{"author=cora&work=" + nhkAnime, []string{"/works/" + nhkAnime + "/history?to=2#diff"}},
		{"author=nobody", nil},
	} {
		rec := st.do(t, req{method: "GET", url: "/changes?" + tt.query})
		page := rec.Body.String()
		if got := diffLinks(page); rec.Code != 200 || !slices.Equal(got, tt.want) {
			t.Errorf("/changes?%s = %d %v, want %v", tt.query, rec.Code, got, tt.want)
		}
		feed := `<link rel="alternate" type="application/atom+xml" title="`
		if !strings.Contains(page, feed) || !strings.Contains(page, `href="/changes.atom?`+strings.ReplaceAll(tt.query, "&", "&amp;")+`"`) {
			t.Errorf("/changes?%s does not link its feed", tt.query)
		}
	}

	// A row links the work, the diff of its revision and its author's
	// changes, and names the fields it changed.
	page := st.do(t, req{method: "GET", url: "/changes?author=cora"}).Body.String()
	for _, want := range []string{`<a href="/works/` + jelly + `">`, `<a href="/changes?author=cora">cora</a>`, "Changed: Tone", "Changed: Title"} {
		if !strings.Contains(page, want) {
			t.Errorf("/changes?author=cora lacks %s", want)
		}
	}

	// Paging back: every revision once, newest first.
	all, err := st.store.History(ctx, catalog.HistoryFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var want, got []string
	for _, r := range all {
		want = append(want, historyURL(r.WorkID, r.Number))
	}
	next, pages := "/changes", 0
	for next != "" && pages < 10 {
		page := st.do(t, req{method: "GET", url: next}).Body.String()
		rows := diffLinks(page)
		if len(rows) > changesPerPage {
			t.Fatalf("%s shows %d rows", next, len(rows))
		}
		got = append(got, rows...)
		next = ""
		if m := regexp.MustCompile(`<a href="([^"]+)" rel="next">`).FindStringSubmatch(page); m != nil {
			next = strings.ReplaceAll(m[1], "&amp;", "&")
		}
		if pages > 0 && !strings.Contains(page, `<a href="/changes">Newest changes</a>`) {
			t.Errorf("%s does not link the newest changes", next)
		}
		pages++
	}
	if len(want) <= changesPerPage || !slices.Equal(got, want) {
		t.Errorf("paging through /changes gave %d rows in %d pages, want the %d revisions in order", len(got), pages, len(want))
	}
	if rec := st.do(t, req{method: "GET", url: "/changes?before=x"}); rec.Code != 400 {
		t.Errorf("before=x: %d, want 400", rec.Code)
	}
}

// atomFeedIn is the Atom feed as a reader parses it, with the namespace
// every element must be in.
type atomFeedIn struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"http://www.w3.org/2005/Atom id"`
	Title   string   `xml:"http://www.w3.org/2005/Atom title"`
	Updated string   `xml:"http://www.w3.org/2005/Atom updated"`
	Links   []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"http://www.w3.org/2005/Atom link"`
	Entries []struct {
		ID      string `xml:"http://www.w3.org/2005/Atom id"`
		Title   string `xml:"http://www.w3.org/2005/Atom title"`
		Updated string `xml:"http://www.w3.org/2005/Atom updated"`
		Author  string `xml:"http://www.w3.org/2005/Atom author>name"`
		Link    struct {
			Href string `xml:"href,attr"`
		} `xml:"http://www.w3.org/2005/Atom link"`
		Summary string `xml:"http://www.w3.org/2005/Atom summary"`
	} `xml:"http://www.w3.org/2005/Atom entry"`
}

func TestChangesFeed(t *testing.T) {
	st := newSite(t)
	cora := st.user(t, "cora", catalog.RoleCurator)
	st.revise(t, nhkAnime, cora, "evidence in his words", setEvidence("realism", "He hides."))
	st.revise(t, nhkAnime, cora, "retitled", func(w *catalog.Work) { w.Title = "Welcome to the NHK" })

	for _, tt := range []struct {
		query   string
		entries int
	}{
		{"author=cora", 2},
		{"work=" + nhkAnime, 3},
		{"author=cora&work=" + nhkAnime, 2},
		{"author=nobody", 0},
		{"", changesPerPage},
	} {
		rec := st.do(t, req{method: "GET", url: "/changes.atom?" + tt.query})
		if ct := rec.Header().Get("Content-Type"); rec.Code != 200 || ct != "application/atom+xml; charset=utf-8" {
			t.Fatalf("%s: %d %s", tt.query, rec.Code, ct)
		}
		var feed atomFeedIn
		if err := xml.Unmarshal(rec.Body.Bytes(), &feed); err != nil {
			t.Fatalf("%s: the feed does not parse: %v", tt.query, err)
		}
		// RFC 4287's required elements: id, title, updated, and an author
		// (here on each entry); a self link is recommended.
		if !strings.HasPrefix(feed.ID, "tag:example.com,2026:") || feed.Title == "" {
			t.Errorf("%s: feed id %q, title %q", tt.query, feed.ID, feed.Title)
		}
		if _, err := time.Parse(time.RFC3339, feed.Updated); err != nil {
			t.Errorf("%s: feed updated %q: %v", tt.query, feed.Updated, err)
		}
		self := "http://example.com/changes.atom"
		if tt.query != "" {
			self += "?" + tt.query
		}
		if len(feed.Links) == 0 || feed.Links[0].Rel != "self" || feed.Links[0].Href != self {
			t.Errorf("%s: feed links %+v", tt.query, feed.Links)
		}
		if len(feed.Entries) != tt.entries {
			t.Errorf("%s: %d entries, want %d", tt.query, len(feed.Entries), tt.entries)
		}
		ids := map[string]bool{}
		for _, e := range feed.Entries {
			if _, err := time.Parse(time.RFC3339, e.Updated); err != nil || e.Title == "" || e.Author == "" || ids[e.ID] ||
				!regexp.MustCompile(`^tag:example\.com,2026:revision/\d+$`).MatchString(e.ID) ||
				!regexp.MustCompile(`^http://example\.com/works/[^/]+/history\?to=\d+#diff$`).MatchString(e.Link.Href) {
				t.Errorf("%s: bad entry %+v", tt.query, e)
			}
			ids[e.ID] = true
		}
		if tt.query == "author=cora" {
			e := feed.Entries[0]
			if e.Title != "Welcome to the NHK revision 3 by cora" || e.Summary != "retitled (changed: Title)" ||
				e.Link.Href != "http://example.com/works/"+nhkAnime+"/history?to=3#diff" || e.Updated != "2026-06-01T12:02:00Z" {
				t.Errorf("the newest entry is %+v", e)
			}
			if got := feed.Entries[1].Summary; got != "evidence in his words (changed: Realism)" {
				t.Errorf("the older entry's summary is %q", got)
			}
		}
	}
}

// TestWorkProvenance: the work page names, beside each coded dimension, who
// last changed it, linked to that revision's diff.
func TestWorkProvenance(t *testing.T) {
	st := newSite(t)
	cora := st.user(t, "cora", catalog.RoleCurator)
	cid := st.user(t, "cid", catalog.RoleCurator)
	st.revise(t, nhkAnime, cora, "evidence", setEvidence("realism", "He hides."))
	st.revise(t, nhkAnime, cid, "tone", setEvidence("tone", "Mostly bleak."))
	st.advance(24 * time.Hour)
	st.revise(t, nhkAnime, cid, "a fact", func(w *catalog.Work) { w.Title = "Welcome to the NHK" })

	page := st.do(t, req{method: "GET", url: "/works/" + nhkAnime}).Body.String()
	for dim, want := range map[string]string{
		"realism": `coded by <a href="/works/` + nhkAnime + `/history?to=2#diff">cora, 1 June 2026</a>`,
		"tone":    `coded by <a href="/works/` + nhkAnime + `/history?to=3#diff">cid, 1 June 2026</a>`,
		// The seed's revisions are stamped with the real clock.
		"recovery": `coded by <a href="/works/` + nhkAnime + `/history?to=1#diff">komoru, `,
	} {
		if dd := elementHTML(t, page, "dd", "dim-"+dim); !strings.Contains(dd, want) {
			t.Errorf("%s: the work page shows\n%s\nwant %s", dim, dd, want)
		}
	}
	if strings.Contains(page, "history?to=4#diff") {
		t.Error("a dimension names the revision that changed only the title")
	}
	cur, err := st.store.Get(context.Background(), nhkAnime)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(page, `<p class="provenance">`); n != len(cur.Work.Portrayal) {
		t.Errorf("%d dimensions name their provenance, want the %d coded", n, len(cur.Work.Portrayal))
	}
}
