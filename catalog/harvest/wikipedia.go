package harvest

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"github.com/komoru/komoru/catalog"
)

// Wikipedia reads Wikipedia articles about works: the skinned desktop
// page (the infobox markup before 2021, table.infobox with th[scope=row],
// and after, th.infobox-label and td.infobox-data) and the Parsoid HTML
// the REST API serves. It reads the infobox, the categories, the page's
// links to itself and to Wikidata, and from the lead only the native
// title and its romanization: never the lead's or the plot's prose.
type Wikipedia struct{}

// Name is "wikipedia".
func (Wikipedia) Name() string { return "wikipedia" }

// Match reports whether the page is a Wikipedia page: by its host, or,
// for a saved page served from elsewhere, by what only Wikipedia's pages
// carry.
func (Wikipedia) Match(p *Page) bool { return isWikipedia(p) }

// Extract reads the work's facts off the article.
func (Wikipedia) Extract(p *Page) (f Facts, err error) {
	f = Facts{Source: p.URL.String(), Site: "Wikipedia"}
	if strings.Contains(p.ContentType, "json") {
		// The REST API's page JSON holds the article as wikitext, which
		// this extractor does not parse: only its title is read.
		var page struct {
			Title string `json:"title"`
		}
		if json.Unmarshal(p.Body, &page) == nil {
			f.Title = stripDisambiguator(page.Title)
		}
		f.Warnings = append(f.Warnings, "wikipedia: the REST API's wikitext is not read; fetch the page's HTML")
		return f, nil
	}
	doc := p.Doc()
	ib := readInfobox(doc)
	cats := wikiCategories(p)
	printed := ib.has("volumes", "published by", "magazine", "imprint", "first published", "author", "illustrated by")

	f.Title = stripDisambiguator(wikiTitle(doc, ib))
	f.Medium = wikiMedium(ib, cats)
	printMedium := isPrint(f.Medium) || (f.Medium == "" && printed)
	for _, r := range ib.rows {
		readInfoboxRow(&f, r, printMedium)
	}
	if f.OriginalTitle == "" || f.RomanizedTitle == "" {
		native, roman := leadNativeTitle(doc)
		if f.OriginalTitle == "" {
			f.OriginalTitle = native
		}
		if f.RomanizedTitle == "" {
			f.RomanizedTitle = roman
		}
	}
	if f.EndYear != 0 && f.EndYear <= f.Year {
		f.EndYear = 0
	}
	if q := wikidataItem(p); q != "" {
		f.Links = append(f.Links, catalog.Link{URL: "https://www.wikidata.org/wiki/" + q, Label: "Wikidata"})
	}
	if u := wikiCanonical(p); u != "" {
		f.Links = append(f.Links, catalog.Link{URL: u, Label: "Wikipedia"})
	}
	if ib.table == nil {
		f.Warnings = append(f.Warnings, "wikipedia: the article has no infobox")
	} else if f.Medium == "" {
		f.Warnings = append(f.Warnings, "wikipedia: the infobox and categories do not tell the medium")
	}
	return f, nil
}

// wikiHost reports whether a host is one of Wikipedia's.
func wikiHost(host string) bool { return onSite(host, "wikipedia.org") }

// isWikipedia tells a Wikipedia page by its host or, served from
// anywhere else, by the marks Wikipedia leaves in it: a canonical link,
// Parsoid's page metadata, JSON-LD naming a wikipedia.org URL. Other
// MediaWiki sites (Fandom) share the parser's classes, so those alone
// need a mention of wikipedia.org beside them.
func isWikipedia(p *Page) bool {
	if p == nil || p.URL == nil {
		return false
	}
	if wikiHost(p.URL.Hostname()) {
		return true
	}
	if p.ContentType != "" && !strings.Contains(p.ContentType, "html") {
		return false
	}
	doc := p.Doc()
	wikiRef := func(ref string) bool {
		u, err := url.Parse(strings.TrimSpace(ref))
		return err == nil && wikiHost(u.Hostname())
	}
	for _, sel := range []string{`link[rel="canonical"]`, `link[rel="dc:isVersionOf"]`} {
		if href, ok := doc.Find(sel).First().Attr("href"); ok && wikiRef(href) {
			return true
		}
	}
	if about, ok := doc.Find("html").First().Attr("about"); ok && wikiRef(about) {
		return true
	}
	if wikiRef(jsonLDArticle(doc).URL) {
		return true
	}
	parser := doc.Find(".mw-parser-output").Length() > 0 || doc.Find(`meta[property="mw:pageId"]`).Length() > 0 ||
		strings.Contains(string(p.Body), `"wgCategories"`)
	return parser && strings.Contains(string(p.Body), "wikipedia.org")
}

