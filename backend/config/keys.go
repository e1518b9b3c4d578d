package config

import (
	"slices"
	"strings"
	"time"

	"headway/backend/rbac"
)

// key describes one configuration key. The list below is the single place a
// key is declared: it drives defaults, parsing, secret _path handling,
// unknown-key detection, and the configuration reference.
type key struct {
	name     string // dotted path, e.g. "server.port"
	def      string // default, spelled as in the file or environment; "" means none
	required bool
	doc      string
	// list says a YAML list is also accepted for a *string field; its items
	// are joined with spaces.
	list bool
	// alias, when set, makes this a deprecated spelling of the key it names.
	// The alias fills that key's field only when the key itself is unset, and
	// its use is reported as a warning. Aliases are left out of the example
	// file and of "did you mean" suggestions.
	alias string
	// fold lower-cases the items of a *[]string key, for values compared
	// case-insensitively.
	fold bool
	// field returns a pointer to the Config field the value lands in. Its
	// type decides how the value is parsed: *string, *int, *bool,
	// *time.Duration, *Secret, *map[string]string, *[]string or
	// *[]rbac.MappingRule. A *Secret key also accepts name+"_path". A
	// *map[string]string key takes a YAML map, or "k=v,k2=v2" from the
	// environment; its entries are keys under its name
	// (oidc.extra_params.prompt) and are never unknown. A *[]string key takes
	// a YAML list, or "a,b" from the environment; items are trimmed and empty
	// ones dropped. A *[]rbac.MappingRule key takes a YAML list of
	// {group: G, role: R}, or "G=R,G2=R2" from the environment, in order.
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
		name: "server.session_idle_timeout", def: "12h",
		doc:   "Sign a session out after this long without a request. A duration such as 30m, 12h or 7d (whole days).",
		field: func(c *Config) any { return &c.Server.SessionIdleTimeout },
	},
	{
		name: "server.session_max_age", def: "168h",
		doc:   "Sign a session out this long after sign-in, however active; at least session_idle_timeout. A duration such as 12h or 7d (whole days).",
		field: func(c *Config) any { return &c.Server.SessionMaxAge },
	},
	{
		name:  "server.metrics_listen",
		doc:   "Address (host:port) of a separate listener serving Prometheus metrics at /metrics, such as 127.0.0.1:9090. Unset, no metrics are served.",
		field: func(c *Config) any { return &c.Server.MetricsListen },
	},
	{
		name: "server.log_format", def: LogFormatText,
		doc:   "Format of the log on standard error: text (key=value) or json (one object per line).",
		field: func(c *Config) any { return &c.Server.LogFormat },
	},
	{
		name: "server.log_level", def: LogLevelInfo,
		doc:   "Least severe level logged: debug, info, warn or error.",
		field: func(c *Config) any { return &c.Server.LogLevel },
	},
	{
		name: "auth.token_max_age", def: "90d",
		doc:   "Longest lifetime of an API token (hw_…) a user creates for scripts. A duration such as 720h or 90d (whole days).",
		field: func(c *Config) any { return &c.Auth.TokenMaxAge },
	},
	{
		name: "audit.retention", def: "90d",
		doc:   "How long audit events are kept; older ones are pruned hourly. A duration such as 720h or 90d (whole days).",
		field: func(c *Config) any { return &c.Audit.Retention },
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
	{
		name: "headscale.refresh_interval", def: "5s",
		doc:   "How often Headway re-reads Headscale's machines and users; Headway's own changes show at once.",
		field: func(c *Config) any { return &c.Headscale.RefreshInterval },
	},
	{
		name: "headscale.config_path",
		doc: "Path of Headscale's configuration file (config.yaml), where its DNS settings live. Headway reads it " +
			"to show them and writes it to change them, keeping comments and every other key. Unset, DNS is not managed.",
		field: func(c *Config) any { return &c.Headscale.ConfigPath },
	},
	{
		name: "headscale.restart_command",
		doc: "Shell command run (with sh -c, for at most 30 seconds) after Headway changes Headscale's DNS settings, " +
			"which Headscale reads only at start; such as systemctl restart headscale. Unset, Headscale is restarted by hand.",
		field: func(c *Config) any { return &c.Headscale.RestartCommand },
	},
	{
		name:  "oidc.issuer",
		doc:   "OpenID Connect issuer URL, exactly as in the provider's discovery document (a trailing slash counts). Setting it or oidc.client_id enables sign-in with OIDC.",
		field: func(c *Config) any { return &c.OIDC.Issuer },
	},
	{
		name:  "oidc.client_id",
		doc:   "Client ID registered at the identity provider. Required when OIDC is enabled.",
		field: func(c *Config) any { return &c.OIDC.ClientID },
	},
	{
		name:  "oidc.client_secret",
		doc:   "Client secret registered at the identity provider. Required when OIDC is enabled.",
		field: func(c *Config) any { return &c.OIDC.ClientSecret },
	},
	{
		name: "oidc.scope", def: "openid email profile", list: true,
		doc:   "Scopes to request, separated by spaces or commas (a YAML list also works); must include openid.",
		field: func(c *Config) any { return &c.OIDC.Scope },
	},
	{
		name:  "oidc.extra_params",
		doc:   "Extra query parameters for the authorization request, such as prompt: select_account or domain_hint: example.com. From the environment: k=v,k2=v2.",
		field: func(c *Config) any { return &c.OIDC.ExtraParams },
	},
	{
		name: "oidc.use_pkce", def: "false",
		doc:   "Send a PKCE (S256) code challenge; required by some providers, such as Authelia with require_pkce.",
		field: func(c *Config) any { return &c.OIDC.UsePKCE },
	},
	{
		name: "oidc.token_endpoint_auth_method", def: authBasic,
		doc:   "How Headway authenticates at the token endpoint: client_secret_basic or client_secret_post.",
		field: func(c *Config) any { return &c.OIDC.TokenEndpointAuthMethod },
	},
	{
		name:  "oidc.authorization_endpoint",
		doc:   "Authorization endpoint URL, overriding discovery.",
		field: func(c *Config) any { return &c.OIDC.AuthorizationEndpoint },
	},
	{
		name:  "oidc.token_endpoint",
		doc:   "Token endpoint URL, overriding discovery.",
		field: func(c *Config) any { return &c.OIDC.TokenEndpoint },
	},
	{
		name:  "oidc.userinfo_endpoint",
		doc:   "Userinfo endpoint URL, overriding discovery.",
		field: func(c *Config) any { return &c.OIDC.UserinfoEndpoint },
	},
	{
		name:  "oidc.jwks_uri",
		doc:   "URL of the provider's signing keys (JWKS), overriding discovery.",
		field: func(c *Config) any { return &c.OIDC.JWKSURI },
	},
	{
		name:  "oidc.end_session_endpoint",
		doc:   "End-session (logout) endpoint URL, overriding discovery.",
		field: func(c *Config) any { return &c.OIDC.EndSessionEndpoint },
	},
	{
		name: "oidc.only_start_if_oidc_is_available", def: "false",
		doc:   "Refuse to start until the identity provider's discovery document can be fetched.",
		field: func(c *Config) any { return &c.OIDC.OnlyStartIfOIDCIsAvailable },
	},
	{
		name: "oidc.disable_api_key_login", def: "false",
		doc:   "Hide sign-in with a Headscale API key, leaving OIDC as the only way in. Needs OIDC enabled.",
		field: func(c *Config) any { return &c.OIDC.DisableAPIKeyLogin },
	},
	{
		name: "oidc.use_end_session", def: "false",
		doc:   "On sign-out, also end the session at the identity provider (RP-initiated logout).",
		field: func(c *Config) any { return &c.OIDC.UseEndSession },
	},
	{
		name:  "oidc.post_logout_redirect_uri",
		doc:   "Where the identity provider sends the browser after ending its session; must be registered there.",
		field: func(c *Config) any { return &c.OIDC.PostLogoutRedirectURI },
	},
	{
		name: "oidc.default_role", def: string(rbac.Member),
		doc: "Role given to a new console user signing in with OIDC whose groups match no oidc.role_mapping rule: " +
			"admin, network_admin, it_admin, auditor, viewer or member (never owner). member cannot open the console.",
		field: func(c *Config) any { return &c.OIDC.DefaultRole },
	},
	{
		name: "oidc.groups_claim", def: "groups",
		doc:   "Name of the top-level ID token or userinfo claim that lists the user's groups, read by oidc.role_mapping and oidc.allowed_groups.",
		field: func(c *Config) any { return &c.OIDC.GroupsClaim },
	},
	{
		name: "oidc.role_mapping",
		doc: "Ordered list of {group, role} rules giving members of an identity-provider group a console role " +
			"(never owner). When several rules match, the highest role wins (admin > network_admin > it_admin > " +
			"auditor > viewer > member); with none, oidc.default_role applies. Groups compare case-insensitively and " +
			"ignore one leading / (Keycloak paths). A role an admin set by hand is pinned: sign-in leaves it alone. " +
			"From the environment: group=role,group2=role2.",
		field: func(c *Config) any { return &c.OIDC.RoleMapping },
	},
	{
		name: "oidc.allowed_domains", fold: true,
		doc: "Only let in users whose email address is in one of these domains (exact match, case-insensitive). " +
			"A YAML list, or comma-separated from the environment.",
		field: func(c *Config) any { return &c.OIDC.AllowedDomains },
	},
	{
		name: "oidc.allowed_groups", fold: true,
		doc: "Only let in users in at least one of these groups, read from oidc.groups_claim (case-insensitive). " +
			"A YAML list, or comma-separated from the environment.",
		field: func(c *Config) any { return &c.OIDC.AllowedGroups },
	},
	{
		name: "oidc.allowed_users", fold: true,
		doc: "Only let in users with one of these email addresses (case-insensitive), as in Headscale. " +
			"A YAML list, or comma-separated from the environment.",
		field: func(c *Config) any { return &c.OIDC.AllowedUsers },
	},
	{
		name: "oidc.email_verified_required",
		doc: "Refuse sign-in unless the provider marks the email address verified (email_verified). " +
			"Default: true when oidc.allowed_domains or oidc.allowed_users is set, else false.",
		field: func(c *Config) any { return &c.OIDC.EmailVerifiedRequired },
	},
	{
		name: "oidc.link_by_email", def: "true",
		doc: "When a console user who is not linked yet signs in with OIDC, link them to the Headscale user with " +
			"the same email address, if there is one and nobody else is linked to it.",
		field: func(c *Config) any { return &c.OIDC.LinkByEmail },
	},
	{
		name: "oidc.headscale_api_key", alias: "headscale.api_key",
		doc:   "Deprecated spelling of headscale.api_key.",
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
	case *map[string]string:
		return "map"
	case *[]string:
		return "list"
	case *[]rbac.MappingRule:
		return "list of group and role"
	default:
		return "string"
	}
}

// knownNames returns every accepted key in declaration order, including the
// _path variants of secrets and deprecated aliases.
func knownNames() []string {
	var names []string
	for _, k := range keys {
		names = append(names, k.names()...)
	}
	return names
}

// currentNames is knownNames without deprecated aliases: the names to suggest.
func currentNames() []string {
	var names []string
	for _, k := range keys {
		if k.alias == "" {
			names = append(names, k.names()...)
		}
	}
	return names
}

// isMap reports whether the key holds a map, whose entries are keys under its name.
func (k key) isMap() bool {
	_, ok := k.field(&Config{}).(*map[string]string)
	return ok
}

// names returns the key's name and, for a secret, its _path variant.
func (k key) names() []string {
	if k.isSecret() {
		return []string{k.name, k.name + "_path"}
	}
	return []string{k.name}
}

// isKnown reports whether name is an accepted key, an alias, or an entry of a map key.
func isKnown(name string) bool {
	for _, k := range keys {
		if slices.Contains(k.names(), name) || (k.isMap() && strings.HasPrefix(name, k.name+".")) {
			return true
		}
	}
	return false
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
