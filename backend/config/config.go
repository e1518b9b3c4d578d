// Package config loads and validates Headway's configuration from a YAML file and the environment.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"net"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/knadh/koanf/parsers/yaml"
	envprovider "github.com/knadh/koanf/providers/env/v2"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/v2"

	"headway/backend/rbac"
)

// DefaultPath is the configuration file read when no path is given. Unlike
// an explicitly given path, it may be missing.
const DefaultPath = "/etc/headway/config.yaml"

// PathEnv is the environment variable naming the configuration file.
const PathEnv = "HEADWAY_CONFIG"

// Config is Headway's whole configuration.
type Config struct {
	Server    Server
	Database  Database
	Headscale Headscale
	OIDC      OIDC
	Auth      Auth
	Audit     Audit
}

// Auth configures the credentials Headway issues besides sessions.
type Auth struct {
	// TokenMaxAge bounds the lifetime of an API token.
	TokenMaxAge time.Duration
}

// Audit configures the audit trail.
type Audit struct {
	// Retention is how long audit events are kept.
	Retention time.Duration
}

// Server configures Headway's HTTP listener and cookies.
type Server struct {
	Host         string
	Port         int
	BaseURL      string // absolute http(s) URL without trailing slash; Headway serves under BaseURL+"/admin"
	CookieSecret Secret
	CookieSecure bool
	// SessionIdleTimeout ends a session after this long without a request.
	SessionIdleTimeout time.Duration
	// SessionMaxAge ends a session this long after sign-in; never shorter
	// than SessionIdleTimeout.
	SessionMaxAge time.Duration
	// MetricsListen is the host:port of the Prometheus metrics listener; ""
	// means metrics are off.
	MetricsListen string
	// LogFormat is LogFormatText or LogFormatJSON.
	LogFormat string
	// LogLevel is one of LogLevels, lower-case.
	LogLevel string
}

// Log formats accepted in server.log_format.
const (
	LogFormatText = "text"
	LogFormatJSON = "json"
)

// Log levels accepted in server.log_level, least severe first.
const (
	LogLevelDebug = "debug"
	LogLevelInfo  = "info"
	LogLevelWarn  = "warn"
	LogLevelError = "error"
)

// logLevels maps each accepted server.log_level to its slog level.
var logLevels = []struct {
	name  string
	level slog.Level
}{
	{LogLevelDebug, slog.LevelDebug},
	{LogLevelInfo, slog.LevelInfo},
	{LogLevelWarn, slog.LevelWarn},
	{LogLevelError, slog.LevelError},
}

// SlogLevel returns the slog level of LogLevel; info for anything else.
func (s Server) SlogLevel() slog.Level {
	for _, l := range logLevels {
		if l.name == s.LogLevel {
			return l.level
		}
	}
	return slog.LevelInfo
}

// Database configures the PostgreSQL connection.
type Database struct {
	URL Secret
}

// Headscale configures how Headway reaches Headscale.
type Headscale struct {
	URL       string // used by Headway for API calls, without trailing slash
	PublicURL string // used by devices; defaults to URL
	APIKey    Secret
	// RefreshInterval is how often the shared snapshot of Headscale is re-read.
	RefreshInterval time.Duration
	// ConfigPath is Headscale's configuration file, holding its DNS
	// settings; "" means DNS is not managed.
	ConfigPath string
	// RestartCommand is run with sh -c after a DNS change; "" means none.
	RestartCommand string
}

// Token endpoint client authentication methods accepted in
// oidc.token_endpoint_auth_method.
const (
	authBasic = "client_secret_basic"
	authPost  = "client_secret_post"
)

