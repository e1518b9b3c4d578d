package httpapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"headway"
	"headway/api"
	"headway/backend/app"
	"headway/backend/audit"
	"headway/backend/config"
	"headway/backend/devidp"
	"headway/backend/headscale/hstest"
	"headway/backend/store"
	"headway/backend/store/storetest"
)

// Secrets the harness configures; none of them may reach the log.
const (
	testCookieSecret = "0123456789abcdef0123456789abcdef"
	testClientID     = "headway"
	testClientSecret = "client-secret-7Hq2xLp9"
)

// site is Headway's HTTP handler served on a loopback port, built from a
// real database and, when asked, a real Headscale. Create it with
// newHeadway, adjust Cfg (and Clock, LoginTTL, Replicas) and call start.
// With several replicas, each is a handler with its own auth service and
// relying party on the same database; Use picks the one answering next.
type site struct {
	t        *testing.T
	srv      *httptest.Server
	URL      string // base URL, http(s)://127.0.0.1:PORT
	Cfg      *config.Config
	Logs     *logBuffer
	HS       *hstest.Server // nil unless withHeadscale
	DB       *store.Store   // the database of the replicas, once started
	DBURL    string         // its URL, for tests that look past the store
	Clock    *fakeClock     // nil: the real clock
	LoginTTL time.Duration
	Replicas int

	replicas []http.Handler
	services []*app.Services
	active   atomic.Int32
}

type harnessOption func(*harnessOptions)

type harnessOptions struct {
	headscale *hstest.Server
	tls       bool
}

// withHeadscale makes Headway talk to hs (a real Headscale) rather than a closed port.
func withHeadscale(hs *hstest.Server) harnessOption {
	return func(o *harnessOptions) { o.headscale = hs }
}

// withTLS serves Headway over HTTPS with a test certificate the browsers trust.
func withTLS() harnessOption { return func(o *harnessOptions) { o.tls = true } }

func newHeadway(t *testing.T, opts ...harnessOption) *site {
	t.Helper()
	var o harnessOptions
	for _, opt := range opts {
		opt(&o)
	}
	h := &site{t: t, Logs: &logBuffer{}, HS: o.headscale, Replicas: 1}
	h.srv = httptest.NewUnstartedServer(http.HandlerFunc(h.route))
	if o.tls {
		h.srv.StartTLS()
	} else {
		h.srv.Start()
	}
	t.Cleanup(h.srv.Close)
	h.URL = h.srv.URL
	hsURL, hsKey := "http://127.0.0.1:1", "hskey-api-unusedunused-"+strings.Repeat("x", 64)
	if h.HS != nil {
		hsURL, hsKey = h.HS.URL, h.HS.APIKey
	}
	h.Cfg = &config.Config{
		Server:    config.Server{BaseURL: h.URL, CookieSecret: testCookieSecret, CookieSecure: o.tls},
		Headscale: config.Headscale{URL: hsURL, PublicURL: hsURL, APIKey: config.Secret(hsKey)},
	}
	return h
}

// RedirectURI is the callback address to register at the identity provider.
func (h *site) RedirectURI() string { return h.URL + "/admin/oidc/callback" }

// start builds the replicas; requests answer 503 until then.
func (h *site) start() {
	t := h.t
	t.Helper()
	dbURL := storetest.URL(t)
	h.DBURL = dbURL
	for range h.Replicas {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		db, err := store.Open(ctx, dbURL)
		cancel()
		if err != nil {
			t.Fatalf("open database: %v", err)
		}
		t.Cleanup(db.Close)
		if h.DB == nil {
			h.DB = db
		}
		logger := slog.New(slog.NewTextHandler(h.Logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		opts := app.Options{LoginAttemptTTL: h.LoginTTL}
		if h.Clock != nil {
			opts.Now = h.Clock.Now
		}
		services, err := app.Build(context.Background(), h.Cfg, db, logger, opts)
		if err != nil {
			t.Fatal(err)
		}
		if h.HS != nil {
			if err := services.Tailnet.Refresh(context.Background()); err != nil {
				t.Fatalf("read Headscale: %v", err)
			}
		}
		h.services = append(h.services, services)
		handler, err := New(Deps{
			Logger:   logger,
			Config:   h.Cfg,
			Version:  "1.2.3-test",
			DB:       db,
			Services: services,
			Audit:    audit.NewRecorder(db, logger),
			Contract: headway.OpenAPI,
			SPA:      testSPA,
		})
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		h.replicas = append(h.replicas, handler)
	}
}

// refresh makes every replica read Headscale now, as its background refresh
// would within headscale.refresh_interval; tests call it after changing
// Headscale behind Headway's back.
func (h *site) refresh() {
	h.t.Helper()
	for _, s := range h.services {
		if err := s.Tailnet.Refresh(context.Background()); err != nil {
			h.t.Fatalf("read Headscale: %v", err)
		}
	}
}

// use makes replica i answer the following requests.
func (h *site) use(i int) { h.active.Store(int32(i)) }

func (h *site) route(w http.ResponseWriter, r *http.Request) {
	i := int(h.active.Load())
	if i >= len(h.replicas) {
		http.Error(w, "not started", http.StatusServiceUnavailable)
		return
	}
	h.replicas[i].ServeHTTP(w, r)
}

// assertLogFree fails the test when any of the secrets, or one the harness
// configured itself, appears in the log.
func (h *site) assertLogFree(secrets ...string) {
	h.t.Helper()
	logs := h.Logs.String()
	if logs == "" {
		h.t.Error("the log is empty; is the logger wired?")
	}
	assertNoSecret(h.t, logs, append([]string{testCookieSecret, testClientSecret, h.Cfg.Headscale.APIKey.Reveal()}, secrets...)...)
}

// assertNoSecret fails the test when text (a log, an answer) contains any of
// the secrets; the message shows only a secret's first characters, never
// the text around it.
func assertNoSecret(t *testing.T, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("a secret (%.6s…) is in the text (%d bytes)", s, len(text))
		}
	}
}

