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

// metadataWant is what a page's metadata must give, field by field; nil
// and zero fields must be empty.
type metadataWant struct {
	Site, Title, Medium string
	AltTitles           []string
	Year, EndYear       int
	Countries           []string
	Languages           []string
	Creators            []catalog.Creator
	Links               []catalog.Link
	Other               map[string]string
	Warnings            []string // prefixes of the warnings, in order
	// Absent are words of the page's descriptions and reviews: none may
	// appear anywhere in the facts.
	Absent []string
}

func c(name, role string) catalog.Creator { return catalog.Creator{Name: name, Role: role} }

func TestMetadataPages(t *testing.T) {
	tests := []struct {
		file, url string
		want      metadataWant
	}{
		{
			file: "imdb-movie.html", url: "https://www.imdb.com/title/tt0000001/",
			want: metadataWant{
				Site: "IMDb", Title: "Quillon Brask's Holiday", Medium: "live_action_film", Year: 1987,
				// The creator Organization has no name; the creator Person is a writer of a film.
				Creators: []catalog.Creator{c("Odile Marchetti", "director"), c("Odile Marchetti", "writer")},
				Links:    []catalog.Link{{URL: "https://www.imdb.com/title/tt0000001/", Label: "IMDb"}},
				Absent:   []string{"glorbquist", "snorfelwidget", "somereviewer", "Teodor"},
			},
		},
		{
			file: "livechart-anime.html", url: "https://www.livechart.me/anime/99901",
			want: metadataWant{
				Site: "LiveChart.me", Title: "Hollow Lantern Room", Medium: "anime_series",
				AltTitles: []string{"Utsuro no Rantan Heya", "うつろのランタン部屋"},
				Year:      2022, EndYear: 2022, Countries: []string{"JP"}, Languages: []string{"ja"},
				Creators: []catalog.Creator{c("Studio Kumorigami", "studio")},
				Links: []catalog.Link{
					{URL: "https://www.livechart.me/anime/99901", Label: "LiveChart"},
					{URL: "https://myanimelist.net/anime/99901", Label: "MyAnimeList"},
					{URL: "https://anilist.co/anime/99901", Label: "AniList"},
					{URL: "https://www.wikidata.org/wiki/Q99999901", Label: "Wikidata"},
				},
				Other:    map[string]string{"episodes": "12"},
				Warnings: []string{"JSON-LD block 1 is not valid JSON: "},
				Absent:   []string{"vintrobel"},
			},
		},
		{
			file: "book-og.html", url: "https://books.example.org/book/show/4242-the-lantern-clerk",
			want: metadataWant{
				Site: "Pagefold Books", Title: "The Lantern Clerk", Medium: "novel", Year: 2011,
				// The second book:author is a profile URL, not a name.
				Creators: []catalog.Creator{c("Mireille Oduya", "author")},
				Links:    []catalog.Link{{URL: "https://books.example.org/book/show/4242-the-lantern-clerk", Label: "books.example.org"}},
				Absent:   []string{"plimbastic"},
			},
		},
		{
			file: "journal-highwire.html", url: "https://journal.example.edu/article/view/12",
			want: metadataWant{
				Site: "journal.example.edu", Title: "Rooms Without Doors: Withdrawal in Serial Fiction", Year: 2018,
				Languages: []string{"en"},
				Creators: []catalog.Creator{c("Tanabe, Yuri", "author"), c("Okonkwo, Ada", "author"),
					c("Invented Academic Press", "publisher")},
				Links:  []catalog.Link{{URL: "https://doi.org/10.0000/jims.2019.0012", Label: "DOI"}},
				Absent: []string{"frimbulate", "University of Nowhere"},
			},
		},
		{
			file: "dublin-core.html", url: "https://archive.example.jp/item/555",
			want: metadataWant{
				Site: "archive.example.jp", Title: "Heya no Naka no Kaze", AltTitles: []string{"The Wind Inside the Room"},
				Year: 1997, Languages: []string{"ja"},
				Creators: []catalog.Creator{c("Morikawa Sayo", "author"), c("Kaminari Shobo", "publisher")},
				Absent:   []string{"zentrowick"},
			},
		},
		{
			file: "videogame-graph.html", url: "https://games.example.net/game/basement-signal",
			want: metadataWant{
				Site: "Game Records", Title: "Basement Signal", Medium: "video_game", Year: 2016,
				AltTitles: []string{"Chikashitsu no Shingou"}, Languages: []string{"en", "ja"},
				Creators: []catalog.Creator{c("Haru Isogai", "author"), c("Tinroof Games", "developer"),
					c("Lowlight Publishing", "publisher")},
				Links: []catalog.Link{
					{URL: "https://games.example.net/game/basement-signal", Label: "games.example.net"},
					{URL: "https://www.wikidata.org/wiki/Q99999902", Label: "Wikidata"},
					{URL: "https://en.wikipedia.org/wiki/Basement_Signal", Label: "Wikipedia"},
				},
				Other:  map[string]string{"platforms": "Windows, Nintendo Switch"},
				Absent: []string{"quorvantic"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("testdata", "metadata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			checkMetadata(t, tt.url, string(body), tt.want)
		})
	}
}

// TestMetadataJSONLDShapes covers the shapes JSON-LD comes in and the
// media its types and genres give.
func TestMetadataJSONLDShapes(t *testing.T) {
	ld := func(json string) string {
		return `<html><head><script type="application/ld+json">` + json + `</script></head><body></body></html>`
	}
	tests := []struct {
		name, body string
		want       metadataWant
	}{
		{"top-level array, @type array", ld(`[{"@type":"BreadcrumbList"},{"@type":["Movie","CreativeWork"],"name":"Ash Garden","genre":"Animation","dateCreated":"2004","datePublished":"2005-01-01","countryOfOrigin":"JP","inLanguage":{"@type":"Language","name":"Japanese"}}]`),
			metadataWant{Title: "Ash Garden", Medium: "anime_film", Year: 2004, Countries: []string{"JP"}, Languages: []string{"ja"}}},
		{"mainEntity of a WebPage", ld(`{"@type":"WebPage","name":"Page","mainEntity":{"@type":"Book","name":"Paper Crane","bookFormat":"Manga","author":"Ren Aoki","illustrator":["Mio Sato"]}}`),
			metadataWant{Title: "Paper Crane", Medium: "manga", Creators: []catalog.Creator{c("Ren Aoki", "author"), c("Mio Sato", "artist")}}},
		{"light novel", ld(`{"@type":"Book","name":"Quiet Dungeon","genre":["Light Novel","Fantasy"],"creator":{"@type":"Person","name":"Kei Ono"},"publisher":{"@type":"Organization","name":"Hoshi Bunko"}}`),
			metadataWant{Title: "Quiet Dungeon", Medium: "light_novel", Creators: []catalog.Creator{c("Kei Ono", "author"), c("Hoshi Bunko", "publisher")}}},
		{"comic series", ld(`{"@type":"ComicSeries","name":"Static Hour","startDate":"2010","endDate":"2015"}`),
			metadataWant{Title: "Static Hour", Medium: "manga", Year: 2010, EndYear: 2015}},
		{"live-action series, Wikidata ids and entity URIs", ld(`{"@type":"TVSeries","name":"Door Seven","genre":["Drama"],"creator":[{"@type":"Person","name":"Ana Ruiz"},{"@type":"Organization","name":"Canal Nueve"}],"sameAs":["Q123","http://www.wikidata.org/entity/Q77"]}`),
			metadataWant{Title: "Door Seven", Medium: "tv_drama", Creators: []catalog.Creator{c("Ana Ruiz", "writer"), c("Canal Nueve", "studio")},
				Links: []catalog.Link{{URL: "https://www.wikidata.org/wiki/Q123", Label: "Wikidata"}, {URL: "https://www.wikidata.org/wiki/Q77", Label: "Wikidata"}}}},
		{"generic creative work", ld(`{"@type":"CreativeWork","name":"Unsorted","datePublished":"1999"}`),
			metadataWant{Title: "Unsorted", Year: 1999}},
		{"raw line break in a string, comment wrapper", ld("<!--\n{\"@type\":\"Movie\",\"name\":\"Two\nLines\"}\n-->"),
			metadataWant{Title: "Two Lines", Medium: "live_action_film"}},
		{"not a work", ld(`{"@type":"Organization","name":"Some Studio"}`), metadataWant{}},
		{"two broken blocks", ld(`{"@type":`) + ld(`{"@type":"Movie","name":"After"}`) + ld(`nope`),
			metadataWant{Title: "After", Medium: "live_action_film",
				Warnings: []string{"JSON-LD block 1 is not valid JSON: ", "JSON-LD block 3 is not valid JSON: "}}},
		{"JSON-LD wins over OpenGraph; OpenGraph fills", `<html><head>
<meta property="og:type" content="video.movie"><meta property="og:title" content="Wrong | Site"><meta property="og:site_name" content="Site">
<meta property="video:director" content="Ida Lund"><meta property="video:release_date" content="2001-02-03">
<script type="application/ld+json">{"@type":"TVSeries","name":"Right","genre":"Anime"}</script></head></html>`,
			metadataWant{Site: "Site", Title: "Right", Medium: "anime_series", Year: 2001, Creators: []catalog.Creator{c("Ida Lund", "director")}}},
		{"title suffix kept when the site does not name it", `<meta property="og:title" content="Stop - Go"><meta property="og:site_name" content="Elsewhere"><meta property="og:type" content="video.episode">`,
			metadataWant{Site: "Elsewhere", Title: "Stop - Go", Medium: "tv_drama"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.want.Site == "" {
				tt.want.Site = "example.com"
			}
			checkMetadata(t, "https://www.example.com/work/1", tt.body, tt.want)
		})
	}
}

func TestMetadataMatch(t *testing.T) {
	tests := []struct {
		body string
		want bool
	}{
		{`<script type="application/ld+json">{}</script>`, true},
		{`<script type=" Application/LD+JSON ">oops</script>`, true},
		{`<meta property="og:title" content="x">`, true},
		{`<meta name="og:type" content="video.movie">`, true},
		{`<meta name="citation_title" content="x">`, true},
		{`<meta name="DC.title" content="x">`, true},
		{`<meta name="dcterms.issued" content="2001">`, true},
		{`<meta name="description" content="x"><script type="text/javascript">{}</script>`, false},
		{`<p>plain</p>`, false},
	}
	for _, tt := range tests {
		p, err := NewPage("https://example.com/", "text/html", []byte(tt.body))
		if err != nil {
			t.Fatal(err)
		}
		if got := (Metadata{}).Match(p); got != tt.want {
			t.Errorf("Match(%s) = %v, want %v", tt.body, got, tt.want)
		}
	}
}

func checkMetadata(t *testing.T, rawURL, body string, want metadataWant) {
	t.Helper()
	p, err := NewPage(rawURL, "text/html", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if !(Metadata{}).Match(p) {
		t.Fatal("Match = false")
	}
	f, err := Metadata{}.Extract(p)
	if err != nil {
		t.Fatal(err)
	}
	if f.Source != rawURL {
		t.Errorf("Source = %q, want %q", f.Source, rawURL)
	}
	eq := func(field string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, want %#v", field, got, want)
		}
	}
	eq("Site", f.Site, want.Site)
	eq("Title", f.Title, want.Title)
	eq("Medium", f.Medium, want.Medium)
	eq("AltTitles", f.AltTitles, want.AltTitles)
	eq("Year", f.Year, want.Year)
	eq("EndYear", f.EndYear, want.EndYear)
	eq("Countries", f.Countries, want.Countries)
	eq("Languages", f.Languages, want.Languages)
	eq("Creators", f.Creators, want.Creators)
	eq("Links", f.Links, want.Links)
	eq("Other", f.Other, want.Other)
	eq("OriginalTitle", f.OriginalTitle, "")
	eq("RomanizedTitle", f.RomanizedTitle, "")
	if len(f.Warnings) != len(want.Warnings) {
		t.Errorf("Warnings = %q, want %d starting %q", f.Warnings, len(want.Warnings), want.Warnings)
	} else {
		for i, w := range want.Warnings {
			if !strings.HasPrefix(f.Warnings[i], w) {
				t.Errorf("Warnings[%d] = %q, want it to start %q", i, f.Warnings[i], w)
			}
		}
	}
	js, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range want.Absent {
		if strings.Contains(strings.ToLower(string(js)), strings.ToLower(w)) {
			t.Errorf("the facts carry %q from prose: %s", w, js)
		}
	}
}
