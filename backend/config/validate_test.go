package config

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLoadProblems(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "cookie", goodSecret)
	writeFile(t, dir, "empty", "  \n")
	// Secret values that must never appear in a message.
	const (
		shortSecret = "shortsecret1" // 12 characters
		leakyDB     = "mysql://root:topsecretpw@db/headway"
		leakyDBBad  = "postgres://u:topsecretpw@[::1"
	)

	oidcOn := func(extra ...string) []string {
		return append(env("HEADWAY_OIDC__ISSUER=https://idp.example.com", "HEADWAY_OIDC__CLIENT_ID=headway",
			"HEADWAY_OIDC__CLIENT_SECRET="+goodOIDC), extra...)
	}

	tests := []struct {
		name    string
		yaml    string // written to a file when non-empty
		environ []string
		want    map[string]string // key -> substring of its problem line
	}{
		{
			name:    "missing required keys",
			environ: []string{"PATH=/usr/bin"},
			want: map[string]string{
				"server.base_url":      "server.base_url: is required — set server.base_url or HEADWAY_SERVER__BASE_URL",
				"server.cookie_secret": "HEADWAY_SERVER__COOKIE_SECRET_PATH to read it from a file); generate one with: openssl rand -hex 32",
				"database.url":         "is required",
				"headscale.url":        "is required",
				"headscale.api_key":    "is required",
			},
		},
		{
			name:    "cookie secret too short",
			environ: append(envWithout("HEADWAY_SERVER__COOKIE_SECRET"), "HEADWAY_SERVER__COOKIE_SECRET="+shortSecret),
			want: map[string]string{
				"server.cookie_secret": "server.cookie_secret: is 12 characters, needs at least 32 — generate one with: openssl rand -hex 32",
			},
		},
		{
			name:    "bad int and bool",
			environ: env("HEADWAY_SERVER__PORT=abc", "HEADWAY_SERVER__COOKIE_SECURE=maybe"),
			want: map[string]string{
				"server.port":          `server.port: must be a whole number, got "abc"`,
				"server.cookie_secure": `must be true or false, got "maybe"`,
			},
		},
		{
			name:    "port out of range",
			environ: env("HEADWAY_SERVER__PORT=70000"),
			want:    map[string]string{"server.port": "must be between 1 and 65535, got 70000"},
		},
		{
			name: "bad URLs",
			environ: append(envWithout("HEADWAY_SERVER__BASE_URL", "HEADWAY_HEADSCALE__URL", "HEADWAY_DATABASE__URL"),
				"HEADWAY_SERVER__BASE_URL=https://hs.example.com/admin",
				"HEADWAY_HEADSCALE__URL=headscale:8080",
				"HEADWAY_HEADSCALE__PUBLIC_URL=ftp://hs.example.com",
				"HEADWAY_DATABASE__URL="+leakyDB,
			),
			want: map[string]string{
				"server.base_url":      `must not have a path, got "/admin" (Headway adds /admin itself) — set it to https://hs.example.com`,
				"headscale.url":        `must be an absolute http:// or https:// URL, got "headscale:8080"`,
				"headscale.public_url": `got "ftp://hs.example.com"`,
				"database.url":         "must start with postgres:// or postgresql://",
			},
		},
		{
			name:    "unparsable database URL",
			environ: append(envWithout("HEADWAY_DATABASE__URL"), "HEADWAY_DATABASE__URL="+leakyDBBad),
			want:    map[string]string{"database.url": "is not a valid URL"},
		},
		{
			name: "URL with query or credentials",
			environ: append(envWithout("HEADWAY_HEADSCALE__URL"),
				"HEADWAY_HEADSCALE__URL=https://admin:topsecretpw@hs.example.com/?x=1"),
			want: map[string]string{"headscale.url": "must not contain credentials, a query or a fragment"},
		},
		{
			name: "three mistakes reported together",
			environ: append(envWithout("HEADWAY_SERVER__BASE_URL", "HEADWAY_SERVER__COOKIE_SECRET"),
				"HEADWAY_SERVER__COOKIE_SECRET="+shortSecret,
				"HEADWAY_SERVER__PORT=abc",
			),
			want: map[string]string{
				"server.base_url":      "is required",
				"server.cookie_secret": "is 12 characters",
				"server.port":          "must be a whole number",
			},
		},
		{
			name:    "both secret and secret_path",
			environ: env("HEADWAY_SERVER__COOKIE_SECRET_PATH=" + filepath.Join(dir, "cookie")),
			want: map[string]string{
				"server.cookie_secret": "both server.cookie_secret and server.cookie_secret_path are set",
			},
		},
		{
			name: "unreadable secret path",
			environ: append(envWithout("HEADWAY_HEADSCALE__API_KEY"),
				"D="+dir, "HEADWAY_HEADSCALE__API_KEY_PATH=${D}/nope"),
			want: map[string]string{
				"headscale.api_key_path": "headscale.api_key_path: cannot read " + filepath.Join(dir, "nope") + ": no such file or directory",
			},
		},
		{
			name: "empty secret file",
			environ: append(envWithout("HEADWAY_HEADSCALE__API_KEY"),
				"HEADWAY_HEADSCALE__API_KEY_PATH="+filepath.Join(dir, "empty")),
			want: map[string]string{"headscale.api_key_path": "is empty"},
		},
		{
			name: "secret path refers to unset variable",
			environ: append(envWithout("HEADWAY_HEADSCALE__API_KEY"),
				"HEADWAY_HEADSCALE__API_KEY_PATH=${CREDENTIALS_DIRECTORY}/key"),
			want: map[string]string{"headscale.api_key_path": "refers to ${CREDENTIALS_DIRECTORY}, which is not set"},
		},
		{
			name:    "bad durations",
			environ: env("HEADWAY_SERVER__SESSION_IDLE_TIMEOUT=7x", "HEADWAY_SERVER__SESSION_MAX_AGE=-1d"),
			want: map[string]string{
				"server.session_idle_timeout": `must be a duration such as 30m, 12h or 7d, got "7x"`,
				"server.session_max_age":      `got "-1d"`,
			},
		},
		{
			name:    "durations not positive",
			environ: env("HEADWAY_SERVER__SESSION_IDLE_TIMEOUT=0s", "HEADWAY_SERVER__SESSION_MAX_AGE=-5m"),
			want: map[string]string{
				"server.session_idle_timeout": "must be longer than 0, got 0s",
				"server.session_max_age":      "must be longer than 0, got -5m",
			},
		},
		{
			name:    "idle timeout longer than max age",
			environ: env("HEADWAY_SERVER__SESSION_IDLE_TIMEOUT=2d", "HEADWAY_SERVER__SESSION_MAX_AGE=36h"),
			want: map[string]string{
				"server.session_idle_timeout": "is 48h, longer than server.session_max_age (36h) — lower server.session_idle_timeout or raise server.session_max_age",
			},
		},
		{
			name:    "default idle timeout longer than a short max age",
			environ: env("HEADWAY_SERVER__SESSION_MAX_AGE=8h"),
			want:    map[string]string{"server.session_idle_timeout": "is 12h, longer than server.session_max_age (8h)"},
		},
		{
			name:    "OIDC enabled by issuer: client_id and client_secret both missing",
			environ: env("HEADWAY_OIDC__ISSUER=https://idp.example.com/"),
			want: map[string]string{
				"oidc.client_id":     "oidc.client_id: is required because oidc.issuer is set (OIDC sign-in is enabled) — set oidc.client_id or HEADWAY_OIDC__CLIENT_ID; or unset oidc.issuer to turn OIDC off",
				"oidc.client_secret": "set oidc.client_secret or HEADWAY_OIDC__CLIENT_SECRET (or oidc.client_secret_path / HEADWAY_OIDC__CLIENT_SECRET_PATH to read it from a file)",
			},
		},
		{
			name:    "OIDC enabled by client_id: issuer missing, secret not shown",
			environ: env("HEADWAY_OIDC__CLIENT_ID=headway", "HEADWAY_OIDC__CLIENT_SECRET="+goodOIDC),
			want: map[string]string{
				"oidc.issuer": "is required because oidc.client_id is set",
			},
		},
		{
			name: "unreadable client_secret_path is not also missing",
			environ: env("HEADWAY_OIDC__ISSUER=https://idp.example.com", "HEADWAY_OIDC__CLIENT_ID=headway",
				"HEADWAY_OIDC__CLIENT_SECRET_PATH="+filepath.Join(dir, "nope")),
			want: map[string]string{"oidc.client_secret_path": "cannot read"},
		},
		{
			name: "bad issuers and endpoints",
			environ: oidcOn("HEADWAY_OIDC__ISSUER=idp.example.com",
				"HEADWAY_OIDC__AUTHORIZATION_ENDPOINT=/authorize",
				"HEADWAY_OIDC__TOKEN_ENDPOINT=https://user:topsecretpw@idp.example.com/token",
				"HEADWAY_OIDC__USERINFO_ENDPOINT=ftp://idp.example.com/userinfo",
				"HEADWAY_OIDC__JWKS_URI=https://idp.example.com/jwks#frag",
				"HEADWAY_OIDC__END_SESSION_ENDPOINT=https://[::1",
				"HEADWAY_OIDC__POST_LOGOUT_REDIRECT_URI=/admin/",
			),
			want: map[string]string{
				"oidc.issuer":                   `oidc.issuer: must be an absolute http:// or https:// URL, got "idp.example.com"`,
				"oidc.authorization_endpoint":   `got "/authorize"`,
				"oidc.token_endpoint":           "must not contain credentials or a fragment",
				"oidc.userinfo_endpoint":        `got "ftp://idp.example.com/userinfo"`,
				"oidc.jwks_uri":                 "must not contain credentials or a fragment",
				"oidc.end_session_endpoint":     "must be an absolute http:// or https:// URL",
				"oidc.post_logout_redirect_uri": `got "/admin/"`,
			},
		},
		{
			name:    "issuer with a query",
			environ: oidcOn("HEADWAY_OIDC__ISSUER=https://idp.example.com/?tenant=a"),
			want:    map[string]string{"oidc.issuer": "must not contain a query"},
		},
		{
			name:    "bad token endpoint auth method",
			environ: oidcOn("HEADWAY_OIDC__TOKEN_ENDPOINT_AUTH_METHOD=private_key_jwt"),
			want: map[string]string{
				"oidc.token_endpoint_auth_method": `must be client_secret_basic or client_secret_post, got "private_key_jwt"`,
			},
		},
		{
			name:    "scope without openid",
			environ: oidcOn("HEADWAY_OIDC__SCOPE=email profile openidx"),
			want:    map[string]string{"oidc.scope": `must include openid, got "email profile openidx"`},
		},
		{
			name:    "scope list without openid",
			yaml:    "oidc:\n  scope: [email, profile]\n",
			environ: oidcOn(),
			want:    map[string]string{"oidc.scope": `must include openid, got "email profile"`},
		},
		{
			name:    "scope list of sections",
			yaml:    "oidc:\n  scope: [{a: b}]\n",
			environ: oidcOn(),
			want:    map[string]string{"oidc.scope": "must be a string or a list of strings"},
		},
		{
			name:    "extra_params set reserved parameters",
			yaml:    "oidc:\n  extra_params:\n    state: x\n    redirect_uri: https://evil.example.com\n    prompt: login\n",
			environ: oidcOn(),
			want: map[string]string{
				"oidc.extra_params": "must not set redirect_uri, state: Headway sets these itself — remove it from oidc.extra_params",
			},
		},
		{
			name:    "extra_params from the environment without =",
			environ: oidcOn("HEADWAY_OIDC__EXTRA_PARAMS=prompt"),
			want: map[string]string{
				"oidc.extra_params": `must be a map, or key=value pairs separated by commas, got "prompt"`,
			},
		},
		{
			name:    "extra_params as a list",
			yaml:    "oidc:\n  extra_params: [prompt]\n",
			environ: oidcOn(),
			want:    map[string]string{"oidc.extra_params": "got a list"},
		},
		{
			name:    "disable_api_key_login without OIDC",
			environ: env("HEADWAY_OIDC__DISABLE_API_KEY_LOGIN=true", "HEADWAY_OIDC__USE_END_SESSION=true"),
			want: map[string]string{
				"oidc.disable_api_key_login": "is true but OIDC is not enabled, so nobody could sign in",
			},
		},
		{
			name:    "disable_api_key_login with OIDC half configured reports only what is missing",
			environ: env("HEADWAY_OIDC__DISABLE_API_KEY_LOGIN=true", "HEADWAY_OIDC__CLIENT_ID=headway"),
			want: map[string]string{
				"oidc.issuer":        "is required because oidc.client_id is set",
				"oidc.client_secret": "is required",
			},
		},
		{
			name: "deprecated alias with an unreadable path",
			environ: append(envWithout("HEADWAY_HEADSCALE__API_KEY"),
				"HEADWAY_OIDC__HEADSCALE_API_KEY_PATH="+filepath.Join(dir, "nope")),
			want: map[string]string{"oidc.headscale_api_key_path": "cannot read"},
		},
		{
			name: "deprecated alias and its path both set",
			environ: append(envWithout("HEADWAY_HEADSCALE__API_KEY"),
				"HEADWAY_OIDC__HEADSCALE_API_KEY="+aliasKey,
				"HEADWAY_OIDC__HEADSCALE_API_KEY_PATH="+filepath.Join(dir, "cookie")),
			want: map[string]string{
				"oidc.headscale_api_key": "both oidc.headscale_api_key and oidc.headscale_api_key_path are set",
			},
		},
		{
			name:    "default_role owner",
			environ: oidcOn("HEADWAY_OIDC__DEFAULT_ROLE=owner"),
			want: map[string]string{
				"oidc.default_role": "oidc.default_role: must not be owner: group mappings and the default role cannot give the owner role",
			},
		},
		{
			name:    "default_role unknown or mis-cased",
			environ: env("HEADWAY_OIDC__DEFAULT_ROLE=Admin"),
			want: map[string]string{
				"oidc.default_role": `must be one of admin, network_admin, it_admin, auditor, viewer or member, got "Admin"`,
			},
		},
		{
			name: "role_mapping in the file: owner, bad role and empty group name their index",
			yaml: minimalYAML + `oidc:
  role_mapping:
    - {group: admins, role: admin}
    - {group: bosses, role: owner}
    - {group: ops, role: superuser}
    - {group: " / ", role: viewer}
    - {role: auditor}
`,
			want: map[string]string{
				"oidc.role_mapping[1].role":  "oidc.role_mapping[1].role: must not be owner",
				"oidc.role_mapping[2].role":  `got "superuser"`,
				"oidc.role_mapping[3].group": "oidc.role_mapping[3].group: names no group",
				"oidc.role_mapping[4].group": "names no group",
			},
		},
		{
			name:    "role_mapping from the environment: owner, bad role, empty group",
			environ: env("HEADWAY_OIDC__ROLE_MAPPING=admins=admin, bosses=owner,ops=root,=viewer"),
			want: map[string]string{
				"oidc.role_mapping[1].role":  "must not be owner",
				"oidc.role_mapping[2].role":  `got "root"`,
				"oidc.role_mapping[3].group": "names no group",
			},
		},
		{
			name:    "role_mapping from the environment without =",
			environ: env("HEADWAY_OIDC__ROLE_MAPPING=admins=admin,network"),
			want:    map[string]string{"oidc.role_mapping[1]": `must be group=role, got "network"`},
		},
		{
			name:    "role_mapping rule with a missing role",
			environ: env("HEADWAY_OIDC__ROLE_MAPPING=admins="),
			want:    map[string]string{"oidc.role_mapping[0].role": `got ""`},
		},
		{
			name: "role_mapping shapes",
			yaml: minimalYAML + "oidc:\n  role_mapping:\n    - admins\n",
			want: map[string]string{"oidc.role_mapping[0]": `must be a map with group and role, got "admins"`},
		},
		{
			name: "role_mapping rule with an unknown field",
			yaml: minimalYAML + "oidc:\n  role_mapping:\n    - {group: admins, rol: admin}\n",
			want: map[string]string{"oidc.role_mapping[0]": `has unknown field "rol"`},
		},
		{
			name: "role_mapping as a map",
			yaml: minimalYAML + "oidc:\n  role_mapping:\n    admins: admin\n",
			want: map[string]string{"oidc.role_mapping": "must be a list of {group, role} rules, got a section"},
		},
		{
			name: "allowed lists: not a list, bad domain, user that is not an email",
			yaml: minimalYAML + "oidc:\n  allowed_groups: {a: b}\n  allowed_domains: [example.com, \"@example.org\"]\n" +
				"  allowed_users: [alice@example.com, bob]\n",
			want: map[string]string{
				"oidc.allowed_groups":     "must be a list of strings, or strings separated by commas, got a section",
				"oidc.allowed_domains[1]": `must be an email domain such as example.com, got "@example.org"`,
				"oidc.allowed_users[1]":   `must be an email address, got "bob"`,
			},
		},
		{
			name:    "blank groups_claim, bad email_verified_required and link_by_email",
			environ: env("HEADWAY_OIDC__GROUPS_CLAIM= ", "HEADWAY_OIDC__EMAIL_VERIFIED_REQUIRED=sometimes", "HEADWAY_OIDC__LINK_BY_EMAIL=2"),
			want: map[string]string{
				"oidc.groups_claim":            "is blank",
				"oidc.email_verified_required": `must be true or false, got "sometimes"`,
				"oidc.link_by_email":           `must be true or false, got "2"`,
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
			cfg, warnings, err := Load(path, explicit, tc.environ)
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Load() = %+v, %v, want a *ValidationError", cfg, err)
			}
			got := map[string]string{}
			for _, p := range ve.Problems {
				if _, dup := got[p.Key]; dup {
					t.Errorf("key %s reported twice", p.Key)
				}
				got[p.Key] = p.String()
			}
			if diff := cmp.Diff(keysOf(tc.want), keysOf(got)); diff != "" {
				t.Errorf("problem keys mismatch (-want +got):\n%s\nerror:\n%v", diff, err)
			}
			for k, sub := range tc.want {
				if !strings.Contains(got[k], sub) {
					t.Errorf("problem for %s = %q, want it to contain %q", k, got[k], sub)
				}
			}
			msg := err.Error()
			if n := strings.Count(msg, "\n") + 1; n != len(ve.Problems) {
				t.Errorf("Error() has %d lines, want one per problem (%d):\n%s", n, len(ve.Problems), msg)
			}
			for _, secret := range []string{goodSecret, goodKey, goodOIDC, aliasKey, "hunter2", shortSecret, "topsecretpw"} {
				if strings.Contains(msg, secret) {
					t.Errorf("Error() leaks secret %q:\n%s", secret, msg)
				}
				for _, w := range warnings {
					if strings.Contains(w, secret) {
						t.Errorf("warning %q leaks secret %q", w, secret)
					}
				}
			}
		})
	}
}

