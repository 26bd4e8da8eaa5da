package harvest

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"github.com/komoru/komoru/catalog"
)

// TVTropes reads TV Tropes work pages (/pmwiki/pmwiki.php/Anime/Name and
// the other work namespaces, and character sheets): the title, the
// medium from the namespace, the first creator the lead links to, and
// whether the page lists the Hikikomori trope, with the names of the
// characters its example names. The wiki's text is CC BY-NC-SA prose:
// only names and the trope's presence are kept, never an example's words.
type TVTropes struct{}

// Name names the extractor in warnings and provenance.
func (TVTropes) Name() string { return "tvtropes" }

// Match reports whether the page is a TV Tropes work page or character
// sheet, by its host or by the canonical link a saved copy keeps.
func (TVTropes) Match(p *Page) bool {
	ns := tvtNamespace(p)
	_, work := tvtMedia[ns]
	return work || ns == "Characters"
}

// Extract reads the work's facts off the page.
func (TVTropes) Extract(p *Page) (Facts, error) {
	f := Facts{Source: p.URL.String(), Site: "TV Tropes"}
	doc := p.Doc()
	u := tvtURL(p)
	ns := ""
	if u != nil {
		ns, _ = tvtPath(u)
		f.Links = []catalog.Link{{URL: u.String(), Label: "TV Tropes"}}
	}
	f.Medium = tvtMedia[ns]
	f.Title = tvtTitle(doc, ns)
	if f.Title == "" {
		f.Warnings = append(f.Warnings, "tvtropes: no title found on the page")
	}
	article := tvtArticle(doc)

	// The lead names creators only in prose ("a manga by X, drawn by
	// Y"), so their roles are guessed: only the first Creator/ link of
	// the lead is kept, and only where one role dominates the medium.
	if role := tvtLeadRole[f.Medium]; role != "" {
		if name := tvtLeadCreator(article); name != "" {
			f.Creators = []catalog.Creator{{Name: name, Role: role}}
		}
	}

	seen := map[string]bool{}
	article.Find("li").Each(func(_ int, li *goquery.Selection) {
		first := li.Find("a").First()
		lead := tvtLead(li, first)
		if lead.Length() == 0 || !tvtIsHikikomori(p, first) {
			return
		}
		otherFact(&f, "hikikomori_trope", "yes")
		names := tvtLeadingNames(li, lead)
		if len(names) == 0 && ns == "Characters" {
			names = tvtSheetName(li)
		}
		for _, n := range names {
			if !seen[n] {
				seen[n] = true
				f.Characters = append(f.Characters, catalog.Character{
					Name: n, Gender: "unspecified", Role: "supporting", Hikikomori: true,
				})
			}
		}
	})
	return f, nil
}

// tvtMedia maps TV Tropes' work namespaces to medium ids; a namespace
// with "" is a work namespace whose medium the codebook does not have.
// Anime films share the Anime namespace and read as series: the
// namespace cannot tell them apart.
var tvtMedia = map[string]string{
	"Anime": "anime_series", "Manga": "manga", "Manhwa": "manga", "Manhua": "manga",
	"LightNovel": "light_novel", "Literature": "novel", "Film": "live_action_film",
	"VideoGame": "video_game", "VisualNovel": "video_game", "Series": "tv_drama",
	"Documentary": "documentary", "WesternAnimation": "", "ComicBook": "", "Webcomic": "",
	"WebAnimation": "", "WebOriginal": "", "WebVideo": "", "Theatre": "", "Radio": "", "AudioPlay": "",
}

// tvtLeadRole is the role the lead's first creator link most likely
// plays, per medium; media whose lead mixes roles (an anime's studio
// and original author, a drama's network and writer) have none.
var tvtLeadRole = map[string]string{
	"manga": "author", "light_novel": "author", "novel": "author",
	"live_action_film": "director", "documentary": "director", "video_game": "developer",
}

// tvtURL is the page's TV Tropes address, nil if it is not the wiki's.
func tvtURL(p *Page) *url.URL { return siteURL(p, "tvtropes.org") }

