package indexer

import (
	"context"
	"slices"
	"strings"
	"unicode"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/komoru/komoru/catalog"
)

// A rule splits a bucket of equally ranked works into smaller buckets,
// best first, as Meilisearch's ranking rules do. Each sub-bucket carries
// the rule's value for its works (typos, a field's rank, a distance), which
// explain reports.
type rule struct {
	name  string
	split func(r *ranker, b *roaring.Bitmap) ([]bucket, error)
}

// bucket is some works a rule ranks alike, and the rule's value for them.
type bucket struct {
	bm    *roaring.Bitmap
	value int
}

// rankingRules are applied in turn, each inside the buckets of the one
// before; id order decides inside the last buckets. Meilisearch's default
// order, less its sort rule (a sort other than relevance replaces them all),
// and then komoru's own tie-break, coding.
var rankingRules = []rule{
	{"words", (*ranker).words},
	{"typo", (*ranker).typo},
	{"proximity", (*ranker).proximity},
	{"attribute", (*ranker).attribute},
	{"exactness", (*ranker).exactness},
	{"coding", (*ranker).coding},
}

// Bounds on the rules that read documents: a bucket larger than this is
// left unsplit by them, so that a frequent word stays cheap.
const (
	maxProximityDocs  = 300 // proximity reads positions of every candidate
	maxProximityTerms = 64  // ... of every term the words matched
	maxReadDocs       = 300 // exactness of a native word reads original titles
)

// ranker is what the rules read: the text match, the in-memory state and
// the snapshot. It lives for one search, whose context it keeps for the
// rules that loop over candidates.
type ranker struct {
	ctx  context.Context
	tm   *textMatch
	st   *state
	snap *snapshot
}

// RankingStep is where one rule put a hit: in which of its buckets, best
// first, out of how many, and the rule's value for it.
type RankingStep struct {
	Rule   string
	Bucket int
	Of     int
	Value  int
}

// bucketSorter takes one page of a result through the rules. Buckets that
// end before the page are skipped by their counts and buckets after it are
// never split: only the page's buckets are ranked.
type bucketSorter struct {
	r       *ranker
	rules   []rule
	offset  int
	size    int
	explain bool
	path    []RankingStep
	out     []uint32
	why     [][]RankingStep
}

// sortPage returns size ordinals of res from offset in rule order, and
// with explain each one's steps through the rules.
func (r *ranker) sortPage(rules []rule, res *roaring.Bitmap, offset, size int, explain bool) ([]uint32, [][]RankingStep, error) {
	s := &bucketSorter{r: r, rules: rules, offset: offset, size: size, explain: explain}
	err := s.visit(res, 0)
	return s.out, s.why, err
}