// infobox is an article's infobox: its title and its label/value rows,
// with the section headers (Manga, Anime television series) in order.
type infobox struct {
	table   *goquery.Selection
	above   string
	headers []string
	rows    []infoboxRow
	classes string
}

type infoboxRow struct {
	label   string // lower case, "(s)" and plural s dropped: "developer"
	cell    *goquery.Selection
	section string // the header above the row, lower case: "manga"
}

func (ib infobox) has(labels ...string) bool {
	for _, r := range ib.rows {
		for _, l := range labels {
			if r.label == l {
				return true
			}
		}
	}
	return false
}

func readInfobox(doc *goquery.Document) infobox {
	var ib infobox
	t := doc.Find("table.infobox").First()
	if t.Length() == 0 {
		return ib
	}
	ib.table = t
	ib.classes, _ = t.Attr("class")
	if c := t.Find("caption").First(); c.Length() > 0 {
		ib.above = strings.Join(Lines(c), " ")
	}
	t.Find("tr").Each(func(i int, tr *goquery.Selection) {
		th := tr.ChildrenFiltered("th").First()
		td := tr.ChildrenFiltered("td").First()
		if th.Length() == 0 {
			return
		}
		if td.Length() == 0 {
			// A header across the box: the first is the work's title
			// (old markup th.summary, new th.infobox-above), the others
			// name sections.
			text := strings.Join(Lines(th), " ")
			if th.HasClass("infobox-above") || (ib.above == "" && len(ib.headers) == 0 && len(ib.rows) == 0) {
				if ib.above == "" {
					ib.above = text
				}
				return
			}
			ib.headers = append(ib.headers, strings.ToLower(text))
			return
		}
		r := infoboxRow{label: normalLabel(strings.Join(Lines(th), " ")), cell: td}
		if len(ib.headers) > 0 {
			r.section = ib.headers[len(ib.headers)-1]
		}
		ib.rows = append(ib.rows, r)
	})
	return ib
}

var pluralLabels = map[string]string{
	"production companies": "production company", "companies": "company", "studios": "studio",
	"countries": "country", "languages": "language", "original languages": "original language",
	"countries of origin": "country of origin", "platforms": "platform",
}

func normalLabel(s string) string {
	s = strings.ToLower(collapse(strings.ReplaceAll(s, "(s)", "")))
	if l, ok := pluralLabels[s]; ok {
		return l
	}
	switch s {
	case "developers", "publishers", "directors", "writers", "illustrators", "authors", "networks":
		return strings.TrimSuffix(s, "s")
	}
	return s
}

// wikiRoles maps an infobox label to a creator's role; "written by" is
// the author's row for books and the writer's for the screen.
var wikiRoles = map[string]string{
	"directed by": "director", "director": "director",
	"written by": "writer", "screenplay by": "writer", "story by": "writer", "writer": "writer", "teleplay by": "writer",
	"production company": "studio", "animation studio": "studio", "studio": "studio", "animation services": "studio",
	"developer": "developer",
	"publisher": "publisher", "published by": "publisher", "english publisher": "publisher",
	"illustrated by": "artist", "illustrator": "artist", "art by": "artist",
	"original network": "network", "network": "network", "original channel": "network",
	"author": "author", "based on": "author",
}

