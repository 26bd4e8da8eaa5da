package harvest

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"github.com/komoru/komoru/catalog"
)

// MyAnimeList reads MyAnimeList anime and manga pages, in the desktop
// layout (the sidebar's "span.dark_text" label rows) and in the
// smartphone one (label cells "td.list-title" beside their values). It
// reads titles, type, dates, episodes, volumes, studios, authors and the
// serialization; never the synopsis or the background, which are MAL's
// own prose.
type MyAnimeList struct{}

// Name names the extractor in warnings and provenance.
func (MyAnimeList) Name() string { return "myanimelist" }

// Match reports whether the page is a MAL anime or manga page: by its
// host, or by the canonical link a saved or mirrored copy keeps.
func (MyAnimeList) Match(p *Page) bool {
	u := malURL(p)
	return u != nil && malWorkPathRE.MatchString(u.Path)
}

// Extract reads the work's facts off the page.
func (MyAnimeList) Extract(p *Page) (Facts, error) {
	f := Facts{Source: p.URL.String(), Site: "MyAnimeList"}
	doc := p.Doc()
	rows := malRows(doc)

	main := malMainTitle(doc)
	english := rows.text("English")
	if english == "" {
		english = collapse(doc.Find("p.title-english").First().Text())
	}
	f.RomanizedTitle = main
	f.Title = main
	if english != "" {
		f.Title = english
	}
	f.OriginalTitle = rows.text("Japanese")
	for _, s := range strings.Split(rows.text("Synonyms"), ",") {
		if s = collapse(s); s != "" && s != f.Title && s != main {
			f.AltTitles = append(f.AltTitles, s)
		}
	}
	if f.Title == "" {
		f.Warnings = append(f.Warnings, "myanimelist: no title found on the page")
	}

	if t := rows.text("Type"); t != "" {
		f.Medium = malMedium(t)
		if f.Medium == "" {
			f.Warnings = append(f.Warnings, "myanimelist: unknown type "+strconv.Quote(t))
		}
	}
	dates := rows.text("Aired")
	if dates == "" {
		dates = rows.text("Published")
	}
	f.Year, f.EndYear = malYears(dates)

	if n := malCount(rows.text("Episodes")); n != "" {
		otherFact(&f, "episodes", n)
	}
	if n := malCount(rows.text("Volumes")); n != "" {
		otherFact(&f, "volumes", n)
	}
	if s := malNames(rows.sel("Serialization")); len(s) > 0 {
		otherFact(&f, "serialization", strings.Join(s, ", "))
	}
	for _, s := range malNames(rows.sel("Studios")) {
		f.Creators = append(f.Creators, catalog.Creator{Name: s, Role: "studio"})
	}
	f.Creators = append(f.Creators, malAuthors(rows.text("Authors"))...)

	if u := malURL(p); u != nil {
		f.Links = []catalog.Link{{URL: u.String(), Label: "MyAnimeList"}}
	}
	return f, nil
}

var (
	malWorkPathRE = regexp.MustCompile(`^/(anime|manga)/\d+`)
	// malAuthorRE reads one "Family, Given (Role)" of the Authors row.
	malAuthorRE = regexp.MustCompile(`\s*([^()]+?)\s*\(([^)]*)\)\s*,?`)
)

// malURL is the page's MyAnimeList address, nil if it is not MAL's.
func malURL(p *Page) *url.URL { return siteURL(p, "myanimelist.net") }

// malRowSet is the label rows of a MAL page, by label without its colon.
type malRowSet map[string]*goquery.Selection

