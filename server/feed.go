package server

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/komoru/komoru/catalog"
)

// The Atom 1.0 feed of /changes (RFC 4287), so that scholars can follow
// the catalog, or one work, or one curator, in a feed reader.

const atomNS = "http://www.w3.org/2005/Atom"

type atomFeed struct {
	XMLName xml.Name    `xml:"feed"`
	NS      string      `xml:"xmlns,attr"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Author  atomPerson  `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	ID      string     `xml:"id"`
	Title   string     `xml:"title"`
	Updated string     `xml:"updated"`
	Author  atomPerson `xml:"author"`
	Link    atomLink   `xml:"link"`
	Summary string     `xml:"summary"`
}

// tagDate is the date in komoru's tag URIs (RFC 4151): a day on which
// whoever runs the site held its host name. It must never change, or every
// entry's id would.
const tagDate = "2026"

func (s *Server) changesFeed(c *gin.Context) error {
	f, rows, _, err := s.changes(c)
	if err != nil {
		return err
	}
	base := s.baseURL()
	tag := "tag:" + s.tagHost() + "," + tagDate + ":"
	page, self := "/changes", "/changes.atom"
	if q := c.Request.URL.RawQuery; q != "" {
		page, self = page+"?"+q, self+"?"+q
	}
	title := "komoru: changes"
	if f.Author != "" {
		title += " by " + f.Author
	}
	if f.WorkID != "" {
		title += " to " + f.WorkID
	}
	feed := atomFeed{
		NS: atomNS, ID: tag + self, Title: title,
		// With no entries the feed was last updated, as far as a reader
		// can tell, now.
		Updated: atomTime(s.now()),
		Author:  atomPerson{Name: "komoru"},
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: base + self},
			{Rel: "alternate", Type: "text/html", Href: base + page},
		},
	}
	for i, r := range rows {
		// The newest change by time, which imports stamped with their
		// own times may place anywhere in the sequence.
		if i == 0 || atomTime(r.Time) > feed.Updated {
			feed.Updated = atomTime(r.Time)
		}
		summary := r.Note
		switch {
		case r.Op != catalog.OpUpdate:
			summary += " (" + string(r.Op) + "d the work)"
		case len(r.Fields) > 0:
			summary += " (changed: " + strings.Join(r.Fields, ", ") + ")"
		}
		feed.Entries = append(feed.Entries, atomEntry{
			ID:      tag + "revision/" + strconv.FormatInt(r.Seq, 10),
			Title:   r.Title + " revision " + strconv.Itoa(r.Number) + " by " + r.Author,
			Updated: atomTime(r.Time),
			Author:  atomPerson{Name: r.Author},
			Link:    atomLink{Rel: "alternate", Type: "text/html", Href: base + r.DiffURL()},
			Summary: strings.TrimSpace(summary),
		})
	}
	out, err := xml.MarshalIndent(feed, "", "  ")
	if err != nil {
		return err
	}
	c.Data(http.StatusOK, "application/atom+xml; charset=utf-8", append([]byte(xml.Header), out...))
	return nil
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// tagHost is the public URL's host name without a port: a tag URI's
// authority is a domain name.
func (s *Server) tagHost() string {
	u, _ := url.Parse(s.publicURL) // checked by New
	return u.Hostname()
}