var (
	episodesTotalRE = regexp.MustCompile(`(?i)total\D{0,5}(\d+)`)
	numberRE        = regexp.MustCompile(`\d[\d,]*`)
	parentheticalRE = regexp.MustCompile(`\s*[(（][^()（）]*[)）]`)
	rangeRE         = regexp.MustCompile(`[–—]|\s-\s|\bto\b|\bpresent\b`)
)

func readInfoboxRow(f *Facts, r infoboxRow, printMedium bool) {
	switch r.label {
	case "chinese", "traditional chinese", "simplified chinese", "traditional", "simplified", "japanese",
		"korean", "hangul", "kanji", "original title", "native title", "chinese name", "japanese name":
		if f.OriginalTitle == "" {
			f.OriginalTitle = nativeOnly(Text(r.cell))
		}
		return
	case "mandarin", "hanyu pinyin", "pinyin", "mandarin hanyu pinyin", "hepburn", "revised hepburn", "romanization",
		"revised romanization", "rōmaji", "romaji", "romanized title", "cantonese jyutping", "jyutping":
		if f.RomanizedTitle == "" {
			f.RomanizedTitle = Text(r.cell)
		}
		return
	case "release date", "released", "release", "original release", "first published", "published", "original run",
		"first aired", "publication date", "release dates", "premiere date":
		text := Text(r.cell)
		if y := EarliestYear(text); y != 0 && (f.Year == 0 || y < f.Year) {
			f.Year = y
		}
		if ys := Years(text); len(ys) > 1 && rangeRE.MatchString(text) && r.label != "release date" && r.label != "release" {
			if last := ys[len(ys)-1]; last > f.EndYear {
				f.EndYear = last
			}
		}
		return
	case "country", "country of origin":
		f.Countries = addCodes(f, f.Countries, r.cell, CountryCode, "country")
		return
	case "language", "original language":
		f.Languages = addCodes(f, f.Languages, r.cell, LanguageCode, "language")
		return
	case "no. of episodes", "episodes":
		setOther(f, "episodes", count(Lines(r.cell)))
		return
	case "volumes", "no. of volumes":
		setOther(f, "volumes", count(Lines(r.cell)))
		return
	case "platform":
		var ps []string
		for _, l := range Lines(r.cell) {
			ps = unionStrings(ps, splitNames(strings.Split(l, ",")))
		}
		setOther(f, "platforms", strings.Join(ps, ", "))
		return
	}
	role, ok := wikiRoles[r.label]
	if !ok {
		return
	}
	if sm := sectionMedium(r.section); r.label == "written by" && ((sm == "" && printMedium) || isPrint(sm)) {
		role = "author"
	}
	var names []string
	if r.label == "based on" {
		names = basedOnAuthors(r.cell)
	} else {
		names = splitNames(creatorLines(r.cell))
	}
	for _, n := range names {
		c := catalog.Creator{Name: n, Role: role}
		dup := false
		for _, x := range f.Creators {
			dup = dup || x == c
		}
		if !dup {
			f.Creators = append(f.Creators, c)
		}
	}
}

// addCodes adds to codes those of the names a cell lists, one a line; a
// name without a code becomes a warning.
func addCodes(f *Facts, codes []string, cell *goquery.Selection, code func(string) string, kind string) []string {
	for _, n := range splitNames(Lines(cell)) {
		if c := code(n); c != "" {
			codes = unionStrings(codes, []string{c})
		} else {
			f.Warnings = append(f.Warnings, "wikipedia: unknown "+kind+" "+strconv.Quote(n))
		}
	}
	return codes
}

func setOther(f *Facts, key, value string) {
	if value == "" {
		return
	}
	if f.Other == nil {
		f.Other = map[string]string{}
	}
	if _, ok := f.Other[key]; !ok {
		f.Other[key] = value
	}
}

// count reads a count cell: "26 (list of episodes)", or per season with
// a total line, which wins.
func count(lines []string) string {
	all := strings.Join(lines, "\n")
	if m := episodesTotalRE.FindStringSubmatch(all); m != nil {
		return m[1]
	}
	if m := numberRE.FindString(all); m != "" {
		return strings.ReplaceAll(m, ",", "")
	}
	return ""
}

