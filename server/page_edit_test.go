package server

import (
	"context"
	"errors"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/komoru/komoru/catalog"
)

func init() {
	zeroPages["edit"] = editPage{}
}

var (
	controlRE = regexp.MustCompile(`<(input|select|textarea)\b([^>]*)>`)
	attrRE    = regexp.MustCompile(`([a-zA-Z][\w-]*)(?:="([^"]*)")?`)
	optionRE  = regexp.MustCompile(`<option\b([^>]*)>`)
	templRE   = regexp.MustCompile(`(?s)<template>.*?</template>`)
)

func attrs(s string) map[string]string {
	out := map[string]string{}
	for _, m := range attrRE.FindAllStringSubmatch(s, -1) {
		out[m[1]] = html.UnescapeString(m[2])
	}
	return out
}

// formValues returns what a browser would submit from the form with the
// given id in page, as it stands: text inputs and text areas as filled,
// ticked boxes and radios, each select's chosen option. Rows inside
// <template> (the script's blank row) are not part of the form.
func formValues(t *testing.T, page, id string) url.Values {
	t.Helper()
	start := strings.Index(page, `<form id="`+id+`"`)
	if start < 0 {
		start = strings.Index(page, `id="`+id+`"`)
	}
	if start < 0 {
		t.Fatalf("no form %s in the page", id)
	}
	end := strings.Index(page[start:], "</form>")
	body := templRE.ReplaceAllString(page[start:start+end], "")
	vals := url.Values{}
	for _, m := range controlRE.FindAllStringSubmatchIndex(body, -1) {
		tag, a := body[m[2]:m[3]], attrs(body[m[4]:m[5]])
		name := a["name"]
		if name == "" {
			continue
		}
		switch tag {
		case "textarea":
			rest := body[m[1]:]
			vals.Add(name, html.UnescapeString(rest[:strings.Index(rest, "</textarea>")]))
		case "select":
			rest := body[m[1]:]
			opts := optionRE.FindAllStringSubmatch(rest[:strings.Index(rest, "</select>")], -1)
			chosen := ""
			for i, o := range opts {
				oa := attrs(o[1])
				if _, sel := oa["selected"]; sel || i == 0 {
					chosen = oa["value"]
				}
			}
			vals.Add(name, chosen)
		default:
			switch a["type"] {
			case "checkbox", "radio":
				if _, on := a["checked"]; on {
					vals.Add(name, a["value"])
				}
			case "submit", "button":
			default:
				vals.Add(name, a["value"])
			}
		}
	}
	return vals
}

// editForm loads a form page as user and returns the edit form's values.
func (st *site) editForm(t *testing.T, path string, cookie *http.Cookie) url.Values {
	t.Helper()
	rec := st.do(t, req{method: "GET", url: path, cookie: cookie})
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", path, rec.Code, rec.Body)
	}
	return formValues(t, rec.Body.String(), "edit-form")
}

func (st *site) post(t *testing.T, path string, form url.Values, cookie *http.Cookie) (int, string, string) {
	t.Helper()
	rec := st.do(t, req{method: "POST", url: path, form: form, cookie: cookie})
	return rec.Code, rec.Header().Get("Location"), rec.Body.String()
}

func (st *site) current(t *testing.T, id string) catalog.Revision {
	t.Helper()
	rev, err := st.store.Get(context.Background(), id)
	if err != nil {
		t.Fatalf("Get(%q) = %v", id, err)
	}
	return rev
}

// fieldOf returns the <div class="field"> that holds element id, or the
// dimension fieldset whose group error it is.
func fieldOf(t *testing.T, page, id string) string {
	t.Helper()
	at := strings.Index(page, `id="`+id+`"`)
	if at < 0 {
		t.Fatalf("no element %s in the page", id)
	}
	open := strings.LastIndex(page[:at], `<div class="field`)
	if set := strings.LastIndex(page[:at], `<fieldset`); set > open {
		open = set
		return page[open : open+strings.Index(page[open:], "</fieldset>")]
	}
	return page[open : at+strings.Index(page[at:], "</div>")]
}

// newWorkForm is a whole work as a curator fills /works/new: every field,
// codings with evidence, an exempt value without it.
func newWorkForm(t *testing.T, st *site, cookie *http.Cookie) url.Values {
	f := st.editForm(t, "/works/new", cookie)
	for k, v := range map[string]string{
		"id": "the-room-upstairs-manga", "title": "The Room Upstairs", "original_title": "上の部屋",
		"romanized_title": "Ue no Heya", "alt_titles": "Room Upstairs\r\nUe no Heya!", "medium": "manga",
		"year": "2019", "end_year": "2022", "countries": "jp, kr", "languages": "ja",
		"creators[0].name": "Aki Mori", "creators[0].role": "author", "creators[1].name": "Studio Kaze", "creators[1].role": "publisher",
		"characters[0].name": "Haru", "characters[0].gender": "female", "characters[0].role": "protagonist", "characters[0].hikikomori": "on",
		"related[0].id": "welcome-to-the-nhk-novel", "related[0].relation": "same_franchise",
		"sources[0].url": "https://example.org/room", "sources[0].title": "Publisher page",
		"links[0].url": "https://example.org/official", "links[0].label": "Official site",
		"synopsis":          "A woman who has not left her room in three years\r\nwrites letters to the girl downstairs.",
		"notes":             "End year from the publisher.",
		"portrayal.realism": "realistic", "portrayal.realism.evidence": "Chapter 3 lingers on her shame at the door.",
		"portrayal.realism.source": "1", "portrayal.realism.locator": "chapter 3",
		"portrayal.recovery":            "none", // exempt: no evidence
		"portrayal.conditions.evidence": "Her panic at the doorbell in chapter 1.", "portrayal.conditions.spoiler": "on",
		"portrayal.content_warnings.none": "on",
		"note":                            "New manga from the publisher's catalogue.",
	} {
		f.Set(k, v)
	}
	f["portrayal.conditions"] = []string{"social_anxiety", "depression"}
	return f
}

