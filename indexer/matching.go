package indexer

import (
	"context"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	bleveunicode "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
)

// textMatch is what a query's text matched.
type textMatch struct {
	all *roaring.Bitmap // every unit matched
	// units are the units in query order, at most maxRankUnits: what the
	// ranking rules read.
	units []unit
	// key is the query as a title key (titleKey), for exactness.
	key string
	// terms are the index terms the text matched, for highlights.
	terms map[string]bool
	// dropped are the words left out, as typed (dropWords).
	dropped []string
}

// Attributes, best first: the field a unit matched in, for the attribute
// rule. Synopsis and evidence share the body field, so they rank alike.
const (
	attrOwnTitle = iota // the work's title or romanized title
	attrNative          // the original (native-script) title
	attrAltTitle        // an alternate title
	attrNames           // creators and characters
	attrTopics          // what the work is coded as, in words
	attrBody            // synopsis and coding evidence
	numAttrs
)

// unit is one required part of the text: a word's term, a phrase, a
// native-script word.
type unit struct {
	all *roaring.Bitmap
	// typos[l]: the works whose best match of the unit has l typos; attrs[a]:
	// those whose best field for it is attribute a. Each set is disjoint and
	// covers all.
	typos [3]*roaring.Bitmap
	attrs [numAttrs]*roaring.Bitmap
	// whole is the works matched by the word itself, not only by a
	// completion or a near miss; nil when every match is whole.
	whole *roaring.Bitmap
	// primary is the works whose own title holds the unit.
	primary *roaring.Bitmap
	// native is the text of a native-script unit, matched in the original
	// title: exactness checks its word boundaries there.
	native string
	// terms are the terms a word unit matched, per positional field, for
	// proximity; nil for a phrase.
	terms map[string][]string
	// word is the index of the query word the unit came from, or -1 for
	// a phrase: words may be dropped, phrases may not.
	word int
	// withheld reports that near misses of the word were left out because
	// it is itself indexed (wordOpts.correct).
	withheld bool
}

// best makes the disjoint "best level" sets of a unit from the works
// matched at each level, best first.
func best(levels []*roaring.Bitmap) {
	seen := roaring.New()
	for _, l := range levels {
		l.AndNot(seen)
		seen.Or(l)
	}
}

func newUnit() unit {
	u := unit{all: roaring.New(), primary: roaring.New(), word: -1}
	for i := range u.typos {
		u.typos[i] = roaring.New()
	}
	for i := range u.attrs {
		u.attrs[i] = roaring.New()
	}
	return u
}

func (ix *Index) textAnalyzer() analysis.Analyzer { return ix.m.AnalyzerNamed(textAnalyzer) }

func (ix *Index) surfaceAnalyzer() analysis.Analyzer { return ix.m.AnalyzerNamed(surfaceAnalyzer) }

// matchText turns the text into bitmaps, unit by unit, within alive (the
// works that may match). With drop, words are dropped from the end when
// all of them match none of it (dropWords).
func (ix *Index) matchText(ctx context.Context, snap *snapshot, tq textQuery, typo bool, alive *roaring.Bitmap, drop bool) (*textMatch, error) {
	an := ix.textAnalyzer()
	tm := &textMatch{terms: map[string]bool{}}
	// hl[wi] are the terms word wi matched, highlighted only if it is kept.
	hl := make([]map[string]bool, len(tq.words))
	units, withheld, err := ix.wordsUnits(ctx, snap, tq, typo, false, hl)
	if err != nil {
		return nil, err
	}
	if withheld && !intersect(units).Intersects(alive) {
		// A word that is itself indexed matches only as written
		// ("neets" is not "next"), unless the words then match nothing
		// together: "princes jelyfish" is "princess jellyfish".
		if units, _, err = ix.wordsUnits(ctx, snap, tq, typo, true, hl); err != nil {
			return nil, err
		}
	}
	for _, p := range tq.phrases {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		us, err := ix.phraseUnits(ctx, snap, an, p, tm.terms)
		if err != nil {
			return nil, err
		}
		units = append(units, us...)
	}
	// The alternatives of OR groups get what is left of the words' typo
	// tolerance.
	typos := &typoWords{left: maxTypoWords - min(len(tq.words), maxTypoWords)}
	for _, g := range tq.anyOf {
		us, err := ix.anyOfUnits(ctx, snap, an, g, typo, typos, tm.terms)
		if err != nil {
			return nil, err
		}
		units = append(units, us...)
	}
	excluded, err := ix.excluded(ctx, snap, an, tq.not)
	if err != nil {
		return nil, err
	}
	universe := alive // read only: copied only when something is excluded
	if !excluded.IsEmpty() {
		universe = roaring.AndNot(alive, excluded)
	}
	if len(units) == 0 {
		// Text that is nothing but stop words or punctuation matches
		// nothing, as in Bleve's match query; with exclusions, it is
		// every work but the excluded ones ("-otaku").
		tm.all = roaring.New()
		if len(tq.not) > 0 {
			tm.all = universe.Clone()
		}
		return tm, nil
	}
	tm.all = intersect(units)
	words := tq.words
	if drop && !tm.all.Intersects(universe) {
		kept, short := dropWords(units, universe)
		if short < len(words) {
			for wi := short; wi < len(words); wi++ {
				if hasUnit(units, wi) {
					tm.dropped = append(tm.dropped, words[wi])
				}
			}
			units, words = kept, words[:short]
			tm.all = intersect(units)
		}
	}
	tm.all.AndNot(excluded)
	for wi := range words {
		maps.Copy(tm.terms, hl[wi])
	}
	tm.units = units[:min(len(units), maxRankUnits)]
	tm.key = equalKey(strings.Join(append(slices.Clone(words), tq.phrases...), " "))
	return tm, nil
}

