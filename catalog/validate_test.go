package catalog

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// validWork returns a work that passes validation; each case breaks one rule.
func validWork() *Work {
	return &Work{
		ID: "welcome-to-the-nhk-anime", Title: "Welcome to the N.H.K.", Medium: "anime_series", Year: 2006, EndYear: 2006,
		OriginalTitle: "N・H・Kにようこそ!", AltTitles: []string{"NHK ni Youkoso"},
		Countries: []string{"JP"}, Languages: []string{"ja"},
		Creators:   []Creator{{Name: "Gonzo", Role: "studio"}},
		Characters: []Character{{Name: "Tatsuhiro Satō", Gender: "male", Role: "protagonist", Hikikomori: true}},
		Portrayal: Portrayal{
			"realism":    {Value: "realistic", Evidence: "The panic attacks are shown without jokes."},
			"conditions": {Values: []string{"social_anxiety", "paranoia"}},
			"recovery":   {Value: "cyclical", Spoiler: true},
		},
		Related: []Relation{{ID: "welcome-to-the-nhk-novel", Relation: "adaptation_of"}},
		Sources: []Source{{URL: "https://en.wikipedia.org/wiki/Welcome_to_the_N.H.K.", Title: "Wikipedia"}},
		Links:   []Link{{URL: "http://www.nhk-project.com/", Label: "Official site"}},
	}
}