// keysOf returns the keys of m sorted, so indexed keys such as
// oidc.role_mapping[2].role compare too.
func keysOf(m map[string]string) []string {
	return slices.Sorted(maps.Keys(m))
}

// TestSecretFileContentNotLeaked reads a _path file that is not a valid
// value and checks the problem shows neither its content nor a path-less error.
func TestSecretFileContentNotLeaked(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const content = "mysql://root:filepassword@db/x"
	p := writeFile(t, dir, "db", content)
	_, _, err := Load(missingDefault(t), false, append(envWithout("HEADWAY_DATABASE__URL"), "HEADWAY_DATABASE__URL_PATH="+p))
	if err == nil || strings.Contains(err.Error(), "filepassword") {
		t.Errorf("Load() error = %v, want a problem without the file content", err)
	}

	unreadable := filepath.Join(dir, "dir-not-file")
	if err := os.Mkdir(unreadable, 0o700); err != nil {
		t.Fatal(err)
	}
	_, _, err = Load(missingDefault(t), false, append(envWithout("HEADWAY_DATABASE__URL"), "HEADWAY_DATABASE__URL_PATH="+unreadable))
	if err == nil || !strings.Contains(err.Error(), "database.url_path: cannot read "+unreadable) {
		t.Errorf("Load() error = %v, want it to name database.url_path and %s", err, unreadable)
	}
}

