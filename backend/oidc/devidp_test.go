package oidc

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"headway/backend/devidp"
	"headway/backend/devidp/devidptest"
)

// signInWithHint runs the code flow against the development provider, which
// signs in the login_hint user without a page, and returns the callback query.
func signInWithHint(t *testing.T, srv *devidptest.Server, authURL string) url.Values {
	t.Helper()
	c := srv.Client() // follows no redirects
	next := authURL
	for range 10 {
		if strings.HasPrefix(next, testRedirectURI) {
			u, _ := url.Parse(next)
			return u.Query()
		}
		resp, err := c.Get(next)
		if err != nil {
			t.Fatalf("GET %s: %v", next, err)
		}
		resp.Body.Close()
		loc, err := resp.Location()
		if err != nil {
			t.Fatalf("GET %s: HTTP %d without a redirect", next, resp.StatusCode)
		}
		next = loc.String()
	}
	t.Fatal("too many redirects")
	return nil
}

func TestDevIDP(t *testing.T) {
	alice := devidp.User{Subject: "alice", Email: "alice@example.com", EmailVerified: true, Name: "Alice",
		PreferredUsername: "alice", Groups: []string{"/admins", "/staff"}}
	srv := devidptest.Start(t, devidp.Config{
		Issuer: "/application/o/headway/", // authentik style, trailing slash
		Users:  []devidp.User{alice},
		Clients: []devidp.Client{
			{ID: "basic", Secret: "secret-b", RedirectURIs: []string{testRedirectURI}},
			{ID: "post", Secret: "secret-p", RedirectURIs: []string{testRedirectURI}, AuthMethod: devidp.AuthMethodPost},
			{ID: "pkce", Secret: "secret-k", RedirectURIs: []string{testRedirectURI}, RequirePKCE: true},
			{ID: "public", RedirectURIs: []string{testRedirectURI}, AuthMethod: devidp.AuthMethodNone},
		},
	})
	tests := []struct {
		name     string
		cfg      Config
		wantCode string
		wantHint string
	}{
		{name: "client_secret_basic", cfg: Config{ClientID: "basic", ClientSecret: "secret-b"}},
		{name: "client_secret_post", cfg: Config{ClientID: "post", ClientSecret: "secret-p", TokenEndpointAuthMethod: AuthMethodPost}},
		{name: "basic where post is registered", cfg: Config{ClientID: "post", ClientSecret: "secret-p"},
			wantCode: CodeTokenExchangeFailed, wantHint: "token_endpoint_auth_method"},
		{name: "PKCE required and on", cfg: Config{ClientID: "pkce", ClientSecret: "secret-k", UsePKCE: true}},
		{name: "public client with PKCE", cfg: Config{ClientID: "public", UsePKCE: true}},
		{name: "public client without PKCE", cfg: Config{ClientID: "public"},
			wantCode: CodeTokenExchangeFailed, wantHint: "oidc.use_pkce: true"},
		{name: "hand-set endpoints", cfg: Config{ClientID: "basic", ClientSecret: "secret-b", UsePKCE: true,
			AuthorizationEndpoint: srv.AuthorizationEndpoint(), TokenEndpoint: srv.TokenEndpoint(),
			UserinfoEndpoint: srv.UserinfoEndpoint(), JWKSURI: srv.Issuer + "keys"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			cfg := tc.cfg
			cfg.Issuer = srv.Issuer
			cfg.RedirectURI = testRedirectURI
			cfg.Scopes = []string{"openid", "email", "profile", "groups"}
			cfg.ExtraParams = map[string]string{"login_hint": "alice"}
			p := New(cfg, nil)
			nonce, verifier := RandomToken(), ""
			if cfg.UsePKCE {
				verifier = NewPKCEVerifier()
			}
			authURL, err := p.AuthCodeURL(ctx, "st", nonce, verifier)
			if err != nil {
				t.Fatalf("AuthCodeURL() error = %v", err)
			}
			cb := signInWithHint(t, srv, authURL)
			if cb.Get("state") != "st" || cb.Get("code") == "" {
				t.Fatalf("callback = %v, want state and code", cb)
			}
			id, err := p.Exchange(ctx, cb.Get("code"), verifier, nonce)
			if tc.wantCode != "" {
				var e *Error
				if !errors.As(err, &e) || e.Code != tc.wantCode || !strings.Contains(e.Hint, tc.wantHint) {
					t.Fatalf("Exchange() error = %v (hint %q), want %s with %q", err, hint(e), tc.wantCode, tc.wantHint)
				}
				return
			}
			if err != nil {
				t.Fatalf("Exchange() error = %v", err)
			}
			got := *id
			got.IDToken, got.Claims = "", nil
			want := Identity{Issuer: srv.Issuer, Subject: "alice", Email: alice.Email, EmailVerified: true,
				Name: "Alice", PreferredUsername: "alice", Groups: alice.Groups}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("identity (-want +got):\n%s", diff)
			}
		})
	}

	// A client that requires PKCE is refused at the authorization step without it.
	t.Run("PKCE required and off", func(t *testing.T) {
		p := New(Config{Issuer: srv.Issuer, ClientID: "pkce", ClientSecret: "secret-k", RedirectURI: testRedirectURI,
			ExtraParams: map[string]string{"login_hint": "alice"}}, nil)
		authURL, err := p.AuthCodeURL(context.Background(), "st", "n", "")
		if err != nil {
			t.Fatal(err)
		}
		resp, err := srv.Client().Get(authURL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc, _ := resp.Location()
		if resp.StatusCode == http.StatusOK || loc == nil || loc.Query().Get("code") != "" {
			t.Errorf("authorization without PKCE: HTTP %d to %v, want a refusal", resp.StatusCode, loc)
		}
	})
}
