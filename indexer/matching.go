package indexer

import (
	"context"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/analysis"
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

// matchText turns the text into bitmaps, unit by unit, within alive (the
// works that may match). With drop, words are dropped from the end when
// all of them match none of it (dropWords).
func (ix *Index) matchText(ctx context.Context, snap *snapshot, tq textQuery, typo bool, alive *roaring.Bitmap, drop bool) (*textMatch, error) {
	an := ix.textAnalyzer()
	tm := &textMatch{terms: map[string]bool{}}
	var units []unit
	// hl[wi] are the terms word wi matched, highlighted only if it is kept.
	hl := make([]map[string]bool, len(tq.words))
	for wi, w := range tq.words {
		hl[wi] = map[string]bool{}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		prefix := typo && tq.lastIsPrefix && wi == len(tq.words)-1
		folded := fold(w)
		var us []unit
		var err error
		if prefix && !hasCJK(w) && len(folded) >= 2 && len(tq.words) == 1 && len(tq.phrases) == 0 && len(an.Analyze([]byte(folded))) == 0 {
			// A stop word still being typed, alone: its completions.
			// After other words it adds nothing, as a finished stop word
			// would: "welcome to the" is "welcome".
			var u unit
			u, err = ix.termUnit(snap, "", folded, false, true, hl[wi])
			us = []unit{u}
		} else {
			// Past maxTypoWords words, words match exactly: a long query
			// stays cheap (Meilisearch stops at ten words altogether).
			us, err = ix.wordUnits(ctx, snap, an, w, typo && wi < maxTypoWords, prefix, hl[wi])
		}
		if err != nil {
			return nil, err
		}
		for i := range us {
			us[i].word = wi
		}
		units = append(units, us...)
	}
	for _, p := range tq.phrases {
		us, err := ix.phraseUnits(ctx, snap, an, p, tm.terms)
		if err != nil {
			return nil, err
		}
		units = append(units, us...)
	}
	for _, g := range tq.anyOf {
		us, err := ix.anyOfUnits(ctx, snap, an, g, typo, tm.terms)
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

// wordUnits matches one bare word: a native-script word as a phrase of
// the titles, otherwise each of its analyzed terms (none for a stop word),
// with typo their near misses and with prefix the completions of the last.
func (ix *Index) wordUnits(ctx context.Context, snap *snapshot, an analysis.Analyzer, w string, typo, prefix bool, hl map[string]bool) ([]unit, error) {
	folded := fold(w)
	toks := an.Analyze([]byte(folded))
	if hasCJK(w) {
		u, err := ix.phraseUnit(ctx, snap, w, toks, true)
		return []unit{u}, err
	}
	var units []unit
	for ti, tok := range toks {
		raw := folded
		if tok.Start >= 0 && tok.End <= len(folded) && tok.Start < tok.End {
			raw = folded[tok.Start:tok.End]
		}
		u, err := ix.termUnit(snap, string(tok.Term), raw, typo, prefix && ti == len(toks)-1, hl)
		if err != nil {
			return nil, err
		}
		units = append(units, u)
	}
	return units, nil
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
		u, err := ix.termUnit(snap, string(toks[0].Term), "", false, false, hl)
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
	return ix.wordUnits(ctx, snap, an, t.text, typo, false, hl)
}

// anyOfUnits matches words and phrases joined by OR as one unit (none if
// every one is stop words): the works matching any of them, each at its
// best typo and attribute level. It takes no part in proximity, and a
// word of several terms ("re:zero") counts at the levels of its first.
func (ix *Index) anyOfUnits(ctx context.Context, snap *snapshot, an analysis.Analyzer, g []textTerm, typo bool, hl map[string]bool) ([]unit, error) {
	out := newUnit()
	out.whole = roaring.New()
	found := false
	for _, t := range g {
		us, err := ix.termUnits(ctx, snap, an, t, typo, hl)
		if err != nil {
			return nil, err
		}
		if len(us) == 0 {
			continue
		}
		found = true
		u, all := us[0], intersect(us)
		whole := u.whole
		if whole == nil || u.native != "" {
			whole = u.all
		}
		out.all.Or(all)
		out.whole.Or(roaring.And(whole, all))
		out.primary.Or(roaring.And(u.primary, all))
		for l := range out.typos {
			out.typos[l].Or(roaring.And(u.typos[l], all))
		}
		for a := range out.attrs {
			out.attrs[a].Or(roaring.And(u.attrs[a], all))
		}
	}
	if !found {
		return nil, nil
	}
	best(out.typos[:])
	best(out.attrs[:])
	return []unit{out}, nil
}

// excluded returns the works matching any of the excluded words and
// phrases, each matched exactly: no typo, no prefix.
func (ix *Index) excluded(ctx context.Context, snap *snapshot, an analysis.Analyzer, not []textTerm) (*roaring.Bitmap, error) {
	out := roaring.New()
	for _, t := range not {
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

// termUnit matches one analyzed term (and, with typo, its near misses;
// with prefix, the completions of raw) in every text field.
func (ix *Index) termUnit(snap *snapshot, term, raw string, typo, prefix bool, hl map[string]bool) (unit, error) {
	u := newUnit()
	u.whole = roaring.New()
	u.terms = map[string][]string{}
	w, err := newWordTerms(term, raw, typo, prefix)
	if err != nil {
		return u, err
	}
	// The primary field repeats the work's own titles (with "N.H.K." also
	// as "NHK"), to rank them above alternate titles.
	for _, f := range append(textFields[:len(textFields):len(textFields)], fieldPrimary) {
		exact, fuzzy, err := w.expand(snap, f)
		if err != nil {
			return u, err
		}
		var byTypos [3][]string
		byTypos[0] = exact
		for _, t := range fuzzy {
			l := w.typos(t)
			byTypos[l] = append(byTypos[l], t)
		}
		matched := roaring.New()
		for l, ts := range byTypos {
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
		for _, t := range exact {
			hl[t] = true
		}
		for _, t := range fuzzy {
			hl[t] = true
		}
		if f == fieldPrimary {
			u.primary.Or(matched)
		}
		if slices.Contains(phraseFields, f) {
			u.terms[f] = append(exact, fuzzy...)
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
		if err := snap.phrase(ctx, ix.bi, fieldNative, nativeAnalyzer, text, u.attrs[attrNative]); err != nil {
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
		bm := roaring.New()
		if err := snap.phraseTerms(f, terms, offsets, bm); err != nil {
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
