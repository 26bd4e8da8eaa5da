package indexer

import "github.com/RoaringBitmap/roaring/v2"

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
