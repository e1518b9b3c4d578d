package oidc

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fakeClock is a settable clock for the discovery backoff.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

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

func TestKeyRotation(t *testing.T) {
	op := startHostileOP(t)
	key1, key2 := newRSAKey(t, "key-1"), newRSAKey(t, "key-2")
	op.set(func(op *hostileOP) {
		op.published = []signingKey{key1}
		op.discoveryDrop = []string{"userinfo_endpoint"}
	})
	p := op.provider(t, nil)
	ctx := context.Background()

	exchange := func(key signingKey) error {
		nonce := RandomToken()
		token := sign(t, key, true, op.baseClaims(nonce))
		op.set(func(op *hostileOP) { op.idToken = token })
		_, err := p.Exchange(ctx, "code", "", nonce)
		return err
	}
	if err := exchange(key1); err != nil {
		t.Fatalf("Exchange() with key-1 error = %v", err)
	}
	if err := exchange(key1); err != nil {
		t.Fatalf("second Exchange() with key-1 error = %v", err)
	}
	if n := op.hitCount("/jwks"); n != 1 {
		t.Errorf("JWKS fetched %d times, want 1 (cached)", n)
	}

	// The provider rotates: key-2 signs, the JWKS publishes both.
	op.set(func(op *hostileOP) { op.published = []signingKey{key2, key1} })
	if err := exchange(key2); err != nil {
		t.Fatalf("Exchange() after rotation error = %v", err)
	}
	if n := op.hitCount("/jwks"); n != 2 {
		t.Errorf("JWKS fetched %d times, want 2 (refetched on unknown kid)", n)
	}
	// A kid the JWKS does not have, even after the refetch, is rejected.
	if got := errCode(exchange(newRSAKey(t, "key-3"))); got != CodeIDTokenInvalid {
		t.Errorf("Exchange() with an unpublished key: code %q, want %s", got, CodeIDTokenInvalid)
	}
	if n := op.hitCount("/jwks"); n != 3 {
		t.Errorf("JWKS fetched %d times, want 3", n)
	}
}

func TestDiscoveryIssuerMismatch(t *testing.T) {
	tests := []struct {
		name       string
		configured func(issuer string) string
		discovered func(issuer string) string
	}{
		{"discovery adds a trailing slash", func(s string) string { return s }, func(s string) string { return s + "/" }},
		{"configured with a trailing slash", func(s string) string { return s + "/" }, func(s string) string { return s }},
		{"another host", func(s string) string { return s }, func(string) string { return "https://idp.example" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			op := startHostileOP(t)
			configured, discovered := tc.configured(op.issuer), tc.discovered(op.issuer)
			op.set(func(op *hostileOP) { op.discoveryIssuer = discovered })
			p := op.provider(t, func(c *Config) { c.Issuer = configured })
			err := p.Ready(context.Background())
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeIssuerMismatch {
				t.Fatalf("Ready() = %v, want %s", err, CodeIssuerMismatch)
			}
			if !strings.Contains(e.Message, `"`+configured+`"`) || !strings.Contains(e.Message, `"`+discovered+`"`) {
				t.Errorf("Message = %q, want both %q and %q", e.Message, configured, discovered)
			}
			if _, err := p.AuthCodeURL(context.Background(), "s", "n", ""); errCode(err) != CodeIssuerMismatch {
				t.Errorf("AuthCodeURL() error = %v, want %s", err, CodeIssuerMismatch)
			}
		})
	}
}

