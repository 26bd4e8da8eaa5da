package indexer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	"github.com/blevesearch/vellum"
	"github.com/blevesearch/vellum/levenshtein"
)

// snapshot is one point-in-time view of the Bleve index with, for each of
// its segments, the map from the segment's document numbers to ordinals.
// Segments are immutable, so their maps are cached across snapshots.
type snapshot struct {
	r       *scorch.IndexSnapshot
	segs    []*scorch.SegmentSnapshot
	offsets []uint64 // global document number of each segment's first document
	maps    [][]uint32
	maxOrd  uint32 // above every ordinal the maps hold
	// where is the live document of each ordinal: segment index + 1
	// (0: none) and document number.
	whereSeg   []uint16
	whereLocal []uint32

	// The ordinal bitmaps of large postings lists, the units of words
	// (termUnit) and the results of whole queries, each computed once per
	// snapshot: a snapshot lasts until the catalog changes, so none is
	// ever stale.
	postingsCache snapshotCache[fieldTerm, *roaring.Bitmap]
	unitCache     snapshotCache[unitKey, cachedUnit]
	resultCache   snapshotCache[string, *Result] // by query (Search)
}

// noCache turns the snapshot's caches off (Options.NoCache), before the
// snapshot is shared.
func (s *snapshot) noCache() {
	s.postingsCache.off, s.unitCache.off, s.resultCache.off = true, true, true
}

// dropCaches empties the snapshot's caches.
func (s *snapshot) dropCaches() {
	s.postingsCache.clear()
	s.unitCache.clear()
	s.resultCache.clear()
}

// segMaps caches the document-number → ordinal map of each segment.
type segMaps map[segment.Segment][]uint32

// openSnapshot takes the current snapshot of bi and maps its segments,
// reusing cached maps; ordOf names the ordinal of an id.
func openSnapshot(bi bleve.Index, cache segMaps, ordOf func(id string) uint32) (*snapshot, error) {
	adv, err := bi.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	is, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		r.Close()
		return nil, fmt.Errorf("index: unexpected reader %T", r)
	}
	s := &snapshot{r: is, segs: is.Segments()}
	var running uint64
	used := make(map[segment.Segment]bool, len(s.segs))
	for _, ss := range s.segs {
		seg := ss.Segment()
		s.offsets = append(s.offsets, running)
		running += seg.Count()
		m, ok := cache[seg]
		if !ok {
			if m, err = segmentMap(seg, ordOf); err != nil {
				is.Close()
				return nil, err
			}
			cache[seg] = m
		}
		used[seg] = true
		s.maps = append(s.maps, m)
		for _, o := range m {
			if o != noOrd && o >= s.maxOrd {
				s.maxOrd = o + 1
			}
		}
	}
	for seg := range cache {
		if !used[seg] {
			delete(cache, seg)
		}
	}
	s.whereSeg = make([]uint16, s.maxOrd)
	s.whereLocal = make([]uint32, s.maxOrd)
	for i, m := range s.maps {
		del := s.segs[i].Deleted()
		for n, o := range m {
			if o == noOrd || (del != nil && del.Contains(uint32(n))) {
				continue
			}
			s.whereSeg[o] = uint16(i + 1)
			s.whereLocal[o] = uint32(n)
		}
	}
	return s, nil
}

func (s *snapshot) close() {
	if s != nil && s.r != nil {
		s.r.Close()
	}
}

// ordOfGlobal maps a global document number to an ordinal.
func (s *snapshot) ordOfGlobal(n uint64) uint32 {
	i := sort.Search(len(s.offsets), func(i int) bool { return s.offsets[i] > n }) - 1
	if i < 0 {
		return noOrd
	}
	m := s.maps[i]
	local := n - s.offsets[i]
	if local >= uint64(len(m)) {
		return noOrd
	}
	return m[local]
}

