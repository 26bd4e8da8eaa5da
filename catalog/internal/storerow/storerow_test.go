package storerow

import (
	"testing"
	"time"

	"github.com/komoru/komoru/catalog"
)

// The stored text of a time must read back as the same instant, and the
// zero time must stay "" both ways: rows written before this package exist.
func TestTimeRoundTrip(t *testing.T) {
	if s := FormatTime(time.Time{}); s != "" {
		t.Fatalf("zero time stored as %q", s)
	}
	at := time.Date(2024, 5, 6, 7, 8, 9, 123, time.FixedZone("x", 3600))
	s := FormatTime(at)
	if s != "2024-05-06T06:08:09.000000123Z" {
		t.Fatalf("stored as %q", s)
	}
	var got, zero time.Time
	empty := ""
	if err := ParseTimes("test", &s, &got, &empty, &zero); err != nil {
		t.Fatal(err)
	}
	if !got.Equal(at) || !zero.IsZero() {
		t.Fatalf("read back %v and %v", got, zero)
	}
	bad := "yesterday"
	if err := ParseTimes("user \"a\"", &bad, &got); err == nil || err.Error()[:19] != "user \"a\": stored ti" {
		t.Fatalf("error %v", err)
	}
}

func TestInOrder(t *testing.T) {
	a, b := &catalog.Work{}, &catalog.Work{}
	got := InOrder(nil, []string{"b", "x", "a"}, map[string]*catalog.Work{"a": a, "b": b})
	if len(got) != 2 || got[0] != b || got[1] != a {
		t.Fatalf("got %v", got)
	}
}

func TestMigrationNumber(t *testing.T) {
	if n, err := MigrationNumber("0002_accounts.sql"); n != 2 || err != nil {
		t.Fatalf("got %d, %v", n, err)
	}
	if _, err := MigrationNumber("accounts.sql"); err == nil || err.Error() != "migration accounts.sql: name must start with its number" {
		t.Fatalf("error %v", err)
	}
}
