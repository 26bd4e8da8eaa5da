package harvest

import (
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/komoru/komoru/catalog"
)

// Metadata reads the metadata any page may carry for machines: schema.org
// JSON-LD, Highwire (citation_*) and Dublin Core meta tags, and
// OpenGraph. Where they disagree, JSON-LD wins, then Highwire, then
// Dublin Core, then OpenGraph: a later source only fills what the earlier
// left empty, because the later ones are coarser (OpenGraph knows "a
// movie", JSON-LD knows its director). Descriptions, abstracts and
// reviews are never read: they are prose.
//
// Creator roles from JSON-LD: director is the director; author is the
// author of a book, comic or game and the writer of a film or series;
// creator is the author of a book or comic, the writer of a film or
// series, and, when it is an Organization, the studio of a film or series
// or the developer of a game; illustrator, artist and penciler are
// artists; productionCompany is the studio; developer the developer;
// publisher the publisher.
type Metadata struct{}

// Name names the extractor in warnings and provenance.
func (Metadata) Name() string { return "metadata" }

// Match reports whether the page carries JSON-LD or any OpenGraph,
// Highwire or Dublin Core meta tag.
func (Metadata) Match(p *Page) bool {
	doc := p.Doc()
	if doc.Find(`script[type]`).FilterFunction(isJSONLD).Length() > 0 {
		return true
	}
	found := false
	doc.Find("meta").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		for _, attr := range []string{"property", "name"} {
			if k, ok := s.Attr(attr); ok && metaKind(strings.ToLower(strings.TrimSpace(k))) != "" {
				found = true
				return false
			}
		}
		return true
	})
	return found
}

// Extract reads every kind of metadata the page carries and combines
// them in order of precedence.
func (Metadata) Extract(p *Page) (Facts, error) {
	meta := readMeta(p.Doc())
	out := Facts{Source: p.URL.String()}
	for _, f := range []Facts{jsonLDFacts(p), highwireFacts(p, meta), dublinCoreFacts(meta), openGraphFacts(p, meta)} {
		fill(&out, &f)
	}
	if out.Site == "" {
		out.Site = strings.TrimPrefix(p.URL.Hostname(), "www.")
	}
	return out, nil
}

// metaKind names the vocabulary a meta tag's key belongs to, "" for none.
func metaKind(key string) string {
	switch {
	case strings.HasPrefix(key, "og:"):
		return "og"
	case strings.HasPrefix(key, "citation_"):
		return "highwire"
	case strings.HasPrefix(key, "dc.") || strings.HasPrefix(key, "dcterms."):
		return "dc"
	}
	return ""
}

func isJSONLD(_ int, s *goquery.Selection) bool {
	t, _ := s.Attr("type")
	return strings.EqualFold(strings.TrimSpace(t), "application/ld+json")
}

// metaTags are a page's meta tags, by lower-cased property or name, each
// key's contents in page order.
type metaTags map[string][]string

// readMeta collects the meta tags; OpenGraph tags are written with name=
// as often as with property=, so both count.
func readMeta(doc *goquery.Document) metaTags {
	m := metaTags{}
	doc.Find("meta[content]").Each(func(_ int, s *goquery.Selection) {
		content := collapse(s.AttrOr("content", ""))
		if content == "" {
			return
		}
		seen := ""
		for _, attr := range []string{"property", "name"} {
			k := strings.ToLower(strings.TrimSpace(s.AttrOr(attr, "")))
			if k != "" && k != seen {
				m[k] = append(m[k], content)
				seen = k
			}
		}
	})
	return m
}