// creatorLines is a cell's names, one a line. A collapsible list names
// the main entry in its title and the ports' in the hidden part: the
// title is the work's own creator.
func creatorLines(cell *goquery.Selection) []string {
	if cl := cell.Find(".collapsible-list").First(); cl.Length() > 0 {
		if title := cl.Children().Not("ul, ol").First(); title.Length() > 0 {
			if ls := Lines(title); len(ls) > 0 {
				return ls
			}
		}
	}
	return Lines(cell)
}

// splitNames cleans names: notes in brackets ("(PS2)", "(2008–2013)")
// go, and so do lines that are only a note.
func splitNames(lines []string) []string {
	var out []string
	for _, l := range lines {
		l = collapse(parentheticalRE.ReplaceAllString(l, ""))
		l = strings.Trim(l, " ,;:")
		if l == "" || strings.EqualFold(l, "and") {
			continue
		}
		out = unionStrings(out, []string{l})
	}
	return out
}

// basedOnAuthors reads the "Based on" row, "<work> by <author>", for the
// source work's author.
func basedOnAuthors(cell *goquery.Selection) []string {
	text := collapse(strings.Join(Lines(cell), " "))
	i := strings.LastIndex(text, "by ")
	if i < 0 || (i > 0 && !unicode.IsSpace(rune(text[i-1]))) {
		return nil
	}
	rest := strings.NewReplacer(" and ", "\n", ", ", "\n", "&", "\n").Replace(text[i+3:])
	return splitNames(strings.Split(rest, "\n"))
}

// nativeOnly keeps a title cell's text if it is in a CJK script, the
// only kind of original title Wikipedia's infobox rows hold.
func nativeOnly(s string) string {
	s = collapse(parentheticalRE.ReplaceAllString(s, ""))
	if !hasCJK(s) {
		return ""
	}
	return s
}

func hasCJK(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) {
			return true
		}
	}
	return false
}

func wikiTitle(doc *goquery.Document, ib infobox) string {
	if ib.above != "" && !hasCJK(ib.above) {
		return ib.above
	}
	if h := Text(doc.Find("h1#firstHeading, h1.firstHeading").First()); h != "" {
		return h
	}
	t := Text(doc.Find("head title").First())
	return strings.TrimSpace(strings.TrimSuffix(t, " - Wikipedia"))
}

var disambiguatorRE = regexp.MustCompile(`(?i)\s+\([^()]*\b(?:film|series|video game|game|manga|novel|novella|light novel|anime|miniseries|book|drama|comics?|franchise|short story|documentary|movie|ova|visual novel)\)$`)

// stripDisambiguator drops the article title's bracketed kind: "Akira
// (1988 film)" is the work "Akira".
func stripDisambiguator(s string) string {
	return strings.TrimSpace(disambiguatorRE.ReplaceAllString(strings.TrimSpace(s), ""))
}

// leadNativeTitle reads the native title and its romanization from the
// article's first paragraph: the elements marked with a CJK language,
// or in Parsoid HTML the Nihongo template's parameters, which the
// rendered page moves into a footnote. Only those tokens are read.
func leadNativeTitle(doc *goquery.Document) (native, roman string) {
	lead := doc.Find(".mw-parser-output > p, section[data-mw-section-id='0'] > p, body > p").
		FilterFunction(func(_ int, s *goquery.Selection) bool { return Text(s) != "" }).First()
	if lead.Length() == 0 {
		return "", ""
	}
	lead.Find("[typeof~='mw:Transclusion'][data-mw]").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		dm, _ := s.Attr("data-mw")
		n, r := nihongoParams(dm)
		if n != "" {
			native, roman = n, r
			return false
		}
		return true
	})
	if native != "" {
		return native, roman
	}
	lead.Find("[lang]").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		lang, _ := s.Attr("lang")
		lang = strings.ToLower(lang)
		text := Text(s)
		if utf8.RuneCountInString(text) > 60 {
			return true
		}
		switch {
		case strings.HasSuffix(lang, "-latn"):
			if roman == "" && !strings.ContainsAny(text, ".!?") {
				roman = text
			}
		case strings.HasPrefix(lang, "ja") || strings.HasPrefix(lang, "zh") || strings.HasPrefix(lang, "ko"):
			if native == "" && hasCJK(text) {
				native = text
			}
		}
		return native == "" || roman == ""
	})
	return native, roman
}

