package harvest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/komoru/komoru/catalog"
)

// malttvPage reads a fixture as if served by the test server on
// 127.0.0.1, so only the page's markup can tell which site it is.
func malttvPage(t *testing.T, dir, name string) *Page {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", dir, name))
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPage("http://127.0.0.1:8080/"+dir+"/"+name, "text/html; charset=utf-8", body)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// malttvMatcher is what extractors and list readers share.
type malttvMatcher interface {
	Name() string
	Match(p *Page) bool
}

// malttvTaken reads a fixture and checks that only one of a site's two
// readers takes it.
func malttvTaken(t *testing.T, dir, name string, takes, skips malttvMatcher) *Page {
	t.Helper()
	p := malttvPage(t, dir, name)
	if !takes.Match(p) {
		t.Fatalf("%s does not match %s", takes.Name(), name)
	}
	if skips.Match(p) {
		t.Errorf("%s matches %s", skips.Name(), name)
	}
	return p
}

// assertNoProse fails if any of the fixtures' made-up prose words shows
// up in what was extracted.
func assertNoProse(t *testing.T, v any, words ...string) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range words {
		if strings.Contains(strings.ToLower(string(b)), w) {
			t.Errorf("prose word %q leaked into %s", w, b)
		}
	}
}

func TestMyAnimeListExtract(t *testing.T) {
	tests := []struct {
		name string
		file string
		want Facts
	}{
		{
			name: "desktop anime",
			file: "anime_desktop.html",
			want: Facts{
				Site:           "MyAnimeList",
				Title:          "The Star Beyond the Wall",
				RomanizedTitle: "Kabe no Mukou no Hoshi",
				OriginalTitle:  "壁の向こうの星",
				AltTitles:      []string{"KabeHoshi", "Star Past the Wall"},
				Medium:         "anime_series",
				Year:           2006,
				EndYear:        2007,
				Creators:       []catalog.Creator{{Name: "Studio Hanamori", Role: "studio"}},
				Links:          []catalog.Link{{URL: "https://myanimelist.net/anime/99901/Kabe_no_Mukou_no_Hoshi", Label: "MyAnimeList"}},
				Other:          map[string]string{"episodes": "24"},
			},
		},
		{
			name: "smartphone anime film",
			file: "anime_smartphone.html",
			want: Facts{
				Site:           "MyAnimeList",
				Title:          "The Room Behind the Moon",
				RomanizedTitle: "Tsuki no Ura no Heya",
				OriginalTitle:  "月の裏の部屋",
				AltTitles:      []string{"Tsukiura", "Moonroom"},
				Medium:         "anime_film",
				Year:           2011,
				Creators: []catalog.Creator{
					{Name: "Kougetsu Pictures", Role: "studio"},
					{Name: "Atelier Nagi", Role: "studio"},
				},
				Links: []catalog.Link{{URL: "https://myanimelist.net/anime/99902/Tsuki_no_Ura_no_Heya", Label: "MyAnimeList"}},
				Other: map[string]string{"episodes": "1"},
			},
		},
		{
			name: "desktop manga without an English title",
			file: "manga_desktop.html",
			want: Facts{
				Site:           "MyAnimeList",
				Title:          "Heyagomori Nikki",
				RomanizedTitle: "Heyagomori Nikki",
				OriginalTitle:  "部屋籠もり日記",
				AltTitles:      []string{"Shut-in Diary"},
				Medium:         "manga",
				Year:           2004,
				EndYear:        2007,
				Creators: []catalog.Creator{
					{Name: "Shizuku Amano", Role: "author"},
					{Name: "Ren Kurobe", Role: "artist"},
				},
				Links: []catalog.Link{{URL: "https://myanimelist.net/manga/99903/Heyagomori_Nikki", Label: "MyAnimeList"}},
				Other: map[string]string{"volumes": "8", "serialization": "Gekkan Hoshizora"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := malttvTaken(t, "myanimelist", tt.file, MyAnimeList{}, MyAnimeListList{})
			got, err := MyAnimeList{}.Extract(p)
			if err != nil {
				t.Fatal(err)
			}
			tt.want.Source = p.URL.String()
			checkFacts(t, got, tt.want)
			assertNoProse(t, got, "zorblefrink", "quillomantic", "placeholder")
		})
	}
}

// checkFacts compares facts field by field, so a failure names the field.
func checkFacts(t *testing.T, got, want Facts) {
	t.Helper()
	fields := []struct {
		name      string
		got, want any
	}{
		{"Source", got.Source, want.Source},
		{"Site", got.Site, want.Site},
		{"Title", got.Title, want.Title},
		{"OriginalTitle", got.OriginalTitle, want.OriginalTitle},
		{"RomanizedTitle", got.RomanizedTitle, want.RomanizedTitle},
		{"AltTitles", got.AltTitles, want.AltTitles},
		{"Medium", got.Medium, want.Medium},
		{"Year", got.Year, want.Year},
		{"EndYear", got.EndYear, want.EndYear},
		{"Countries", got.Countries, want.Countries},
		{"Languages", got.Languages, want.Languages},
		{"Creators", got.Creators, want.Creators},
		{"Characters", got.Characters, want.Characters},
		{"Links", got.Links, want.Links},
		{"Other", got.Other, want.Other},
		{"Warnings", got.Warnings, want.Warnings},
	}
	for _, f := range fields {
		if !reflect.DeepEqual(f.got, f.want) {
			t.Errorf("%s = %#v, want %#v", f.name, f.got, f.want)
		}
	}
}

// malttvMatchCase is a page and which of a site's readers should take
// it: the work extractor, the list reader.
type malttvMatchCase struct {
	url, body   string
	work, lists bool
}

// checkMatch checks a site's extractor and list reader pick the pages
// they should.
func checkMatch(t *testing.T, ex Extractor, l Lister, cases []malttvMatchCase) {
	t.Helper()
	for _, tt := range cases {
		p, err := NewPage(tt.url, "text/html", []byte(tt.body))
		if err != nil {
			t.Fatal(err)
		}
		if got := ex.Match(p); got != tt.work {
			t.Errorf("%s.Match(%s %s) = %v, want %v", ex.Name(), tt.url, tt.body, got, tt.work)
		}
		if got := l.Match(p); got != tt.lists {
			t.Errorf("%s.Match(%s %s) = %v, want %v", l.Name(), tt.url, tt.body, got, tt.lists)
		}
	}
}

func TestMyAnimeListMatch(t *testing.T) {
	checkMatch(t, MyAnimeList{}, MyAnimeListList{}, []malttvMatchCase{
		{"https://myanimelist.net/anime/99901/Kabe", "", true, false},
		{"https://myanimelist.net/manga/99903/Heya?q=1", "", true, false},
		{"https://myanimelist.net/anime/genre/8/Drama", "", false, true},
		{"https://myanimelist.net/anime.php?q=heya", "", false, true},
		{"https://sub.myanimelist.net/anime/1/X", "", true, false},
		{"https://notmyanimelist.net/anime/1/X", "", false, false},
		{"http://127.0.0.1/x", `<link rel="canonical" href="https://myanimelist.net/anime/5/X">`, true, false},
		{"http://127.0.0.1/x", `<meta property="og:url" content="https://myanimelist.net/manga/5/X">`, true, false},
		{"http://127.0.0.1/x", `<link rel="canonical" href="https://example.org/anime/5/X">`, false, false},
		{"https://tvtropes.org/pmwiki/pmwiki.php/Anime/X", "", false, false},
	})
}

func TestMyAnimeListRows(t *testing.T) {
	tests := []struct {
		in   string
		want []catalog.Creator
	}{
		{"Takimoto, Tatsuhiko (Story), Oiwa, Kenji (Art)", []catalog.Creator{
			{Name: "Tatsuhiko Takimoto", Role: "author"}, {Name: "Kenji Oiwa", Role: "artist"}}},
		{"Amano, Shizuku (Story & Art)", []catalog.Creator{
			{Name: "Shizuku Amano", Role: "author"}, {Name: "Shizuku Amano", Role: "artist"}}},
		{"CLAMP (Story & Art)", []catalog.Creator{{Name: "CLAMP", Role: "author"}, {Name: "CLAMP", Role: "artist"}}},
		{"Kurobe, Ren (Original Creator)", []catalog.Creator{{Name: "Ren Kurobe", Role: "author"}}},
		{"", nil},
	}
	for _, tt := range tests {
		if got := malAuthors(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("malAuthors(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
	years := []struct {
		in        string
		year, end int
	}{
		{"Apr 4, 2006 to Sep 26, 2006", 2006, 0},
		{"Oct 4, 2006 to Mar 28, 2007", 2006, 2007},
		{"Aug 12, 2011", 2011, 0},
		{"Jun 26, 2004 to ?", 2004, 0},
		{"Not available", 0, 0},
	}
	for _, tt := range years {
		if y, e := malYears(tt.in); y != tt.year || e != tt.end {
			t.Errorf("malYears(%q) = %d, %d, want %d, %d", tt.in, y, e, tt.year, tt.end)
		}
	}
}

func TestMyAnimeListList(t *testing.T) {
	tests := []struct {
		file string
		want []Candidate // MentionChars only checked to be positive
	}{
		{"genre.html", []Candidate{
			{Title: "Kabe no Mukou no Hoshi", URL: "https://myanimelist.net/anime/99901/Kabe_no_Mukou_no_Hoshi", Medium: "anime_series", Year: 2006,
				Mention: "http://127.0.0.1:8080/myanimelist/genre.html"},
			{Title: "Tsuki no Ura no Heya", URL: "https://myanimelist.net/anime/99902/Tsuki_no_Ura_no_Heya", Medium: "anime_film", Year: 2011,
				Mention: "http://127.0.0.1:8080/myanimelist/genre.html"},
		}},
		{"search.html", []Candidate{
			{Title: "Tsuki no Ura no Heya", URL: "https://myanimelist.net/anime/99902/Tsuki_no_Ura_no_Heya", Medium: "anime_film",
				Mention: "http://127.0.0.1:8080/myanimelist/search.html#sinfo99902"},
			{Title: "Heyagomori Nikki OVA", URL: "http://127.0.0.1:8080/anime/99904/Heyagomori_Nikki_OVA", Medium: "anime_series",
				Mention: "http://127.0.0.1:8080/myanimelist/search.html#sinfo99904"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			p := malttvTaken(t, "myanimelist", tt.file, MyAnimeListList{}, MyAnimeList{})
			got, err := MyAnimeListList{}.List(p)
			if err != nil {
				t.Fatal(err)
			}
			for i := range got {
				if got[i].MentionChars <= 0 {
					t.Errorf("%s: MentionChars = %d, want the entry's length", got[i].Title, got[i].MentionChars)
				}
				got[i].MentionChars = 0
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("List =\n%+v\nwant\n%+v", got, tt.want)
			}
			assertNoProse(t, got, "zorblefrink", "placeholder")
		})
	}
}