func TestDiscoveryBackoff(t *testing.T) {
	op := startHostileOP(t)
	op.set(func(op *hostileOP) { op.discoveryStatus = 503 })
	p := op.provider(t, nil)
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	p.now = clock.Now
	ctx := context.Background()

	status := func(wantHits int, wantCode string) {
		t.Helper()
		err := p.Status(ctx)
		got := ""
		if err != nil {
			got = err.Code
		}
		if got != wantCode {
			t.Fatalf("Status() = %v, want code %q", err, wantCode)
		}
		if n := op.hitCount("/.well-known/openid-configuration"); n != wantHits {
			t.Fatalf("discovery requested %d times, want %d", n, wantHits)
		}
	}
	status(1, CodeUnavailable) // first failure: retry after 1s
	if err := p.Status(ctx); !strings.Contains(err.Message, "HTTP 503") || strings.Contains(err.Message+err.Hint, "maintenance") {
		t.Errorf("Status() = %q / %q, want the HTTP status and not the body", err.Message, err.Hint)
	}
	status(1, CodeUnavailable)
	clock.Advance(999 * time.Millisecond)
	status(1, CodeUnavailable)
	clock.Advance(time.Millisecond)
	status(2, CodeUnavailable) // second failure: 2s
	clock.Advance(time.Second)
	status(2, CodeUnavailable)
	clock.Advance(time.Second)
	status(3, CodeUnavailable) // third failure: 4s
	for range 10 {             // more failures: the window stops growing at 60s
		clock.Advance(time.Hour)
		_ = p.Status(ctx)
	}
	hits := op.hitCount("/.well-known/openid-configuration")
	clock.Advance(59 * time.Second)
	status(hits, CodeUnavailable)
	clock.Advance(time.Second)
	status(hits+1, CodeUnavailable)

	// Ready tries at once, window or not.
	if err := p.Ready(ctx); errCode(err) != CodeUnavailable {
		t.Fatalf("Ready() = %v, want %s", err, CodeUnavailable)
	}
	status(hits+2, CodeUnavailable)

	// The provider comes back; the next attempt after the window succeeds and is kept.
	op.set(func(op *hostileOP) { op.discoveryStatus = 0 })
	status(hits+2, CodeUnavailable)
	clock.Advance(time.Minute)
	status(hits+3, "")
	clock.Advance(time.Hour)
	status(hits+3, "")
	if err := p.Ready(ctx); err != nil {
		t.Fatalf("Ready() = %v", err)
	}
	status(hits+3, "")
}

func TestDiscoveryConcurrent(t *testing.T) {
	op := startHostileOP(t)
	op.set(func(op *hostileOP) { op.discoveryDelay = 100 * time.Millisecond })
	p := op.provider(t, nil)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := p.AuthCodeURL(context.Background(), "state", "nonce", ""); err != nil {
				t.Errorf("AuthCodeURL() error = %v", err)
			}
		})
	}
	wg.Wait()
	if n := op.hitCount("/.well-known/openid-configuration"); n != 1 {
		t.Errorf("discovery requested %d times, want 1", n)
	}
}

