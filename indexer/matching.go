package indexer

import (
	"context"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/analysis"
)

// textMatch is what a query's text matched.
type textMatch struct {
	all   *roaring.Bitmap   // every unit matched
	exact *roaring.Bitmap   // every unit matched without a typo
	title []*roaring.Bitmap // per unit: matched in a title
	// primary is the works whose own title (not an alternate title)
	// holds every unit.
	primary *roaring.Bitmap
	// terms are the index terms the text matched, for highlights.
	terms map[string]bool
}

// unit is one required part of the text: a word's term, a phrase, a
// native-script word.
type unit struct {
	all, exact, title, primary *roaring.Bitmap
}

func (ix *Index) textAnalyzer() analysis.Analyzer { return ix.m.AnalyzerNamed(textAnalyzer) }

// matchText turns the text into bitmaps, unit by unit.
func (ix *Index) matchText(ctx context.Context, snap *snapshot, tq textQuery, typo bool) (*textMatch, error) {
	an := ix.textAnalyzer()
	tm := &textMatch{terms: map[string]bool{}}
	var units []unit
	for wi, w := range tq.words {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		prefix := typo && tq.lastIsPrefix && wi == len(tq.words)-1
		// Past maxTypoWords words, words match exactly: a long query
		// stays cheap (Meilisearch stops at ten words altogether).
		typo := typo && wi < maxTypoWords
		folded := fold(w)
		toks := an.Analyze([]byte(folded))
		if hasCJK(w) {
			u, err := ix.phraseUnit(ctx, snap, w, toks, true)
			if err != nil {
				return nil, err
			}
			units = append(units, u)
			continue
		}
		if len(toks) == 0 && prefix && len(folded) >= 2 && len(tq.words) == 1 && len(tq.phrases) == 0 {
			// A stop word still being typed, alone: its completions.
			// After other words it adds nothing, as a finished stop word
			// would: "welcome to the" is "welcome".
			u, err := ix.termUnit(snap, "", folded, false, true, tm.terms)
			if err != nil {
				return nil, err
			}
			units = append(units, u)
			continue
		}
		for ti, tok := range toks {
			raw := folded
			if tok.Start >= 0 && tok.End <= len(folded) && tok.Start < tok.End {
				raw = folded[tok.Start:tok.End]
			}
			u, err := ix.termUnit(snap, string(tok.Term), raw, typo, prefix && ti == len(toks)-1, tm.terms)
			if err != nil {
				return nil, err
			}
			units = append(units, u)
		}
	}
	for _, p := range tq.phrases {
		native := hasCJK(p)
		toks := an.Analyze([]byte(fold(p)))
		switch {
		case len(toks) == 0 && !native:
			// Stop words alone add nothing, as unquoted ones do.
			continue
		case len(toks) == 1 && !native:
			// One word in quotes is that word, exactly: no typo, no
			// prefix, and ranked like a word (own title first).
			u, err := ix.termUnit(snap, string(toks[0].Term), "", false, false, tm.terms)
			if err != nil {
				return nil, err
			}
			units = append(units, u)
			continue
		}
		u, err := ix.phraseUnit(ctx, snap, p, toks, native)
		if err != nil {
			return nil, err
		}
		for _, tok := range toks {
			tm.terms[string(tok.Term)] = true
		}
		units = append(units, u)
	}
	if len(units) == 0 {
		// Text that is nothing but stop words or punctuation matches
		// nothing, as in Bleve's match query.
		tm.all, tm.exact, tm.primary = roaring.New(), roaring.New(), roaring.New()
		return tm, nil
	}
	// Intersect the rarest first.
	slices.SortStableFunc(units, func(a, b unit) int {
		return int(a.all.GetCardinality()) - int(b.all.GetCardinality())
	})
	tm.all = units[0].all.Clone()
	tm.exact = units[0].exact.Clone()
	for _, u := range units[1:] {
		tm.all.And(u.all)
		tm.exact.And(u.exact)
	}
	tm.primary = units[0].primary.Clone()
	for i, u := range units {
		if i > 0 {
			tm.primary.And(u.primary)
		}
		if i < maxRankUnits {
			tm.title = append(tm.title, u.title)
		}
	}
	return tm, nil
}

// termUnit matches one analyzed term (and, with typo, its near misses;
// with prefix, the completions of raw) in every text field.
func (ix *Index) termUnit(snap *snapshot, term, raw string, typo, prefix bool, hl map[string]bool) (unit, error) {
	u := unit{all: roaring.New(), exact: roaring.New(), title: roaring.New(), primary: roaring.New()}
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
		ex := roaring.New()
		if err := snap.postings(f, exact, ex); err != nil {
			return u, err
		}
		fz := roaring.New()
		if err := snap.postings(f, fuzzy, fz); err != nil {
			return u, err
		}
		if f == fieldPrimary {
			u.primary.Or(ex)
			u.primary.Or(fz)
		}
		if !ex.IsEmpty() || !fz.IsEmpty() {
			for _, t := range exact {
				hl[t] = true
			}
			for _, t := range fuzzy {
				hl[t] = true
			}
		}
		u.exact.Or(ex)
		u.all.Or(ex)
		u.all.Or(fz)
		if f == fieldTitle || f == fieldPrimary {
			u.title.Or(ex)
			u.title.Or(fz)
		}
	}
	return u, nil
}

// phraseUnit matches a phrase, whose text analysis is toks, in the
// Latin-script fields, or a native-script word or phrase in the titles.
func (ix *Index) phraseUnit(ctx context.Context, snap *snapshot, text string, toks analysis.TokenStream, native bool) (unit, error) {
	u := unit{all: roaring.New(), title: roaring.New()}
	if native {
		if err := snap.phrase(ctx, ix.bi, fieldNative, nativeAnalyzer, text, u.title); err != nil {
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
		if f == fieldTitle {
			u.title.Or(bm)
		}
		u.all.Or(bm)
	}
	u.all.Or(u.title)
	u.exact = u.all
	// The primary field keeps no positions: a phrase in any title counts.
	u.primary = u.title
	return u, nil
}
