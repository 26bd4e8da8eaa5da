package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// config holds every flag of every command; each command binds the ones it
// takes. Flags are parsed here and nowhere else: packages get explicit
// config structs.
type config struct {
	data     string
	addr     string
	seed     bool
	format   string
	partial  bool
	author   string
	logLevel string
	by       string
	rebuild  bool
	corpus   string
	queries  string
	repeats  string
	warmups  string
	proxies  string
	// given holds the flags set on the command line or by environment.
	given map[string]bool
}

// flagSpec is one row of the flag table: the flag, its environment twin,
// its default and the field it sets.
type flagSpec struct {
	name, env, def, usage string
	field                 func(*config) any // *string or *bool
}

var flagTable = []flagSpec{
	{"data", "KOMORU_DATA", "./komoru-data", "data directory: the catalog database and the search index",
		func(c *config) any { return &c.data }},
	{"addr", "KOMORU_ADDR", ":8080", "address to listen on",
		func(c *config) any { return &c.addr }},
	{"trusted-proxy", "KOMORU_TRUSTED_PROXY", "", "comma-separated addresses or CIDR prefixes of reverse proxies in front of komoru (they terminate TLS and name the client)",
		func(c *config) any { return &c.proxies }},
	{"seed", "KOMORU_SEED", "true", "load the shipped catalog into a data dir that has never had it",
		func(c *config) any { return &c.seed }},
	{"format", "KOMORU_FORMAT", "jsonl", "output format: jsonl or csv",
		func(c *config) any { return &c.format }},
	{"partial", "KOMORU_PARTIAL", "false", "import the good lines of a file that has bad ones",
		func(c *config) any { return &c.partial }},
	{"author", "KOMORU_AUTHOR", "import", "author recorded on the revisions the import writes",
		func(c *config) any { return &c.author }},
	{"by", "KOMORU_BY", "", "split the counts by this facet, e.g. decade",
		func(c *config) any { return &c.by }},
	{"log-level", "KOMORU_LOG_LEVEL", "info", "log level: debug, info, warn or error",
		func(c *config) any { return &c.logLevel }},
	{"rebuild", "KOMORU_REBUILD", "false", "rebuild the search index from the catalog",
		func(c *config) any { return &c.rebuild }},
	{"corpus", "KOMORU_CORPUS", "", "bench: works to import, in import format v1",
		func(c *config) any { return &c.corpus }},
	{"queries", "KOMORU_QUERIES", "", "bench: query set, one JSON query a line",
		func(c *config) any { return &c.queries }},
	{"repeats", "KOMORU_REPEATS", "50", "bench: timed runs of each query",
		func(c *config) any { return &c.repeats }},
	{"warmups", "KOMORU_WARMUPS", "3", "bench: untimed runs of each query first",
		func(c *config) any { return &c.warmups }},
}

// errHelp is returned when -h was asked for; the usage has been printed.
var errHelp = errors.New("help")

// parseFlags parses args for command name, binding the named flags of the
// table. A flag not given on the command line takes its KOMORU_* variable,
// then its default. It returns the remaining arguments.
func parseFlags(e *env, name string, args []string, names ...string) (*config, []string, error) {
	cfg := new(config)
	fs := flag.NewFlagSet("komoru "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var bound []flagSpec
	for _, n := range names {
		spec := lookupFlag(n)
		switch p := spec.field(cfg).(type) {
		case *string:
			fs.StringVar(p, spec.name, spec.def, spec.usage+" ($"+spec.env+")")
		case *bool:
			fs.BoolVar(p, spec.name, spec.def == "true", spec.usage+" ($"+spec.env+")")
		}
		bound = append(bound, spec)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(e.stdout)
			fmt.Fprintf(e.stdout, "Usage of komoru %s:\n", name)
			fs.PrintDefaults()
			return nil, nil, errHelp
		}
		return nil, nil, usagef("%v", err)
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for _, spec := range bound {
		v := e.getenv(spec.env)
		if given[spec.name] || v == "" {
			continue
		}
		if err := fs.Set(spec.name, v); err != nil {
			return nil, nil, usagef("$%s: invalid value %q", spec.env, v)
		}
		given[spec.name] = true
	}
	cfg.given = given
	if err := cfg.validate(); err != nil {
		return nil, nil, err
	}
	return cfg, fs.Args(), nil
}

// parseFlagsOnly is parseFlags for a command that takes no arguments.
func parseFlagsOnly(e *env, name string, args []string, names ...string) (*config, error) {
	cfg, rest, err := parseFlags(e, name, args, names...)
	if err != nil {
		return nil, err
	}
	if len(rest) > 0 {
		return nil, usagef("unexpected argument %q", rest[0])
	}
	return cfg, nil
}

func lookupFlag(name string) flagSpec {
	for _, f := range flagTable {
		if f.name == name {
			return f
		}
	}
	panic("komoru: no flag " + name + " in the flag table")
}

func (c *config) validate() error {
	if c.format != "" && c.format != "jsonl" && c.format != "csv" {
		return usagef("--format must be jsonl or csv, got %q", c.format)
	}
	if c.logLevel != "" {
		var l slog.Level
		if err := l.UnmarshalText([]byte(c.logLevel)); err != nil {
			return usagef("--log-level must be debug, info, warn or error, got %q", c.logLevel)
		}
	}
	if c.author != "" && strings.TrimSpace(c.author) == "" {
		return usagef("--author must not be blank")
	}
	return nil
}

// trustedProxies splits --trusted-proxy into its entries.
func (c *config) trustedProxies() []string {
	var out []string
	for _, p := range strings.Split(c.proxies, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (c *config) logger(w io.Writer) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(c.logLevel)) // validated
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}
