package password

import (
	"strings"
	"testing"
)

// fast keeps the tests quick; Default is measured by BenchmarkHash.
var fast = Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestHashAndCheck(t *testing.T) {
	h, err := Hash("correct horse battery", fast)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("Hash = %q, want the PHC argon2id form with its parameters", h)
	}
	h2, _ := Hash("correct horse battery", fast)
	if h == h2 {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	for _, tt := range []struct {
		pw   string
		want bool
	}{{"correct horse battery", true}, {"correct horse batterY", false}, {"", false}} {
		if ok, err := Check(h, tt.pw); ok != tt.want || err != nil {
			t.Errorf("Check(%q) = %v, %v; want %v", tt.pw, ok, err, tt.want)
		}
	}
	if !CheckOrDummy(h, "correct horse battery") || CheckOrDummy("", "x") || CheckOrDummy("$bcrypt$x", "x") {
		t.Error("CheckOrDummy: wrong answer")
	}
}

func TestMalformed(t *testing.T) {
	for _, h := range []string{"", "plain", "$argon2i$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA", "$argon2id$v=18$m=64,t=1,p=1$c2FsdA$aGFzaA",
		"$argon2id$v=19$m=0,t=1,p=1$c2FsdA$aGFzaA", "$argon2id$v=19$m=64,t=1,p=1$$aGFzaA", "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$!!"} {
		if ok, err := Check(h, "x"); ok || err == nil {
			t.Errorf("Check(%q) = %v, %v; want an error", h, ok, err)
		}
	}
}

func TestNeedsRehash(t *testing.T) {
	weak, _ := Hash("pw", fast)
	if !NeedsRehash(weak, Default) || NeedsRehash(weak, fast) {
		t.Error("NeedsRehash: a weak hash is not renewed, or a current one is")
	}
	if !NeedsRehash("junk", Default) {
		t.Error("NeedsRehash(junk) = false")
	}
}

// BenchmarkHash measures the cost of one sign-in's hash at Default.
func BenchmarkHash(b *testing.B) {
	h, _ := Hash("correct horse battery staple", Default)
	for b.Loop() {
		if ok, _ := Check(h, "correct horse battery staple"); !ok {
			b.Fatal("no match")
		}
	}
}
