package server

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// TestAPISearchHighlightKeys: on the shipped catalog, a hit's highlights
// say why it matched, under the keys api.md names: the alternate title
// "kuragehime" matched, the coded condition "social anxiety" matched, a
// creator or character's name, a coding's evidence.
func TestAPISearchHighlightKeys(t *testing.T) {
	s := newSiteServer(t)
	known := []string{"title", "synopsis", "alt_titles", "names", "topics", "evidence"}
	for _, tt := range []struct{ q, id, key, want string }{
		{"kuragehime", "princess-jellyfish-manga", "alt_titles", "<mark>Kuragehime</mark>"},
		{"social anxiety", "", "topics", "Conditions: <mark>Social</mark> <mark>anxiety</mark>"},
		{"social phobia", "", "topics", "Conditions: Social anxiety (<mark>social</mark> <mark>phobia</mark>)"},
		{"higashimura", "princess-jellyfish-manga", "names", "Akiko <mark>Higashimura</mark>"},
		{"terrified strangers", "welcome-to-the-nhk-novel", "evidence", "Conditions: He is <mark>terrified</mark> of <mark>strangers</mark>&#39; eyes"},
		{"jellyfish", "princess-jellyfish-manga", "title", "Princess <mark>Jellyfish</mark>"},
	} {
		rec := request(t, s, http.MethodGet, "/api/v1/search?size=100&q="+strings.ReplaceAll(tt.q, " ", "+"))
		if rec.Code != http.StatusOK {
			t.Fatalf("search %q: %d %s", tt.q, rec.Code, rec.Body)
		}
		var body struct {
			Hits []struct {
				ID         string              `json:"id"`
				Highlights map[string][]string `json:"highlights"`
			} `json:"hits"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatal(err)
		}
		found := false
		for _, h := range body.Hits {
			for k := range h.Highlights {
				if !slices.Contains(known, k) {
					t.Errorf("search %q: hit %s has highlight key %q", tt.q, h.ID, k)
				}
			}
			if tt.id != "" && h.ID != tt.id {
				continue
			}
			for _, v := range h.Highlights[tt.key] {
				found = found || strings.Contains(v, tt.want)
			}
		}
		if !found {
			t.Errorf("search %q: no hit %s with %s highlight %q", tt.q, tt.id, tt.key, tt.want)
		}
	}
}

// TestSearchPageMatched: a hit whose title and synopsis do not show why it
// matched says so on a "Matched:" line, with the highlights as the index
// marked them (escaped once), and spoiler dimensions only for readers who
// show spoilers.
func TestSearchPageMatched(t *testing.T) {
	s := newSiteServer(t)
	const line = `<p class="matched"><span class="muted">Matched:</span> `
	for _, tt := range []struct {
		url     string
		spoiler bool            // the reader shows spoilers
		has     map[string]bool // a piece of the page → whether it is there
	}{
		{"/?q=kuragehime", false, map[string]bool{line + `<mark>Kuragehime</mark></p>`: true,
			`<mark>Kuragehime</mark> · <mark>Kuragehime</mark>`: false, `&lt;mark&gt;`: false}},
		{"/?q=social+anxiety", false, map[string]bool{line + `Conditions: <mark>Social</mark> <mark>anxiety</mark>`: true}},
		{"/?q=terrified+strangers", false, map[string]bool{`Conditions: He is <mark>terrified</mark> of <mark>strangers</mark>&#39; eyes`: true,
			`&amp;#39;`: false}},
		// Recovery is a spoiler: its coded value shows only for readers who
		// show spoilers.
		{"/?q=gradual", false, map[string]bool{line + `Recovery: <mark>Gradual</mark>`: false}},
		{"/?q=gradual", true, map[string]bool{line + `Recovery: <mark>Gradual</mark>`: true}},
		{"/?q=gradual&show=recovery", false, map[string]bool{line + `Recovery: <mark>Gradual</mark>`: true}},
		// The title shows the match: no "Matched" line.
		{"/?q=jellyfish", false, map[string]bool{`<mark>Jellyfish</mark>`: true, `class="matched`: false}},
	} {
		rec := requestSpoilers(s, tt.url, tt.spoiler)
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s: %d", tt.url, rec.Code)
		}
		for piece, want := range tt.has {
			if got := strings.Contains(rec.Body.String(), piece); got != want {
				t.Errorf("GET %s (spoilers %v): page has %s = %v, want %v", tt.url, tt.spoiler, piece, got, want)
			}
		}
	}
}
