// Package devidp is a small OpenID provider for the demo stack and tests; never for production.
//
// It serves the authorization code flow (PKCE S256, refresh tokens), discovery, JWKS,
// userinfo and RP-initiated logout through zitadel/oidc's provider package, with
// users and clients held in memory. Sign-in is a list of users to click: no
// passwords unless a user is given one. For browser-less tests, an authorization
// request carrying login_hint=<sub> signs that user in without showing the page.
package devidp

import (
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/zitadel/oidc/v3/pkg/op"
)

// Authentication methods a client may use at the token endpoint.
const (
	AuthMethodBasic = "client_secret_basic"
	AuthMethodPost  = "client_secret_post"
	AuthMethodNone  = "none"
)

// Lifetimes of what the provider issues.
const (
	authRequestLifetime  = 10 * time.Minute
	accessTokenLifetime  = time.Hour
	idTokenLifetime      = time.Hour
	refreshTokenLifetime = 24 * time.Hour
)

// User is a person who can sign in.
type User struct {
	Subject           string   `yaml:"sub" json:"sub"`
	Email             string   `yaml:"email" json:"email"`
	EmailVerified     bool     `yaml:"email_verified" json:"email_verified"`
	Name              string   `yaml:"name" json:"name"`
	PreferredUsername string   `yaml:"preferred_username" json:"preferred_username"`
	Groups            []string `yaml:"groups" json:"groups"`
	// Password is optional. When set, the login page asks for it and login_hint
	// does not sign this user in on its own.
	Password string `yaml:"password,omitempty" json:"password,omitempty"`
}

// Client is a relying party registered with the provider.
type Client struct {
	ID     string `yaml:"client_id" json:"client_id"`
	Secret string `yaml:"client_secret" json:"client_secret"`
	// RedirectURIs are matched exactly.
	RedirectURIs []string `yaml:"redirect_uris" json:"redirect_uris"`
	// AuthMethod is AuthMethodBasic (the default), AuthMethodPost or AuthMethodNone.
	// The token endpoint accepts only the registered method.
	AuthMethod string `yaml:"auth_method" json:"auth_method"`
	// RequirePKCE refuses authorization requests without an S256 code_challenge.
	RequirePKCE            bool     `yaml:"require_pkce" json:"require_pkce"`
	PostLogoutRedirectURIs []string `yaml:"post_logout_redirect_uris" json:"post_logout_redirect_uris"`
}

// Config describes a provider.
type Config struct {
	// Issuer is the exact issuer URL, for example http://127.0.0.1:9000 or
	// http://127.0.0.1:9000/oidc. Plain HTTP is allowed. The handler serves every
	// endpoint below the issuer's path.
	Issuer  string   `yaml:"issuer" json:"issuer"`
	Users   []User   `yaml:"users" json:"users"`
	Clients []Client `yaml:"clients" json:"clients"`
	// SigningKey signs ID tokens (RS256). A fresh 2048-bit key is generated when nil.
	SigningKey *rsa.PrivateKey `yaml:"-" json:"-"`
	// Logger receives the provider's own log lines; slog.Default() when nil.
	// zitadel/oidc logs through slog's default logger regardless.
	Logger *slog.Logger `yaml:"-" json:"-"`
}

// Provider is a running OpenID provider. It is an http.Handler serving the
// issuer's path and everything below it.
type Provider struct {
	issuer     string
	issuerPath string // the issuer URL's path without a trailing slash; "" at the root
	store      *storage
	op         *op.Provider
	mux        *http.ServeMux
	log        *slog.Logger
}

// New builds a provider from cfg. Users and clients are validated all at once.
func New(cfg Config) (*Provider, error) {
	u, err := url.Parse(cfg.Issuer)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("devidp: issuer %q: want an absolute http(s) URL without query or fragment", cfg.Issuer)
	}
	if err := validate(cfg); err != nil {
		return nil, err
	}
	key := cfg.SigningKey
	if key == nil {
		key, err = rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, fmt.Errorf("devidp: generate signing key: %w", err)
		}
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}

	p := &Provider{
		issuer:     cfg.Issuer,
		issuerPath: strings.TrimSuffix(u.EscapedPath(), "/"),
		log:        log,
	}
	p.store, err = newStorage(p, cfg.Users, cfg.Clients, key)
	if err != nil {
		return nil, err
	}

	var cryptoKey [32]byte
	if _, err := rand.Read(cryptoKey[:]); err != nil {
		return nil, fmt.Errorf("devidp: generate token key: %w", err)
	}
	opConfig := &op.Config{
		CryptoKey:                cryptoKey,
		DefaultLogoutRedirectURI: p.url(loggedOutPath),
		CodeMethodS256:           true,
		AuthMethodPost:           true,
		GrantTypeRefreshToken:    true,
		SupportedScopes:          []string{"openid", "profile", "email", "groups", "offline_access"},
		SupportedClaims:          append(slices.Clone(op.DefaultSupportedClaims), "groups", "nonce"),
	}
	p.op, err = op.NewProvider(opConfig, p.store, op.StaticIssuer(cfg.Issuer), op.WithAllowInsecure())
	if err != nil {
		return nil, fmt.Errorf("devidp: create provider: %w", err)
	}

	inner := http.NewServeMux()
	inner.HandleFunc("GET "+loginPath, p.showLogin)
	inner.HandleFunc("POST "+loginPath, p.submitLogin)
	inner.HandleFunc("GET "+loggedOutPath, p.showLoggedOut)
	inner.Handle(p.op.TokenEndpoint().Relative(), p.checkClientAuthMethod(p.op))
	inner.Handle("/", p.op)

	p.mux = http.NewServeMux()
	if p.issuerPath == "" {
		p.mux.Handle("/", inner)
	} else {
		p.mux.Handle(p.issuerPath+"/", http.StripPrefix(p.issuerPath, inner))
	}
	return p, nil
}

