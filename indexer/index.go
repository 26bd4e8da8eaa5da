package indexer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/komoru/komoru/catalog"
)

// Internal keys the index keeps in Bleve, written in the same batch as the
// documents they describe.
var (
	keySchema = []byte("komoru:schema")
	keySeq    = []byte("komoru:seq")
	keyMerged = []byte("komoru:merged") // written after a merge, to persist it (forceMerge)
)

// bleveConfig is the configuration every Bleve index is created and
// opened with: its persister writes each new segment as it is, never
// merging unwritten segments in memory first. A segment whose write
// failed has been closed by Batch (see Index.stale), and such a merge
// reads its dictionary: the persister would panic, and a batch still
// waiting for it would wait forever. Bleve merges the written segments
// in the background all the same. A new map each time: Bleve adds to it.
func bleveConfig() map[string]any {
	return map[string]any{
		"scorchPersisterOptions": map[string]any{"MemoryPressurePauseThreshold": 0},
	}
}

// Options are the index's knobs; the zero value is usable.
type Options struct {
	// Codebook defines the facets; nil means catalog.DefaultCodebook().
	Codebook *catalog.Codebook
	// Logger receives rebuild and sync events; nil discards.
	Logger *slog.Logger
	// BatchSize is how many works go into one Bleve batch; default 1000
	// (with two batches in flight: 2000 builds no faster and peaks at
	// half again the memory).
	BatchSize int
	// MergeAfter is how many changes one catch-up must apply (a bulk
	// import) for the index to be merged into one segment afterwards, as
	// a build leaves it; default 10000.
	MergeAfter int
	// Progress, if set, is called as a build goes, with how many works it
	// has indexed, every BatchSize works.
	Progress func(indexed int)
	// NoCache computes every search whole: no cached postings, word
	// units or results. For measurements (komoru bench --http
	// --cache=false); a server caches.
	NoCache bool
}

// SetDefaults fills in the zero fields.
func (o *Options) SetDefaults() {
	if o.Codebook == nil {
		o.Codebook = catalog.DefaultCodebook()
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 1000
	}
	if o.MergeAfter <= 0 {
		o.MergeAfter = 10000
	}
}

// Index is the search index of one data dir. It is safe for concurrent
// use: searches run in parallel; writes are serialized.
type Index struct {
	dir  string
	lock *dirLock // held from Open to Close
	src  Catalog
	opts Options
	cb   *catalog.Codebook
	m    *mapping.IndexMappingImpl
	syn  *synonymTable
	log  *slog.Logger

	wmu sync.Mutex // serializes writes: apply, refresh, rebuild, close
	// stale is set when a write to Bleve failed. Scorch's Batch closes
	// the segment it made when persisting it fails, although the segment
	// is already in the index (bleve index/scorch/scorch.go, Batch, after
	// prepareSegment): the next batch, or a snapshot's dictionary read,
	// then writes to the closed segment's nil cache map and panics (zapx
	// inverted_text_cache.go, insertLOCKED). So Bleve is closed at once,
	// which also stops its persister retrying the write in a busy loop,
	// and opened again from disk before the next write (writable). Until
	// then searches answer from ix.snap, which holds its own segments.
	// Guarded by wmu.
	stale bool

	damaged atomic.Bool // a read faulted (catchFault); Follow rebuilds

	// applied counts the catalog's changes the index has taken since it
	// opened, by operation: an import running beside a server shows here
	// as its creates and updates (Applied).
	applied struct{ create, update, delete atomic.Int64 }

	hmu      sync.Mutex // guards the write health below
	writeErr error      // why the last write failed; nil once caught up
	failures int        // writes failed in a row

	mu    sync.RWMutex // guards the fields below
	bi    bleve.Index
	st    *state
	snap  *snapshot
	cache segMaps
	seq   int64 // last change applied
}

// Open opens the index in dir, building it from the catalog if it is
// missing, corrupt or of another schema version, and catches up with the
// catalog's changes. The catalog is also what Follow and Rebuild read.
func Open(ctx context.Context, dir string, src Catalog, opts Options) (*Index, error) {
	ix, err := newIndex(dir, src, opts)
	if err != nil {
		return nil, err
	}
	if err := ix.open(ctx, false); err != nil {
		return nil, err
	}
	return ix, nil
}

