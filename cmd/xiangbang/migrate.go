package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/xiangbang/xiangbang/config"
)

func runMigrate(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	cfgPath := configFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, err := openConfigured(ctx, *cfgPath)
	if err != nil {
		return err
	}
	defer a.close()
	res, err := a.db.Migrate(ctx)
	if err != nil {
		return err
	}
	if len(res.Applied) == 0 {
		fmt.Printf("schema is up to date (version %d, %s)\n", res.Current, describeDB(a.cfg))
		return nil
	}
	for _, m := range res.Applied {
		fmt.Printf("applied %04d_%s\n", m.Version, m.Name)
	}
	fmt.Printf("schema at version %d (%s)\n", res.Current, describeDB(a.cfg))
	return nil
}

func runConfig(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("config", flag.ContinueOnError)
	markdown := fs.Bool("markdown", false, "print the README's table")
	if err := fs.Parse(args); err != nil {
		return err
	}
	for _, k := range config.Keys() {
		def := k.Default
		if *markdown {
			if def == "" {
				def = "(empty)"
			}
			fmt.Printf("| `%s` | `%s` | %s |\n", k.Env, def, strings.ReplaceAll(k.Help, "|", "\\|"))
			continue
		}
		fmt.Fprintf(os.Stdout, "%-26s %-14s %s\n", k.Env, def, k.Help)
	}
	return nil
}
