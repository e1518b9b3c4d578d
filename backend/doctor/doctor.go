// Package doctor checks a Headway installation and says how to fix what is wrong.
//
// Run performs every check against a loaded configuration and returns them in
// a fixed order; it prints nothing, so the command line and the web console
// can present the same results. No check's Detail or Fix ever carries a
// secret: the database URL is shown with its password redacted, and every
// configured secret is scrubbed from the text before Run returns.
package doctor

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"headway/backend/config"
)

// Status is the outcome of a check.
type Status string

// Outcomes. A warning does not make the installation fail.
const (
	Pass Status = "pass"
	Warn Status = "warn"
	Fail Status = "fail"
)

// Check is the result of one check: what was found (Detail) and, unless it
// passed, how to fix it (Fix).
type Check struct {
	Name   string `json:"name"`
	Status Status `json:"status"`
	Detail string `json:"detail"`
	Fix    string `json:"fix"`
}

// Check names, in the order Run returns them.
const (
	NameConfig              = "config"
	NameCookieSecure        = "server.cookie_secure"
	NameDatabaseReachable   = "database.reachable"
	NameDatabaseMigrated    = "database.migrated"
	NameHeadscaleReachable  = "headscale.reachable"
	NameHeadscaleVersion    = "headscale.version"
	NameHeadscaleAPIKey     = "headscale.api_key"
	NameHeadscaleKeyExpiry  = "headscale.api_key_expiry"
	NameOIDCDiscovery       = "oidc.discovery"
	NameOIDCIssuer          = "oidc.issuer"
	NameOIDCEndpoints       = "oidc.endpoints"
	NameOIDCPKCE            = "oidc.pkce"
	NameOIDCTokenAuthMethod = "oidc.token_endpoint_auth_method"
	NameOIDCJWKS            = "oidc.jwks"
	NameOIDCRedirectURI     = "oidc.redirect_uri"
)

const (
	defaultTimeout           = 10 * time.Second
	keyExpiryWarning         = 30 * 24 * time.Hour
	maxDocumentBytes         = 1 << 20
	minScrubbedSecretLength  = 6
	redacted                 = "[redacted]"
	redactedDatabasePassword = "xxxxx"
)

// Options tunes Run. The zero value is ready to use.
type Options struct {
	// Timeout bounds each check's calls (10s when zero).
	Timeout time.Duration
	// HTTPClient is used for Headscale and the identity provider; nil means
	// a default client.
	HTTPClient *http.Client
	// Now is the clock for API key expiry; time.Now when nil.
	Now func() time.Time
	// Warnings are the ones config.Load returned (unknown or deprecated
	// keys); they turn the config check into a warning.
	Warnings []string
}

func (o Options) timeout() time.Duration {
	if o.Timeout > 0 {
		return o.Timeout
	}
	return defaultTimeout
}

func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

func (o Options) httpClient() *http.Client {
	if o.HTTPClient != nil {
		return o.HTTPClient
	}
	return &http.Client{Timeout: o.timeout()}
}

// Run checks the installation described by cfg: configuration, cookies,
// database, Headscale and (when configured) the OpenID Connect provider. The
// database, Headscale and identity-provider checks run concurrently; each
// call is bounded by opts.Timeout. Checks whose prerequisite failed (the
// migration state of a database that cannot be reached, say) are left out.
func Run(ctx context.Context, cfg *config.Config, opts Options) []Check {
	groups := []func(context.Context, *config.Config, Options) []Check{
		func(context.Context, *config.Config, Options) []Check {
			return []Check{configCheck(opts.Warnings), cookieSecureCheck(cfg.Server)}
		},
		databaseChecks,
		headscaleChecks,
		oidcChecks,
	}
	results := make([][]Check, len(groups))
	var wg sync.WaitGroup
	for i, g := range groups {
		wg.Go(func() { results[i] = g(ctx, cfg, opts) })
	}
	wg.Wait()

	checks := []Check{}
	for _, r := range results {
		checks = append(checks, r...)
	}
	return scrub(checks, secretsOf(cfg))
}

