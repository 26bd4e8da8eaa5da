package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/komoru/komoru/catalog"
)

// Harvester reads a web page about a work into a draft for the new-work
// form (/works/new?from=URL). *harvest.Harvester implements it; the server
// owns this small interface so that it need not import the harvester and
// its crawler.
type Harvester interface {
	Draft(ctx context.Context, url string) (catalog.Draft, error)
}

// harvestTimeout bounds one harvest a page asks for: the fetcher's own
// delays and retries may take a while, but a form must come back.
const harvestTimeout = 60 * time.Second

// sourceLink is one page a value came from, shown by its host.
type sourceLink struct{ URL, Host string }

// harvestView is what a harvest found beyond the form's fields, shown
// above the form: where it started, the values the pages disagreed on,
// warnings, the catalog's works it may already be, and facts the catalog
// has no field for.
type harvestView struct {
	URL       string
	Conflicts []harvestConflict
	Warnings  []string
	Matches   []harvestMatch
	Facts     []harvestFact
}

type harvestConflict struct {
	Label  string
	Values []harvestValue
}

type harvestValue struct {
	Value  string
	Source sourceLink
}

type harvestMatch struct{ ID, Title string }

type harvestFact struct {
	Label, Value string
	From         []sourceLink
}

// sourced is a control with the pages its value came from, for the note
// beside it (which the control's description then includes).
type sourced struct {
	control
	From []sourceLink
}

// Describedby adds the source note to the control's description.
func (c sourced) Describedby() string {
	if len(c.From) == 0 {
		return c.control.Describedby()
	}
	return strings.TrimSpace(c.control.Describedby() + " " + c.ID + "-from")
}

// sourcedRows is a repeated field with the pages its rows came from.
type sourcedRows struct {
	rowSet
	From []sourceLink
}

// Sourced is control c with the pages the harvest took its value from
// (none outside a harvest).
func (p editPage) Sourced(c control) sourced {
	return sourced{control: c, From: p.Provenance[c.Name]}
}

// SourcedRows is row set rs with the pages the harvest took its rows
// from.
func (p editPage) SourcedRows(rs rowSet) sourcedRows {
	return sourcedRows{rowSet: rs, From: p.Provenance[rs.Name]}
}

// fromBox is the "Start from a web page" input, holding url and what was
// wrong with it.
func fromBox(u, problem string) *control {
	return &control{Type: "url", Name: "from", ID: "f-from", Label: "Start from a web page", Value: u, Err: problem,
		Hint:      "The address of a page about the work (Wikipedia, MyAnimeList, TV Tropes, or any page with schema.org or OpenGraph metadata, as many official sites have): komoru fills the form from it, and nothing is saved until you save.",
		Autofocus: problem != ""}
}

// checkFromURL says what is wrong with a from address, "" when nothing.
func checkFromURL(raw string) string {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "is not a web address: " + strings.TrimPrefix(err.Error(), "parse "+strconv.Quote(raw)+": ")
	case u.Scheme != "http" && u.Scheme != "https":
		return "must be a whole address starting with http:// or https://"
	case u.Hostname() == "":
		return "has no host: give a whole address, such as https://en.wikipedia.org/wiki/…"
	case u.User != nil:
		return "must not carry a user name or password"
	}
	return ""
}