// OIDC configures sign-in with an OpenID Connect identity provider. It is
// enabled when Issuer or ClientID is set; Issuer, ClientID and ClientSecret
// are then all present. URLs are kept exactly as configured.
type OIDC struct {
	Issuer       string // absolute http(s) URL, verbatim (a trailing slash is kept)
	ClientID     string
	ClientSecret Secret
	Scope        string            // as configured, space or comma separated; contains openid. See Scopes.
	ExtraParams  map[string]string // added to the authorization request; nil when unset
	UsePKCE      bool
	// TokenEndpointAuthMethod is "client_secret_basic" or "client_secret_post".
	TokenEndpointAuthMethod string
	// Hand-set endpoints override discovery; "" means use the discovered one.
	AuthorizationEndpoint string
	TokenEndpoint         string
	UserinfoEndpoint      string
	JWKSURI               string
	EndSessionEndpoint    string
	// OnlyStartIfOIDCIsAvailable makes startup wait for the identity provider.
	OnlyStartIfOIDCIsAvailable bool
	// DisableAPIKeyLogin leaves OIDC as the only way to sign in; only set with OIDC enabled.
	DisableAPIKeyLogin bool
	// UseEndSession ends the identity provider's session on sign-out.
	UseEndSession         bool
	PostLogoutRedirectURI string

	// DefaultRole is the role, by name, of a new OIDC console user whose
	// groups match no RoleMapping rule: a valid rbac.Role, never owner, so
	// rbac.Role(DefaultRole) is safe.
	DefaultRole string
	// GroupsClaim names the claim listing the user's groups.
	GroupsClaim string
	// RoleMapping gives groups roles, in the configured order; every rule has
	// a group and a valid role other than owner. The highest-ranked matching
	// role wins (rbac.ClaimRole); a role pinned by hand is left alone. Nil
	// when unset.
	RoleMapping []rbac.MappingRule
	// AllowedDomains, AllowedGroups and AllowedUsers restrict who may sign
	// in; nil means no restriction. Items are trimmed and lower-cased, so
	// compare them with the lower-cased claim. AllowedDomains are email
	// domains and AllowedUsers email addresses, as in Headscale.
	AllowedDomains []string
	AllowedGroups  []string
	AllowedUsers   []string
	// EmailVerifiedRequired refuses an email the provider has not verified.
	// Unless configured, it is true exactly when AllowedDomains or
	// AllowedUsers is set.
	EmailVerifiedRequired bool
	// LinkByEmail links an unlinked console user to the Headscale user with
	// the same email address on OIDC sign-in.
	LinkByEmail bool
}

// Enabled reports whether OIDC sign-in is configured (issuer or client ID set).
func (o OIDC) Enabled() bool {
	return o.Issuer != "" || o.ClientID != ""
}

// Scopes returns the scopes in Scope, split on spaces and commas, in order
// and without duplicates.
func (o OIDC) Scopes() []string {
	var out []string
	for _, s := range strings.FieldsFunc(o.Scope, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// RedirectURI returns the OIDC callback URL to register at the identity
// provider: {base_url}/admin/oidc/callback.
func (s Server) RedirectURI() string {
	return s.BaseURL + "/admin/oidc/callback"
}

// IsHTTPS reports whether Headway's public URL uses https.
func (s Server) IsHTTPS() bool {
	scheme, _, ok := strings.Cut(s.BaseURL, "://")
	return ok && strings.EqualFold(scheme, "https")
}

// ListenAddr returns host:port for net.Listen.
func (s Server) ListenAddr() string {
	return net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
}

// ResolvePath picks the configuration file: the --config flag value if set,
// else HEADWAY_CONFIG from environ, else DefaultPath. explicit reports
// whether the path was given rather than defaulted.
func ResolvePath(flag string, environ []string) (path string, explicit bool) {
	if flag != "" {
		return flag, true
	}
	if p := envMap(environ)[PathEnv]; p != "" {
		return p, true
	}
	return DefaultPath, false
}

// Load reads the YAML file at path, then the HEADWAY_* variables in environ
// on top, and validates the result. A missing file is an error only when
// explicit is true. Warnings (such as unknown keys) are returned even when
// loading fails. Validation problems come back as a *ValidationError.
func Load(path string, explicit bool, environ []string) (*Config, []string, error) {
	if path == "" {
		path = DefaultPath
	}
	fileK, err := loadFile(path, explicit)
	if err != nil {
		return nil, nil, err
	}
	envK, envVars, err := loadEnv(environ)
	if err != nil {
		return nil, nil, err
	}

	var warnings []string
	for _, name := range unknownKeys(fileK) {
		warnings = append(warnings, fmt.Sprintf("unknown key %q in %s (ignored%s)", name, path, suggestion(name, false)))
	}
	for _, name := range unknownKeys(envK) {
		hint := suggestion(name, true)
		// A HEADWAY_ variable without "__" names no section: it belongs to some
		// other tool (tests, scripts) unless it is a near miss of a real key.
		if !strings.Contains(name, ".") && hint == "" {
			continue
		}
		warnings = append(warnings, fmt.Sprintf("unknown key %q from environment variable %s (ignored%s)", name, envVars[name], hint))
	}

	merged := koanf.New(".")
	if err := merged.Merge(fileK); err != nil {
		return nil, warnings, fmt.Errorf("config: merge file: %w", err)
	}
	if err := merged.Merge(envK); err != nil {
		return nil, warnings, fmt.Errorf("config: merge environment: %w", err)
	}

	cfg, problems, aliasWarnings := build(merged, envMap(environ))
	warnings = append(warnings, aliasWarnings...)
	if len(problems) > 0 {
		return nil, warnings, &ValidationError{Problems: problems}
	}
	return cfg, warnings, nil
}

func loadFile(path string, explicit bool) (*koanf.Koanf, error) {
	k := koanf.New(".")
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) && !explicit {
			return k, nil
		}
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("config: file %s does not exist (given by --config or %s)", path, PathEnv)
		}
		return nil, fmt.Errorf("config: read %s: %w", path, err)
	}
	if err := k.Load(file.Provider(path), yaml.Parser()); err != nil {
		return nil, fmt.Errorf("config: load %s: %w", path, err)
	}
	return k, nil
}