func TestExampleConfig(t *testing.T) {
	t.Parallel()
	path := filepath.Join("..", "..", "deploy", "config.example.yaml")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for _, k := range keys {
		if k.alias != "" {
			continue // deprecated: mentioned, not documented
		}
		_, leaf, _ := strings.Cut(k.name, ".")
		want := []string{leaf + ":", envName(k.name)}
		if k.isSecret() {
			want = append(want, leaf+"_path:", envName(k.name)+"_PATH")
		}
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s does not mention %s (for key %s)", path, w, k.name)
			}
		}
	}

	// The example, with its empty secrets supplied, loads cleanly.
	environ := []string{
		"HEADWAY_SERVER__COOKIE_SECRET=" + goodSecret,
		"HEADWAY_DATABASE__URL=" + goodDB,
		"HEADWAY_HEADSCALE__API_KEY=" + goodKey,
	}
	cfg, warnings, err := Load(path, true, environ)
	if err != nil || len(warnings) > 0 {
		t.Fatalf("Load(example) = %v, %q, want no error or warnings", err, warnings)
	}
	if cfg.Server.ListenAddr() != "0.0.0.0:3000" {
		t.Errorf("example ListenAddr() = %q, want 0.0.0.0:3000", cfg.Server.ListenAddr())
	}
	// The example states the defaults.
	want := Config{}
	for _, k := range keys {
		if k.def != "" {
			if p := assign(k, &want, k.def); p != nil {
				t.Fatalf("default of %s: %v", k.name, p)
			}
		}
	}
	if diff := cmp.Diff(want.OIDC, cfg.OIDC); diff != "" {
		t.Errorf("example OIDC differs from the defaults (-want +got):\n%s", diff)
	}
	if cfg.OIDC.Enabled() {
		t.Errorf("example enables OIDC, want it off until configured")
	}
	if cfg.Server.SessionIdleTimeout != want.Server.SessionIdleTimeout || cfg.Server.SessionMaxAge != want.Server.SessionMaxAge {
		t.Errorf("example session timeouts = %v, %v, want the defaults %v, %v", cfg.Server.SessionIdleTimeout,
			cfg.Server.SessionMaxAge, want.Server.SessionIdleTimeout, want.Server.SessionMaxAge)
	}
}