// wordsUnits matches the bare words of the text, one or more units a
// word; it reports whether some word's near misses were withheld.
func (ix *Index) wordsUnits(ctx context.Context, snap *snapshot, tq textQuery, typo, correct bool, hl []map[string]bool) ([]unit, bool, error) {
	var units []unit
	withheld := false
	for wi, w := range tq.words {
		hl[wi] = map[string]bool{}
		if err := ctx.Err(); err != nil {
			return nil, false, err
		}
		prefix := typo && tq.lastIsPrefix && wi == len(tq.words)-1
		folded := fold(w)
		var us []unit
		var err error
		if prefix && !hasCJK(w) && len(folded) >= 2 && len(tq.words) == 1 && len(tq.phrases) == 0 && len(ix.textAnalyzer().Analyze([]byte(folded))) == 0 {
			// A stop word still being typed, alone: its completions.
			// After other words it adds nothing, as a finished stop word
			// would: "welcome to the" is "welcome".
			var u unit
			u, err = ix.termUnit(snap, "", folded, wordOpts{prefix: true}, hl[wi])
			us = []unit{u}
		} else {
			// Past maxTypoWords words, words match exactly: a long query
			// stays cheap (Meilisearch stops at ten words altogether).
			o := wordOpts{typo: typo && wi < maxTypoWords, prefix: prefix, correct: correct}
			us, err = ix.synonymUnits(ctx, snap, w, o, hl[wi])
		}
		if err != nil {
			return nil, false, err
		}
		for i := range us {
			us[i].word = wi
			withheld = withheld || us[i].withheld
		}
		units = append(units, us...)
	}
	return units, withheld, nil
}

// synonymUnits matches a bare word, and, when it is one of a group of
// synonyms (catalog.Codebook.Synonyms), any word of its group: one unit
// whose matches by another word count as whole words with no typo.
func (ix *Index) synonymUnits(ctx context.Context, snap *snapshot, w string, o wordOpts, hl map[string]bool) ([]unit, error) {
	own, err := ix.wordUnits(ctx, snap, w, o, hl)
	if err != nil {
		return nil, err
	}
	others := ix.syn.of(w)
	if len(others) == 0 {
		return own, nil
	}
	alts := []alternative{{units: own, whole: true}}
	for _, s := range others {
		us, err := ix.wordUnits(ctx, snap, s, wordOpts{}, hl)
		if err != nil {
			return nil, err
		}
		alts = append(alts, alternative{units: us})
	}
	u, ok := anyOf(alts, true)
	if !ok {
		return nil, nil
	}
	return []unit{u}, nil
}

