package oidc

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
)

const testRedirectURI = "http://localhost:8080/admin/oidc/callback"

// tokenRequest is what the test OP saw at its token endpoint.
type tokenRequest struct {
	basicAuth    bool   // credentials in the Authorization header
	formSecret   bool   // client_secret in the body
	codeVerifier string // code_verifier in the body
}

// conformantOP is zitadel's example OpenID Provider, in-process.
type conformantOP struct {
	issuer string
	srv    *httptest.Server

	mu          sync.Mutex
	tokenReqs   []tokenRequest
	authQueries []url.Values
	noDiscovery bool // answer /.well-known/openid-configuration with 404
}

func startConformantOP(t *testing.T) *conformantOP {
	t.Helper()
	op := &conformantOP{}
	op.srv = httptest.NewUnstartedServer(nil)
	op.issuer = "http://" + op.srv.Listener.Addr().String() + "/"

	clients := map[string]*storage.Client{
		"web":    storage.WebClient("web", "secret", testRedirectURI),
		"native": storage.NativeClient("native", testRedirectURI), // public client: PKCE required
	}
	store := storage.NewStorageWithClients(storage.NewUserStore(op.issuer), clients)
	router := exampleop.SetupServer(op.issuer, store, nil, false)

	op.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op.mu.Lock()
		noDiscovery := op.noDiscovery
		op.mu.Unlock()
		switch {
		case r.URL.Path == "/.well-known/openid-configuration" && noDiscovery:
			http.NotFound(w, r)
			return
		case r.URL.Path == "/auth":
			op.mu.Lock()
			op.authQueries = append(op.authQueries, r.URL.Query())
			op.mu.Unlock()
		case r.URL.Path == "/oauth/token":
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			form, _ := url.ParseQuery(string(body))
			_, _, basic := r.BasicAuth()
			op.mu.Lock()
			op.tokenReqs = append(op.tokenReqs, tokenRequest{
				basicAuth:    basic,
				formSecret:   form.Has("client_secret"),
				codeVerifier: form.Get("code_verifier"),
			})
			op.mu.Unlock()
		}
		router.ServeHTTP(w, r)
	})
	op.srv.Start()
	t.Cleanup(op.srv.Close)
	return op
}

func (op *conformantOP) lastTokenRequest(t *testing.T) tokenRequest {
	t.Helper()
	op.mu.Lock()
	defer op.mu.Unlock()
	if len(op.tokenReqs) == 0 {
		t.Fatal("the token endpoint was not called")
	}
	return op.tokenReqs[len(op.tokenReqs)-1]
}

func (op *conformantOP) lastAuthQuery(t *testing.T) url.Values {
	t.Helper()
	op.mu.Lock()
	defer op.mu.Unlock()
	if len(op.authQueries) == 0 {
		t.Fatal("the authorization endpoint was not called")
	}
	return op.authQueries[len(op.authQueries)-1]
}

var hiddenID = regexp.MustCompile(`name="id" value="([^"]+)"`)

