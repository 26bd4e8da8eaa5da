package server

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/komoru/komoru/catalog"
)

// fakeHarvester answers every address with one draft or one error, and
// records what it was asked.
type fakeHarvester struct {
	draft catalog.Draft
	err   error
	asked []string
}

func (f *fakeHarvester) Draft(_ context.Context, u string) (catalog.Draft, error) {
	f.asked = append(f.asked, u)
	return f.draft, f.err
}

const (
	filmsURL = "https://films.example/quiet-floor"
	dbURL    = "https://www.db.example/title/9"
)

// quietFloorDraft is what two pages about an invented film might give.
func quietFloorDraft() catalog.Draft {
	return catalog.Draft{
		Work: catalog.Work{Title: "The Quiet Floor", OriginalTitle: "静かな階", Medium: "anime_film", Year: 2019,
			Countries: []string{"JP"}, Languages: []string{"ja"},
			Creators: []catalog.Creator{{Name: "Rin Sato", Role: "director"}},
			Sources:  []catalog.Source{{URL: filmsURL, Title: "Films"}, {URL: dbURL, Title: "DB"}}},
		Provenance: map[string][]string{
			"title": {filmsURL}, "original_title": {dbURL}, "medium": {filmsURL}, "year": {filmsURL, dbURL},
			"countries": {dbURL}, "languages": {dbURL}, "creators": {filmsURL}, "facts.episodes": {dbURL},
		},
		Conflicts: []catalog.Conflict{{Field: "year", Values: []catalog.ConflictValue{{Value: 2019, Source: filmsURL}, {Value: 2020, Source: dbURL}}}},
		Matches:   []string{"welcome-to-the-nhk-anime"},
		Facts:     map[string]string{"episodes": "1"},
		Warnings:  []string{"db.example names two directors; the first is kept"},
	}
}

// harvestSite is a site whose server harvests with h, and a curator's
// session on it.
func harvestSite(t *testing.T, h Harvester) (*site, *http.Cookie) {
	t.Helper()
	st := newSite(t)
	st.harvest = h
	return st, st.session(t, st.user(t, "cora", catalog.RoleCurator))
}