// malRows reads the label rows of both layouts. In the desktop layout a
// row is an element whose first child is span.dark_text ("Type:") and
// whose remaining content is the value; in the smartphone layout a
// td.list-title holds the label and the next cell the value. The first
// row of a label wins: the sidebar comes before any repeated block.
func malRows(doc *goquery.Document) malRowSet {
	rows := malRowSet{}
	add := func(label string, val *goquery.Selection) {
		label = strings.TrimSuffix(collapse(label), ":")
		if _, ok := rows[label]; !ok && label != "" {
			rows[label] = val
		}
	}
	doc.Find("span.dark_text").Each(func(_ int, s *goquery.Selection) {
		val := s.Parent().Clone()
		val.Find("span.dark_text").Remove()
		add(s.Text(), val)
	})
	doc.Find("td.list-title").Each(func(_ int, s *goquery.Selection) {
		add(s.Text(), s.Next())
	})
	return rows
}

// sel is the value of the label's row, an empty selection if none.
func (r malRowSet) sel(label string) *goquery.Selection {
	if s, ok := r[label]; ok {
		return s
	}
	return &goquery.Selection{}
}

// text is the value of the label's row as text, "" if none or a
// placeholder ("None found, add some", "Unknown", "?").
func (r malRowSet) text(label string) string {
	s, ok := r[label]
	if !ok {
		return ""
	}
	t := Text(s)
	switch strings.ToLower(t) {
	case "unknown", "?", "n/a", "none", "none found, add some", "none found":
		return ""
	}
	return t
}

// malMainTitle is MAL's main title: romanized for Japanese works.
func malMainTitle(doc *goquery.Document) string {
	for _, sel := range []string{"h1.title-name strong", ".title-name strong", "h1.title-name", ".title-name", "h1 span[itemprop=name]"} {
		if t := collapse(doc.Find(sel).First().Text()); t != "" {
			return t
		}
	}
	t := doc.Find(`meta[property="og:title"]`).First().AttrOr("content", "")
	return collapse(t)
}

// malMedium maps MAL's type to a medium id; "" if it has none.
func malMedium(t string) string {
	switch strings.ToLower(collapse(t)) {
	case "tv", "ova", "ona", "special", "tv special":
		return "anime_series"
	case "movie":
		return "anime_film"
	case "manga", "manhwa", "manhua", "one-shot", "doujinshi", "oel":
		return "manga"
	case "light novel":
		return "light_novel"
	case "novel":
		return "novel"
	}
	return ""
}

// malYears reads "Apr 4, 2006 to Sep 26, 2006" as its first and last
// years; the last is 0 for a single date, an open run ("to ?") or a run
// within one year (the catalog's end year is for runs across years).
func malYears(s string) (year, end int) {
	from, to, _ := strings.Cut(s, " to ")
	year = EarliestYear(from)
	if ys := Years(to); len(ys) > 0 && year != 0 && ys[len(ys)-1] > year {
		end = ys[len(ys)-1]
	}
	return year, end
}

// malCount is a count row's number ("24", "1,024"), "" if it is not one.
func malCount(s string) string {
	s = strings.ReplaceAll(s, ",", "")
	if n, err := strconv.Atoi(s); err == nil && n > 0 {
		return strconv.Itoa(n)
	}
	return ""
}

