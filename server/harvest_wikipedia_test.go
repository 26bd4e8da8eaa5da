package server

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/komoru/komoru/catalog/harvest"
)

// TestNewWorkFromSavedWikipedia is the test of done through the
// form: the saved Wikipedia pages, served on 127.0.0.1 and read by the
// real harvester (Colly and every extractor), fill /works/new with the
// right title, medium, year and creator.
func TestNewWorkFromSavedWikipedia(t *testing.T) {
	pages := map[string]string{
		"/wiki/The_Wandering_Earth":                        "wikipedia_The_Wandering_Earth_2019.html",
		"/wiki/How_to_Train_Your_Dragon:_The_Hidden_World": "wikipedia_How_to_Train_Your_Dragon_The_Hidden_World_2019.html",
		"/api/rest_v1/page/html/Garou:_Mark_of_the_Wolves": "wikipedia_parsoid_Garou_Mark_of_the_Wolves_2026.html",
	}
	wiki := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r) // robots.txt too: no rules
			return
		}
		b, err := os.ReadFile(filepath.Join("..", "catalog", "harvest", "testdata", "wikipedia", name))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(b)
	}))
	defer wiki.Close()
	fetcher, err := harvest.NewColly(harvest.Options{UserAgent: "komoru-test", Delay: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	st, cookie := harvestSite(t, &harvest.Harvester{Fetcher: fetcher})

	for _, c := range []struct {
		path string
		want map[string]string
	}{
		{"/wiki/The_Wandering_Earth", map[string]string{"id": "the-wandering-earth-film", "title": "The Wandering Earth",
			"medium": "live_action_film", "year": "2019", "creators[0].name": "Frant Gwo", "creators[0].role": "director"}},
		{"/wiki/How_to_Train_Your_Dragon:_The_Hidden_World", map[string]string{"title": "How to Train Your Dragon: The Hidden World",
			"medium": "anime_film", "year": "2019"}},
		{"/api/rest_v1/page/html/Garou:_Mark_of_the_Wolves", map[string]string{"title": "Garou: Mark of the Wolves",
			"medium": "video_game", "year": "1999", "creators[0].name": "SNK", "creators[0].role": "developer"}},
	} {
		t.Run(c.path, func(t *testing.T) {
			rec := st.do(t, req{method: "GET", url: "/works/new?from=" + url.QueryEscape(wiki.URL+c.path), cookie: cookie})
			if rec.Code != http.StatusOK {
				t.Fatalf("GET /works/new?from=: %d\n%s", rec.Code, rec.Body)
			}
			form := formValues(t, rec.Body.String(), "edit-form")
			for name, want := range c.want {
				if got := form.Get(name); got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
			if got := form.Get("sources[0].url"); got != wiki.URL+c.path {
				t.Errorf("the first source is %q, want the page", got)
			}
		})
	}
	// The Hidden World's studio is among its creators, whatever their order.
	rec := st.do(t, req{method: "GET", url: "/works/new?from=" + url.QueryEscape(wiki.URL+"/wiki/How_to_Train_Your_Dragon:_The_Hidden_World"), cookie: cookie})
	form := formValues(t, rec.Body.String(), "edit-form")
	found := false
	for i := 0; form.Has(fmt.Sprintf("creators[%d].name", i)); i++ {
		if form.Get(fmt.Sprintf("creators[%d].name", i)) == "DreamWorks Animation" && form.Get(fmt.Sprintf("creators[%d].role", i)) == "studio" {
			found = true
		}
	}
	if !found {
		t.Errorf("DreamWorks Animation is not a studio of the filled form: %v", form)
	}
}