var wikiMarkupRE = regexp.MustCompile(`'{2,}|\[\[(?:[^|\]]*\|)?|\]\]`)

// nihongoParams reads {{Nihongo|English|native|romaji}} (and its foot
// and other variants) out of a Parsoid data-mw attribute.
func nihongoParams(dataMW string) (native, roman string) {
	var dm struct {
		Parts []json.RawMessage `json:"parts"`
	}
	if json.Unmarshal([]byte(dataMW), &dm) != nil {
		return "", ""
	}
	for _, raw := range dm.Parts {
		var part struct {
			Template struct {
				Target struct {
					WT string `json:"wt"`
				} `json:"target"`
				Params map[string]struct {
					WT string `json:"wt"`
				} `json:"params"`
			} `json:"template"`
		}
		if json.Unmarshal(raw, &part) != nil {
			continue
		}
		if !strings.HasPrefix(strings.ToLower(strings.TrimSpace(part.Template.Target.WT)), "nihongo") {
			continue
		}
		n := collapse(wikiMarkupRE.ReplaceAllString(part.Template.Params["2"].WT, ""))
		r := collapse(wikiMarkupRE.ReplaceAllString(part.Template.Params["3"].WT, ""))
		if hasCJK(n) && utf8.RuneCountInString(n) <= 60 {
			if utf8.RuneCountInString(r) > 80 {
				r = ""
			}
			return n, r
		}
	}
	return "", ""
}

var wgCategoriesRE = regexp.MustCompile(`"wgCategories"\s*:\s*(\[[^\]]*\])`)

// wikiCategories lists the article's categories from wherever the page
// keeps them: the skin's script settings, the catlinks box, Parsoid's
// category links.
func wikiCategories(p *Page) []string {
	var cats []string
	if m := wgCategoriesRE.FindSubmatch(p.Body); m != nil {
		var list []string
		if json.Unmarshal(m[1], &list) == nil {
			cats = unionStrings(cats, list)
		}
	}
	doc := p.Doc()
	doc.Find("#catlinks a[href*='Category:']").Each(func(_ int, s *goquery.Selection) {
		cats = unionStrings(cats, []string{Text(s)})
	})
	doc.Find(`link[rel="mw:PageProp/Category"]`).Each(func(_ int, s *goquery.Selection) {
		href, _ := s.Attr("href")
		_, name, ok := strings.Cut(href, "Category:")
		if !ok {
			return
		}
		name, _, _ = strings.Cut(name, "#")
		if u, err := url.PathUnescape(name); err == nil {
			name = u
		}
		cats = unionStrings(cats, []string{strings.ReplaceAll(name, "_", " ")})
	})
	return cats
}

var (
	animatedCatRE    = regexp.MustCompile(`(?i)\b(?:anime|animated|computer-animated|animation)\b`)
	documentaryCatRE = regexp.MustCompile(`(?i)\bdocumentary (?:films|television|series)`)
)

func catsMatch(cats []string, re *regexp.Regexp) bool {
	for _, c := range cats {
		lc := strings.ToLower(c)
		if strings.Contains(lc, "based on") || strings.Contains(lc, "live-action") {
			continue
		}
		if re.MatchString(c) {
			return true
		}
	}
	return false
}

func catsContain(cats []string, words ...string) bool {
	for _, c := range cats {
		lc := strings.ToLower(c)
		if strings.Contains(lc, "based on") || strings.HasPrefix(lc, "articles ") {
			continue
		}
		for _, w := range words {
			if strings.Contains(lc, w) {
				return true
			}
		}
	}
	return false
}

