package catalog

import (
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// TestShippedCatalog holds the shipped catalog to the bar scholars rely on:
// valid, linked both ways, sourced, fully coded with evidence, described.
func TestShippedCatalog(t *testing.T) {
	cb := DefaultCodebook()
	works := map[string]*Work{}
	var order []string
	dec := NewDecoder(Shipped(), cb)
	for {
		w, err := dec.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Errorf("works.jsonl %v", err)
			continue
		}
		if _, dup := works[w.ID]; dup {
			t.Errorf("line %d: duplicate id %s", dec.Line(), w.ID)
		}
		works[w.ID] = w
		order = append(order, w.ID)
	}
	if len(works) < 100 {
		t.Errorf("the shipped catalog has %d entries, want over 100", len(works))
	}
	relation := cb.Dimension("relation")
	for _, id := range order {
		w := works[id]
		for _, r := range w.Related {
			other, ok := works[r.ID]
			if !ok {
				t.Errorf("%s: related id %s does not exist", id, r.ID)
				continue
			}
			reverse := Relation{ID: id, Relation: relation.Value(r.Relation).Reverse}
			found := false
			for _, back := range other.Related {
				found = found || back == reverse
			}
			if !found {
				t.Errorf("%s: %s %s has no reverse (%s has no %s %s)", id, r.Relation, r.ID, r.ID, reverse.Relation, id)
			}
		}
		if len(w.Sources) == 0 {
			t.Errorf("%s: no source URL", id)
		}
		if n := utf8.RuneCountInString(w.Synopsis); n < 80 {
			t.Errorf("%s: synopsis of %d characters, want at least 80", id, n)
		}
		for _, d := range cb.Dimensions {
			c, ok := w.Portrayal[d.ID]
			switch {
			case !ok:
				t.Errorf("%s: %s is not coded", id, d.ID)
			case c.Evidence == "":
				t.Errorf("%s: %s is coded without evidence", id, d.ID)
			case d.ID == "recovery" && !c.Spoiler:
				t.Errorf("%s: recovery is not marked as a spoiler", id)
			}
			// A value that says the work does not show the topic
			// ("absent", "none_explicit") beside one that says it does
			// contradicts itself, and a scholar counting absent families
			// would count this one too. Imports accept it, since files
			// coded before the rule may have it; the shipped catalog does
			// not.
			for _, v := range c.Values {
				if len(c.Values) > 1 && d.Value(v).Denies {
					t.Errorf("%s: %s codes %s beside %v; a value that denies the topic stands alone", id, d.ID, v, c.Values)
				}
			}
		}
		hikikomori := false
		for _, c := range w.Characters {
			hikikomori = hikikomori || c.Hikikomori
		}
		if !hikikomori {
			t.Errorf("%s: no character is marked hikikomori; the catalog holds portrayals of withdrawal", id)
		}
	}
}

// TestShippedRelease: data/RELEASE is one date, which the shipped
// catalog's revisions are stamped with.
func TestShippedRelease(t *testing.T) {
	if !regexp.MustCompile(`^\d{4}-\d{2}-\d{2}\n?$`).MatchString(shippedRelease) {
		t.Fatalf("data/RELEASE is %q, want one date as YYYY-MM-DD", shippedRelease)
	}
	got := ShippedRevised()
	if got.IsZero() || got.Format(time.DateOnly) != strings.TrimSpace(shippedRelease) {
		t.Errorf("ShippedRevised() = %v, want %s", got, shippedRelease)
	}
	if ch := ShippedChange(); !ch.Time.Equal(got) || ch.Author != "komoru" {
		t.Errorf("ShippedChange() = %+v", ch)
	}
}
