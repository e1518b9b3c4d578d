package hstest

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// sqliteEnv names the environment variable that overrides the sqlite3 client.
const sqliteEnv = "HEADWAY_SQLITE3_BIN"

// CreateOIDCUser creates a Headscale user as Headscale's own OIDC sign-in
// would have (provider "oidc", providerId as given, for example
// "https://idp.example/sub-alice") and returns its id. Any providerId works,
// including ones no test identity provider could produce, such as Entra's
// "https://login.microsoftonline.com/TENANT/v2.0/abc%40def".
//
// The user is created as a local user through the CLI, then its provider
// columns are set in Headscale's sqlite database with the sqlite3 client
// ($HEADWAY_SQLITE3_BIN, else sqlite3 on PATH). Headscale reads users from
// its database on every request, so the running server sees the change at
// once. The server must be running.
func (s *Server) CreateOIDCUser(t testing.TB, name, email, providerID string) string {
	t.Helper()
	args := []string{"users", "create", name, "--output", "json"}
	if email != "" {
		args = append(args, "--email", email)
	}
	out := s.Headscale(t, args...)
	var u struct {
		ID json.Number `json:"id"`
	}
	if err := json.Unmarshal([]byte(out), &u); err != nil || u.ID == "" {
		t.Fatalf("hstest: parse the output of `headscale users create %s`: %v\n%s", name, err, out)
	}
	id := u.ID.String()
	s.SQL(t, "UPDATE users SET provider = 'oidc', provider_identifier = "+sqlQuote(providerID)+
		" WHERE id = "+id)
	return id
}

// SQL runs statements against Headscale's sqlite database with the sqlite3
// client, waiting up to 5 seconds for Headscale's locks, and returns the
// client's output. A failure ends the test.
func (s *Server) SQL(t testing.TB, statements string) string {
	t.Helper()
	bin := sqliteBinary(t)
	ctx, cancel := context.WithTimeout(context.Background(), cliTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-batch", "-cmd", ".timeout 5000", filepath.Join(s.Dir, "db.sqlite"), statements)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil || stderr.Len() > 0 {
		t.Fatalf("hstest: sqlite3 %q: %v\n%s", statements, err, stderr.String())
	}
	return stdout.String()
}

// sqliteBinary finds the sqlite3 client, ending the test when it is missing.
func sqliteBinary(t testing.TB) string {
	t.Helper()
	name := "sqlite3"
	if v := os.Getenv(sqliteEnv); v != "" {
		name = v
	}
	path, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("hstest: the sqlite3 client is needed to create OIDC-style Headscale users: install it (apt-get install sqlite3) or set %s: %v", sqliteEnv, err)
	}
	return path
}

// sqlQuote quotes v as an SQL string literal.
func sqlQuote(v string) string {
	return "'" + strings.ReplaceAll(v, "'", "''") + "'"
}
