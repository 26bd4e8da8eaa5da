package harvest

import (
	"net/url"
	"strings"
)

// otherFact sets one of the facts import format v1 has no field for.
func otherFact(f *Facts, k, v string) {
	if f.Other == nil {
		f.Other = map[string]string{}
	}
	f.Other[k] = v
}

// onSite reports whether host is domain or one of its subdomains.
func onSite(host, domain string) bool {
	host = strings.ToLower(host)
	return host == domain || strings.HasSuffix(host, "."+domain)
}

// siteURL is the page's address on the site at domain: where it was read
// if that is the site (its canonical link if it has one, which drops
// tracking parameters), else its canonical link or og:url if those are
// the site's (a saved copy served from elsewhere); nil if the page is not
// the site's. The fragment is dropped, and the query when read on the
// site itself.
func siteURL(p *Page, domain string) *url.URL {
	ok := func(host string) bool { return onSite(host, domain) }
	c := siteCanonical(p, ok)
	if !ok(p.URL.Hostname()) {
		return c
	}
	if c != nil {
		return c
	}
	u := *p.URL
	u.RawQuery, u.Fragment = "", ""
	return &u
}

// siteCanonical is the page's canonical link (or og:url) if its host is
// one that ok accepts, nil otherwise.
func siteCanonical(p *Page, ok func(host string) bool) *url.URL {
	doc := p.Doc()
	for _, ref := range []string{
		doc.Find(`link[rel="canonical"]`).First().AttrOr("href", ""),
		doc.Find(`meta[property="og:url"]`).First().AttrOr("content", ""),
	} {
		if ref == "" {
			continue
		}
		u, err := p.URL.Parse(strings.TrimSpace(ref))
		if err == nil && ok(u.Hostname()) {
			u.Fragment = ""
			return u
		}
	}
	return nil
}

// mentionBase is the page's address without its fragment, to which a
// candidate's mention adds the entry's anchor.
func mentionBase(p *Page) string {
	u := *p.URL
	u.Fragment = ""
	return u.String()
}