// theRoomUpstairs is the work newWorkForm describes.
var theRoomUpstairs = catalog.Work{
	ID: "the-room-upstairs-manga", Title: "The Room Upstairs", OriginalTitle: "上の部屋", RomanizedTitle: "Ue no Heya",
	AltTitles: []string{"Room Upstairs", "Ue no Heya!"}, Medium: "manga", Year: 2019, EndYear: 2022,
	Countries: []string{"JP", "KR"}, Languages: []string{"ja"},
	Creators:   []catalog.Creator{{Name: "Aki Mori", Role: "author"}, {Name: "Studio Kaze", Role: "publisher"}},
	Synopsis:   "A woman who has not left her room in three years\nwrites letters to the girl downstairs.",
	Characters: []catalog.Character{{Name: "Haru", Gender: "female", Role: "protagonist", Hikikomori: true}},
	Portrayal: catalog.Portrayal{
		"realism":          {Value: "realistic", Evidence: "Chapter 3 lingers on her shame at the door.", Source: 1, Locator: "chapter 3"},
		"recovery":         {Value: "none", Spoiler: true},
		"conditions":       {Values: []string{"social_anxiety", "depression"}, Evidence: "Her panic at the doorbell in chapter 1.", Spoiler: true},
		"content_warnings": {Values: []string{}},
	},
	Related: []catalog.Relation{{ID: "welcome-to-the-nhk-novel", Relation: "same_franchise"}},
	Sources: []catalog.Source{{URL: "https://example.org/room", Title: "Publisher page"}},
	Links:   []catalog.Link{{URL: "https://example.org/official", Label: "Official site"}},
	Notes:   "End year from the publisher.",
}

// TestEditCreate: a curator creates a whole work through the form; it is
// saved as typed, shown, and searchable when the redirect arrives.
func TestEditCreate(t *testing.T) {
	st := newSite(t)
	cookie := st.session(t, st.user(t, "cora", catalog.RoleCurator))
	code, loc, body := st.post(t, "/works/new", newWorkForm(t, st, cookie), cookie)
	if code != http.StatusSeeOther || loc != "/works/the-room-upstairs-manga" {
		t.Fatalf("POST /works/new = %d %q, want 303 to the work\n%s", code, loc, body)
	}
	rev := st.current(t, "the-room-upstairs-manga")
	if diff := cmp.Diff(&theRoomUpstairs, rev.Work); diff != "" {
		t.Errorf("saved work (-want +got):\n%s", diff)
	}
	if rev.Author != "cora" || rev.Note != "New manga from the publisher's catalogue." || rev.Number != 1 {
		t.Errorf("revision %d by %q noted %q", rev.Number, rev.Author, rev.Note)
	}
	page := st.do(t, req{method: "GET", url: "/works/the-room-upstairs-manga"})
	if page.Code != 200 || !strings.Contains(page.Body.String(), `<h1 id="work-title">The Room Upstairs</h1>`) {
		t.Errorf("GET the new work: %d", page.Code)
	}
	if ids := st.searchIDs(t, "room upstairs"); !slices.Contains(ids, "the-room-upstairs-manga") {
		t.Errorf("search for the new title finds %v", ids)
	}
}

