package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/komoru/komoru/catalog"
)

// TestCiteRevision: a work's cite block names its revision and the day
// that revision was made: for a shipped work as seeded, revision 1 and the
// shipped catalog's release date (not the day the data dir was made); for
// an edited one, its new revision and the day of the edit.
func TestCiteRevision(t *testing.T) {
	st := newSite(t)
	const id = "welcome-to-the-nhk-anime"
	release := catalog.ShippedRevised()
	if release.IsZero() {
		t.Fatal("the shipped catalog has no release date")
	}
	edited := time.Date(2031, 5, 4, 10, 30, 0, 0, time.UTC)
	cite := func() (entry, footer string) {
		page := st.do(t, req{method: "GET", url: "/works/" + id}).Body.String()
		return elementHTML(t, page, "span", "cite-entry"), page[strings.Index(page, `<h2 id="cite">`):]
	}

	entry, footer := cite()
	for _, want := range []string{"komoru. (" + release.Format("2006, January 2") + ").", "[Catalog entry, revision 1]."} {
		if !strings.Contains(entry, want) {
			t.Errorf("the seeded work's entry %q lacks %q", entry, want)
		}
	}
	if want := "Revision 1, updated " + release.Format("2 January 2006"); !strings.Contains(footer, want) {
		t.Errorf("the seeded work's cite block lacks %q", want)
	}

	ctx := context.Background()
	rev, err := st.store.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	// To the second: on the release day itself the date alone would not
	// tell the release from the seeding.
	if !rev.Time.Equal(release) {
		t.Errorf("the seeded revision is stamped %v, want the release, %v", rev.Time, release)
	}
	w := *rev.Work
	w.Notes = "A closer reading of episode 1."
	if _, err := catalog.UpdateWork(ctx, st.store, &w, rev.Number, catalog.Change{Author: "cora", Note: "notes", Time: edited}); err != nil {
		t.Fatal(err)
	}
	entry, footer = cite()
	for _, want := range []string{"komoru. (2031, May 4).", "[Catalog entry, revision 2]."} {
		if !strings.Contains(entry, want) {
			t.Errorf("the edited work's entry %q lacks %q", entry, want)
		}
	}
	if want := "Revision 2, updated 4 May 2031"; !strings.Contains(footer, want) {
		t.Errorf("the edited work's cite block lacks %q", want)
	}
}
