package harvest

// MyAnimeList reads MyAnimeList anime and manga pages. Not written yet: it matches
// no page.
type MyAnimeList struct{}

func (MyAnimeList) Name() string                   { return "myanimelist" }
func (MyAnimeList) Match(p *Page) bool             { return false }
func (MyAnimeList) Extract(p *Page) (Facts, error) { return Facts{}, nil }

// MyAnimeListList reads MyAnimeList tag and search pages. Not written yet.
type MyAnimeListList struct{}

func (MyAnimeListList) Name() string                      { return "myanimelist-list" }
func (MyAnimeListList) Match(p *Page) bool                { return false }
func (MyAnimeListList) List(p *Page) ([]Candidate, error) { return nil, nil }