// TestEditSourceAndLocator: a coding's source is a select of the work's
// sources by number and title, and its locator a text input; both come
// back as saved, and the work page shows them as a footnote and a place.
func TestEditSourceAndLocator(t *testing.T) {
	st := newSite(t)
	cookie := st.session(t, st.user(t, "cora", catalog.RoleCurator))
	if code, _, body := st.post(t, "/works/new", newWorkForm(t, st, cookie), cookie); code != http.StatusSeeOther {
		t.Fatalf("POST /works/new = %d\n%s", code, problemsOf(body))
	}
	rec := st.do(t, req{method: "GET", url: "/works/the-room-upstairs-manga/edit", cookie: cookie})
	page := rec.Body.String()
	wantInOrder(t, "the edit form", page, []string{
		`<select id="f-portrayal-realism-source" name="portrayal.realism.source"`,
		`<option value="">None named</option><option value="1" selected>[1] Publisher page</option></select>`,
		`<input type="text" id="f-portrayal-realism-locator" name="portrayal.realism.locator" value="chapter 3"`,
		`<select id="f-portrayal-tone-source" name="portrayal.tone.source"`,
		`<option value="" selected>None named</option><option value="1">[1] Publisher page</option></select>`,
	})
	f := formValues(t, page, "edit-form")
	if f.Get("portrayal.realism.source") != "1" || f.Get("portrayal.realism.locator") != "chapter 3" || f.Get("portrayal.tone.source") != "" {
		t.Errorf("form values: source %q, locator %q, tone's source %q", f.Get("portrayal.realism.source"), f.Get("portrayal.realism.locator"), f.Get("portrayal.tone.source"))
	}
	// A second source, then the coding moved to it and to another place.
	f.Set("sources[1].url", "https://example.org/review")
	f.Set("sources[1].title", "A review")
	f.Set("portrayal.realism.source", "2")
	f.Set("portrayal.realism.locator", "chapter 4, p. 12")
	f.Set("note", "Evidence from the review.")
	if code, _, body := st.post(t, "/works/the-room-upstairs-manga/edit", f, cookie); code != http.StatusSeeOther {
		t.Fatalf("POST edit = %d\n%s", code, problemsOf(body))
	}
	if got := st.current(t, "the-room-upstairs-manga").Work.Portrayal["realism"]; got.Source != 2 || got.Locator != "chapter 4, p. 12" {
		t.Errorf("saved realism = %+v, want source 2 at chapter 4, p. 12", got)
	}
	work := st.do(t, req{method: "GET", url: "/works/the-room-upstairs-manga"}).Body.String()
	wantInOrder(t, "the work page", work, []string{
		`<p class="evidence">Chapter 3 lingers on her shame at the door. <span class="locator">(chapter 4, p. 12)</span><sup class="footnote"><a href="#source-2" title="A review"><span class="sr-only">source </span>[2]</a></sup></p>`,
		`<li id="source-2"><span class="source-number" aria-hidden="true">[2]</span> <a href="https://example.org/review" rel="noopener noreferrer">A review</a></li>`,
	})
}

