package doctor

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"headway/backend/config"
	"headway/backend/devidp"
	"headway/backend/devidp/devidptest"
	"headway/backend/headscale/hstest"
	"headway/backend/store/storetest"
)

const (
	testClientSecret = "client-secret-Hq72xLp9"
	testCookieSecret = "cookie-secret-0123456789abcdef0123"
)

// stack is a healthy installation: a migrated Postgres reached with a
// password, a real Headscale and the development identity provider.
type stack struct {
	dbURL      string
	dbPassword string
	hs         *hstest.Server
	idp        *devidptest.Server
}

func startStack(t *testing.T) *stack {
	t.Helper()
	dbURL, password := withPassword(t, storetest.URL(t))
	idp := devidptest.Start(t, devidp.Config{
		Clients: []devidp.Client{{ID: "headway", Secret: testClientSecret, RedirectURIs: []string{"http://127.0.0.1:3000/admin/oidc/callback"}}},
	})
	return &stack{dbURL: dbURL, dbPassword: password, hs: hstest.Start(t), idp: idp}
}

// withPassword gives the database URL a password (ignored by a trust-auth
// Postgres) so tests can check it is never shown.
func withPassword(t *testing.T, raw string) (string, string) {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := u.User.Password(); ok {
		return raw, p
	}
	const password = "db-pass-Vt93kQz1"
	u.User = url.UserPassword(u.User.Username(), password)
	return u.String(), password
}

// environ is the healthy stack's configuration as HEADWAY_ variables.
func (s *stack) environ() map[string]string {
	return map[string]string{
		"HEADWAY_SERVER__BASE_URL":                      "http://127.0.0.1:3000",
		"HEADWAY_SERVER__COOKIE_SECRET":                 testCookieSecret,
		"HEADWAY_SERVER__COOKIE_SECURE":                 "false",
		"HEADWAY_DATABASE__URL":                         s.dbURL,
		"HEADWAY_HEADSCALE__URL":                        s.hs.URL,
		"HEADWAY_HEADSCALE__API_KEY":                    s.hs.APIKey,
		"HEADWAY_OIDC__ISSUER":                          s.idp.Issuer,
		"HEADWAY_OIDC__CLIENT_ID":                       "headway",
		"HEADWAY_OIDC__CLIENT_SECRET":                   testClientSecret,
		"HEADWAY_OIDC__USE_PKCE":                        "true",
		"HEADWAY_OIDC__TOKEN_ENDPOINT_AUTH_METHOD":      "client_secret_basic",
		"HEADWAY_OIDC__ONLY_START_IF_OIDC_IS_AVAILABLE": "false",
	}
}

// load loads a configuration from the stack's variables with overrides ("" removes one).
func load(t *testing.T, env map[string]string, overrides map[string]string) *config.Config {
	t.Helper()
	var environ []string
	for k, v := range env {
		if o, ok := overrides[k]; ok {
			v = o
		}
		if v != "" {
			environ = append(environ, k+"="+v)
		}
	}
	for k, v := range overrides {
		if _, ok := env[k]; !ok && v != "" {
			environ = append(environ, k+"="+v)
		}
	}
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte("{}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, warnings, err := config.Load(path, true, environ)
	if err != nil || len(warnings) > 0 {
		t.Fatalf("config.Load() = %v, warnings %q", err, warnings)
	}
	return cfg
}

func find(checks []Check, name string) (Check, bool) {
	for _, c := range checks {
		if c.Name == name {
			return c, true
		}
	}
	return Check{}, false
}

func dump(checks []Check) string {
	var b strings.Builder
	for _, c := range checks {
		fmt.Fprintf(&b, "\t%s %s: %s | fix: %s\n", c.Status, c.Name, c.Detail, c.Fix)
	}
	return b.String()
}

// assertNoSecrets fails when any secret appears in the checks' JSON.
func assertNoSecrets(t *testing.T, checks []Check, secrets ...string) {
	t.Helper()
	b, err := json.Marshal(checks)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(string(b), s) {
			t.Errorf("a secret (%d characters, starting %q) appears in the checks:\n%s", len(s), s[:3], dump(checks))
		}
	}
}

func freeURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return "http://" + l.Addr().String()
}

// hostileIdP serves a discovery document built by edit from a complete one,
// and a JWKS with keys signing keys.
func hostileIdP(t *testing.T, edit func(doc map[string]any), keys int) string {
	t.Helper()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/.well-known/openid-configuration":
			doc := map[string]any{
				"issuer":                                srv.URL,
				"authorization_endpoint":                srv.URL + "/authorize",
				"token_endpoint":                        srv.URL + "/token",
				"userinfo_endpoint":                     srv.URL + "/userinfo",
				"jwks_uri":                              srv.URL + "/jwks",
				"code_challenge_methods_supported":      []string{"S256"},
				"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
			}
			if edit != nil {
				edit(doc)
			}
			_ = json.NewEncoder(w).Encode(doc)
		case "/jwks":
			set := []map[string]string{}
			for i := range keys {
				set = append(set, map[string]string{"kty": "RSA", "use": "sig", "kid": fmt.Sprint(i), "alg": "RS256", "n": "sXch", "e": "AQAB"})
			}
			_ = json.NewEncoder(w).Encode(map[string]any{"keys": set})
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestRun(t *testing.T) {
	s := startStack(t)
	env := s.environ()
	ctx := context.Background()
	secrets := []string{s.hs.APIKey, testClientSecret, testCookieSecret, s.dbPassword}

	t.Run("healthy stack", func(t *testing.T) {
		t.Parallel()
		checks := Run(ctx, load(t, env, nil), Options{})
		want := []string{
			NameConfig, NameCookieSecure, NameDatabaseReachable, NameDatabaseMigrated,
			NameHeadscaleReachable, NameHeadscaleVersion, NameHeadscaleAPIKey, NameHeadscaleKeyExpiry,
			NameOIDCDiscovery, NameOIDCIssuer, NameOIDCEndpoints, NameOIDCPKCE, NameOIDCTokenAuthMethod, NameOIDCJWKS, NameOIDCRedirectURI,
		}
		var got []string
		for _, c := range checks {
			got = append(got, c.Name)
			if c.Status != Pass {
				t.Errorf("%s = %s, want pass", c.Name, c.Status)
			}
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("check names = %q, want %q", got, want)
		}
		if Failed(checks) {
			t.Error("Failed() = true for a healthy stack")
		}
		if c, _ := find(checks, NameOIDCRedirectURI); !strings.Contains(c.Detail, "http://127.0.0.1:3000/admin/oidc/callback") {
			t.Errorf("redirect URI detail = %q, want the exact callback URL", c.Detail)
		}
		if c, _ := find(checks, NameDatabaseReachable); !strings.Contains(c.Detail, "xxxxx") {
			t.Errorf("database detail = %q, want the URL with its password redacted", c.Detail)
		}
		if t.Failed() {
			t.Log("\n" + dump(checks))
		}
		assertNoSecrets(t, checks, secrets...)
	})

	tests := []struct {
		name       string
		overrides  func(t *testing.T) map[string]string
		check      string
		status     Status
		detail     string // substring of Detail
		fix        string // substring of Fix
		moreSecret func() string
	}{
		{
			name: "database unreachable",
			overrides: func(t *testing.T) map[string]string {
				u, _ := url.Parse(freeURL(t))
				return map[string]string{"HEADWAY_DATABASE__URL": fmt.Sprintf("postgres://postgres:%s@%s/headway?sslmode=disable", s.dbPassword, u.Host)}
			},
			check: NameDatabaseReachable, status: Fail, detail: "postgres://postgres:xxxxx@", fix: "database.url",
		},
		{
			name: "database not migrated",
			overrides: func(t *testing.T) map[string]string {
				return map[string]string{"HEADWAY_DATABASE__URL": storetest.EmptyURL(t)}
			},
			check: NameDatabaseMigrated, status: Fail, detail: "no Headway schema", fix: "headway migrate",
		},
		{
			name: "headscale down",
			overrides: func(t *testing.T) map[string]string {
				hs := hstest.Start(t)
				hs.Stop()
				return map[string]string{"HEADWAY_HEADSCALE__URL": hs.URL, "HEADWAY_HEADSCALE__API_KEY": hs.APIKey}
			},
			check: NameHeadscaleReachable, status: Fail, detail: "health check", fix: "headscale.url",
		},
		{
			name: "bad api key",
			overrides: func(t *testing.T) map[string]string {
				return map[string]string{"HEADWAY_HEADSCALE__API_KEY": "hskey-api-AAAAAAAAAAAA-notTheRealSecretAtAll1234"}
			},
			check: NameHeadscaleAPIKey, status: Fail, detail: "rejected", fix: "headscale apikeys create",
			moreSecret: func() string { return "notTheRealSecretAtAll1234" },
		},
		{
			name: "api key expiring in 10 days",
			overrides: func(t *testing.T) map[string]string {
				key := strings.TrimSpace(s.hs.Headscale(t, "apikeys", "create", "--expiration", "240h"))
				key = key[strings.LastIndex(key, "\n")+1:]
				return map[string]string{"HEADWAY_HEADSCALE__API_KEY": key}
			},
			check: NameHeadscaleKeyExpiry, status: Warn, detail: "expires in 10 days", fix: "headscale apikeys expire --prefix",
		},
		{
			name: "issuer down",
			overrides: func(t *testing.T) map[string]string {
				return map[string]string{"HEADWAY_OIDC__ISSUER": freeURL(t)}
			},
			check: NameOIDCDiscovery, status: Fail, detail: "/.well-known/openid-configuration could not be loaded", fix: "oidc.issuer",
		},
		{
			name: "issuer differs by a trailing slash",
			overrides: func(t *testing.T) map[string]string {
				return map[string]string{"HEADWAY_OIDC__ISSUER": s.idp.Issuer + "/"}
			},
			check: NameOIDCIssuer, status: Fail, detail: fmt.Sprintf("names the issuer %q but oidc.issuer is %q", s.idp.Issuer, s.idp.Issuer+"/"),
			fix: fmt.Sprintf("Set oidc.issuer to %q", s.idp.Issuer),
		},
		{
			name: "discovery without userinfo and jwks",
			overrides: func(t *testing.T) map[string]string {
				return map[string]string{"HEADWAY_OIDC__ISSUER": hostileIdP(t, func(d map[string]any) {
					delete(d, "userinfo_endpoint")
					delete(d, "jwks_uri")
				}, 1)}
			},
			check: NameOIDCEndpoints, status: Fail, detail: "jwks_uri, userinfo_endpoint", fix: "oidc.jwks_uri",
		},
		{
			name: "discovery without userinfo",
			overrides: func(t *testing.T) map[string]string {
				return map[string]string{"HEADWAY_OIDC__ISSUER": hostileIdP(t, func(d map[string]any) { delete(d, "userinfo_endpoint") }, 1)}
			},
			check: NameOIDCEndpoints, status: Warn, detail: "no userinfo_endpoint", fix: "oidc.userinfo_endpoint",
		},
		{
			name: "hand-set endpoints count",
			overrides: func(t *testing.T) map[string]string {
				base := hostileIdP(t, func(d map[string]any) { delete(d, "userinfo_endpoint"); delete(d, "jwks_uri") }, 1)
				return map[string]string{
					"HEADWAY_OIDC__ISSUER":            base,
					"HEADWAY_OIDC__USERINFO_ENDPOINT": base + "/userinfo",
					"HEADWAY_OIDC__JWKS_URI":          base + "/jwks",
				}
			},
			check: NameOIDCEndpoints, status: Pass, detail: "/jwks",
		},
		{
			name: "jwks without keys",
			overrides: func(t *testing.T) map[string]string {
				return map[string]string{"HEADWAY_OIDC__ISSUER": hostileIdP(t, nil, 0)}
			},
			check: NameOIDCJWKS, status: Fail, detail: "no signing keys", fix: "signing key",
		},
		{
			name: "pkce advertised while off",
			overrides: func(t *testing.T) map[string]string {
				return map[string]string{"HEADWAY_OIDC__USE_PKCE": "false"}
			},
			check: NameOIDCPKCE, status: Warn, detail: "S256", fix: "provider supports PKCE; set oidc.use_pkce: true",
		},
		{
			name: "auth method not listed",
			overrides: func(t *testing.T) map[string]string {
				return map[string]string{
					"HEADWAY_OIDC__ISSUER": hostileIdP(t, func(d map[string]any) {
						d["token_endpoint_auth_methods_supported"] = []string{"client_secret_basic"}
					}, 1),
					"HEADWAY_OIDC__TOKEN_ENDPOINT_AUTH_METHOD": "client_secret_post",
				}
			},
			check: NameOIDCTokenAuthMethod, status: Fail, detail: "accepts only client_secret_basic", fix: "token_endpoint_auth_method: client_secret_basic",
		},
		{
			name: "auth methods absent means basic only",
			overrides: func(t *testing.T) map[string]string {
				return map[string]string{
					"HEADWAY_OIDC__ISSUER":                     hostileIdP(t, func(d map[string]any) { delete(d, "token_endpoint_auth_methods_supported") }, 1),
					"HEADWAY_OIDC__TOKEN_ENDPOINT_AUTH_METHOD": "client_secret_post",
				}
			},
			check: NameOIDCTokenAuthMethod, status: Fail, detail: "which means client_secret_basic", fix: "client_secret_basic",
		},
		{
			name: "secure cookies over plain http",
			overrides: func(t *testing.T) map[string]string {
				return map[string]string{"HEADWAY_SERVER__BASE_URL": "http://example.com", "HEADWAY_SERVER__COOKIE_SECURE": "true"}
			},
			check: NameCookieSecure, status: Fail, detail: "browsers drop Secure cookies", fix: "HTTPS",
		},
		{
			name: "secure cookies over plain http on localhost",
			overrides: func(t *testing.T) map[string]string {
				return map[string]string{"HEADWAY_SERVER__BASE_URL": "http://localhost:3000", "HEADWAY_SERVER__COOKIE_SECURE": "true"}
			},
			check: NameCookieSecure, status: Warn, detail: "localhost", fix: "cookie_secure: false",
		},
		{
			name: "insecure cookies over https",
			overrides: func(t *testing.T) map[string]string {
				return map[string]string{"HEADWAY_SERVER__BASE_URL": "https://headway.example.com"}
			},
			check: NameCookieSecure, status: Warn, detail: "false", fix: "cookie_secure: true",
		},
		{
			name: "oidc not configured",
			overrides: func(t *testing.T) map[string]string {
				return map[string]string{"HEADWAY_OIDC__ISSUER": "", "HEADWAY_OIDC__CLIENT_ID": "", "HEADWAY_OIDC__CLIENT_SECRET": ""}
			},
			check: NameOIDCRedirectURI, status: Pass, detail: "not configured",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			checks := Run(ctx, load(t, env, tc.overrides(t)), Options{})
			c, ok := find(checks, tc.check)
			switch {
			case !ok:
				t.Errorf("no %s check", tc.check)
			case c.Status != tc.status || !strings.Contains(c.Detail, tc.detail) || !strings.Contains(c.Fix, tc.fix):
				t.Errorf("%s = %s %q, fix %q; want %s containing %q, fix containing %q", tc.check, c.Status, c.Detail, c.Fix, tc.status, tc.detail, tc.fix)
			}
			if got, want := Failed(checks), tc.status == Fail; got != want {
				t.Errorf("Failed() = %v, want %v", got, want)
			}
			more := secrets
			if tc.moreSecret != nil {
				more = append(append([]string{}, secrets...), tc.moreSecret())
			}
			assertNoSecrets(t, checks, more...)
			if t.Failed() {
				t.Log("\n" + dump(checks))
			}
		})
	}
}
