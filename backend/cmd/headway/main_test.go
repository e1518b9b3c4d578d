package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"headway/backend/headscale/hstest"
	"headway/backend/store"
	"headway/backend/store/storetest"
)

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestServeRefusesConfigWithEveryMistakeListed(t *testing.T) {
	path := writeConfig(t, `
server:
  base_url: "ftp://example.com"
  cookie_secret: "too-short"
database:
  url: "postgres://postgres@127.0.0.1:5432/postgres"
headscale:
  url: "http://127.0.0.1:1"
  api_key: "k"
`)
	var stderr bytes.Buffer
	err := run(context.Background(), []string{"serve", "--config", path}, []string{"HEADWAY_SERVER__PORT=abc"}, &bytes.Buffer{}, &stderr)
	if err == nil {
		t.Fatal("serve with a broken configuration returned nil, want an error")
	}
	for _, key := range []string{"server.base_url", "server.cookie_secret", "server.port"} {
		if !strings.Contains(err.Error(), key) {
			t.Errorf("error does not name %s:\n%v", key, err)
		}
	}
	if strings.Contains(err.Error()+stderr.String(), "too-short") {
		t.Errorf("the cookie secret's value was printed:\n%v\n%s", err, stderr.String())
	}
}

func TestConcurrentMigrateBothSucceed(t *testing.T) {
	url := storetest.EmptyURL(t)
	path := writeConfig(t, fmt.Sprintf(`
server: {base_url: "http://127.0.0.1:3000", cookie_secret: "0123456789abcdef0123456789abcdef"}
database: {url: %q}
headscale: {url: "http://127.0.0.1:1", api_key: "k"}
`, url))

	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Go(func() {
			errs[i] = run(context.Background(), []string{"migrate", "--config", path}, nil, &bytes.Buffer{}, &bytes.Buffer{})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("migrate #%d: %v", i, err)
		}
	}
	db, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, dirty, err := db.MigrationVersion(context.Background())
	want, _ := store.LatestMigration()
	if err != nil || dirty || got != want {
		t.Errorf("after two migrates: version %d dirty %v err %v, want version %d clean", got, dirty, err, want)
	}
}

func TestServeStartsAndStopsGracefully(t *testing.T) {
	hs := hstest.Start(t)
	port := freePort(t)
	path := writeConfig(t, fmt.Sprintf(`
server: {host: 127.0.0.1, port: %d, base_url: "http://127.0.0.1:%d", cookie_secret: "0123456789abcdef0123456789abcdef", cookie_secure: false}
database: {url: %q}
headscale: {url: %q}
`, port, port, storetest.EmptyURL(t), hs.URL))
	environ := []string{"HEADWAY_HEADSCALE__API_KEY=" + hs.APIKey}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	var stderr bytes.Buffer
	go func() { done <- run(ctx, []string{"serve", "--config", path}, environ, &bytes.Buffer{}, &stderr) }()

	ready := fmt.Sprintf("http://127.0.0.1:%d/admin/readyz", port)
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(ready)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("headway did not become ready: last error %v\n%s", err, stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v after shutdown, want nil", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not return after its context was cancelled")
	}
	if strings.Contains(stderr.String(), hs.APIKey) {
		t.Error("the Headscale API key reached the log")
	}
}

func TestVersionAndUnknownCommand(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"version"}, nil, &out, &bytes.Buffer{}); err != nil || !strings.HasPrefix(out.String(), "headway ") {
		t.Errorf("version = %q, %v", out.String(), err)
	}
	if err := run(context.Background(), []string{"frobnicate"}, nil, &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
		t.Error("an unknown command returned nil")
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