// first is the first content of the first key present.
func (m metaTags) first(keys ...string) string {
	for _, k := range keys {
		if v := m[k]; len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// all is the contents of every key, in the order of the keys.
func (m metaTags) all(keys ...string) []string {
	var out []string
	for _, k := range keys {
		out = append(out, m[k]...)
	}
	return out
}

// earliest is the earliest year the values name.
func earliest(vals []string) int {
	return EarliestYear(strings.Join(vals, " "))
}

// addCreator appends a creator once; names that are links (OpenGraph's
// book:author is often a profile URL) are not names.
func addCreator(cs []catalog.Creator, name, role string) []catalog.Creator {
	name = collapse(name)
	if name == "" || role == "" || looksLikeURL(name) {
		return cs
	}
	for _, c := range cs {
		if c.Role == role && strings.EqualFold(c.Name, name) {
			return cs
		}
	}
	return append(cs, catalog.Creator{Name: name, Role: role})
}

func looksLikeURL(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "/")
}

// languageOf reads a language as an ISO 639-1 code ("ja", "ja-JP") or an
// English name ("Japanese"), "" if neither.
func languageOf(s string) string {
	s = strings.TrimSpace(s)
	code := strings.ToLower(s)
	if i := strings.IndexAny(code, "-_"); i > 0 {
		code = code[:i]
	}
	if len(code) == 2 && catalog.DefaultCodebook().LanguageName(code) != "" {
		return code
	}
	return LanguageCode(s)
}

// countryOf reads a country as an ISO 3166-1 code ("JP") or a name.
func countryOf(s string) string {
	s = strings.TrimSpace(s)
	if up := strings.ToUpper(s); len(up) == 2 && catalog.DefaultCodebook().CountryName(up) != "" {
		return up
	}
	return CountryCode(s)
}

// linkTo makes a link of an absolute URL (resolved against the page), or
// of a bare Wikidata id, labelled by the site it points to.
func linkTo(p *Page, ref string) (catalog.Link, bool) {
	ref = strings.TrimSpace(ref)
	if isWikidataID(ref) {
		return catalog.Link{URL: "https://www.wikidata.org/wiki/" + ref, Label: "Wikidata"}, true
	}
	abs := p.Resolve(ref)
	u, err := url.Parse(abs)
	if ref == "" || abs == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return catalog.Link{}, false
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	if host == "wikidata.org" {
		// Entity URIs (…/entity/Q1) and pages (…/wiki/Q1) name one item:
		// one spelling lets Merge see pages that link it as one work.
		if id := u.Path[strings.LastIndexByte(u.Path, '/')+1:]; isWikidataID(id) {
			return catalog.Link{URL: "https://www.wikidata.org/wiki/" + id, Label: "Wikidata"}, true
		}
	}
	label := host
	for suffix, name := range siteNames {
		if onSite(host, suffix) {
			label = name
		}
	}
	return catalog.Link{URL: abs, Label: label}, true
}

// siteNames label links to the databases the catalog links most.
var siteNames = map[string]string{
	"wikidata.org": "Wikidata", "wikipedia.org": "Wikipedia", "myanimelist.net": "MyAnimeList",
	"anilist.co": "AniList", "imdb.com": "IMDb", "tvtropes.org": "TV Tropes", "livechart.me": "LiveChart",
	"anidb.net": "AniDB", "doi.org": "DOI",
}

func isWikidataID(s string) bool {
	if len(s) < 2 || s[0] != 'Q' {
		return false
	}
	_, err := strconv.ParseUint(s[1:], 10, 64)
	return err == nil
}

func addLink(links []catalog.Link, p *Page, ref string) []catalog.Link {
	l, ok := linkTo(p, ref)
	if !ok {
		return links
	}
	return unionLinks(links, []catalog.Link{l})
}

// OpenGraph.

func openGraphFacts(p *Page, m metaTags) Facts {
	var f Facts
	f.Site = m.first("og:site_name")
	f.Title = stripSiteSuffix(m.first("og:title"), f.Site)
	switch strings.ToLower(m.first("og:type")) {
	case "video.movie":
		f.Medium = "live_action_film"
	case "video.tv_show", "video.episode":
		f.Medium = "tv_drama"
	case "book", "books.book":
		f.Medium = "novel"
	}
	f.Year = earliest(m.all("video:release_date", "book:release_date", "books:release_date"))
	for _, n := range m.all("video:director") {
		f.Creators = addCreator(f.Creators, n, "director")
	}
	for _, n := range m.all("video:writer") {
		f.Creators = addCreator(f.Creators, n, "writer")
	}
	for _, n := range m.all("book:author", "books:author") {
		f.Creators = addCreator(f.Creators, n, "author")
	}
	if u := m.first("og:url"); u != "" {
		f.Links = addLink(f.Links, p, u)
	}
	return f
}

// stripSiteSuffix takes " - Site" or " | Site" off a title when site names
// it; a dash in a title that is not the site's name is the title's own.
func stripSiteSuffix(title, site string) string {
	if site == "" {
		return title
	}
	for _, sep := range []string{" - ", " | ", " – ", " — "} {
		if t, ok := strings.CutSuffix(title, sep+site); ok && strings.TrimSpace(t) != "" {
			return strings.TrimSpace(t)
		}
	}
	return title
}

// Highwire (Google Scholar) tags describe papers and books; they do not
// say what medium a work is, so the medium stays empty.
func highwireFacts(p *Page, m metaTags) Facts {
	var f Facts
	f.Title = m.first("citation_title")
	for _, n := range m.all("citation_author") {
		f.Creators = addCreator(f.Creators, n, "author")
	}
	for _, n := range m.all("citation_publisher") {
		f.Creators = addCreator(f.Creators, n, "publisher")
	}
	// The work came out when it first appeared: online, often before print.
	f.Year = earliest(m.all("citation_publication_date", "citation_online_date", "citation_date", "citation_year"))
	for _, l := range m.all("citation_language") {
		f.Languages = unionStrings(f.Languages, []string{languageOf(l)})
	}
	if doi := m.first("citation_doi"); doi != "" {
		doi = strings.TrimPrefix(strings.TrimPrefix(doi, "doi:"), "https://doi.org/")
		f.Links = addLink(f.Links, p, "https://doi.org/"+doi)
	}
	return f
}

// Dublin Core, in its DC.* and dcterms.* spellings. DC.type is too coarse
// ("Text", "Moving Image") to tell the medium.
func dublinCoreFacts(m metaTags) Facts {
	var f Facts
	f.Title = m.first("dc.title", "dcterms.title")
	for _, t := range m.all("dc.title.alternative", "dcterms.alternative") {
		if !strings.EqualFold(t, f.Title) {
			f.AltTitles = unionStrings(f.AltTitles, []string{t})
		}
	}
	for _, n := range m.all("dc.creator", "dcterms.creator") {
		f.Creators = addCreator(f.Creators, n, "author")
	}
	for _, n := range m.all("dc.publisher", "dcterms.publisher") {
		f.Creators = addCreator(f.Creators, n, "publisher")
	}
	f.Year = earliest(m.all("dc.date", "dcterms.issued", "dcterms.date", "dcterms.created"))
	for _, l := range m.all("dc.language", "dcterms.language") {
		f.Languages = unionStrings(f.Languages, []string{languageOf(l)})
	}
	return f
}

// JSON-LD.

// ldNode is one JSON-LD object.
type ldNode map[string]any

// workKinds are the schema.org types of works, the specific ones before
// the generic CreativeWork.
var workKinds = []string{"Movie", "TVSeries", "Book", "BookSeries", "ComicSeries", "ComicStory", "ComicIssue",
	"VideoGame", "VideoGameSeries", "CreativeWork"}

// maxLDDepth bounds the search for a work node in nested @graph and
// mainEntity values.
const maxLDDepth = 8

func jsonLDFacts(p *Page) Facts {
	var f Facts
	var nodes []ldNode
	p.Doc().Find("script[type]").FilterFunction(isJSONLD).Each(func(i int, s *goquery.Selection) {
		v, err := parseJSONLD(s.Text())
		if err != nil {
			f.Warnings = append(f.Warnings, fmt.Sprintf("JSON-LD block %d is not valid JSON: %v", i+1, err))
			return
		}
		nodes = collectNodes(nodes, v, 0)
	})
	work, kind := pickWork(nodes)
	if work == nil {
		return f
	}
	w := readWork(p, work, kind)
	w.Warnings = f.Warnings
	return w
}

// parseJSONLD parses a block, forgiving what pages commonly get wrong
// and JSON does not: HTML comment or CDATA wrappers, raw line breaks and
// tabs inside strings.
func parseJSONLD(text string) (any, error) {
	text = strings.TrimSpace(text)
	for _, w := range [][2]string{{"<!--", "-->"}, {"//<![CDATA[", "//]]>"}, {"<![CDATA[", "]]>"}} {
		if t, ok := strings.CutPrefix(text, w[0]); ok {
			text = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(t), w[1]))
		}
	}
	var v any
	err := json.Unmarshal([]byte(text), &v)
	if err != nil {
		if errRetry := json.Unmarshal([]byte(strings.NewReplacer("\n", " ", "\r", " ", "\t", " ").Replace(text)), &v); errRetry == nil {
			return v, nil
		}
	}
	return v, err
}