// TestEditRoundTrip: every shipped work's edit form, saved as it comes,
// changes nothing: each field and coding survives the form (values'
// order, evidence, spoilers, empty sets), so no revision is written.
func TestEditRoundTrip(t *testing.T) {
	st := newSite(t)
	cookie := st.session(t, st.user(t, "cora", catalog.RoleCurator))
	var works []*catalog.Work
	if err := st.store.Each(context.Background(), func(w *catalog.Work) error {
		works = append(works, w)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(works) < 100 {
		t.Fatalf("only %d works", len(works))
	}
	for _, w := range works {
		before := st.current(t, w.ID)
		f := st.editForm(t, "/works/"+w.ID+"/edit", cookie)
		f.Set("note", "no change")
		code, loc, body := st.post(t, "/works/"+w.ID+"/edit", f, cookie)
		if code != http.StatusSeeOther || loc != "/works/"+w.ID {
			t.Errorf("%s: saving the form unchanged = %d %q\n%s", w.ID, code, loc, problemsOf(body))
			continue
		}
		if after := st.current(t, w.ID); after.Number != before.Number {
			t.Errorf("%s: saving the form unchanged wrote revision %d:\n%s", w.ID, after.Number, cmp.Diff(before.Work, after.Work))
		}
	}
}

var problemsRE = regexp.MustCompile(`(?s)<div class="problems".*?</div>`)

func problemsOf(page string) string { return problemsRE.FindString(page) }

// TestEditProblems: each bad input comes back as 422 with its message in
// its own field, the input marked invalid and described by the message,
// and what was typed still there.
func TestEditProblems(t *testing.T) {
	st := newSite(t)
	cookie := st.session(t, st.user(t, "cora", catalog.RoleCurator))
	const nhk = "/works/welcome-to-the-nhk-anime/edit"
	tests := []struct {
		name  string
		path  string
		set   map[string]string
		del   []string
		field string // the input's id
		msg   string
		kept  string // what must still be in the form
	}{
		{"no title", nhk, map[string]string{"title": "  "}, nil, "f-title", "Title is required", ""},
		{"year in words", nhk, map[string]string{"year": "two thousand"}, nil, "f-year", "must be a year in digits", `value="two thousand"`},
		{"end before start", nhk, map[string]string{"end_year": "1999"}, nil, "f-end_year", "must not be before year (2006)", `value="1999"`},
		{"bad country", nhk, map[string]string{"countries": "JP, XX"}, nil, "f-countries", `no. 2 must be an ISO 3166-1 alpha-2 code such as JP, got &#34;XX&#34;`, `value="JP, XX"`},
		{"bad language", nhk, map[string]string{"languages": "japanese"}, nil, "f-languages", "must be an ISO 639-1 code", `value="japanese"`},
		{"creator without role", nhk, map[string]string{"creators[0].role": ""}, nil, "f-creators-0-role", "Role is required", ""},
		{"character twice", nhk, map[string]string{"characters[1].name": "Tatsuhiro Satō"}, nil, "f-characters-1-name", "duplicates no. 1", ""},
		{"not a URL", nhk, map[string]string{"sources[0].url": "example.org/page"}, nil, "f-sources-0-url", "must be an http or https URL", `value="example.org/page"`},
		{"related to itself", nhk, map[string]string{"related[0].id": "welcome-to-the-nhk-anime"}, nil, "f-related-0-id", "cannot relate to itself", ""},
		{"evidence missing", nhk, map[string]string{"portrayal.realism.evidence": ""}, nil, "f-portrayal-realism-evidence", "Evidence is required", ""},
		{"set evidence missing", nhk, map[string]string{"portrayal.conditions.evidence": ""}, nil, "f-portrayal-conditions-evidence", "Evidence is required", ""},
		{"values and none", nhk, map[string]string{"portrayal.family_dynamics.none": "on"}, nil, "f-portrayal-family_dynamics-err", "not both", ""},
		{"evidence without a value", nhk, map[string]string{"portrayal.tone": "", "portrayal.tone.evidence": "Typed before choosing."}, nil,
			"f-portrayal-tone-err", "choose a value", "Typed before choosing."},
		{"source past the sources", nhk, map[string]string{"portrayal.realism.source": "9"}, nil, "f-portrayal-realism-source", "must be the number of one of the work&#39;s 2 sources (1 to 2), got 9", ""},
		{"locator too long", nhk, map[string]string{"portrayal.realism.locator": strings.Repeat("p", 101)}, nil, "f-portrayal-realism-locator", "is longer than 100 characters", strings.Repeat("p", 101)},
		{"locator without a value", nhk, map[string]string{"portrayal.tone": "", "portrayal.tone.locator": "episode 2"}, nil,
			"f-portrayal-tone-err", "choose a value", `value="episode 2"`},
		{"no note", nhk, map[string]string{"note": ""}, nil, "f-note", "Edit note is required", ""},
		{"bad id", "/works/new", map[string]string{"id": "The Room", "title": "The Room", "medium": "manga", "year": "2020"}, nil, "f-id", "must be a lowercase slug", `value="The Room"`},
		{"id taken", "/works/new", map[string]string{"id": "welcome-to-the-nhk-anime", "title": "Again", "medium": "manga", "year": "2020", "note": "x"}, nil, "f-id", "is taken by another work", ""},
		{"no medium", "/works/new", map[string]string{"id": "x-manga", "title": "X", "year": "2020", "note": "x"}, nil, "f-medium", "Medium is required", `value="x-manga"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := st.editForm(t, strings.TrimSuffix(tt.path, "/edit")+map[bool]string{true: "/edit", false: ""}[strings.HasSuffix(tt.path, "/edit")], cookie)
			f.Set("note", "a change")
			f.Set("synopsis", "Typed synopsis that must survive.")
			for k, v := range tt.set {
				f.Set(k, v)
			}
			code, _, page := st.post(t, tt.path, f, cookie)
			if code != http.StatusUnprocessableEntity {
				t.Fatalf("POST = %d, want 422\n%s", code, problemsOf(page))
			}
			field := fieldOf(t, page, tt.field)
			if !strings.Contains(field, tt.msg) {
				t.Errorf("the field %s says\n%s\nwant %q", tt.field, field, tt.msg)
			}
			input := strings.TrimSuffix(tt.field, "-err")
			if !strings.HasSuffix(tt.field, "-err") && !regexp.MustCompile(`id="`+input+`"[^>]*aria-invalid="true" aria-describedby="`+input+`-err`).MatchString(field) {
				t.Errorf("the input %s is not marked invalid and described by its error:\n%s", input, field)
			}
			if !strings.Contains(problemsOf(page), `href="#`) {
				t.Errorf("no list of problems linking to the fields")
			}
			if !strings.Contains(page, "Typed synopsis that must survive.") || (tt.kept != "" && !strings.Contains(page, tt.kept)) {
				t.Errorf("what was typed is lost (want %q)", tt.kept)
			}
			if rev := st.current(t, "welcome-to-the-nhk-anime"); rev.Number != 1 {
				t.Errorf("a form with problems wrote revision %d", rev.Number)
			}
		})
	}
}