// loadEnv reads HEADWAY_SECTION__KEY variables as section.key. Empty values
// are ignored, so an unset-but-declared variable does not override the file.
// It also returns which variable each key came from.
func loadEnv(environ []string) (*koanf.Koanf, map[string]string, error) {
	origin := map[string]string{}
	p := envprovider.Provider(".", envprovider.Opt{
		Prefix:      envPrefix,
		EnvironFunc: func() []string { return environ },
		TransformFunc: func(name, v string) (string, any) {
			if name == PathEnv || v == "" {
				return "", nil
			}
			key := keyFromEnv(name)
			origin[key] = name
			return key, v
		},
	})
	k := koanf.New(".")
	if err := k.Load(p, nil); err != nil {
		return nil, nil, fmt.Errorf("config: read environment: %w", err)
	}
	return k, origin, nil
}

func envMap(environ []string) map[string]string {
	m := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return m
}

// unknownKeys returns the keys in k that Headway does not know, sorted.
func unknownKeys(k *koanf.Koanf) []string {
	var out []string
	for _, name := range k.Keys() {
		if isKnown(name) {
			continue
		}
		if isSection(name) && isEmpty(k.Get(name)) {
			continue // "server:" with nothing under it
		}
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

func isEmpty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case map[string]any:
		return len(v) == 0
	}
	return false
}

// suggestion returns "; did you mean X?" for the closest known key, or "".
func suggestion(name string, asEnv bool) string {
	name = strings.ToLower(name)
	best, bestDist := "", math.MaxInt
	for _, cand := range currentNames() {
		if d := editDistance(name, cand); d < bestDist {
			best, bestDist = cand, d
		}
	}
	if bestDist > 3 || bestDist*3 > len(name) {
		return ""
	}
	if asEnv {
		best = envName(best)
	}
	return "; did you mean " + best + "?"
}

