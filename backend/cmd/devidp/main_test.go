package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"headway/backend/devidp"
)

func TestExampleConfig(t *testing.T) {
	t.Parallel()
	cfg, err := devidp.ParseConfig(exampleConfig)
	if err != nil {
		t.Fatalf("ParseConfig(example.yaml): %v", err)
	}
	groups := map[string][]string{}
	verified := map[string]bool{}
	for _, u := range cfg.Users {
		groups[u.Subject] = u.Groups
		verified[u.Subject] = u.EmailVerified
	}
	wantGroups := map[string][]string{"alice": {"admins"}, "bob": {"network"}, "carol": {"viewers"}, "dave": {}}
	if diff := cmp.Diff(wantGroups, groups); diff != "" {
		t.Errorf("example users' groups (-want +got):\n%s", diff)
	}
	if verified["dave"] || !verified["alice"] {
		t.Errorf("email_verified = %v, want dave unverified and alice verified", verified)
	}
	clients := map[string]devidp.Client{}
	for _, c := range cfg.Clients {
		clients[c.ID] = c
	}
	hw := clients["headway"]
	if !hw.RequirePKCE || hw.AuthMethod != devidp.AuthMethodBasic || !cmp.Equal(hw.RedirectURIs, []string{"http://127.0.0.1:3000/admin/oidc/callback"}) {
		t.Errorf("headway client = %+v", hw)
	}
	if hs := clients["headscale"]; !cmp.Equal(hs.RedirectURIs, []string{"http://127.0.0.1:8080/oidc/callback"}) {
		t.Errorf("headscale client = %+v", hs)
	}
	cfg.Issuer = "http://127.0.0.1:9000"
	if _, err := devidp.New(cfg); err != nil {
		t.Errorf("New(example config): %v", err)
	}
}

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// start runs the binary's run function and returns the discovery URL it prints.
func start(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"devidp", "--listen", "127.0.0.1:0"}, args...), func(string) string { return "" }, &stdout, &stderr)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	re := regexp.MustCompile(`discovery: (\S+)`)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(stdout.String()); m != nil {
			return m[1]
		}
		select {
		case err := <-done:
			t.Fatalf("run returned early: %v\nstderr: %s", err, stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("no discovery URL printed; stdout: %s", stdout.String())
	return ""
}

func getJSON(t *testing.T, u string, v any) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s = %d %s", u, resp.StatusCode, body)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
}

func TestRunServesDiscoveryAndKeepsKey(t *testing.T) {
	t.Parallel()
	keyPath := filepath.Join(t.TempDir(), "key.pem")
	kid := func(discovery string) string {
		var doc struct {
			Issuer string `json:"issuer"`
			JWKS   string `json:"jwks_uri"`
		}
		getJSON(t, discovery, &doc)
		if want := strings.TrimSuffix(discovery, "/.well-known/openid-configuration"); doc.Issuer != want {
			t.Errorf("issuer = %q, want %q", doc.Issuer, want)
		}
		var keys struct {
			Keys []struct {
				Kid string `json:"kid"`
				Alg string `json:"alg"`
			} `json:"keys"`
		}
		getJSON(t, doc.JWKS, &keys)
		if len(keys.Keys) != 1 || keys.Keys[0].Alg != "RS256" {
			t.Fatalf("jwks = %+v, want one RS256 key", keys)
		}
		return keys.Keys[0].Kid
	}
	first := kid(start(t, "--signing-key", keyPath))
	if _, err := os.Stat(keyPath); err != nil {
		t.Fatalf("signing key not written: %v", err)
	}
	if second := kid(start(t, "--signing-key", keyPath)); second != first {
		t.Errorf("kid after restart = %q, want %q", second, first)
	}
}

func TestRunConfigAndUsersFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "devidp.yaml")
	usersPath := filepath.Join(dir, "users.json")
	if err := os.WriteFile(cfgPath, []byte("issuer: http://ignored.example/oidc\nclients:\n  - client_id: c\n    client_secret: s\n    redirect_uris: [http://127.0.0.1/cb]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(usersPath, []byte(`[{"sub": "zoe", "name": "Zoe Zed"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	discovery := start(t, "--config", cfgPath, "--users", usersPath, "--issuer", "http://127.0.0.1:1/oidc")
	if discovery != "http://127.0.0.1:1/oidc/.well-known/openid-configuration" {
		t.Errorf("discovery = %q, want the --issuer flag to win", discovery)
	}
}

func TestRunRejectsBadInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("userz: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
	}{
		{"unknown flag", []string{"--nope"}},
		{"missing config", []string{"--config", filepath.Join(dir, "missing.yaml")}},
		{"misspelt key", []string{"--config", bad}},
		{"bad issuer", []string{"--issuer", "ftp://x"}},
		{"extra argument", []string{"serve"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			args := append([]string{"devidp", "--listen", "127.0.0.1:0"}, tc.args...)
			if err := run(context.Background(), args, func(string) string { return "" }, &out, &out); err == nil {
				t.Errorf("run(%q) succeeded, want an error", tc.args)
			}
		})
	}
}

func TestPrintExample(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := run(context.Background(), []string{"devidp", "--print-example"}, func(string) string { return "" }, &out, &out); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), exampleConfig) {
		t.Error("--print-example did not print example.yaml")
	}
}