func TestListenAddr(t *testing.T) {
	t.Parallel()
	tests := []struct {
		s    Server
		want string
	}{
		{Server{Host: "0.0.0.0", Port: 3000}, "0.0.0.0:3000"},
		{Server{Host: "::1", Port: 8080}, "[::1]:8080"},
		{Server{Host: "", Port: 80}, ":80"},
	}
	for _, tc := range tests {
		if got := tc.s.ListenAddr(); got != tc.want {
			t.Errorf("%+v.ListenAddr() = %q, want %q", tc.s, got, tc.want)
		}
	}
}

func TestCoerce(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   any
		want any // nil means rejected
		fn   func(any) (any, bool)
	}{
		{"30m", mustDur("30m"), dur},
		{"12h", mustDur("12h"), dur},
		{"soon", nil, dur},
		{42, nil, dur},
		{"7d", mustDur("168h"), dur},
		{" 0d ", mustDur("0s"), dur},
		{"d", nil, dur},
		{"-1d", nil, dur},
		{"+1d", nil, dur},
		{"1.5d", nil, dur},
		{"1d12h", nil, dur},
		{"999999999d", nil, dur}, // overflows time.Duration
		{"7", 7, integer},
		{3.0, 3, integer},
		{3.5, nil, integer},
		{true, nil, integer},
		{"TRUE", true, boolean},
		{"0", false, boolean},
		{1, nil, boolean},
		{8080, "8080", str},
		{map[string]any{}, nil, str},
	}
	for _, tc := range tests {
		got, ok := tc.fn(tc.in)
		if tc.want == nil {
			if ok {
				t.Errorf("coerce(%#v) = %v, want rejected", tc.in, got)
			}
			continue
		}
		if !ok || got != tc.want {
			t.Errorf("coerce(%#v) = %v, %v, want %v", tc.in, got, ok, tc.want)
		}
	}
}

