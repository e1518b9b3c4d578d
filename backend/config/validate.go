package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"headway/backend/rbac"
)

// Problem is one thing wrong with the configuration.
type Problem struct {
	Key     string // dotted key, e.g. "server.base_url"
	Message string // what is wrong; never contains a secret's value
	Fix     string // how to fix it; may be empty
}

func (p Problem) String() string {
	s := p.Key + ": " + p.Message
	if p.Fix != "" {
		s += " — " + p.Fix
	}
	return s
}

// ValidationError lists every problem found in the configuration.
type ValidationError struct {
	Problems []Problem
}

// Error lists each problem on its own line.
func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

const minCookieSecret = 32

// validate checks values that parsed, normalizing URLs in place. Keys that
// are unset or already reported are skipped.
func validate(c *Config, set, bad map[string]bool) []Problem {
	var ps []Problem
	check := func(name string) bool { return set[name] && !bad[name] }
	add := func(p *Problem) {
		if p != nil {
			ps = append(ps, *p)
		}
	}

	if check("server.port") && (c.Server.Port < 1 || c.Server.Port > 65535) {
		ps = append(ps, Problem{
			Key:     "server.port",
			Message: fmt.Sprintf("must be between 1 and 65535, got %d", c.Server.Port),
			Fix:     "check server.port / " + envName("server.port"),
		})
	}
	if check("server.base_url") {
		var p *Problem
		c.Server.BaseURL, p = checkHTTPURL("server.base_url", c.Server.BaseURL, false)
		add(p)
	}
	if check("server.cookie_secret") {
		if n := utf8.RuneCountInString(c.Server.CookieSecret.Reveal()); n < minCookieSecret {
			ps = append(ps, Problem{
				Key:     "server.cookie_secret",
				Message: fmt.Sprintf("is %d characters, needs at least %d", n, minCookieSecret),
				Fix:     "generate one with: openssl rand -hex 32",
			})
		}
	}
	ps = append(ps, validateDurations(c, check)...)
	ps = append(ps, validateObservability(&c.Server, check)...)
	if check("database.url") {
		add(checkPostgresURL("database.url", c.Database.URL.Reveal()))
	}
	if check("headscale.refresh_interval") && c.Headscale.RefreshInterval < time.Second {
		ps = append(ps, Problem{
			Key:     "headscale.refresh_interval",
			Message: fmt.Sprintf("must be at least 1s, got %s", c.Headscale.RefreshInterval),
			Fix:     "every refresh costs Headscale a bcrypt check; 5s is a good default",
		})
	}
	if check("headscale.url") {
		var p *Problem
		c.Headscale.URL, p = checkHTTPURL("headscale.url", c.Headscale.URL, true)
		add(p)
	}
	if check("headscale.public_url") {
		var p *Problem
		c.Headscale.PublicURL, p = checkHTTPURL("headscale.public_url", c.Headscale.PublicURL, true)
		add(p)
	} else if !bad["headscale.public_url"] {
		c.Headscale.PublicURL = c.Headscale.URL
	}
	if !set["oidc.email_verified_required"] && !bad["oidc.email_verified_required"] {
		// Restricting by email means little if the email is not verified.
		c.OIDC.EmailVerifiedRequired = len(c.OIDC.AllowedDomains) > 0 || len(c.OIDC.AllowedUsers) > 0
	}
	ps = append(ps, validateOIDC(c.OIDC, check, set, bad)...)
	return ps
}

// validateDurations checks the lifetimes of sessions, tokens and audit events.
func validateDurations(c *Config, check func(string) bool) []Problem {
	s := c.Server
	var ps []Problem
	positive := func(name string, d time.Duration) bool {
		if !check(name) {
			return false
		}
		if d <= 0 {
			ps = append(ps, Problem{
				Key:     name,
				Message: fmt.Sprintf("must be longer than 0, got %s", fmtDuration(d)),
				Fix:     fmt.Sprintf("set %s (or %s) to a duration such as 12h or 7d", name, envName(name)),
			})
			return false
		}
		return true
	}
	idleOK := positive("server.session_idle_timeout", s.SessionIdleTimeout)
	maxOK := positive("server.session_max_age", s.SessionMaxAge)
	positive("auth.token_max_age", c.Auth.TokenMaxAge)
	positive("audit.retention", c.Audit.Retention)
	if idleOK && maxOK && s.SessionIdleTimeout > s.SessionMaxAge {
		ps = append(ps, Problem{
			Key: "server.session_idle_timeout",
			Message: fmt.Sprintf("is %s, longer than server.session_max_age (%s)",
				fmtDuration(s.SessionIdleTimeout), fmtDuration(s.SessionMaxAge)),
			Fix: "lower server.session_idle_timeout or raise server.session_max_age",
		})
	}
	return ps
}

