package doctor

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"headway/backend/config"
)

// discoveryPath is appended to the issuer (less one trailing slash) to find
// the discovery document (OpenID Connect Discovery 1.0, section 4).
const discoveryPath = "/.well-known/openid-configuration"

// discovery holds the fields of a discovery document the checks read.
type discovery struct {
	Issuer                string `json:"issuer"`
	AuthorizationEndpoint string `json:"authorization_endpoint"`
	TokenEndpoint         string `json:"token_endpoint"`
	UserinfoEndpoint      string `json:"userinfo_endpoint"`
	JWKSURI               string `json:"jwks_uri"`
	EndSessionEndpoint    string `json:"end_session_endpoint"`
	// Nil when the provider leaves the field out.
	CodeChallengeMethods []string `json:"code_challenge_methods_supported"`
	TokenAuthMethods     []string `json:"token_endpoint_auth_methods_supported"`
}

// oidcChecks checks the identity provider as Headway will use it. Without
// OIDC configured only the redirect URI is reported.
func oidcChecks(ctx context.Context, cfg *config.Config, opts Options) []Check {
	o := cfg.OIDC
	if !o.Enabled() {
		return []Check{{
			Name:   NameOIDCRedirectURI,
			Status: Pass,
			Detail: "OIDC sign-in is not configured; when you set it up, register " + cfg.Server.RedirectURI() + " as the client's redirect URI",
		}}
	}
	hc := opts.httpClient()
	var checks []Check

	discoveryURL := strings.TrimSuffix(o.Issuer, "/") + discoveryPath
	handSet := o.AuthorizationEndpoint != "" && o.TokenEndpoint != "" && o.JWKSURI != ""
	var doc *discovery
	status, body, err := fetch(ctx, hc, discoveryURL, opts)
	if err == nil && status == http.StatusOK {
		doc = &discovery{}
		if jerr := json.Unmarshal(body, doc); jerr != nil {
			doc, err = nil, fmt.Errorf("the document is not valid JSON: %w", jerr)
		}
	} else if err == nil {
		err = fmt.Errorf("HTTP %d", status)
	}
	if doc == nil {
		c := Check{
			Name:   NameOIDCDiscovery,
			Status: Fail,
			Detail: fmt.Sprintf("the discovery document %s could not be loaded: %v", discoveryURL, err),
			Fix: "Check oidc.issuer (it is the URL the identity provider names as its issuer, without " + discoveryPath +
				") and that the provider is reachable from the Headway server (DNS, firewall, proxy, TLS certificates).",
		}
		if !handSet {
			return append(checks, c, redirectURICheck(cfg))
		}
		// Headway skips discovery when these three are set by hand.
		c.Status = Warn
		c.Detail += "; Headway uses the hand-set endpoints instead"
		checks = append(checks, c)
	} else {
		checks = append(checks,
			Check{Name: NameOIDCDiscovery, Status: Pass, Detail: "loaded " + discoveryURL},
			issuerCheck(o.Issuer, doc.Issuer, discoveryURL))
	}

	eps, epCheck := endpointsCheck(o, doc)
	checks = append(checks, epCheck)
	if doc != nil {
		checks = append(checks, pkceCheck(o.UsePKCE, doc.CodeChallengeMethods), authMethodCheck(o.TokenEndpointAuthMethod, doc.TokenAuthMethods))
	}
	if eps.jwks != "" {
		checks = append(checks, jwksCheck(ctx, hc, eps.jwks, opts))
	}
	return append(checks, redirectURICheck(cfg))
}

// fetch GETs u and returns the status and at most maxDocumentBytes of the body.
func fetch(ctx context.Context, hc *http.Client, u string, opts Options) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, opts.timeout())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDocumentBytes))
	if err != nil {
		return resp.StatusCode, nil, err
	}
	return resp.StatusCode, body, nil
}