// wordUnits matches one bare word: a native-script word as a phrase of
// the titles, otherwise each of its analyzed terms (none for a stop word),
// with typo their near misses and with prefix the completions of the last.
// A word whose parts are joined by a mark ("re:zero", "shut-ins") is one
// unit: its joined form, or its parts as a phrase (see wordsTokenizer).
func (ix *Index) wordUnits(ctx context.Context, snap *snapshot, w string, o wordOpts, hl map[string]bool) ([]unit, error) {
	folded := fold(w)
	toks := ix.textAnalyzer().Analyze([]byte(folded))
	if hasCJK(w) {
		u, err := ix.phraseUnit(ctx, snap, w, toks, true)
		return []unit{u}, err
	}
	// The same words unstemmed: the same tokenizer and filters but the
	// stemmer, so token for token.
	surface := ix.surfaceAnalyzer().Analyze([]byte(folded))
	if len(surface) != len(toks) {
		surface = nil
	}
	end := 0
	for _, tok := range toks {
		end = max(end, tok.End)
	}
	// A word of parts joined by a mark is matched by its joined form, or
	// by the parts one after the other, not by each part anywhere.
	joined := slices.ContainsFunc(toks, func(t *analysis.Token) bool { return t.Type == analysis.Shingle })
	var units []unit
	var partToks analysis.TokenStream
	for i, tok := range toks {
		if joined && tok.Type != analysis.Shingle {
			partToks = append(partToks, tok)
			continue
		}
		raw := ""
		if surface != nil {
			raw = string(surface[i].Term)
		}
		to := o
		to.prefix = o.prefix && tok.End == end
		u, err := ix.termUnit(snap, string(tok.Term), raw, to, hl)
		if err != nil {
			return nil, err
		}
		units = append(units, u)
	}
	if !joined {
		return units, nil
	}
	alts := []alternative{{units: units, whole: true}}
	if len(partToks) > 0 && len(partToks) == typedParts(folded) {
		// "re:zero" is "re zero"; the parts say what was typed only if
		// none was a stop word: "shut-in" is not "shut".
		u, err := ix.phraseUnit(ctx, snap, folded, partToks, false)
		if err != nil {
			return nil, err
		}
		alts = append(alts, alternative{units: []unit{u}, whole: true})
		for _, t := range partToks {
			hl[string(t.Term)] = true
		}
	}
	u, ok := anyOf(alts, true)
	if !ok {
		return nil, nil
	}
	return []unit{u}, nil
}

// typedParts is how many parts the tokenizer makes of a word, stop words
// included, its joined forms not.
func typedParts(w string) int {
	n := 0
	for _, tok := range (wordsTokenizer{base: bleveunicode.NewUnicodeTokenizer()}).Tokenize([]byte(w)) {
		if tok.Type != analysis.Shingle {
			n++
		}
	}
	return n
}

// phraseUnits matches one quoted phrase: one unit, or none for stop words.
func (ix *Index) phraseUnits(ctx context.Context, snap *snapshot, an analysis.Analyzer, p string, hl map[string]bool) ([]unit, error) {
	native := hasCJK(p)
	toks := an.Analyze([]byte(fold(p)))
	switch {
	case len(toks) == 0 && !native:
		// Stop words alone add nothing, as unquoted ones do.
		return nil, nil
	case len(toks) == 1 && !native:
		// One word in quotes is that word, exactly: no typo, no
		// prefix, and ranked like a word (own title first).
		u, err := ix.termUnit(snap, string(toks[0].Term), "", wordOpts{}, hl)
		return []unit{u}, err
	}
	u, err := ix.phraseUnit(ctx, snap, p, toks, native)
	if err != nil {
		return nil, err
	}
	for _, tok := range toks {
		hl[string(tok.Term)] = true
	}
	return []unit{u}, nil
}

// termUnits matches a word or a phrase of an operator, without prefix.
func (ix *Index) termUnits(ctx context.Context, snap *snapshot, an analysis.Analyzer, t textTerm, typo bool, hl map[string]bool) ([]unit, error) {
	if t.phrase {
		return ix.phraseUnits(ctx, snap, an, t.text, hl)
	}
	return ix.synonymUnits(ctx, snap, t.text, wordOpts{typo: typo}, hl)
}

// anyOfUnits matches words and phrases joined by OR as one unit (none if
// every one is stop words): the works matching any of them, each at its
// best typo and attribute level. It takes no part in proximity. With typo,
// its words get typo tolerance while typos has some to give.
func (ix *Index) anyOfUnits(ctx context.Context, snap *snapshot, an analysis.Analyzer, g []textTerm, typo bool, typos *typoWords, hl map[string]bool) ([]unit, error) {
	var alts []alternative
	for _, t := range g {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		us, err := ix.termUnits(ctx, snap, an, t, !t.phrase && typos.take(typo), hl)
		if err != nil {
			return nil, err
		}
		alts = append(alts, alternative{units: us, whole: true})
	}
	u, ok := anyOf(alts, false)
	if !ok {
		return nil, nil
	}
	return []unit{u}, nil
}

// alternative is one way for a unit to match: all of its units. Matches
// of an alternative that is not whole (a synonym) are not the word
// itself, for exactness.
type alternative struct {
	units []unit
	whole bool
}