// validateObservability checks the metrics listener and the log settings,
// lower-casing the log format and level in place.
func validateObservability(s *Server, check func(string) bool) []Problem {
	var ps []Problem
	if check("server.metrics_listen") {
		if p := checkMetricsListen(*s); p != nil {
			ps = append(ps, *p)
		}
	}
	if check("server.log_format") {
		s.LogFormat = strings.ToLower(strings.TrimSpace(s.LogFormat))
		if s.LogFormat != LogFormatText && s.LogFormat != LogFormatJSON {
			ps = append(ps, Problem{
				Key:     "server.log_format",
				Message: fmt.Sprintf("must be %s or %s, got %q", LogFormatText, LogFormatJSON, s.LogFormat),
				Fix:     fmt.Sprintf("use json for a log collector, text for people (%s)", envName("server.log_format")),
			})
		}
	}
	if check("server.log_level") {
		s.LogLevel = strings.ToLower(strings.TrimSpace(s.LogLevel))
		var names []string
		for _, l := range logLevels {
			names = append(names, l.name)
		}
		if !slices.Contains(names, s.LogLevel) {
			ps = append(ps, Problem{
				Key:     "server.log_level",
				Message: fmt.Sprintf("must be one of %s, got %q", strings.Join(names, ", "), s.LogLevel),
				Fix:     fmt.Sprintf("use info unless investigating a problem (%s)", envName("server.log_level")),
			})
		}
	}
	return ps
}

// checkMetricsListen checks that the metrics address is host:port with a
// usable port that the main listener does not already take.
func checkMetricsListen(s Server) *Problem {
	const key = "server.metrics_listen"
	fix := fmt.Sprintf("set %s (or %s) to host:port, such as 127.0.0.1:9090, or leave it unset to turn metrics off", key, envName(key))
	host, port, err := net.SplitHostPort(s.MetricsListen)
	if err != nil {
		return &Problem{Key: key, Message: fmt.Sprintf("must be host:port, got %q", s.MetricsListen), Fix: fix}
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return &Problem{Key: key, Message: fmt.Sprintf("must have a port between 1 and 65535, got %q", port), Fix: fix}
	}
	wildcard := func(h string) bool { return h == "" || h == "0.0.0.0" || h == "::" }
	if n == s.Port && (host == s.Host || wildcard(host) || wildcard(s.Host)) {
		return &Problem{
			Key:     key,
			Message: fmt.Sprintf("uses port %d, which server.host and server.port already listen on", n),
			Fix:     "give metrics a port of their own, such as 9090",
		}
	}
	return nil
}

// reservedParams are authorization request parameters Headway sets itself;
// oidc.extra_params cannot replace them.
var reservedParams = []string{
	"response_type", "client_id", "redirect_uri", "scope", "state", "nonce",
	"code_challenge", "code_challenge_method",
}