// newIndex locks dir for a new Index, which open then loads or builds.
func newIndex(dir string, src Catalog, opts Options) (*Index, error) {
	opts.SetDefaults()
	m, err := newMapping()
	if err != nil {
		return nil, err
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	ix := &Index{dir: dir, lock: lock, src: src, opts: opts, cb: opts.Codebook, m: m, log: opts.Logger}
	ix.syn = newSynonymTable(m.AnalyzerNamed(textAnalyzer), opts.Codebook.Synonyms)
	return ix, nil
}

// open loads the index, or builds it, and catches up with the catalog;
// on failure it closes the index, lock included. With degradedOK, an
// index that could not take the latest changes (a full disk) is kept,
// degraded or damaged (see Health), for a server to answer from it while
// it follows the catalog, which retries or rebuilds.
func (ix *Index) open(ctx context.Context, degradedOK bool) error {
	if err := ix.openOrRebuild(ctx); err != nil {
		ix.lock.unlock()
		return err
	}
	// An index ahead of its catalog was built from another one (a catalog
	// file replaced by a new one, whose sequence starts again): rebuild.
	if last, err := ix.src.LastSeq(ctx); err != nil {
		ix.Close()
		return err
	} else if ix.Seq() > last {
		ix.log.Warn("search index ahead of the catalog; rebuilding", "index_seq", ix.Seq(), "catalog_seq", last)
		if err := ix.Rebuild(ctx); err != nil {
			ix.Close()
			return err
		}
	}
	if _, err := ix.CatchUp(ctx); err != nil {
		if degradedOK && ctx.Err() == nil && ix.Health().State != HealthOK {
			return nil
		}
		ix.Close()
		return err
	}
	return nil
}

func (ix *Index) openOrRebuild(ctx context.Context) error {
	err := ix.load()
	if err == nil {
		return nil
	}
	if _, statErr := os.Stat(ix.dir); statErr == nil {
		ix.log.Warn("search index unusable; rebuilding", "dir", ix.dir, "error", err)
	} else {
		ix.log.Info("no search index; building it", "dir", ix.dir)
	}
	if err := build(ctx, ix.dir, ix.src, ix.opts); err != nil {
		return err
	}
	return ix.load()
}

// load opens the Bleve index in ix.dir and restores the in-memory state
// from its stored documents.
func (ix *Index) load() error {
	o, err := ix.openDir()
	if err != nil {
		return err
	}
	ix.mu.Lock()
	ix.install(o)
	ix.mu.Unlock()
	return nil
}

// opened is an index opened from its directory, not yet in use.
type opened struct {
	bi    bleve.Index
	st    *state
	cache segMaps
	snap  *snapshot
	seq   int64
}

// install puts o in use; the caller holds ix.mu.
func (ix *Index) install(o *opened) {
	ix.bi, ix.st, ix.cache, ix.seq = o.bi, o.st, o.cache, o.seq
	ix.setSnap(o.snap)
}

// setSnap makes snap the snapshot searches read; the caller holds mu.
func (ix *Index) setSnap(snap *snapshot) {
	if ix.opts.NoCache && snap != nil {
		snap.noCache()
	}
	ix.snap = snap
}

// openDir opens the Bleve index in ix.dir and restores the in-memory
// state, from the state file a clean close or a build left, else from the
// stored documents.
func (ix *Index) openDir() (o *opened, err error) {
	defer func() {
		// A damaged index can make Bleve panic; it is derived data, so
		// that only means a rebuild.
		if v := recover(); v != nil {
			err = fmt.Errorf("open index: panic: %v", v)
		}
	}()
	if _, err := os.Stat(filepath.Join(ix.dir, "index_meta.json")); err != nil {
		return nil, err
	}
	bi, err := bleve.OpenUsing(ix.dir, bleveConfig())
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*opened, error) {
		bi.Close()
		return nil, err
	}
	schema, err := bi.GetInternal(keySchema)
	if err != nil {
		return fail(err)
	}
	if string(schema) != schemaVersion {
		return fail(fmt.Errorf("index schema %q, want %q", schema, schemaVersion))
	}
	seqb, err := bi.GetInternal(keySeq)
	if err != nil {
		return fail(err)
	}
	seq, err := strconv.ParseInt(string(seqb), 10, 64)
	if err != nil {
		return fail(fmt.Errorf("index seq %q: %w", seqb, err))
	}
	// The saved state if it is there and current (the index was closed
	// cleanly), else every stored document.
	var (
		st    = newState(ix.cb)
		cache segMaps
		snap  *snapshot
	)
	if err = loadSavedState(ix.dir, st, seq); err == nil {
		st.finish()
		cache = segMaps{} // openSnapshot maps every segment into it
		snap, err = openSnapshot(bi, cache, st.lookup)
	} else {
		st, cache, snap, err = loadState(bi, ix.cb)
	}
	if err != nil {
		return fail(err)
	}
	// From now on the file would go stale at the first write; Close
	// writes it again.
	os.Remove(filepath.Join(ix.dir, stateFile))
	return &opened{bi: bi, st: st, cache: cache, snap: snap, seq: seq}, nil
}

