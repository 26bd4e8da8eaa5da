package harvest

import (
	"os"
	"path/filepath"
	"testing"
)

// fuzzURLs are addresses under which a fuzzed body is read, so that each
// extractor and lister may match it: by host, or, for a generic host, by
// what the body carries.
var fuzzURLs = []string{
	"https://en.wikipedia.org/wiki/Some_Work",
	"https://en.wikipedia.org/wiki/List_of_works",
	"https://en.wikipedia.org/wiki/Category:Works",
	"https://myanimelist.net/anime/1/Some_Work",
	"https://myanimelist.net/manga/1/Some_Work",
	"https://myanimelist.net/anime/genre/1/Action",
	"https://tvtropes.org/pmwiki/pmwiki.php/Anime/SomeWork",
	"https://tvtropes.org/pmwiki/pmwiki.php/Main/Hikikomori",
	"https://www.example.com/work/1",
}

// fuzzSeeds are small pages in each kind of markup the extractors read.
var fuzzSeeds = []string{
	`<table class="infobox vevent"><caption class="infobox-title summary">Some Work</caption>
<tr><th class="infobox-label">Directed by</th><td class="infobox-data">A. Person<br>B. Person</td></tr>
<tr><th class="infobox-label">Release date</th><td class="infobox-data"><ul><li>5 February 2019<sup class="reference">[1]</sup></li></ul></td></tr>
<tr><th class="infobox-label">Country</th><td class="infobox-data">Japan</td></tr></table>`,
	`<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":["TVSeries"],"name":"A &amp; B","genre":["Anime"],"startDate":"2020","numberOfEpisodes":"12","url":"/x","sameAs":["Q1"]}]}</script>`,
	`<script type="application/ld+json">{"@type":"WebSite"}}</script><script type="application/ld+json">[{"@type":"Movie","name":"M","director":[{"@type":"Person","name":"D"}],"inLanguage":["ja",{"name":"English"}]}]</script>`,
	`<meta property="og:type" content="video.movie"><meta property="og:title" content="T | S"><meta property="og:site_name" content="S"><meta property="og:url" content="/rel">`,
	`<meta name="citation_title" content="T"><meta name="citation_author" content="A"><meta name="DC.date" content="1999"><meta name="DC.language" content="ja">`,
	`<div class="leftside"><h2>Information</h2><div class="spaceit_pad"><span class="dark_text">Type:</span> <a href="https://myanimelist.net/topanime.php?type=tv">TV</a></div>
<div class="spaceit_pad"><span class="dark_text">Aired:</span> Apr 3, 2006 to Jun 26, 2006</div>
<div class="spaceit_pad"><span class="dark_text">Studios:</span> <a href="/anime/producer/1/S">Studio</a></div></div>`,
	`<h1 class="entry-title"><strong>Main / </strong>Hikikomori</h1><div id="main-article" class="article-content retro-folders"><h2>Examples</h2>
<div class="folderlabel">Anime &amp; Manga</div><div class="folder"><ul><li><em><a class="twikilink" href="/pmwiki/pmwiki.php/Anime/SomeWork">Some Work</a></em>: Alice never leaves her room.</li></ul></div></div>`,
	`<ul><li><a href="/wiki/A">A</a> (2001)<ul><li><a href="/wiki/B">`,
	"",
}

// FuzzExtract reads random bytes as a page of every site: no extractor or
// lister may panic, whatever the markup.
func FuzzExtract(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	pages, _ := filepath.Glob(filepath.Join("testdata", "metadata", "*.html"))
	for _, name := range pages {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, u := range fuzzURLs {
			p, err := NewPage(u, "text/html", body)
			if err != nil {
				t.Fatal(err)
			}
			Extract(p, Extractors())
			for _, l := range Listers() {
				if l.Match(p) {
					if _, err := l.List(p); err != nil {
						t.Logf("%s.List(%s): %v", l.Name(), u, err)
					}
				}
			}
		}
	})
}
