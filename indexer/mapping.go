package indexer

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/whitespace"
	"github.com/blevesearch/bleve/v2/mapping"
)

// Field names in the Bleve index.
const (
	fieldTitle    = "title"    // title, romanized title, alternate titles
	fieldPrimary  = "primary"  // title and romanized title, acronyms also run together: ranks above alternate titles
	fieldNative   = "native"   // original (native-script) title
	fieldBody     = "body"     // synopsis and coding evidence
	fieldNames    = "names"    // creators and characters
	fieldTopics   = "topics"   // coded values and derived facets as words: labels, synonyms, countries' names
	fieldWritten  = "written"  // the words of the text fields as written where the stemmer changes them, once each
	fieldYear     = "year"     // numeric
	fieldFacet    = "facet"    // keywords: "realism:realistic", one term per facet value
	fieldMeta     = "meta"     // stored only: what the index keeps in memory
	fieldSynopsis = "synopsis" // stored only: for highlights
	fieldMatched  = "matched"  // stored only: alternate titles, names and evidence, for highlights
	fieldTitles   = "titles"   // stored only: title and original title, for hits and the exactness rule
)

// textAnalyzer is English with stemming, as Bleve's "en", plus accent
// folding first, so that Yōkoso, Yokoso and YOKOSO are one term.
const textAnalyzer = "komoru_text"

// surfaceAnalyzer is textAnalyzer without stemming: a query word as
// written (folded and lowercased), for typos and completions. "princes"
// is one letter from "princess" as typed, three from its stem "princ".
const surfaceAnalyzer = "komoru_surface"

// nativeAnalyzer is Bleve's CJK analysis (width folding, lowercase,
// bigrams) that also keeps every character as a unigram at its bigram's
// position: bigrams alone never match a query of one character ("姫"
// in "海月姫"), and a phrase still matches as before.
const nativeAnalyzer = "komoru_native"

// keywordsAnalyzer splits a field on spaces and keeps each part as it is:
// the facet field is one string of "facet:value" keywords, since one
// field per value cost a document dozens of fields.
const keywordsAnalyzer = "komoru_keywords"

// schemaVersion changes whenever the mapping or the documents change
// shape; an index of another version is rebuilt on open.
const schemaVersion = "komoru-index-12"

// textFields are the Latin-script fields a query word is matched against,
// the first (titles) ranking above the others; phraseFields those with
// positions, where phrases are matched.
var (
	textFields   = []string{fieldTitle, fieldBody, fieldNames, fieldTopics}
	phraseFields = []string{fieldTitle, fieldBody}
)

// newMapping is the one explicit mapping of the index: no dynamic fields.
func newMapping() (*mapping.IndexMappingImpl, error) {
	m := bleve.NewIndexMapping()
	latin := func(name string, filters ...string) error {
		return m.AddCustomAnalyzer(name, map[string]any{
			"type":          custom.Name,
			"char_filters":  []string{asciifolding.Name},
			"tokenizer":     wordsTokenizerName,
			"token_filters": append([]string{en.PossessiveName, lowercase.Name, en.StopName}, filters...),
		})
	}
	if err := latin(textAnalyzer, porter.Name); err != nil {
		return nil, err
	}
	if err := latin(surfaceAnalyzer); err != nil {
		return nil, err
	}
	err := m.AddCustomTokenFilter("komoru_cjk_bigram", map[string]any{
		"type":           cjk.BigramName,
		"output_unigram": true,
	})
	if err != nil {
		return nil, err
	}
	err = m.AddCustomAnalyzer(nativeAnalyzer, map[string]any{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []string{cjk.WidthName, lowercase.Name, "komoru_cjk_bigram"},
	})
	if err != nil {
		return nil, err
	}
	err = m.AddCustomAnalyzer(keywordsAnalyzer, map[string]any{
		"type":      custom.Name,
		"tokenizer": whitespace.Name,
	})
	if err != nil {
		return nil, err
	}
	m.DefaultAnalyzer = textAnalyzer
	m.IndexDynamic = false
	m.StoreDynamic = false
	m.DocValuesDynamic = false

	text := func(analyzer string, vectors bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = vectors // phrases need positions
		f.DocValues = false
		return f
	}
	stored := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Index = false
		f.Store = true
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt(fieldTitle, text(textAnalyzer, true))
	dm.AddFieldMappingsAt(fieldPrimary, text(textAnalyzer, false))
	dm.AddFieldMappingsAt(fieldNative, text(nativeAnalyzer, true))
	dm.AddFieldMappingsAt(fieldBody, text(textAnalyzer, true))
	dm.AddFieldMappingsAt(fieldNames, text(textAnalyzer, false))
	// Topics keep no positions: their words are matched one by one (a
	// quoted phrase matches text, not codes), and positions for them cost
	// a quoted common phrase at 100,000 works a threefold slowdown.
	dm.AddFieldMappingsAt(fieldTopics, text(textAnalyzer, false))
	dm.AddFieldMappingsAt(fieldWritten, text(keywordsAnalyzer, false))
	year := bleve.NewNumericFieldMapping()
	year.Store = false
	year.IncludeInAll = false
	year.DocValues = false
	dm.AddFieldMappingsAt(fieldYear, year)
	dm.AddFieldMappingsAt(fieldFacet, text(keywordsAnalyzer, false))
	dm.AddFieldMappingsAt(fieldMeta, stored())
	dm.AddFieldMappingsAt(fieldSynopsis, stored())
	dm.AddFieldMappingsAt(fieldMatched, stored())
	dm.AddFieldMappingsAt(fieldTitles, stored())
	// No "_all" field: queries name their fields, and composing it cost
	// a fifth of building a segment.
	dm.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())
	m.DefaultMapping = dm
	m.TypeField = "_type"
	m.DefaultType = docType
	m.AddDocumentMapping(docType, dm)
	return m, nil
}
