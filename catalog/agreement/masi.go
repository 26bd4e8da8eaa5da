package agreement

// MASI returns the MASI distance (Measuring Agreement on Set-valued
// Items, Passonneau 2006) between two sets of labels, as NLTK's
// nltk.metrics.distance.masi_distance defines it:
//
//	1 − |A∩B|/|A∪B| × m
//
// where m is 1 when the sets are equal, 0.67 when one is a subset of the
// other, 0.33 when they overlap otherwise and 0 when they are disjoint.
// NLTK divides by zero for two empty sets; here two empty sets (two
// coders who both coded "none") are equal and their distance is 0, as
// for any other equal sets. Order and repeated labels do not matter.
func MASI(a, b []string) float64 {
	return masiSorted(setOf(a), setOf(b))
}

// masiSorted is MASI on sorted sets without repeats.
func masiSorted(a, b []string) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 0
	}
	inter := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			inter++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	union := len(a) + len(b) - inter
	var m float64
	switch {
	case len(a) == len(b) && inter == len(a):
		m = 1
	case inter == min(len(a), len(b)):
		m = 0.67
	case inter > 0:
		m = 0.33
	}
	return 1 - float64(inter)/float64(union)*m
}
