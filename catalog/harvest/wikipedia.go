package harvest

// Wikipedia reads en.wikipedia.org articles. Not written yet: it matches
// no page.
type Wikipedia struct{}

func (Wikipedia) Name() string                   { return "wikipedia" }
func (Wikipedia) Match(p *Page) bool             { return false }
func (Wikipedia) Extract(p *Page) (Facts, error) { return Facts{}, nil }

// WikipediaList reads Wikipedia list and category pages. Not written yet.
type WikipediaList struct{}

func (WikipediaList) Name() string                      { return "wikipedia-list" }
func (WikipediaList) Match(p *Page) bool                { return false }
func (WikipediaList) List(p *Page) ([]Candidate, error) { return nil, nil }
