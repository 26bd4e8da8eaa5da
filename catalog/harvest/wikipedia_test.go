package harvest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/komoru/komoru/catalog"
)

// wikiPage reads a saved page of testdata/wikipedia as read at rawURL.
func wikiPage(t *testing.T, file, rawURL string) *Page {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", "wikipedia", file))
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPage(rawURL, "text/html; charset=utf-8", body)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestWikipediaExtract(t *testing.T) {
	wd := func(q string) catalog.Link {
		return catalog.Link{URL: "https://www.wikidata.org/wiki/" + q, Label: "Wikidata"}
	}
	wp := func(title string) catalog.Link {
		return catalog.Link{URL: "https://en.wikipedia.org/wiki/" + title, Label: "Wikipedia"}
	}
	cr := func(name, role string) catalog.Creator { return catalog.Creator{Name: name, Role: role} }
	tests := []struct {
		file string
		url  string
		want Facts
		// prose holds phrases of the lead paragraphs (and what a page's
		// style sheets say), none of which may be extracted.
		prose []string
	}{
		{
			file: "wikipedia_The_Wandering_Earth_2019.html",
			url:  "https://en.wikipedia.org/wiki/The_Wandering_Earth",
			want: Facts{
				Title: "The Wandering Earth", OriginalTitle: "流浪地球", RomanizedTitle: "Liúlàng Dìqiú",
				Medium: "live_action_film", Year: 2019, Countries: []string{"CN"}, Languages: []string{"zh"},
				Creators: []catalog.Creator{
					cr("Frant Gwo", "director"),
					cr("Gong Ge'er", "writer"), cr("Yan Dongxu", "writer"), cr("Frant Gwo", "writer"), cr("Ye Junce", "writer"),
					cr("Yang Zhixue", "writer"), cr("Wu Yi", "writer"), cr("Ye Ruchang", "writer"),
					cr("Liu Cixin", "author"), cr("China Film Group Corporation", "studio"),
				},
				Links: []catalog.Link{wd("Q57966215"), wp("The_Wandering_Earth")},
			},
			prose: []string{"Hugo Award", "box office success", "second highest-grossing"},
		},
		{
			// Served from the test server: recognised by its content,
			// its canonical address read from JSON-LD.
			file: "wikipedia_How_to_Train_Your_Dragon_The_Hidden_World_2019.html",
			url:  "http://127.0.0.1:8080/dragon.html",
			want: Facts{
				Title: "How to Train Your Dragon: The Hidden World", Medium: "anime_film", Year: 2019,
				Countries: []string{"US"}, Languages: []string{"en"},
				Creators: []catalog.Creator{
					cr("Dean DeBlois", "director"), cr("Dean DeBlois", "writer"), cr("Cressida Cowell", "author"),
					cr("DreamWorks Animation", "studio"),
				},
				Links: []catalog.Link{wd("Q22970530"), wp("How_to_Train_Your_Dragon:_The_Hidden_World")},
			},
			prose: []string{"dragon utopia", "NBCUniversal", "final installment"},
		},
		{
			// An animated series: the codebook's anime_series is "an
			// animated series, televised or streamed".
			file: "wikipedia_Cars_Toons_2019.html",
			url:  "http://127.0.0.1:8080/wiki/Cars_Toons",
			want: Facts{
				Title: "Cars Toons", Medium: "anime_series", Year: 2008, EndYear: 2014,
				Countries: []string{"US"}, Languages: []string{"en"},
				Creators: []catalog.Creator{
					cr("John Lasseter", "director"), cr("Rob Gibbs", "director"), cr("Jeremy Lasky", "director"),
					cr("Walt Disney Pictures", "studio"), cr("Pixar", "studio"), cr("Walt Disney Television Animation", "studio"),
					cr("Disney Channel", "network"),
				},
				Links: []catalog.Link{wd("Q665908"), wp("Cars_Toons")},
				Other: map[string]string{"episodes": "15"},
			},
			prose: []string{"reprises his role", "Lightning McQueen"},
		},
		{
			// Parsoid HTML: the native title comes from the lead's
			// Nihongo template, the item from the "edit at Wikidata"
			// link, the address from dc:isVersionOf.
			file: "wikipedia_parsoid_Garou_Mark_of_the_Wolves_2026.html",
			url:  "http://127.0.0.1:8080/garou",
			want: Facts{
				Title: "Garou: Mark of the Wolves", OriginalTitle: "餓狼マークオブザウルブズ", RomanizedTitle: "Garō Māku obu za Urubuzu",
				Medium: "video_game", Year: 1999,
				Creators: []catalog.Creator{cr("SNK", "developer"), cr("SNK", "publisher")},
				Links:    []catalog.Link{wd("Q1343613"), wp("Garou:_Mark_of_the_Wolves")},
				Other: map[string]string{"platforms": "Arcade, Dreamcast, Android, iOS, Linux, Macintosh, Microsoft Windows, " +
					"Neo Geo AES, PlayStation 2, PlayStation 4, PlayStation Vita, Xbox 360, Nintendo Switch"},
			},
			prose: []string{"canonically", "sixth main installment", "Hungry Wolf", "mw-parser-output", "font-weight", "nobold"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			p := wikiPage(t, tt.file, tt.url)
			if !(Wikipedia{}).Match(p) {
				t.Fatal("Match: false, want true")
			}
			got, err := Wikipedia{}.Extract(p)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want
			want.Source, want.Site = tt.url, "Wikipedia"
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("facts (-want +got):\n%s", diff)
			}
			js, _ := json.Marshal(got)
			for _, phrase := range tt.prose {
				if strings.Contains(string(js), phrase) {
					t.Errorf("the facts copy %q from the page's prose: %s", phrase, js)
				}
			}
		})
	}
}

