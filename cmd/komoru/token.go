package main

import (
	"context"
	"fmt"
	"time"

	"github.com/komoru/komoru/catalog"
)

var tokenCommands = []command{
	{"create", "NAME [--expires 90d|never]", "make an API token for user NAME and print it, once", runTokenCreate},
}

func runToken(ctx context.Context, e *env, args []string) error {
	return runSubcommand(ctx, e, "token", tokenCommands, args)
}

// runTokenCreate prints a new API token on stdout alone, so that a script
// can take it (TOKEN=$(komoru token create ann)); what it is goes to
// stderr.
func runTokenCreate(ctx context.Context, e *env, args []string) error {
	return accountCommand(ctx, e, "token create", "NAME", args, []string{"expires"}, nil, func(cfg *config, args []string, st catalog.Store) error {
		now := time.Now()
		expires, err := cfg.tokenExpiry(now)
		if err != nil {
			return err
		}
		u, err := st.User(ctx, args[0])
		if err != nil {
			return err
		}
		secret, tk, err := catalog.CreateToken(ctx, st, u.Name, "command line, "+now.UTC().Format(time.DateOnly), expires, now)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, secret)
		until := "never expires"
		if !tk.Expires.IsZero() {
			until = "expires " + tk.Expires.UTC().Format("2006-01-02 15:04 UTC")
		}
		fmt.Fprintf(e.stderr, "API token for %s (%s); it %s. It is shown this once: komoru keeps only its hash. Send it as Authorization: Bearer TOKEN; revoke it on /account.\n",
			u.Name, u.Role, until)
		return nil
	})
}
