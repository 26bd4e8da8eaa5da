package indexer

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/vellum"
	"github.com/komoru/komoru/catalog"
)

// Limits on how far one query word expands.
const (
	maxPrefixTerms = 200
	maxFuzzyTerms  = 200
	maxRankUnits   = 8  // units past this many do not refine the ranking
	maxTypoWords   = 10 // words past this many get no typo tolerance
)

// Search runs a query. It validates it first: a bad query is a
// *catalog.ValidationError.
func (ix *Index) Search(ctx context.Context, q Query) (*Result, error) {
	if err := q.Validate(ix.cb); err != nil {
		return nil, err
	}
	q.setDefaults()
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.st == nil || ix.snap == nil {
		return nil, errClosed
	}
	st, snap := ix.st, ix.snap

	// base: alive, matching the text and the year range; the filters
	// come on top of it, one facet at a time.
	base := st.alive.Clone()
	tq := parseText(q.Text)
	var tm *textMatch
	if !tq.empty() {
		var err error
		if tm, err = ix.matchText(ctx, snap, tq, q.Typo); err != nil {
			return nil, err
		}
		base.And(tm.all)
	}
	if q.YearFrom > 0 || q.YearTo > 0 {
		base.And(st.yearRange(q.YearFrom, q.YearTo))
	}
	filters := map[string]*roaring.Bitmap{}
	for f, vs := range q.Filters {
		if len(vs) == 0 {
			continue
		}
		bms := make([]*roaring.Bitmap, 0, len(vs))
		for _, v := range vs {
			if c, ok := st.codeOf[f][v]; ok {
				bms = append(bms, st.values[c].bm)
			}
		}
		filters[f] = roaring.FastOr(bms...)
	}
	res := base.Clone()
	for _, fb := range filters {
		res.And(fb)
	}
	total := int(res.GetCardinality())

	out := &Result{Total: total, Page: q.Page, Size: q.Size}
	out.Facets = st.countFacets(ix.cb, q, base, res, filters)

	offset := (q.Page - 1) * q.Size
	var page []uint32
	if offset < total {
		if q.Sort == SortRelevance && tm != nil {
			page = st.pickBuckets(tm.buckets(res), offset, q.Size)
		} else {
			page = st.pickSorted(res, q.Sort, offset, q.Size)
		}
	}
	var ht *highlightTerms
	if tm != nil && len(tm.terms) > 0 {
		ht = newHighlightTerms(tm.terms)
	}
	for _, o := range page {
		out.Hits = append(out.Hits, ix.hit(snap, st, o, ht))
	}
	return out, ctx.Err()
}

