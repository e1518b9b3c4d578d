package config

import (
	"strings"
	"time"
)

// key describes one configuration key. The list below is the single place a
// key is declared: it drives defaults, parsing, secret _path handling,
// unknown-key detection, and the configuration reference.
type key struct {
	name     string // dotted path, e.g. "server.port"
	def      string // default, spelled as in the file or environment; "" means none
	required bool
	doc      string
	// field returns a pointer to the Config field the value lands in. Its
	// type decides how the value is parsed: *string, *int, *bool,
	// *time.Duration or *Secret. A *Secret key also accepts name+"_path".
	field func(*Config) any
}

var keys = []key{
	{
		name: "server.host", def: "0.0.0.0",
		doc:   "Address to listen on.",
		field: func(c *Config) any { return &c.Server.Host },
	},
	{
		name: "server.port", def: "3000",
		doc:   "TCP port to listen on.",
		field: func(c *Config) any { return &c.Server.Port },
	},
	{
		name: "server.base_url", required: true,
		doc:   "Public URL of the site Headway is served from, without /admin (Headway serves under {base_url}/admin).",
		field: func(c *Config) any { return &c.Server.BaseURL },
	},
	{
		name: "server.cookie_secret", required: true,
		doc:   "Secret for session cookies and encrypting stored API keys; at least 32 characters.",
		field: func(c *Config) any { return &c.Server.CookieSecret },
	},
	{
		name: "server.cookie_secure", def: "true",
		doc:   "Mark cookies Secure (HTTPS only). Set to false only for plain-HTTP local testing.",
		field: func(c *Config) any { return &c.Server.CookieSecure },
	},
	{
		name: "database.url", required: true,
		doc:   "PostgreSQL connection URL (postgres:// or postgresql://).",
		field: func(c *Config) any { return &c.Database.URL },
	},
	{
		name: "headscale.url", required: true,
		doc:   "URL Headway uses to reach Headscale's API.",
		field: func(c *Config) any { return &c.Headscale.URL },
	},
	{
		name:  "headscale.public_url",
		doc:   "URL devices use to reach Headscale; defaults to headscale.url.",
		field: func(c *Config) any { return &c.Headscale.PublicURL },
	},
	{
		name: "headscale.api_key", required: true,
		doc:   "Headscale API key (headscale apikeys create).",
		field: func(c *Config) any { return &c.Headscale.APIKey },
	},
}

const envPrefix = "HEADWAY_"

// envName returns the environment variable that sets the key name.
func envName(name string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(name, ".", "__"))
}

// keyFromEnv returns the key an environment variable name sets.
func keyFromEnv(v string) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(v, envPrefix), "__", "."))
}

// isSecret reports whether the key holds a secret.
func (k key) isSecret() bool {
	_, ok := k.field(&Config{}).(*Secret)
	return ok
}

// typeName names the key's value type for people.
func (k key) typeName() string {
	switch k.field(&Config{}).(type) {
	case *int:
		return "integer"
	case *bool:
		return "boolean"
	case *time.Duration:
		return "duration"
	case *Secret:
		return "secret"
	default:
		return "string"
	}
}

// knownNames returns every accepted key, including the _path variants of secrets.
func knownNames() []string {
	var names []string
	for _, k := range keys {
		names = append(names, k.name)
		if k.isSecret() {
			names = append(names, k.name+"_path")
		}
	}
	return names
}

// isSection reports whether name is a section (e.g. "server") rather than a key.
func isSection(name string) bool {
	for _, k := range keys {
		if strings.HasPrefix(k.name, name+".") {
			return true
		}
	}
	return false
}
