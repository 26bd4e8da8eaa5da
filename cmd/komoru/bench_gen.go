package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/komoru/komoru/catalog"
)

// The benchmark's synthetic catalog (komoru bench --generate N --seed S),
// a port of the generator the benchmark was first run with, so that a
// clone can run it. Its distribution is that generator's: field values
// follow the codebook, text a Zipf curve over 20,000 words with the
// domain words at fixed ranks: common ones (family, anxiety, game,
// hikikomori…) near the head, each in a large share of synopses, rare
// ones (neighbor, letter, exam…) in the tail, each in well under 1% of
// works, about 1.9 KB a work. The same N and seed give the same bytes
// (math/rand/v2's PCG, not Python's Mersenne Twister: the same shape, not
// the same works). Nothing here is a real work: use it for speed and
// scale, never as catalog content.

var (
	genCommon = strings.Fields("room door screen game online anime family mother father school friend anxiety fear " +
		"shame parents home night internet world society pressure years love girl boy hikikomori")
	genRare = strings.Fields("neighbor letter exam silence forum stream chat otaku neet isolation withdrawal recovery apartment " +
		"city tokyo romance comedy drama quiet alone outside company meeting chance phone months dream " +
		"window sister brother university work job office manga")
	genSyllables = strings.Fields("ka ki ku ke ko sa shi su se so ta chi tsu te to na ni nu ne no ha hi fu he ho ma mi mu me mo " +
		"ya yu yo ra ri ru re ro wa n ga gi gu ge go za ji zu ze zo ba bi bu be bo pa pi pu pe po")
	genKana  = []rune("ひきこもりのへやとまどそとせかいゲーム")
	genRoles = []string{"author", "artist", "director", "studio", "developer", "publisher", "network", "writer"}
)

// weighted is a list of values and their weights.
type weighted struct {
	values  []string
	weights []int
}

var (
	genMedia     = weighted{[]string{"anime_series", "anime_film", "manga", "light_novel", "novel", "live_action_film", "tv_drama", "documentary", "video_game", "other"}, []int{22, 6, 24, 12, 8, 8, 8, 3, 7, 2}}
	genCountries = weighted{[]string{"JP", "KR", "US", "FR", "IT", "ES", "IN", "CN", "GB", "DE"}, []int{60, 10, 9, 4, 4, 3, 3, 3, 2, 2}}
	genGenders   = weighted{[]string{"male", "female", "nonbinary", "unspecified"}, []int{58, 34, 3, 5}}
	// genTags are the single-valued dimensions, in the order they are drawn.
	genTags = []struct {
		dim string
		weighted
	}{
		{"realism", weighted{[]string{"realistic", "mixed", "romanticized"}, []int{30, 35, 35}}},
		{"tone", weighted{[]string{"serious", "dramedy", "comedic"}, []int{30, 40, 30}}},
		{"recovery", weighted{[]string{"none", "gradual", "sudden", "cyclical", "open"}, []int{20, 25, 30, 10, 15}}},
		{"otaku_conflation", weighted{[]string{"yes", "partial", "no"}, []int{35, 30, 35}}},
		{"withdrawal_criteria", weighted{[]string{"met", "not_met", "unclear"}, []int{50, 20, 30}}},
	}
	// genSets are the set dimensions: 1 to 3 values each (0 to 3 content
	// warnings).
	genSets = []struct {
		dim    string
		values []string
	}{
		{"recovery_catalysts", []string{"romance", "friendship", "family", "professional_help", "online_community", "work_or_school", "fantasy_escape"}},
		{"conditions", []string{"social_anxiety", "depression", "avoidant_personality", "paranoia", "trauma", "none_explicit"}},
		{"triggers", []string{"academic_pressure", "work_failure", "bullying", "family_pressure", "rejection", "bereavement", "unspecified"}},
		{"family_dynamics", []string{"enabling", "pressuring", "supportive", "absent"}},
		{"internet_role", []string{"lifeline", "escape", "enabler", "absent"}},
		{"content_warnings", []string{"suicide", "self_harm", "abuse", "sexual_content", "substance_use"}},
	}
)

// genVocabularySize is how many words the synopses are drawn from.
const genVocabularySize = 20000

// corpusGen draws the works of one corpus.
type corpusGen struct {
	rng   *rand.Rand
	vocab []string
	cum   []float64 // cumulative Zipf weights of vocab's ranks
}

func newCorpusGen(seed uint64) *corpusGen {
	g := &corpusGen{rng: rand.New(rand.NewPCG(seed, seed^0x6b6f6d6f7275))}
	g.vocab = g.vocabulary(genVocabularySize)
	total := 0.0
	g.cum = make([]float64, len(g.vocab))
	for r := range g.vocab {
		total += 1 / math.Pow(float64(r+1), 1.07)
		g.cum[r] = total
	}
	return g
}

// intn is a number from lo to hi, both included.
func (g *corpusGen) intn(lo, hi int) int { return lo + g.rng.IntN(hi-lo+1) }

