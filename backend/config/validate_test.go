package config

import (
	"errors"
	"os"
	"path/filepath"
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

	tests := []struct {
		name    string
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
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg, _, err := Load(missingDefault(t), false, tc.environ)
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
			for _, secret := range []string{goodSecret, goodKey, "hunter2", shortSecret, "topsecretpw"} {
				if strings.Contains(msg, secret) {
					t.Errorf("Error() leaks secret %q:\n%s", secret, msg)
				}
			}
		})
	}
}

func keysOf(m map[string]string) []string {
	var out []string
	for _, k := range knownNames() {
		if _, ok := m[k]; ok {
			out = append(out, k)
		}
	}
	return out
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
		{"oidc.issuer", false, ""},
		{"x", false, ""},
	}
	for _, tc := range tests {
		if got := suggestion(tc.name, tc.asEnv); got != tc.want {
			t.Errorf("suggestion(%q, %v) = %q, want %q", tc.name, tc.asEnv, got, tc.want)
		}
	}
}