// infoboxSections maps a section header of a Japanese media infobox to
// the medium; the first section is the work the article is about.
var infoboxSections = []struct{ prefix, medium string }{
	{"manga", "manga"}, {"light novel", "light_novel"}, {"novel", "novel"},
	{"anime television series", "anime_series"}, {"original net animation", "anime_series"},
	{"original video animation", "anime_series"}, {"anime film", "anime_film"},
	{"television drama", "tv_drama"}, {"live-action film", "live_action_film"}, {"film", "live_action_film"},
}

func isPrint(medium string) bool {
	return medium == "manga" || medium == "light_novel" || medium == "novel"
}

// sectionMedium is the medium an infobox section header names, "" for
// none.
func sectionMedium(header string) string {
	for _, s := range infoboxSections {
		if strings.HasPrefix(header, s.prefix) {
			return s.medium
		}
	}
	return ""
}

// wikiMedium tells the medium from the infobox's kind (its class, its
// rows, its sections) and the categories, which tell animated from live
// action and documentary from fiction.
func wikiMedium(ib infobox, cats []string) string {
	animated := catsMatch(cats, animatedCatRE)
	documentary := catsMatch(cats, documentaryCatRE)
	if strings.Contains(ib.classes, "ib-video-game") || ib.has("developer", "platform") ||
		(ib.table == nil && catsContain(cats, "video games")) {
		return "video_game"
	}
	for _, h := range ib.headers {
		if m := sectionMedium(h); m != "" {
			return m
		}
	}
	switch {
	case ib.has("no. of episodes", "original network", "no. of seasons", "original channel"):
		if documentary {
			return "documentary"
		}
		if animated {
			return "anime_series"
		}
		return "tv_drama"
	}
	switch {
	case ib.has("directed by") && ib.has("running time"):
		if documentary {
			return "documentary"
		}
		if animated {
			return "anime_film"
		}
		return "live_action_film"
	case catsContain(cats, "manga"):
		return "manga"
	case catsContain(cats, "light novels"):
		return "light_novel"
	case catsContain(cats, " novels", "novellas"):
		return "novel"
	}
	return ""
}

// ldArticle is what the skin's JSON-LD block says of the article.
type ldArticle struct {
	URL        string `json:"url"`
	SameAs     any    `json:"sameAs"`
	MainEntity any    `json:"mainEntity"`
}

func jsonLDArticle(doc *goquery.Document) ldArticle {
	var out ldArticle
	doc.Find(`script[type="application/ld+json"]`).EachWithBreak(func(_ int, s *goquery.Selection) bool {
		var a ldArticle
		if json.Unmarshal([]byte(strings.TrimSpace(s.Text())), &a) != nil {
			return true
		}
		if a.URL != "" || a.SameAs != nil || a.MainEntity != nil {
			out = a
			return false
		}
		return true
	})
	return out
}

var wikidataRE = regexp.MustCompile(`wikidata\.org/(?:wiki|entity)/(?:Special:EntityPage/)?(Q\d+)`)

// wikidataItem is the article's Wikidata item id: from JSON-LD, the
// sidebar's item link, or Parsoid's "edit at Wikidata" links.
func wikidataItem(p *Page) string {
	doc := p.Doc()
	a := jsonLDArticle(doc)
	for _, v := range []any{a.MainEntity, a.SameAs} {
		var refs []string
		switch v := v.(type) {
		case string:
			refs = []string{v}
		case []any:
			for _, x := range v {
				if s, ok := x.(string); ok {
					refs = append(refs, s)
				}
			}
		}
		for _, r := range refs {
			if m := wikidataRE.FindStringSubmatch(r); m != nil {
				return m[1]
			}
		}
	}
	q := ""
	doc.Find(`#t-wikibase a, a[title*="at Wikidata"]`).EachWithBreak(func(_ int, s *goquery.Selection) bool {
		href, _ := s.Attr("href")
		if m := wikidataRE.FindStringSubmatch(href); m != nil {
			q = m[1]
			return false
		}
		return true
	})
	return q
}

