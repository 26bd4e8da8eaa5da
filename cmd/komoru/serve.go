package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/komoru/komoru/catalog/harvest"
	"github.com/komoru/komoru/indexer"
	"github.com/komoru/komoru/server"
	"github.com/komoru/komoru/web"
)

// followEvery is how often a server looks for catalog changes to index.
const followEvery = 250 * time.Millisecond

func runServe(ctx context.Context, e *env, args []string) error {
	cfg, err := parseFlagsOnly(e, "serve", args, "addr", "data", "database", "seed", "trusted-proxy", "public-url", "max-body", "search-timeout", "max-searches", "pprof", "log-level",
		"contact", "KOMORU_CRAWL_CACHE", "delay")
	if err != nil {
		return err
	}
	log := cfg.logger(e.stderr)
	store, err := openCatalog(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer store.Close()

	// The index opens (at 100,000 works a build takes about a minute) in
	// the background while the server listens and answers "starting";
	// then it catches up and follows the catalog's changes, including
	// those of other processes (komoru import beside the server).
	total, err := store.Count(ctx)
	if err != nil {
		return err
	}
	pending, err := indexer.OpenInBackground(ctx, filepath.Join(cfg.data, indexDir), store,
		indexer.Options{Codebook: store.Codebook(), Logger: log}, total)
	if errors.Is(err, indexer.ErrLocked) {
		return fmt.Errorf("%w; one server per data dir", err)
	}
	if err != nil {
		return err
	}
	// The follower stops, and is waited for, before the index closes.
	indexCtx, stopIndex := context.WithCancel(ctx)
	followed := make(chan error, 1)
	rebuilds := make(rebuildRequests, 1)
	// A store that hears of other servers' commits wakes the follower.
	var wake <-chan struct{}
	if n, ok := store.(interface {
		Changed(context.Context) <-chan struct{}
	}); ok {
		wake = n.Changed(indexCtx)
	}
	go func() { followed <- followIndex(indexCtx, pending, rebuilds, wake, log) }()
	defer func() {
		stopIndex()
		<-followed // its error is logged where it happens
	}()

	maxBody, err := cfg.maxBodyBytes()
	if err != nil {
		return err
	}
	limits, err := cfg.searchLimits()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	if cfg.pprof != "" {
		_, stop, err := serveProfiler(cfg.pprof, log)
		if err != nil {
			return err
		}
		defer stop()
	}
	public := cfg.publicURL
	if public == "" {
		public = "http://" + displayAddr(ln.Addr())
	}
	// The form's harvest fetches what curators name, so only from public
	// addresses.
	fetcher, err := newFetcher(cfg, true, nil)
	if err != nil {
		return err
	}
	harvester := &formHarvester{h: &harvest.Harvester{Fetcher: fetcher}, store: store, search: pending}
	srv, err := server.New(server.Config{Store: store, Search: pending, Index: pending, Codebook: store.Codebook(),
		Assets: web.FS, Logger: log, TrustedProxies: cfg.trustedProxies(), MaxAPIBody: maxBody, PublicURL: public,
		SearchLimits: limits, Rebuild: rebuilds, Harvest: harvester})
	if err != nil {
		return usagef("%v", err)
	}
	hs := newHTTPServer(srv.Handler())
	n, _ := store.Count(ctx)
	log.Info("serving komoru", "addr", ln.Addr().String(), "url", public, "data", cfg.data, "works", n)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(server.Listener(ln)) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// rebuildRequests carries an admin's requests to rebuild the index
// (server.Rebuilder) to followIndex; it holds one, so requests made while
// one waits are that one.
type rebuildRequests chan struct{}

func (r rebuildRequests) RequestRebuild() bool {
	select {
	case r <- struct{}{}:
		return true
	default:
		return false
	}
}

// followIndex waits for the index to open, then follows the catalog's
// changes and rebuilds the index on SIGHUP or an admin's request (beside
// the old one, which answers until the swap), until ctx ends; it closes
// the index.
func followIndex(ctx context.Context, pending *indexer.Pending, requests rebuildRequests, wake <-chan struct{}, log *slog.Logger) error {
	// Waited for even after ctx ends (which ends the opening too): the
	// opening reads the catalog, which closes after this returns.
	ix, err := pending.Wait(context.WithoutCancel(ctx))
	if err != nil {
		if ctx.Err() == nil {
			// Searches say so too; the rest of the site still serves.
			log.Error("the search index could not be opened", "error", err)
		}
		return err
	}
	defer ix.Close()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	log.Info("search index ready", "works", ix.Count())
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	var rebuilding sync.WaitGroup
	defer rebuilding.Wait() // before the index closes
	rebuilding.Go(func() {
		for {
			why := "SIGHUP"
			select {
			case <-ctx.Done():
				return
			case <-hup:
			case <-requests:
				why = "an admin's request"
			}
			log.Info("rebuilding the search index", "on", why)
			start := time.Now()
			if err := ix.Rebuild(ctx); err != nil {
				log.Error("rebuilding the search index", "error", err)
				continue
			}
			log.Info("search index rebuilt", "works", ix.Count(), "seconds", time.Since(start).Seconds())
		}
	})
	return ix.FollowWoken(ctx, followEvery, wake)
}

// newHTTPServer is the http.Server that serves the site, with timeouts
// that bound a slow or idle client's hold on a connection.
func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
}

// serveProfiler serves net/http/pprof on addr, which must be a loopback
// address: profiles show the catalog's data and can keep the CPU busy, so
// they are for the operator on the machine, never for the site's visitors.
// It is a listener of its own, outside the site's router and middleware.
func serveProfiler(addr string, log *slog.Logger) (net.Addr, func(), error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, nil, usagef("--pprof: %v", err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, nil, usagef("--pprof must be a loopback address, such as 127.0.0.1:6060, got %q", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("--pprof: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	log.Info("serving the profiler", "url", "http://"+ln.Addr().String()+"/debug/pprof/")
	return ln.Addr(), func() { hs.Close() }, nil
}

// displayAddr turns a listen address into one a browser can open.
func displayAddr(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if ok && (tcp.IP.IsUnspecified() || tcp.IP.IsLoopback()) {
		return fmt.Sprintf("localhost:%d", tcp.Port)
	}
	return a.String()
}