// loadState reads every live document's id and meta from a snapshot of
// bi, gives ordinals in id order and builds the bitmaps and orders.
func loadState(bi bleve.Index, cb *catalog.Codebook) (*state, segMaps, *snapshot, error) {
	adv, err := bi.Advanced()
	if err != nil {
		return nil, nil, nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, nil, nil, err
	}
	defer r.Close()
	is, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil, nil, nil, fmt.Errorf("index: unexpected reader %T", r)
	}
	type entry struct {
		id   string
		meta []byte
	}
	var entries []entry
	for _, ss := range is.Segments() {
		seg := ss.Segment()
		del := ss.Deleted()
		for n := uint64(0); n < seg.Count(); n++ {
			if del != nil && del.Contains(uint32(n)) {
				continue
			}
			var e entry
			err := seg.VisitStoredFields(n, func(field string, _ byte, value []byte, _ []uint64) bool {
				switch field {
				case "_id":
					e.id = string(value)
				case fieldMeta:
					e.meta = slices.Clone(value)
				}
				return e.id == "" || e.meta == nil
			})
			if err != nil {
				return nil, nil, nil, err
			}
			if e.id == "" || e.meta == nil {
				return nil, nil, nil, fmt.Errorf("index: document %d without id or meta", n)
			}
			entries = append(entries, e)
		}
	}
	slices.SortFunc(entries, func(a, b entry) int {
		switch {
		case a.id < b.id:
			return -1
		case a.id > b.id:
			return 1
		}
		return 0
	})
	st := newState(cb)
	for i := range entries {
		var m meta
		if err := json.Unmarshal(entries[i].meta, &m); err != nil {
			return nil, nil, nil, fmt.Errorf("index: meta of %s: %w", entries[i].id, err)
		}
		st.put(entries[i].id, &m)
		entries[i].meta = nil
	}
	st.finish()
	cache := segMaps{}
	snap, err := openSnapshot(bi, cache, st.lookup)
	if err != nil {
		return nil, nil, nil, err
	}
	return st, cache, snap, nil
}

// lookup returns the ordinal of id, or noOrd.
func (s *state) lookup(id string) uint32 {
	if o, ok := s.ordOf[id]; ok {
		return o
	}
	return noOrd
}

// buildWorkers is how many batches Build has Bleve index at once.
const buildWorkers = 2

// Build builds the index of every work of the catalog into a new
// directory beside dir and swaps it in with a rename, so that dir holds
// either the old index or the new one, whole. It fails with ErrLocked
// while a server has the index open: that server keeps it in sync itself.
func Build(ctx context.Context, dir string, src Catalog, opts Options) error {
	lock, err := lockDir(dir)
	if err != nil {
		return err
	}
	defer lock.unlock()
	return build(ctx, dir, src, opts)
}

// batcher hands Bleve batches of size documents, buildWorkers of them in
// flight: documents are made while Bleve indexes earlier batches, one
// building its segment while the other analyzes, which keeps both of a
// small machine's cores busy. After a batch fails no other is written
// (Bleve may hold a segment it has closed: see Index.stale), and the
// build stops at its next document.
type batcher struct {
	bi   bleve.Index
	size int
	b    *bleve.Batch
	ch   chan *bleve.Batch
	wg   sync.WaitGroup

	mu  sync.Mutex
	err error // why a batch failed (cause)
}

func newBatcher(bi bleve.Index, size int) *batcher {
	bt := &batcher{bi: bi, size: size, b: bi.NewBatch(), ch: make(chan *bleve.Batch, buildWorkers)}
	for range buildWorkers {
		bt.wg.Go(func() {
			for b := range bt.ch {
				if bt.failed() != nil {
					continue
				}
				if err := writeBatch(bi, b); err != nil {
					bt.mu.Lock()
					bt.err = cause(bt.err, err)
					bt.mu.Unlock()
				}
			}
		})
	}
	return bt
}

func (bt *batcher) failed() error {
	bt.mu.Lock()
	defer bt.mu.Unlock()
	return bt.err
}

// index adds a document, handing the batch over once it is full.
func (bt *batcher) index(ctx context.Context, id string, doc any) error {
	if err := bt.failed(); err != nil {
		return err
	}
	if err := bt.b.Index(id, doc); err != nil {
		return err
	}
	if bt.b.Size() < bt.size {
		return nil
	}
	select {
	case bt.ch <- bt.b:
	case <-ctx.Done():
		return ctx.Err()
	}
	bt.b = bt.bi.NewBatch()
	return nil
}

