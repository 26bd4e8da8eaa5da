// Package harvest fills drafts of catalog works from web pages, with Colly:
// it fetches pages politely (robots.txt, one request a second per host, a
// cache on disk), reads facts off them with one extractor per kind of page,
// and merges the pages about one work into a catalog.Draft that keeps each
// fact's source and every disagreement. It keeps facts only (titles,
// dates, names, roles, counts), never prose: the sources' texts are under
// licences the catalog's own words are not.
package harvest

import (
	"bytes"
	"net/url"
	"strings"
	"sync"

	"github.com/PuerkitoBio/goquery"
	"github.com/komoru/komoru/catalog"
)

// Page is one fetched page, its body decoded to UTF-8.
type Page struct {
	// URL is where the page was read, after redirects: relative links
	// resolve against it and facts cite it.
	URL         *url.URL
	ContentType string // the response's media type, without parameters
	Body        []byte

	once sync.Once
	doc  *goquery.Document
}

// NewPage makes a page of a UTF-8 body read at rawURL.
func NewPage(rawURL, contentType string, body []byte) (*Page, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	if i := strings.IndexByte(contentType, ';'); i >= 0 {
		contentType = contentType[:i]
	}
	return &Page{URL: u, ContentType: strings.TrimSpace(strings.ToLower(contentType)), Body: body}, nil
}

// Doc is the page parsed as HTML, parsed once; a body that is not HTML
// parses as an empty document.
func (p *Page) Doc() *goquery.Document {
	p.once.Do(func() {
		doc, err := goquery.NewDocumentFromReader(bytes.NewReader(p.Body))
		if err != nil {
			doc, _ = goquery.NewDocumentFromReader(strings.NewReader(""))
		}
		doc.Url = p.URL
		p.doc = doc
	})
	return p.doc
}

// Resolve makes a link of the page absolute; "" if it does not parse.
func (p *Page) Resolve(ref string) string {
	u, err := p.URL.Parse(strings.TrimSpace(ref))
	if err != nil {
		return ""
	}
	return u.String()
}

// Facts is what one extractor read off one page about one work. Every
// field is empty where the page said nothing; values are the catalog's
// (medium ids, ISO country and language codes, creator roles).
type Facts struct {
	Source                               string // the page's URL
	Site                                 string // the site's name for the list of sources: "Wikipedia"
	Title, OriginalTitle, RomanizedTitle string
	AltTitles                            []string
	Medium                               string
	Year, EndYear                        int
	Countries, Languages                 []string
	Creators                             []catalog.Creator
	// Characters are the withdrawn characters a page names (TV Tropes'
	// Hikikomori trope), with Hikikomori set. The page does not say their
	// gender or role: they come as "unspecified" and "supporting", valid
	// values a curator corrects.
	Characters []catalog.Character
	Links      []catalog.Link // Wikidata, MyAnimeList and other databases' pages of the work
	// Other holds facts that import format v1 has no field for:
	// "episodes", "volumes", "platforms", "serialization",
	// "hikikomori_trope".
	Other    map[string]string
	Warnings []string
}

// Empty reports whether the extractor found nothing about a work.
func (f *Facts) Empty() bool {
	return f.Title == "" && f.OriginalTitle == "" && f.RomanizedTitle == "" && f.Medium == "" && f.Year == 0 &&
		len(f.Creators) == 0 && len(f.AltTitles) == 0
}

// Extractor reads the facts of one kind of page: a site's work pages, or
// any page carrying a kind of metadata.
type Extractor interface {
	// Name names the extractor in warnings and provenance notes:
	// "wikipedia", "myanimelist", "tvtropes", "metadata".
	Name() string
	// Match reports whether the page is one the extractor reads, by its
	// host or by what it carries.
	Match(p *Page) bool
	// Extract reads the page. It never panics on malformed markup; what
	// it could not read becomes a warning in the facts.
	Extract(p *Page) (Facts, error)
}

// Candidate is a work a list page names, for curators to consider.
type Candidate struct {
	Title  string `json:"title"`
	URL    string `json:"url,omitempty"` // the page of the work the list links to
	Medium string `json:"medium,omitempty"`
	Year   int    `json:"year,omitempty"`
	// Mention is where the list page mentions the work, as a link (with
	// the nearest anchor), and MentionChars the length of the sentence or
	// entry that does: the text itself is not copied.
	Mention      string `json:"mention"`
	MentionChars int    `json:"mention_chars"`
	// Characters are the withdrawn characters the entry names, if any.
	Characters []string `json:"characters,omitempty"`
}

// Lister reads the works a list page names: a trope page, a list article,
// a category, a tag or search page.
type Lister interface {
	Name() string
	Match(p *Page) bool
	List(p *Page) ([]Candidate, error)
}

// Extractors are the extractors in the order they are tried: a site's own
// extractor first, then the generic metadata one, which fills only what
// the site's left empty.
func Extractors() []Extractor {
	return []Extractor{Wikipedia{}, MyAnimeList{}, TVTropes{}, Metadata{}}
}

// Listers are the list readers in the order they are tried.
func Listers() []Lister {
	return []Lister{WikipediaList{}, TVTropesList{}, MyAnimeListList{}}
}

// Extract reads a page with every extractor that matches it and combines
// their facts: an earlier extractor's values win, a later one fills gaps.
// What an extractor could not read is a warning in the facts, never an
// error: the other extractors' facts still count.
func Extract(p *Page, exs []Extractor) Facts {
	out := Facts{Source: p.URL.String()}
	matched := false
	for _, ex := range exs {
		if !ex.Match(p) {
			continue
		}
		matched = true
		f, err := ex.Extract(p)
		if err != nil {
			out.Warnings = append(out.Warnings, ex.Name()+": "+err.Error())
			continue
		}
		fill(&out, &f)
	}
	if !matched {
		out.Warnings = append(out.Warnings, "no extractor reads this page")
	}
	return out
}

// fill copies into dst what it lacks of src.
func fill(dst, src *Facts) {
	str := func(d *string, s string) {
		if *d == "" {
			*d = s
		}
	}
	str(&dst.Site, src.Site)
	str(&dst.Title, src.Title)
	str(&dst.OriginalTitle, src.OriginalTitle)
	str(&dst.RomanizedTitle, src.RomanizedTitle)
	str(&dst.Medium, src.Medium)
	if dst.Year == 0 {
		dst.Year = src.Year
	}
	if dst.EndYear == 0 {
		dst.EndYear = src.EndYear
	}
	dst.AltTitles = unionStrings(dst.AltTitles, src.AltTitles)
	dst.Countries = unionStrings(dst.Countries, src.Countries)
	dst.Languages = unionStrings(dst.Languages, src.Languages)
	if len(dst.Creators) == 0 {
		dst.Creators = src.Creators
	}
	if len(dst.Characters) == 0 {
		dst.Characters = src.Characters
	}
	dst.Links = unionLinks(dst.Links, src.Links)
	for k, v := range src.Other {
		if dst.Other == nil {
			dst.Other = map[string]string{}
		}
		if _, ok := dst.Other[k]; !ok {
			dst.Other[k] = v
		}
	}
	dst.Warnings = append(dst.Warnings, src.Warnings...)
}

func unionStrings(a, b []string) []string {
	for _, s := range b {
		if s != "" && !containsFold(a, s) {
			a = append(a, s)
		}
	}
	return a
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func unionLinks(a, b []catalog.Link) []catalog.Link {
	for _, l := range b {
		dup := false
		for _, x := range a {
			if x.URL == l.URL {
				dup = true
				break
			}
		}
		if !dup && l.URL != "" {
			a = append(a, l)
		}
	}
	return a
}
