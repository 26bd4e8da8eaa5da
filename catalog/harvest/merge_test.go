package harvest

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/komoru/komoru/catalog"
)

func TestMerge(t *testing.T) {
	wiki := "https://en.wikipedia.org/wiki/Welcome_to_the_N.H.K."
	mal := "https://myanimelist.net/anime/1210/NHK_ni_Youkoso"
	other := "https://example.org/nhk"
	film := "https://en.wikipedia.org/wiki/Some_Film"
	in := []Facts{
		{Source: wiki, Site: "Wikipedia", Title: "Welcome to the N.H.K.", OriginalTitle: "N・H・Kにようこそ!", Medium: "anime_series",
			Year: 2006, Creators: []catalog.Creator{{Name: "Gonzo", Role: "studio"}, {Name: "Yūsuke Yamamoto", Role: "director"}},
			Countries: []string{"JP"}, Links: []catalog.Link{{URL: "https://www.wikidata.org/wiki/Q1196960", Label: "Wikidata"}},
			Other: map[string]string{"episodes": "24"}},
		{Source: film, Title: "Some Film", Medium: "live_action_film", Year: 2001},
		{Source: mal, Site: "MyAnimeList", Title: "Welcome to the NHK", RomanizedTitle: "NHK ni Youkoso!", Medium: "anime_series",
			Year: 2007, EndYear: 2006, Creators: []catalog.Creator{{Name: "GONZO", Role: "studio"}},
			Other: map[string]string{"episodes": "24"}, Warnings: []string{"no synopsis kept"}},
		// A third page agrees with the first on the year.
		{Source: other, AltTitles: []string{"NHK ni Youkoso!"}, Medium: "anime_series", Year: 2006},
		{Source: "https://example.org/empty"}, // nothing found: no draft
	}
	got := Merge(in)
	if len(got) != 2 {
		t.Fatalf("Merge made %d drafts, want 2 (the three N.H.K. pages as one, the film)", len(got))
	}
	d := got[0]
	want := catalog.Work{
		ID: "welcome-to-the-nhk-anime", Title: "Welcome to the N.H.K.", OriginalTitle: "N・H・Kにようこそ!", RomanizedTitle: "NHK ni Youkoso!",
		Medium: "anime_series", Year: 2006, EndYear: 2006, Countries: []string{"JP"},
		Creators: []catalog.Creator{{Name: "Gonzo", Role: "studio"}, {Name: "Yūsuke Yamamoto", Role: "director"}},
		Links:    []catalog.Link{{URL: "https://www.wikidata.org/wiki/Q1196960", Label: "Wikidata"}},
		Sources:  []catalog.Source{{URL: wiki, Title: "Wikipedia"}, {URL: mal, Title: "MyAnimeList"}, {URL: other, Title: "example.org"}},
	}
	// An end year equal to the year is a single release: dropped.
	want.EndYear = 0
	if diff := cmp.Diff(want, d.Work); diff != "" {
		t.Errorf("merged work (-want +got):\n%s", diff)
	}
	wantConflicts := []catalog.Conflict{{Field: "year", Values: []catalog.ConflictValue{
		{Value: 2006, Source: wiki}, {Value: 2007, Source: mal}, {Value: 2006, Source: other}}}}
	if diff := cmp.Diff(wantConflicts, d.Conflicts); diff != "" {
		t.Errorf("conflicts (-want +got):\n%s", diff)
	}
	wantProv := map[string][]string{
		"title": {wiki, mal}, "original_title": {wiki}, "romanized_title": {mal}, "medium": {wiki, mal, other},
		"year": {wiki, other}, "creators": {wiki, mal}, "countries": {wiki}, "links": {wiki}, "facts.episodes": {wiki, mal},
	}
	if diff := cmp.Diff(wantProv, d.Provenance); diff != "" {
		t.Errorf("provenance (-want +got):\n%s", diff)
	}
	if d.Facts["episodes"] != "24" {
		t.Errorf("facts = %v, want episodes 24", d.Facts)
	}
	if len(d.Warnings) != 1 || d.Warnings[0] != mal+": no synopsis kept" {
		t.Errorf("warnings = %q", d.Warnings)
	}
	if got[1].Work.ID != "some-film" || got[1].Work.Year != 2001 || len(got[1].Conflicts) != 0 {
		t.Errorf("second draft = %+v", got[1].Work)
	}
}

