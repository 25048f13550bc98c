// Command xiangbang is the whole product in one binary: the HTTP server, the
// push worker, migrations, imports, the demo seed and wxmock. This package
// only wires; the logic lives in handlers, service and model.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, args []string) error
}

// commandTable lists the subcommands; each lives in its own file.
func commandTable() map[string]command {
	return map[string]command{
		"serve":   {"run the HTTP server (API, WeChat callback, admin console), push worker and scheduler", runServe},
		"migrate": {"apply pending database migrations", runMigrate},
		"seed":    {"seed the demo county (--demo) into an empty database", runSeed},
		"import":  {"import regions, households, members, payments, jobs, cadres or pairings from CSV/XLSX; blank templates", runImport},
		"config":  {"print every configuration key, its default and meaning", runConfig},
		"admin":   {"console users, cadre invite codes, key rotation", runAdmin},
		"wxmock":  {"run the stand-in of WeChat's servers for tests, staging and the demo", runWxmock},
		"worker":  {"run the push worker and take part in the scheduler, without HTTP", runWorker},
		"push":    {"push outbox and scheduler: status", runPush},
		"wechat":  {"official account tools: create the custom menu (wechat menu)", runWechat},
	}
}

func main() {
	if len(os.Args) < 2 || os.Args[1] == "-h" || os.Args[1] == "--help" || os.Args[1] == "help" {
		usage()
		os.Exit(2)
	}
	commands := commandTable()
	cmd, ok := commands[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "xiangbang: unknown command %q\n\n", os.Args[1])
		usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := cmd.run(ctx, os.Args[2:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		fmt.Fprintf(os.Stderr, "xiangbang %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}

func usage() {
	commands := commandTable()
	fmt.Fprintln(os.Stderr, "usage: xiangbang <command> [flags]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(os.Stderr, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(os.Stderr, "\nRun xiangbang <command> -h for the command's flags. Configuration: XB_* variables (README.md).")
}