// newWorkFrom answers /works/new?from=URL: the form filled from what a
// harvest of the page found, each value with the pages it came from.
// Curators only. Nothing is saved; a bad address or a failed harvest comes back beside
// the box, with the form empty for typing.
func (s *Server) newWorkFrom(c *gin.Context, raw string) error {
	if s.harvest == nil {
		return &httpError{status: http.StatusServiceUnavailable, code: "unavailable",
			msg: "from: this server does not read web pages (it runs without a harvester); add the work by hand at /works/new"}
	}
	if u := viewer(c); u == nil || !u.Role.AtLeast(catalog.RoleCurator) {
		// A harvest makes the server fetch any address it is given: that
		// is left to curators, who review what contributors propose.
		return &httpError{status: http.StatusForbidden, code: "forbidden",
			msg: "from: only curators can start a work from a web page; fill the form by hand at /works/new"}
	}
	empty := func(status int, problem string) error {
		f := formFromWork(&catalog.Work{}, catalog.BaseNone)
		p := s.editPage(c, &f, nil)
		p.From = fromBox(raw, problem)
		s.render(c, status, "edit", p)
		return nil
	}
	if problem := checkFromURL(raw); problem != "" {
		return empty(http.StatusUnprocessableEntity, problem)
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), harvestTimeout)
	defer cancel()
	d, err := s.harvest.Draft(ctx, raw)
	switch {
	case errors.Is(err, context.Canceled) && c.Request.Context().Err() != nil:
		return err // the client went away
	case errors.Is(err, context.DeadlineExceeded):
		return empty(http.StatusGatewayTimeout, fmt.Sprintf("could not be read within %d seconds; try again later, or fill the form by hand", int(harvestTimeout.Seconds())))
	case err != nil:
		return empty(http.StatusBadGateway, "could not be read: "+err.Error()+". Fill the form by hand, or try another page.")
	}
	w := d.Work
	if w.ID == "" {
		w.ID = catalog.SuggestID(w.Title, w.Medium)
	}
	f := formFromWork(&w, catalog.BaseNone)
	p := s.editPage(c, &f, nil)
	p.From = fromBox(raw, "")
	p.Provenance = map[string][]sourceLink{}
	for field, urls := range d.Provenance {
		p.Provenance[field] = sourceLinks(urls)
	}
	p.Harvest = s.harvestView(c.Request.Context(), raw, &d)
	s.render(c, http.StatusOK, "edit", p)
	return nil
}

// harvestView lists what the draft found that the form's fields do not
// show.
func (s *Server) harvestView(ctx context.Context, raw string, d *catalog.Draft) *harvestView {
	v := &harvestView{URL: raw, Warnings: d.Warnings}
	labels := map[string]string{}
	for _, f := range s.cb.Fields() {
		labels[f.Key] = f.Label
	}
	for _, c := range d.Conflicts {
		hc := harvestConflict{Label: cmp.Or(labels[c.Field], factLabel(strings.TrimPrefix(c.Field, "facts.")))}
		for _, cv := range c.Values {
			hc.Values = append(hc.Values, harvestValue{Value: s.draftValue(c.Field, cv.Value), Source: sourceLinks([]string{cv.Source})[0]})
		}
		v.Conflicts = append(v.Conflicts, hc)
	}
	for _, id := range d.Matches {
		m := harvestMatch{ID: id, Title: id}
		if rev, err := s.store.Get(ctx, id); err == nil && rev.Work != nil {
			m.Title = rev.Work.Title
		}
		v.Matches = append(v.Matches, m)
	}
	names := make([]string, 0, len(d.Facts))
	for k := range d.Facts {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		v.Facts = append(v.Facts, harvestFact{Label: factLabel(k), Value: d.Facts[k], From: sourceLinks(d.Provenance["facts."+k])})
	}
	return v
}

// factLabel names a fact of a draft that has no field: "hikikomori_trope"
// is "Hikikomori trope".
func factLabel(k string) string {
	label := strings.ReplaceAll(k, "_", " ")
	if label != "" {
		label = strings.ToUpper(label[:1]) + label[1:]
	}
	return label
}

// draftValue is one page's value of a conflicting field as text: a
// medium by its label, a list one item after another.
func (s *Server) draftValue(field string, v any) string {
	switch v := v.(type) {
	case string:
		if field == "medium" {
			if l := s.cb.Label("medium", v); l != "" {
				return l
			}
		}
		return v
	case []string:
		return strings.Join(v, ", ")
	case []catalog.Creator:
		parts := make([]string, len(v))
		for i, c := range v {
			parts[i] = c.Name
			if c.Role != "" {
				parts[i] += " (" + cmp.Or(s.cb.Label("creator_role", c.Role), c.Role) + ")"
			}
		}
		return strings.Join(parts, ", ")
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// sourceLinks names each page by its host.
func sourceLinks(urls []string) []sourceLink {
	out := make([]sourceLink, 0, len(urls))
	for _, raw := range urls {
		host := raw
		if u, err := url.Parse(raw); err == nil && u.Host != "" {
			host = strings.TrimPrefix(u.Host, "www.")
		}
		out = append(out, sourceLink{URL: raw, Host: host})
	}
	return out
}
