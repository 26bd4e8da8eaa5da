package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/harvest"
	"golang.org/x/term"
)

// version is komoru's version, for the crawler's User-Agent: set with
// -ldflags "-X main.version=1.4.0", else the module's build version.
var version = ""

func komoruVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return strings.TrimPrefix(bi.Main.Version, "v")
	}
	return "dev"
}

// defaultContact is the crawler's contact URL when --contact is not
// given: the project's, where site owners can find what komoru is.
const defaultContact = "https://github.com/komoru/komoru"

// runCrawl harvests web pages into drafts (JSON Lines), files them as
// proposals with --propose, or with --discover lists the works a list
// page names that the catalog lacks.
func runCrawl(ctx context.Context, e *env, args []string) error {
	cfg, urls, err := parseFlags(e, "crawl", args, "data", "database", "out", "propose", "discover", "contact", "KOMORU_CRAWL_CACHE", "delay", "author")
	if err != nil {
		return err
	}
	if len(urls) == 0 {
		return usagef("give the URLs of the pages to read")
	}
	for _, u := range urls {
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			return usagef("%q is not an http or https URL", u)
		}
	}
	if cfg.discover && (len(urls) != 1 || cfg.propose) {
		return usagef("--discover reads one list page and proposes nothing")
	}
	if cfg.propose && cfg.out != "" {
		return usagef("--propose files the drafts for review; --out writes them to a file: give one")
	}
	var progress func(done, total int, u string, err error)
	if f, ok := e.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		progress = func(done, total int, u string, err error) {
			state := "ok"
			if err != nil {
				state = "failed"
			}
			fmt.Fprintf(f, "\r\x1b[K[%d/%d] %s %s", done, total, state, u)
			if done == total {
				fmt.Fprint(f, "\r\x1b[K")
			}
		}
	}
	fetcher, err := newFetcher(cfg, false, progress)
	if err != nil {
		return err
	}
	h := &harvest.Harvester{Fetcher: fetcher}

	var store catalog.Store
	if cfg.propose {
		s, err := openCatalog(ctx, cfg, cfg.logger(e.stderr))
		if err != nil {
			return err
		}
		store = s
	} else if _, err := existingCatalog(cfg.data); err == nil || cfg.database != "" {
		s, err := openCatalogReadOnly(ctx, cfg)
		if err != nil {
			return err
		}
		store = s
	}
	if store != nil {
		defer store.Close()
		var works []*catalog.Work
		if err := store.Each(ctx, func(w *catalog.Work) error { works = append(works, w); return nil }); err != nil {
			return err
		}
		h.Known = harvest.NewMatcher(works)
	}

	if cfg.discover {
		cands, err := h.Discover(ctx, urls[0])
		if err != nil {
			return err
		}
		return writeLines(e, cfg.out, func(enc *json.Encoder) error {
			for _, c := range cands {
				if err := enc.Encode(c); err != nil {
					return err
				}
			}
			return nil
		})
	}

	drafts, failures := h.Drafts(ctx, urls)
	if cfg.propose {
		err = proposeDrafts(ctx, e, store, drafts, author(cfg))
	} else {
		err = writeLines(e, cfg.out, func(enc *json.Encoder) error {
			for _, d := range drafts {
				if err := enc.Encode(d); err != nil {
					return err
				}
			}
			return nil
		})
	}
	for _, f := range failures {
		fmt.Fprintf(e.stderr, "komoru crawl: %v\n", f)
	}
	if err != nil {
		return err
	}
	if len(failures) > 0 {
		return fmt.Errorf("%d of %d %s failed", len(failures), len(urls), plural(len(urls), "URL", "URLs"))
	}
	return nil
}

func author(cfg *config) string {
	if !cfg.given["author"] {
		return "crawl"
	}
	return cfg.author
}

