package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/komoru/komoru/catalog"
)

// TestGenerateCorpusDeterministic: the same number and seed give the
// same bytes, another seed other works.
func TestGenerateCorpusDeterministic(t *testing.T) {
	gen := func(n int, seed uint64) []byte {
		var b bytes.Buffer
		if err := generateCorpus(&b, n, seed); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	a, b, c := gen(300, 7), gen(300, 7), gen(300, 8)
	if !bytes.Equal(a, b) {
		t.Error("two corpora of the same size and seed differ")
	}
	if bytes.Equal(a, c) {
		t.Error("seeds 7 and 8 give the same corpus")
	}
	if !bytes.HasPrefix(gen(400, 7), a) {
		t.Error("the first 300 works of 400 are not the 300 works of the same seed")
	}
	if n := bytes.Count(a, []byte("\n")); n != 300 {
		t.Errorf("%d lines, want 300", n)
	}
}

// TestGenerateCorpusShape checks the generated corpus against the shape
// of the generator the benchmark was first run with (its README and its
// weights): about 1.9 KB a work; common domain words in a large share of
// synopses, rare ones in well under 1%; media, countries, genders and
// years drawn with its weights. The bounds are wide enough for sampling
// noise at 3,000 works and narrow enough to catch a wrong weight or curve.
func TestGenerateCorpusShape(t *testing.T) {
	const n = 3000
	var buf bytes.Buffer
	if err := generateCorpus(&buf, n, 1); err != nil {
		t.Fatal(err)
	}
	size := buf.Len()
	var (
		works     []catalog.Work
		media     = map[string]int{}
		jp, years int
		minYear   = math.MaxInt
		maxYear   int
		chars     int
		female    int
		noWarn    int
		words     int
		withWord  = map[string]int{}
	)
	sc := bufio.NewScanner(&buf)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var w catalog.Work
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&w); err != nil {
			t.Fatalf("line %d: %v", len(works)+1, err)
		}
		works = append(works, w)
		media[w.Medium]++
		if slices.Equal(w.Countries, []string{"JP"}) {
			jp++
		}
		years += w.Year
		minYear, maxYear = min(minYear, w.Year), max(maxYear, w.Year)
		for _, c := range w.Characters {
			chars++
			if c.Gender == "female" {
				female++
			}
		}
		if len(w.Portrayal["content_warnings"].Values) == 0 {
			noWarn++
		}
		syn := strings.Fields(strings.ToLower(strings.TrimSuffix(w.Synopsis, ".")))
		words += len(syn)
		seen := map[string]bool{}
		for _, word := range syn {
			if !seen[word] {
				seen[word] = true
				withWord[word]++
			}
		}
	}
	if len(works) != n {
		t.Fatalf("%d works, want %d", len(works), n)
	}
	share := func(k int) float64 { return float64(k) / n }
	between := func(what string, got, lo, hi float64) {
		t.Helper()
		t.Logf("%s = %.4g", what, got)
		if got < lo || got > hi {
			t.Errorf("%s = %.4g, want %.4g to %.4g", what, got, lo, hi)
		}
	}
	between("bytes a work", float64(size)/n, 1500, 2300)
	between("synopsis words a work", float64(words)/n, 95, 105)
	most := 0.0
	for _, w := range genCommon {
		between("share of synopses with common word "+w, share(withWord[w]), 0.04, 0.95)
		most = max(most, share(withWord[w]))
	}
	between("share of synopses with the most common domain word", most, 0.7, 0.95)
	rareSeen := 0
	for _, w := range genRare {
		between("share of synopses with rare word "+w, share(withWord[w]), 0, 0.015)
		rareSeen += withWord[w]
	}
	between("works with a rare word", float64(rareSeen), 10, 0.2*n)
	for i, m := range genMedia.values {
		want := float64(genMedia.weights[i]) / 100
		between("share of medium "+m, share(media[m]), want-0.03, want+0.03)
	}
	between("share of Japanese works", share(jp), 0.56, 0.64)
	between("share of female characters", float64(female)/float64(chars), 0.30, 0.37)
	between("mean year", float64(years)/n, 2008.5, 2011)
	between("earliest year", float64(minYear), 1975, 1985)
	between("latest year", float64(maxYear), 2026, 2026)
	between("share without content warnings", share(noWarn), 0.21, 0.29)
}

// TestBenchGenerate runs the benchmark on a generated corpus, the way a
// clone runs it, with the query set the repo ships.
func TestBenchGenerate(t *testing.T) {
	code, stdout, stderr := komoru(t, "", nil, "bench", "--generate", "300", "--seed", "3",
		"--queries", "../../testdata/bench/queries.jsonl", "--repeats", "1", "--warmups", "0")
	if code != 0 {
		t.Fatalf("bench --generate: exit %d: %s", code, stderr)
	}
	var rep benchReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("not the report: %v\n%s", err, stdout)
	}
	if rep.N != 300 || len(rep.Queries) != 14 {
		t.Errorf("report: %d works, %d queries; want 300 and the 14 of the query set", rep.N, len(rep.Queries))
	}
	for _, args := range [][]string{
		{"bench", "--generate", "0"},
		{"bench", "--generate", "10", "--seed", "x"},
		{"bench", "--generate", "10", "--corpus", "f.jsonl"},
		{"bench"},
	} {
		if code, _, stderr := komoru(t, "", nil, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2 (usage): %s", args, code, stderr)
		}
	}
}
