// Command komoru serves, imports and exports the komoru catalog of media
// portrayals of social withdrawal. Run "komoru help" for its commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/komoru/komoru/catalog/export"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv})
	stop()
	os.Exit(code)
}

// env is what a command may touch of the outside world; tests supply their own.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

// command is one subcommand of komoru.
type command struct {
	name    string
	args    string // usage after the name
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

var commands []command

func init() {
	// Set in init, not in the declaration: helpText reads commands.
	commands = []command{
		{"serve", "[--addr 127.0.0.1:8080] [--data DIR] [--public-url URL]", "serve the web UI and the API", runServe},
		{"import", "[--partial] [--author NAME] FILE...", "import works in import format v1 (JSON Lines); - reads stdin", runImport},
		{"export", "[--format " + strings.Join(export.Names(), "|") + "] [--search PARAMS] [--data DIR]", "write the catalog, or every hit of a search, to stdout", runExport},
		{"crawl", "URL... [--out FILE] [--propose] [--contact URL] [--cache DIR] [--delay 1s] [--data DIR]\n" +
			"  komoru crawl --discover URL [--out FILE]",
			"read facts (titles, dates, names, roles) off web pages into drafts of works, one JSON line each, merging\n" +
				"        pages about one work; --propose files them for review; --discover lists the works a list page\n" +
				"        names that the catalog lacks. It keeps facts with their sources, never prose; it obeys robots.txt,\n" +
				"        waits --delay between requests to a host and caches pages on disk", runCrawl},
		{"stats", "[--by FACET] [--data DIR]", "count the works per facet value, optionally split by a facet such as decade", runStats},
		{"backup", "FILE [--data DIR]", "write a consistent copy of the catalog to the new file FILE, also while a server or an import runs", runBackup},
		{"restore", "FILE [--data DIR]", "make the backup FILE the catalog of a data dir that has none; serve then builds the search index", runRestore},
		{"migrate", "[--database postgres://...] [--data DIR]", "apply the catalog's database migrations (serve does too when it starts)", runMigrate},
		{"index", "--rebuild [--data DIR]", "rebuild the search index from the catalog", runIndex},
		{"user", "add|list|set-role|disable|enable|invite ...", "manage accounts: add NAME --role contributor|curator|admin prints a one-time invite link (komoru user -h)", runUser},
		{"token", "create NAME [--expires 90d|never]", "make an API token for a user's scripts, printed once", runToken},
		{"codings", "import FILE", "import coders' codings for coding rounds (JSON Lines, one coder's coding of one work a line)", runCodings},
		{"agreement", "--round R [--format json|csv] [--data DIR]", "a coding round's agreement per dimension: Krippendorff's alpha, its 95% interval and reading, as the API gives it", runAgreement},
		{"bench", "--corpus FILE --queries FILE [--repeats 50] [--warmups 3] [--data DIR]\n" +
			"  komoru bench --http [--data DIR] [--duration 10s] [--concurrency 1,8,64] [--queries FILE] [--json]",
			"import a corpus into a fresh data dir, build the index and time a query set in-process;\n" +
				"        with --http, load an indexed data dir through the real server and a 4 KB hello-world on loopback\n" +
				"        and report requests/s, p50 and p99 per target and concurrency; the load generator runs in\n" +
				"        this process and shares its CPUs, so compare the lines of one run, not wrk's figures", runBench},
	}
}

// usageError is bad usage: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// run runs komoru with args (without the program name) and returns the exit
// status: 0 success, 1 failure, 2 bad usage, with a one-line reason on stderr.
func run(ctx context.Context, args []string, e *env) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, helpText())
		return 2
	}
	name := args[0]
	if name == "help" || name == "-h" || name == "--help" {
		fmt.Fprint(e.stdout, helpText())
		return 0
	}
	for _, c := range commands {
		if c.name != name {
			continue
		}
		err := c.run(ctx, e, args[1:])
		var ue *usageError
		switch {
		case err == nil:
			return 0
		case errors.Is(err, errHelp):
			return 0
		case errors.As(err, &ue):
			fmt.Fprintf(e.stderr, "komoru %s: %v (see komoru %s -h)\n", name, err, name)
			return 2
		default:
			fmt.Fprintf(e.stderr, "komoru %s: %v\n", name, err)
			return 1
		}
	}
	fmt.Fprintf(e.stderr, "komoru: unknown command %q (see komoru help)\n", name)
	return 2
}

func helpText() string {
	s := "komoru: a catalog and search engine of media portrayals of social withdrawal\n\nUsage:\n"
	for _, c := range commands {
		s += fmt.Sprintf("  komoru %s %s\n        %s\n", c.name, c.args, c.summary)
	}
	return s + "\nEvery flag has a KOMORU_* environment variable (--data: KOMORU_DATA); \"komoru COMMAND -h\" lists a command's flags.\n"
}
