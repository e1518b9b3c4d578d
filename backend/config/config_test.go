package config

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"headway/backend/rbac"
)

const (
	goodSecret = "0123456789abcdef0123456789abcdef" // 32 characters
	goodDB     = "postgres://headway:hunter2@db:5432/headway"
	goodKey    = "hskey-api-secretvalue"
	goodOIDC   = "oidc-client-secretvalue"
	aliasKey   = "hskey-api-aliasvalue"
)

// yamlWith returns a config file setting every required key, plus extra
// lines (already indented) under each section.
func yamlWith(server, database, headscale string) string {
	return "server:\n  base_url: https://hs.example.com/\n  cookie_secret: " + goodSecret + "\n" + server +
		"database:\n  url: " + goodDB + "\n" + database +
		"headscale:\n  url: http://headscale:8080/\n  api_key: " + goodKey + "\n" + headscale
}

var minimalYAML = yamlWith("", "", "")

// minimalEnv sets every required key through the environment.
var minimalEnv = []string{
	"HEADWAY_SERVER__BASE_URL=https://hs.example.com",
	"HEADWAY_SERVER__COOKIE_SECRET=" + goodSecret,
	"HEADWAY_DATABASE__URL=" + goodDB,
	"HEADWAY_HEADSCALE__URL=http://headscale:8080",
	"HEADWAY_HEADSCALE__API_KEY=" + goodKey,
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func env(extra ...string) []string {
	return append(append([]string{"PATH=/usr/bin", "HOME=/root"}, minimalEnv...), extra...)
}

func wantMinimal() Config {
	return Config{
		Server: Server{
			Host: "0.0.0.0", Port: 3000, BaseURL: "https://hs.example.com",
			CookieSecret: goodSecret, CookieSecure: true,
			SessionIdleTimeout: 12 * time.Hour, SessionMaxAge: 7 * 24 * time.Hour,
			LogFormat: "text", LogLevel: "info",
		},
		Database: Database{URL: goodDB},
		Headscale: Headscale{
			URL: "http://headscale:8080", PublicURL: "http://headscale:8080", APIKey: goodKey, RefreshInterval: 5 * time.Second,
		},
		OIDC: OIDC{
			Scope: "openid email profile", TokenEndpointAuthMethod: "client_secret_basic",
			DefaultRole: "member", GroupsClaim: "groups", LinkByEmail: true,
		},
		Auth:  Auth{TokenMaxAge: 90 * 24 * time.Hour},
		Audit: Audit{Retention: 90 * 24 * time.Hour},
	}
}

// missingDefault stands in for DefaultPath on machines where it exists.
func missingDefault(t *testing.T) string {
	return filepath.Join(t.TempDir(), "absent.yaml")
}

func TestLoad(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		yaml     string // written to a file when non-empty
		environ  []string
		want     func(c *Config)
		warnings []string // substrings, one per warning
	}{
		{
			name:    "env only, defaults applied",
			environ: env(),
		},
		{
			name: "file only",
			yaml: minimalYAML,
		},
		{
			name: "file sets every key",
			yaml: yamlWith("  host: 127.0.0.1\n  port: 8081\n  cookie_secure: false\n", "", "  public_url: https://hs.example.com\n"),
			want: func(c *Config) {
				c.Server.Host, c.Server.Port, c.Server.CookieSecure = "127.0.0.1", 8081, false
				c.Headscale.PublicURL = "https://hs.example.com"
			},
		},
		{
			name:    "env overrides file",
			yaml:    yamlWith("", "", "  public_url: https://file.example.com\n"),
			environ: []string{"HEADWAY_HEADSCALE__PUBLIC_URL=https://env.example.com/", "HEADWAY_SERVER__PORT=4000"},
			want: func(c *Config) {
				c.Server.Port = 4000
				c.Headscale.PublicURL = "https://env.example.com"
			},
		},
		{
			name:    "double underscore nesting and coercion",
			environ: env("HEADWAY_SERVER__COOKIE_SECURE=false", "HEADWAY_SERVER__PORT= 8443", "HEADWAY_SERVER__HOST=::1"),
			want: func(c *Config) {
				c.Server.CookieSecure, c.Server.Port, c.Server.Host = false, 8443, "::1"
			},
		},
		{
			name:    "HEADWAY_CONFIG is not a key; empty variables are ignored",
			environ: env("HEADWAY_CONFIG=/nowhere.yaml", "HEADWAY_SERVER__HOST="),
		},
		{
			name: "quoted values in YAML are coerced",
			yaml: yamlWith("  port: \"3001\"\n  cookie_secure: \"false\"\n", "", ""),
			want: func(c *Config) { c.Server.Port, c.Server.CookieSecure = 3001, false },
		},
		{
			name: "unknown file key warns with suggestion",
			yaml: yamlWith("", "", "  cookie_secrte: x\n") + "oidc:\n  strip_email_domain: true\nldap:\n  url: ldap://x\n",
			warnings: []string{
				`unknown key "headscale.cookie_secrte" in CONFIG (ignored)`,
				`unknown key "ldap.url" in CONFIG (ignored)`,
				`unknown key "oidc.strip_email_domain" in CONFIG (ignored)`,
			},
		},
		{
			name:     "unknown file key with close match",
			yaml:     yamlWith("  cookie_secrue: false\n", "", ""),
			warnings: []string{`unknown key "server.cookie_secrue" in CONFIG (ignored; did you mean server.cookie_secure?)`},
		},
		{
			name: "unknown env keys warn with env spelling",
			// HEADWAY_TEST_DATABASE_URL has no section and resembles no key: another tool's variable, not a typo.
			environ: env("HEADWAY_SERVER__COOKIE_SECRTE=x", "HEADWAY_SERVER_PORT=1", "HEADWAY_TOTALLY__DIFFERENT=1", "HEADWAY_TEST_DATABASE_URL=postgres://x"),
			warnings: []string{
				`unknown key "server.cookie_secrte" from environment variable HEADWAY_SERVER__COOKIE_SECRTE (ignored; did you mean HEADWAY_SERVER__COOKIE_SECRET?)`,
				`unknown key "server_port" from environment variable HEADWAY_SERVER_PORT (ignored; did you mean HEADWAY_SERVER__PORT?)`,
				`unknown key "totally.different" from environment variable HEADWAY_TOTALLY__DIFFERENT (ignored)`,
			},
		},
		{
			name:    "empty section is not unknown",
			yaml:    "database:\nserver: {}\noidc:\n",
			environ: env(),
		},
		{
			name:    "session durations, including whole days",
			environ: env("HEADWAY_SERVER__SESSION_IDLE_TIMEOUT=90m", "HEADWAY_SERVER__SESSION_MAX_AGE=30d"),
			want: func(c *Config) {
				c.Server.SessionIdleTimeout, c.Server.SessionMaxAge = 90*time.Minute, 30*24*time.Hour
			},
		},
		{
			name: "session durations in the file; idle may equal max age",
			yaml: yamlWith("  session_idle_timeout: 1d\n  session_max_age: 24h\n", "", ""),
			want: func(c *Config) { c.Server.SessionIdleTimeout, c.Server.SessionMaxAge = 24*time.Hour, 24*time.Hour },
		},
		{
			name: "OIDC from the file, every key",
			yaml: yamlWith("", "", "") + `oidc:
  issuer: https://authentik.example.com/application/o/headway/
  client_id: headway
  client_secret: ` + goodOIDC + `
  scope: [openid, email, profile, groups]
  extra_params:
    prompt: select_account
    domain_hint: example.com
    max_age: 3600
  use_pkce: true
  token_endpoint_auth_method: client_secret_post
  authorization_endpoint: https://idp.example.com/authorize?tenant=a
  token_endpoint: https://idp.example.com/token
  userinfo_endpoint: http://idp.internal:8080/userinfo
  jwks_uri: https://idp.example.com/jwks.json
  end_session_endpoint: https://idp.example.com/logout
  only_start_if_oidc_is_available: true
  disable_api_key_login: true
  use_end_session: true
  post_logout_redirect_uri: https://hs.example.com/admin/?signed_out=1
  default_role: viewer
  groups_claim: roles
  role_mapping:
    - group: /Admins
      role: admin
    - {group: network, role: network_admin}
  allowed_domains: [Example.COM]
  allowed_groups: [staff]
  allowed_users: [Bob@Other.example]
  email_verified_required: false
  link_by_email: false
`,
			want: func(c *Config) {
				c.OIDC = OIDC{
					Issuer:                     "https://authentik.example.com/application/o/headway/", // trailing slash kept
					ClientID:                   "headway",
					ClientSecret:               goodOIDC,
					Scope:                      "openid email profile groups",
					ExtraParams:                map[string]string{"prompt": "select_account", "domain_hint": "example.com", "max_age": "3600"},
					UsePKCE:                    true,
					TokenEndpointAuthMethod:    "client_secret_post",
					AuthorizationEndpoint:      "https://idp.example.com/authorize?tenant=a",
					TokenEndpoint:              "https://idp.example.com/token",
					UserinfoEndpoint:           "http://idp.internal:8080/userinfo",
					JWKSURI:                    "https://idp.example.com/jwks.json",
					EndSessionEndpoint:         "https://idp.example.com/logout",
					OnlyStartIfOIDCIsAvailable: true,
					DisableAPIKeyLogin:         true,
					UseEndSession:              true,
					PostLogoutRedirectURI:      "https://hs.example.com/admin/?signed_out=1",
					DefaultRole:                "viewer",
					GroupsClaim:                "roles",
					RoleMapping:                []rbac.MappingRule{{Group: "/Admins", Role: rbac.Admin}, {Group: "network", Role: rbac.NetworkAdmin}},
					AllowedDomains:             []string{"example.com"},
					AllowedGroups:              []string{"staff"},
					AllowedUsers:               []string{"bob@other.example"},
					EmailVerifiedRequired:      false, // explicit, despite allowed_domains
					LinkByEmail:                false,
				}
			},
		},
		{
			name: "OIDC from the environment",
			environ: env(
				"HEADWAY_OIDC__ISSUER=https://login.microsoftonline.com/tenant/v2.0",
				"HEADWAY_OIDC__CLIENT_ID=abc",
				"HEADWAY_OIDC__CLIENT_SECRET="+goodOIDC,
				"HEADWAY_OIDC__SCOPE=openid,email, profile",
				"HEADWAY_OIDC__EXTRA_PARAMS=prompt=select_account,domain_hint=x.com",
			),
			want: func(c *Config) {
				c.OIDC.Issuer, c.OIDC.ClientID, c.OIDC.ClientSecret = "https://login.microsoftonline.com/tenant/v2.0", "abc", goodOIDC
				c.OIDC.Scope = "openid,email, profile"
				c.OIDC.ExtraParams = map[string]string{"prompt": "select_account", "domain_hint": "x.com"}
			},
		},
		{
			name: "extra_params from the environment replace the file's",
			yaml: yamlWith("", "", "") + "oidc:\n  extra_params:\n    prompt: login\n    hd: example.com\n",
			environ: []string{
				"HEADWAY_OIDC__EXTRA_PARAMS= prompt = select_account , claims={\"a\":1}=x ,",
			},
			want: func(c *Config) {
				c.OIDC.ExtraParams = map[string]string{"prompt": "select_account", "claims": `{"a":1}=x`}
			},
		},
		{
			name:    "one extra param per variable is known, not unknown",
			yaml:    yamlWith("", "", "") + "oidc:\n  extra_params:\n    hd: example.com\n",
			environ: []string{"HEADWAY_OIDC__EXTRA_PARAMS__PROMPT=login"},
			want: func(c *Config) {
				c.OIDC.ExtraParams = map[string]string{"prompt": "login", "hd": "example.com"}
			},
		},
		{
			name: "deprecated alias used when headscale.api_key is unset",
			environ: append(envWithout("HEADWAY_HEADSCALE__API_KEY"),
				"HEADWAY_OIDC__HEADSCALE_API_KEY="+aliasKey),
			want: func(c *Config) { c.Headscale.APIKey = aliasKey },
			warnings: []string{
				"oidc.headscale_api_key is deprecated; use headscale.api_key (or HEADWAY_HEADSCALE__API_KEY)",
			},
		},
		{
			name: "deprecated alias in the file",
			yaml: "server:\n  base_url: https://hs.example.com\n  cookie_secret: " + goodSecret +
				"\ndatabase:\n  url: " + goodDB + "\nheadscale:\n  url: http://headscale:8080\noidc:\n  headscale_api_key: " + aliasKey + "\n",
			want: func(c *Config) { c.Headscale.APIKey = aliasKey },
			warnings: []string{
				"oidc.headscale_api_key is deprecated; use headscale.api_key (or HEADWAY_HEADSCALE__API_KEY)",
			},
		},
		{
			name: "deprecated alias ignored when headscale.api_key is set",
			yaml: yamlWith("", "", "") + "oidc:\n  headscale_api_key: " + aliasKey + "\n",
			warnings: []string{
				"oidc.headscale_api_key is deprecated and ignored because headscale.api_key is set; remove it",
			},
		},
		{
			name:    "deprecated alias ignored when headscale.api_key comes from the environment",
			yaml:    "oidc:\n  headscale_api_key: " + aliasKey + "\n",
			environ: env(),
			warnings: []string{
				"oidc.headscale_api_key is deprecated and ignored because headscale.api_key is set",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path, explicit := missingDefault(t), false
			if tc.yaml != "" {
				path, explicit = writeFile(t, t.TempDir(), "config.yaml", tc.yaml), true
			}
			got, warnings, err := Load(path, explicit, tc.environ)
			if err != nil {
				t.Fatalf("Load() error = %v", err)
			}
			want := wantMinimal()
			if tc.want != nil {
				tc.want(&want)
			}
			if diff := cmp.Diff(want, *got); diff != "" {
				t.Errorf("Load() config mismatch (-want +got):\n%s", diff)
			}
			if len(warnings) != len(tc.warnings) {
				t.Fatalf("Load() warnings = %q, want %d", warnings, len(tc.warnings))
			}
			for i, w := range tc.warnings {
				w = strings.ReplaceAll(w, "CONFIG", path)
				if !strings.Contains(warnings[i], w) {
					t.Errorf("warning[%d] = %q, want it to contain %q", i, warnings[i], w)
				}
			}
			for _, w := range warnings {
				for _, secret := range []string{goodSecret, goodKey, goodOIDC, aliasKey, "hunter2"} {
					if strings.Contains(w, secret) {
						t.Errorf("warning %q leaks secret %q", w, secret)
					}
				}
			}
		})
	}
}

func TestLoadFileErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.yaml")
	broken := writeFile(t, dir, "broken.yaml", "server:\n  port: 1\n bad: [\n")

	if _, _, err := Load(missing, true, env()); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("Load(explicit missing) error = %v, want one naming %s", err, missing)
	}
	if _, _, err := Load(missing, false, env()); err != nil {
		t.Errorf("Load(default missing) error = %v, want nil", err)
	}
	_, _, err := Load(broken, true, env())
	var ve *ValidationError
	if err == nil || errors.As(err, &ve) || !strings.Contains(err.Error(), "line") || !strings.Contains(err.Error(), broken) {
		t.Errorf("Load(broken YAML) error = %v, want a parse error naming the file and line", err)
	}
}

func TestResolvePath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		flag         string
		environ      []string
		want         string
		wantExplicit bool
	}{
		{"", nil, DefaultPath, false},
		{"", []string{"HEADWAY_CONFIG="}, DefaultPath, false},
		{"", []string{"HEADWAY_CONFIG=/env.yaml"}, "/env.yaml", true},
		{"/flag.yaml", []string{"HEADWAY_CONFIG=/env.yaml"}, "/flag.yaml", true},
	}
	for _, tc := range tests {
		got, explicit := ResolvePath(tc.flag, tc.environ)
		if got != tc.want || explicit != tc.wantExplicit {
			t.Errorf("ResolvePath(%q, %q) = %q, %v, want %q, %v", tc.flag, tc.environ, got, explicit, tc.want, tc.wantExplicit)
		}
	}
}