// TestMergeMediaApart: one title in two media is two works (the manga
// and its anime), never one draft with a conflict on the medium.
func TestMergeMediaApart(t *testing.T) {
	got := Merge([]Facts{
		{Source: "https://a.example/1", Title: "Welcome to the NHK", Medium: "manga", Year: 2004},
		{Source: "https://a.example/2", Title: "Welcome to the NHK", Medium: "anime_series", Year: 2006},
		{Source: "https://a.example/3", Title: "welcome to the nhk", Year: 2004}, // medium unknown: joins the first
	})
	if len(got) != 2 || got[0].Work.Medium != "manga" || got[1].Work.Medium != "anime_series" {
		t.Fatalf("drafts = %+v", got)
	}
	if p := got[0].Provenance["year"]; len(p) != 2 {
		t.Errorf("manga year provenance = %v, want both pages", p)
	}
}

func TestDraftJSON(t *testing.T) {
	d := Merge([]Facts{{Source: "https://a.example/x", Title: "Only a Title"}})[0]
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"work":{"id":"only-a-title","title":"Only a Title","sources":[{"url":"https://a.example/x","title":"a.example"}]},"provenance":{"title":["https://a.example/x"]}}`
	if string(b) != want {
		t.Errorf("draft JSON\n got %s\nwant %s", b, want)
	}
	var back catalog.Draft
	if err := json.Unmarshal(b, &back); err != nil || back.Work.Title != "Only a Title" || back.Provenance["title"][0] != "https://a.example/x" {
		t.Errorf("read back %+v, %v", back, err)
	}
}

func TestMatcherAndUpdate(t *testing.T) {
	nhk := &catalog.Work{ID: "welcome-to-the-nhk-anime", Title: "Welcome to the N.H.K.", Medium: "anime_series", Year: 2006,
		Creators: []catalog.Creator{{Name: "Gonzo", Role: "studio"}},
		Links:    []catalog.Link{{URL: "https://myanimelist.net/anime/1210/"}}}
	manga := &catalog.Work{ID: "welcome-to-the-nhk-manga", Title: "Welcome to the N.H.K.", Medium: "manga", Year: 2004}
	m := NewMatcher([]*catalog.Work{nhk, manga})

	byTitle := catalog.Draft{Work: catalog.Work{Title: "welcome to the NHK", Medium: "anime_series"}}
	if got := m.Draft(&byTitle); !cmp.Equal(got, []string{"welcome-to-the-nhk-anime"}) {
		t.Errorf("by title: %v", got)
	}
	noMedium := catalog.Draft{Work: catalog.Work{Title: "Welcome to the NHK"}}
	if got := m.Draft(&noMedium); len(got) != 2 {
		t.Errorf("without a medium both media match, got %v", got)
	}
	byLink := catalog.Draft{Work: catalog.Work{Title: "NHK ni Youkoso!", Sources: []catalog.Source{{URL: "http://www.myanimelist.net/anime/1210"}}}}
	if got := m.Draft(&byLink); !cmp.Equal(got, []string{"welcome-to-the-nhk-anime"}) {
		t.Errorf("by link: %v", got)
	}
	if m.Known(&Candidate{Title: "Welcome to the NHK!", Medium: "manga"}) != true || m.Known(&Candidate{Title: "Genshiken"}) {
		t.Error("Known is wrong")
	}

	d := catalog.Draft{Work: catalog.Work{Title: "NHK ni Youkoso!", Medium: "anime_series", Year: 2006,
		Creators: []catalog.Creator{{Name: "GONZO", Role: "studio"}, {Name: "Yūsuke Yamamoto", Role: "director"}},
		Sources:  []catalog.Source{{URL: "https://myanimelist.net/anime/1210/"}}}}
	w, changed := Update(nhk, &d)
	if !cmp.Equal(changed, []string{"alt_titles", "creators", "sources"}) {
		t.Errorf("changed = %v", changed)
	}
	if len(nhk.Creators) != 1 || len(nhk.AltTitles) != 0 {
		t.Error("Update changed the original work")
	}
	if w.Title != nhk.Title || len(w.Creators) != 2 || w.AltTitles[0] != "NHK ni Youkoso!" {
		t.Errorf("updated work = %+v", w)
	}
	same := catalog.Draft{Work: catalog.Work{Title: "Welcome to the NHK", Year: 2006}}
	if _, changed := Update(nhk, &same); len(changed) != 0 {
		t.Errorf("a draft with nothing new changed %v", changed)
	}
}

func TestSuggestID(t *testing.T) {
	for _, c := range []struct{ title, medium, want string }{
		{"Welcome to the N.H.K.", "manga", "welcome-to-the-nhk-manga"},
		{"Garou: Mark of the Wolves", "video_game", "garou-mark-of-the-wolves-game"},
		{"Pokémon", "anime_series", "pokemon-anime"},
		{"Hikikomori Film", "live_action_film", "hikikomori-film"},
		{"流浪地球", "live_action_film", ""},
	} {
		if got := catalog.SuggestID(c.title, c.medium); got != c.want {
			t.Errorf("SuggestID(%q, %q) = %q, want %q", c.title, c.medium, got, c.want)
		}
	}
}