// anyOf is the unit matching any of the alternatives, each work at its
// best typo and attribute level among those it matches; false if no
// alternative has a unit. An alternative of several units counts at the
// levels of its first. With proximity, the unit keeps the terms of every
// alternative, for the proximity rule.
func anyOf(alts []alternative, proximity bool) (unit, bool) {
	out := newUnit()
	out.whole = roaring.New()
	if proximity {
		out.terms = map[string][]string{}
	}
	found := false
	for _, alt := range alts {
		if len(alt.units) == 0 {
			continue
		}
		found = true
		u, all := alt.units[0], intersect(alt.units)
		if alt.whole {
			whole := u.whole
			if whole == nil || u.native != "" {
				whole = u.all
			}
			out.whole.Or(roaring.And(whole, all))
		}
		out.all.Or(all)
		out.primary.Or(roaring.And(u.primary, all))
		for l := range out.typos {
			out.typos[l].Or(roaring.And(u.typos[l], all))
		}
		for a := range out.attrs {
			out.attrs[a].Or(roaring.And(u.attrs[a], all))
		}
		for _, au := range alt.units {
			out.withheld = out.withheld || au.withheld
			if out.terms == nil {
				continue
			}
			for f, ts := range au.terms {
				out.terms[f] = append(out.terms[f], ts...)
			}
		}
	}
	if !found {
		return unit{}, false
	}
	if proximity && len(out.terms) == 0 {
		out.terms = nil
	}
	best(out.typos[:])
	best(out.attrs[:])
	return out, true
}

// excluded returns the works matching any of the excluded words and
// phrases, each matched exactly: no typo, no prefix.
func (ix *Index) excluded(ctx context.Context, snap *snapshot, an analysis.Analyzer, not []textTerm) (*roaring.Bitmap, error) {
	out := roaring.New()
	for _, t := range not {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		us, err := ix.termUnits(ctx, snap, an, t, false, map[string]bool{})
		if err != nil {
			return nil, err
		}
		if len(us) > 0 {
			out.Or(intersect(us))
		}
	}
	return out, nil
}

// intersect returns the works every unit matched, the rarest first.
func intersect(units []unit) *roaring.Bitmap {
	byCount := slices.Clone(units)
	slices.SortStableFunc(byCount, func(a, b unit) int {
		return int(a.all.GetCardinality()) - int(b.all.GetCardinality())
	})
	all := byCount[0].all.Clone()
	for _, u := range byCount[1:] {
		all.And(u.all)
	}
	return all
}

// dropWords keeps the units of the longest run of words from the first
// that still matches some work of universe, with every phrase: it returns
// them and how many words are kept. Phrases are never dropped (quotes ask
// for them), nor the first word: when it matches nothing with the
// phrases, every unit is kept and nothing matches.
//
// The words rule then sees only the kept words, so all hits match the
// same words. Meilisearch goes further: its words rule also ranks, after
// the works matching every word, those matching fewer (right to left);
// here works matching more words than the kept ones cannot exist (then
// all would have matched), and works matching fewer are not shown.
func dropWords(units []unit, universe *roaring.Bitmap) ([]unit, int) {
	acc := universe.Clone()
	for _, u := range units {
		if u.word < 0 {
			acc.And(u.all)
		}
	}
	kept := 0
	for i := 0; i < len(units); {
		if units[i].word < 0 {
			i++
			continue
		}
		// The units of one word go together: "re:zero" is two.
		wi, next := units[i].word, acc.Clone()
		for ; i < len(units) && units[i].word == wi; i++ {
			next.And(units[i].all)
		}
		if next.IsEmpty() {
			break
		}
		acc, kept = next, wi+1
	}
	if kept == 0 {
		return units, math.MaxInt
	}
	out := make([]unit, 0, len(units))
	for _, u := range units {
		if u.word < kept {
			out = append(out, u)
		}
	}
	return out, kept
}

// hasUnit reports whether word wi made a unit.
func hasUnit(units []unit, wi int) bool {
	return slices.ContainsFunc(units, func(u unit) bool { return u.word == wi })
}

// attrOf is the attribute of a field a word is matched in.
var attrOf = map[string]int{
	fieldPrimary: attrOwnTitle,
	fieldTitle:   attrAltTitle,
	fieldNames:   attrNames,
	fieldTopics:  attrTopics,
	fieldBody:    attrBody,
}

// unitKey names what termUnit computes.
type unitKey struct {
	term, raw string
	o         wordOpts
}

// cachedUnit is a unit termUnit made, with the terms it marked for
// highlighting.
type cachedUnit struct {
	u  unit
	hl []string
}