func dur(v any) (any, bool)     { return asDuration(v) }
func integer(v any) (any, bool) { return asInt(v) }
func boolean(v any) (any, bool) { return asBool(v) }
func str(v any) (any, bool)     { return asString(v) }

func mustDur(s string) any {
	d, ok := asDuration(s)
	if !ok {
		panic(s)
	}
	return d
}

func TestSuggestion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		asEnv bool
		want  string
	}{
		{"server.cookie_secrte", false, "; did you mean server.cookie_secret?"},
		{"server.baseurl", false, "; did you mean server.base_url?"},
		{"Server.Port", false, "; did you mean server.port?"},
		{"database.url_paht", true, "; did you mean HEADWAY_DATABASE__URL_PATH?"},
		{"oidc.isuser", false, "; did you mean oidc.issuer?"},
		{"oidc.headscale_api_kye", false, ""}, // deprecated aliases are not suggested
		{"ldap.url", false, ""},
		{"x", false, ""},
	}
	for _, tc := range tests {
		if got := suggestion(tc.name, tc.asEnv); got != tc.want {
			t.Errorf("suggestion(%q, %v) = %q, want %q", tc.name, tc.asEnv, got, tc.want)
		}
	}
}

func TestServerURLs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		baseURL      string
		wantRedirect string
		wantHTTPS    bool
	}{
		{"https://hs.example.com", "https://hs.example.com/admin/oidc/callback", true},
		{"HTTPS://hs.example.com:8443", "HTTPS://hs.example.com:8443/admin/oidc/callback", true},
		{"http://127.0.0.1:3000", "http://127.0.0.1:3000/admin/oidc/callback", false},
		{"", "/admin/oidc/callback", false},
	}
	for _, tc := range tests {
		s := Server{BaseURL: tc.baseURL}
		if got := s.RedirectURI(); got != tc.wantRedirect {
			t.Errorf("Server{BaseURL: %q}.RedirectURI() = %q, want %q", tc.baseURL, got, tc.wantRedirect)
		}
		if got := s.IsHTTPS(); got != tc.wantHTTPS {
			t.Errorf("Server{BaseURL: %q}.IsHTTPS() = %v, want %v", tc.baseURL, got, tc.wantHTTPS)
		}
	}
}

func TestOIDCHelpers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		o           OIDC
		wantEnabled bool
		wantScopes  []string
	}{
		{OIDC{}, false, nil},
		{OIDC{Scope: "openid email profile", DisableAPIKeyLogin: true}, false, []string{"openid", "email", "profile"}},
		{OIDC{Issuer: "https://idp", Scope: " openid,email ,, profile\tgroups openid "}, true, []string{"openid", "email", "profile", "groups"}},
		{OIDC{ClientID: "x"}, true, nil},
	}
	for _, tc := range tests {
		if got := tc.o.Enabled(); got != tc.wantEnabled {
			t.Errorf("%+v.Enabled() = %v, want %v", tc.o, got, tc.wantEnabled)
		}
		if diff := cmp.Diff(tc.wantScopes, tc.o.Scopes()); diff != "" {
			t.Errorf("Scopes(%q) mismatch (-want +got):\n%s", tc.o.Scope, diff)
		}
	}
}