func workCount(t *testing.T, st *site) int {
	t.Helper()
	n, err := st.store.Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// controlAttrs returns the attributes of the input, select or text area
// with element id in page.
func controlAttrs(t *testing.T, page, id string) map[string]string {
	t.Helper()
	for _, m := range controlRE.FindAllStringSubmatch(page, -1) {
		if a := attrs(m[2]); a["id"] == id {
			return a
		}
	}
	t.Fatalf("no control %s in the page", id)
	return nil
}

// TestNewWorkFrom: /works/new?from= fills the form from the harvest's
// draft, names the pages beside each filled field, lists what the form
// cannot show above it, and saves nothing; the form then saves as typed.
func TestNewWorkFrom(t *testing.T) {
	fake := &fakeHarvester{draft: quietFloorDraft()}
	st, cookie := harvestSite(t, fake)
	before := workCount(t, st)

	rec := st.do(t, req{method: "GET", url: "/works/new?from=" + url.QueryEscape(filmsURL), cookie: cookie})
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /works/new?from=: %d\n%s", rec.Code, rec.Body)
	}
	page := rec.Body.String()
	if len(fake.asked) != 1 || fake.asked[0] != filmsURL {
		t.Errorf("the harvester was asked for %q, want %q", fake.asked, filmsURL)
	}
	if n := workCount(t, st); n != before {
		t.Errorf("the GET saved something: %d works, were %d", n, before)
	}
	if v := formValues(t, page, "from-form").Get("from"); v != filmsURL {
		t.Errorf("the from box holds %q", v)
	}

	form := formValues(t, page, "edit-form")
	for name, want := range map[string]string{
		"id": "the-quiet-floor-film", "title": "The Quiet Floor", "original_title": "静かな階", "medium": "anime_film",
		"year": "2019", "countries": "JP", "languages": "ja", "creators[0].name": "Rin Sato", "creators[0].role": "director",
		"sources[0].url": filmsURL, "sources[1].url": dbURL, "romanized_title": "",
	} {
		if got := form.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}

	for _, tc := range []struct {
		id    string // the control, or the fieldset of rows
		hosts []string
	}{
		{"f-title", []string{"films.example"}},
		{"f-original_title", []string{"db.example"}},
		{"f-medium", []string{"films.example"}},
		{"f-year", []string{"films.example", "db.example"}},
		{"f-countries", []string{"db.example"}},
		{"f-languages", []string{"db.example"}},
		{"f-creators", nil},
	} {
		note := regexp.MustCompile(`<p class="from" id="` + tc.id + `-from">(.*?)</p>`).FindStringSubmatch(page)
		if note == nil {
			t.Errorf("%s: no source note", tc.id)
			continue
		}
		for _, h := range tc.hosts {
			if !strings.Contains(note[1], `>`+h+`</a>`) {
				t.Errorf("%s: the note %q does not name %s", tc.id, note[1], h)
			}
		}
		if tc.id == "f-creators" {
			if !strings.Contains(page, `id="f-creators" data-rows="creators" data-next="3" aria-describedby="f-creators-from"`) {
				t.Error("the creators' fieldset is not described by its source note")
			}
			continue
		}
		if d := controlAttrs(t, page, tc.id)["aria-describedby"]; !strings.Contains(" "+d+" ", " "+tc.id+"-from ") {
			t.Errorf("%s is described by %q, not its source note", tc.id, d)
		}
	}
	if strings.Contains(page, `id="f-romanized_title-from"`) {
		t.Error("a field the harvest left empty has a source note")
	}

	section := page[strings.Index(page, `<section class="harvested"`):]
	section = section[:strings.Index(section, "</section>")]
	for _, want := range []string{
		`This may already be in the catalog:</strong> <a href="/works/welcome-to-the-nhk-anime">Welcome to the N.H.K.</a>`,
		`The pages disagree`,
		`<strong>Year:</strong> 2019 <span class="from">(from <a href="https://films.example/quiet-floor" rel="noreferrer">films.example</a>)</span>; 2020`,
		`db.example names two directors; the first is kept`,
		`Other facts found (not saved)`,
		`<dt>Episodes</dt><dd>1 <span class="from">(from <a href="https://www.db.example/title/9" rel="noreferrer">db.example</a>)</span></dd>`,
	} {
		if !strings.Contains(section, want) {
			t.Errorf("the harvest's notice lacks %q:\n%s", want, section)
		}
	}

	// The filled form saves once the edit note is given.
	form.Set("note", "From films.example and db.example.")
	code, loc, body := st.post(t, "/works/new", form, cookie)
	if code != http.StatusSeeOther || loc != "/works/the-quiet-floor-film" {
		t.Fatalf("saving the filled form: %d %s\n%s", code, loc, body)
	}
	if w := st.current(t, "the-quiet-floor-film").Work; w.Year != 2019 || len(w.Sources) != 2 || w.Creators[0].Name != "Rin Sato" {
		t.Errorf("saved %+v", w)
	}
}

