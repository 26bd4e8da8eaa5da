package indexer

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/komoru/komoru/catalog"
)

// Sort orders of a search.
const (
	SortRelevance = "relevance"
	SortYear      = "year"
	SortYearDesc  = "-year"
	SortTitle     = "title"
)

// Limits of a query.
const (
	DefaultSize = 20
	MaxSize     = 100
	MaxTextLen  = 500 // characters (code points) of Query.Text
	// MaxPage keeps page*size within what an int holds comfortably.
	MaxPage = 1_000_000
)

// Query is one search, as the API and the pages ask it. The zero value
// of a field means its default.
type Query struct {
	// Text is free text: every word is required (but see Matching),
	// "quoted phrases" match as phrases, -word and -"a phrase" exclude,
	// and OR between words or phrases makes one of them enough; empty, or
	// only stop words, matches every work.
	Text string
	// Filters maps a facet to the values wanted, as the index keeps them
	// (a decade as "2010": see catalog.Codebook.ParseFacetValue): OR within
	// a facet, AND across facets.
	Filters map[string][]string
	// YearFrom and YearTo bound the year, inclusive; 0 leaves it open.
	YearFrom, YearTo int
	// Sort is SortRelevance (default), SortYear, SortYearDesc or SortTitle.
	Sort string
	// Page is 1-based (default 1); Size 1 to MaxSize (default DefaultSize).
	Page, Size int
	// Typo turns on typo tolerance and prefix matching of the last word,
	// the way Meilisearch does (the API's default).
	Typo bool
	// Facets names the facets to count; nil counts every facet.
	Facets []string
	// Explain adds to each hit, in relevance order, where each ranking
	// rule put it (Hit.Ranking).
	Explain bool
	// Synopses fills each hit's Synopsis when no highlight of it does, from
	// the index: result cards need no trip to the catalog.
	Synopses bool
	// Matching is MatchingLast (default): when the words together match
	// nothing, words are dropped from the end until some work matches
	// (Result.DroppedWords), as Meilisearch's matchingStrategy "last"; or
	// MatchingAll: every word is required.
	Matching string
}

// Matching strategies of a query (Query.Matching).
const (
	MatchingLast = "last"
	MatchingAll  = "all"
)

// Validate checks the query against the codebook. The error is a
// *catalog.ValidationError whose fields are named as the API's parameters.
func (q *Query) Validate(cb *catalog.Codebook) error {
	fields := map[string]string{}
	if n := utf8.RuneCountInString(q.Text); n > MaxTextLen {
		fields["q"] = fmt.Sprintf("at most %d characters (this has %d)", MaxTextLen, n)
	} else if !utf8.ValidString(q.Text) {
		fields["q"] = "not valid UTF-8"
	} else if strings.ContainsFunc(q.Text, isControl) {
		fields["q"] = "must not contain control characters (such as NUL)"
	} else if msg := parseText(q.Text).textLimit(); msg != "" {
		fields["q"] = msg
	}
	if q.Size < 0 || q.Size > MaxSize {
		fields["size"] = fmt.Sprintf("must be 1 to %d", MaxSize)
	}
	if q.Page < 0 || q.Page > MaxPage {
		fields["page"] = fmt.Sprintf("must be 1 to %d", MaxPage)
	}
	switch q.Sort {
	case "", SortRelevance, SortYear, SortYearDesc, SortTitle:
	default:
		fields["sort"] = "must be relevance, year, -year or title"
	}
	switch q.Matching {
	case "", MatchingLast, MatchingAll:
	default:
		fields["matching"] = "must be last or all"
	}
	if q.YearFrom < 0 || q.YearFrom > 9999 {
		fields["year_from"] = "must be a year"
	}
	if q.YearTo < 0 || q.YearTo > 9999 {
		fields["year_to"] = "must be a year"
	}
	if q.YearFrom > 0 && q.YearTo > 0 && q.YearTo < q.YearFrom {
		fields["year_to"] = "must not be before year_from"
	}
	for f, vs := range q.Filters {
		if _, ok := cb.Facet(f); !ok {
			fields[f] = "unknown facet"
			continue
		}
		for _, v := range vs {
			if !cb.ValidFacetValue(f, v) {
				fields[f] = fmt.Sprintf("unknown value %q", v)
				if _, err := cb.ParseFacetValue(f, v); err != nil {
					fields[f] = err.Error()
				}
				break
			}
		}
	}
	for _, f := range q.Facets {
		if _, ok := cb.Facet(f); !ok {
			fields["facets"] = fmt.Sprintf("unknown facet %q", f)
		}
	}
	if len(fields) > 0 {
		return &catalog.ValidationError{Fields: fields}
	}
	return nil
}