// ServeHTTP serves the provider's endpoints below the issuer's path.
func (p *Provider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mux.ServeHTTP(w, r)
}

// Handler returns the provider as an http.Handler.
func (p *Provider) Handler() http.Handler { return p }

// Issuer returns the issuer exactly as configured.
func (p *Provider) Issuer() string { return p.issuer }

// DiscoveryURL returns the address of the discovery document.
func (p *Provider) DiscoveryURL() string {
	return strings.TrimSuffix(p.issuer, "/") + "/.well-known/openid-configuration"
}

// AuthorizationEndpoint returns the authorization endpoint's address.
func (p *Provider) AuthorizationEndpoint() string {
	return p.op.AuthorizationEndpoint().Absolute(p.issuer)
}

// TokenEndpoint returns the token endpoint's address.
func (p *Provider) TokenEndpoint() string { return p.op.TokenEndpoint().Absolute(p.issuer) }

// UserinfoEndpoint returns the userinfo endpoint's address.
func (p *Provider) UserinfoEndpoint() string { return p.op.UserinfoEndpoint().Absolute(p.issuer) }

// EndSessionEndpoint returns the end_session endpoint's address.
func (p *Provider) EndSessionEndpoint() string {
	return p.op.EndSessionEndpoint().Absolute(p.issuer)
}

// Users returns a copy of the users, in configuration order.
func (p *Provider) Users() []User { return p.store.listUsers() }

// SetUsers replaces every user. Sign-ins already completed keep their tokens.
func (p *Provider) SetUsers(users []User) error {
	if err := validateUsers(users); err != nil {
		return fmt.Errorf("devidp: set users: %w", err)
	}
	p.store.setUsers(users)
	return nil
}

// AddUser adds a user, or replaces the one with the same subject.
func (p *Provider) AddUser(u User) error {
	if err := validateUsers([]User{u}); err != nil {
		return fmt.Errorf("devidp: add user: %w", err)
	}
	p.store.putUser(u)
	return nil
}

// url returns the absolute address of a path below the issuer.
func (p *Provider) url(path string) string {
	return strings.TrimSuffix(p.issuer, "/") + path
}

// validate reports every problem in cfg's users and clients at once.
func validate(cfg Config) error {
	errs := []error{validateUsers(cfg.Users)}
	seen := make(map[string]bool)
	for i, c := range cfg.Clients {
		where := fmt.Sprintf("clients[%d]", i)
		if c.ID == "" {
			errs = append(errs, fmt.Errorf("%s.client_id: required", where))
		} else if seen[c.ID] {
			errs = append(errs, fmt.Errorf("%s.client_id: %q appears twice", where, c.ID))
		}
		seen[c.ID] = true
		switch c.AuthMethod {
		case "", AuthMethodBasic, AuthMethodPost:
			if c.Secret == "" {
				errs = append(errs, fmt.Errorf("%s.client_secret: required unless auth_method is none", where))
			}
		case AuthMethodNone:
		default:
			errs = append(errs, fmt.Errorf("%s.auth_method: %q is not one of client_secret_basic, client_secret_post, none", where, c.AuthMethod))
		}
		if len(c.RedirectURIs) == 0 {
			errs = append(errs, fmt.Errorf("%s.redirect_uris: at least one required", where))
		}
		for j, ru := range append(slices.Clone(c.RedirectURIs), c.PostLogoutRedirectURIs...) {
			if u, err := url.Parse(ru); err != nil || u.Scheme == "" || u.Host == "" {
				errs = append(errs, fmt.Errorf("%s: redirect URI %d %q is not an absolute URL", where, j, ru))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("devidp: invalid config: %w", err)
	}
	return nil
}

func validateUsers(users []User) error {
	var errs []error
	seen := make(map[string]bool)
	for i, u := range users {
		switch {
		case u.Subject == "":
			errs = append(errs, fmt.Errorf("users[%d].sub: required", i))
		case seen[u.Subject]:
			errs = append(errs, fmt.Errorf("users[%d].sub: %q appears twice", i, u.Subject))
		}
		seen[u.Subject] = true
	}
	return errors.Join(errs...)
}
