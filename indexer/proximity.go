package indexer

import (
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// maxDistance is the distance of two words not near each other (or not
// in the same field value), as Meilisearch caps it.
const maxDistance = 8

// proximity ranks by how close together the words are, closest first: a
// work's cost is, summed over each two consecutive words of the query, the
// least distance between them in one value of a positional field (titles,
// synopsis and evidence), one more when they come in the other order.
// Phrases and native words take no part. Reading positions costs a look-up
// per candidate and term, so a bucket of more than maxProximityDocs works,
// or words that matched more than maxProximityTerms terms, is left unsplit.
func (r *ranker) proximity(b *roaring.Bitmap) ([]bucket, error) {
	var words []unit
	terms := 0
	for _, u := range r.tm.units {
		if u.terms == nil {
			continue
		}
		words = append(words, u)
		for _, ts := range u.terms {
			terms += len(ts)
		}
	}
	if len(words) < 2 || b.GetCardinality() > maxProximityDocs || terms > maxProximityTerms {
		return []bucket{{b, 0}}, nil
	}
	pos, err := r.snap.positions(b, words)
	if err != nil {
		return nil, err
	}
	byCost := map[int]*roaring.Bitmap{}
	for it := b.Iterator(); it.HasNext(); {
		o := it.Next()
		cost := 0
		for i := 1; i < len(words); i++ {
			cost += distance(pos[o][i-1], pos[o][i])
		}
		if byCost[cost] == nil {
			byCost[cost] = roaring.New()
		}
		byCost[cost].Add(o)
	}
	var out []bucket
	for cost := range (len(words)-1)*maxDistance + 1 {
		if bm := byCost[cost]; bm != nil {
			out = append(out, bucket{bm, cost})
		}
	}
	return out, nil
}

// place is where a word occurs: field, value within it, position.
type place struct {
	field string
	value uint64
	pos   int
}

// distance is the least distance from a place of a to a place of b in the
// same field value: b after a costs the gap, b before a one more.
func distance(a, b []place) int {
	d := maxDistance
	for _, pa := range a {
		for _, pb := range b {
			if pa.field != pb.field || pa.value != pb.value {
				continue
			}
			g := pb.pos - pa.pos
			if g < 0 {
				g = 1 - g
			}
			d = min(d, g)
		}
	}
	return d
}

// positions reads, for each work of b and each word, the places where the
// word's terms occur in the positional fields.
func (s *snapshot) positions(b *roaring.Bitmap, words []unit) (map[uint32][][]place, error) {
	out := make(map[uint32][][]place, b.GetCardinality())
	// The candidates of each segment, by document number.
	perSeg := make([][]candidate, len(s.segs))
	for it := b.Iterator(); it.HasNext(); {
		o := it.Next()
		out[o] = make([][]place, len(words))
		if o < uint32(len(s.whereSeg)) && s.whereSeg[o] > 0 {
			i := s.whereSeg[o] - 1
			perSeg[i] = append(perSeg[i], candidate{uint64(s.whereLocal[o]), o})
		}
	}
	for i, docs := range perSeg {
		if len(docs) == 0 {
			continue
		}
		slices.SortFunc(docs, func(a, b candidate) int { return int(a.local) - int(b.local) })
		ss := s.segs[i]
		for wi, w := range words {
			for f, ts := range w.terms {
				dict, err := ss.Segment().Dictionary(f)
				if err != nil {
					return nil, err
				}
				if dict == nil {
					continue
				}
				for _, t := range ts {
					pl, err := dict.PostingsList([]byte(t), ss.Deleted(), nil)
					if err != nil {
						return nil, err
					}
					if pl == nil || pl.Count() == 0 {
						continue
					}
					if err := addPlaces(pl.Iterator(true, false, true, nil), docs, f, wi, out); err != nil {
						return nil, err
					}
				}
			}
		}
	}
	return out, nil
}

// candidate is a document of a segment and its ordinal.
type candidate struct {
	local uint64
	ord   uint32
}

// addPlaces adds the places of one term's postings in the documents docs
// (sorted by number) to out, as word wi.
func addPlaces(it segment.PostingsIterator, docs []candidate, field string, wi int, out map[uint32][][]place) error {
	// Advance skips past the posting it last returned: a posting found
	// beyond one candidate is kept for the next.
	var p segment.Posting
	for _, d := range docs {
		if p == nil || p.Number() < d.local {
			var err error
			if p, err = it.Advance(d.local); err != nil {
				return err
			}
		}
		if p == nil {
			return nil
		}
		if p.Number() != d.local {
			continue
		}
		for _, l := range p.Locations() {
			var v uint64
			if ap := l.ArrayPositions(); len(ap) > 0 {
				v = ap[0]
			}
			out[d.ord][wi] = append(out[d.ord][wi], place{field, v, int(l.Pos())})
		}
	}
	return nil
}