// postings adds to into the ordinals of the live documents that have
// any of terms in field. It reads the postings lists' own bitmaps: no
// scoring, no per-hit document. A large list's ordinals are gathered in
// a dense bitset, much faster than adding them one by one to a roaring
// bitmap in the segment's (not the ordinals') order, and kept in the
// snapshot's cache: a frequent word costs its translation once per
// snapshot rather than once per search.
func (s *snapshot) postings(field string, terms []string, into *roaring.Bitmap) error {
	if len(terms) == 0 {
		return nil
	}
	dicts := make([]segment.TermDictionary, len(s.segs))
	for i, ss := range s.segs {
		d, err := ss.Segment().Dictionary(field)
		if err != nil {
			return err
		}
		dicts[i] = d
	}
	var small []uint32 // the ordinals of small lists, added at once
	pls := make([]segment.PostingsList, len(s.segs))
	for _, t := range terms {
		if bm, ok := s.postingsCache.get(fieldTerm{field, t}); ok {
			into.Or(bm)
			continue
		}
		count := uint64(0)
		for i, d := range dicts {
			pls[i] = nil
			if d == nil {
				continue
			}
			pl, err := d.PostingsList([]byte(t), s.segs[i].Deleted(), nil)
			if err != nil {
				return err
			}
			if pl != nil {
				pls[i] = pl
				count += pl.Count()
			}
		}
		switch {
		case count == 0:
		case count < cacheFrom:
			var err error
			if small, err = s.ordinals(pls, small, nil); err != nil {
				return err
			}
		default:
			bits := make([]uint64, (s.maxOrd+64)/64)
			if _, err := s.ordinals(pls, nil, bits); err != nil {
				return err
			}
			bm := roaring.FromDense(bits, false)
			s.postingsCache.put(fieldTerm{field, t}, bm, bm.GetSizeInBytes(), postingsCacheBytes)
			into.Or(bm)
		}
	}
	if len(small) > 0 {
		slices.Sort(small)
		into.AddMany(small)
	}
	return nil
}

// cacheFrom is the smallest postings list, in documents, that postings
// keeps in the snapshot's cache: below it, translating is cheaper than
// the cache's bookkeeping. A variable for tests, which lower it.
var cacheFrom uint64 = 512

// ordinals reads the postings lists of one term, one per segment (nil for
// none), and adds their documents' ordinals to list, or sets them in
// bits when bits is not nil.
func (s *snapshot) ordinals(pls []segment.PostingsList, list []uint32, bits []uint64) ([]uint32, error) {
	add := func(o uint32) {
		switch {
		case o == noOrd:
		case bits != nil:
			if int(o>>6) < len(bits) {
				bits[o>>6] |= 1 << (o & 63)
			}
		default:
			list = append(list, o)
		}
	}
	for i, pl := range pls {
		if pl == nil || pl.Count() == 0 {
			continue
		}
		m := s.maps[i]
		it := pl.Iterator(false, false, false, nil)
		if opt, ok := it.(segment.OptimizablePostingsIterator); ok {
			if n, ok := opt.DocNum1Hit(); ok {
				if n < uint64(len(m)) {
					add(m[n])
				}
				continue
			}
			if bm := opt.ActualBitmap(); bm != nil {
				bi := bm.ManyIterator()
				var buf [256]uint32
				for k := bi.NextMany(buf[:]); k > 0; k = bi.NextMany(buf[:]) {
					for _, n := range buf[:k] {
						if int(n) < len(m) {
							add(m[n])
						}
					}
				}
				continue
			}
		}
		for {
			p, err := it.Next()
			if err != nil {
				return list, err
			}
			if p == nil {
				break
			}
			if n := p.Number(); n < uint64(len(m)) {
				add(m[n])
			}
		}
	}
	return list, nil
}

// snapshotCache holds values a snapshot's searches compute alike, up to
// a budget of bytes: a snapshot lives until the next change, and its first
// searches fill what the next ones read. Values are shared: readers must
// not change them.
type snapshotCache[K comparable, V any] struct {
	off   bool // Options.NoCache: set before the snapshot is shared
	mu    sync.RWMutex
	m     map[K]V
	bytes uint64
}