// logBuffer collects log output from concurrent requests.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// fakeClock is a settable clock for the auth service.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Now()} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// --- identity provider ---------------------------------------------------

// idp is the development OpenID provider (a real one) on a loopback port.
type idp struct {
	*devidp.Provider
	URL    string
	Issuer string
	hits   *hitCounter
}

var (
	alice = devidp.User{Subject: "alice", Email: "alice@example.com", EmailVerified: true, Name: "Alice Example", PreferredUsername: "alice", Groups: []string{"admins"}}
	bob   = devidp.User{Subject: "bob", Email: "bob@example.com", EmailVerified: true, Name: "Bob Example", PreferredUsername: "bob"}
)

type idpOptions struct {
	authMethod   string
	requirePKCE  bool
	noDiscovery  bool // /.well-known/openid-configuration answers 404
	postLogout   []string
	listenAddr   string // "" picks a free port
	redirectURIs []string
}

// startIdP runs devidp for Headway h with users alice and bob and one client
// (testClientID, testClientSecret) whose redirect URI is h's callback.
func startIdP(t *testing.T, redirectURI string, o idpOptions) *idp {
	t.Helper()
	addr := o.listenAddr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen for the identity provider: %v", err)
	}
	base := "http://" + ln.Addr().String()
	redirects := append([]string{redirectURI}, o.redirectURIs...)
	p, err := devidp.New(devidp.Config{
		Issuer: base,
		Users:  []devidp.User{alice, bob},
		Clients: []devidp.Client{{
			ID: testClientID, Secret: testClientSecret, RedirectURIs: redirects,
			AuthMethod: o.authMethod, RequirePKCE: o.requirePKCE, PostLogoutRedirectURIs: o.postLogout,
		}},
		SigningKey: testSigningKey(t),
		Logger:     slog.New(slog.DiscardHandler),
	})
	if err != nil {
		ln.Close()
		t.Fatal(err)
	}
	hits := &hitCounter{m: map[string]int{}}
	var handler http.Handler = p
	noDiscovery := o.noDiscovery
	handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.add(r.URL.Path)
		if noDiscovery && strings.HasSuffix(r.URL.Path, "/.well-known/openid-configuration") {
			http.NotFound(w, r)
			return
		}
		p.ServeHTTP(w, r)
	})
	srv := httptest.NewUnstartedServer(handler)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return &idp{Provider: p, URL: base, Issuer: base, hits: hits}
}

type hitCounter struct {
	mu sync.Mutex
	m  map[string]int
}

func (c *hitCounter) add(path string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[path]++
}

func (c *hitCounter) get(path string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[path]
}

// ssoConfig is the oidc section for client testClientID at issuer.
func ssoConfig(issuer string) config.OIDC {
	return config.OIDC{Issuer: issuer, ClientID: testClientID, ClientSecret: testClientSecret, Scope: "openid email profile"}
}

// --- browser -------------------------------------------------------------

// browser is an HTTP client with its own cookie jar that follows no
// redirects by itself, so each hop can be checked.
type browser struct {
	t      *testing.T
	client *http.Client
	// issued are the values of every headway_session and headway_login cookie set.
	issued []string
}

func newBrowser(t *testing.T, h *site) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, client: &http.Client{
		Jar:           jar,
		Transport:     h.srv.Client().Transport, // trusts h's test certificate
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// reply is a finished response with its body read.
type reply struct {
	*http.Response
	body []byte
}

func (r reply) location() string { return r.Header.Get("Location") }

func (r reply) cookie(name string) *http.Cookie {
	for _, c := range r.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func decodeReply[T any](t *testing.T, r reply) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("decode %s %s (%d): %v\n%s", r.Request.Method, r.Request.URL.Path, r.StatusCode, err, r.body)
	}
	return v
}

// do sends a request; headers come in name, value pairs.
func (b *browser) do(method, target string, body any, headers ...string) reply {
	b.t.Helper()
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			b.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, target, rd)
	if err != nil {
		b.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", "headway-test-browser")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatalf("%s %s: read body: %v", method, target, err)
	}
	for _, c := range resp.Cookies() {
		if (c.Name == sessionCookie || c.Name == loginCookie) && c.Value != "" {
			b.issued = append(b.issued, c.Value)
		}
	}
	return reply{Response: resp, body: data}
}