// A caller that gives up does not cancel the discovery others wait for.
func TestDiscoveryCallerGivesUp(t *testing.T) {
	op := startHostileOP(t)
	op.set(func(op *hostileOP) { op.discoveryDelay = 200 * time.Millisecond })
	p := op.provider(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := p.Status(ctx); err == nil || err.Code != CodeUnavailable {
		t.Fatalf("Status() with a short deadline = %v, want %s", err, CodeUnavailable)
	}
	if err := p.Ready(context.Background()); err != nil {
		t.Fatalf("Ready() = %v", err)
	}
	if n := op.hitCount("/.well-known/openid-configuration"); n != 1 {
		t.Errorf("discovery requested %d times, want 1", n)
	}
}

func TestDiscoveryTimeout(t *testing.T) {
	op := startHostileOP(t)
	op.set(func(op *hostileOP) { op.discoveryDelay = 500 * time.Millisecond })
	p := op.provider(t, nil)
	p.timeout = 50 * time.Millisecond
	start := time.Now()
	if err := p.Ready(context.Background()); errCode(err) != CodeUnavailable {
		t.Fatalf("Ready() = %v, want %s", err, CodeUnavailable)
	}
	if d := time.Since(start); d > 400*time.Millisecond {
		t.Errorf("Ready() took %v, want it bounded by the timeout", d)
	}
}

func TestDiscoveryUnreachable(t *testing.T) {
	op := startHostileOP(t)
	issuer := op.issuer
	op.srv.Close()
	p := New(Config{Issuer: issuer, ClientID: "c", RedirectURI: "https://h/admin/oidc/callback"}, nil)
	err := p.Ready(context.Background())
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeUnavailable || !strings.Contains(e.Hint, "reachable") {
		t.Fatalf("Ready() = %v, want %s with a reachability hint", err, CodeUnavailable)
	}
}

func TestMissingEndpoints(t *testing.T) {
	tests := []struct {
		name    string
		drop    []string
		mod     func(c *Config, issuer string)
		wantErr string
		wantMsg string
	}{
		{name: "no token endpoint", drop: []string{"token_endpoint"}, wantErr: CodeMissingEndpoints, wantMsg: "token_endpoint"},
		{name: "no jwks", drop: []string{"jwks_uri", "authorization_endpoint"}, wantErr: CodeMissingEndpoints, wantMsg: "authorization_endpoint, jwks_uri"},
		{name: "hand-set fills the gap", drop: []string{"token_endpoint"}, mod: func(c *Config, issuer string) { c.TokenEndpoint = issuer + "/token" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			op := startHostileOP(t)
			op.set(func(op *hostileOP) { op.discoveryDrop = tc.drop })
			p := op.provider(t, func(c *Config) {
				if tc.mod != nil {
					tc.mod(c, op.issuer)
				}
			})
			err := p.Status(context.Background())
			if got := errCode(errOrNil(err)); got != tc.wantErr {
				t.Fatalf("Status() = %v, want code %q", err, tc.wantErr)
			}
			if err != nil && !strings.Contains(err.Message, tc.wantMsg) {
				t.Errorf("Message = %q, want %q", err.Message, tc.wantMsg)
			}
		})
	}
}

func errOrNil(e *Error) error {
	if e == nil {
		return nil
	}
	return e
}

// Hand-set endpoints override the discovered ones.
func TestHandSetEndpointsOverride(t *testing.T) {
	op := startHostileOP(t)
	p := op.provider(t, func(c *Config) {
		c.AuthorizationEndpoint = "https://login.example/authorize?tenant=x"
		c.EndSessionEndpoint = "https://login.example/logout"
	})
	u, err := p.AuthCodeURL(context.Background(), "st", "no", "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u, "https://login.example/authorize?") || !strings.Contains(u, "tenant=x") {
		t.Errorf("AuthCodeURL() = %q, want the hand-set endpoint with its query kept", u)
	}
	end, err := p.EndSessionURL(context.Background(), "", "")
	if err != nil || end != "https://login.example/logout?client_id=headway" {
		t.Errorf("EndSessionURL() = %q, %v", end, err)
	}
}

func TestTokenEndpointErrors(t *testing.T) {
	const redirect = "https://headway.example/admin/oidc/callback"
	const leak = "INTERNAL-STACKTRACE-db-password-hunter2"
	tests := []struct {
		name     string
		pkce     bool
		status   int
		body     string
		wantCode string
		wantMsg  string // substring of Message
		wantHint string // substring of Hint
	}{
		{name: "PKCE required, off", status: 400,
			body:     `{"error":"invalid_grant","error_description":"missing code_verifier ` + leak + `"}`,
			wantCode: CodeTokenExchangeFailed, wantMsg: "(invalid_grant)", wantHint: "oidc.use_pkce: true"},
		{name: "PKCE required (Authelia wording)", status: 400,
			body:     `{"error":"invalid_request","error_description":"Clients must include a code_challenge when performing the authorize code flow, but it is missing. The server is configured in a way that enforces PKCE for clients."}`,
			wantCode: CodeTokenExchangeFailed, wantMsg: "(invalid_request)", wantHint: "oidc.use_pkce: true"},
		{name: "PKCE verifier wrong, on", pkce: true, status: 400,
			body:     `{"error":"invalid_grant","error_description":"The PKCE code challenge did not match the code verifier."}`,
			wantCode: CodeTokenExchangeFailed, wantHint: "Start the sign-in again"},
		{name: "redirect_uri mismatch", status: 400,
			body:     `{"error":"invalid_grant","error_description":"redirect_uri ` + leak + ` does not match"}`,
			wantCode: CodeRedirectURIMismatch, wantMsg: "redirect URI", wantHint: redirect},
		{name: "invalid_client", status: 401,
			body:     `{"error":"invalid_client","error_description":"` + leak + `"}`,
			wantCode: CodeTokenExchangeFailed, wantMsg: "(invalid_client)", wantHint: "client_secret_basic"},
		{name: "invalid_grant", status: 400, body: `{"error":"invalid_grant"}`,
			wantCode: CodeTokenExchangeFailed, wantMsg: "(invalid_grant)", wantHint: "expired or been used"},
		{name: "HTML error page", status: 500, body: `<html><body>` + leak + `</body></html>`,
			wantCode: CodeTokenExchangeFailed},
		{name: "error code not echoed when odd", status: 400, body: `{"error":"<script>` + leak + `"}`,
			wantCode: CodeTokenExchangeFailed},
		{name: "200 without tokens", status: 200, body: `{"foo":"bar"}`,
			wantCode: CodeTokenExchangeFailed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			op := startHostileOP(t)
			op.set(func(op *hostileOP) { op.tokenStatus, op.tokenBody = tc.status, tc.body })
			p := op.provider(t, func(c *Config) { c.UsePKCE = tc.pkce })
			verifier := ""
			if tc.pkce {
				verifier = NewPKCEVerifier()
			}
			_, err := p.Exchange(context.Background(), "code", verifier, "nonce")
			var e *Error
			if !errors.As(err, &e) || e.Code != tc.wantCode {
				t.Fatalf("Exchange() = %v, want code %s", err, tc.wantCode)
			}
			if !strings.Contains(e.Message, tc.wantMsg) || !strings.Contains(e.Hint, tc.wantHint) {
				t.Errorf("Message, Hint = %q, %q; want %q, %q", e.Message, e.Hint, tc.wantMsg, tc.wantHint)
			}
			for _, s := range []string{leak, "<script>", hostileSecret, "error_description"} {
				if strings.Contains(e.Message+e.Hint, s) {
					t.Errorf("Message/Hint %q / %q contain the provider's text %q", e.Message, e.Hint, s)
				}
			}
			if e.Err == nil {
				t.Error("Err is nil, want the cause for the log")
			}
		})
	}
}

