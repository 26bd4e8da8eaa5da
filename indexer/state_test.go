package indexer

import "testing"

func TestSortKey(t *testing.T) {
	tests := []struct {
		title, want string
	}{
		{"The Lunar Course of My Life", "lunar course of my life"},
		{"the quiet floor", "quiet floor"},
		{"A Silent Voice", "silent voice"},
		{"An Unseen Room", "unseen room"},
		{"Le Locataire", "locataire"},
		{"La Chambre", "chambre"},
		{"Les Reclus", "reclus"},
		{"Der Einsiedler", "einsiedler"},
		{"Die Tür", "tur"},
		{"DAS Zimmer", "zimmer"},
		{"The 'Burbs", "burbs"},
		// Only one article, and only before a word.
		{"The The", "the"},
		{"The", "the"},
		{"A", "a"},
		{"The !", "the !"},
		// An article is a whole word.
		{"Theory of Rooms", "theory of rooms"},
		{"Anohana: The Flower", "anohana: the flower"},
		{"Lesser Days", "lesser days"},
		{"Dieter's Room", "dieter's room"},
		{"A-ko", "a-ko"},
		// Folded, leading punctuation dropped, as before.
		{"Café Solitude", "cafe solitude"},
		{"...Hikikomori", "hikikomori"},
		{"1000 Arten Regen", "1000 arten regen"},
	}
	for _, tt := range tests {
		if got := sortKey(tt.title); got != tt.want {
			t.Errorf("sortKey(%q) = %q, want %q", tt.title, got, tt.want)
		}
	}
}
