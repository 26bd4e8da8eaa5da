package server

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/indexer"
)

// Search parameters that are not facets (api.md).
const (
	paramQ        = "q"
	paramYearFrom = "year_from"
	paramYearTo   = "year_to"
	paramSort     = "sort"
	paramPage     = "page"
	paramSize     = "size"
	paramTypo     = "typo"
	paramExplain  = "explain"
	paramMatching = "matching"
	// paramShow names a spoiler facet the reader chose to see on the
	// search page (hidesFacet); it changes nothing of the search.
	paramShow = "show"
)

// maxQueryChars is the most characters (code points, not bytes) the text
// of a search may have: a title typed in Japanese is three bytes a
// character, and people count what they see. The search page's box takes
// no more (maxlength), and search.js sends no more.
const maxQueryChars = indexer.MaxTextLen

// queryTooLong is the message of a q over maxQueryChars, or "".
func queryTooLong(text string) string {
	if n := utf8.RuneCountInString(text); n > maxQueryChars {
		return fmt.Sprintf("at most %d characters (this has %d)", maxQueryChars, n)
	}
	return ""
}

// parseSearchParams turns URL parameters into a search query: the API's
// and the search page's, so that a page URL is a permalink. Every problem
// is reported under its parameter's name, all at once, as a 400.
func parseSearchParams(v url.Values, cb *catalog.Codebook) (indexer.Query, error) {
	q := indexer.Query{Typo: true}
	fields := map[string]string{}
	intParam := func(name string, lo, hi int, msg string) int {
		s := strings.TrimSpace(v.Get(name))
		if s == "" {
			return 0
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < lo || n > hi {
			fields[name] = msg
			return 0
		}
		return n
	}
	for name, vals := range v {
		if name == paramShow {
			for _, f := range vals {
				if _, ok := cb.Facet(f); !ok {
					fields[name] = "must name a facet, such as recovery"
				}
			}
			continue
		}
		switch name {
		case paramQ, paramYearFrom, paramYearTo, paramSort, paramPage, paramSize, paramTypo, paramExplain, paramMatching:
			if len(vals) > 1 {
				fields[name] = "give it once"
			}
			continue
		}
		if _, ok := cb.Facet(name); !ok {
			fields[name] = "unknown parameter: not a facet"
			continue
		}
		if q.Filters == nil {
			q.Filters = map[string][]string{}
		}
		for _, val := range vals {
			val, err := cb.ParseFacetValue(name, val)
			if err != nil {
				fields[name] = err.Error()
				break
			}
			if !slices.Contains(q.Filters[name], val) {
				q.Filters[name] = append(q.Filters[name], val)
			}
		}
	}
	q.Text = v.Get(paramQ)
	if msg := queryTooLong(q.Text); msg != "" && fields[paramQ] == "" {
		fields[paramQ] = msg
	}
	q.YearFrom = intParam(paramYearFrom, 1, 9999, "must be a year, such as 1999")
	q.YearTo = intParam(paramYearTo, 1, 9999, "must be a year, such as 2010")
	q.Page = intParam(paramPage, 1, indexer.MaxPage, "must be a page number from 1")
	q.Size = intParam(paramSize, 1, indexer.MaxSize, "must be 1 to "+strconv.Itoa(indexer.MaxSize))
	q.Sort = strings.TrimSpace(v.Get(paramSort))
	q.Matching = strings.TrimSpace(v.Get(paramMatching))
	if s := strings.TrimSpace(v.Get(paramTypo)); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			fields[paramTypo] = "must be true or false"
		}
		q.Typo = b || err != nil
	}
	if s := strings.TrimSpace(v.Get(paramExplain)); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			fields[paramExplain] = "must be true or false"
		}
		q.Explain = b
	}
	if len(fields) == 0 {
		var ve *catalog.ValidationError
		if err := q.Validate(cb); errors.As(err, &ve) {
			fields = ve.Fields
		} else if err != nil {
			return q, err
		}
	}
	if len(fields) > 0 {
		return q, badParams(fields)
	}
	return q, nil
}

// badParams is the 400 of bad search parameters.
func badParams(fields map[string]string) error {
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	slices.Sort(names)
	return &httpError{status: http.StatusBadRequest, code: "bad_parameter",
		msg: "bad search parameter: " + strings.Join(names, ", "), fields: fields}
}