// editDistance is the optimal string alignment distance between a and b:
// insertions, deletions, substitutions and swaps of neighbours cost 1.
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// build turns the merged sources into a Config, applying defaults, secret
// files, deprecated aliases and parsing, then validates it. It returns every
// problem found, and warnings about deprecated keys.
func build(k *koanf.Koanf, environ map[string]string) (*Config, []Problem, []string) {
	var (
		c        Config
		problems []Problem
		warnings []string
		set      = map[string]bool{} // keys holding a valid value (given or default)
		bad      = map[string]bool{} // keys already reported
	)
	fail := func(p Problem) {
		problems = append(problems, p)
		bad[p.Key] = true
	}

	for _, kk := range keys {
		if kk.alias != "" {
			used, ok := firstGiven(k, kk.names())
			if !ok {
				continue
			}
			if _, ok := firstGiven(k, keyNamed(kk.alias).names()); ok {
				warnings = append(warnings, fmt.Sprintf("%s is deprecated and ignored because %s is set; remove it", used, kk.alias))
				continue
			}
			instead := kk.alias + strings.TrimPrefix(used, kk.name)
			warnings = append(warnings, fmt.Sprintf("%s is deprecated; use %s (or %s)", used, instead, envName(instead)))
		}
		raw, given, p := resolve(k, kk, environ)
		if p != nil {
			fail(*p)
			bad[kk.name] = true
			if kk.alias != "" {
				bad[kk.alias] = true
			}
			continue
		}
		if !given {
			if kk.def == "" {
				continue
			}
			raw = kk.def
		}
		if p := assign(kk, &c, raw); p != nil {
			fail(*p)
			if kk.alias != "" {
				bad[kk.alias] = true
			}
			continue
		}
		set[kk.name] = true
		if kk.alias != "" {
			set[kk.alias] = true
		}
	}

	for _, kk := range keys {
		if kk.required && !set[kk.name] && !bad[kk.name] {
			fail(missing(kk))
		}
	}
	for _, p := range validate(&c, set, bad) {
		fail(p)
	}
	// Report in the order keys are declared, as in the example file; an item
	// of a list (oidc.role_mapping[2].role) sorts with its key.
	order := map[string]int{}
	for i, name := range knownNames() {
		order[name] = i
	}
	rank := func(key string) int {
		base, _, _ := strings.Cut(key, "[")
		return order[base]
	}
	sort.SliceStable(problems, func(i, j int) bool { return rank(problems[i].Key) < rank(problems[j].Key) })
	return &c, problems, warnings
}

// resolve returns the raw value given for kk, reading a secret's _path file.
func resolve(k *koanf.Koanf, kk key, environ map[string]string) (raw any, given bool, p *Problem) {
	raw, given = lookup(k, kk.name)
	if !kk.isSecret() {
		return raw, given, nil
	}
	pathKey := kk.name + "_path"
	rawPath, pathGiven := lookup(k, pathKey)
	switch {
	case given && pathGiven:
		return nil, false, &Problem{
			Key:     kk.name,
			Message: fmt.Sprintf("both %s and %s are set", kk.name, pathKey),
			Fix:     "set only one of them",
		}
	case pathGiven:
		v, p := readSecretFile(rawPath, environ)
		if p != nil {
			p.Key = pathKey
			return nil, false, p
		}
		return v, true, nil
	}
	return raw, given, nil
}

// firstGiven returns the first of names that is set.
func firstGiven(k *koanf.Koanf, names []string) (string, bool) {
	for _, n := range names {
		if _, ok := lookup(k, n); ok {
			return n, true
		}
	}
	return "", false
}

// keyNamed returns the declared key called name.
func keyNamed(name string) key {
	for _, kk := range keys {
		if kk.name == name {
			return kk
		}
	}
	panic("config: no key " + name)
}

// lookup returns a key's value and whether it is set; null, "" and an
// empty map count as unset.
func lookup(k *koanf.Koanf, name string) (any, bool) {
	v := k.Get(name)
	if isEmpty(v) || v == "" {
		return nil, false
	}
	return v, true
}

func missing(kk key) Problem {
	fix := fmt.Sprintf("set %s or %s", kk.name, envName(kk.name))
	if kk.isSecret() {
		fix = fmt.Sprintf("set %s or %s (or %s_path / %s_PATH to read it from a file)",
			kk.name, envName(kk.name), kk.name, envName(kk.name))
	}
	if kk.name == "server.cookie_secret" {
		fix += "; generate one with: openssl rand -hex 32"
	}
	return Problem{Key: kk.name, Message: "is required", Fix: fix}
}

