package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// seedOptions are the flags of `headway-bench seed`.
type seedOptions struct {
	db     string
	sqlite string
	nodes  int
	users  int
}

// maxSeedNodes bounds the seeding loop (and keeps the addresses inside the
// smallest prefix Headscale is configured with here, 100.64.0.0/10).
const maxSeedNodes = 100_000

// seedCommand fills a stopped Headscale's sqlite database up to the given
// numbers of users and nodes by cloning the first existing user and node
// (created beforehand through Headscale's API, so every column has the shape
// Headscale itself writes) with unique names, keys and addresses.
func seedCommand(ctx context.Context, args []string, stderr io.Writer) error {
	var o seedOptions
	flags := flag.NewFlagSet("seed", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.StringVar(&o.db, "db", "", "Headscale's sqlite database (Headscale must be stopped)")
	flags.StringVar(&o.sqlite, "sqlite3", "sqlite3", "the sqlite3 client")
	flags.IntVar(&o.nodes, "nodes", 0, "total number of nodes wanted")
	flags.IntVar(&o.users, "users", 0, "total number of users wanted (default nodes/10, at least 1)")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if o.db == "" || o.nodes < 1 || o.nodes > maxSeedNodes {
		return fmt.Errorf("seed: need --db and --nodes between 1 and %d", maxSeedNodes)
	}
	if o.users == 0 {
		o.users = max(1, o.nodes/10)
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	start := time.Now()
	if err := seed(ctx, o); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	fmt.Fprintf(stderr, "seeded %s: %d users, %d nodes in %s\n", o.db, o.users, o.nodes, time.Since(start).Round(time.Millisecond))
	return nil
}

func seed(ctx context.Context, o seedOptions) error {
	userCols, err := columns(ctx, o, "users")
	if err != nil {
		return err
	}
	nodeCols, err := columns(ctx, o, "nodes")
	if err != nil {
		return err
	}
	haveUsers, err := scalarInt(ctx, o, "SELECT count(*) FROM users")
	if err != nil {
		return err
	}
	haveNodes, err := scalarInt(ctx, o, "SELECT count(*) FROM nodes")
	if err != nil {
		return err
	}
	if haveUsers == 0 || haveNodes == 0 {
		return errors.New("the database needs at least one user and one node to clone (create them through Headscale's API first)")
	}

	// Users: clone the first one.
	var sql strings.Builder
	sql.WriteString("BEGIN;\n")
	for i := haveUsers + 1; i <= o.users; i++ {
		name := fmt.Sprintf("bench-user-%05d", i)
		over := map[string]string{
			"name":         quote(name),
			"display_name": quote(fmt.Sprintf("Bench User %d", i)),
			"email":        quote(name + "@example.com"),
			"deleted_at":   "NULL",
		}
		sql.WriteString(cloneRow("users", userCols, over, "(SELECT min(id) FROM users)"))
	}
	sql.WriteString("COMMIT;\n")
	if _, err := sqlite(ctx, o, sql.String()); err != nil {
		return fmt.Errorf("insert users: %w", err)
	}
	out, err := sqlite(ctx, o, "SELECT id FROM users WHERE deleted_at IS NULL ORDER BY id;")
	if err != nil {
		return err
	}
	var userIDs []string
	for line := range strings.FieldsSeq(out) {
		userIDs = append(userIDs, line)
	}
	if len(userIDs) < o.users {
		return fmt.Errorf("found %d users after seeding, want %d", len(userIDs), o.users)
	}

	// Nodes: clone the first one with fresh keys, addresses and names.
	base := time.Now().UTC()
	kinds := []string{"laptop", "desktop", "phone", "server", "db", "build", "k8s"}
	v4 := netip.MustParseAddr("100.64.0.0")
	v6 := netip.MustParseAddr("fd7a:115c:a1e0::")
	sql.Reset()
	sql.WriteString("BEGIN;\n")
	for i := haveNodes + 1; i <= o.nodes; i++ {
		// Well above the few addresses Headscale gave the template nodes.
		slot := 1000 + i
		name := fmt.Sprintf("%s-%05d", kinds[i%len(kinds)], i)
		seen := base.Add(-time.Duration(i*37%86400) * time.Second)
		created := base.Add(-time.Duration(i) * time.Minute)
		over := map[string]string{
			"machine_key": quote("mkey:" + randomHex()),
			"node_key":    quote("nodekey:" + randomHex()),
			"disco_key":   quote("discokey:" + randomHex()),
			"host_info":   quote(`{"Hostname":"` + name + `"}`),
			"ipv4":        quote(addOffset(v4, slot).String()),
			"ipv6":        quote(addOffset(v6, slot).String()),
			"hostname":    quote(name),
			"given_name":  quote(name),
			"user_id":     userIDs[i%len(userIDs)],
			"last_seen":   quote(sqliteTime(seen)),
			"created_at":  quote(sqliteTime(created)),
			"updated_at":  quote(sqliteTime(created)),
			"deleted_at":  "NULL",
		}
		sql.WriteString(cloneRow("nodes", nodeCols, over, "(SELECT min(id) FROM nodes)"))
	}
	sql.WriteString("COMMIT;\n")
	if _, err := sqlite(ctx, o, sql.String()); err != nil {
		return fmt.Errorf("insert nodes: %w", err)
	}
	got, err := scalarInt(ctx, o, "SELECT count(*) FROM nodes")
	if err != nil {
		return err
	}
	if got != max(o.nodes, haveNodes) {
		return fmt.Errorf("found %d nodes after seeding, want %d", got, o.nodes)
	}
	return nil
}

// cloneRow is an INSERT … SELECT copying the row whose id is idExpr, with the
// columns in over replaced by SQL expressions.
func cloneRow(table string, cols []string, over map[string]string, idExpr string) string {
	var names, values []string
	for _, c := range cols {
		if c == "id" {
			continue
		}
		names = append(names, `"`+c+`"`)
		if v, ok := over[c]; ok {
			values = append(values, v)
		} else {
			values = append(values, `"`+c+`"`)
		}
	}
	return fmt.Sprintf("INSERT INTO %s (%s) SELECT %s FROM %s WHERE id = %s;\n",
		table, strings.Join(names, ","), strings.Join(values, ","), table, idExpr)
}

// columns lists a table's column names.
func columns(ctx context.Context, o seedOptions, table string) ([]string, error) {
	out, err := sqlite(ctx, o, "SELECT name FROM pragma_table_info('"+table+"');")
	if err != nil {
		return nil, err
	}
	cols := strings.Fields(out)
	if len(cols) == 0 {
		return nil, fmt.Errorf("table %s not found in %s (has Headscale run once?)", table, o.db)
	}
	return cols, nil
}

func scalarInt(ctx context.Context, o seedOptions, query string) (int, error) {
	out, err := sqlite(ctx, o, query+";")
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(out))
}

// sqlite runs statements (on stdin) with the sqlite3 client.
func sqlite(ctx context.Context, o seedOptions, statements string) (string, error) {
	cmd := exec.CommandContext(ctx, o.sqlite, "-batch", "-bail", "-cmd", ".timeout 5000", o.db)
	cmd.Stdin = strings.NewReader(statements)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil || stderr.Len() > 0 {
		return "", fmt.Errorf("sqlite3 %s: %v: %s", o.db, err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// sqliteTime formats t as Headscale's sqlite driver writes times.
func sqliteTime(t time.Time) string { return t.Format("2006-01-02 15:04:05.999999999-07:00") }

func randomHex() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand panics instead)
	return hex.EncodeToString(b)
}

// addOffset adds n to the address a (big-endian, no overflow checks beyond
// the caller's bound on n).
func addOffset(a netip.Addr, n int) netip.Addr {
	b := a.AsSlice()
	carry := n
	for i := len(b) - 1; i >= 0 && carry > 0; i-- {
		sum := int(b[i]) + carry
		b[i] = byte(sum & 0xff)
		carry = sum >> 8
	}
	out, _ := netip.AddrFromSlice(b)
	return out
}