// malNames are the names of a row listing studios or magazines: its
// links' texts, or the comma-separated text when it has no links.
func malNames(s *goquery.Selection) []string {
	var out []string
	s.Find("a").Each(func(_ int, a *goquery.Selection) {
		if t := collapse(a.Text()); t != "" && !strings.EqualFold(t, "add some") {
			out = append(out, t)
		}
	})
	if len(out) > 0 || s.Length() == 0 {
		return out
	}
	t := Text(s)
	if strings.HasPrefix(strings.ToLower(t), "none found") {
		return nil
	}
	for _, n := range strings.Split(t, ",") {
		if n = collapse(n); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// malAuthors reads the Authors row, "Takimoto, Tatsuhiko (Story), Oiwa,
// Kenji (Art)": each name flipped to given-name order, "Story" an author,
// "Art" an artist, "Story & Art" both.
func malAuthors(s string) []catalog.Creator {
	var out []catalog.Creator
	for _, m := range malAuthorRE.FindAllStringSubmatch(s, -1) {
		name := malFlipName(m[1])
		if name == "" {
			continue
		}
		role := strings.ToLower(m[2])
		story, art := strings.Contains(role, "story"), strings.Contains(role, "art")
		if story || !art {
			out = append(out, catalog.Creator{Name: name, Role: "author"})
		}
		if art {
			out = append(out, catalog.Creator{Name: name, Role: "artist"})
		}
	}
	return out
}

// malFlipName turns MAL's "Family, Given" into "Given Family"; a single
// name (a pen name, a company) stays as it is.
func malFlipName(s string) string {
	family, given, ok := strings.Cut(s, ",")
	family, given = collapse(family), collapse(given)
	if !ok || given == "" {
		return family
	}
	return given + " " + family
}

// MyAnimeListList reads MyAnimeList genre, tag, season and search pages:
// the entries' titles, links, type and year, and where each entry is;
// never the entries' synopses.
type MyAnimeListList struct{}

// Name names the list reader in warnings.
func (MyAnimeListList) Name() string { return "myanimelist-list" }

// Match reports whether the page is a MAL page other than a work's own.
func (MyAnimeListList) Match(p *Page) bool {
	u := malURL(p)
	return u != nil && !malWorkPathRE.MatchString(u.Path)
}

// List reads the works the page lists, once each, in page order.
func (MyAnimeListList) List(p *Page) ([]Candidate, error) {
	doc := p.Doc()
	base := mentionBase(p)
	var out []Candidate
	seen := map[string]bool{}
	add := func(entry, link *goquery.Selection, title string) {
		href := p.Resolve(link.AttrOr("href", ""))
		u, err := url.Parse(href)
		if err != nil || href == "" || !malWorkPathRE.MatchString(u.Path) || seen[href] || title == "" {
			return
		}
		seen[href] = true
		c := Candidate{Title: title, URL: href, Mention: base}
		if id := malEntryAnchor(entry, link); id != "" {
			c.Mention += "#" + id
		}
		c.MentionChars = utf8.RuneCountInString(Text(entry))
		// The info items ("TV, 2006", "24 eps") run together as text;
		// read them one by one.
		var info []string
		entry.Find(".info .item, .information").Each(func(_ int, s *goquery.Selection) {
			info = append(info, Text(s))
		})
		entry.Find(".info .item, td").EachWithBreak(func(_ int, s *goquery.Selection) bool {
			first, _, _ := strings.Cut(Text(s), ",")
			c.Medium = malMedium(first)
			return c.Medium == ""
		})
		c.Year = EarliestYear(strings.Join(info, " "))
		out = append(out, c)
	}
	// Genre, tag and season pages: one div.seasonal-anime an entry.
	doc.Find(".seasonal-anime").Each(func(_ int, e *goquery.Selection) {
		a := e.Find("a.link-title, .title-text a, .title a, h2 a, h3 a").First()
		add(e, a, collapse(a.Text()))
	})
	// Search results: a table row an entry, its title in the bold
	// hover-info link (the picture's link has the same class but no text).
	doc.Find("a.hoverinfo_trigger").Each(func(_ int, a *goquery.Selection) {
		if a.ParentsFiltered(".seasonal-anime").Length() > 0 {
			return
		}
		title := collapse(a.Find("strong").First().Text())
		if title == "" {
			title = collapse(a.Text())
		}
		entry := a.ParentsFiltered("tr").First()
		if entry.Length() == 0 {
			entry = a.Parent()
		}
		add(entry, a, title)
	})
	return out, nil
}

// malEntryAnchor is the id a link to the entry can point at: the entry's
// own or its title link's ("sinfo99901" on search pages); "" if neither
// has one, the enclosing blocks' ids being too coarse to help.
func malEntryAnchor(entry, link *goquery.Selection) string {
	for _, s := range []*goquery.Selection{entry, link} {
		if id := s.AttrOr("id", ""); id != "" {
			return id
		}
	}
	return ""
}
