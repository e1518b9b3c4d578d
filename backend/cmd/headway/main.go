// Command headway is the Headway web console for Headscale: it serves the SPA and the JSON API and runs admin tasks.
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

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Environ(), os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "headway:", err)
		}
		os.Exit(1)
	}
}

const usage = `Usage: headway <command> [--config FILE]

Commands:
  serve     run the web console (applies pending database migrations first)
  migrate   apply pending database migrations and exit
  doctor    check the installation and say how to fix what is wrong (--json for machines)
  version   print the version and exit

The configuration file is --config, else $HEADWAY_CONFIG, else /etc/headway/config.yaml.
Environment variables HEADWAY_SECTION__KEY override it (for example HEADWAY_SERVER__PORT=8000).
`

// run is the whole program; main only supplies the process's context, arguments, environment and streams.
func run(ctx context.Context, args, environ []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	command, rest := args[0], args[1:]
	switch command {
	case "serve":
		return serve(ctx, rest, environ, stderr)
	case "migrate":
		return migrate(ctx, rest, environ, stderr)
	case "doctor":
		return doctor(ctx, rest, environ, stdout, stderr)
	case "version":
		return printVersion(stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", command)
	}
}