func (c *snapshotCache[K, V]) get(k K) (V, bool) {
	if c.off {
		var zero V
		return zero, false
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	v, ok := c.m[k]
	return v, ok
}

// put keeps v unless the cache is full: what the snapshot's first
// searches asked for stays, which for its short life is as good as any
// eviction.
func (c *snapshotCache[K, V]) put(k K, v V, size, budget uint64) {
	if c.off {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.bytes+size > budget {
		return
	}
	if c.m == nil {
		c.m = map[K]V{}
	}
	if _, ok := c.m[k]; !ok {
		c.m[k] = v
		c.bytes += size
	}
}

func (c *snapshotCache[K, V]) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m, c.bytes = nil, 0
}

type fieldTerm struct{ field, term string }

// Cache budgets of one snapshot. At 100,000 works a frequent word's
// bitmap is 8 to 16 KiB, and a word's unit a few of them.
const (
	postingsCacheBytes = 32 << 20
	unitCacheBytes     = 32 << 20
)

// resultCacheEntries bounds the results a snapshot keeps (a page of hits
// and the facet counts each, some tens of KiB): a server's repeated
// searches, such as its landing page, popular words and a page re-read,
// are answered without searching again, as Solr's query result cache does.
const resultCacheEntries = 512

// Levenshtein automaton builders, one per distance; they are costly to
// make and safe to share. Two letters swapped are one typo (Damerau), as
// in Meilisearch: "silnet" finds "silent" with a budget of one.
var levBuilders [3]*levenshtein.LevenshteinAutomatonBuilder

func init() {
	for d := 1; d <= 2; d++ {
		b, err := levenshtein.NewLevenshteinAutomatonBuilder(uint8(d), true)
		if err != nil {
			panic(err)
		}
		levBuilders[d] = b
	}
}

// fuzzyAutomaton matches the terms within fuzziness (1 or 2) edits of term.
func fuzzyAutomaton(term string, fuzziness int) (vellum.Automaton, error) {
	return levBuilders[fuzziness].BuildDfa(term, uint8(fuzziness))
}

// prefixRange is the key range of the terms starting with prefix.
func prefixRange(prefix string) (start, end []byte) {
	start = []byte(prefix)
	end = slices.Clone(start)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return start, end[:i+1]
		}
	}
	return start, nil
}

// expand returns the terms of field that a matches, starting with prefix,
// at most limit, walking each segment's dictionary once.
func (s *snapshot) expand(field string, a vellum.Automaton, prefix string, limit int) ([]string, error) {
	start, end := prefixRange(prefix)
	seen := map[string]bool{}
	var terms []string
	for _, ss := range s.segs {
		dict, err := ss.Segment().Dictionary(field)
		if err != nil {
			return nil, err
		}
		if dict == nil {
			continue
		}
		var it segment.DictionaryIterator
		if a == nil {
			it = dict.AutomatonIterator(nil, start, end)
		} else {
			it = dict.AutomatonIterator(a, start, end)
		}
		for len(terms) < limit {
			e, err := it.Next()
			if err != nil {
				return nil, err
			}
			if e == nil {
				break
			}
			if !seen[e.Term] {
				seen[e.Term] = true
				terms = append(terms, e.Term)
			}
		}
	}
	return terms, nil
}