// newFetcher makes the polite fetcher: komoru's User-Agent with its
// version and contact, the cache in the data dir unless --cache says
// elsewhere, and, for a server, public addresses only.
func newFetcher(cfg *config, publicOnly bool, progress func(done, total int, u string, err error)) (*harvest.Colly, error) {
	contact := cfg.contact
	if contact == "" {
		contact = defaultContact
	}
	cache := cfg.crawlCache
	if cache == "" {
		cache = filepath.Join(cfg.data, "crawl-cache")
	}
	delay, _ := time.ParseDuration(cfg.delay) // checked with the flags
	return harvest.NewColly(harvest.Options{
		UserAgent:  fmt.Sprintf("komoru/%s (+%s)", komoruVersion(), contact),
		CacheDir:   cache,
		Delay:      delay,
		PublicOnly: publicOnly,
		Progress:   progress,
	})
}

// writeLines writes JSON Lines to --out, or stdout. A file is written
// whole or not at all: to a temporary file renamed into place.
func writeLines(e *env, out string, write func(*json.Encoder) error) error {
	if out == "" || out == "-" {
		w := bufio.NewWriter(e.stdout)
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		if err := write(enc); err != nil {
			return err
		}
		return w.Flush()
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*")
	if err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriter(tmp)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	err = write(enc)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	return os.Rename(tmp.Name(), out)
}

// proposeDrafts files each draft in the review queue: a new work, or,
// for a draft that matches one existing work, a change listing what
// differs or is new. A draft that cannot be a proposal (no year found,
// say) is reported by name and the others go on.
func proposeDrafts(ctx context.Context, e *env, store catalog.Store, drafts []catalog.Draft, author string) error {
	var failed int
	for _, d := range drafts {
		p, skip, err := proposal(ctx, store, &d, author)
		switch {
		case err != nil:
			failed++
			fmt.Fprintf(e.stderr, "komoru crawl: %s: not proposed: %v\n", draftName(&d), err)
			continue
		case skip != "":
			fmt.Fprintf(e.stdout, "%s: %s\n", draftName(&d), skip)
			continue
		}
		saved, err := catalog.Propose(ctx, store, p, time.Now())
		if err != nil {
			failed++
			fmt.Fprintf(e.stderr, "komoru crawl: %s: not proposed: %v\n", draftName(&d), err)
			continue
		}
		fmt.Fprintf(e.stdout, "proposal %d: %s %s\n", saved.ID, saved.Op, saved.WorkID)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d %s could not be proposed", failed, len(drafts), plural(len(drafts), "draft", "drafts"))
	}
	return nil
}

// proposal makes the proposal of a draft, or says why none is needed.
func proposal(ctx context.Context, store catalog.Store, d *catalog.Draft, author string) (catalog.Proposal, string, error) {
	note := "harvested from " + strings.Join(sourceURLs(d), ", ")
	for _, c := range d.Conflicts {
		note += fmt.Sprintf("; the pages disagree on %s", c.Field)
	}
	if len(d.Matches) > 1 {
		return catalog.Proposal{}, "", fmt.Errorf("it may be any of %s: edit the right one by hand", strings.Join(d.Matches, ", "))
	}
	if len(d.Matches) == 1 {
		rev, err := store.Get(ctx, d.Matches[0])
		if err != nil {
			return catalog.Proposal{}, "", err
		}
		w, changed := harvest.Update(rev.Work, d)
		if len(changed) == 0 {
			return catalog.Proposal{}, "matches " + rev.Work.ID + "; nothing new", nil
		}
		return catalog.Proposal{Op: catalog.OpUpdate, Base: rev.Number, Work: w, Author: author,
			Note: note + "; changes " + strings.Join(changed, ", ")}, "", nil
	}
	w := d.Work
	if err := w.Validate(store.Codebook()); err != nil {
		var ve *catalog.ValidationError
		if errors.As(err, &ve) {
			return catalog.Proposal{}, "", fmt.Errorf("the pages did not give %v", ve)
		}
		return catalog.Proposal{}, "", err
	}
	return catalog.Proposal{Op: catalog.OpCreate, Work: &w, Author: author, Note: note}, "", nil
}

func sourceURLs(d *catalog.Draft) []string {
	var urls []string
	for _, s := range d.Work.Sources {
		urls = append(urls, s.URL)
	}
	return urls
}

func draftName(d *catalog.Draft) string {
	if d.Work.Title != "" {
		return fmt.Sprintf("%q", d.Work.Title)
	}
	return strings.Join(sourceURLs(d), ", ")
}