func TestValidate(t *testing.T) {
	cb := DefaultCodebook()
	next := time.Now().Year() + 1
	tests := []struct {
		name   string
		mutate func(w *Work)
		fields []string // the fields the error must name, exactly
	}{
		{"valid", func(w *Work) {}, nil},
		{"id required", func(w *Work) { w.ID = "" }, []string{"id"}},
		{"id not a slug", func(w *Work) { w.ID = "Welcome NHK" }, []string{"id"}},
		{"id with double hyphen", func(w *Work) { w.ID = "nhk--anime" }, []string{"id"}},
		{"id too long", func(w *Work) { w.ID = strings.Repeat("a", 101) }, []string{"id"}},
		{"title required", func(w *Work) { w.Title = "" }, []string{"title"}},
		{"title blank", func(w *Work) { w.Title = "  \t" }, []string{"title"}},
		{"title control character", func(w *Work) { w.Title = "a\x00b" }, []string{"title"}},
		{"title not UTF-8", func(w *Work) { w.Title = "a\xffb" }, []string{"title"}},
		{"synopsis too long", func(w *Work) { w.Synopsis = strings.Repeat("x", maxText+1) }, []string{"synopsis"}},
		{"medium required", func(w *Work) { w.Medium = "" }, []string{"medium"}},
		{"medium unknown", func(w *Work) { w.Medium = "opera" }, []string{"medium"}},
		{"year required", func(w *Work) { w.Year = 0; w.EndYear = 0 }, []string{"year"}},
		{"year before 1900", func(w *Work) { w.Year = 1899; w.EndYear = 0 }, []string{"year"}},
		{"year after next year", func(w *Work) { w.Year = next + 1; w.EndYear = 0 }, []string{"year"}},
		{"year next year", func(w *Work) { w.Year = next; w.EndYear = 0 }, nil},
		{"end_year before year", func(w *Work) { w.EndYear = 2005 }, []string{"end_year"}},
		{"end_year out of range", func(w *Work) { w.EndYear = next + 1 }, []string{"end_year"}},
		{"country not ISO", func(w *Work) { w.Countries = []string{"JP", "Japan"} }, []string{"countries[1]"}},
		{"country lower case", func(w *Work) { w.Countries = []string{"jp"} }, []string{"countries[0]"}},
		{"country duplicate", func(w *Work) { w.Countries = []string{"JP", "KR", "JP"} }, []string{"countries[2]"}},
		{"language not ISO", func(w *Work) { w.Languages = []string{"jpn"} }, []string{"languages[0]"}},
		{"alt title repeated is allowed", func(w *Work) { w.AltTitles = []string{"NHK", "NHK"} }, nil},
		{"alt title empty", func(w *Work) { w.AltTitles = []string{""} }, []string{"alt_titles[0]"}},
		{"creator role unknown", func(w *Work) { w.Creators[0].Role = "animator" }, []string{"creators[0].role"}},
		{"creator name required", func(w *Work) { w.Creators[0].Name = "" }, []string{"creators[0].name"}},
		{"creator duplicate", func(w *Work) { w.Creators = append(w.Creators, w.Creators[0]) }, []string{"creators[1]"}},
		{"character gender unknown", func(w *Work) { w.Characters[0].Gender = "m" }, []string{"characters[0].gender"}},
		{"character role unknown", func(w *Work) { w.Characters[0].Role = "lead" }, []string{"characters[0].role"}},
		{"related relation unknown", func(w *Work) { w.Related[0].Relation = "inspired_by" }, []string{"related[0].relation"}},
		{"related id not a slug", func(w *Work) { w.Related[0].ID = "NHK Novel" }, []string{"related[0].id"}},
		{"related to itself", func(w *Work) { w.Related[0].ID = w.ID }, []string{"related[0].id"}},
		{"source URL not http", func(w *Work) { w.Sources[0].URL = "ftp://example.org/x" }, []string{"sources[0].url"}},
		{"source URL relative", func(w *Work) { w.Sources[0].URL = "/wiki/NHK" }, []string{"sources[0].url"}},
		{"source URL javascript", func(w *Work) { w.Sources[0].URL = "javascript:alert(1)" }, []string{"sources[0].url"}},
		{"source URL required", func(w *Work) { w.Sources[0].URL = "" }, []string{"sources[0].url"}},
		{"source duplicate", func(w *Work) { w.Sources = append(w.Sources, w.Sources[0]) }, []string{"sources[1]"}},
		{"link URL bad", func(w *Work) { w.Links[0].URL = "www.example.org" }, []string{"links[0].url"}},
		{"dimension unknown", func(w *Work) { w.Portrayal["mood"] = Coding{Value: "sad"} }, []string{"portrayal.mood"}},
		{"metadata vocabulary is not a dimension", func(w *Work) { w.Portrayal["medium"] = Coding{Value: "manga"} }, []string{"portrayal.medium"}},
		{"value unknown", func(w *Work) { w.Portrayal["realism"] = Coding{Value: "gritty"} }, []string{"portrayal.realism"}},
		{"single dimension given a list", func(w *Work) { w.Portrayal["tone"] = Coding{Values: []string{"serious"}} }, []string{"portrayal.tone"}},
		{"set dimension given one value", func(w *Work) { w.Portrayal["triggers"] = Coding{Value: "bullying"} }, []string{"portrayal.triggers"}},
		{"set value unknown", func(w *Work) { w.Portrayal["conditions"] = Coding{Values: []string{"paranoia", "ennui"}} }, []string{"portrayal.conditions[1]"}},
		{"set value duplicate", func(w *Work) { w.Portrayal["conditions"] = Coding{Values: []string{"paranoia", "paranoia"}} }, []string{"portrayal.conditions[1]"}},
		{"empty set is coded", func(w *Work) { w.Portrayal["content_warnings"] = Coding{Values: []string{}} }, nil},
		{"content warning as a spoiler", func(w *Work) {
			w.Portrayal["content_warnings"] = Coding{Values: []string{"suicide"}, Evidence: "Episode 13.", Spoiler: true}
		}, []string{"portrayal.content_warnings.spoiler"}},
		{"empty content warnings as a spoiler", func(w *Work) { w.Portrayal["content_warnings"] = Coding{Values: []string{}, Spoiler: true} },
			[]string{"portrayal.content_warnings.spoiler"}},
		{"content warning not a spoiler", func(w *Work) {
			w.Portrayal["content_warnings"] = Coding{Values: []string{"suicide"}, Evidence: "Episode 13.", Spoiler: false}
		}, nil},
		{"content warning without a spoiler flag", func(w *Work) { w.Portrayal["content_warnings"] = Coding{Values: []string{"suicide"}} }, nil},
		{"other dimension may be a spoiler", func(w *Work) { w.Portrayal["tone"] = Coding{Value: "serious", Spoiler: true} }, nil},
		{"source and locator", func(w *Work) { w.Portrayal["tone"] = Coding{Value: "serious", Source: 1, Locator: "episode 3"} }, nil},
		{"locator without a source", func(w *Work) { w.Portrayal["tone"] = Coding{Value: "serious", Locator: "chapter 12"} }, nil},
		{"source past the sources", func(w *Work) { w.Portrayal["tone"] = Coding{Value: "serious", Source: 2} }, []string{"portrayal.tone.source"}},
		{"source negative", func(w *Work) { w.Portrayal["tone"] = Coding{Value: "serious", Source: -1} }, []string{"portrayal.tone.source"}},
		{"source without sources", func(w *Work) { w.Sources = nil; w.Portrayal["tone"] = Coding{Value: "serious", Source: 1} }, []string{"portrayal.tone.source"}},
		{"locator too long", func(w *Work) {
			w.Portrayal["tone"] = Coding{Value: "serious", Locator: strings.Repeat("é", maxLocator+1)}
		}, []string{"portrayal.tone.locator"}},
		{"locator at the limit", func(w *Work) {
			w.Portrayal["tone"] = Coding{Value: "serious", Locator: strings.Repeat("é", maxLocator)}
		}, nil},
		{"locator with a newline", func(w *Work) { w.Portrayal["tone"] = Coding{Value: "serious", Locator: "episode 3\nscene 2"} }, []string{"portrayal.tone.locator"}},
		{"locator blank", func(w *Work) { w.Portrayal["tone"] = Coding{Value: "serious", Locator: "  "} }, []string{"portrayal.tone.locator"}},
		{"empty single value", func(w *Work) { w.Portrayal["tone"] = Coding{} }, []string{"portrayal.tone"}},
		{"every problem at once", func(w *Work) { w.ID = ""; w.Title = ""; w.Medium = "opera"; w.Year = 1066; w.EndYear = 0 },
			[]string{"id", "medium", "title", "year"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := validWork()
			tt.mutate(w)
			err := w.Validate(cb)
			if tt.fields == nil {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Validate() = %v, want a *ValidationError", err)
			}
			var got []string
			for f, msg := range ve.Fields {
				if msg == "" {
					t.Errorf("field %s has an empty message", f)
				}
				got = append(got, f)
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.fields) {
				t.Errorf("Validate() names fields %v, want %v (%v)", got, tt.fields, err)
			}
		})
	}
}

