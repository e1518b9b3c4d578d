package httpapi

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// hostileIdP is an identity provider that misbehaves as told: for what a real
// one (devidp) never does. Its authorization endpoint approves at once.
type hostileIdP struct {
	t      *testing.T
	issuer string
	key    *rsa.PrivateKey

	mu        sync.Mutex
	nonce     string                        // from the last authorization request
	claims    func(c map[string]any)        // edits the ID token's claims
	token     func(c map[string]any) string // replaces the signing; nil signs with key
	tokenBody string                        // when set, the token endpoint answers this with status 400
	minted    []string                      // every ID token handed out
}

func startHostileIdP(t *testing.T) *hostileIdP {
	t.Helper()
	p := &hostileIdP{t: t, key: testSigningKey(t)}
	srv := httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(srv.Close)
	p.issuer = srv.URL
	return p
}

func (p *hostileIdP) set(f func(p *hostileIdP)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f(p)
}

func (p *hostileIdP) serve(w http.ResponseWriter, r *http.Request) {
	writeJSON := func(v any) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(v)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	switch r.URL.Path {
	case "/.well-known/openid-configuration":
		writeJSON(map[string]any{
			"issuer":                 p.issuer,
			"authorization_endpoint": p.issuer + "/authorize",
			"token_endpoint":         p.issuer + "/token",
			"jwks_uri":               p.issuer + "/jwks",
		})
	case "/jwks":
		writeJSON(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: p.key.Public(), KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	case "/authorize":
		q := r.URL.Query()
		p.nonce = q.Get("nonce")
		back, _ := url.Parse(q.Get("redirect_uri"))
		back.RawQuery = url.Values{"code": {"hostile-code"}, "state": {q.Get("state")}}.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
	case "/token":
		if p.tokenBody != "" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(p.tokenBody))
			return
		}
		now := time.Now()
		c := map[string]any{
			"iss": p.issuer, "sub": "mallory", "aud": testClientID, "nonce": p.nonce,
			"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "email": "mallory@example.com",
		}
		if p.claims != nil {
			p.claims(c)
		}
		var idToken string
		if p.token != nil {
			idToken = p.token(c)
		} else {
			idToken = signRS256(p.t, p.key, c)
		}
		p.minted = append(p.minted, idToken)
		writeJSON(map[string]any{"access_token": "hostile-access-token", "token_type": "Bearer", "expires_in": 300, "id_token": idToken})
	default:
		http.NotFound(w, r)
	}
}

func signRS256(t *testing.T, key *rsa.PrivateKey, claims map[string]any) string {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: "k1"}}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Error(err)
		return ""
	}
	payload, _ := json.Marshal(claims)
	jws, err := signer.Sign(payload)
	if err != nil {
		t.Error(err)
		return ""
	}
	s, _ := jws.CompactSerialize()
	return s
}

func unsignedToken(claims map[string]any) string {
	enc := base64.RawURLEncoding
	header, _ := json.Marshal(map[string]string{"alg": "none", "typ": "JWT"})
	payload, _ := json.Marshal(claims)
	return enc.EncodeToString(header) + "." + enc.EncodeToString(payload) + "."
}

// rawMarker is in every error body the hostile provider sends; it must never reach a browser.
const rawMarker = "RAW-IDP-BODY-<img src=x onerror=alert(1)>"