// collectNodes lists the objects of a block: a top-level array's, an
// @graph's, and a page's mainEntity.
func collectNodes(nodes []ldNode, v any, depth int) []ldNode {
	if depth > maxLDDepth {
		return nodes
	}
	switch v := v.(type) {
	case []any:
		for _, x := range v {
			nodes = collectNodes(nodes, x, depth+1)
		}
	case map[string]any:
		nodes = append(nodes, ldNode(v))
		for _, k := range []string{"@graph", "mainEntity"} {
			if x, ok := v[k]; ok {
				nodes = collectNodes(nodes, x, depth+1)
			}
		}
	}
	return nodes
}

// pickWork is the first node of the most specific work type.
func pickWork(nodes []ldNode) (ldNode, string) {
	for _, kind := range workKinds {
		for _, n := range nodes {
			if n.is(kind) {
				return n, kind
			}
		}
	}
	return nil, ""
}

// types are the node's @type values without a schema.org prefix.
func (n ldNode) types() []string {
	var out []string
	for _, t := range ldStrings(n["@type"]) {
		t = strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(t, "schema:"), "http://schema.org/"), "https://schema.org/")
		out = append(out, t)
	}
	return out
}

func (n ldNode) is(kind string) bool {
	for _, t := range n.types() {
		if strings.EqualFold(t, kind) {
			return true
		}
	}
	return false
}