// TestEditEvidenceExempt: the "nothing shown" values and an empty set
// need no evidence; any other value does.
func TestEditEvidenceExempt(t *testing.T) {
	st := newSite(t)
	cookie := st.session(t, st.user(t, "cora", catalog.RoleCurator))
	f := st.editForm(t, "/works/welcome-to-the-nhk-anime/edit", cookie)
	f.Set("note", "exempt values")
	for _, k := range []string{"recovery", "conditions", "triggers", "family_dynamics", "internet_role", "withdrawal_criteria"} {
		f.Del("portrayal." + k + ".evidence")
	}
	f.Set("portrayal.recovery", "none")
	f.Set("portrayal.conditions", "none_explicit")
	f.Set("portrayal.triggers", "unspecified")
	f.Set("portrayal.family_dynamics", "absent")
	f.Set("portrayal.internet_role", "absent")
	f.Set("portrayal.withdrawal_criteria", "unclear")
	f.Del("portrayal.content_warnings")
	f.Set("portrayal.content_warnings.none", "on")
	code, _, page := st.post(t, "/works/welcome-to-the-nhk-anime/edit", f, cookie)
	if code != http.StatusSeeOther {
		t.Fatalf("exempt values without evidence = %d, want 303\n%s", code, problemsOf(page))
	}
	p := st.current(t, "welcome-to-the-nhk-anime").Work.Portrayal
	if p["recovery"].Value != "none" || p["recovery"].Evidence != "" || !p["recovery"].Spoiler ||
		!slices.Equal(p["conditions"].Values, []string{"none_explicit"}) || p["content_warnings"].Values == nil || len(p["content_warnings"].Values) != 0 {
		t.Errorf("saved portrayal: %+v", p)
	}

	// An exempt value beside another one needs evidence.
	f = st.editForm(t, "/works/welcome-to-the-nhk-anime/edit", cookie)
	f.Set("note", "more")
	f["portrayal.triggers"] = []string{"unspecified", "bullying"}
	code, _, page = st.post(t, "/works/welcome-to-the-nhk-anime/edit", f, cookie)
	if code != http.StatusUnprocessableEntity || !strings.Contains(fieldOf(t, page, "f-portrayal-triggers-evidence"), "Evidence is required") {
		t.Errorf("unspecified and bullying without evidence = %d", code)
	}
}

// TestEditMoreRows: without the script, "More rows" comes back with more
// blank rows, the first focused, and everything typed; nothing is saved.
func TestEditMoreRows(t *testing.T) {
	st := newSite(t)
	cookie := st.session(t, st.user(t, "cora", catalog.RoleCurator))
	f := st.editForm(t, "/works/new", cookie)
	f.Set("title", "Half typed")
	f.Set("creators[0].name", "Someone")
	f.Set("more", "creators")
	code, _, page := st.post(t, "/works/new", f, cookie)
	if code != http.StatusOK {
		t.Fatalf("more rows = %d", code)
	}
	again := formValues(t, page, "edit-form")
	if again.Get("title") != "Half typed" || again.Get("creators[0].name") != "Someone" {
		t.Errorf("typed values lost: title %q, creator %q", again.Get("title"), again.Get("creators[0].name"))
	}
	// One row typed, one blank posted: the typed row and 1+2 blanks.
	for i := range 4 {
		if _, ok := again["creators["+strconv.Itoa(i)+"].name"]; !ok {
			t.Errorf("no creator row %d", i)
		}
	}
	if _, ok := again["creators[4].name"]; ok {
		t.Error("more blank rows than asked for")
	}
	if !strings.Contains(page, `id="f-creators-1-name" name="creators[1].name" value="" autofocus`) {
		t.Error("the first new row is not focused")
	}
	if strings.Contains(page, `class="problems"`) {
		t.Error("asking for rows reported problems")
	}
	if _, err := st.store.Get(context.Background(), "half-typed"); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("asking for rows saved something: %v", err)
	}
}