func (s *bucketSorter) visit(b *roaring.Bitmap, depth int) error {
	c := int(b.GetCardinality())
	if s.offset >= c {
		s.offset -= c
		return nil
	}
	if depth == len(s.rules) || (c == 1 && !s.explain) {
		st := s.r.st
		got := st.pick(b, c, st.orders.byID, st.orders.rankID, true, s.offset, s.size-len(s.out))
		s.offset = 0
		s.out = append(s.out, got...)
		for range got {
			if s.explain {
				s.why = append(s.why, slices.Clone(s.path))
			}
		}
		return nil
	}
	if err := s.r.ctx.Err(); err != nil {
		return err
	}
	subs, err := s.rules[depth].split(s.r, b)
	if err != nil {
		return err
	}
	for i, sb := range subs {
		if len(s.out) >= s.size {
			break
		}
		if s.explain {
			s.path = append(s.path[:depth], RankingStep{Rule: s.rules[depth].name, Bucket: i, Of: len(subs), Value: sb.value})
		}
		if err := s.visit(sb.bm, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// words ranks by how many words matched, most first. With words dropped
// (Query.Matching), every hit matches the same kept words (dropWords says
// how that differs from Meilisearch's buckets), so it is one bucket.
func (r *ranker) words(b *roaring.Bitmap) ([]bucket, error) {
	return []bucket{{b, len(r.tm.units)}}, nil
}

// typo ranks by typos, fewest first: a work's typos are, summed over the
// words, the fewest with which it matches each.
func (r *ranker) typo(b *roaring.Bitmap) ([]bucket, error) {
	levels := make([][]*roaring.Bitmap, len(r.tm.units))
	for i, u := range r.tm.units {
		levels[i] = u.typos[:]
	}
	return sumBuckets(b, levels), nil
}

// attribute ranks by the fields the words matched in, best first: summed
// over the words, the rank of the best field each matched in (own title,
// original title, alternate title, names, synopsis and evidence).
func (r *ranker) attribute(b *roaring.Bitmap) ([]bucket, error) {
	levels := make([][]*roaring.Bitmap, len(r.tm.units))
	for i, u := range r.tm.units {
		levels[i] = u.attrs[:]
	}
	return sumBuckets(b, levels), nil
}

// sumBuckets splits b by a per-unit level summed over the units, lowest
// first; levels[i][l] is the works at level l for unit i, disjoint, and
// covering b. It adds unit by unit, keeping a bitmap per partial sum.
func sumBuckets(b *roaring.Bitmap, levels [][]*roaring.Bitmap) []bucket {
	sums := []*roaring.Bitmap{b}
	for _, ls := range levels {
		if only0(b, ls) {
			continue
		}
		next := make([]*roaring.Bitmap, len(sums)+len(ls)-1)
		for k, part := range sums {
			if part == nil {
				continue
			}
			for l, lb := range ls {
				x := roaring.And(part, lb)
				if x.IsEmpty() {
					continue
				}
				if next[k+l] == nil {
					next[k+l] = x
				} else {
					next[k+l].Or(x)
				}
			}
		}
		sums = next
	}
	var out []bucket
	for k, part := range sums {
		if part != nil && !part.IsEmpty() {
			out = append(out, bucket{part, k})
		}
	}
	return out
}

// only0 reports whether every work of b is at level 0.
func only0(b *roaring.Bitmap, ls []*roaring.Bitmap) bool {
	for _, lb := range ls[1:] {
		if b.Intersects(lb) {
			return false
		}
	}
	return true
}

// exactness ranks works with a title equal to the query first, then by
// how many words matched as typed (a whole word, not a completion or a
// near miss; a native word at word boundaries of the original title), most
// first.
func (r *ranker) exactness(b *roaring.Bitmap) ([]bucket, error) {
	eq, err := r.equalTitles(b)
	if err != nil {
		return nil, err
	}
	rest := roaring.AndNot(b, eq)
	n := len(r.tm.units)
	// atLeast[k]: works of rest with at least k whole units.
	atLeast := make([]*roaring.Bitmap, n+2)
	atLeast[0] = rest
	for k := 1; k <= n+1; k++ {
		atLeast[k] = roaring.New()
	}
	for _, u := range r.tm.units {
		whole, err := r.whole(u, rest)
		if err != nil {
			return nil, err
		}
		for k := n; k >= 1; k-- {
			atLeast[k].Or(roaring.And(atLeast[k-1], whole))
		}
	}
	var out []bucket
	if !eq.IsEmpty() {
		out = append(out, bucket{eq, n + 1})
	}
	for k := n; k >= 0; k-- {
		part := roaring.AndNot(atLeast[k], atLeast[k+1])
		if !part.IsEmpty() {
			out = append(out, bucket{part, k})
		}
	}
	return out, nil
}

// coding ranks coded works before partly coded ones before works not coded
// yet, among works the text rules tie: an entry still to be coded should not
// stand level with a finished one, yet a better text match still wins. Its
// value is the status's place in the coding_status facet's display order
// (0 coded, 1 partial, 2 uncoded). It reads the facet's bitmaps, so it costs
// one intersection per status.
func (r *ranker) coding(b *roaring.Bitmap) ([]bucket, error) {
	var out []bucket
	rest := b
	for i, c := range r.st.facets[catalog.FacetCodingStatus] {
		part := roaring.And(rest, r.st.values[c].bm)
		if part.IsEmpty() {
			continue
		}
		out = append(out, bucket{part, i})
		rest = roaring.AndNot(rest, part)
	}
	if !rest.IsEmpty() {
		// Not reached: every work has a status. Kept last, not lost.
		out = append(out, bucket{rest, len(r.st.facets[catalog.FacetCodingStatus])})
	}
	return out, nil
}

// whole returns the works of b where u matched as typed.
func (r *ranker) whole(u unit, b *roaring.Bitmap) (*roaring.Bitmap, error) {
	switch {
	case u.native != "":
		return r.nativeWhole(u, b)
	case u.whole != nil:
		return roaring.And(b, u.whole), nil
	}
	return b, nil
}

// nativeWhole returns the works of b matched by a native-script unit
// outside its original title, or in it at word boundaries ("くま" in
// "くまクマ熊ベアー", not in "書くまで"). Past maxReadDocs works it does not
// read titles and counts every match whole.
func (r *ranker) nativeWhole(u unit, b *roaring.Bitmap) (*roaring.Bitmap, error) {
	out := roaring.AndNot(b, u.attrs[attrNative])
	in := roaring.And(b, u.attrs[attrNative])
	if in.GetCardinality() > maxReadDocs {
		out.Or(in)
		return out, nil
	}
	for it := in.Iterator(); it.HasNext(); {
		o := it.Next()
		m, err := r.meta(o)
		if err != nil {
			return nil, err
		}
		if atWordBoundaries(m.Original, u.native) || atWordBoundaries(dropMiddleDots(m.Original), u.native) {
			out.Add(o)
		}
	}
	return out, nil
}

// equalTitles returns the works of b whose title (or, for a native-script
// query, original title) is the query itself, once folded.
func (r *ranker) equalTitles(b *roaring.Bitmap) (*roaring.Bitmap, error) {
	eq := roaring.New()
	if r.tm.key == "" || len(r.tm.units) == 0 {
		return eq, nil
	}
	cand := b.Clone()
	native := false
	for _, u := range r.tm.units {
		cand.And(u.primary)
		native = native || u.native != ""
	}
	if native && cand.GetCardinality() > maxReadDocs {
		return eq, nil
	}
	for n, it := 0, cand.Iterator(); it.HasNext(); n++ {
		if n%ctxEvery == 0 {
			if err := r.ctx.Err(); err != nil {
				return nil, err
			}
		}
		o := it.Next()
		key := r.st.docs[o].equalKey
		if native {
			m, err := r.meta(o)
			if err != nil {
				return nil, err
			}
			key = equalKey(m.Original)
		}
		if key == r.tm.key {
			eq.Add(o)
		}
	}
	return eq, nil
}

// meta reads the stored titles of an ordinal.
func (r *ranker) meta(o uint32) (storedTitles, error) { return r.snap.titles(o) }

// equalKey reduces a title or a query for comparison: folded, dotted
// initials run together, its runs of letters and digits joined by one
// space. "Welcome to the N.H.K.!" and "welcome to the nhk" are equal.
func equalKey(s string) string {
	words := strings.FieldsFunc(fold(joinAcronyms(s)), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	return strings.Join(words, " ")
}

// atWordBoundaries reports whether s holds word at word boundaries: at
// its ends, or between letters of different scripts. Kana after a kanji
// does not end a word (it is an inflection: 書く), so "くま" is not a word
// of "書くまで".
func atWordBoundaries(s, word string) bool {
	rs, ws := []rune(s), []rune(word)
	for i := 0; i+len(ws) <= len(rs); i++ {
		if !slices.Equal(rs[i:i+len(ws)], ws) {
			continue
		}
		start := i == 0 || wordBreak(rs[i-1], rs[i])
		end := i+len(ws) == len(rs) || wordBreak(rs[i+len(ws)-1], rs[i+len(ws)])
		if start && end {
			return true
		}
	}
	return false
}

// wordBreak reports whether a word may end between a and b.
func wordBreak(a, b rune) bool {
	sa, sb := script(a), script(b)
	if sa == "han" && sb == "hiragana" {
		return false
	}
	return sa != sb
}

// script names the script of a letter, or "" for anything else.
func script(r rune) string {
	switch {
	case unicode.Is(unicode.Han, r):
		return "han"
	case unicode.Is(unicode.Hiragana, r):
		return "hiragana"
	case unicode.Is(unicode.Katakana, r) || r == 'ー':
		return "katakana"
	case unicode.Is(unicode.Hangul, r):
		return "hangul"
	case unicode.IsLetter(r) || unicode.IsDigit(r):
		return "latin"
	}
	return ""
}
