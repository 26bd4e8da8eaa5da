package storerow

import (
	"fmt"
	"strconv"
	"strings"
)

// MigrationNumber reads the schema version a migration file brings the
// database to from the start of its name, as in 0002_accounts.sql: the
// stores apply their migrations in this order and record the number.
func MigrationNumber(name string) (int, error) {
	n, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
	if err != nil {
		return 0, fmt.Errorf("migration %s: name must start with its number", name)
	}
	return n, nil
}