// ldStrings are the string values of a value: a string, a number, a
// {"@value": …} or {"name": …} object, or an array of them; entities
// decoded (pages write &apos; inside JSON strings).
func ldStrings(v any) []string {
	switch v := v.(type) {
	case string:
		if s := collapse(html.UnescapeString(v)); s != "" {
			return []string{s}
		}
	case float64:
		return []string{strconv.FormatFloat(v, 'f', -1, 64)}
	case []any:
		var out []string
		for _, x := range v {
			if _, nested := x.([]any); nested {
				continue
			}
			out = append(out, ldStrings(x)...)
		}
		return out
	case map[string]any:
		for _, k := range []string{"@value", "name"} {
			if x, ok := v[k]; ok {
				if _, nested := x.([]any); !nested {
					return ldStrings(x)
				}
			}
		}
	}
	return nil
}

func ldString(v any) string {
	if s := ldStrings(v); len(s) > 0 {
		return s[0]
	}
	return ""
}

// ldAgent is a person or organization a work names.
type ldAgent struct {
	name string
	org  bool
}

func ldAgents(v any) []ldAgent {
	var out []ldAgent
	switch v := v.(type) {
	case []any:
		for _, x := range v {
			if m, ok := x.(map[string]any); ok {
				out = append(out, ldAgents(m)...)
			} else if s := ldString(x); s != "" {
				out = append(out, ldAgent{name: s})
			}
		}
	case map[string]any:
		if name := ldString(v["name"]); name != "" {
			n := ldNode(v)
			out = append(out, ldAgent{name: name, org: n.is("Organization") || n.is("Corporation")})
		}
	default:
		if s := ldString(v); s != "" {
			out = append(out, ldAgent{name: s})
		}
	}
	return out
}

