package main

import (
	"context"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/komoru/komoru/catalog"
)

// runStats prints how many works carry each facet value, so anyone can see
// the catalog's shape at a glance; --by splits every count by one facet.
func runStats(ctx context.Context, e *env, args []string) error {
	cfg, err := parseFlagsOnly(e, "stats", args, "data", "database", "by", "log-level")
	if err != nil {
		return err
	}
	cb := catalog.DefaultCodebook()
	if _, ok := cb.Facet(cfg.by); cfg.by != "" && !ok {
		return usagef("--by: %q is not a facet (try decade, medium or realism)", cfg.by)
	}
	store, err := openCatalogReadOnly(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()

	stats := catalog.NewStats(cb, cfg.by)
	if err := store.Each(ctx, stats.Add); err != nil {
		return err
	}
	stats.Finish()

	fmt.Fprintf(e.stdout, "%d works, codebook %s\n", stats.Works, cb.Version)
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	header := func(label string) {
		fmt.Fprintf(tw, "\n%s\t", label)
		fmt.Fprint(tw, "works\t")
		for _, c := range stats.Columns {
			fmt.Fprintf(tw, "%s\t", cb.Label(cfg.by, c))
		}
		fmt.Fprintln(tw)
	}
	for _, fs := range stats.Facets {
		header(fs.Label)
		for _, r := range fs.Rows {
			fmt.Fprintf(tw, "%s (%s)\t%d\t", r.Label, r.Value, r.Count)
			for _, c := range stats.Columns {
				fmt.Fprintf(tw, "%s\t", strconv.Itoa(r.By[c]))
			}
			fmt.Fprintln(tw)
		}
	}
	if cfg.by != "" {
		fmt.Fprintf(tw, "\nAll works\t%d\t", stats.Works)
		for _, c := range stats.Columns {
			fmt.Fprintf(tw, "%d\t", stats.ByTotal[c])
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}