// has reports whether field's dictionary holds term in any segment
// (possibly only in deleted documents: a hint, not a match).
func (s *snapshot) has(field, term string) (bool, error) {
	for _, ss := range s.segs {
		dict, err := ss.Segment().Dictionary(field)
		if err != nil {
			return false, err
		}
		if dict == nil {
			continue
		}
		if ok, err := dict.Contains([]byte(term)); err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// phrase adds to into the ordinals of the documents where field holds
// the phrase, as Bleve's phrase query finds it. It reads the snapshot
// and the mapping only, not the Bleve index, which may be closed while
// a failed write is retried (see Index.stale).
func (s *snapshot) phrase(ctx context.Context, m mapping.IndexMapping, field, analyzer, text string, into *roaring.Bitmap) error {
	q := query.NewMatchPhraseQuery(text)
	q.SetField(field)
	q.Analyzer = analyzer
	sr, err := q.Searcher(ctx, s.r, m, search.SearcherOptions{Score: "none", IncludeTermVectors: true})
	if err != nil {
		return err
	}
	defer sr.Close()
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(sr.DocumentMatchPoolSize(), 0)}
	for {
		dm, err := sr.Next(sctx)
		if err != nil {
			return err
		}
		if dm == nil {
			return nil
		}
		if o := s.ordOfGlobal(dm.IndexInternalID.Value()); o != noOrd {
			into.Add(o)
		}
		sctx.DocumentMatchPool.Put(dm)
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// stored returns a stored field of the live document of an ordinal.
func (s *snapshot) stored(o uint32, field string) (string, error) {
	if o >= uint32(len(s.whereSeg)) || s.whereSeg[o] == 0 {
		return "", errors.New("no document")
	}
	var v string
	err := s.segs[s.whereSeg[o]-1].Segment().VisitStoredFields(uint64(s.whereLocal[o]), func(f string, _ byte, value []byte, _ []uint64) bool {
		if f == field {
			v = string(value)
			return false
		}
		return true
	})
	return v, err
}

// storedDoc is what a hit reads of its stored document, gathered in one
// visit: each visit decompresses the document's stored fields.
type storedDoc struct {
	titles, synopsis, matched string
}

// doc reads the stored fields a hit shows of an ordinal.
func (s *snapshot) doc(o uint32) (storedDoc, error) {
	var d storedDoc
	if o >= uint32(len(s.whereSeg)) || s.whereSeg[o] == 0 {
		return d, errors.New("no document")
	}
	err := s.segs[s.whereSeg[o]-1].Segment().VisitStoredFields(uint64(s.whereLocal[o]), func(f string, _ byte, value []byte, _ []uint64) bool {
		switch f {
		case fieldTitles:
			d.titles = string(value)
		case fieldSynopsis:
			d.synopsis = string(value)
		case fieldMatched:
			d.matched = string(value)
		}
		return true
	})
	return d, err
}

// storedTitles are a work's title and original title, stored as one
// value (fieldTitles): a hit shows them, and the exactness rule compares
// them with the query.
type storedTitles struct {
	Title, Original string
}

func (t storedTitles) encode() string { return t.Title + fieldSep + t.Original }

func decodeTitles(v string) storedTitles {
	title, original, _ := strings.Cut(v, fieldSep)
	return storedTitles{Title: title, Original: original}
}

// titles reads the stored titles of an ordinal.
func (s *snapshot) titles(o uint32) (storedTitles, error) {
	v, err := s.stored(o, fieldTitles)
	return decodeTitles(v), err
}

// phraseTerms adds to into the ordinals of the documents where field
// holds terms at the given relative positions (as the analyzer placed
// them, stop-word gaps included) within one value. It intersects the
// terms' postings bitmaps first and reads positions only for the
// documents that have them all, stopping when ctx is done.
func (s *snapshot) phraseTerms(ctx context.Context, field string, terms []string, offsets []int, into *roaring.Bitmap) error {
	if len(terms) == 0 {
		return nil
	}
	if len(terms) == 1 {
		return s.postings(field, terms, into)
	}
	var buf []uint32
	for i, ss := range s.segs {
		dict, err := ss.Segment().Dictionary(field)
		if err != nil {
			return err
		}
		if dict == nil {
			continue
		}
		pls := make([]segment.PostingsList, len(terms))
		var cand *roaring.Bitmap
		for j, t := range terms {
			pl, err := dict.PostingsList([]byte(t), ss.Deleted(), nil)
			if err != nil {
				return err
			}
			if pl == nil || pl.Count() == 0 {
				cand = nil
				break
			}
			pls[j] = pl
			bm := postingsBitmap(pl)
			if cand == nil {
				cand = bm.Clone()
			} else {
				cand.And(bm)
			}
			if cand.IsEmpty() {
				break
			}
		}
		if cand == nil || cand.IsEmpty() {
			continue
		}
		its := make([]segment.PostingsIterator, len(terms))
		for j, pl := range pls {
			its[j] = pl.Iterator(true, false, true, nil)
		}
		m := s.maps[i]
		buf = buf[:0]
		locs := make([][]segment.Location, len(terms))
		ci := cand.Iterator()
		for n := 0; ci.HasNext(); n++ {
			if n%ctxEvery == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			d := uint64(ci.Next())
			ok := true
			for j, it := range its {
				p, err := it.Advance(d)
				if err != nil {
					return err
				}
				if p == nil || p.Number() != d {
					ok = false
					break
				}
				locs[j] = p.Locations()
			}
			if ok && phraseAt(locs, offsets) && d < uint64(len(m)) && m[d] != noOrd {
				buf = append(buf, m[d])
			}
		}
		into.AddMany(buf)
	}
	return nil
}

// postingsBitmap returns the documents of a postings list as a bitmap.
func postingsBitmap(pl segment.PostingsList) *roaring.Bitmap {
	it := pl.Iterator(false, false, false, nil)
	if opt, ok := it.(segment.OptimizablePostingsIterator); ok {
		if n, ok := opt.DocNum1Hit(); ok {
			return roaring.BitmapOf(uint32(n))
		}
		if bm := opt.ActualBitmap(); bm != nil {
			return bm
		}
	}
	bm := roaring.New()
	for {
		p, err := it.Next()
		if err != nil || p == nil {
			return bm
		}
		bm.Add(uint32(p.Number()))
	}
}

// phraseAt reports whether the locations hold the terms at the relative
// offsets, all in the same value of the field.
func phraseAt(locs [][]segment.Location, offsets []int) bool {
	for _, first := range locs[0] {
		ok := true
		for j := 1; j < len(locs) && ok; j++ {
			want := int(first.Pos()) + offsets[j]
			found := false
			for _, l := range locs[j] {
				if int(l.Pos()) == want && slices.Equal(l.ArrayPositions(), first.ArrayPositions()) {
					found = true
					break
				}
			}
			ok = found
		}
		if ok {
			return true
		}
	}
	return false
}