// envWithout returns env() minus the named variables.
func envWithout(names ...string) []string {
	var out []string
	for _, kv := range env() {
		name, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(names, name) {
			out = append(out, kv)
		}
	}
	return out
}

func TestSecretPath(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "cookie", "\n  "+goodSecret+"  \n")
	writeFile(t, dir, "db", goodDB+"\n")
	yaml := writeFile(t, dir, "c.yaml", "database:\n  url_path: $SECRETS/db\n")
	environ := append(envWithout("HEADWAY_SERVER__COOKIE_SECRET", "HEADWAY_DATABASE__URL"),
		"SECRETS="+dir,
		"HEADWAY_SERVER__COOKIE_SECRET_PATH=${SECRETS}/cookie",
	)

	got, warnings, err := Load(yaml, true, environ)
	if err != nil {
		t.Fatalf("Load() error = %v", err)
	}
	if len(warnings) != 0 {
		t.Errorf("Load() warnings = %q, want none", warnings)
	}
	if got.Server.CookieSecret.Reveal() != goodSecret {
		t.Errorf("cookie secret from file = %q, want it trimmed to %q", got.Server.CookieSecret.Reveal(), goodSecret)
	}
	if got.Database.URL.Reveal() != goodDB {
		t.Errorf("database.url from file = %q, want %q", got.Database.URL.Reveal(), goodDB)
	}
}