// close hands over the last batch, waits for all of them and returns the
// first error. It must be called, also after index failed.
func (bt *batcher) close() error {
	if bt.b.Size() > 0 {
		bt.ch <- bt.b
	}
	close(bt.ch)
	bt.wg.Wait()
	return bt.failed()
}

// writeBatch writes b to bi, a panic made an error (see recovered): it
// runs on goroutines of their own, where nothing else would recover it.
func writeBatch(bi bleve.Index, b *bleve.Batch) (err error) {
	defer guardFaults()()
	defer func() {
		if v := recover(); v != nil {
			err = recovered(v)
		}
	}()
	return bi.Batch(b)
}

// swapDir puts the directory from in the place of to, removing what was
// there; a crash in between leaves to missing, which means a rebuild.
func swapDir(from, to string) error {
	old := to + ".old"
	os.RemoveAll(old)
	if err := os.Rename(to, old); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.Rename(from, to); err != nil {
		return err
	}
	os.RemoveAll(old)
	return nil
}

// build is Build for a caller that holds the lock.
func build(ctx context.Context, dir string, src Catalog, opts Options) error {
	opts.SetDefaults()
	m, err := newMapping()
	if err != nil {
		return err
	}
	tmp := dir + ".building"
	if err := os.RemoveAll(tmp); err != nil {
		return err
	}
	start := time.Now()
	// The sequence is read before the snapshot the works come from, so
	// that catching up afterwards replays whatever changed in between.
	seq, err := src.LastSeq(ctx)
	if err != nil {
		return fmt.Errorf("build index: %w", err)
	}
	bi, err := bleve.NewUsing(tmp, m, scorch.Name, scorch.Name, bleveConfig())
	if err != nil {
		os.RemoveAll(tmp) // a full disk leaves it half made
		return fmt.Errorf("build index: %w", withErrno(err))
	}
	n, err := fill(ctx, bi, tmp, seq, src, opts)
	if cerr := bi.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("build index: %w", withErrno(err))
	}
	if err := swapDir(tmp, dir); err != nil {
		return fmt.Errorf("build index: %w", err)
	}
	opts.Logger.Info("built the search index", "dir", dir, "works", n, "seconds", time.Since(start).Seconds())
	return nil
}

// fill indexes every work of src into bi, a new index in dir, then its
// schema and sequence seq; it merges the index and saves its state
// beside. It returns how many works it indexed. A panic is made an error
// (see recovered), for build to remove what was half made.
func fill(ctx context.Context, bi bleve.Index, dir string, seq int64, src Catalog, opts Options) (n int, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = recovered(v)
		}
	}()
	bt := newBatcher(bi, opts.BatchSize)
	closed := false
	defer func() {
		if !closed { // a panic: the workers must still end
			bt.close()
		}
	}()
	st := newState(opts.Codebook)
	err = src.Each(ctx, func(w *catalog.Work) error {
		mt := newMeta(w, opts.Codebook)
		st.put(w.ID, &mt)
		doc, err := newDocument(w, opts.Codebook, mt)
		if err != nil {
			return err
		}
		if err := bt.index(ctx, w.ID, doc); err != nil {
			return err
		}
		n++
		if opts.Progress != nil && n%opts.BatchSize == 0 {
			opts.Progress(n)
		}
		return nil
	})
	closed = true
	if cerr := bt.close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, err
	}
	// The schema and the sequence go last, once every work is in.
	b := bi.NewBatch()
	b.SetInternal(keySchema, []byte(schemaVersion))
	b.SetInternal(keySeq, []byte(strconv.FormatInt(seq, 10)))
	if err := bi.Batch(b); err != nil {
		return n, err
	}
	if err := forceMerge(ctx, bi); err != nil {
		return n, err
	}
	st.finish()
	return n, saveState(dir, st, seq)
}

// Rebuild rebuilds the index from the catalog and swaps it in; searches
// go on against the old index until the swap. A rebuild that fails (for
// a full disk) removes what it made and leaves the old index serving.
func (ix *Index) Rebuild(ctx context.Context) (err error) {
	defer ix.lockWrite(&err)()
	next := ix.dir + ".rebuild"
	if err := build(ctx, next, ix.src, ix.opts); err != nil {
		os.RemoveAll(next)
		return err
	}
	// Searches wait for the swap (about a second at 100,000 works, the
	// new index's state being saved by the build) rather than fail. If it
	// fails, they go on with the old snapshot, whose files stay mapped.
	ix.mu.Lock()
	ix.closeBleve()
	err = swapDir(next, ix.dir)
	var o *opened
	if err == nil {
		o, err = ix.openDir()
	}
	old := ix.snap
	if err == nil {
		ix.install(o)
		ix.stale = false
		ix.damaged.Store(false)
	}
	ix.mu.Unlock()
	if err != nil {
		os.RemoveAll(next)
		return ix.fail(fmt.Errorf("rebuild index: %w", err))
	}
	old.close()
	_, err = ix.catchUpLocked(ctx)
	return err
}

