package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// target is a goal to read results against; never an assertion.
type target struct {
	text string
	// met reports whether the goal is met; nil when there is nothing to check
	// (a reference figure).
	met func() bool
}

func reportCommand(args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("report", flag.ContinueOnError)
	flags.SetOutput(stderr)
	dir := flags.String("dir", "", "directory holding the size-*.json files of a run")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if *dir == "" {
		return errors.New("report: need --dir")
	}
	files, err := filepath.Glob(filepath.Join(*dir, "size-*.json"))
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("report: no size-*.json in %s", *dir)
	}
	var results []sizeResult
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		var r sizeResult
		if err := json.Unmarshal(b, &r); err != nil {
			return fmt.Errorf("report: %s: %w", f, err)
		}
		results = append(results, r)
	}
	slices.SortFunc(results, func(a, b sizeResult) int { return a.Nodes - b.Nodes })
	for _, r := range results {
		writeSize(stdout, r)
	}
	return nil
}

func writeSize(w io.Writer, r sizeResult) {
	fmt.Fprintf(w, "### %s nodes, %s users\n\n", thousands(r.Nodes), thousands(r.Users))
	fmt.Fprintf(w, "%d connections, %.0f s per scenario, %d CPUs, %s", r.Connections, r.DurationS, r.CPUs, r.GoVersion)
	if r.SeedSeconds > 0 {
		fmt.Fprintf(w, "; seeding took %.1f s", r.SeedSeconds)
	}
	fmt.Fprintf(w, "; load average %.1f before, %.1f after.\n\n", r.LoadAvgBefore, r.LoadAvgAfter)
	fmt.Fprintln(w, "| scenario | req/s | p50 ms | p99 ms | errors | mean body (as sent) | target | |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---|---|")
	for _, s := range r.Scenarios {
		t := scenarioTarget(r.Nodes, s)
		errs := fmt.Sprintf("%d", s.Errors)
		if s.Errors > 0 {
			errs = fmt.Sprintf("%d of %d", s.Errors, s.Requests)
		}
		fmt.Fprintf(w, "| %s `%s` | %s | %.2f | %.2f | %s | %s | %s | %s |\n",
			label(s), s.Path, rps(s.RPS), s.P50ms, s.P99ms, errs, size(s.MeanBytes), t.text, verdict(t))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| Headway process | value | target | |")
	fmt.Fprintln(w, "|---|---:|---|---|")
	idle := float64(r.IdleRSSKiB) / 1024
	peak := float64(r.PeakRSSKiB) / 1024
	rows := []struct {
		name, value string
		t           target
	}{
		{"RSS idle (readyz + 2 s)", fmt.Sprintf("%.1f MiB", idle), target{"≤ 40 MiB", func() bool { return idle <= 40 }}},
		{"RSS peak under load (100 ms samples)", fmt.Sprintf("%.1f MiB", peak), peakTarget(r.Nodes, peak)},
		{"VmHWM after the load", fmt.Sprintf("%.1f MiB", float64(r.HWMKiB)/1024), target{}},
		{fmt.Sprintf("start → /admin/healthz 200 (median of %d)", len(r.StartHealthzMs)), fmt.Sprintf("%.0f ms", r.MedianHealthzMs),
			target{"≤ 150 ms", func() bool { return r.MedianHealthzMs <= 150 }}},
		{fmt.Sprintf("start → /admin/readyz 200 (median of %d)", len(r.StartReadyzMs)), fmt.Sprintf("%.0f ms", r.MedianReadyzMs), target{}},
	}
	for _, row := range rows {
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", row.name, row.value, row.t.text, verdict(row.t))
	}
	fmt.Fprintln(w)
}

func label(s loadResult) string {
	switch s.Name {
	case "machines_page":
		return "machines, first page"
	case "machines_all":
		return "machines, all (gzip)"
	case "machines_all_plain":
		return "machines, all (uncompressed)"
	case "machine":
		return "one machine"
	case "headscale_nodes":
		return "Headscale (floor)"
	}
	return s.Name
}

func scenarioTarget(nodes int, s loadResult) target {
	switch s.Name {
	case "machines_page", "machines_all", "machines_all_plain":
		t := target{}
		switch nodes {
		case 2000:
			t = target{"≥ 400 req/s, p99 < 100 ms", func() bool { return s.RPS >= 400 && s.P99ms < 100 }}
			if s.Name == "machines_all" {
				t.text += " (Headplane: 4.0 req/s)"
			}
		case 10000:
			t = target{"p99 < 250 ms", func() bool { return s.P99ms < 250 }}
		}
		return t
	case "me":
		return target{"≥ 5,000 req/s", func() bool { return s.RPS >= 5000 }}
	}
	return target{}
}

func peakTarget(nodes int, mib float64) target {
	if nodes == 2000 {
		return target{"≤ 150 MiB", func() bool { return mib <= 150 }}
	}
	return target{}
}

func verdict(t target) string {
	if t.met == nil {
		return ""
	}
	if t.met() {
		return "met"
	}
	return "**missed**"
}

func rps(v float64) string {
	if v >= 100 {
		return thousands(int(v + 0.5))
	}
	return fmt.Sprintf("%.1f", v)
}

func size(b float64) string {
	switch {
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MiB", b/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.1f KiB", b/(1<<10))
	}
	return fmt.Sprintf("%.0f B", b)
}

// thousands formats n with commas: 10000 → "10,000".
func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 || len(s) <= 3 {
		return s
	}
	var b strings.Builder
	pre := len(s) % 3
	if pre > 0 {
		b.WriteString(s[:pre])
	}
	for i := pre; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}
