package config

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"
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
	if check("database.url") {
		add(checkPostgresURL("database.url", c.Database.URL.Reveal()))
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
	return ps
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
