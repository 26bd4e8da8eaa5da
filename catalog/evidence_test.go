package catalog

import "testing"

// TestEvidenceExempt: every exempt value is a value of the codebook, and
// the rule asks evidence of every other coded value.
func TestEvidenceExempt(t *testing.T) {
	cb := DefaultCodebook()
	for dim, values := range evidenceExempt {
		d := cb.Dimension(dim)
		if d == nil {
			t.Fatalf("evidenceExempt names dimension %q, not in the codebook", dim)
		}
		for _, v := range values {
			if !d.Has(v) {
				t.Errorf("evidenceExempt names %s value %q, not in the codebook", dim, v)
			}
		}
	}
	w := &Work{Portrayal: Portrayal{
		"realism":          {Value: "realistic"},                                       // needs evidence
		"recovery":         {Value: "none"},                                            // exempt
		"conditions":       {Values: []string{"none_explicit", "paranoia"}},            // one value needs it
		"triggers":         {Values: []string{"unspecified"}},                          // exempt
		"content_warnings": {Values: []string{}},                                       // an empty set
		"tone":             {Value: "serious", Evidence: "Grim from the first scene."}, // has it
	}}
	err := cb.CheckEvidence(w)
	ve, ok := err.(*ValidationError)
	if !ok {
		t.Fatalf("CheckEvidence = %v, want a *ValidationError", err)
	}
	want := map[string]bool{"portrayal.realism.evidence": true, "portrayal.conditions.evidence": true}
	if len(ve.Fields) != len(want) {
		t.Errorf("CheckEvidence fields = %v, want %v", ve.Fields, want)
	}
	for k := range want {
		if ve.Fields[k] == "" {
			t.Errorf("CheckEvidence does not name %s: %v", k, ve.Fields)
		}
	}
	if err := cb.CheckEvidence(&Work{Portrayal: Portrayal{"recovery": {Value: "none"}}}); err != nil {
		t.Errorf("CheckEvidence of an exempt value alone = %v", err)
	}
}
