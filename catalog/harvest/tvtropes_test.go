package harvest

import (
	"reflect"
	"testing"

	"github.com/komoru/komoru/catalog"
)

func TestTVTropesExtract(t *testing.T) {
	hikikomori := func(names ...string) []catalog.Character {
		var out []catalog.Character
		for _, n := range names {
			out = append(out, catalog.Character{Name: n, Gender: "unspecified", Role: "supporting", Hikikomori: true})
		}
		return out
	}
	tests := []struct {
		name string
		file string
		want Facts
	}{
		{
			name: "anime page listing the trope",
			file: "work_anime.html",
			want: Facts{
				Site:       "TV Tropes",
				Title:      "Kabe no Mukou no Hoshi",
				Medium:     "anime_series",
				Characters: hikikomori("Haruto", "Mio Sakagami"),
				Links:      []catalog.Link{{URL: "https://tvtropes.org/pmwiki/pmwiki.php/Anime/KabeNoMukouNoHoshi", Label: "TV Tropes"}},
				Other:      map[string]string{"hikikomori_trope": "yes"},
			},
		},
		{
			name: "film page without the trope",
			file: "work_film.html",
			want: Facts{
				Site:     "TV Tropes",
				Title:    "The Quiet Floor",
				Medium:   "live_action_film",
				Creators: []catalog.Creator{{Name: "Mina Koizumi", Role: "director"}},
				Links:    []catalog.Link{{URL: "https://tvtropes.org/pmwiki/pmwiki.php/Film/TheQuietFloor", Label: "TV Tropes"}},
			},
		},
		{
			name: "character sheet",
			file: "characters.html",
			want: Facts{
				Site:       "TV Tropes",
				Title:      "Kabe no Mukou no Hoshi",
				Characters: hikikomori("Haruto Aizawa"),
				Links:      []catalog.Link{{URL: "https://tvtropes.org/pmwiki/pmwiki.php/Characters/KabeNoMukouNoHoshi", Label: "TV Tropes"}},
				Other:      map[string]string{"hikikomori_trope": "yes"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := malttvTaken(t, "tvtropes", tt.file, TVTropes{}, TVTropesList{})
			got, err := TVTropes{}.Extract(p)
			if err != nil {
				t.Fatal(err)
			}
			tt.want.Source = p.URL.String()
			checkFacts(t, got, tt.want)
			assertNoProse(t, got, "snarfwobble", "placeholder")
			cb := catalog.DefaultCodebook()
			for _, c := range got.Characters {
				if !cb.Dimension("gender").Has(c.Gender) || !cb.Dimension("character_role").Has(c.Role) {
					t.Errorf("character %+v: gender or role not in the codebook", c)
				}
			}
		})
	}
}

func TestTVTropesMatch(t *testing.T) {
	checkMatch(t, TVTropes{}, TVTropesList{}, []malttvMatchCase{
		{"https://tvtropes.org/pmwiki/pmwiki.php/Anime/X", "", true, false},
		{"https://tvtropes.org/pmwiki/pmwiki.php/LightNovel/X", "", true, false},
		{"https://tvtropes.org/pmwiki/pmwiki.php/Main/Hikikomori", "", false, true},
		{"https://tvtropes.org/pmwiki/pmwiki.php/Creator/X", "", false, false},
		{"https://tvtropes.org/", "", false, false},
		{"http://127.0.0.1/x", `<link rel="canonical" href="https://tvtropes.org/pmwiki/pmwiki.php/VideoGame/X">`, true, false},
		{"http://127.0.0.1/x", `<link rel="canonical" href="https://tvtropes.org/pmwiki/pmwiki.php/Main/Hikikomori">`, false, true},
		{"http://127.0.0.1/pmwiki/pmwiki.php/Anime/X", "", false, false},
		{"https://myanimelist.net/anime/1/X", "", false, false},
	})
}

func TestTVTropesMedium(t *testing.T) {
	tests := map[string]string{
		"Anime": "anime_series", "Manga": "manga", "LightNovel": "light_novel", "Film": "live_action_film",
		"VideoGame": "video_game", "Series": "tv_drama", "Literature": "novel", "Documentary": "documentary",
	}
	for ns, want := range tests {
		p, err := NewPage("https://tvtropes.org/pmwiki/pmwiki.php/"+ns+"/SomeWork", "text/html",
			[]byte(`<h1 class="entry-title"><strong>`+ns+` / </strong>Some Work</h1>`))
		if err != nil {
			t.Fatal(err)
		}
		f, err := TVTropes{}.Extract(p)
		if err != nil {
			t.Fatal(err)
		}
		if f.Medium != want || f.Title != "Some Work" {
			t.Errorf("%s: medium %q, title %q; want %q, %q", ns, f.Medium, f.Title, want, "Some Work")
		}
	}
}

func TestTVTropesList(t *testing.T) {
	p := malttvTaken(t, "tvtropes", "trope_hikikomori.html", TVTropesList{}, TVTropes{})
	got, err := TVTropesList{}.List(p)
	if err != nil {
		t.Fatal(err)
	}
	const page = "http://127.0.0.1:8080/tvtropes/trope_hikikomori.html"
	want := []Candidate{
		{Title: "Kabe no Mukou no Hoshi", URL: "http://127.0.0.1:8080/pmwiki/pmwiki.php/Anime/KabeNoMukouNoHoshi", Medium: "anime_series",
			Mention: page + "#folder0", Characters: []string{"Haruto"}},
		{Title: "Heyagomori Nikki", URL: "http://127.0.0.1:8080/pmwiki/pmwiki.php/Manga/HeyagomoriNikki", Medium: "manga",
			Mention: page + "#folder0"},
		{Title: "The Quiet Floor", URL: "http://127.0.0.1:8080/pmwiki/pmwiki.php/Film/TheQuietFloor", Medium: "live_action_film",
			Mention: page + "#folder1", Characters: []string{"Aoi", "Kenta"}},
		{Title: "Windows of Ash", URL: "http://127.0.0.1:8080/pmwiki/pmwiki.php/Literature/WindowsOfAsh", Medium: "novel",
			Mention: page + "#folder2"},
		{Title: "Room Twelve", URL: "http://127.0.0.1:8080/pmwiki/pmwiki.php/VideoGame/RoomTwelve", Medium: "video_game",
			Mention: page + "#folder3"},
	}
	for i := range got {
		if got[i].MentionChars <= 0 {
			t.Errorf("%s: MentionChars = %d, want the example's length", got[i].Title, got[i].MentionChars)
		}
		got[i].MentionChars = 0
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("List =\n%+v\nwant\n%+v", got, want)
	}
	assertNoProse(t, got, "snarfwobble", "placeholder", "narrator")
}

// TestTVTropesMentionChars checks the count is the example's own text,
// in runes, without its nested sub-examples.
func TestTVTropesMentionChars(t *testing.T) {
	body := `<link rel="canonical" href="https://tvtropes.org/pmwiki/pmwiki.php/Main/Hikikomori">
<div id="main-article"><ul><li><em><a class="twikilink" href="/pmwiki/pmwiki.php/Anime/Ä">Ää</a></em>: ööö<ul><li>sub-example</li></ul></li></ul></div>`
	p, err := NewPage("http://127.0.0.1/t", "text/html", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	got, err := TVTropesList{}.List(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].MentionChars != len([]rune("Ää: ööö")) {
		t.Errorf("List = %+v, want one candidate of %d chars", got, len([]rune("Ää: ööö")))
	}
}

// TestMalTVTropesTruncated reads every prefix-cut of the fixtures (what
// a broken download leaves) with both sites' readers: none may panic.
func TestMalTVTropesTruncated(t *testing.T) {
	files := map[string][]string{
		"myanimelist": {"anime_desktop.html", "anime_smartphone.html", "manga_desktop.html", "genre.html", "search.html"},
		"tvtropes":    {"work_anime.html", "work_film.html", "characters.html", "trope_hikikomori.html"},
	}
	for dir, names := range files {
		for _, name := range names {
			full := malttvPage(t, dir, name)
			for cut := 0; cut < len(full.Body); cut += 97 {
				p, err := NewPage(full.URL.String(), "text/html", full.Body[:cut])
				if err != nil {
					t.Fatal(err)
				}
				for _, ex := range []Extractor{MyAnimeList{}, TVTropes{}} {
					if _, err := ex.Extract(p); err != nil {
						t.Errorf("%s on %s cut at %d: %v", ex.Name(), name, cut, err)
					}
				}
				for _, l := range []Lister{MyAnimeListList{}, TVTropesList{}} {
					if _, err := l.List(p); err != nil {
						t.Errorf("%s on %s cut at %d: %v", l.Name(), name, cut, err)
					}
				}
			}
		}
	}
}