// size is about how many bytes the unit's bitmaps take.
func (c cachedUnit) size() uint64 {
	n := c.u.all.GetSizeInBytes() + c.u.primary.GetSizeInBytes()
	for _, b := range c.u.typos {
		n += b.GetSizeInBytes()
	}
	for _, b := range c.u.attrs {
		n += b.GetSizeInBytes()
	}
	if c.u.whole != nil {
		n += c.u.whole.GetSizeInBytes()
	}
	return n
}

// termUnit matches one analyzed term, and its near misses, completions
// and long-vowel spellings as o allows (see wordTerms), in every text
// field. A frequent word's unit is costly to make (a dozen bitmaps of
// many works) and the same in every search of a snapshot, so it is made
// once a snapshot: units are not changed once made.
func (ix *Index) termUnit(snap *snapshot, term, raw string, o wordOpts, hl map[string]bool) (unit, error) {
	key := unitKey{term, raw, o}
	if c, ok := snap.unitCache.get(key); ok {
		for _, t := range c.hl {
			hl[t] = true
		}
		return c.u, nil
	}
	marked := map[string]bool{}
	u, err := ix.makeTermUnit(snap, term, raw, o, marked)
	if err != nil {
		return u, err
	}
	c := cachedUnit{u: u, hl: make([]string, 0, len(marked))}
	for t := range marked {
		hl[t] = true
		c.hl = append(c.hl, t)
	}
	snap.unitCache.put(key, c, c.size(), unitCacheBytes)
	return u, nil
}

// makeTermUnit is termUnit, uncached.
func (ix *Index) makeTermUnit(snap *snapshot, term, raw string, o wordOpts, hl map[string]bool) (unit, error) {
	u := newUnit()
	u.whole = roaring.New()
	u.terms = map[string][]string{}
	w, err := newWordTerms(snap, term, raw, o)
	if err != nil {
		return u, err
	}
	u.withheld = w.withheld
	// The primary field repeats the work's own titles (with "N.H.K." also
	// as "NHK"), to rank them above alternate titles.
	for _, f := range append(textFields[:len(textFields):len(textFields)], fieldPrimary) {
		levels := w.terms(f)
		matched := roaring.New()
		for l, ts := range levels {
			bm := roaring.New()
			if err := snap.postings(f, ts, bm); err != nil {
				return u, err
			}
			u.typos[l].Or(bm)
			matched.Or(bm)
		}
		if term != "" {
			if err := snap.postings(f, []string{term}, u.whole); err != nil {
				return u, err
			}
		}
		if matched.IsEmpty() {
			continue
		}
		var all []string
		for _, ts := range levels {
			for _, t := range ts {
				hl[t] = true
			}
			all = append(all, ts...)
		}
		if f == fieldPrimary {
			u.primary.Or(matched)
		}
		if slices.Contains(phraseFields, f) {
			u.terms[f] = all
		}
		u.attrs[attrOf[f]].Or(matched)
		u.all.Or(matched)
	}
	best(u.typos[:])
	best(u.attrs[:])
	return u, nil
}

// phraseUnit matches a phrase, whose text analysis is toks, in the
// Latin-script fields, or a native-script word or phrase in the titles.
func (ix *Index) phraseUnit(ctx context.Context, snap *snapshot, text string, toks analysis.TokenStream, native bool) (unit, error) {
	u := newUnit()
	if native {
		u.native = text
		if err := snap.phrase(ctx, ix.m, fieldNative, nativeAnalyzer, text, u.attrs[attrNative]); err != nil {
			return u, err
		}
	}
	var terms []string
	var offsets []int
	for _, t := range toks {
		terms = append(terms, string(t.Term))
		offsets = append(offsets, t.Position-toks[0].Position)
	}
	for _, f := range phraseFields {
		if err := ctx.Err(); err != nil {
			return u, err
		}
		bm := roaring.New()
		if err := snap.phraseTerms(ctx, f, terms, offsets, bm); err != nil {
			return u, err
		}
		u.all.Or(bm)
		if f != fieldTitle {
			u.attrs[attrOf[f]].Or(bm)
			continue
		}
		u.attrs[attrAltTitle].Or(bm)
		// The primary field keeps no positions: a phrase in a title whose
		// own title holds all its words counts as in the own title.
		own := bm.Clone()
		for _, t := range terms {
			if own.IsEmpty() {
				break
			}
			pb := roaring.New()
			if err := snap.postings(fieldPrimary, []string{t}, pb); err != nil {
				return u, err
			}
			own.And(pb)
		}
		u.attrs[attrOwnTitle].Or(own)
	}
	u.all.Or(u.attrs[attrNative])
	u.primary = roaring.Or(u.attrs[attrOwnTitle], u.attrs[attrNative])
	u.typos[0] = u.all.Clone()
	best(u.attrs[:])
	return u, nil
}