// tvtNamespace is the wiki namespace of the page, "" if the page is not
// the wiki's.
func tvtNamespace(p *Page) string {
	if u := tvtURL(p); u != nil {
		ns, _ := tvtPath(u)
		return ns
	}
	return ""
}

// tvtPath splits /pmwiki/pmwiki.php/Namespace/Name; "" for other paths.
func tvtPath(u *url.URL) (ns, name string) {
	rest, ok := strings.CutPrefix(u.Path, "/pmwiki/pmwiki.php/")
	if !ok {
		return "", ""
	}
	ns, name, _ = strings.Cut(rest, "/")
	return ns, name
}

// tvtLinkPath is the namespace and name a wiki link points at.
func tvtLinkPath(p *Page, a *goquery.Selection) (ns, name string) {
	u, err := p.URL.Parse(strings.TrimSpace(a.AttrOr("href", "")))
	if err != nil {
		return "", ""
	}
	return tvtPath(u)
}

// tvtArticle is the article's body (div#main-article), the whole page if
// the page has none.
func tvtArticle(doc *goquery.Document) *goquery.Selection {
	if a := doc.Find("#main-article, .article-content").First(); a.Length() > 0 {
		return a
	}
	return doc.Selection
}

// tvtTitle is h1.entry-title without the namespace the wiki shows
// before it ("Anime / Welcome to the NHK"); the page title's first part
// if there is no such heading.
func tvtTitle(doc *goquery.Document, ns string) string {
	h := doc.Find("h1.entry-title").First().Clone()
	h.Find("strong").Each(func(_ int, s *goquery.Selection) {
		if strings.HasSuffix(collapse(s.Text()), "/") {
			s.Remove()
		}
	})
	t := collapse(h.Text())
	if pre, rest, ok := strings.Cut(t, " / "); ok && strings.ReplaceAll(pre, " ", "") == ns {
		t = rest
	}
	if t == "" {
		t, _, _ = strings.Cut(collapse(doc.Find("title").First().Text()), " - TV Tropes")
		if i := strings.LastIndex(t, " ("); i > 0 {
			t = t[:i]
		}
		t = collapse(t)
	}
	return t
}

// tvtLeadCreator is the text of the first link to a Creator/ page in the
// lead, the paragraphs before the first heading, list or folder.
func tvtLeadCreator(article *goquery.Selection) string {
	name := ""
	article.Children().EachWithBreak(func(_ int, s *goquery.Selection) bool {
		if s.Is("h1, h2, h3, h4, ul, ol, .folderlabel, .folder") {
			return false
		}
		s.Find("a.twikilink, a").EachWithBreak(func(_ int, a *goquery.Selection) bool {
			if strings.Contains(a.AttrOr("href", ""), "/pmwiki/pmwiki.php/Creator/") {
				name = collapse(a.Text())
			}
			return name == ""
		})
		return name == ""
	})
	return name
}

// tvtIsHikikomori reports whether a links to the Hikikomori trope.
func tvtIsHikikomori(p *Page, a *goquery.Selection) bool {
	ns, name := tvtLinkPath(p, a)
	return ns == "Main" && strings.EqualFold(name, "Hikikomori")
}

// tvtLead is the node of li's own children that holds a when the item
// starts with a (the link itself, or the <em> around it): an empty
// selection if the item starts otherwise, or a is in a nested list.
func tvtLead(li, a *goquery.Selection) *goquery.Selection {
	start := a
	for start.Length() > 0 && !start.Parent().IsSelection(li) {
		if start.Is("li") {
			return &goquery.Selection{}
		}
		start = start.Parent()
	}
	lead := &goquery.Selection{}
	li.Contents().EachWithBreak(func(_ int, s *goquery.Selection) bool {
		if s.IsSelection(start) {
			lead = start
			return false
		}
		return goquery.NodeName(s) == "#comment" || goquery.NodeName(s) == "#text" && strings.TrimSpace(s.Text()) == ""
	})
	return lead
}

