// Command headway-bench measures a running Headway end to end: it seeds a
// stopped Headscale's sqlite database with many nodes, drives HTTP load at
// Headway (and at Headscale for comparison), samples Headway's memory, times
// its start, and renders the results as markdown. deploy/local/bench.sh
// (make bench) builds the throwaway stacks it runs against.
//
// Everything it sends goes to loopback addresses; every loop is bounded in
// both count and time.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `Usage: headway-bench <command> [flags]

Commands:
  seed      clone template nodes and users in a stopped Headscale's sqlite database
  measure   start headway serve, load it, sample its memory, time its start; write JSON
  report    render the JSON results of a run as markdown tables

Run "headway-bench <command> -h" for a command's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "headway-bench:", err)
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	switch args[0] {
	case "seed":
		return seedCommand(ctx, args[1:], stderr)
	case "measure":
		return measureCommand(ctx, args[1:], stderr)
	case "report":
		return reportCommand(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", args[0])
	}
}