func validateOIDC(o OIDC, check func(string) bool, set, bad map[string]bool) []Problem {
	var ps []Problem
	add := func(p *Problem) {
		if p != nil {
			ps = append(ps, *p)
		}
	}

	if check("oidc.issuer") {
		add(checkAbsoluteURL("oidc.issuer", o.Issuer, false))
	}
	for _, e := range []struct {
		name string
		v    string
	}{
		{"oidc.authorization_endpoint", o.AuthorizationEndpoint},
		{"oidc.token_endpoint", o.TokenEndpoint},
		{"oidc.userinfo_endpoint", o.UserinfoEndpoint},
		{"oidc.jwks_uri", o.JWKSURI},
		{"oidc.end_session_endpoint", o.EndSessionEndpoint},
		{"oidc.post_logout_redirect_uri", o.PostLogoutRedirectURI},
	} {
		if check(e.name) {
			add(checkAbsoluteURL(e.name, e.v, true))
		}
	}
	if check("oidc.scope") && !slices.Contains(o.Scopes(), "openid") {
		ps = append(ps, Problem{
			Key:     "oidc.scope",
			Message: fmt.Sprintf("must include openid, got %q", o.Scope),
			Fix:     "add openid, e.g. oidc.scope: openid email profile",
		})
	}
	if check("oidc.token_endpoint_auth_method") && o.TokenEndpointAuthMethod != authBasic && o.TokenEndpointAuthMethod != authPost {
		ps = append(ps, Problem{
			Key:     "oidc.token_endpoint_auth_method",
			Message: fmt.Sprintf("must be %s or %s, got %q", authBasic, authPost, o.TokenEndpointAuthMethod),
			Fix:     fmt.Sprintf("use %s unless the identity provider wants the secret in the request body (%s)", authBasic, authPost),
		})
	}
	if check("oidc.extra_params") {
		var reserved []string
		for name := range o.ExtraParams {
			if slices.Contains(reservedParams, name) {
				reserved = append(reserved, name)
			}
		}
		if len(reserved) > 0 {
			sort.Strings(reserved)
			fix := "remove it from oidc.extra_params"
			if slices.Contains(reserved, "scope") {
				fix += "; scopes go in oidc.scope"
			}
			ps = append(ps, Problem{
				Key:     "oidc.extra_params",
				Message: fmt.Sprintf("must not set %s: Headway sets these itself", strings.Join(reserved, ", ")),
				Fix:     fix,
			})
		}
	}

	if check("oidc.default_role") {
		add(checkRole("oidc.default_role", rbac.Role(o.DefaultRole)))
	}
	if check("oidc.groups_claim") && strings.TrimSpace(o.GroupsClaim) == "" {
		ps = append(ps, Problem{
			Key:     "oidc.groups_claim",
			Message: "is blank",
			Fix:     "set it to the claim holding the user's groups, such as groups, or leave it out",
		})
	}
	if check("oidc.role_mapping") {
		for i, rule := range o.RoleMapping {
			at := fmt.Sprintf("oidc.role_mapping[%d]", i)
			if errors.Is(rbac.ValidateMapping([]rbac.MappingRule{rule}), rbac.ErrMappingGroupEmpty) {
				ps = append(ps, Problem{
					Key:     at + ".group",
					Message: "names no group",
					Fix:     "set the group as the identity provider sends it, for example admins or /admins",
				})
			}
			add(checkRole(at+".role", rule.Role))
		}
	}
	for _, l := range []struct {
		name  string
		items []string
		email bool
	}{
		{"oidc.allowed_domains", o.AllowedDomains, false},
		{"oidc.allowed_users", o.AllowedUsers, true},
	} {
		if !check(l.name) {
			continue
		}
		for i, item := range l.items {
			local, domain, isEmail := strings.Cut(item, "@")
			switch {
			case l.email && (!isEmail || local == "" || domain == "" || strings.ContainsAny(item, " \t")):
				ps = append(ps, Problem{
					Key:     fmt.Sprintf("%s[%d]", l.name, i),
					Message: fmt.Sprintf("must be an email address, got %q", item),
					Fix:     "list users by email address, as in Headscale: alice@example.com",
				})
			case !l.email && (strings.ContainsAny(item, "@/: \t") || strings.Trim(item, ".") != item):
				ps = append(ps, Problem{
					Key:     fmt.Sprintf("%s[%d]", l.name, i),
					Message: fmt.Sprintf("must be an email domain such as example.com, got %q", item),
					Fix:     "give the part after @ only",
				})
			}
		}
	}

	if !o.Enabled() {
		if check("oidc.disable_api_key_login") && o.DisableAPIKeyLogin {
			ps = append(ps, Problem{
				Key:     "oidc.disable_api_key_login",
				Message: "is true but OIDC is not enabled, so nobody could sign in",
				Fix:     "set oidc.issuer, oidc.client_id and oidc.client_secret, or set oidc.disable_api_key_login to false",
			})
		}
		return ps
	}
	because := "oidc.issuer"
	if o.Issuer == "" {
		because = "oidc.client_id"
	}
	for _, name := range []string{"oidc.issuer", "oidc.client_id", "oidc.client_secret"} {
		if set[name] || bad[name] {
			continue
		}
		p := missing(keyNamed(name))
		p.Message = fmt.Sprintf("is required because %s is set (OIDC sign-in is enabled)", because)
		p.Fix += fmt.Sprintf("; or unset %s to turn OIDC off", because)
		ps = append(ps, p)
	}
	return ps
}