// roleOf maps a JSON-LD property of a work of a kind to a creator role, ""
// to leave the agent out. The type doc comment lists the mapping.
func roleOf(prop, kind string, org bool) string {
	screen := kind == "Movie" || kind == "TVSeries"
	game := kind == "VideoGame" || kind == "VideoGameSeries"
	switch prop {
	case "director":
		return "director"
	case "author":
		if screen {
			return "writer"
		}
		return "author"
	case "creator":
		switch {
		case org && screen:
			return "studio"
		case org && game:
			return "developer"
		case org:
			return "publisher"
		case screen:
			return "writer"
		}
		return "author"
	case "illustrator", "artist", "penciler":
		return "artist"
	case "productionCompany":
		return "studio"
	case "developer":
		return "developer"
	case "publisher":
		return "publisher"
	}
	return ""
}

var creatorProps = []string{"director", "author", "creator", "illustrator", "artist", "penciler", "productionCompany", "developer", "publisher"}

func readWork(p *Page, n ldNode, kind string) Facts {
	var f Facts
	f.Title = ldString(n["name"])
	for _, t := range ldStrings(n["alternateName"]) {
		if !strings.EqualFold(t, f.Title) {
			f.AltTitles = unionStrings(f.AltTitles, []string{t})
		}
	}
	f.Medium = ldMedium(n, kind)
	var dates []string
	for _, k := range []string{"datePublished", "dateCreated", "startDate"} {
		dates = append(dates, ldStrings(n[k])...)
	}
	f.Year = earliest(dates)
	f.EndYear = earliest(ldStrings(n["endDate"]))
	for _, prop := range creatorProps {
		for _, a := range ldAgents(n[prop]) {
			f.Creators = addCreator(f.Creators, a.name, roleOf(prop, kind, a.org))
		}
	}
	for _, c := range ldStrings(n["countryOfOrigin"]) {
		f.Countries = unionStrings(f.Countries, []string{countryOf(c)})
	}
	for _, l := range ldLanguages(n["inLanguage"]) {
		f.Languages = unionStrings(f.Languages, []string{l})
	}
	if eps := ldString(n["numberOfEpisodes"]); eps != "" {
		if k, err := strconv.Atoi(eps); err == nil && k > 0 {
			f.Other = map[string]string{"episodes": eps}
		}
	}
	if platforms := ldStrings(n["gamePlatform"]); len(platforms) > 0 {
		if f.Other == nil {
			f.Other = map[string]string{}
		}
		f.Other["platforms"] = strings.Join(platforms, ", ")
	}
	for _, ref := range append(ldStrings(n["url"]), ldStrings(n["sameAs"])...) {
		f.Links = addLink(f.Links, p, ref)
	}
	return f
}

// ldLanguages reads inLanguage: codes, names, or Language objects with a
// name or an alternateName code.
func ldLanguages(v any) []string {
	var out []string
	var add func(v any)
	add = func(v any) {
		switch v := v.(type) {
		case []any:
			for _, x := range v {
				if _, nested := x.([]any); !nested {
					add(x)
				}
			}
		case map[string]any:
			for _, k := range []string{"alternateName", "name"} {
				if c := languageOf(ldString(v[k])); c != "" {
					out = append(out, c)
					return
				}
			}
		default:
			if c := languageOf(ldString(v)); c != "" {
				out = append(out, c)
			}
		}
	}
	add(v)
	return out
}

// ldMedium is the catalog's medium of a work node; genres tell animation
// from live action and manga or light novels from other books.
func ldMedium(n ldNode, kind string) string {
	genres := strings.ToLower(strings.Join(append(ldStrings(n["genre"]), ldStrings(n["bookFormat"])...), " | "))
	animated := strings.Contains(genres, "anime") || strings.Contains(genres, "animation")
	switch kind {
	case "Movie":
		if animated {
			return "anime_film"
		}
		return "live_action_film"
	case "TVSeries":
		if animated {
			return "anime_series"
		}
		return "tv_drama"
	case "Book", "BookSeries":
		switch {
		case strings.Contains(genres, "light novel"):
			return "light_novel"
		case strings.Contains(genres, "manga") || strings.Contains(genres, "graphic novel"):
			return "manga"
		}
		return "novel"
	case "ComicSeries", "ComicStory", "ComicIssue":
		return "manga"
	case "VideoGame", "VideoGameSeries":
		return "video_game"
	}
	return ""
}
