package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"headway/api"
	"headway/backend/devidp"
	"headway/backend/store/storetest"
)

const (
	ssoClientSecret = "client-secret-Zq81mWv3"
	ssoCookieSecret = "0123456789abcdef0123456789abcdef"
)

// ssoConfigFile writes a configuration for Headway on port with single sign-on at issuer.
func ssoConfigFile(t *testing.T, port int, issuer string, onlyStartIfAvailable bool) string {
	return writeConfig(t, fmt.Sprintf(`
server: {host: 127.0.0.1, port: %d, base_url: "http://127.0.0.1:%d", cookie_secret: %q, cookie_secure: false}
database: {url: %q}
headscale: {url: "http://127.0.0.1:1", api_key: "k"}
oidc:
  issuer: %q
  client_id: headway
  client_secret: %q
  use_pkce: true
  only_start_if_oidc_is_available: %v
`, port, port, ssoCookieSecret, storetest.EmptyURL(t), issuer, ssoClientSecret, onlyStartIfAvailable))
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServeRefusesToStartWithoutIdentityProvider(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	path := ssoConfigFile(t, port, fmt.Sprintf("http://127.0.0.1:%d", freePort(t)), true)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var stderr syncBuffer
	err := run(ctx, []string{"serve", "--config", path}, nil, io.Discard, &stderr)
	if err == nil || !strings.Contains(err.Error(), "oidc.only_start_if_oidc_is_available") || !strings.Contains(err.Error(), "oidc_unavailable") {
		t.Fatalf("serve with the identity provider down = %v, want an error naming oidc.only_start_if_oidc_is_available", err)
	}
	if conn, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
		conn.Close()
		t.Error("something listens on Headway's port after serve refused to start")
	}
	if strings.Contains(err.Error()+stderr.String(), ssoClientSecret) {
		t.Error("the client secret was printed")
	}
}

func TestServeWaitsForIdentityProvider(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	idpAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	path := ssoConfigFile(t, port, "http://"+idpAddr, false)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var stderr syncBuffer
	go func() { done <- run(ctx, []string{"serve", "--config", path}, nil, io.Discard, &stderr) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve returned %v after shutdown, want nil", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("serve did not stop")
		}
	})

	client := newTestBrowser(t)
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := client.Get(base + "/admin/healthz")
		if err == nil {
			resp.Body.Close()
			break
		}
		select {
		case err := <-done:
			t.Fatalf("serve returned %v, want it to start without the identity provider\n%s", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("headway did not start: %v\n%s", err, stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}

	info := getInfo(t, client, base)
	if o := info.SignIn.Oidc; !o.Configured || o.Available || o.Error == nil || o.Error.Code != "oidc_unavailable" || o.Error.Message == "" {
		t.Fatalf("GET /info with the identity provider down: oidc = %+v, want configured, unavailable, with a reason", o)
	}

	// The identity provider comes up at its configured address.
	startIdPAt(t, idpAddr, base+"/admin/oidc/callback")
	deadline = time.Now().Add(15 * time.Second) // past the discovery backoff
	for !getInfo(t, client, base).SignIn.Oidc.Available {
		if time.Now().After(deadline) {
			t.Fatalf("GET /info never reported the identity provider available\n%s", stderr.String())
		}
		time.Sleep(200 * time.Millisecond)
	}

	// A browser signs in.
	r := client.get(base + "/admin/oidc/start?return_to=" + url.QueryEscape("/admin/machines"))
	if r.StatusCode != http.StatusFound || !strings.HasPrefix(r.Header.Get("Location"), "http://"+idpAddr+"/") {
		t.Fatalf("GET /admin/oidc/start = %d %q, want a redirect to the identity provider", r.StatusCode, r.Header.Get("Location"))
	}
	next := r.Header.Get("Location") + "&login_hint=alice"
	for !strings.HasPrefix(next, base+"/") {
		r = client.get(next)
		loc, err := r.Request.URL.Parse(r.Header.Get("Location"))
		if r.StatusCode/100 != 3 || err != nil {
			t.Fatalf("identity provider: GET %s = %d, want a redirect", next, r.StatusCode)
		}
		next = loc.String()
	}
	r = client.get(next)
	if r.StatusCode != http.StatusFound || r.Header.Get("Location") != "/admin/machines" {
		t.Fatalf("GET callback = %d %q, want 302 /admin/machines", r.StatusCode, r.Header.Get("Location"))
	}
	var session string
	for _, c := range r.Cookies() {
		if c.Name == "headway_session" {
			session = c.Value
		}
	}
	r = client.get(base + "/admin/api/v1/me")
	var me api.Me
	if err := json.Unmarshal(r.body, &me); r.StatusCode != http.StatusOK || err != nil || me.User == nil || me.User.Email != "alice@example.com" {
		t.Fatalf("GET /me = %d %s, want alice", r.StatusCode, r.body)
	}
	for _, secret := range []string{ssoClientSecret, ssoCookieSecret, session} {
		if secret == "" || strings.Contains(stderr.String(), secret) {
			t.Errorf("the log contains a secret (%.8s…) or the session is missing", secret)
		}
	}
}

// startIdPAt runs devidp on addr with alice and a client for redirectURI.
func startIdPAt(t *testing.T, addr, redirectURI string) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen on %s for the identity provider: %v", addr, err)
	}
	p, err := devidp.New(devidp.Config{
		Issuer: "http://" + addr,
		Users:  []devidp.User{{Subject: "alice", Email: "alice@example.com", EmailVerified: true, Name: "Alice"}},
		Clients: []devidp.Client{{ID: "headway", Secret: ssoClientSecret, RedirectURIs: []string{redirectURI},
			RequirePKCE: true}},
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		ln.Close()
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(p)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
}

// testBrowser keeps cookies and follows no redirects.
type testBrowser struct {
	*http.Client
	t *testing.T
}

type testReply struct {
	*http.Response
	body []byte
}

func newTestBrowser(t *testing.T) *testBrowser {
	jar, _ := cookiejar.New(nil)
	return &testBrowser{t: t, Client: &http.Client{Jar: jar, Timeout: 15 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *testBrowser) get(target string) testReply {
	b.t.Helper()
	resp, err := b.Get(target)
	if err != nil {
		b.t.Fatalf("GET %s: %v", target, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return testReply{Response: resp, body: body}
}

func getInfo(t *testing.T, b *testBrowser, base string) api.Info {
	t.Helper()
	r := b.get(base + "/admin/api/v1/info")
	var info api.Info
	if err := json.Unmarshal(r.body, &info); r.StatusCode != http.StatusOK || err != nil {
		t.Fatalf("GET /info = %d %s", r.StatusCode, r.body)
	}
	return info
}