// TestEditConflict: two curators edit one revision; the second save
// comes back as 409 with both versions field by field, and the choices
// made there build the work that is saved.
func TestEditConflict(t *testing.T) {
	st := newSite(t)
	ana := st.session(t, st.user(t, "ana", catalog.RoleCurator))
	ben := st.session(t, st.user(t, "ben", catalog.RoleCurator))
	const path = "/works/welcome-to-the-nhk-anime/edit"
	before := st.current(t, "welcome-to-the-nhk-anime").Work

	mine := st.editForm(t, path, ana)   // Ana opens the form first…
	theirs := st.editForm(t, path, ben) // …Ben too, and saves first.
	theirs.Set("title", "Welcome to the NHK (Ben)")
	theirs.Set("year", "2007")
	theirs.Set("notes", "Ben's note.")
	theirs.Set("portrayal.tone", "serious")
	theirs.Set("portrayal.tone.evidence", "Ben's evidence.")
	theirs.Set("note", "Ben's edit")
	if code, _, page := st.post(t, path, theirs, ben); code != http.StatusSeeOther {
		t.Fatalf("Ben's save = %d\n%s", code, problemsOf(page))
	}

	mine.Set("title", "Welcome to the NHK (Ana)")
	mine.Set("synopsis", "Ana's synopsis.")
	mine.Set("portrayal.tone", "comedic")
	mine.Set("portrayal.tone.evidence", "Ana's evidence.")
	mine.Set("note", "Ana's edit")
	code, _, page := st.post(t, path, mine, ana)
	if code != http.StatusConflict {
		t.Fatalf("Ana's stale save = %d, want 409\n%s", code, problemsOf(page))
	}
	if rev := st.current(t, "welcome-to-the-nhk-anime"); rev.Author != "ben" || rev.Number != 2 {
		t.Fatalf("the stale save overwrote: revision %d by %s", rev.Number, rev.Author)
	}
	// Each differing field, with both values and the default choice:
	// mine where both changed it, theirs where only they did.
	for _, want := range []struct{ key, theirs, mine, def string }{
		{"title", "Welcome to the NHK (Ben)", "Welcome to the NHK (Ana)", "mine"},
		{"year", "2007", "2006", "theirs"},
		{"synopsis", before.Synopsis, "Ana's synopsis.", "mine"},
		{"portrayal.tone", "Serious", "Comedic", "mine"},
		{"notes", "Ben&#39;s note.", before.Notes, "theirs"},
	} {
		id := fieldID("keep." + want.key)
		pair := fieldOf(t, page, id+"-theirs")
		if !strings.Contains(pair, want.theirs) || !strings.Contains(pair, html.EscapeString(want.mine)) {
			t.Errorf("%s: the pair lacks %q or %q:\n%s", want.key, want.theirs, want.mine, pair)
		}
		if !strings.Contains(pair, `id="`+id+`-`+want.def+`" name="keep.`+want.key+`" value="`+want.def+`" checked`) {
			t.Errorf("%s: the default is not %s:\n%s", want.key, want.def, pair)
		}
	}
	if n := strings.Count(page, `value="theirs"`); n != 5 {
		t.Errorf("%d fields offered, want the 5 that differ", n)
	}
	resolve := formValues(t, page, "edit-form")
	if resolve.Get("base") != "2" || resolve.Get("title") != "Welcome to the NHK (Ana)" || resolve.Get("note") != "Ana's edit" {
		t.Fatalf("the conflict form holds base %q, title %q, note %q", resolve.Get("base"), resolve.Get("title"), resolve.Get("note"))
	}
	resolve.Set("keep.title", "theirs")
	if code, loc, page := st.post(t, path, resolve, ana); code != http.StatusSeeOther || loc != "/works/welcome-to-the-nhk-anime" {
		t.Fatalf("resolving = %d %q\n%s", code, loc, problemsOf(page))
	}
	got := st.current(t, "welcome-to-the-nhk-anime")
	if got.Number != 3 || got.Author != "ana" {
		t.Errorf("the merge is revision %d by %s", got.Number, got.Author)
	}
	w := got.Work
	for _, c := range []struct{ field, got, want string }{
		{"title (kept theirs)", w.Title, "Welcome to the NHK (Ben)"},
		{"year (only theirs changed)", strconv.Itoa(w.Year), "2007"},
		{"notes (only theirs changed)", w.Notes, "Ben's note."},
		{"synopsis (kept mine)", w.Synopsis, "Ana's synopsis."},
		{"tone (kept mine)", w.Portrayal["tone"].Value, "comedic"},
		{"tone evidence (kept mine)", w.Portrayal["tone"].Evidence, "Ana's evidence."},
		{"realism (untouched)", w.Portrayal["realism"].Evidence, before.Portrayal["realism"].Evidence},
		{"creators (untouched)", textOf(w, "creators"), textOf(before, "creators")},
	} {
		if c.got != c.want {
			t.Errorf("merged %s = %q, want %q", c.field, c.got, c.want)
		}
	}
}

// textOf is a field's display text, without its evidence.
func textOf(w *catalog.Work, key string) string {
	s, _ := catalog.DefaultCodebook().FieldText(w, key)
	return s
}

// TestCopyField: copyField knows every field of cb.Fields, copies it and
// nothing else.
func TestCopyField(t *testing.T) {
	c := catalog.DefaultCodebook()
	var works []*catalog.Work
	dec := catalog.NewDecoder(catalog.Shipped(), c)
	for {
		w, err := dec.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		works = append(works, w)
	}
	a, b := works[0], works[len(works)-1]
	b.Portrayal["conditions"] = catalog.Coding{Values: []string{}} // an empty set copies as one
	delete(b.Portrayal, "tone")                                    // an uncoded dimension copies as uncoded
	for _, f := range c.Fields() {
		dst := *a
		dst.Portrayal = catalog.Portrayal{}
		for k, v := range a.Portrayal {
			dst.Portrayal[k] = v
		}
		if !copyField(&dst, b, f.Key) {
			t.Errorf("copyField does not know %q", f.Key)
			continue
		}
		for _, g := range c.Fields() {
			gt, ge := c.FieldText(&dst, g.Key)
			wt, we := c.FieldText(a, g.Key)
			if g.Key == f.Key {
				wt, we = c.FieldText(b, g.Key)
			}
			if gt != wt || ge != we {
				t.Errorf("after copying %s, %s = %q %q, want %q %q", f.Key, g.Key, gt, ge, wt, we)
			}
		}
	}
	if copyField(a, b, "no_such_field") {
		t.Error("copyField accepted an unknown field")
	}
}

