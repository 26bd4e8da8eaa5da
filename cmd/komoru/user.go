package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/komoru/komoru/catalog"
)

// userCommands manage accounts from the server's shell: the first admin
// is made here, and so is a way back in for one who lost their password.
// They work beside a running server on the same data dir.
var userCommands = []command{
	{"add", "NAME --role contributor|curator|admin [--public-url URL]", "create an account and print its one-time invite link (valid 7 days)", runUserAdd},
	{"list", "", "list the accounts: name, role, state, created", runUserList},
	{"set-role", "NAME ROLE", "change an account's role", runUserSetRole},
	{"disable", "NAME", "disable an account, ending its sessions and API tokens at once", runUserDisable},
	{"enable", "NAME", "let a disabled account in again", runUserEnable},
	{"invite", "NAME [--public-url URL]", "print a new invite link for an account (a lost link, a forgotten password)", runUserInvite},
}

func runUser(ctx context.Context, e *env, args []string) error {
	return runSubcommand(ctx, e, "user", userCommands, args)
}

// runSubcommand runs the subcommand of a command that args names.
func runSubcommand(ctx context.Context, e *env, name string, subs []command, args []string) error {
	var names []string
	for _, c := range subs {
		names = append(names, c.name)
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		w := e.stderr
		if len(args) > 0 {
			w = e.stdout
		}
		fmt.Fprintf(w, "Usage:\n")
		for _, c := range subs {
			fmt.Fprintf(w, "  %s\n        %s\n", strings.TrimSpace("komoru "+name+" "+c.name+" "+c.args), c.summary)
		}
		if len(args) == 0 {
			return usagef("say which: %s", strings.Join(names, ", "))
		}
		return errHelp
	}
	for _, c := range subs {
		if c.name == args[0] {
			return c.run(ctx, e, args[1:])
		}
	}
	return usagef("unknown %s command %q: %s", name, args[0], strings.Join(names, ", "))
}

// catalogFlags are the flags of every account command that writes the
// catalog (user list only reads it: no --seed).
var catalogFlags = []string{"data", "database", "seed", "log-level"}

// accountCommand runs an account command: it parses the flags and the
// arguments (as many as usage names, the first an account's NAME), lets
// check refuse bad usage before the catalog is opened, then runs do.
func accountCommand(ctx context.Context, e *env, name, usage string, args, flags []string,
	check func(*config, []string) error, do func(*config, []string, catalog.Store) error) error {
	cfg, rest, err := parseFlags(e, name, args, append(flags, catalogFlags...)...)
	if err != nil {
		return err
	}
	if want := len(strings.Fields(usage)); len(rest) != want {
		return usagef("want %s, got %d argument(s)", usage, len(rest))
	}
	if !catalog.ValidUserName(rest[0]) {
		return usagef("NAME must be 2 to 32 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit, got %q", rest[0])
	}
	if check != nil {
		if err := check(cfg, rest); err != nil {
			return err
		}
	}
	store, err := openCatalog(ctx, cfg, cfg.logger(e.stderr))
	if err != nil {
		return err
	}
	defer store.Close()
	return do(cfg, rest, store)
}

func runUserAdd(ctx context.Context, e *env, args []string) error {
	needRole := func(cfg *config, _ []string) error {
		if cfg.role == "" {
			return usagef("--role must be contributor, curator or admin")
		}
		return nil
	}
	return accountCommand(ctx, e, "user add", "NAME", args, []string{"role", "public-url"}, needRole,
		func(cfg *config, args []string, st catalog.Store) error {
			now := time.Now()
			token, err := catalog.AddUser(ctx, st, args[0], catalog.Role(cfg.role), now)
			if err != nil {
				return err
			}
			printInvite(e, cfg, args[0], catalog.Role(cfg.role), token, now)
			return nil
		})
}

// printInvite prints an invite link and what to do with it. The link is
// the only copy: komoru keeps only its hash.
func printInvite(e *env, cfg *config, name string, role catalog.Role, token string, now time.Time) {
	fmt.Fprintf(e.stdout, "Invite link for %s (%s), valid 7 days, until %s; it works once. Send it to them to set their password:\n%s/invite/%s\n",
		name, role, now.Add(catalog.InviteValid).UTC().Format("2006-01-02 15:04 UTC"), cfg.inviteBase(), token)
}

func runUserInvite(ctx context.Context, e *env, args []string) error {
	return accountCommand(ctx, e, "user invite", "NAME", args, []string{"public-url"}, nil,
		func(cfg *config, args []string, st catalog.Store) error {
			now := time.Now()
			token, err := catalog.Reinvite(ctx, st, args[0], now)
			if err != nil {
				return err
			}
			u, err := st.User(ctx, args[0])
			if err != nil {
				return err
			}
			printInvite(e, cfg, u.Name, u.Role, token, now)
			return nil
		})
}

func runUserList(ctx context.Context, e *env, args []string) error {
	cfg, err := parseFlagsOnly(e, "user list", args, "data", "database", "log-level")
	if err != nil {
		return err
	}
	store, err := openCatalogReadOnly(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	users, err := store.Users(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tROLE\tSTATE\tCREATED")
	for _, u := range users {
		state := "active"
		switch {
		case u.Disabled:
			state = "disabled"
		case u.PasswordHash == "":
			state = "invited" // no password set yet
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.Name, u.Role, state, u.Created.UTC().Format(time.DateOnly))
	}
	return tw.Flush()
}

func runUserSetRole(ctx context.Context, e *env, args []string) error {
	validRole := func(_ *config, args []string) error {
		if !catalog.Role(args[1]).Valid() {
			return usagef("ROLE must be contributor, curator or admin, got %q", args[1])
		}
		return nil
	}
	return accountCommand(ctx, e, "user set-role", "NAME ROLE", args, nil, validRole,
		func(_ *config, args []string, st catalog.Store) error {
			if err := catalog.SetRole(ctx, st, args[0], catalog.Role(args[1])); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%s's role is now %s.\n", args[0], args[1])
			return nil
		})
}

func runUserDisable(ctx context.Context, e *env, args []string) error {
	return accountCommand(ctx, e, "user disable", "NAME", args, nil, nil, func(_ *config, args []string, st catalog.Store) error {
		if err := catalog.DisableUser(ctx, st, args[0]); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Disabled %s: their sessions and API tokens have ended.\n", args[0])
		return nil
	})
}

func runUserEnable(ctx context.Context, e *env, args []string) error {
	return accountCommand(ctx, e, "user enable", "NAME", args, nil, nil, func(_ *config, args []string, st catalog.Store) error {
		if err := catalog.EnableUser(ctx, st, args[0]); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Enabled %s: they sign in with their password, or through a new link (komoru user invite %s).\n", args[0], args[0])
		return nil
	})
}