// mappableRoles lists the roles groups and the default role may give.
func mappableRoles() string {
	var names []string
	for _, r := range rbac.Roles() {
		if rbac.ValidateDefaultRole(r) == nil {
			names = append(names, string(r))
		}
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// checkRole checks a role that group mappings or the default role give:
// valid, and never owner.
func checkRole(key string, r rbac.Role) *Problem {
	err := rbac.ValidateDefaultRole(r)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, rbac.ErrOwnerNotMappable):
		return &Problem{
			Key:     key,
			Message: "must not be owner: group mappings and the default role cannot give the owner role",
			Fix:     "ownership moves only by transfer in the console; use admin instead",
		}
	default:
		return &Problem{
			Key:     key,
			Message: fmt.Sprintf("must be one of %s, got %q", mappableRoles(), r),
			Fix:     "role names are lower-case, as listed",
		}
	}
}

// checkAbsoluteURL checks that v is an absolute http(s) URL without
// credentials or a fragment, and, unless allowQuery, without a query. The
// value is used exactly as written, so it is not normalized.
func checkAbsoluteURL(key, v string, allowQuery bool) *Problem {
	fix := fmt.Sprintf("set %s (or %s) to an absolute URL like https://idp.example.com/path", key, envName(key))
	u, err := url.Parse(v)
	if err != nil {
		return &Problem{Key: key, Message: fmt.Sprintf("must be an absolute http:// or https:// URL, got %q", v), Fix: fix}
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &Problem{Key: key, Message: fmt.Sprintf("must be an absolute http:// or https:// URL, got %q", u.Redacted()), Fix: fix}
	}
	if u.User != nil || u.Fragment != "" || strings.Contains(v, "#") {
		return &Problem{Key: key, Message: fmt.Sprintf("must not contain credentials or a fragment, got %q", u.Redacted()), Fix: fix}
	}
	if !allowQuery && (u.RawQuery != "" || u.ForceQuery) {
		return &Problem{Key: key, Message: fmt.Sprintf("must not contain a query, got %q", u.Redacted()), Fix: fix}
	}
	return nil
}

// fmtDuration prints d without trailing zero units: 168h, 30m, 1h30m.
func fmtDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// checkHTTPURL checks that v is an absolute http(s) URL and returns it
// without a trailing slash. allowPath says whether a path is accepted.
func checkHTTPURL(key, v string, allowPath bool) (string, *Problem) {
	fix := fmt.Sprintf("set %s (or %s) to a URL like https://example.com", key, envName(key))
	u, err := url.Parse(v)
	if err != nil {
		return v, &Problem{Key: key, Message: fmt.Sprintf("must be an absolute http:// or https:// URL, got %q", v), Fix: fix}
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return v, &Problem{Key: key, Message: fmt.Sprintf("must be an absolute http:// or https:// URL, got %q", u.Redacted()), Fix: fix}
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return v, &Problem{Key: key, Message: fmt.Sprintf("must not contain credentials, a query or a fragment, got %q", u.Redacted()), Fix: fix}
	}
	if !allowPath && u.Path != "" && u.Path != "/" {
		root := u.Scheme + "://" + u.Host
		msg := fmt.Sprintf("must not have a path, got %q", u.Path)
		if strings.TrimSuffix(u.Path, "/") == "/admin" {
			msg += " (Headway adds /admin itself)"
		}
		return v, &Problem{Key: key, Message: msg, Fix: fmt.Sprintf("set it to %s; Headway serves under %s/admin", root, root)}
	}
	return strings.TrimRight(v, "/"), nil
}

// checkPostgresURL checks a database URL. It holds a password, so the
// problem never quotes it.
func checkPostgresURL(key, v string) *Problem {
	fix := fmt.Sprintf("set %s (or %s) to a URL like postgres://headway:PASSWORD@localhost:5432/headway", key, envName(key))
	u, err := url.Parse(v)
	if err != nil {
		return &Problem{Key: key, Message: "is not a valid URL (value not shown: it may contain a password)", Fix: fix}
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return &Problem{Key: key, Message: "must start with postgres:// or postgresql://", Fix: fix}
	}
	return nil
}
