package harvest

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/komoru/komoru/catalog"
)

// Text is the visible text of a selection with the parts that are not
// the value left out: style sheets and scripts (Parsoid puts
// TemplateStyles inside infobox cells), footnote markers such as [1],
// and hidden elements; whitespace is collapsed.
func Text(sel *goquery.Selection) string {
	c := sel.Clone()
	c.Find("style, script, noscript, sup.reference, .reference, .mw-editsection, [style*='display:none'], .noprint").Remove()
	// A line break separates words: "Production<br>company".
	c.Find("br").ReplaceWithHtml(" ")
	return collapse(footnoteRE.ReplaceAllString(c.Text(), ""))
}

// Lines is the text of a selection split where the markup breaks it
// (<br>, list items, paragraphs): an infobox cell with one name a line.
func Lines(sel *goquery.Selection) []string {
	c := sel.Clone()
	c.Find("style, script, noscript, sup.reference, .reference, .mw-editsection, [style*='display:none'], .noprint").Remove()
	c.Find("br").ReplaceWithHtml("\n")
	c.Find("li, p, div").Each(func(_ int, s *goquery.Selection) { s.AppendHtml("\n") })
	var out []string
	for _, l := range strings.Split(footnoteRE.ReplaceAllString(c.Text(), ""), "\n") {
		if l = collapse(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

var (
	footnoteRE = regexp.MustCompile(`\[(?:\d+|[a-z]|note \d+|citation needed|N \d+)\]`)
	spaceRE    = regexp.MustCompile(`\s+`)
	yearRE     = regexp.MustCompile(`\b(1[89]\d\d|20\d\d)\b`)
)

func collapse(s string) string {
	return strings.TrimSpace(spaceRE.ReplaceAllString(strings.ReplaceAll(s, "\u00a0", " "), " "))
}

// Years lists the years (1800 to 2099) a text names, in order.
func Years(s string) []int {
	var ys []int
	for _, m := range yearRE.FindAllString(s, -1) {
		y, _ := strconv.Atoi(m)
		ys = append(ys, y)
	}
	return ys
}

// EarliestYear is the smallest year a text names, 0 for none: a release
// row lists several regions' dates, and the work's year is the first.
func EarliestYear(s string) int {
	min := 0
	for _, y := range Years(s) {
		if min == 0 || y < min {
			min = y
		}
	}
	return min
}

// CountryCode reads a country's English name or demonym ("Japan",
// "United States", "USA", "Japanese") as an ISO code, "" if unknown.
func CountryCode(name string) string {
	name = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(name), "."))
	if c, ok := countryAliases[strings.ToLower(name)]; ok {
		return c
	}
	return catalog.DefaultCodebook().CountryCode(name)
}

// countryAliases are the names pages use that the ISO list words
// otherwise.
var countryAliases = map[string]string{
	"usa": "US", "us": "US", "u.s.": "US", "united states of america": "US", "america": "US",
	"uk": "GB", "u.k.": "GB", "england": "GB", "great britain": "GB", "britain": "GB",
	"korea": "KR", "republic of korea": "KR", "people's republic of china": "CN", "prc": "CN",
	"hong kong": "HK", "russia": "RU", "taiwan": "TW", "japanese": "JP", "american": "US", "chinese": "CN",
	"south korean": "KR", "korean": "KR", "french": "FR", "british": "GB", "italian": "IT", "german": "DE",
}

// LanguageCode reads a language's English name ("Japanese", "Mandarin")
// as an ISO 639-1 code, "" if unknown.
func LanguageCode(name string) string {
	name = strings.TrimSpace(name)
	if c, ok := languageAliases[strings.ToLower(name)]; ok {
		return c
	}
	return catalog.DefaultCodebook().LanguageCode(name)
}

var languageAliases = map[string]string{
	"mandarin": "zh", "mandarin chinese": "zh", "cantonese": "zh", "standard chinese": "zh",
}