func TestClientAuthentication(t *testing.T) {
	tests := []struct {
		method     string
		wantSecret bool // client_secret in the body
	}{
		{"", false},
		{AuthMethodBasic, false},
		{AuthMethodPost, true},
	}
	for _, tc := range tests {
		t.Run("method "+tc.method, func(t *testing.T) {
			t.Parallel()
			op := startHostileOP(t)
			op.set(func(op *hostileOP) { op.tokenStatus, op.tokenBody = 400, `{"error":"invalid_client"}` })
			p := op.provider(t, func(c *Config) { c.TokenEndpointAuthMethod = tc.method })
			_, _ = p.Exchange(context.Background(), "code", "", "nonce")
			op.mu.Lock()
			form := url.Values(op.lastTokenForm)
			hits := op.hits["/token"]
			op.mu.Unlock()
			if got := form.Get("client_secret") == hostileSecret; got != tc.wantSecret {
				t.Errorf("client_secret in body = %v, want %v (form %v)", got, tc.wantSecret, form)
			}
			if hits != 1 {
				t.Errorf("token endpoint called %d times, want 1 (no auth style probing)", hits)
			}
		})
	}
}

func TestNotConfigured(t *testing.T) {
	tests := []struct {
		name     string
		p        *Provider
		wantHint string
	}{
		{"nil provider", nil, ""},
		{"empty config", New(Config{}, nil), "oidc.issuer, oidc.client_id, server.base_url"},
		{"no client id", New(Config{Issuer: "https://idp", RedirectURI: "https://h/cb"}, nil), "oidc.client_id"},
		{"bad auth method", New(Config{Issuer: "https://idp", ClientID: "c", RedirectURI: "https://h/cb", TokenEndpointAuthMethod: "private_key_jwt"}, nil), "client_secret_post"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			err := tc.p.Status(ctx)
			if err == nil || err.Code != CodeNotConfigured || !strings.Contains(err.Hint, tc.wantHint) {
				t.Fatalf("Status() = %v (hint %q), want %s with hint %q", err, hint(err), CodeNotConfigured, tc.wantHint)
			}
			if _, err := tc.p.AuthCodeURL(ctx, "s", "n", ""); errCode(err) != CodeNotConfigured {
				t.Errorf("AuthCodeURL() = %v", err)
			}
			if _, err := tc.p.Exchange(ctx, "c", "", "n"); errCode(err) != CodeNotConfigured {
				t.Errorf("Exchange() = %v", err)
			}
			if _, err := tc.p.EndSessionURL(ctx, "", ""); errCode(err) != CodeNotConfigured {
				t.Errorf("EndSessionURL() = %v", err)
			}
			if err := tc.p.Ready(ctx); errCode(err) != CodeNotConfigured {
				t.Errorf("Ready() = %v", err)
			}
		})
	}
}