// readSecretFile reads the file named by an X_path key, expanding ${VAR}
// from environ and trimming surrounding whitespace. Problems name the path,
// never the content; the caller fills in the key.
func readSecretFile(raw any, environ map[string]string) (string, *Problem) {
	p, ok := raw.(string)
	if !ok {
		return "", &Problem{Message: "must be a file path"}
	}
	var unset []string
	path := os.Expand(p, func(name string) string {
		v, ok := environ[name]
		if !ok {
			unset = append(unset, name)
		}
		return v
	})
	if len(unset) > 0 {
		return "", &Problem{
			Message: fmt.Sprintf("%q refers to ${%s}, which is not set in the environment", p, unset[0]),
			Fix:     fmt.Sprintf("set %s or use an absolute path", unset[0]),
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		reason := err
		var pe *fs.PathError
		if errors.As(err, &pe) {
			reason = pe.Err
		}
		return "", &Problem{
			Message: fmt.Sprintf("cannot read %s: %v", path, reason),
			Fix:     "check that the file exists and is readable by Headway",
		}
	}
	v := strings.TrimSpace(string(b))
	if v == "" {
		return "", &Problem{Message: fmt.Sprintf("file %s is empty", path)}
	}
	return v, nil
}

// assign parses raw into the key's field. Secret values never appear in problems.
func assign(kk key, c *Config, raw any) *Problem {
	bad := func(want string) *Problem {
		msg := "must be " + want
		if !kk.isSecret() {
			msg += fmt.Sprintf(", got %s", show(raw))
		}
		return &Problem{Key: kk.name, Message: msg, Fix: fmt.Sprintf("fix the value of %s or %s", kk.name, envName(kk.name))}
	}
	switch f := kk.field(c).(type) {
	case *string:
		s, ok := asString(raw)
		if l, isList := raw.([]any); isList && kk.list {
			s, ok = asWords(l)
		}
		if !ok {
			if kk.list {
				return bad("a string or a list of strings")
			}
			return bad("a string")
		}
		*f = s
	case *Secret:
		s, ok := asString(raw)
		if !ok {
			return bad("a string")
		}
		*f = Secret(s)
	case *int:
		n, ok := asInt(raw)
		if !ok {
			return bad("a whole number")
		}
		*f = n
	case *bool:
		b, ok := asBool(raw)
		if !ok {
			return bad("true or false")
		}
		*f = b
	case *time.Duration:
		d, ok := asDuration(raw)
		if !ok {
			return bad("a duration such as 30m, 12h or 7d")
		}
		*f = d
	case *map[string]string:
		m, ok := asMap(raw)
		if !ok {
			return bad("a map, or key=value pairs separated by commas")
		}
		*f = m
	case *[]string:
		l, ok := asList(raw, kk.fold)
		if !ok {
			return bad("a list of strings, or strings separated by commas")
		}
		*f = l
	case *[]rbac.MappingRule:
		rules, p := asMapping(kk.name, raw)
		if p != nil {
			return p
		}
		*f = rules
	default:
		panic(fmt.Sprintf("config: key %s has unsupported field type %T", kk.name, f))
	}
	return nil
}

func show(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	if _, ok := v.(map[string]any); ok {
		return "a section"
	}
	if _, ok := v.([]any); ok {
		return "a list"
	}
	return fmt.Sprint(v)
}

func asString(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case int, int64, uint64, float64, bool:
		return fmt.Sprint(v), true
	}
	return "", false
}

func asInt(v any) (int, bool) {
	switch v := v.(type) {
	case int:
		return v, true
	case int64:
		return int(v), true
	case uint64:
		return int(v), v <= math.MaxInt
	case float64:
		return int(v), v == math.Trunc(v) && math.Abs(v) < math.MaxInt32
	case string:
		n, err := strconv.Atoi(strings.TrimSpace(v))
		return n, err == nil
	}
	return 0, false
}

func asBool(v any) (bool, bool) {
	switch v := v.(type) {
	case bool:
		return v, true
	case string:
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		return b, err == nil
	}
	return false, false
}

// maxDays keeps a number of days within time.Duration.
const maxDays = math.MaxInt64 / int64(24*time.Hour)

// asDuration parses a Go duration ("90m", "12h30m"), or a whole number of
// days with the suffix d ("7d"), which Go durations lack.
func asDuration(v any) (time.Duration, bool) {
	switch v := v.(type) {
	case string:
		v = strings.TrimSpace(v)
		if days, ok := strings.CutSuffix(v, "d"); ok {
			if days == "" || strings.Trim(days, "0123456789") != "" {
				return 0, false
			}
			n, err := strconv.ParseInt(days, 10, 64)
			return time.Duration(n) * 24 * time.Hour, err == nil && n <= maxDays
		}
		d, err := time.ParseDuration(v)
		return d, err == nil
	case int:
		return 0, v == 0
	}
	return 0, false
}