func (q *Query) setDefaults() {
	if q.Size == 0 {
		q.Size = DefaultSize
	}
	if q.Page == 0 {
		q.Page = 1
	}
	if q.Sort == "" {
		q.Sort = SortRelevance
	}
	if q.Matching == "" {
		q.Matching = MatchingLast
	}
	if stopWordsOnly(parseText(q.Text), q.Typo) {
		q.Text = ""
	}
}

// minStopPrefix is the length from which a lone stop word still being
// typed matches its completions (see matchText); a shorter one is no text.
const minStopPrefix = 2

// stopWordsOnly reports whether text of only stop words and punctuation
// asks for nothing, and so is an empty query that matches every work, as
// Meilisearch makes it a placeholder search. A lone word still being typed
// is the exception: it is the prefix of its completions ("the" of
// "theater"), as Meilisearch never ignores a prefix.
func stopWordsOnly(t textQuery, typo bool) bool {
	if t.empty() || t.hasOperators() {
		return false
	}
	if typo && t.lastIsPrefix && len(t.words) == 1 && len(t.phrases) == 0 && isWordPrefix(fold(t.words[0])) {
		return false
	}
	an := stopWordAnalyzer()
	if an == nil {
		return false
	}
	for _, s := range slices.Concat(t.words, t.phrases) {
		if hasCJK(s) || len(an.Analyze([]byte(fold(s)))) > 0 {
			return false
		}
	}
	return true
}

