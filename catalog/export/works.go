package export

import (
	"context"

	"github.com/komoru/komoru/catalog"
)

// batch is how many works Works reads from the store at once: few enough
// that a batch is small beside a server's heap, many enough that 100,000
// works are a few hundred queries, not 100,000.
const batch = 256

// Works reads the works of ids (a search's hits, in order) from store a
// batch at a time and writes them with enc, then ends it. A work deleted
// since the ids were listed is left out. It holds one batch at a time.
func Works(ctx context.Context, store catalog.Store, ids []string, enc Encoder) error {
	for start := 0; start < len(ids); start += batch {
		works, err := store.Works(ctx, ids[start:min(start+batch, len(ids))])
		if err != nil {
			return err
		}
		for _, w := range works {
			if err := enc.Write(w); err != nil {
				return err
			}
		}
	}
	return enc.End()
}
