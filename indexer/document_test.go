package indexer

import "testing"

func TestJoinAcronyms(t *testing.T) {
	for in, want := range map[string]string{
		"Welcome to the N.H.K.":  "Welcome to the NHK",
		"N.H.K. ni Yōkoso!":      "NHK ni Yōkoso!",
		"Mr. Robot":              "Mr. Robot",
		"Re:Zero":                "Re:Zero",
		"J.K. Rowling":           "JK Rowling",
		"No Game No Life":        "No Game No Life",
		"A. Gardener":            "A. Gardener",
		"U.S.A. and the E.U.":    "USA and the EU",
		"Ends with a letter. Ok": "Ends with a letter. Ok",
	} {
		if got := joinAcronyms(in); got != want {
			t.Errorf("joinAcronyms(%q) = %q, want %q", in, got, want)
		}
	}
}
