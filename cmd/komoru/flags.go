package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/export"
	"github.com/komoru/komoru/server"
)

// config holds every flag of every command; each command binds the ones it
// takes. Flags are parsed here and nowhere else: packages get explicit
// config structs.
type config struct {
	data     string
	database string // a PostgreSQL connection string: the catalog there, the index in data
	addr     string
	seed     bool
	format   string
	search   string // export: the search's URL parameters
	partial  bool
	author   string
	logLevel string
	by       string
	rebuild  bool
	corpus   string
	queries  string
	repeats  string
	warmups  string
	// generate and corpusSeed are bench's synthetic corpus: how many
	// works, drawn from which seed.
	generate, corpusSeed string
	proxies              string
	role                 string
	expires              string
	round                string // agreement: the coding round
	publicURL            string
	maxBody              string
	pprof                string
	// searchTimeout and maxSearches are serve's search limits.
	searchTimeout, maxSearches string
	// httpBench, duration, concurrency and jsonOut are bench --http's.
	httpBench             bool
	duration, concurrency string
	jsonOut               bool
	cache                 bool // bench --http: searches cached, as serve does
	// out, propose, discover, contact, crawlCache and delay are crawl's.
	out, contact, crawlCache, delay string
	propose, discover               bool
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
	{"database", "KOMORU_DATABASE", "", "keep the catalog in this PostgreSQL database (postgres://user@host/db) instead of the data dir, which then holds only this server's search index; several servers may share one",
		func(c *config) any { return &c.database }},
	{"addr", "KOMORU_ADDR", "127.0.0.1:8080", "address to listen on (:8080 listens on every interface)",
		func(c *config) any { return &c.addr }},
	{"trusted-proxy", "KOMORU_TRUSTED_PROXY", "", "comma-separated addresses or CIDR prefixes of reverse proxies in front of komoru (they terminate TLS and name the client)",
		func(c *config) any { return &c.proxies }},
	{"seed", "KOMORU_SEED", "true", "load the shipped catalog into a data dir that has never had it",
		func(c *config) any { return &c.seed }},
	{"format", "KOMORU_FORMAT", "jsonl", "export: output format: " + strings.Join(export.Names(), ", ") + " (doc/exports.md)",
		func(c *config) any { return &c.format }},
	{"search", "KOMORU_SEARCH", "", "export: export every hit of this search, given as the search API's URL parameters, such as 'q=room&realism=realistic&sort=year'; empty exports the whole catalog",
		func(c *config) any { return &c.search }},
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
	{"generate", "KOMORU_GENERATE", "", "bench: generate a synthetic corpus of this many works instead of reading --corpus",
		func(c *config) any { return &c.generate }},
	// Bench's --seed is a number, serve's a switch: this row is bound by
	// its environment variable's name (lookupFlag).
	{"seed", "KOMORU_CORPUS_SEED", "1", "bench --generate: the seed of the corpus; the same number and seed give the same works",
		func(c *config) any { return &c.corpusSeed }},
	{"http", "KOMORU_HTTP", "false", "bench: load an already indexed --data through HTTP (the real server, in this process) and a 4 KB hello-world beside it; the load generator shares this process's CPUs, so compare lines of one run, not figures of wrk from outside",
		func(c *config) any { return &c.httpBench }},
	{"duration", "KOMORU_DURATION", "10s", "bench --http: how long each target is loaded at each concurrency, after a warm-up of the same length up to 1s",
		func(c *config) any { return &c.duration }},
	{"concurrency", "KOMORU_CONCURRENCY", "1,8,64", "bench --http: comma-separated numbers of clients, each with its own keep-alive connection",
		func(c *config) any { return &c.concurrency }},
	{"json", "KOMORU_JSON", "false", "bench --http: write the report as JSON instead of a table",
		func(c *config) any { return &c.jsonOut }},
	{"cache", "KOMORU_CACHE", "true", "bench --http: cache searches as serve does (until the catalog changes); --cache=false computes every search whole",
		func(c *config) any { return &c.cache }},
	{"out", "KOMORU_OUT", "", "crawl: write the drafts (JSON Lines) to this file, whole or not at all, instead of stdout",
		func(c *config) any { return &c.out }},
	{"propose", "KOMORU_PROPOSE", "false", "crawl: file each draft in the review queue as a proposal (a change of the work it matches, listing only what differs or is new) instead of writing it",
		func(c *config) any { return &c.propose }},
	{"discover", "KOMORU_DISCOVER", "false", "crawl: read one list page (a TV Tropes trope page, a Wikipedia list or category, a MyAnimeList tag or search page) and write the works it names that the catalog lacks",
		func(c *config) any { return &c.discover }},
	{"contact", "KOMORU_CONTACT", "", "crawl: a URL where site owners can reach you, sent in the User-Agent (default: komoru's project page)",
		func(c *config) any { return &c.contact }},
	// Bench's --cache is a switch, crawl's a directory: bound by its
	// environment variable's name, as --seed is.
	{"cache", "KOMORU_CRAWL_CACHE", "", "crawl: keep fetched pages in this directory, so a second crawl of a page makes no request (default: crawl-cache in the data dir)",
		func(c *config) any { return &c.crawlCache }},
	{"delay", "KOMORU_DELAY", "1s", "crawl: the least time between two requests to one host",
		func(c *config) any { return &c.delay }},
	{"round", "KOMORU_ROUND", "", "agreement: the coding round's id, such as r1",
		func(c *config) any { return &c.round }},
	{"role", "KOMORU_ROLE", "", "user: the account's role: contributor, curator or admin",
		func(c *config) any { return &c.role }},
	{"expires", "KOMORU_EXPIRES", "90d", "token: how long the token works, in days (90d), or never",
		func(c *config) any { return &c.expires }},
	{"public-url", "KOMORU_PUBLIC_URL", "", "the site's address as people reach it, such as https://komoru.example, for absolute links (citations, feeds, invite links); default: the listen address (serve), http://localhost:8080 (user)",
		func(c *config) any { return &c.publicURL }},
	{"max-body", "KOMORU_MAX_BODY", "1MiB", "serve: the largest API request body, in bytes or with a KiB or MiB suffix (forms of the site take at most 64KiB)",
		func(c *config) any { return &c.maxBody }},
	{"search-timeout", "KOMORU_SEARCH_TIMEOUT", "2s", "serve: the time budget of one search, such as 2s or 500ms; past it the search stops with a 503",
		func(c *config) any { return &c.searchTimeout }},
	{"pprof", "KOMORU_PPROF", "", "serve: also serve Go's profiler (/debug/pprof/) on this loopback address, such as 127.0.0.1:6060; off by default",
		func(c *config) any { return &c.pprof }},
	{"max-searches", "KOMORU_MAX_SEARCHES", "", "serve: how many searches run at once, four times as many waiting at most 1s for a turn (default twice the CPUs)",
		func(c *config) any { return &c.maxSearches }},
}