// yearRange returns the works whose year is within [from, to]; 0 leaves
// an end open.
func (s *state) yearRange(from, to int) *roaring.Bitmap {
	var bms []*roaring.Bitmap
	for y, bm := range s.years {
		if (from == 0 || y >= from) && (to == 0 || y <= to) {
			bms = append(bms, bm)
		}
	}
	return roaring.FastOr(bms...)
}

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
	budget := 0
	if typo && term != "" {
		budget = typoBudget(raw)
	}
	// A typo on the first letter counts as two, as in Meilisearch: near
	// misses share the first letter (lev), except that a word long enough
	// for two typos may have its first letter wrong and the rest right
	// (firstLev: one edit, which a changed first letter puts there).
	var lev, firstLev vellum.Automaton
	var first string
	if budget > 0 {
		var err error
		if lev, err = fuzzyAutomaton(term, budget); err != nil {
			return u, err
		}
		if budget == 2 {
			if firstLev, err = fuzzyAutomaton(term, 1); err != nil {
				return u, err
			}
		}
		_, n := utf8.DecodeRuneInString(term)
		first = term[:n]
	}
	// The primary field repeats the work's own titles (with "N.H.K." also
	// as "NHK"), to rank them above alternate titles.
	for _, f := range append(textFields[:len(textFields):len(textFields)], fieldPrimary) {
		var exact []string
		if term != "" {
			exact = append(exact, term)
		}
		if prefix && raw != "" {
			more, err := snap.expand(f, nil, raw, maxPrefixTerms)
			if err != nil {
				return u, err
			}
			exact = append(exact, more...)
		}
		var fuzzy []string
		// Names are many and rarely mistyped: no typos there.
		if lev != nil && f != fieldNames {
			more, err := snap.expand(f, lev, first, maxFuzzyTerms)
			if err != nil {
				return u, err
			}
			if firstLev != nil {
				other, err := snap.expand(f, firstLev, "", maxFuzzyTerms)
				if err != nil {
					return u, err
				}
				for _, t := range other {
					if !strings.HasPrefix(t, first) {
						more = append(more, t)
					}
				}
			}
			for _, t := range more {
				if t != term {
					fuzzy = append(fuzzy, t)
				}
			}
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

// buckets splits a result into relevance tiers, best first: works that
// matched every word without a typo before the others; within each, works
// with more of the words in a title first; then works whose own title (not
// an alternate one) holds every word. Within a bucket the id decides.
func (tm *textMatch) buckets(res *roaring.Bitmap) []*roaring.Bitmap {
	n := len(tm.title)
	// atLeast[k]: works of res with at least k units in a title.
	atLeast := make([]*roaring.Bitmap, n+2)
	atLeast[0] = res
	for k := 1; k <= n+1; k++ {
		atLeast[k] = roaring.New()
	}
	for _, t := range tm.title {
		for k := n; k >= 1; k-- {
			atLeast[k].Or(roaring.And(atLeast[k-1], t))
		}
	}
	var out []*roaring.Bitmap
	exact := roaring.And(res, tm.exact)
	fuzzy := roaring.AndNot(res, tm.exact)
	for _, tier := range []*roaring.Bitmap{exact, fuzzy} {
		if tier.IsEmpty() {
			continue
		}
		for k := n; k >= 0; k-- {
			b := roaring.And(tier, atLeast[k])
			b.AndNot(atLeast[k+1])
			// Within a bucket, works whose own title holds every word
			// come before those matched by an alternate title.
			own := roaring.And(b, tm.primary)
			b.AndNot(own)
			for _, part := range []*roaring.Bitmap{own, b} {
				if !part.IsEmpty() {
					out = append(out, part)
				}
			}
		}
	}
	return out
}

// pickBuckets returns size ordinals from offset of the buckets in turn,
// each in id order; earlier buckets are skipped by their counts.
func (s *state) pickBuckets(buckets []*roaring.Bitmap, offset, size int) []uint32 {
	var out []uint32
	for _, b := range buckets {
		c := int(b.GetCardinality())
		if offset >= c {
			offset -= c
			continue
		}
		got := s.pick(b, c, s.orders.byID, s.orders.rankID, true, offset, size-len(out))
		out = append(out, got...)
		offset = 0
		if len(out) >= size {
			break
		}
	}
	return out
}

// pickSorted returns size ordinals of res from offset in a sort order.
func (s *state) pickSorted(res *roaring.Bitmap, sort string, offset, size int) []uint32 {
	c := int(res.GetCardinality())
	switch sort {
	case SortYear:
		return s.pick(res, c, s.orders.byYear, s.orders.rankYear, false, offset, size)
	case SortYearDesc:
		return s.pick(res, c, s.orders.byYearDesc, s.orders.rankYearDesc, false, offset, size)
	case SortTitle:
		return s.pick(res, c, s.orders.byTitle, s.orders.rankTitle, false, offset, size)
	}
	return s.pick(res, c, s.orders.byID, s.orders.rankID, true, offset, size)
}

// pick returns up to n ordinals of bm (of cardinality c) from position
// offset in the order given by order and rank. It never loads the
// earlier hits: in id order it selects by rank in the bitmap itself;
// otherwise it walks the precomputed order when bm is dense, and sorts
// bm alone when it is sparse.
func (s *state) pick(bm *roaring.Bitmap, c int, order, rank []uint32, byID bool, offset, n int) []uint32 {
	if offset >= c || n <= 0 {
		return nil
	}
	out := make([]uint32, 0, min(n, c-offset))
	switch {
	case byID && s.idOrdered:
		first, err := bm.Select(uint32(offset))
		if err != nil {
			return nil
		}
		it := bm.Iterator()
		it.AdvanceIfNeeded(first)
		for it.HasNext() && len(out) < n {
			out = append(out, it.Next())
		}
	case c*16 >= len(order):
		skip := offset
		for _, o := range order {
			if !bm.Contains(o) {
				continue
			}
			if skip > 0 {
				skip--
				continue
			}
			out = append(out, o)
			if len(out) == n {
				break
			}
		}
	default:
		all := bm.ToArray()
		slices.SortFunc(all, func(a, b uint32) int { return int(rank[a]) - int(rank[b]) })
		out = append(out, all[offset:min(offset+n, len(all))]...)
	}
	return out
}

// hit builds the hit of one ordinal.
func (ix *Index) hit(snap *snapshot, st *state, o uint32, ht *highlightTerms) Hit {
	d := &st.docs[o]
	h := Hit{ID: st.ids[o], Year: d.year}
	// Titles are read from the stored document: only a page of hits
	// needs them, so they are not kept in memory.
	if mb, err := snap.stored(o, fieldMeta); err == nil {
		var m meta
		if json.Unmarshal([]byte(mb), &m) == nil {
			h.Title, h.OriginalTitle = m.Title, m.Original
		}
	}
	if ms := st.valuesOf(o, catalog.FacetMedium); len(ms) > 0 {
		h.Medium = ms[0]
	}
	h.Portrayal = catalog.Portrayal{}
	for _, dim := range ix.cb.Dimensions {
		vs := st.valuesOf(o, dim.ID)
		switch {
		case dim.Multi && vs != nil:
			h.Portrayal[dim.ID] = catalog.Coding{Values: vs}
		case len(vs) > 0:
			h.Portrayal[dim.ID] = catalog.Coding{Value: vs[0]}
		}
	}
	if ht != nil {
		an := ix.textAnalyzer()
		h.Highlights = map[string][]string{}
		if t, ok := highlight(an, h.Title, ht, 0); ok {
			h.Highlights["title"] = []string{t}
		}
		if syn, err := snap.stored(o, fieldSynopsis); err == nil && syn != "" {
			if t, ok := highlight(an, syn, ht, synopsisFragment); ok {
				h.Highlights["synopsis"] = []string{t}
			}
		}
		if len(h.Highlights) == 0 {
			h.Highlights = nil
		}
	}
	return h
}
