package catalog

import "slices"

// Provenance returns, for each portrayal dimension coded in the current
// work (the work of the last of revs, which are one work's revisions
// oldest first, as Store.Revisions returns them), the latest revision in
// which that dimension's coding changed: its value or values, its evidence,
// its spoiler flag, or the source and locator of its evidence. A revision that creates the work, or recreates it
// after a delete, changes every dimension it codes. A work whose last
// revision deletes it has no provenance: nil.
func Provenance(revs []Revision) map[string]Revision {
	if len(revs) == 0 || revs[len(revs)-1].Work == nil {
		return nil
	}
	last := map[string]Revision{}
	var prev *Work // nil before the first revision and after a delete
	for _, r := range revs {
		if r.Work != nil {
			for dim, c := range r.Work.Portrayal {
				if old, ok := prev.coding(dim); !ok || !old.equal(c) {
					last[dim] = r
				}
			}
		}
		prev = r.Work
	}
	out := make(map[string]Revision, len(prev.Portrayal))
	for dim := range prev.Portrayal {
		out[dim] = last[dim]
	}
	return out
}

// coding returns w's coding of a dimension; a nil work codes nothing.
func (w *Work) coding(dim string) (Coding, bool) {
	if w == nil {
		return Coding{}, false
	}
	c, ok := w.Portrayal[dim]
	return c, ok
}

// equal reports whether two codings say the same: a set dimension coded
// as empty differs from a single-valued one left empty.
func (c Coding) equal(d Coding) bool {
	return c.Value == d.Value && c.IsSet() == d.IsSet() && slices.Equal(c.Values, d.Values) &&
		c.Evidence == d.Evidence && c.Spoiler == d.Spoiler && c.Source == d.Source && c.Locator == d.Locator
}