// wikiCanonical is the article's own address on Wikipedia, whatever
// address the page was read at.
func wikiCanonical(p *Page) string {
	doc := p.Doc()
	cands := []string{}
	for _, sel := range []string{`link[rel="canonical"]`, `link[rel="dc:isVersionOf"]`} {
		if href, ok := doc.Find(sel).First().Attr("href"); ok {
			cands = append(cands, href)
		}
	}
	cands = append(cands, jsonLDArticle(doc).URL)
	if wikiHost(p.URL.Hostname()) {
		cands = append(cands, p.URL.String())
	}
	for _, c := range cands {
		c = strings.TrimSpace(c)
		if strings.HasPrefix(c, "//") {
			c = "https:" + c
		}
		u, err := url.Parse(c)
		if err != nil || !wikiHost(u.Hostname()) || !strings.HasPrefix(u.Path, "/wiki/") {
			continue
		}
		u.Scheme, u.RawPath, u.Fragment, u.RawQuery = "https", "", "", ""
		return u.String()
	}
	return ""
}

// WikipediaList reads Wikipedia's list articles ("List of …", whose
// tables of works name a work a row) and category pages. A candidate's
// mention is the row's or entry's address and length: the notes beside
// the title are counted, never copied.
type WikipediaList struct{}

// Name is "wikipedia-list".
func (WikipediaList) Name() string { return "wikipedia-list" }

// Match reports whether the page is a Wikipedia list or category page.
func (WikipediaList) Match(p *Page) bool {
	if !isWikipedia(p) {
		return false
	}
	doc := p.Doc()
	title := wikiTitle(doc, infobox{})
	switch {
	case strings.HasPrefix(title, "List of"), strings.HasPrefix(title, "Category:"), doc.Find("#mw-pages").Length() > 0:
		return true
	}
	return doc.Find("table.infobox").Length() == 0 && doc.Find("table.wikitable").Length() > 0
}

// listMedia guesses the medium of a list's works from its title, where
// the title is unambiguous: "List of films" mixes animation and live
// action, and so names none.
var listMedia = []struct{ word, medium string }{
	{"anime films", "anime_film"}, {"animated films", "anime_film"}, {"anime television series", "anime_series"},
	{"anime series", "anime_series"}, {"light novels", "light_novel"}, {"manga", "manga"}, {"video games", "video_game"},
	{"documentary films", "documentary"}, {"documentaries", "documentary"}, {"novels", "novel"},
}

// List reads the works the list's tables or the category names.
func (WikipediaList) List(p *Page) ([]Candidate, error) {
	doc := p.Doc()
	title := strings.ToLower(wikiTitle(doc, infobox{}))
	medium := ""
	for _, m := range listMedia {
		if strings.Contains(title, m.word) {
			medium = m.medium
			break
		}
	}
	base := *p.URL
	base.Fragment, base.RawFragment = "", ""
	page := base.String()
	var out []Candidate
	seen := map[string]bool{}
	add := func(c Candidate) {
		key := c.URL
		if key == "" {
			key = strings.ToLower(c.Title)
		}
		if c.Title == "" || seen[key] {
			return
		}
		seen[key] = true
		out = append(out, c)
	}
	doc.Find("table.wikitable").Each(func(_ int, t *goquery.Selection) {
		titleCol, yearCol := listColumns(t)
		tableAnchor := anchorOf(t)
		t.Find("tr").Each(func(_ int, tr *goquery.Selection) {
			cells := tr.ChildrenFiltered("th, td")
			if tr.ChildrenFiltered("td").Length() == 0 || cells.Length() <= titleCol {
				return
			}
			c := Candidate{Medium: medium, MentionChars: utf8.RuneCountInString(Text(tr))}
			c.Title, c.URL = cellWork(p, cells.Eq(titleCol))
			if yearCol >= 0 && yearCol < cells.Length() {
				if yt := Text(cells.Eq(yearCol)); utf8.RuneCountInString(yt) <= 30 {
					c.Year = EarliestYear(yt)
				}
			}
			anchor := tableAnchor
			if id, ok := tr.Attr("id"); ok && id != "" {
				anchor = id
			}
			c.Mention = mentionURL(page, anchor)
			add(c)
		})
	})
	doc.Find("#mw-pages li").Each(func(_ int, li *goquery.Selection) {
		a := li.Find("a[href]").First()
		href, _ := a.Attr("href")
		add(Candidate{Title: stripDisambiguator(Text(a)), URL: p.Resolve(href), Medium: medium,
			Mention: mentionURL(page, "mw-pages"), MentionChars: utf8.RuneCountInString(Text(li))})
	})
	return out, nil
}

