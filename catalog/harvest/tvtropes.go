package harvest

// TVTropes reads TV Tropes work pages. Not written yet: it matches
// no page.
type TVTropes struct{}

func (TVTropes) Name() string                   { return "tvtropes" }
func (TVTropes) Match(p *Page) bool             { return false }
func (TVTropes) Extract(p *Page) (Facts, error) { return Facts{}, nil }

// TVTropesList reads TV Tropes trope pages. Not written yet.
type TVTropesList struct{}

func (TVTropesList) Name() string                      { return "tvtropes-list" }
func (TVTropesList) Match(p *Page) bool                { return false }
func (TVTropesList) List(p *Page) ([]Candidate, error) { return nil, nil }
