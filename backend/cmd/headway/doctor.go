package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"headway/backend/config"
	diag "headway/backend/doctor"
)

// doctor checks the installation described by the configuration and prints
// each check with its outcome and fix, as text or (--json) as a JSON array.
// It fails when any check fails; warnings alone do not fail it.
func doctor(ctx context.Context, args, environ []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("doctor", flag.ContinueOnError)
	flags.SetOutput(stderr)
	configPath := flags.String("config", "", "configuration file (default $HEADWAY_CONFIG, else "+config.DefaultPath+")")
	asJSON := flags.Bool("json", false, "print the checks as a JSON array of {name, status, detail, fix}")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("doctor: unexpected argument %q", flags.Arg(0))
	}

	path, explicit := config.ResolvePath(*configPath, environ)
	cfg, warnings, err := config.Load(path, explicit, environ)
	var checks []diag.Check
	if err != nil {
		checks = diag.ConfigChecks(err)
	} else {
		checks = diag.Run(ctx, cfg, diag.Options{Warnings: warnings})
	}

	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(checks); err != nil {
			return err
		}
	} else if err := printChecks(stdout, checks); err != nil {
		return err
	}
	if n := count(checks, diag.Fail); n > 0 {
		return fmt.Errorf("doctor: %d check(s) failed", n)
	}
	return nil
}

// printChecks writes one line per check, its fix indented below.
func printChecks(w io.Writer, checks []diag.Check) error {
	width := 0
	for _, c := range checks {
		width = max(width, len(c.Name))
	}
	var b strings.Builder
	for _, c := range checks {
		fmt.Fprintf(&b, "%-4s  %-*s  %s\n", strings.ToUpper(string(c.Status)), width, c.Name, c.Detail)
		if c.Fix != "" {
			fmt.Fprintf(&b, "      %-*s  fix: %s\n", width, "", c.Fix)
		}
	}
	fmt.Fprintf(&b, "\n%d passed, %d warning(s), %d failed\n", count(checks, diag.Pass), count(checks, diag.Warn), count(checks, diag.Fail))
	_, err := io.WriteString(w, b.String())
	return err
}

func count(checks []diag.Check, s diag.Status) int {
	n := 0
	for _, c := range checks {
		if c.Status == s {
			n++
		}
	}
	return n
}
