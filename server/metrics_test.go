package server

import (
	"context"
	"strings"
	"testing"

	"github.com/komoru/komoru/catalog"
)

// TestMetricsIndexLag: /metrics counts the catalog's changes the index has
// not taken yet, as a change made beside the server leaves them.
func TestMetricsIndexLag(t *testing.T) {
	st := newSite(t)
	lag := func() string {
		t.Helper()
		rec := st.do(t, req{method: "GET", url: "/metrics"})
		for line := range strings.SplitSeq(rec.Body.String(), "\n") {
			if v, ok := strings.CutPrefix(line, "komoru_index_lag "); ok {
				return v
			}
		}
		t.Fatalf("/metrics has no komoru_index_lag:\n%.2000s", rec.Body)
		return ""
	}
	if got := lag(); got != "0" {
		t.Errorf("lag of a caught-up index = %s, want 0", got)
	}
	// Two changes straight to the store, as komoru import makes them.
	for _, note := range []string{"one", "two"} {
		st.revise(t, nhkAnime, "komoru", note, func(w *catalog.Work) { w.Notes += note })
	}
	if got := lag(); got != "2" {
		t.Errorf("lag after two changes the index has not taken = %s, want 2", got)
	}
	if _, err := st.ix.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := lag(); got != "0" {
		t.Errorf("lag after catching up = %s, want 0", got)
	}
	// The two changes were updates: the index counts them as taken.
	rec := st.do(t, req{method: "GET", url: "/metrics"})
	for _, want := range []string{`komoru_index_changes_applied_total{op="update"} 2`, `komoru_index_changes_applied_total{op="create"} 0`} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