func (b *browser) get(target string, headers ...string) reply {
	b.t.Helper()
	return b.do(http.MethodGet, target, nil, headers...)
}

// beginSignIn opens /admin/oidc/start and returns the identity provider's
// authorization URL it redirects to.
func (b *browser) beginSignIn(h *site, returnTo string) *url.URL {
	b.t.Helper()
	r := b.get(h.URL + "/admin/oidc/start?return_to=" + url.QueryEscape(returnTo))
	if r.StatusCode != http.StatusFound {
		b.t.Fatalf("GET /admin/oidc/start = %d (Location %q), want 302 to the identity provider", r.StatusCode, r.location())
	}
	u, err := url.Parse(r.location())
	if err != nil || u.Host == "" {
		b.t.Fatalf("GET /admin/oidc/start redirects to %q, want an absolute URL", r.location())
	}
	if c := r.cookie(loginCookie); c == nil || c.Value == "" {
		b.t.Fatal("GET /admin/oidc/start set no headway_login cookie")
	}
	return u
}

// authorize visits the identity provider's authorization URL as user sub
// (login_hint) and follows it until it sends the browser back to Headway;
// it returns that address.
func (b *browser) authorize(h *site, authURL *url.URL, sub string) string {
	b.t.Helper()
	u := *authURL
	q := u.Query()
	q.Set("login_hint", sub)
	u.RawQuery = q.Encode()
	next := u.String()
	for range 10 {
		r := b.get(next)
		if r.StatusCode/100 != 3 {
			b.t.Fatalf("identity provider: GET %s = %d, want a redirect\n%.500s", next, r.StatusCode, r.body)
		}
		loc, err := r.Request.URL.Parse(r.location())
		if err != nil {
			b.t.Fatal(err)
		}
		if strings.HasPrefix(loc.String(), h.URL+"/") {
			return loc.String()
		}
		next = loc.String()
	}
	b.t.Fatal("the identity provider never sent the browser back to Headway")
	return ""
}

// signIn runs the whole code flow as user sub and returns the callback's reply.
func (b *browser) signIn(h *site, returnTo, sub string) reply {
	b.t.Helper()
	return b.get(b.authorize(h, b.beginSignIn(h, returnTo), sub))
}

// me is GET /me; it fails the test unless the answer is 200.
func (b *browser) me(h *site, headers ...string) api.Me {
	b.t.Helper()
	r := b.get(h.URL+"/admin/api/v1/me", headers...)
	if r.StatusCode != http.StatusOK {
		b.t.Fatalf("GET /me = %d %s, want 200", r.StatusCode, r.body)
	}
	return decodeReply[api.Me](b.t, r)
}

// status is the HTTP status and error code of a reply ("" for a success).
func status(t *testing.T, r reply) (int, string) {
	t.Helper()
	if r.StatusCode < 400 {
		return r.StatusCode, ""
	}
	return r.StatusCode, decodeReply[api.Error](t, r).Error.Code
}

// loginErrorAt checks that r sends the browser to the login page with code
// and returns the explanation that browser gets for it.
func (b *browser) loginErrorAt(h *site, r reply, code string) api.ErrorBody {
	b.t.Helper()
	if r.StatusCode != http.StatusFound {
		b.t.Fatalf("%s = %d, want 302 to /admin/login?error=%s", r.Request.URL.Path, r.StatusCode, code)
	}
	loc, err := url.Parse(r.location())
	if err != nil || loc.Path != "/admin/login" || loc.Query().Get("error") != code {
		b.t.Fatalf("%s redirects to %q, want /admin/login?error=%s", r.Request.URL.Path, r.location(), code)
	}
	if r.cookie(sessionCookie) != nil && r.cookie(sessionCookie).Value != "" {
		b.t.Errorf("a failed sign-in set a session cookie")
	}
	q := url.Values{"code": {code}}
	if d := loc.Query().Get("detail"); d != "" {
		q.Set("detail", d)
	}
	e := b.get(h.URL + "/admin/api/v1/auth/login-error?" + q.Encode())
	if e.StatusCode != http.StatusOK {
		b.t.Fatalf("GET /auth/login-error?%s = %d %s, want 200", q.Encode(), e.StatusCode, e.body)
	}
	return decodeReply[api.ErrorBody](b.t, e)
}

func hintOf(e api.ErrorBody) string {
	if e.Hint == nil {
		return ""
	}
	return *e.Hint
}

// closedAddr is a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// testSigningKey is one RSA key for every provider in the test binary:
// generating a key per provider is most of a test's time.
func testSigningKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	signingKey.once.Do(func() { signingKey.key, signingKey.err = rsa.GenerateKey(rand.Reader, 2048) })
	if signingKey.err != nil {
		t.Fatal(signingKey.err)
	}
	return signingKey.key
}

var signingKey struct {
	once sync.Once
	key  *rsa.PrivateKey
	err  error
}