// TestEditContributor: a contributor's save is a proposal waiting for
// review, and nothing of it is public.
func TestEditContributor(t *testing.T) {
	st := newSite(t)
	cookie := st.session(t, st.user(t, "cole", catalog.RoleContributor))
	ctx := context.Background()

	f := st.editForm(t, "/works/welcome-to-the-nhk-anime/edit", cookie)
	f.Set("title", "Welcome to the Zebra")
	f.Set("note", "a better title")
	code, _, page := st.post(t, "/works/welcome-to-the-nhk-anime/edit", f, cookie)
	if code != http.StatusAccepted {
		t.Fatalf("contributor's save = %d, want 202\n%s", code, problemsOf(page))
	}
	ps, err := st.store.Proposals(ctx, catalog.ProposalFilter{Author: "cole"})
	if err != nil || len(ps) != 1 {
		t.Fatalf("proposals = %v, %v", ps, err)
	}
	p := ps[0]
	if p.State != catalog.ProposalPending || p.Op != catalog.OpUpdate || p.Base != 1 || p.Work.Title != "Welcome to the Zebra" || p.Note != "a better title" {
		t.Errorf("proposal = %+v", p)
	}
	if !strings.Contains(page, `href="/review/`+strconv.FormatInt(p.ID, 10)+`"`) || !strings.Contains(page, "waiting for a curator") {
		t.Errorf("the page does not link the proposal or say it waits:\n%s", page)
	}
	if rev := st.current(t, "welcome-to-the-nhk-anime"); rev.Number != 1 || rev.Work.Title != "Welcome to the N.H.K." {
		t.Errorf("the proposal changed the work: revision %d %q", rev.Number, rev.Work.Title)
	}
	if ids := st.searchIDs(t, "zebra"); len(ids) != 0 {
		t.Errorf("search finds the proposed title: %v", ids)
	}

	// A new work proposed is not public either.
	code, _, page = st.post(t, "/works/new", newWorkForm(t, st, cookie), cookie)
	if code != http.StatusAccepted || !strings.Contains(page, "new work") {
		t.Fatalf("contributor's new work = %d\n%s", code, problemsOf(page))
	}
	if rec := st.do(t, req{method: "GET", url: "/works/the-room-upstairs-manga"}); rec.Code != http.StatusNotFound {
		t.Errorf("the proposed work's page = %d, want 404", rec.Code)
	}
	if ids := st.searchIDs(t, "room upstairs"); slices.Contains(ids, "the-room-upstairs-manga") {
		t.Errorf("search finds the proposed work: %v", ids)
	}
}

// TestEditDelete: a delete needs a note and the revision it was decided
// on; a curator's removes the work from its page and from search, a
// contributor's waits for review.
func TestEditDelete(t *testing.T) {
	st := newSite(t)
	cora := st.session(t, st.user(t, "cora", catalog.RoleCurator))
	cole := st.session(t, st.user(t, "cole", catalog.RoleContributor))
	const id = "princess-jellyfish-manga"
	edit := st.do(t, req{method: "GET", url: "/works/" + id + "/edit", cookie: cora}).Body.String()
	del := formValues(t, edit, "delete-form")
	if del.Get("base") != "1" {
		t.Fatalf("the delete form's base = %q", del.Get("base"))
	}

	code, _, page := st.post(t, "/works/"+id+"/delete", del, cora)
	if code != http.StatusUnprocessableEntity || !strings.Contains(fieldOf(t, page, "f-delete-note"), "Note is required") {
		t.Errorf("delete without a note = %d", code)
	}
	stale := url.Values{"base": {"7"}, "note": {"dup"}}
	if code, _, _ := st.post(t, "/works/"+id+"/delete", stale, cora); code != http.StatusConflict {
		t.Errorf("delete against a stale base = %d, want 409", code)
	}
	if code, _, _ := st.post(t, "/works/"+id+"/delete", url.Values{"note": {"x"}}, cora); code != http.StatusBadRequest {
		t.Errorf("delete without a base = %d, want 400", code)
	}

	del.Set("note", "a duplicate")
	code, _, page = st.post(t, "/works/"+id+"/delete", del, cole)
	if code != http.StatusAccepted || !strings.Contains(page, "deletion of "+id) {
		t.Errorf("contributor's delete = %d", code)
	}
	ps, _ := st.store.Proposals(context.Background(), catalog.ProposalFilter{Author: "cole"})
	if len(ps) != 1 || ps[0].Op != catalog.OpDelete || ps[0].WorkID != id {
		t.Errorf("contributor's delete proposals: %+v", ps)
	}
	if len(st.searchIDs(t, "princess jellyfish")) == 0 {
		t.Fatal("the work left search before review")
	}

	code, loc, _ := st.post(t, "/works/"+id+"/delete", del, cora)
	if code != http.StatusSeeOther || loc != "/" {
		t.Fatalf("curator's delete = %d %q, want 303 to /", code, loc)
	}
	if _, err := st.store.Get(context.Background(), id); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("after the delete Get = %v", err)
	}
	if ids := st.searchIDs(t, "princess jellyfish"); slices.Contains(ids, id) {
		t.Errorf("search still finds the deleted work: %v", ids)
	}
	rev, err := st.store.Revision(context.Background(), id, 2)
	if err != nil || rev.Op != catalog.OpDelete || rev.Note != "a duplicate" || rev.Author != "cora" {
		t.Errorf("the delete revision: %+v %v", rev, err)
	}
}