// signIn plays the browser: it follows authURL to the login form, signs in as
// the example user and returns the query of the redirect to testRedirectURI.
func signIn(t *testing.T, op *conformantOP, authURL string) url.Values {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	var callback *url.URL
	browser := &http.Client{
		Jar: jar,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if strings.HasPrefix(req.URL.String(), testRedirectURI) {
				callback = req.URL
				return http.ErrUseLastResponse
			}
			return nil
		},
	}
	resp, err := browser.Get(authURL)
	if err != nil {
		t.Fatalf("GET authorization URL: %v", err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := hiddenID.FindSubmatch(page)
	if m == nil {
		t.Fatalf("no login form at %s (HTTP %d): %s", resp.Request.URL, resp.StatusCode, page)
	}
	host := strings.TrimPrefix(strings.TrimSuffix(op.issuer, "/"), "http://")
	host = host[:strings.LastIndex(host, ":")]
	resp, err = browser.PostForm(strings.TrimSuffix(op.issuer, "/")+"/login/username", url.Values{
		"id":       {string(m[1])},
		"username": {"test-user@" + host},
		"password": {"verysecure"},
	})
	if err != nil {
		t.Fatalf("POST login: %v", err)
	}
	resp.Body.Close()
	if callback == nil {
		t.Fatalf("login did not redirect to %s (HTTP %d at %s)", testRedirectURI, resp.StatusCode, resp.Request.URL)
	}
	return callback.Query()
}

func TestConformantProvider(t *testing.T) {
	op := startConformantOP(t)
	tests := []struct {
		name       string
		cfg        Config
		wantBasic  bool
		wantPKCE   bool
		wantErr    string // error code, "" for success
		wantHint   string // substring of the hint
		handSet    bool   // endpoints set by hand, discovery answering 404
		noUserinfo bool
	}{
		{name: "basic without PKCE", cfg: Config{ClientID: "web", ClientSecret: "secret"}, wantBasic: true},
		{name: "basic with PKCE", cfg: Config{ClientID: "web", ClientSecret: "secret", UsePKCE: true}, wantBasic: true, wantPKCE: true},
		{name: "post with PKCE", cfg: Config{ClientID: "web", ClientSecret: "secret", UsePKCE: true, TokenEndpointAuthMethod: AuthMethodPost}, wantPKCE: true},
		{name: "post without PKCE", cfg: Config{ClientID: "web", ClientSecret: "secret", TokenEndpointAuthMethod: AuthMethodPost}},
		{name: "public client with PKCE", cfg: Config{ClientID: "native", UsePKCE: true}, wantBasic: true, wantPKCE: true},
		{
			name: "client requiring PKCE, PKCE off",
			cfg:  Config{ClientID: "native"}, wantBasic: true,
			wantErr: CodeTokenExchangeFailed, wantHint: "oidc.use_pkce: true",
		},
		{name: "wrong secret", cfg: Config{ClientID: "web", ClientSecret: "nope"}, wantBasic: true, wantErr: CodeTokenExchangeFailed, wantHint: "client_secret"},
		{name: "hand-set endpoints, discovery 404", cfg: Config{ClientID: "web", ClientSecret: "secret", UsePKCE: true}, wantBasic: true, wantPKCE: true, handSet: true},
		{name: "hand-set endpoints without userinfo", cfg: Config{ClientID: "web", ClientSecret: "secret"}, wantBasic: true, handSet: true, noUserinfo: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Not parallel: some cases switch discovery off.
			ctx := context.Background()
			cfg := tc.cfg
			cfg.Issuer = op.issuer
			cfg.RedirectURI = testRedirectURI
			cfg.ExtraParams = map[string]string{"prompt": "login", "state": "ignored"}
			op.mu.Lock()
			op.noDiscovery = tc.handSet
			op.mu.Unlock()
			if tc.handSet {
				cfg.AuthorizationEndpoint = op.issuer + "auth"
				cfg.TokenEndpoint = op.issuer + "oauth/token"
				cfg.JWKSURI = op.issuer + "keys"
				if !tc.noUserinfo {
					cfg.UserinfoEndpoint = op.issuer + "userinfo"
				}
			}
			p := New(cfg, nil)
			if err := p.Ready(ctx); err != nil {
				t.Fatalf("Ready() = %v", err)
			}

			state, nonce, verifier := RandomToken(), RandomToken(), ""
			if cfg.UsePKCE {
				verifier = NewPKCEVerifier()
			}
			authURL, err := p.AuthCodeURL(ctx, state, nonce, verifier)
			if err != nil {
				t.Fatalf("AuthCodeURL() error = %v", err)
			}
			cb := signIn(t, op, authURL)
			q := op.lastAuthQuery(t)
			if q.Get("state") != state || q.Get("nonce") != nonce || q.Get("prompt") != "login" {
				t.Errorf("authorization request = %v, want state, nonce and prompt=login", q)
			}
			if got := q.Get("code_challenge_method"); (got == "S256") != tc.wantPKCE {
				t.Errorf("code_challenge_method = %q, PKCE %v", got, tc.wantPKCE)
			}
			if cb.Get("state") != state {
				t.Fatalf("callback state = %q, want %q", cb.Get("state"), state)
			}

			id, err := p.Exchange(ctx, cb.Get("code"), verifier, nonce)
			tr := op.lastTokenRequest(t)
			if tr.basicAuth != tc.wantBasic || tr.formSecret == tc.wantBasic && cfg.ClientSecret != "" {
				t.Errorf("token request auth: basic=%v form=%v, want basic=%v", tr.basicAuth, tr.formSecret, tc.wantBasic)
			}
			if (tr.codeVerifier != "") != tc.wantPKCE || tr.codeVerifier != verifier {
				t.Errorf("code_verifier sent = %q, want %q", tr.codeVerifier, verifier)
			}
			if tc.wantErr != "" {
				var e *Error
				if !errors.As(err, &e) || e.Code != tc.wantErr {
					t.Fatalf("Exchange() error = %v, want code %s", err, tc.wantErr)
				}
				if !strings.Contains(e.Hint, tc.wantHint) {
					t.Errorf("hint = %q, want it to mention %q", e.Hint, tc.wantHint)
				}
				return
			}
			if err != nil {
				t.Fatalf("Exchange() error = %v", err)
			}
			if id.Subject != "id1" || id.Issuer != op.issuer || id.IDToken == "" {
				t.Errorf("identity = %+v, want subject id1 from %s with the raw ID token", id, op.issuer)
			}
			// The example OP puts email and profile only in userinfo.
			wantEmail := "test-user@zitadel.ch"
			if tc.noUserinfo {
				wantEmail = ""
			}
			if id.Email != wantEmail || id.EmailVerified != !tc.noUserinfo {
				t.Errorf("email = %q verified %v, want %q", id.Email, id.EmailVerified, wantEmail)
			}
			if !tc.noUserinfo && (id.Name == "" || id.PreferredUsername == "") {
				t.Errorf("identity = %+v, want name and preferred_username from userinfo", id)
			}

			end, err := p.EndSessionURL(ctx, id.IDToken, "http://localhost:8080/admin/")
			if err != nil {
				t.Fatalf("EndSessionURL() error = %v", err)
			}
			if tc.handSet {
				if end != "" {
					t.Errorf("EndSessionURL() = %q, want empty without an end_session_endpoint", end)
				}
			} else if !strings.HasPrefix(end, op.issuer+"end_session?") || !strings.Contains(end, "id_token_hint=") {
				t.Errorf("EndSessionURL() = %q", end)
			}
		})
	}
}

// A code is single use at the identity provider; replaying it fails cleanly.
func TestConformantProviderCodeReplay(t *testing.T) {
	op := startConformantOP(t)
	ctx := context.Background()
	p := New(Config{Issuer: op.issuer, ClientID: "web", ClientSecret: "secret", RedirectURI: testRedirectURI}, nil)
	nonce := RandomToken()
	authURL, err := p.AuthCodeURL(ctx, RandomToken(), nonce, "")
	if err != nil {
		t.Fatal(err)
	}
	code := signIn(t, op, authURL).Get("code")
	if _, err := p.Exchange(ctx, code, "", nonce); err != nil {
		t.Fatalf("first Exchange() error = %v", err)
	}
	_, err = p.Exchange(ctx, code, "", nonce)
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeTokenExchangeFailed {
		t.Fatalf("second Exchange() error = %v, want %s", err, CodeTokenExchangeFailed)
	}
}
