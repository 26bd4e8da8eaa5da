package indexer

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// snapshot is one point-in-time view of the Bleve index with, for each of
// its segments, the map from the segment's document numbers to ordinals.
// Segments are immutable, so their maps are cached across snapshots.
type snapshot struct {
	r       *scorch.IndexSnapshot
	segs    []*scorch.SegmentSnapshot
	offsets []uint64 // global document number of each segment's first document
	maps    [][]uint32
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
			m = make([]uint32, seg.Count())
			for n := range m {
				id, err := seg.DocID(uint64(n))
				if err != nil || id == nil {
					m[n] = noOrd
					continue
				}
				m[n] = ordOf(string(id))
			}
			cache[seg] = m
		}
		used[seg] = true
		s.maps = append(s.maps, m)
	}
	for seg := range cache {
		if !used[seg] {
			delete(cache, seg)
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
// scoring, no per-hit document.
func (s *snapshot) postings(field string, terms []string, into *roaring.Bitmap) error {
	var buf []uint32
	for i, ss := range s.segs {
		dict, err := ss.Segment().Dictionary(field)
		if err != nil {
			return err
		}
		if dict == nil {
			continue
		}
		m := s.maps[i]
		for _, t := range terms {
			pl, err := dict.PostingsList([]byte(t), ss.Deleted(), nil)
			if err != nil {
				return err
			}
			if pl == nil || pl.Count() == 0 {
				continue
			}
			it := pl.Iterator(false, false, false, nil)
			if opt, ok := it.(segment.OptimizablePostingsIterator); ok {
				if n, ok := opt.DocNum1Hit(); ok {
					if n < uint64(len(m)) && m[n] != noOrd {
						into.Add(m[n])
					}
					continue
				}
				if bm := opt.ActualBitmap(); bm != nil {
					buf = buf[:0]
					bi := bm.Iterator()
					for bi.HasNext() {
						n := bi.Next()
						if int(n) < len(m) && m[n] != noOrd {
							buf = append(buf, m[n])
						}
					}
					into.AddMany(buf)
					continue
				}
			}
			for {
				p, err := it.Next()
				if err != nil {
					return err
				}
				if p == nil {
					break
				}
				if n := p.Number(); n < uint64(len(m)) && m[n] != noOrd {
					into.Add(m[n])
				}
			}
		}
	}
	return nil
}

// expand returns the terms of field within fuzziness edits of term, or
// starting with term when fuzziness is negative; at most limit terms.
func (s *snapshot) expand(field, term string, fuzziness int, limit int) ([]string, error) {
	var (
		fd  index.FieldDict
		err error
	)
	if fuzziness < 0 {
		fd, err = s.r.FieldDictPrefix(field, []byte(term))
	} else {
		fd, err = s.r.FieldDictFuzzy(field, term, fuzziness, "")
	}
	if err != nil {
		return nil, err
	}
	defer fd.Close()
	var terms []string
	for len(terms) < limit {
		e, err := fd.Next()
		if err != nil || e == nil {
			return terms, err
		}
		terms = append(terms, e.Term)
	}
	return terms, nil
}

// phrase adds to into the ordinals of the documents where field holds
// the phrase, as Bleve's phrase query finds it.
func (s *snapshot) phrase(ctx context.Context, bi bleve.Index, field, analyzer, text string, into *roaring.Bitmap) error {
	q := query.NewMatchPhraseQuery(text)
	q.SetField(field)
	q.Analyzer = analyzer
	sr, err := q.Searcher(ctx, s.r, bi.Mapping(), search.SearcherOptions{Score: "none", IncludeTermVectors: true})
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

// storedField returns a stored field of the document with the given id.
func (s *snapshot) storedField(id, field string) (string, error) {
	doc, err := s.r.Document(id)
	if err != nil {
		return "", err
	}
	if doc == nil {
		return "", errors.New("no document " + id)
	}
	var v string
	doc.VisitFields(func(f index.Field) {
		if f.Name() == field {
			v = string(f.Value())
		}
	})
	return v, nil
}