// isWordPrefix reports whether a folded word is long enough to be
// completed and has no punctuation: the start of a word, not "..." or "a".
func isWordPrefix(w string) bool {
	return len(w) >= minStopPrefix && !strings.ContainsFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// stopWordAnalyzer is the index's text analyzer, built once for queries
// that have no index at hand; nil if the mapping cannot be built, which
// Open reports.
var stopWordAnalyzer = sync.OnceValue(func() analysis.Analyzer {
	m, err := newMapping()
	if err != nil {
		return nil
	}
	return m.AnalyzerNamed(textAnalyzer)
})

// textQuery is free text taken apart: bare words and quoted phrases, all
// required; groups of them joined by OR, of which one is required; and
// excluded ones ("-word", -"a phrase").
type textQuery struct {
	words   []string
	phrases []string
	// lastIsPrefix is true when the text ends in a bare word still being
	// typed, which then also matches as a prefix.
	lastIsPrefix bool
	anyOf        [][]textTerm
	not          []textTerm
}

// textTerm is one word or quoted phrase of the text.
type textTerm struct {
	text   string
	phrase bool
	neg    bool // written with a leading "-"
}

// opOr joins the words or phrases on either side of it. Only the
// uppercase word is the operator, as in Meilisearch-like engines and web
// search: "or" is a word of the text (a stop word).
const opOr = "OR"

// opNot excludes the word or phrase after it, as "-" does; like OR, only
// in uppercase ("not" is a stop word), and a NOT with nothing after it
// is plain text.
const opNot = "NOT"

func (t textQuery) empty() bool {
	return len(t.words) == 0 && len(t.phrases) == 0 && len(t.anyOf) == 0 && len(t.not) == 0
}

// hasOperators reports whether the text has an OR group or an exclusion.
func (t textQuery) hasOperators() bool { return len(t.anyOf) > 0 || len(t.not) > 0 }

// parseText splits text into words, "quoted phrases" and the operators:
// a word or phrase after "-" or NOT is excluded, and OR between two of them
// makes one of them enough. A lone "-" or an OR with nothing to join is
// plain text. An unclosed quote runs to the end. Words are split at spaces
// only; the analyzer splits them further. What the text repeats is kept
// once (dedupe).
func parseText(text string) textQuery {
	terms, ended := splitTerms(text)
	var t textQuery
	for i := 0; i < len(terms); i++ {
		tt := terms[i]
		if tt.neg {
			t.not = append(t.not, tt)
			continue
		}
		if isNot(tt) && i+1 < len(terms) && !terms[i+1].neg && !isOr(terms[i+1]) && !isNot(terms[i+1]) {
			// NOT word is -word.
			next := terms[i+1]
			next.neg = true
			t.not = append(t.not, next)
			i++
			continue
		}
		// A run a OR b OR c of terms that are not exclusions.
		group := []textTerm{tt}
		for i+2 < len(terms) && isOr(terms[i+1]) && !terms[i+2].neg && !isOr(terms[i+2]) {
			group = append(group, terms[i+2])
			i += 2
		}
		switch {
		case len(group) > 1:
			t.anyOf = append(t.anyOf, group)
		case tt.phrase:
			t.phrases = append(t.phrases, tt.text)
		default:
			t.words = append(t.words, tt.text)
			// Only a plain word is still being typed.
			t.lastIsPrefix = ended && i == len(terms)-1
		}
	}
	t.dedupe()
	return t
}

func isOr(t textTerm) bool { return !t.phrase && !t.neg && t.text == opOr }

func isNot(t textTerm) bool { return !t.phrase && !t.neg && t.text == opNot }

// splitTerms splits text at spaces and quotes into terms, marking those
// written after "-"; ended reports whether the text ends in a bare word.
func splitTerms(text string) (terms []textTerm, ended bool) {
	inQuote, negPhrase := false, false
	var cur strings.Builder
	flush := func() {
		s := strings.TrimSpace(cur.String())
		cur.Reset()
		switch {
		case s == "":
		case inQuote:
			terms = append(terms, textTerm{text: s, phrase: true, neg: negPhrase})
		default:
			for _, w := range strings.Fields(s) {
				if len(w) > 1 && w[0] == '-' {
					terms = append(terms, textTerm{text: w[1:], neg: true})
				} else {
					terms = append(terms, textTerm{text: w})
				}
			}
		}
	}
	for _, r := range text {
		switch {
		case r == '"' || r == '“' || r == '”':
			// -"a phrase": the "-" right before the quote excludes it.
			if !inQuote {
				s := cur.String()
				if negPhrase = strings.HasSuffix(s, "-") && (len(s) == 1 || unicode.IsSpace(rune(s[len(s)-2]))); negPhrase {
					cur.Reset()
					cur.WriteString(s[:len(s)-1])
				}
			}
			flush()
			inQuote = !inQuote
		case !inQuote && unicode.IsSpace(r):
			flush()
		default:
			cur.WriteRune(r)
		}
	}
	ended = cur.Len() > 0 && !inQuote
	flush()
	return terms, ended
}

// isControl reports whether r is a control character other than the
// white space a pasted text may carry (tab, newline, carriage return).
func isControl(r rune) bool {
	return (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || (r >= 0x7f && r < 0xa0)
}

// typoBudget is how many typos a word of n letters may carry: none below
// 5, one from 5, two from 9, as Meilisearch counts.
func typoBudget(word string) int {
	n := utf8.RuneCountInString(word)
	switch {
	case n >= 9:
		return 2
	case n >= 5:
		return 1
	}
	return 0
}

// hasCJK reports whether s has Han, kana or Hangul letters.
func hasCJK(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) {
			return true
		}
	}
	return false
}