// issuerCheck compares the discovery document's issuer with the configured
// one. ID tokens are checked against the configured issuer, so they must be
// equal character for character, a trailing slash included.
func issuerCheck(configured, discovered, discoveryURL string) Check {
	c := Check{Name: NameOIDCIssuer}
	if configured == discovered {
		c.Status, c.Detail = Pass, fmt.Sprintf("the provider's issuer is %q, as configured", discovered)
		return c
	}
	shown := discovered
	if len(shown) > 256 {
		shown = shown[:256] + "…"
	}
	c.Status = Fail
	c.Detail = fmt.Sprintf("the discovery document %s names the issuer %q but oidc.issuer is %q", discoveryURL, shown, configured)
	if strings.TrimSuffix(configured, "/") == strings.TrimSuffix(discovered, "/") {
		c.Detail += "; they differ only by a trailing slash, which counts"
	}
	c.Fix = fmt.Sprintf("Set oidc.issuer to %q exactly (including any trailing slash).", shown)
	return c
}

type endpoints struct {
	auth, token, userinfo, jwks string
}

// endpointsCheck resolves the endpoints as Headway does (hand-set first,
// then discovered) and reports any that are missing or not absolute URLs.
func endpointsCheck(o config.OIDC, doc *discovery) (endpoints, Check) {
	pick := func(handSet string, discovered func(*discovery) string) string {
		if handSet != "" || doc == nil {
			return handSet
		}
		return discovered(doc)
	}
	eps := endpoints{
		auth:     pick(o.AuthorizationEndpoint, func(d *discovery) string { return d.AuthorizationEndpoint }),
		token:    pick(o.TokenEndpoint, func(d *discovery) string { return d.TokenEndpoint }),
		userinfo: pick(o.UserinfoEndpoint, func(d *discovery) string { return d.UserinfoEndpoint }),
		jwks:     pick(o.JWKSURI, func(d *discovery) string { return d.JWKSURI }),
	}
	endSession := pick(o.EndSessionEndpoint, func(d *discovery) string { return d.EndSessionEndpoint })

	var missing, invalid []string
	for _, e := range []struct{ key, value string }{
		{"authorization_endpoint", eps.auth},
		{"token_endpoint", eps.token},
		{"jwks_uri", eps.jwks},
		{"userinfo_endpoint", eps.userinfo},
	} {
		switch {
		case e.value == "":
			missing = append(missing, e.key)
		case !absoluteHTTP(e.value):
			invalid = append(invalid, e.key)
		}
	}
	c := Check{Name: NameOIDCEndpoints}
	setByHand := func(keys []string) string { return "oidc." + strings.Join(keys, ", oidc.") }
	switch {
	case len(invalid) > 0:
		c.Status = Fail
		c.Detail = "not absolute http(s) URLs: " + strings.Join(invalid, ", ")
		c.Fix = "Fix " + setByHand(invalid) + " (or the identity provider's discovery document)."
		if slices.Contains(invalid, "jwks_uri") {
			eps.jwks = "" // nothing to fetch
		}
	case slices.ContainsFunc(missing, func(k string) bool { return k != "userinfo_endpoint" }):
		c.Status = Fail
		c.Detail = "the identity provider has no " + strings.Join(missing, ", ")
		c.Fix = "Set " + setByHand(missing) + " by hand, or fix the identity provider's discovery document."
	case len(missing) > 0:
		// Sign-in works without userinfo, taking every claim from the ID token.
		c.Status = Warn
		c.Detail = "the identity provider has no userinfo_endpoint: email, name and groups must all be in the ID token"
		c.Fix = "Set oidc.userinfo_endpoint by hand if the provider has one, or make sure it puts the email, name and groups claims in the ID token."
	case o.UseEndSession && endSession == "":
		c.Status = Warn
		c.Detail = "oidc.use_end_session is on but the identity provider has no end_session_endpoint"
		c.Fix = "Set oidc.end_session_endpoint by hand, or set oidc.use_end_session: false."
	default:
		c.Status = Pass
		c.Detail = fmt.Sprintf("authorization %s, token %s, userinfo %s, jwks %s", eps.auth, eps.token, eps.userinfo, eps.jwks)
	}
	return eps, c
}