// errHelp is returned when -h was asked for; the usage has been printed.
var errHelp = errors.New("help")

// parseFlags parses args for command name, binding the named flags of the
// table. A flag not given on the command line takes its KOMORU_* variable,
// then its default. Flags may come before, between or after the arguments
// ("user add NAME --role admin"), up to a "--". It returns the arguments.
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
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.SetOutput(e.stdout)
				fmt.Fprintf(e.stdout, "Usage of komoru %s:\n", name)
				fs.PrintDefaults()
				return nil, nil, errHelp
			}
			return nil, nil, usagef("%v", err)
		}
		// Parse stops at the first argument, or after a "--" (then all
		// that is left is arguments).
		left := fs.Args()
		if n := len(args) - len(left); len(left) == 0 || (n > 0 && args[n-1] == "--") {
			rest = append(rest, left...)
			break
		}
		rest, args = append(rest, left[0]), left[1:]
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
	return cfg, rest, nil
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

// lookupFlag finds a flag of the table by its name or, for a name two
// rows share (--seed), by its environment variable's.
func lookupFlag(name string) flagSpec {
	for _, f := range flagTable {
		if f.name == name || f.env == name {
			return f
		}
	}
	panic("komoru: no flag " + name + " in the flag table")
}

func (c *config) validate() error {
	if _, ok := export.Lookup(c.format); c.format != "" && !ok {
		return usagef("--format %s", export.UnknownFormat(c.format))
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
	if c.role != "" && !catalog.Role(c.role).Valid() {
		return usagef("--role must be contributor, curator or admin, got %q", c.role)
	}
	if c.expires != "" {
		if _, err := c.tokenExpiry(time.Time{}); err != nil {
			return err
		}
	}
	if c.delay != "" {
		if d, err := time.ParseDuration(c.delay); err != nil || d < 0 {
			return usagef("--delay must be a duration such as 1s, got %q", c.delay)
		}
	}
	if c.maxBody != "" {
		if _, err := c.maxBodyBytes(); err != nil {
			return err
		}
	}
	if _, err := c.searchLimits(); err != nil {
		return err
	}
	if _, err := c.load(); err != nil {
		return err
	}
	if c.publicURL != "" {
		u, err := url.Parse(c.publicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
			return usagef("--public-url must be an http or https URL such as https://komoru.example, got %q", c.publicURL)
		}
	}
	return nil
}

// inviteBase is where invite links printed by the user commands point:
// --public-url, or the address serve listens on by default.
func (c *config) inviteBase() string {
	if c.publicURL == "" {
		return "http://localhost:8080"
	}
	return strings.TrimSuffix(c.publicURL, "/")
}

// maxBodyLimit bounds --max-body: a work's JSON is a few kilobytes.
const maxBodyLimit = 1 << 30

// maxBodyBytes is --max-body in bytes.
func (c *config) maxBodyBytes() (int64, error) {
	num, unit := c.maxBody, int64(1)
	for suffix, u := range map[string]int64{"KiB": 1 << 10, "MiB": 1 << 20} {
		if n, ok := strings.CutSuffix(c.maxBody, suffix); ok {
			num, unit = n, u
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 1 || n*unit > maxBodyLimit {
		return 0, usagef("--max-body must be a size from 1 byte to 1024MiB, such as 1048576, 512KiB or 4MiB, got %q", c.maxBody)
	}
	return n * unit, nil
}

// Bounds of --search-timeout (shorter, and a search of a large catalog
// cannot finish; longer than the server's write timeout, and its answer
// cannot be sent) and of --max-searches (far more than any machine's CPUs).
const (
	minSearchTimeout = 10 * time.Millisecond
	maxSearchTimeout = time.Minute
	maxMaxSearches   = 4096
)

// searchLimits is --search-timeout and --max-searches; zero values where
// they are not bound or empty, which the server takes as its defaults.
func (c *config) searchLimits() (server.SearchLimits, error) {
	var l server.SearchLimits
	if c.searchTimeout != "" {
		d, err := time.ParseDuration(c.searchTimeout)
		if err != nil || d < minSearchTimeout || d > maxSearchTimeout {
			return l, usagef("--search-timeout must be a duration from %v to %v, such as 2s or 500ms, got %q", minSearchTimeout, maxSearchTimeout, c.searchTimeout)
		}
		l.Timeout = d
	}
	if c.maxSearches != "" {
		n, err := strconv.Atoi(c.maxSearches)
		if err != nil || n < 1 || n > maxMaxSearches {
			return l, usagef("--max-searches must be a number from 1 to %d, got %q", maxMaxSearches, c.maxSearches)
		}
		l.Concurrent = n
	}
	return l, nil
}

// Bounds of bench --http's load: --duration long enough for a few
// requests of the slowest target, short enough that a typo (10h) is not
// an afternoon; --concurrency within the file descriptors of a default
// ulimit, client and server side.
const (
	minLoadDuration = 10 * time.Millisecond
	maxLoadDuration = 10 * time.Minute
	maxLoadClients  = 256
)

// loadPlan is how bench --http loads each target.
type loadPlan struct {
	duration time.Duration
	clients  []int
}

// load is --duration and --concurrency; zero values where they are not
// bound.
func (c *config) load() (loadPlan, error) {
	var p loadPlan
	if c.duration != "" {
		d, err := time.ParseDuration(c.duration)
		if err != nil || d < minLoadDuration || d > maxLoadDuration {
			return p, usagef("--duration must be a duration from %v to %v, such as 10s, got %q", minLoadDuration, maxLoadDuration, c.duration)
		}
		p.duration = d
	}
	if c.concurrency != "" {
		for _, s := range strings.Split(c.concurrency, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || n < 1 || n > maxLoadClients {
				return p, usagef("--concurrency must be comma-separated numbers of clients from 1 to %d, such as 1,8,64, got %q", maxLoadClients, c.concurrency)
			}
			p.clients = append(p.clients, n)
		}
	}
	return p, nil
}

// maxTokenDays bounds --expires: a token for longer than this is one that
// never expires, and should say so.
const maxTokenDays = 3650

// tokenExpiry is when a token made at now expires by --expires: zero for
// never.
func (c *config) tokenExpiry(now time.Time) (time.Time, error) {
	if c.expires == "never" {
		return time.Time{}, nil
	}
	days, err := strconv.Atoi(strings.TrimSuffix(c.expires, "d"))
	if err != nil || !strings.HasSuffix(c.expires, "d") || days < 1 || days > maxTokenDays {
		return time.Time{}, usagef("--expires must be a number of days from 1d to %dd, or never, got %q", maxTokenDays, c.expires)
	}
	return now.AddDate(0, 0, days), nil
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