func mentionURL(page, anchor string) string {
	if anchor == "" {
		return page
	}
	return page + "#" + anchor
}

var (
	titleHeaderRE = regexp.MustCompile(`(?i)^(?:title|film|films|name|work|series|game|anime|manga|novel|book|english title|show|programme|program)\b`)
	yearHeaderRE  = regexp.MustCompile(`(?i)^(?:year|release|released|release date|date|first aired|original release|published)\b`)
)

// listColumns finds a works table's title and year columns by the header
// row; the title defaults to the first column, the year to none.
func listColumns(t *goquery.Selection) (title, year int) {
	title, year = -1, -1
	var header *goquery.Selection
	t.Find("tr").EachWithBreak(func(_ int, tr *goquery.Selection) bool {
		if tr.ChildrenFiltered("th").Length() > 0 && tr.ChildrenFiltered("td").Length() == 0 {
			header = tr
			return false
		}
		return true
	})
	if header != nil {
		header.ChildrenFiltered("th").Each(func(i int, th *goquery.Selection) {
			h := Text(th)
			if title < 0 && titleHeaderRE.MatchString(h) {
				title = i
			}
			if year < 0 && yearHeaderRE.MatchString(h) {
				year = i
			}
		})
	}
	if title < 0 {
		title = 0
	}
	return title, year
}

// cellWork reads the work a table cell names: its first link that is not
// a footnote, or the cell's text for a work without an article.
func cellWork(p *Page, cell *goquery.Selection) (title, link string) {
	a := cell.Find("a[href]").FilterFunction(func(_ int, s *goquery.Selection) bool {
		href, _ := s.Attr("href")
		return s.Closest("sup").Length() == 0 && !strings.HasPrefix(href, "#")
	}).First()
	if a.Length() > 0 {
		title = Text(a)
		if href, _ := a.Attr("href"); !a.HasClass("new") && !strings.Contains(href, "redlink=1") {
			link = p.Resolve(href)
		}
	}
	if title == "" {
		title = Text(cell)
	}
	if Years(title) != nil && strings.TrimSpace(title) == strconv.Itoa(EarliestYear(title)) {
		return "", ""
	}
	return title, link
}

// anchorOf is the nearest anchor above a table: its own id, the heading
// of its section, or the id of an element holding it.
func anchorOf(s *goquery.Selection) string {
	if id, ok := s.Attr("id"); ok && id != "" {
		return id
	}
	for cur := s; cur.Length() > 0 && !cur.Is("body"); cur = cur.Parent() {
		for prev := cur.Prev(); prev.Length() > 0; prev = prev.Prev() {
			if id := headingID(prev); id != "" {
				return id
			}
		}
	}
	for cur := s.Parent(); cur.Length() > 0 && !cur.Is("body"); cur = cur.Parent() {
		if id, ok := cur.Attr("id"); ok && id != "" {
			return id
		}
	}
	return ""
}

// headingID is the anchor of a section heading: the heading's id (the
// current skin and Parsoid), its span.mw-headline's (the older skin), or
// that of the heading inside a div.mw-heading wrapper.
func headingID(s *goquery.Selection) string {
	h := s
	if s.HasClass("mw-heading") {
		h = s.Find("h2, h3, h4, h5, h6").First()
	}
	if !h.Is("h2, h3, h4, h5, h6") {
		return ""
	}
	if id, ok := h.Attr("id"); ok && id != "" {
		return id
	}
	id, _ := h.Find(".mw-headline[id]").First().Attr("id")
	return id
}