func TestOIDCSecretPaths(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "oidc", goodOIDC+"\n")
	writeFile(t, dir, "hs", aliasKey+"\n")
	yaml := writeFile(t, dir, "c.yaml", "oidc:\n  issuer: https://accounts.google.com\n  client_id: x\n  client_secret_path: ${SECRETS}/oidc\n")
	tests := []struct {
		name        string
		environ     []string
		wantAPIKey  string
		wantWarning string
	}{
		{
			name:       "client_secret_path",
			environ:    append(env(), "SECRETS="+dir),
			wantAPIKey: goodKey,
		},
		{
			name: "deprecated alias _path",
			environ: append(envWithout("HEADWAY_HEADSCALE__API_KEY"), "SECRETS="+dir,
				"HEADWAY_OIDC__HEADSCALE_API_KEY_PATH=${SECRETS}/hs"),
			wantAPIKey:  aliasKey,
			wantWarning: "oidc.headscale_api_key_path is deprecated; use headscale.api_key_path (or HEADWAY_HEADSCALE__API_KEY_PATH)",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, warnings, err := Load(yaml, true, tc.environ)
			if err != nil {
				t.Fatalf("Load() error = %v", err)
			}
			if got.OIDC.ClientSecret.Reveal() != goodOIDC {
				t.Errorf("oidc.client_secret from file = %q, want %q", got.OIDC.ClientSecret.Reveal(), goodOIDC)
			}
			if got.Headscale.APIKey.Reveal() != tc.wantAPIKey {
				t.Errorf("headscale.api_key = %q, want %q", got.Headscale.APIKey.Reveal(), tc.wantAPIKey)
			}
			var want []string
			if tc.wantWarning != "" {
				want = []string{tc.wantWarning}
			}
			if diff := cmp.Diff(want, warnings); diff != "" {
				t.Errorf("Load() warnings mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
