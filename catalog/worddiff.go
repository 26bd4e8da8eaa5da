package catalog

import (
	"strings"
	"unicode"
)

// WordOp is what a piece of a word diff does to the old text.
type WordOp string

// The pieces of a word diff.
const (
	WordKeep   WordOp = "keep"
	WordDelete WordOp = "del"
	WordInsert WordOp = "ins"
)

// WordChunk is a run of words a word diff keeps, deletes or inserts, with
// the spaces that follow them.
type WordChunk struct {
	Op   WordOp
	Text string
}

// maxDiffCells bounds the table of a word diff: the words that differ
// between the two texts, once their common start and end are set aside,
// multiplied. Past it (two texts of 2,000 different words each) the diff
// is a whole-text replace, so that two long texts cannot take more than
// about 8 MB (two bytes a cell) or quadratic time.
const maxDiffCells = 2000 * 2000

// WordDiff returns the chunks that turn old into new, word by word: the
// longest common subsequence of their words, with deletions before
// insertions where a run changed. Words are cut at spaces, and each Han
// character or kana is a word of its own, since Japanese and Chinese put
// no spaces between words. Joining the keep and delete chunks gives old,
// the keep and insert chunks new, except that spacing alone is not
// compared (a kept word carries new's spacing). Adjacent chunks of one op
// are merged. Texts too long to compare in bounded memory, and rewrites
// that keep fewer than a quarter of the words, come back as one deletion
// and one insertion.
func WordDiff(old, new string) []WordChunk {
	a, b := splitWords(old), splitWords(new)
	var d wordDiff
	// The common start and end cost nothing to find and usually hold most
	// of an edited text, which keeps the table small.
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre].key == b[pre].key {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf].key == b[len(b)-1-suf].key {
		suf++
	}
	for k := range pre {
		d.add(WordKeep, kept(a[k], b[k]))
	}
	d.middle(a[pre:len(a)-suf], b[pre:len(b)-suf])
	d.add(WordKeep, b[len(b)-suf:]...)
	return d.chunks
}

// word is a word with the spaces after it (text), and without (key, what
// is compared).
type word struct{ text, key string }

type wordDiff struct{ chunks []WordChunk }

// add appends words as op, merged into the last chunk when it has op too.
func (d *wordDiff) add(op WordOp, words ...word) {
	if len(words) == 0 {
		return
	}
	var text strings.Builder
	if n := len(d.chunks); n > 0 && d.chunks[n-1].Op == op {
		text.WriteString(d.chunks[n-1].Text)
		d.chunks = d.chunks[:n-1]
	}
	for _, w := range words {
		text.WriteString(w.text)
	}
	d.chunks = append(d.chunks, WordChunk{Op: op, Text: text.String()})
}

// middle diffs the part of the texts between their common start and end.
func (d *wordDiff) middle(a, b []word) {
	n, m := len(a), len(b)
	if n == 0 || m == 0 || n*m > maxDiffCells {
		d.add(WordDelete, a...)
		d.add(WordInsert, b...)
		return
	}
	// lcs[i*w+j] is the length of the longest common subsequence of a[i:]
	// and b[j:]. It is at most the shorter side, which maxDiffCells keeps
	// at 2,000, so two bytes hold it.
	w := m + 1
	lcs := make([]uint16, (n+1)*w)
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			switch {
			case a[i].key == b[j].key:
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			case lcs[(i+1)*w+j] >= lcs[i*w+j+1]:
				lcs[i*w+j] = lcs[(i+1)*w+j]
			default:
				lcs[i*w+j] = lcs[i*w+j+1]
			}
		}
	}
	// A rewrite that keeps a few small words ("his", "and") reads better
	// as a replace than as a patchwork around them.
	if int(lcs[0])*4 < max(n, m) {
		d.add(WordDelete, a...)
		d.add(WordInsert, b...)
		return
	}
	// Walk the table, holding each changed run's deletions and insertions
	// apart so that they read as "old words, then new words".
	var del, ins []word
	flush := func() {
		d.add(WordDelete, del...)
		d.add(WordInsert, ins...)
		del, ins = del[:0], ins[:0]
	}
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i].key == b[j].key:
			flush()
			d.add(WordKeep, kept(a[i], b[j]))
			i, j = i+1, j+1
		case lcs[(i+1)*w+j] >= lcs[i*w+j+1]:
			del = append(del, a[i])
			i++
		default:
			ins = append(ins, b[j])
			j++
		}
	}
	del, ins = append(del, a[i:]...), append(ins, b[j:]...)
	flush()
}

// kept is the text of a word both texts have: new's, with old's spacing
// after it when new has none (new's last word), so that the old words
// deleted after it do not run into it.
func kept(old, new word) word {
	if len(new.text) == len(new.key) && len(old.text) > len(old.key) {
		return old
	}
	return new
}

// splitWords cuts s into words, each with the spaces after it; spaces
// before the first word go with it. Joined, the words give s back.
func splitWords(s string) []word {
	var (
		words              []word
		start              int
		seen               bool // the word being read has more than spaces
		prevSpace, prevCJK bool
	)
	for i, r := range s {
		space, cjk := unicode.IsSpace(r), isCJK(r)
		if !space && seen && (prevSpace || cjk || prevCJK) {
			words = append(words, word{s[start:i], strings.TrimSpace(s[start:i])})
			start = i
		}
		seen = seen || !space
		prevSpace, prevCJK = space, cjk
	}
	if start < len(s) {
		words = append(words, word{s[start:], strings.TrimSpace(s[start:])})
	}
	return words
}

// isCJK reports whether r is written without spaces between words.
func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana)
}