// TestEditPageFields: the form offers every field and dimension, each
// value with its definition, and the edit link is on the work page.
func TestEditPageFields(t *testing.T) {
	st := newSite(t)
	cookie := st.session(t, st.user(t, "cora", catalog.RoleCurator))
	page := st.do(t, req{method: "GET", url: "/works/new", cookie: cookie}).Body.String()
	for _, name := range []string{"id", "title", "original_title", "romanized_title", "alt_titles", "medium", "year", "end_year",
		"countries", "languages", "synopsis", "notes", "note", "creators[0].name", "creators[0].role", "characters[0].name",
		"characters[0].gender", "characters[0].role", "characters[0].hikikomori", "related[0].id", "related[0].relation",
		"sources[0].url", "sources[0].title", "links[0].url", "links[0].label"} {
		if !strings.Contains(page, `name="`+name+`"`) {
			t.Errorf("the form has no %s", name)
		}
	}
	cb := catalog.DefaultCodebook()
	for _, d := range cb.Dimensions {
		kind := "radio"
		if d.Multi {
			kind = "checkbox"
		}
		for _, v := range d.Values {
			id := fieldID("portrayal." + d.ID + "." + v.ID)
			if !strings.Contains(page, `<input type="`+kind+`" id="`+id+`" name="portrayal.`+d.ID+`" value="`+v.ID+`"`) {
				t.Errorf("no %s for %s %s", kind, d.ID, v.ID)
			}
			if !strings.Contains(page, `<dd id="`+id+`-def">`+html.EscapeString(v.Definition)+`</dd>`) {
				t.Errorf("no definition for %s %s", d.ID, v.ID)
			}
		}
		if !strings.Contains(page, `name="portrayal.`+d.ID+`.evidence"`) {
			t.Errorf("no evidence for %s", d.ID)
		}
		// A box for the dimensions that may be spoilers: neither those
		// always hidden nor warnings, never hidden.
		if spoiler := strings.Contains(page, `name="portrayal.`+d.ID+`.spoiler"`); spoiler != (!d.Spoiler && !d.Warning) {
			t.Errorf("%s: spoiler box shown %v, dimension always a spoiler %v, a warning %v", d.ID, spoiler, d.Spoiler, d.Warning)
		}
	}
	work := st.do(t, req{method: "GET", url: "/works/welcome-to-the-nhk-anime", cookie: cookie}).Body.String()
	if !strings.Contains(work, `href="/works/welcome-to-the-nhk-anime/edit"`) {
		t.Error("the work page has no edit link for a signed-in user")
	}
	if strings.Contains(st.do(t, req{method: "GET", url: "/works/welcome-to-the-nhk-anime"}).Body.String(), "/edit") {
		t.Error("a reader sees the edit link")
	}
	// Readers are sent to sign in, and cannot post.
	if rec := st.do(t, req{method: "GET", url: "/works/welcome-to-the-nhk-anime/edit"}); rec.Code != http.StatusSeeOther ||
		rec.Header().Get("Location") != "/login?next=%2Fworks%2Fwelcome-to-the-nhk-anime%2Fedit" {
		t.Errorf("a reader's GET of the edit form = %d %q", rec.Code, rec.Header().Get("Location"))
	}
	for _, path := range []string{"/works/new", "/works/welcome-to-the-nhk-anime/edit", "/works/welcome-to-the-nhk-anime/delete"} {
		if code, _, _ := st.post(t, path, url.Values{"note": {"x"}, "base": {"1"}}, nil); code != http.StatusUnauthorized {
			t.Errorf("a reader's POST %s = %d, want 401", path, code)
		}
	}
}

// TestEditWarningNeverSpoiler: the form offers no spoiler box for content
// warnings and says why; a spoiler flag posted for them anyway is
// dropped, and the work saves.
func TestEditWarningNeverSpoiler(t *testing.T) {
	st := newSite(t)
	cookie := st.session(t, st.user(t, "cora", catalog.RoleCurator))
	const id = "welcome-to-the-nhk-anime"
	page := st.do(t, req{method: "GET", url: "/works/" + id + "/edit", cookie: cookie}).Body.String()
	if strings.Contains(page, `name="portrayal.content_warnings.spoiler"`) || !strings.Contains(page, "Content warnings are never hidden as spoilers") {
		t.Error("the edit form offers a spoiler box for content warnings, or does not say why not")
	}
	f := st.editForm(t, "/works/"+id+"/edit", cookie)
	f.Set("portrayal.content_warnings.spoiler", "on")
	f.Set("note", "try to hide the warnings")
	if code, _, body := st.post(t, "/works/"+id+"/edit", f, cookie); code != http.StatusSeeOther {
		t.Fatalf("saving with a spoiler flag on content warnings = %d\n%s", code, problemsOf(body))
	}
	if c := st.current(t, id).Work.Portrayal["content_warnings"]; c.Spoiler {
		t.Error("the content warnings were saved as a spoiler")
	}
}