func (g *corpusGen) pick(vals []string) string { return vals[g.rng.IntN(len(vals))] }

func (g *corpusGen) pickWeighted(w weighted) string {
	sum := 0
	for _, x := range w.weights {
		sum += x
	}
	n := g.rng.IntN(sum)
	for i, x := range w.weights {
		if n < x {
			return w.values[i]
		}
		n -= x
	}
	return w.values[len(w.values)-1]
}

// syllables is a made-up word of lo to hi syllables.
func (g *corpusGen) syllables(lo, hi int) string {
	var b strings.Builder
	for range g.intn(lo, hi) {
		b.WriteString(g.pick(genSyllables))
	}
	return b.String()
}

// vocabulary makes size words: made-up ones, shuffled, with the common
// domain words put at ranks 4, 10, 16… and the rare ones at 2000, 2090….
func (g *corpusGen) vocabulary(size int) []string {
	domain := len(genCommon) + len(genRare)
	seen := map[string]bool{}
	for _, w := range slices.Concat(genCommon, genRare) {
		seen[w] = true
	}
	words := make([]string, 0, size)
	for len(words) < size-domain {
		if w := g.syllables(2, 4); !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	g.rng.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
	for i, w := range genCommon {
		words = slices.Insert(words, 4+6*i, w)
	}
	for i, w := range genRare {
		words = slices.Insert(words, 2000+90*i, w)
	}
	return words
}

// words draws k words from the Zipf curve.
func (g *corpusGen) words(k int) []string {
	out := make([]string, k)
	total := g.cum[len(g.cum)-1]
	for i := range out {
		x := g.rng.Float64() * total
		out[i] = g.vocab[sort.SearchFloat64s(g.cum, x)]
	}
	return out
}

// title capitalises each word, as Python's str.title does to these.
func title(words []string) string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = capitalize(w)
	}
	return strings.Join(out, " ")
}

func capitalize(w string) string {
	r, n := utf8.DecodeRuneInString(w)
	return string(unicode.ToUpper(r)) + w[n:]
}

func (g *corpusGen) name() string {
	return capitalize(g.syllables(2, 3)) + " " + capitalize(g.syllables(2, 3))
}

// work draws the i-th work.
func (g *corpusGen) work(i int) *catalog.Work {
	w := &catalog.Work{ID: fmt.Sprintf("synthetic-%07d", i)}
	w.Medium = g.pickWeighted(genMedia)
	w.Year = int(min(2026, max(1975, g.rng.NormFloat64()*9+2010)))
	w.Title = title(g.words(g.intn(2, 5)))
	for c := range g.intn(1, 4) {
		ch := catalog.Character{Name: g.name(), Gender: g.pickWeighted(genGenders), Role: "protagonist"}
		if c > 0 {
			ch.Role = g.pick([]string{"deuteragonist", "supporting"})
		}
		ch.Hikikomori = c == 0 || g.rng.Float64() < 0.2
		w.Characters = append(w.Characters, ch)
	}
	w.Portrayal = catalog.Portrayal{}
	for _, t := range genTags {
		w.Portrayal[t.dim] = catalog.Coding{Value: g.pickWeighted(t.weighted)}
	}
	for _, s := range genSets {
		lo := 1
		if s.dim == "content_warnings" {
			lo = 0
		}
		perm := g.rng.Perm(len(s.values))[:g.intn(lo, 3)]
		vals := make([]string, 0, len(perm))
		for _, j := range perm {
			vals = append(vals, s.values[j])
		}
		slices.Sort(vals)
		w.Portrayal[s.dim] = catalog.Coding{Values: vals}
	}
	kana := make([]rune, g.intn(4, 10))
	for j := range kana {
		kana[j] = genKana[g.rng.IntN(len(genKana))]
	}
	w.OriginalTitle = string(kana)
	w.RomanizedTitle = strings.Join(g.words(g.intn(2, 4)), " ")
	for range g.intn(0, 2) {
		w.AltTitles = append(w.AltTitles, title(g.words(g.intn(1, 3))))
	}
	w.Countries = []string{g.pickWeighted(genCountries)}
	w.Languages = []string{"ja"}
	for range g.intn(1, 3) {
		w.Creators = append(w.Creators, catalog.Creator{Name: g.name(), Role: g.pick(genRoles)})
	}
	w.Synopsis = capitalize(strings.Join(g.words(g.intn(40, 160)), " ")) + "."
	w.Sources = []catalog.Source{{URL: fmt.Sprintf("https://example.org/works/%d", i), Title: "synthetic"}}
	return w
}

// generateCorpus writes n synthetic works in import format v1, one a line.
func generateCorpus(out io.Writer, n int, seed uint64) error {
	bw := bufio.NewWriterSize(out, 1<<16)
	g := newCorpusGen(seed)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for i := range n {
		if err := enc.Encode(g.work(i)); err != nil {
			return err
		}
	}
	return bw.Flush()
}
