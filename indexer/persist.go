package indexer

import (
	"bufio"
	"encoding/gob"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/RoaringBitmap/roaring/v2"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// stateFile is the in-memory state saved beside Bleve's files, so that
// opening the index reads one small file instead of every stored
// document. It is written when the index is built and when it is closed,
// and removed at the first write after opening: a file that exists was
// written with nothing applied since, which its sequence number and
// Bleve's confirm.
const stateFile = "komoru-state.gob"

// stateSchema names the shape of a state file and of its keys: it changes
// with the index's schema and whenever the title sort key does, so a file
// of old keys is not read.
const stateSchema = schemaVersion + "/title-sort-2"

// savedState is stateFile's content.
type savedState struct {
	Schema string
	Seq    int64
	IDs    []string // in id order: ordinal i is IDs[i]
	Years  []int32
	Titles []string // sort keys
	Codes  [][]uint16
	Values [][2]string // code → facet, value
	// Flagged is state.flagged: per dimension, the positions in IDs of
	// the works whose coding of it is flagged as a spoiler.
	Flagged map[string][]uint32
}

func saveState(dir string, st *state, seq int64) error {
	ss := savedState{Schema: stateSchema, Seq: seq}
	it := st.alive.Iterator()
	var order []uint32
	for it.HasNext() {
		order = append(order, it.Next())
	}
	if !st.idOrdered {
		order = st.orders.byID
	}
	pos := make(map[uint32]uint32, len(order))
	for i, o := range order {
		pos[o] = uint32(i)
	}
	ss.Flagged = make(map[string][]uint32, len(st.flagged))
	for dim, bm := range st.flagged {
		for _, o := range bm.ToArray() {
			ss.Flagged[dim] = append(ss.Flagged[dim], pos[o])
		}
	}
	for _, o := range order {
		d := &st.docs[o]
		ss.IDs = append(ss.IDs, st.ids[o])
		ss.Years = append(ss.Years, int32(d.year))
		ss.Titles = append(ss.Titles, d.titleKey)
		ss.Codes = append(ss.Codes, d.codes)
	}
	for _, v := range st.values {
		ss.Values = append(ss.Values, [2]string{v.facet, v.value})
	}
	tmp := filepath.Join(dir, stateFile+".tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	err = gob.NewEncoder(w).Encode(&ss)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, stateFile))
}

// loadSavedState reads stateFile if it matches the index's sequence.
func loadSavedState(dir string, st *state, seq int64) error {
	f, err := os.Open(filepath.Join(dir, stateFile))
	if err != nil {
		return err
	}
	defer f.Close()
	var ss savedState
	if err := gob.NewDecoder(bufio.NewReaderSize(f, 1<<20)).Decode(&ss); err != nil {
		return err
	}
	if ss.Schema != stateSchema || ss.Seq != seq {
		return fmt.Errorf("state file at seq %d, index at %d", ss.Seq, seq)
	}
	n := len(ss.IDs)
	if len(ss.Years) != n || len(ss.Titles) != n || len(ss.Codes) != n {
		return errors.New("state file: lengths differ")
	}
	codes := make([]uint16, len(ss.Values))
	for i, v := range ss.Values {
		codes[i] = st.code(v[0], v[1])
	}
	st.ids = ss.IDs
	st.docs = make([]docInfo, n)
	st.ordOf = make(map[string]uint32, n)
	for i, id := range ss.IDs {
		if i > 0 && ss.IDs[i-1] >= id {
			return errors.New("state file: ids out of order")
		}
		o := uint32(i)
		st.ordOf[id] = o
		d := newDocInfo(ss.Titles[i], int(ss.Years[i]))
		d.codes = ss.Codes[i]
		for j, c := range d.codes {
			if int(c) >= len(codes) {
				return errors.New("state file: bad code")
			}
			d.codes[j] = codes[c]
			st.values[d.codes[j]].bm.Add(o)
		}
		st.docs[o] = d
		st.addYear(d.year, o)
	}
	for dim, ps := range ss.Flagged {
		for _, p := range ps {
			if int(p) >= n {
				return errors.New("state file: bad flagged position")
			}
		}
		st.flagged[dim] = roaring.BitmapOf(ps...)
	}
	st.alive.AddRange(0, uint64(n))
	st.dirty = true
	return nil
}

// segmentMap maps a segment's document numbers to ordinals through the
// _id field's dictionary, whose single-document postings carry the
// document number in the dictionary itself: no stored document is read.
func segmentMap(seg segment.Segment, ordOf func(string) uint32) ([]uint32, error) {
	m := make([]uint32, seg.Count())
	for i := range m {
		m[i] = noOrd
	}
	dict, err := seg.Dictionary("_id")
	if err != nil || dict == nil {
		return m, err
	}
	it := dict.AutomatonIterator(nil, nil, nil)
	var pl segment.PostingsList
	var pi segment.PostingsIterator
	for {
		e, err := it.Next()
		if err != nil {
			return nil, err
		}
		if e == nil {
			return m, nil
		}
		o := ordOf(e.Term)
		if o == noOrd {
			continue
		}
		if pl, err = dict.PostingsList([]byte(e.Term), nil, pl); err != nil {
			return nil, err
		}
		pi = pl.Iterator(false, false, false, pi)
		for {
			p, err := pi.Next()
			if err != nil {
				return nil, err
			}
			if p == nil {
				break
			}
			if n := p.Number(); n < uint64(len(m)) {
				m[n] = o
			}
		}
	}
}