func TestValidSlug(t *testing.T) {
	for s, want := range map[string]bool{
		"a": true, "nhk-2006": true, "a-b-c": true, "": false, "-a": false, "a-": false, "A": false, "a_b": false, "a b": false,
	} {
		if got := ValidSlug(s); got != want {
			t.Errorf("ValidSlug(%q) = %v, want %v", s, got, want)
		}
	}
}

func ExampleValidationError_Problems() {
	w := &Work{ID: "x", Title: "X", Medium: "opera", Year: 1850}
	var ve *ValidationError
	errors.As(w.Validate(DefaultCodebook()), &ve)
	for _, p := range ve.Problems() {
		fmt.Println(p)
	}
	// Output:
	// medium: "opera" is not a medium value of the codebook (one of anime_series, anime_film, manga, light_novel, novel, live_action_film, tv_drama, documentary, video_game, other)
	// year: must be between 1900 and 2027, got 1850
}

// TestValidateSourceMessage: an out-of-range source number is explained by
// the work's own count of sources.
func TestValidateSourceMessage(t *testing.T) {
	w := validWork()
	w.Sources = append(w.Sources, Source{URL: "https://b.example/"}, Source{URL: "https://c.example/"})
	w.Portrayal["realism"] = Coding{Value: "realistic", Source: 4, Locator: "episode 3"}
	var ve *ValidationError
	if !errors.As(w.Validate(DefaultCodebook()), &ve) {
		t.Fatal("Validate() = nil, want a *ValidationError")
	}
	const want = "must be the number of one of the work's 3 sources (1 to 3), got 4"
	if got := ve.Fields["portrayal.realism.source"]; got != want {
		t.Errorf("Validate() says %q for portrayal.realism.source, want %q", got, want)
	}
}

// TestValidateWarningSpoilerMessage: the error for a content warning marked
// as a spoiler says why, so that a curator learns the rule from it.
func TestValidateWarningSpoilerMessage(t *testing.T) {
	w := validWork()
	w.Portrayal["content_warnings"] = Coding{Values: []string{"suicide"}, Spoiler: true}
	var ve *ValidationError
	if !errors.As(w.Validate(DefaultCodebook()), &ve) {
		t.Fatal("Validate() = nil, want a *ValidationError")
	}
	const want = "must not be set: content warnings are never a spoiler, since readers want to know them in advance"
	if got := ve.Fields["portrayal.content_warnings.spoiler"]; got != want {
		t.Errorf("Validate() says %q for portrayal.content_warnings.spoiler, want %q", got, want)
	}
}