func hint(e *Error) string {
	if e == nil {
		return ""
	}
	return e.Hint
}

func TestAuthCodeURL(t *testing.T) {
	op := startHostileOP(t)
	p := op.provider(t, func(c *Config) {
		c.UsePKCE = true
		c.Scopes = []string{"email", "groups"}
		c.ExtraParams = map[string]string{"prompt": "select_account", "domain_hint": "example.com", "nonce": "attacker", "redirect_uri": "https://evil.example"}
	})
	verifier := NewPKCEVerifier()
	raw, err := p.AuthCodeURL(context.Background(), "the-state", "the-nonce", verifier)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for k, v := range u.Query() {
		got[k] = strings.Join(v, ",")
	}
	want := map[string]string{
		"response_type":         "code",
		"client_id":             hostileClientID,
		"redirect_uri":          "https://headway.example/admin/oidc/callback",
		"scope":                 "openid email groups",
		"state":                 "the-state",
		"nonce":                 "the-nonce",
		"code_challenge":        s256(verifier),
		"code_challenge_method": "S256",
		"prompt":                "select_account",
		"domain_hint":           "example.com",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("authorization request (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(raw, op.issuer+"/authorize?") {
		t.Errorf("AuthCodeURL() = %q, want the discovered authorization endpoint", raw)
	}

	for _, args := range [][3]string{{"", "n", "v"}, {"s", "", "v"}, {"s", "n", ""}} {
		if _, err := p.AuthCodeURL(context.Background(), args[0], args[1], args[2]); err == nil {
			t.Errorf("AuthCodeURL(%q, %q, %q) = nil error, want one", args[0], args[1], args[2])
		}
	}
	// The nonce is mandatory at the exchange too: an empty one would accept tokens without a nonce.
	if _, err := p.Exchange(context.Background(), "code", verifier, ""); err == nil {
		t.Error("Exchange() with an empty nonce succeeded")
	}
}

func TestEndSessionURL(t *testing.T) {
	op := startHostileOP(t)
	p := op.provider(t, nil)
	got, err := p.EndSessionURL(context.Background(), "id.token.hint", "https://headway.example/admin/")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(got)
	want := url.Values{
		"tenant":                   {"t1"},
		"client_id":                {hostileClientID},
		"id_token_hint":            {"id.token.hint"},
		"post_logout_redirect_uri": {"https://headway.example/admin/"},
	}
	if u.Scheme+"://"+u.Host+u.Path != op.issuer+"/logout" || !cmp.Equal(u.Query(), want) {
		t.Errorf("EndSessionURL() = %q", got)
	}

	op.set(func(op *hostileOP) { op.discoveryDrop = []string{"end_session_endpoint"} })
	p = op.provider(t, nil)
	if got, err := p.EndSessionURL(context.Background(), "id.token.hint", ""); got != "" || err != nil {
		t.Errorf("EndSessionURL() without an endpoint = %q, %v; want empty, nil", got, err)
	}
}

func TestGroups(t *testing.T) {
	tests := []struct {
		in   any
		want []string
	}{
		{nil, []string{}},
		{"admins", []string{"admins"}},
		{"", []string{}},
		{[]any{"/a", "b", 3, ""}, []string{"/a", "b"}},
		{[]string{"x"}, []string{"x"}},
		{map[string]any{"a": 1}, []string{}},
	}
	for _, tc := range tests {
		if got := Groups(tc.in); !cmp.Equal(got, tc.want) {
			t.Errorf("Groups(%#v) = %#v, want %#v", tc.in, got, tc.want)
		}
	}
}

func TestRandom(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		for _, s := range []string{RandomToken(), NewPKCEVerifier()} {
			if len(s) != 43 || strings.ContainsAny(s, "+/=") || seen[s] {
				t.Fatalf("random value %q: want 43 unique base64url characters", s)
			}
			seen[s] = true
		}
	}
}

func TestErrorText(t *testing.T) {
	cause := errors.New("cause")
	e := &Error{Code: CodeUnavailable, Message: "m", Err: cause}
	if e.Error() != "oidc_unavailable: m: cause" || !errors.Is(e, cause) {
		t.Errorf("Error() = %q, Unwrap to cause %v", e.Error(), errors.Is(e, cause))
	}
}

// s256 is the PKCE S256 code challenge (RFC 7636 §4.2), computed independently of the library.
func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