// asWords joins a list of scalars with spaces.
func asWords(l []any) (string, bool) {
	words := make([]string, len(l))
	for i, item := range l {
		w, ok := asString(item)
		if !ok {
			return "", false
		}
		words[i] = w
	}
	return strings.Join(words, " "), true
}

// asMap reads a YAML map of scalars, or "k=v,k2=v2" as set in the
// environment. Names and values are trimmed; a value may contain "=".
func asMap(v any) (map[string]string, bool) {
	out := map[string]string{}
	switch v := v.(type) {
	case map[string]any:
		for name, val := range v {
			s, ok := "", true // "prompt:" with no value
			if val != nil {
				s, ok = asString(val)
			}
			if !ok || strings.TrimSpace(name) == "" {
				return nil, false
			}
			out[strings.TrimSpace(name)] = s
		}
	case string:
		for _, pair := range strings.Split(v, ",") {
			if strings.TrimSpace(pair) == "" {
				continue
			}
			name, val, ok := strings.Cut(pair, "=")
			name = strings.TrimSpace(name)
			if !ok || name == "" {
				return nil, false
			}
			out[name] = strings.TrimSpace(val)
		}
	default:
		return nil, false
	}
	return out, true
}

// asList reads a YAML list of scalars, or "a,b" as set in the environment.
// Items are trimmed, lower-cased when fold is set, and empty ones dropped; a
// list left empty is nil.
func asList(v any, fold bool) ([]string, bool) {
	var items []string
	switch v := v.(type) {
	case []any:
		for _, item := range v {
			s, ok := asString(item)
			if !ok {
				return nil, false
			}
			items = append(items, s)
		}
	case string:
		items = strings.Split(v, ",")
	default:
		return nil, false
	}
	var out []string
	for _, s := range items {
		s = strings.TrimSpace(s)
		if fold {
			s = strings.ToLower(s)
		}
		if s != "" {
			out = append(out, s)
		}
	}
	return out, true
}

// asMapping reads role mapping rules, in order: a YAML list of
// {group: G, role: R}, or "G=R,G2=R2" as set in the environment, where the
// last "=" of each pair separates the group from the role (roles have none).
// Groups and roles are trimmed; their validity is checked later. Problems
// name the rule: key[2].
func asMapping(key string, v any) ([]rbac.MappingRule, *Problem) {
	fix := fmt.Sprintf("write %s as a list of {group: G, role: R}, or set %s=group=role,group2=role2", key, envName(key))
	var rules []rbac.MappingRule
	switch v := v.(type) {
	case []any:
		for i, item := range v {
			at := fmt.Sprintf("%s[%d]", key, i)
			m, ok := item.(map[string]any)
			if !ok {
				return nil, &Problem{Key: at, Message: "must be a map with group and role, got " + show(item), Fix: fix}
			}
			var rule rbac.MappingRule
			for name, val := range m {
				s, ok := "", true
				if val != nil {
					s, ok = asString(val)
				}
				if !ok {
					return nil, &Problem{Key: at + "." + name, Message: "must be a string, got " + show(val), Fix: fix}
				}
				switch name {
				case "group":
					rule.Group = strings.TrimSpace(s)
				case "role":
					rule.Role = rbac.Role(strings.TrimSpace(s))
				default:
					return nil, &Problem{Key: at, Message: fmt.Sprintf("has unknown field %q; a rule has only group and role", name), Fix: fix}
				}
			}
			rules = append(rules, rule)
		}
	case string:
		i := 0
		for _, pair := range strings.Split(v, ",") {
			if strings.TrimSpace(pair) == "" {
				continue
			}
			at := fmt.Sprintf("%s[%d]", key, i)
			cut := strings.LastIndex(pair, "=")
			if cut < 0 {
				return nil, &Problem{Key: at, Message: fmt.Sprintf("must be group=role, got %q", strings.TrimSpace(pair)), Fix: fix}
			}
			rules = append(rules, rbac.MappingRule{
				Group: strings.TrimSpace(pair[:cut]),
				Role:  rbac.Role(strings.TrimSpace(pair[cut+1:])),
			})
			i++
		}
	default:
		return nil, &Problem{Key: key, Message: "must be a list of {group, role} rules, got " + show(v), Fix: fix}
	}
	return rules, nil
}
