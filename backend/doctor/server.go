package doctor

import (
	"net/url"
	"strings"

	"headway/backend/config"
)

// cookieSecureCheck compares server.cookie_secure with the scheme of
// server.base_url: browsers drop Secure cookies over plain HTTP, except on
// localhost, which they treat as a secure context.
func cookieSecureCheck(s config.Server) Check {
	c := Check{Name: NameCookieSecure}
	https := s.IsHTTPS()
	switch {
	case s.CookieSecure && !https && isLoopback(s.BaseURL):
		c.Status = Warn
		c.Detail = "server.cookie_secure is true with a plain-HTTP server.base_url on localhost; most browsers accept Secure cookies there, some do not"
		c.Fix = "If you cannot stay signed in, set server.cookie_secure: false for local testing, or serve Headway over HTTPS."
	case s.CookieSecure && !https:
		c.Status = Fail
		c.Detail = "server.cookie_secure is true but server.base_url (" + s.BaseURL + ") is plain HTTP: browsers drop Secure cookies there, so nobody can sign in"
		c.Fix = "Serve Headway over HTTPS (for example behind a reverse proxy) and set server.base_url to its https:// address; only for local testing, set server.cookie_secure: false."
	case !s.CookieSecure && https:
		c.Status = Warn
		c.Detail = "server.cookie_secure is false although server.base_url is https: session cookies may be sent over plain HTTP"
		c.Fix = "Set server.cookie_secure: true."
	case https:
		c.Status, c.Detail = Pass, "cookies are Secure and server.base_url is https"
	default:
		c.Status, c.Detail = Pass, "cookies are not Secure, matching the plain-HTTP server.base_url (acceptable for local testing only)"
	}
	return c
}

// isLoopback reports whether the URL's host is localhost or a loopback address.
func isLoopback(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	h := strings.ToLower(u.Hostname())
	return h == "localhost" || strings.HasSuffix(h, ".localhost") || h == "::1" || strings.HasPrefix(h, "127.")
}