func absoluteHTTP(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// pkceCheck compares use_pkce with what the provider advertises.
//
// Whether a provider *requires* PKCE (Authelia's require_pkce, a public
// client in Keycloak) cannot be read from discovery in general: the document
// says which methods are supported, not which clients must use them. When the
// provider requires it and use_pkce is off, the sign-in error says so.
func pkceCheck(usePKCE bool, methods []string) Check {
	c := Check{Name: NameOIDCPKCE}
	s256 := slices.Contains(methods, "S256")
	switch {
	case s256 && usePKCE:
		c.Status, c.Detail = Pass, "PKCE (S256) is on and the provider supports it"
	case s256:
		c.Status, c.Detail = Warn, "PKCE is off but the provider supports it (S256)"
		c.Fix = "The provider supports PKCE; set oidc.use_pkce: true."
	case usePKCE && methods != nil:
		c.Status = Warn
		c.Detail = fmt.Sprintf("PKCE is on but the provider lists only %s among code_challenge_methods_supported; Headway sends S256", strings.Join(methods, ", "))
		c.Fix = "Enable S256 PKCE at the identity provider, or set oidc.use_pkce: false if sign-in fails."
	case usePKCE:
		c.Status, c.Detail = Pass, "PKCE (S256) is on; the provider does not advertise its PKCE methods, which many accept anyway"
	default:
		c.Status, c.Detail = Pass, "PKCE is off and the provider does not advertise S256"
	}
	return c
}

// authMethodCheck checks that the provider accepts the configured client
// authentication. A document without token_endpoint_auth_methods_supported
// means client_secret_basic only (OpenID Connect Discovery 1.0, section 3).
func authMethodCheck(configured string, supported []string) Check {
	c := Check{Name: NameOIDCTokenAuthMethod}
	listed := supported
	if listed == nil {
		listed = []string{"client_secret_basic"}
	}
	if slices.Contains(listed, configured) {
		c.Status, c.Detail = Pass, fmt.Sprintf("the provider accepts %s", configured)
		return c
	}
	c.Status = Fail
	c.Detail = fmt.Sprintf("oidc.token_endpoint_auth_method is %s but the provider accepts only %s", configured, strings.Join(listed, ", "))
	if supported == nil {
		c.Detail += " (it lists no token_endpoint_auth_methods_supported, which means client_secret_basic)"
	}
	for _, m := range []string{"client_secret_basic", "client_secret_post"} {
		if slices.Contains(listed, m) {
			c.Fix = fmt.Sprintf("Set oidc.token_endpoint_auth_method: %s (and configure the client at the provider the same way).", m)
			return c
		}
	}
	c.Fix = "Configure the client at the identity provider as a confidential client authenticating with client_secret_basic or client_secret_post."
	return c
}

// jwksCheck loads the provider's signing keys.
func jwksCheck(ctx context.Context, hc *http.Client, jwksURL string, opts Options) Check {
	c := Check{Name: NameOIDCJWKS, Status: Fail, Fix: "Check oidc.jwks_uri (or the provider's jwks_uri) and that it is reachable from the Headway server."}
	status, body, err := fetch(ctx, hc, jwksURL, opts)
	if err != nil {
		c.Detail = fmt.Sprintf("the signing keys at %s could not be loaded: %v", jwksURL, err)
		return c
	}
	if status != http.StatusOK {
		c.Detail = fmt.Sprintf("the signing keys at %s could not be loaded: HTTP %d", jwksURL, status)
		return c
	}
	var set struct {
		Keys []struct {
			Kty string `json:"kty"`
			Use string `json:"use"`
		} `json:"keys"`
	}
	if err := json.Unmarshal(body, &set); err != nil {
		c.Detail = fmt.Sprintf("%s is not a JSON Web Key Set: %v", jwksURL, err)
		return c
	}
	n := 0
	for _, k := range set.Keys {
		if k.Kty != "" && k.Use != "enc" {
			n++
		}
	}
	if n == 0 {
		c.Detail = fmt.Sprintf("%s holds no signing keys, so no ID token can be verified", jwksURL)
		c.Fix = "Configure a signing key at the identity provider, or check oidc.jwks_uri."
		return c
	}
	c.Status, c.Fix = Pass, ""
	c.Detail = fmt.Sprintf("%s holds %d signing key(s)", jwksURL, n)
	return c
}

func redirectURICheck(cfg *config.Config) Check {
	return Check{
		Name:   NameOIDCRedirectURI,
		Status: Pass,
		Detail: fmt.Sprintf("register exactly %s as a redirect URI of client %q at the identity provider", cfg.Server.RedirectURI(), cfg.OIDC.ClientID),
	}
}