// TestNewWorkFromRefused: a bad address or a failed harvest comes back
// beside the box, with the form empty and nothing saved.
func TestNewWorkFromRefused(t *testing.T) {
	for _, tc := range []struct {
		name, from string
		err        error // the harvester's
		status     int
		want       string
		asked      bool
	}{
		{"not an address", "quiet floor", nil, http.StatusUnprocessableEntity, "must be a whole address starting with http:// or https://", false},
		{"another scheme", "ftp://films.example/quiet-floor", nil, http.StatusUnprocessableEntity, "must be a whole address starting with http:// or https://", false},
		{"no host", "https:///quiet-floor", nil, http.StatusUnprocessableEntity, "has no host", false},
		{"a password", "https://me:secret@films.example/", nil, http.StatusUnprocessableEntity, "must not carry a user name or password", false},
		{"empty", "", nil, http.StatusUnprocessableEntity, "must be a whole address", false},
		{"fetch failed", filmsURL, errors.New("404 Not Found"), http.StatusBadGateway, "could not be read: 404 Not Found.", true},
		{"timed out", filmsURL, context.DeadlineExceeded, http.StatusGatewayTimeout, "could not be read within 60 seconds", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := &fakeHarvester{draft: quietFloorDraft(), err: tc.err}
			st, cookie := harvestSite(t, fake)
			before := workCount(t, st)
			rec := st.do(t, req{method: "GET", url: "/works/new?from=" + url.QueryEscape(tc.from), cookie: cookie})
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d\n%s", rec.Code, tc.status, rec.Body)
			}
			page := rec.Body.String()
			if (len(fake.asked) > 0) != tc.asked {
				t.Errorf("the harvester was asked %q", fake.asked)
			}
			errText := regexp.MustCompile(`<p class="field-error" id="f-from-err">(.*?)</p>`).FindStringSubmatch(page)
			if errText == nil || !strings.Contains(errText[1], "Start from a web page") || !strings.Contains(errText[1], tc.want) {
				t.Errorf("the error beside the box is %q, want one naming the box and saying %q", errText, tc.want)
			}
			box := controlAttrs(t, page, "f-from")
			if box["aria-invalid"] != "true" || !strings.Contains(box["aria-describedby"], "f-from-err") || box["value"] != tc.from {
				t.Errorf("the box is %v", box)
			}
			if v := formValues(t, page, "edit-form").Get("title"); v != "" || strings.Contains(page, `class="harvested"`) {
				t.Errorf("a refused harvest filled the form (title %q)", v)
			}
			if n := workCount(t, st); n != before {
				t.Errorf("%d works, were %d", n, before)
			}
		})
	}
}

// TestNewWorkFromBox: the box is shown to curators where the server
// has a harvester; ?from= says why it cannot be followed elsewhere.
func TestNewWorkFromBox(t *testing.T) {
	st, cookie := harvestSite(t, nil)
	rec := st.do(t, req{method: "GET", url: "/works/new", cookie: cookie})
	if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), `id="from-form"`) {
		t.Errorf("/works/new without a harvester: %d, box shown: %v", rec.Code, strings.Contains(rec.Body.String(), `id="from-form"`))
	}
	rec = st.do(t, req{method: "GET", url: "/works/new?from=" + url.QueryEscape(filmsURL), cookie: cookie})
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "does not read web pages") {
		t.Errorf("?from= without a harvester: %d\n%s", rec.Code, rec.Body)
	}

	// A contributor neither sees the box nor may follow ?from=: a harvest
	// makes the server fetch the address it is given.
	fake := &fakeHarvester{draft: quietFloorDraft()}
	st, _ = harvestSite(t, fake)
	cole := st.session(t, st.user(t, "cole", catalog.RoleContributor))
	rec = st.do(t, req{method: "GET", url: "/works/new", cookie: cole})
	if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), `id="from-form"`) {
		t.Errorf("/works/new for a contributor: %d, box shown: %v", rec.Code, strings.Contains(rec.Body.String(), `id="from-form"`))
	}
	rec = st.do(t, req{method: "GET", url: "/works/new?from=" + url.QueryEscape(filmsURL), cookie: cole})
	if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "only curators") || len(fake.asked) > 0 {
		t.Errorf("?from= for a contributor: %d, harvester asked %q\n%s", rec.Code, fake.asked, rec.Body)
	}

	st, cookie = harvestSite(t, &fakeHarvester{})
	rec = st.do(t, req{method: "GET", url: "/works/new", cookie: cookie})
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `<form id="from-form" class="from-page" method="get" action="/works/new"`) {
		t.Errorf("/works/new with a harvester: %d, no box", rec.Code)
	}
	if d := controlAttrs(t, rec.Body.String(), "f-from"); d["name"] != "from" || d["type"] != "url" {
		t.Errorf("the box is %v", d)
	}
}