func TestWikipediaMatch(t *testing.T) {
	tests := []struct {
		name, url, body string
		want            bool
	}{
		{"host", "https://en.wikipedia.org/wiki/Akira", "", true},
		{"mobile host", "https://en.m.wikipedia.org/wiki/Akira", "", true},
		{"canonical", "http://127.0.0.1/a", `<html><head><link rel="canonical" href="https://en.wikipedia.org/wiki/Akira"></head></html>`, true},
		{"parsoid", "http://127.0.0.1/a", `<html about="https://en.wikipedia.org/wiki/Special:Redirect/revision/1"><head><meta property="mw:pageId" content="1"></head></html>`, true},
		{"parser output", "http://127.0.0.1/a", `<script>RLCONF={"wgCategories":["x"],"wgServer":"//en.wikipedia.org"}</script><div class="mw-parser-output"></div>`, true},
		{"other wiki", "http://127.0.0.1/a", `<script>RLCONF={"wgCategories":["x"]}</script><div class="mw-parser-output"></div>`, false},
		{"plain page", "https://example.org/", `<html><body><table class="infobox"></table></body></html>`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewPage(tt.url, "text/html", []byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if got := (Wikipedia{}).Match(p); got != tt.want {
				t.Errorf("Match = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestStripDisambiguator(t *testing.T) {
	for in, want := range map[string]string{
		"Akira (1988 film)":                  "Akira",
		"Garou (video game)":                 "Garou",
		"Welcome to the NHK (film)":          "Welcome to the NHK",
		"Oshi no Ko (TV series)":             "Oshi no Ko",
		"Paprika (2006 film)":                "Paprika",
		"Tokyo Godfathers":                   "Tokyo Godfathers",
		"Ranma ½ (2024 TV series)":           "Ranma ½",
		"Cowboy Bebop: The Movie (Japanese)": "Cowboy Bebop: The Movie (Japanese)",
	} {
		if got := stripDisambiguator(in); got != want {
			t.Errorf("stripDisambiguator(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestWikipediaInfoboxKinds checks the medium and the roles of infobox
// kinds the saved pages lack, on small pages in the current markup.
func TestWikipediaInfoboxKinds(t *testing.T) {
	page := func(rows, cats string) string {
		return `<html><head><link rel="canonical" href="https://en.wikipedia.org/wiki/X">` +
			`<script>RLCONF={"wgCategories":[` + cats + `]};</script></head><body><div class="mw-parser-output">` +
			`<table class="infobox"><tbody><tr><th colspan="2" class="infobox-above">Hikiko</th></tr>` + rows +
			`</tbody></table><p>Invented synopsis: a quiet lighthouse keeper counts gulls.</p></div></body></html>`
	}
	row := func(label, data string) string {
		return `<tr><th scope="row" class="infobox-label">` + label + `</th><td class="infobox-data">` + data + `</td></tr>`
	}
	header := func(h string) string { return `<tr><th colspan="2" class="infobox-header">` + h + `</th></tr>` }
	tests := []struct {
		name, body string
		medium     string
		creators   []catalog.Creator
		other      map[string]string
	}{
		{
			name: "manga then anime",
			body: page(header("Manga")+row("Written by", "Aki Mori")+row("Illustrated by", "Ren Sato")+
				row("Published by", "Futaba")+row("Volumes", "12<sup class=\"reference\">[3]</sup>")+
				header("Anime television series")+row("Directed by", "Kei Ono")+row("Studio", "Studio Hana")+
				row("Original network", "Tokyo MX")+row("Episodes", "24"), `"2004 manga"`),
			medium: "manga",
			creators: []catalog.Creator{{Name: "Aki Mori", Role: "author"}, {Name: "Ren Sato", Role: "artist"},
				{Name: "Futaba", Role: "publisher"}, {Name: "Kei Ono", Role: "director"}, {Name: "Studio Hana", Role: "studio"},
				{Name: "Tokyo MX", Role: "network"}},
			other: map[string]string{"volumes": "12", "episodes": "24"},
		},
		{
			name:     "live-action series",
			body:     page(row("Directed by", "Kei Ono")+row("Original network", "NHK")+row("No. of episodes", "10"), `"2010s Japanese television series"`),
			medium:   "tv_drama",
			creators: []catalog.Creator{{Name: "Kei Ono", Role: "director"}, {Name: "NHK", Role: "network"}},
			other:    map[string]string{"episodes": "10"},
		},
		{
			name:     "documentary film",
			body:     page(row("Directed by", "Kei Ono")+row("Running time", "90 minutes"), `"2015 documentary films"`),
			medium:   "documentary",
			creators: []catalog.Creator{{Name: "Kei Ono", Role: "director"}},
		},
		{
			name:     "light novel by category",
			body:     page(row("Written by", "Aki Mori")+row("First published", "2012"), `"2012 Japanese novels","Light novels"`),
			medium:   "light_novel",
			creators: []catalog.Creator{{Name: "Aki Mori", Role: "author"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := NewPage("https://en.wikipedia.org/wiki/X", "text/html", []byte(tt.body))
			f, err := Wikipedia{}.Extract(p)
			if err != nil {
				t.Fatal(err)
			}
			if f.Title != "Hikiko" || f.Medium != tt.medium {
				t.Errorf("title, medium = %q, %q, want Hikiko, %q", f.Title, f.Medium, tt.medium)
			}
			if diff := cmp.Diff(tt.creators, f.Creators); diff != "" {
				t.Errorf("creators (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.other, f.Other); diff != "" {
				t.Errorf("other (-want +got):\n%s", diff)
			}
			if js, _ := json.Marshal(f); strings.Contains(string(js), "lighthouse") {
				t.Errorf("the facts copy the synopsis: %s", js)
			}
		})
	}
}

func TestWikipediaLeadNativeTitle(t *testing.T) {
	body := `<html><head><link rel="canonical" href="https://en.wikipedia.org/wiki/Hikiko"></head><body>` +
		`<div class="mw-parser-output"><p><b>Hikiko</b> (<span lang="ja">引きこ</span>, <i lang="ja-Latn">Hikiko</i>) ` +
		`is an invented work whose lead says <span lang="ja">長い文章はここにあります。長い文章はここにあります。長い文章はここにあります。長い文章はここにあります。長い文章はここにあります。</span>.</p></div></body></html>`
	p, _ := NewPage("http://127.0.0.1/x", "text/html", []byte(body))
	f, _ := Wikipedia{}.Extract(p)
	if f.OriginalTitle != "引きこ" || f.RomanizedTitle != "Hikiko" {
		t.Errorf("original, romanized = %q, %q; want 引きこ, Hikiko", f.OriginalTitle, f.RomanizedTitle)
	}
	if js, _ := json.Marshal(f); strings.Contains(string(js), "invented work") || strings.Contains(string(js), "長い文章") {
		t.Errorf("the facts copy the lead: %s", js)
	}
}

func TestWikipediaMalformed(t *testing.T) {
	inputs := []string{
		"", "<", "<table class=infobox><tr><th>", `<table class="infobox"><tr><th>Release date</th></tr></table>`,
		`<table class="infobox"><tr><td>x</td><th>Directed by</th></tr></table><script type="application/ld+json">{"sameAs":[1,null,"x"]}</script>`,
		`<link rel="canonical" href="::"><p><i typeof="mw:Transclusion" data-mw='{"parts":[1,{"template":null}]}'>x</i></p>`,
		`<table class="wikitable"><tr><th>Year</th></tr><tr></tr><tr><td></td></tr></table><div id="mw-pages"><li></li></div>`,
	}
	body, err := os.ReadFile(filepath.Join("testdata", "wikipedia", "wikipedia_Cars_Toons_2019.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{100, 9000, 12000, 20000} {
		inputs = append(inputs, string(body[:n]))
	}
	for _, in := range inputs {
		p, _ := NewPage("https://en.wikipedia.org/wiki/X", "text/html", []byte(in))
		if _, err := (Wikipedia{}).Extract(p); err != nil {
			t.Errorf("Extract(%.40q): %v", in, err)
		}
		if _, err := (WikipediaList{}).List(p); err != nil {
			t.Errorf("List(%.40q): %v", in, err)
		}
	}
}

func TestWikipediaList(t *testing.T) {
	const url = "https://en.wikipedia.org/wiki/List_of_films_featuring_time_loops"
	p := wikiPage(t, "wikipedia_List_of_films_featuring_time_loops_2024.html", url)
	if !(WikipediaList{}).Match(p) {
		t.Fatal("Match: false, want true")
	}
	if (WikipediaList{}).Match(wikiPage(t, "wikipedia_The_Wandering_Earth_2019.html", "https://en.wikipedia.org/wiki/The_Wandering_Earth")) {
		t.Error("Match on an article: true, want false")
	}
	got, err := WikipediaList{}.List(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) <= 50 {
		t.Fatalf("%d candidates, want more than 50", len(got))
	}
	mention := url + "#mw-content-text"
	want := []Candidate{
		{Title: "Repeat Performance", URL: "https://en.wikipedia.org/wiki/Repeat_Performance", Year: 1947, Mention: mention, MentionChars: 228},
		{Title: "The Time Travelers", URL: "https://en.wikipedia.org/wiki/The_Time_Travelers_(1964_film)", Year: 1964, Mention: mention, MentionChars: 185},
		{Title: "Journey to the Center of Time", URL: "https://en.wikipedia.org/wiki/Journey_to_the_Center_of_Time", Year: 1967, Mention: mention, MentionChars: 63},
		// No article: the title without a link.
		{Title: "Le 15 Mai", Year: 1969, Mention: mention, MentionChars: 234},
	}
	if diff := cmp.Diff(want, got[:len(want)]); diff != "" {
		t.Errorf("first candidates (-want +got):\n%s", diff)
	}
	js, _ := json.Marshal(got)
	for _, notes := range []string{"futile results", "time-viewing device", "Remake of", "graduation work"} {
		if strings.Contains(string(js), notes) {
			t.Errorf("the candidates copy the notes %q", notes)
		}
	}
}

func TestWikipediaCategory(t *testing.T) {
	// A category page in the skin's markup, its entries invented.
	body := `<html><head><link rel="canonical" href="https://en.wikipedia.org/wiki/Category:Hikikomori_in_fiction"></head><body>` +
		`<h1 id="firstHeading">Category:Hikikomori in fiction</h1><div id="mw-subcategories"><ul><li><a href="/wiki/Category:Sub">Sub</a></li></ul></div>` +
		`<div id="mw-pages"><h2>Pages in category</h2><div class="mw-category"><div class="mw-category-group"><h3>H</h3><ul>` +
		`<li><a href="/wiki/Hikiko_(film)" title="Hikiko (film)">Hikiko (film)</a></li>` +
		`<li><a href="/wiki/Quiet_Room_(manga)" title="Quiet Room (manga)">Quiet Room (manga)</a></li></ul></div></div></div></body></html>`
	p, _ := NewPage("http://127.0.0.1:9/cat", "text/html", []byte(body))
	if !(WikipediaList{}).Match(p) {
		t.Fatal("Match: false, want true")
	}
	got, err := WikipediaList{}.List(p)
	if err != nil {
		t.Fatal(err)
	}
	want := []Candidate{
		{Title: "Hikiko", URL: "http://127.0.0.1:9/wiki/Hikiko_(film)", Mention: "http://127.0.0.1:9/cat#mw-pages", MentionChars: 13},
		{Title: "Quiet Room", URL: "http://127.0.0.1:9/wiki/Quiet_Room_(manga)", Mention: "http://127.0.0.1:9/cat#mw-pages", MentionChars: 18},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("candidates (-want +got):\n%s", diff)
	}
}
