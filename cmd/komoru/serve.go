package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/komoru/komoru/indexer"
	"github.com/komoru/komoru/server"
	"github.com/komoru/komoru/web"
)

// followEvery is how often a server looks for catalog changes to index.
const followEvery = 250 * time.Millisecond

func runServe(ctx context.Context, e *env, args []string) error {
	cfg, err := parseFlagsOnly(e, "serve", args, "addr", "data", "seed", "trusted-proxy", "public-url", "max-body", "log-level")
	if err != nil {
		return err
	}
	log := cfg.logger(e.stderr)
	store, err := openCatalog(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer store.Close()

	// The index catches up on open, then follows the catalog's changes,
	// including those of other processes (komoru import beside the server).
	ix, err := indexer.Open(ctx, filepath.Join(cfg.data, indexDir), store, indexer.Options{Codebook: store.Codebook(), Logger: log})
	if errors.Is(err, indexer.ErrLocked) {
		return fmt.Errorf("%w; one server per data dir", err)
	}
	if err != nil {
		return err
	}
	defer ix.Close()
	// The follower stops, and is waited for, before the index closes
	// (deferred first, so run last).
	followCtx, stopFollow := context.WithCancel(ctx)
	followed := make(chan error, 1)
	go func() { followed <- ix.Follow(followCtx, followEvery) }()
	defer func() {
		stopFollow()
		if err := <-followed; err != nil && !errors.Is(err, context.Canceled) {
			log.Error("search index follower stopped", "error", err)
		}
	}()

	maxBody, err := cfg.maxBodyBytes()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	public := cfg.publicURL
	if public == "" {
		public = "http://" + displayAddr(ln.Addr())
	}
	srv, err := server.New(server.Config{Store: store, Search: ix, Index: ix, Codebook: store.Codebook(),
		Assets: web.FS, Logger: log, TrustedProxies: cfg.trustedProxies(), MaxAPIBody: maxBody, PublicURL: public})
	if err != nil {
		return usagef("%v", err)
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	n, _ := store.Count(ctx)
	log.Info("serving komoru", "addr", ln.Addr().String(), "url", public, "data", cfg.data, "works", n)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
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

// displayAddr turns a listen address into one a browser can open.
func displayAddr(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if ok && (tcp.IP.IsUnspecified() || tcp.IP.IsLoopback()) {
		return fmt.Sprintf("localhost:%d", tcp.Port)
	}
	return a.String()
}