// closeBleve closes ix.bi, unless it is already (see Index.stale); ix.bi
// stays set: searches ask it for its mapping. From here on Bleve is stale
// until it is opened again. The caller holds wmu.
func (ix *Index) closeBleve() {
	if !ix.stale && ix.bi != nil {
		ix.bi.Close()
		ix.stale = true
	}
}

// writable opens Bleve again if a failed write left it stale (see
// Index.stale), with the state its documents on disk make: what the
// failed write got to disk, if anything, is then known too. The caller
// holds wmu.
func (ix *Index) writable() error {
	switch {
	case ix.bi == nil:
		return errClosed
	case !ix.stale:
		return nil
	}
	o, err := ix.openDir()
	if err != nil {
		return ix.fail(fmt.Errorf("reopen index: %w", err))
	}
	ix.mu.Lock()
	old := ix.snap
	ix.install(o)
	ix.stale = false
	ix.mu.Unlock()
	old.close()
	return nil
}

// Close closes the index.
func (ix *Index) Close() error {
	ix.wmu.Lock()
	defer ix.wmu.Unlock()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	defer func() {
		ix.lock.unlock()
		ix.lock = nil
	}()
	ix.snap.close()
	ix.snap = nil
	bi := ix.bi
	ix.bi = nil
	if bi == nil || ix.stale {
		// Closed already, and what Bleve has on disk may not be what
		// ix.st says: no state is saved, the next open reads the
		// documents.
		return nil
	}
	serr := saveState(ix.dir, ix.st, ix.seq)
	err := bi.Close()
	if err == nil && serr != nil {
		err = fmt.Errorf("save index state: %w", serr)
	}
	return err
}

// Seq returns the sequence number of the last catalog change the index holds.
func (ix *Index) Seq() int64 {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.seq
}

// Count returns the number of works in the index.
func (ix *Index) Count() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.st == nil {
		return 0
	}
	return int(ix.st.alive.GetCardinality())
}

// Size returns the bytes the index takes on disk.
func (ix *Index) Size() int64 { return dirSize(ix.dir) }

func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// forceMerge merges a freshly built index into one segment. A build leaves
// a dozen segments at 100,000 works, and every dictionary walk (typos,
// prefixes) and postings lookup is made once per segment: at 100,000
// works one segment halves the typo queries' time and takes a quarter
// off the memory of serving, for a quarter more build time at 10,000
// works and no measurable difference at 100,000. The segments that later
// writes add are merged by Bleve's usual policy.
func forceMerge(ctx context.Context, bi bleve.Index) error {
	adv, err := bi.Advanced()
	if err != nil {
		return err
	}
	sc, ok := adv.(*scorch.Scorch)
	if !ok {
		return fmt.Errorf("index: unexpected Bleve index %T", adv)
	}
	// Bleve merges only the segments its persister has written: one it
	// has not yet (the last batch's, on a busy machine) is left out. Wait
	// for it and merge again, a bounded number of times.
	for try := 0; ; try++ {
		if err := sc.ForceMerge(ctx, nil); err != nil {
			return err
		}
		n, err := segmentCount(sc)
		if err != nil || try == maxMergeTries {
			return err
		}
		if n <= 1 {
			// The merged segment's file is written, but the persister
			// records the root that names it later; an index closed
			// before then opens with the segments it merged. A batch
			// waits until the persister has written its root (Bleve's
			// safe batches), so one of an internal key alone makes the
			// merge last.
			b := bi.NewBatch()
			b.SetInternal(keyMerged, []byte{1})
			return bi.Batch(b)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// maxMergeTries bounds forceMerge's waits for the persister: 10 s.
const maxMergeTries = 500

// segmentCount is how many segments the index's current snapshot has.
func segmentCount(sc *scorch.Scorch) (int, error) {
	r, err := sc.Reader()
	if err != nil {
		return 0, err
	}
	defer r.Close()
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return 0, fmt.Errorf("index: unexpected Bleve reader %T", r)
	}
	return len(snap.Segments()), nil
}