// tvtLeadingNames are the names an example starts with after its lead
// node: the emphasized, bold or linked phrases that follow it, separated
// only by punctuation or "and". Plain text ends them, so an example's
// sentence is never taken for a name.
func tvtLeadingNames(li, lead *goquery.Selection) []string {
	var names []string
	after := false
	li.Contents().EachWithBreak(func(_ int, s *goquery.Selection) bool {
		if !after {
			after = s.IsSelection(lead)
			return true
		}
		switch goquery.NodeName(s) {
		case "#text":
			return tvtJoiner(s.Text())
		case "#comment":
			return true
		case "em", "i", "strong", "b", "a", "span":
			if s.Is("a") && strings.Contains(s.AttrOr("href", ""), "/pmwiki/pmwiki.php/Main/") {
				return false // a link to another trope, not a name
			}
			if name := collapse(s.Text()); tvtNameLike(name) {
				names = append(names, name)
				return true
			}
		}
		return false
	})
	return names
}

// tvtJoiner reports whether text between names only joins them: ":",
// ",", "and", "&", spaces.
func tvtJoiner(s string) bool {
	s = strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(":,;&/-–—", r) })
	return s == "" || strings.EqualFold(s, "and") || strings.EqualFold(s, "as well as")
}

// tvtNameLike reports whether an emphasized phrase can be a name rather
// than an emphasized clause of the example: short, a few words, starting
// with a capital letter.
func tvtNameLike(s string) bool {
	if s == "" || utf8.RuneCountInString(s) > 60 || len(strings.Fields(s)) > 5 {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r) || !unicode.IsLower(r) && unicode.IsLetter(r)
}

// tvtSheetName is the character a character sheet's trope list belongs
// to: the label of the folder holding it, or the nearest heading above.
func tvtSheetName(li *goquery.Selection) []string {
	if folder := li.ParentsFiltered(".folder").First(); folder.Length() > 0 {
		if label := folder.PrevFiltered(".folderlabel"); label.Length() > 0 {
			if n := collapse(label.Text()); tvtNameLike(n) {
				return []string{n}
			}
			return nil
		}
	}
	list := li.ParentsFiltered("ul").Last()
	if h := list.PrevAllFiltered("h2, h3, h4").First(); h.Length() > 0 {
		if n := collapse(h.Text()); tvtNameLike(n) {
			return []string{n}
		}
	}
	return nil
}

// TVTropesList reads TV Tropes trope pages (Main/Hikikomori): each
// example's work, with its medium from the link's namespace, where the
// example is, its length and the characters it names; never its words.
type TVTropesList struct{}

// Name names the list reader in warnings.
func (TVTropesList) Name() string { return "tvtropes-list" }

// Match reports whether the page is a trope page of TV Tropes.
func (TVTropesList) Match(p *Page) bool { return tvtNamespace(p) == "Main" }

// List reads the works the trope's examples name, once each, in page
// order.
func (TVTropesList) List(p *Page) ([]Candidate, error) {
	doc := p.Doc()
	base := mentionBase(p)
	var out []Candidate
	index := map[string]int{}
	tvtArticle(doc).Find("li").Each(func(_ int, li *goquery.Selection) {
		a := li.Find("a").First()
		lead := tvtLead(li, a)
		if lead.Length() == 0 {
			return
		}
		ns, _ := tvtLinkPath(p, a)
		medium, work := tvtMedia[ns]
		if !work {
			return
		}
		own := li.Clone()
		own.Find("ul, ol").Remove()
		names := tvtLeadingNames(li, lead)
		href := p.Resolve(a.AttrOr("href", ""))
		if i, ok := index[href]; ok {
			// A second example of the same work: keep the first mention,
			// add the characters.
			for _, n := range names {
				if !containsFold(out[i].Characters, n) {
					out[i].Characters = append(out[i].Characters, n)
				}
			}
			return
		}
		c := Candidate{
			Title: collapse(a.Text()), URL: href, Medium: medium, Mention: base,
			MentionChars: utf8.RuneCountInString(Text(own)), Characters: names,
		}
		if id := li.ParentsFiltered(".folder[id]").First().AttrOr("id", ""); id != "" {
			c.Mention += "#" + id
		}
		if c.Title == "" {
			return
		}
		index[href] = len(out)
		out = append(out, c)
	})
	return out, nil
}
