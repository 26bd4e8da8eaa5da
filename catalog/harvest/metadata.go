package harvest

// Metadata reads schema.org JSON-LD, OpenGraph, Highwire and Dublin Core
// metadata of any page. Not written yet: it matches no page.
type Metadata struct{}

func (Metadata) Name() string                   { return "metadata" }
func (Metadata) Match(p *Page) bool             { return false }
func (Metadata) Extract(p *Page) (Facts, error) { return Facts{}, nil }