func TestOIDCHostileProvider(t *testing.T) {
	t.Parallel()
	otherKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		tokenBody string
		claims    func(c map[string]any)
		token     func(t *testing.T, c map[string]any) string
		wantCode  string
		wantHint  func(h *site) string // a substring of the precise hint
		wantInMsg string
	}{
		{
			name:      "redirect URI mismatch at the token endpoint",
			tokenBody: `{"error":"invalid_grant","error_description":"The redirect_uri does not match ` + rawMarker + `"}`,
			wantCode:  "oidc_redirect_uri_mismatch",
			wantHint:  func(h *site) string { return "Register exactly " + h.RedirectURI() + " " },
		},
		{
			name:      "PKCE demanded at the token endpoint, oidc.use_pkce off",
			tokenBody: `{"error":"invalid_request","error_description":"code_verifier is required ` + rawMarker + `"}`,
			wantCode:  "oidc_token_exchange_failed",
			wantHint:  func(*site) string { return "oidc.use_pkce: true" },
			wantInMsg: "invalid_request",
		},
		{
			name:      "client authentication refused",
			tokenBody: `{"error":"invalid_client","error_description":"` + rawMarker + `"}`,
			wantCode:  "oidc_token_exchange_failed",
			wantHint:  func(*site) string { return "oidc.client_secret" },
			wantInMsg: "invalid_client",
		},
		{
			name:      "error body that is not OAuth",
			tokenBody: `<html>` + rawMarker + `</html>`,
			wantCode:  "oidc_token_exchange_failed",
		},
		{
			name:      "wrong nonce",
			claims:    func(c map[string]any) { c["nonce"] = "someone-elses-nonce" },
			wantCode:  "oidc_id_token_invalid",
			wantInMsg: "nonce",
		},
		{
			name:      "no nonce",
			claims:    func(c map[string]any) { delete(c, "nonce") },
			wantCode:  "oidc_id_token_invalid",
			wantInMsg: "nonce",
		},
		{
			name:      "wrong audience",
			claims:    func(c map[string]any) { c["aud"] = "another-client" },
			wantCode:  "oidc_id_token_invalid",
			wantInMsg: "aud",
		},
		{
			name:      "wrong issuer",
			claims:    func(c map[string]any) { c["iss"] = "https://evil.example" },
			wantCode:  "oidc_id_token_invalid",
			wantInMsg: "iss",
		},
		{
			name:      "alg none",
			token:     func(_ *testing.T, c map[string]any) string { return unsignedToken(c) },
			wantCode:  "oidc_id_token_invalid",
			wantInMsg: "algorithm",
		},
		{
			name:      "signed with another key",
			token:     func(t *testing.T, c map[string]any) string { return signRS256(t, otherKey, c) },
			wantCode:  "oidc_id_token_invalid",
			wantInMsg: "signature",
		},
		{
			name:      "expired",
			claims:    func(c map[string]any) { c["exp"] = time.Now().Add(-time.Hour).Unix() },
			wantCode:  "oidc_id_token_invalid",
			wantInMsg: "expired",
		},
		{
			name:     "missing sub",
			claims:   func(c map[string]any) { delete(c, "sub") },
			wantCode: "oidc_missing_sub",
		},
	}
	// One provider and one Headway (one database) for every row: the rows
	// reconfigure the provider in turn.
	p := startHostileIdP(t)
	h := newHeadway(t)
	h.Cfg.OIDC = ssoConfig(p.issuer)
	h.start()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p.set(func(p *hostileIdP) {
				p.tokenBody, p.claims, p.token, p.minted = tc.tokenBody, tc.claims, nil, nil
				if tc.token != nil {
					p.token = func(c map[string]any) string { return tc.token(t, c) }
				}
			})

			b := newBrowser(t, h)
			r := b.signIn(h, "/admin/", "mallory")
			e := b.loginErrorAt(h, r, tc.wantCode)
			if tc.wantHint != nil && !strings.Contains(hintOf(e), tc.wantHint(h)) {
				t.Errorf("hint = %q, want it to contain %q", hintOf(e), tc.wantHint(h))
			}
			if !strings.Contains(e.Message, tc.wantInMsg) {
				t.Errorf("message = %q, want it to contain %q", e.Message, tc.wantInMsg)
			}
			shown := r.location() + string(r.body) + e.Message + hintOf(e)
			if strings.Contains(shown, "RAW-IDP-BODY") || strings.Contains(shown, "<") {
				t.Errorf("the provider's raw answer reached the browser: %q / %q / %q", r.location(), e.Message, hintOf(e))
			}
			if r := b.get(h.URL + "/admin/api/v1/me"); r.StatusCode != http.StatusUnauthorized {
				t.Errorf("after a refused sign-in, GET /me = %d, want 401", r.StatusCode)
			}
			var minted []string
			p.set(func(p *hostileIdP) { minted = p.minted })
			h.assertLogFree(append(minted, b.issued...)...)
		})
	}
}
