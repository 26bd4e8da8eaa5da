package server

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// TestBrowserExportDownload: on a filtered, sorted search page past its
// first page, "Export N results" opens on the formats, and the CSV link
// downloads every hit of the search, one row a work; opened, the menu
// fits a phone without sideways scrolling.
func TestBrowserExportDownload(t *testing.T) {
	b := newBrowser(t, newSiteServer(t))
	dir := t.TempDir()
	// Chrome names the file before it has written it, so the test waits
	// for the download's "completed" event, not for the file to appear.
	done := make(chan struct{})
	var once sync.Once
	if err := chromedp.ListenBrowser(b.ctx, func(ev any) {
		if p, ok := ev.(*cdpbrowser.EventDownloadProgress); ok && p.State == cdpbrowser.DownloadProgressStateCompleted {
			once.Do(func() { close(done) })
		}
	}); err != nil {
		t.Fatal(err)
	}
	events := true
	b.run(t, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
			Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir, EventsEnabled: &events})
		return err
	}))
	b.run(t, chromedp.Navigate(b.base+"/?q=room&medium=anime_series&medium=manga&medium=novel&medium=live_action_film&sort=title&page=2&size=2"),
		chromedp.WaitVisible(chromedp.CSS("details.export-these > summary")))
	summary := eval[string](t, b, `document.querySelector("details.export-these > summary").textContent`)
	total, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(summary, "Export "), " results"))
	if err != nil || total < 3 {
		t.Fatalf("summary %q: want Export N results with N over one page of 2", summary)
	}
	if !strings.HasSuffix(eval[string](t, b, `document.getElementById("total").textContent`), " of "+strconv.Itoa(total)+" works") {
		t.Errorf("the menu's count %d is not the page's total", total)
	}
	if eval[bool](t, b, `document.querySelector("details.export-these a[href*='format=csv']").checkVisibility()`) {
		t.Error("the formats show before the menu is opened")
	}
	b.run(t, chromedp.Click(chromedp.CSS("details.export-these > summary")))
	b.waitFor(t, `document.querySelector("details.export-these a[href*='format=csv']").checkVisibility()`)
	b.screenshots(t, "export-menu")
	for _, width := range []int64{320, 390} {
		b.run(t, chromedp.EmulateViewport(width, 800, chromedp.EmulateScale(2), chromedp.EmulateMobile), chromedp.Sleep(100*time.Millisecond))
		if over := eval[int](t, b, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); over > 0 {
			t.Errorf("at %d px, the open export menu scrolls sideways by %d px", width, over)
		}
	}
	b.run(t, chromedp.EmulateViewport(1280, 900))
	b.run(t, chromedp.Click(chromedp.CSS("details.export-these a[href*='format=csv']")))

	select {
	case <-done:
	case <-time.After(15 * time.Second):
		t.Fatal("no CSV downloaded")
	}
	names, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
	if len(names) != 1 {
		t.Fatalf("downloaded %v, want one CSV", names)
	}
	file := names[0]
	if want := "komoru-2026-06-01.csv"; filepath.Base(file) != want { // the site's clock
		t.Errorf("downloaded as %s, want %s", filepath.Base(file), want)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("the download is no CSV: %v", err)
	}
	if len(rows) != total+1 {
		t.Errorf("the CSV has %d rows of works, the search %d", len(rows)-1, total)
	}
	// In the search's order (title), not the page's slice of it.
	pageFirst := eval[string](t, b, `document.querySelector(".hit h3 a").getAttribute("href")`)
	if len(rows) > 3 && "/works/"+rows[3][0] != pageFirst {
		t.Errorf("row 3 of the CSV is %s, the page's first hit (rank 3) %s", rows[3][0], pageFirst)
	}
	b.clean(t)
}