// ConfigChecks turns an error from config.Load into failed checks: one per
// problem of a *config.ValidationError, or a single one otherwise. The other
// checks need a configuration, so there is nothing more to run.
func ConfigChecks(err error) []Check {
	if err == nil {
		return []Check{configCheck(nil)}
	}
	var invalid *config.ValidationError
	if !errors.As(err, &invalid) {
		return []Check{{
			Name:   NameConfig,
			Status: Fail,
			Detail: "the configuration could not be read: " + err.Error(),
			Fix:    "Check the path given with --config (or $" + config.PathEnv + ") and that the file is valid YAML.",
		}}
	}
	checks := make([]Check, 0, len(invalid.Problems))
	for _, p := range invalid.Problems {
		fix := p.Fix
		if fix == "" {
			fix = "Correct " + p.Key + " in the configuration file or its HEADWAY_ environment variable."
		}
		checks = append(checks, Check{Name: NameConfig, Status: Fail, Detail: p.Key + ": " + p.Message, Fix: fix})
	}
	return checks
}

// Failed reports whether any check failed; warnings do not count.
func Failed(checks []Check) bool {
	for _, c := range checks {
		if c.Status == Fail {
			return true
		}
	}
	return false
}

func configCheck(warnings []string) Check {
	if len(warnings) == 0 {
		return Check{Name: NameConfig, Status: Pass, Detail: "the configuration is valid"}
	}
	return Check{
		Name:   NameConfig,
		Status: Warn,
		Detail: "the configuration is valid, but: " + strings.Join(warnings, "; "),
		Fix:    "Remove or rename the keys named above; ignored keys usually mean a setting you meant to make has no effect.",
	}
}

// secretsOf lists the configured secret values to keep out of every check.
func secretsOf(cfg *config.Config) []string {
	secrets := []string{
		cfg.Headscale.APIKey.Reveal(),
		cfg.OIDC.ClientSecret.Reveal(),
		cfg.Server.CookieSecret.Reveal(),
		cfg.Database.URL.Reveal(),
		databasePassword(cfg.Database.URL.Reveal()),
	}
	if _, secret, ok := splitAPIKey(cfg.Headscale.APIKey.Reveal()); ok {
		secrets = append(secrets, secret)
	}
	return secrets
}

// scrub replaces every secret in the checks' text. Secrets too short to be
// told apart from ordinary words are left to the redaction at the source.
func scrub(checks []Check, secrets []string) []Check {
	var pairs []string
	for _, s := range secrets {
		if len(s) >= minScrubbedSecretLength {
			pairs = append(pairs, s, redacted)
		}
	}
	if len(pairs) == 0 {
		return checks
	}
	r := strings.NewReplacer(pairs...)
	for i := range checks {
		checks[i].Detail = r.Replace(checks[i].Detail)
		checks[i].Fix = r.Replace(checks[i].Fix)
	}
	return checks
}

// dsnPassword matches the password of a key=value connection string.
var dsnPassword = regexp.MustCompile(`(?i)(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)`)

// RedactDatabaseURL returns the database URL (postgres:// or key=value) with
// its password replaced, for display.
func RedactDatabaseURL(raw string) string {
	if u, err := url.Parse(raw); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		if q := u.Query(); q.Has("password") {
			q.Set("password", redactedDatabasePassword)
			u.RawQuery = q.Encode()
		}
		return u.Redacted()
	}
	if strings.Contains(raw, "://") {
		return "(a database URL that does not parse)"
	}
	return dsnPassword.ReplaceAllString(raw, "${1}"+redactedDatabasePassword)
}

// databasePassword returns the password in a database URL or connection string, or "".
func databasePassword(raw string) string {
	if u, err := url.Parse(raw); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		if p, ok := u.User.Password(); ok {
			return p
		}
		return u.Query().Get("password")
	}
	if m := dsnPassword.FindStringSubmatch(raw); m != nil {
		return strings.Trim(m[2], "'")
	}
	return ""
}
