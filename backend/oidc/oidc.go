// Package oidc is Headway's OpenID Connect relying party: discovery or hand-set endpoints, PKCE, code exchange and ID-token verification.
//
// It keeps no login state: the caller stores state, nonce and PKCE verifier
// (server-side, single use) and passes them back in. Discovery is lazy, cached
// once it succeeds, and retried with exponential backoff after a failure.
package oidc

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/zitadel/oidc/v3/pkg/client/rp"
	zoidc "github.com/zitadel/oidc/v3/pkg/oidc"
	"golang.org/x/oauth2"
)

// Token endpoint client authentication methods.
const (
	AuthMethodBasic = "client_secret_basic"
	AuthMethodPost  = "client_secret_post"
)

const (
	// callTimeout bounds discovery and every call to the identity provider.
	callTimeout = 10 * time.Second
	// minBackoff and maxBackoff bound the window after a failed discovery in
	// which further attempts return the cached failure at once.
	minBackoff = time.Second
	maxBackoff = 60 * time.Second
	// clockSkew is tolerated between Headway's clock and the identity provider's
	// for iat; exp is checked that much earlier.
	clockSkew = 10 * time.Second
	// maxDiscoveryBody limits the discovery document.
	maxDiscoveryBody = 1 << 20
)

// signingAlgs are the ID-token signature algorithms accepted: asymmetric only,
// never "none" and never HS* (which would make the client secret a signing key).
var signingAlgs = []string{"RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256"}

// reservedParams are set by the relying party itself; ExtraParams cannot replace them.
var reservedParams = []string{
	"response_type", "client_id", "redirect_uri", "scope", "state", "nonce",
	"code_challenge", "code_challenge_method",
}

// Config configures the relying party. Issuer, ClientID and RedirectURI are required.
type Config struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	// RedirectURI is {server.base_url}/admin/oidc/callback, registered at the IdP exactly.
	RedirectURI string
	// Scopes default to openid email profile; openid is added when missing.
	Scopes []string
	// ExtraParams are added to the authorization request (prompt=select_account, domain_hint=...).
	ExtraParams map[string]string
	// UsePKCE sends an S256 code challenge and the code verifier.
	UsePKCE bool
	// TokenEndpointAuthMethod is "client_secret_basic" (default) or "client_secret_post".
	TokenEndpointAuthMethod string
	// Each endpoint overrides the discovered one. With authorization, token and
	// JWKS endpoints all set, discovery is skipped.
	AuthorizationEndpoint string
	TokenEndpoint         string
	UserinfoEndpoint      string
	JWKSURI               string
	EndSessionEndpoint    string
	// HTTPClient is used for every call to the identity provider; nil means a
	// client with a 10s timeout.
	HTTPClient *http.Client
}

// Provider is a configured relying party. It is safe for concurrent use.
type Provider struct {
	cfg        Config
	logger     *slog.Logger
	httpClient *http.Client
	scopes     []string
	authMethod string
	authStyle  oauth2.AuthStyle
	extra      map[string]string
	configErr  *Error // set by New when the configuration cannot work
	now        func() time.Time
	timeout    time.Duration // per call to the identity provider

	mu       sync.Mutex
	party    *relyingParty // non-nil once built; never reset
	lastErr  *Error        // last discovery failure
	failures int           // consecutive discovery failures
	retryAt  time.Time     // no new attempt before this, unless forced
	inflight chan struct{} // closed when the running attempt ends
}

// relyingParty is zitadel's OAuth-only relying party turned into an OpenID
// Connect one: the endpoints come from discovery or configuration, and ID
// tokens are verified with Headway's verifier.
type relyingParty struct {
	rp.RelyingParty
	issuer     string
	userinfo   string
	endSession string
	verifier   *rp.IDTokenVerifier
}

func (r *relyingParty) IsOAuth2Only() bool                   { return false }
func (r *relyingParty) Issuer() string                       { return r.issuer }
func (r *relyingParty) UserinfoEndpoint() string             { return r.userinfo }
func (r *relyingParty) GetEndSessionEndpoint() string        { return r.endSession }
func (r *relyingParty) IDTokenVerifier() *rp.IDTokenVerifier { return r.verifier }

// New returns a Provider for cfg. It does no I/O; a configuration that cannot
// work makes every call fail with oidc_not_configured.
func New(cfg Config, logger *slog.Logger) *Provider {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	p := &Provider{
		cfg:        cfg,
		logger:     logger,
		httpClient: cfg.HTTPClient,
		now:        time.Now,
		timeout:    callTimeout,
		extra:      map[string]string{},
	}
	if p.httpClient == nil {
		p.httpClient = &http.Client{Timeout: callTimeout}
	}

	p.scopes = slices.Clone(cfg.Scopes)
	if len(p.scopes) == 0 {
		p.scopes = []string{"openid", "email", "profile"}
	}
	if !slices.Contains(p.scopes, "openid") {
		p.scopes = append([]string{"openid"}, p.scopes...)
	}

	for k, v := range cfg.ExtraParams {
		if slices.Contains(reservedParams, k) {
			logger.Warn("oidc: ignoring extra_params entry that Headway sets itself", "param", k)
			continue
		}
		p.extra[k] = v
	}

	switch cfg.TokenEndpointAuthMethod {
	case "", AuthMethodBasic:
		p.authMethod, p.authStyle = AuthMethodBasic, oauth2.AuthStyleInHeader
	case AuthMethodPost:
		p.authMethod, p.authStyle = AuthMethodPost, oauth2.AuthStyleInParams
	default:
		p.configErr = &Error{
			Code:    CodeNotConfigured,
			Message: fmt.Sprintf("unsupported token endpoint auth method %q", cfg.TokenEndpointAuthMethod),
			Hint:    "Set oidc.token_endpoint_auth_method to client_secret_basic or client_secret_post.",
		}
	}

	var missing []string
	if cfg.Issuer == "" {
		missing = append(missing, "oidc.issuer")
	}
	if cfg.ClientID == "" {
		missing = append(missing, "oidc.client_id")
	}
	if cfg.RedirectURI == "" {
		missing = append(missing, "server.base_url")
	}
	if len(missing) > 0 {
		p.configErr = &Error{
			Code:    CodeNotConfigured,
			Message: "OpenID Connect sign-in is not configured",
			Hint:    "Set " + strings.Join(missing, ", ") + ".",
		}
	}
	return p
}

// Ready discovers the identity provider now, if that has not succeeded yet,
// regardless of the backoff window. Used at start with only_start_if_oidc_is_available.
func (p *Provider) Ready(ctx context.Context) error {
	if _, err := p.relyingParty(ctx, true); err != nil {
		return err
	}
	return nil
}

// Status reports whether sign-in with the identity provider is available: nil
// when it is, else the reason. It runs discovery if that is due, and returns a
// recent failure at once while the backoff window lasts.
func (p *Provider) Status(ctx context.Context) *Error {
	_, err := p.relyingParty(ctx, false)
	return err
}

// relyingParty returns the built relying party, discovering first if needed.
// Concurrent callers share one attempt. With force, a failure within the
// backoff window does not stop a new attempt.
func (p *Provider) relyingParty(ctx context.Context, force bool) (*relyingParty, *Error) {
	if p == nil {
		return nil, &Error{Code: CodeNotConfigured, Message: "OpenID Connect sign-in is not configured"}
	}
	if p.configErr != nil {
		return nil, p.configErr
	}
	p.mu.Lock()
	if p.party != nil {
		defer p.mu.Unlock()
		return p.party, nil
	}
	if !force && p.lastErr != nil && p.now().Before(p.retryAt) {
		defer p.mu.Unlock()
		return nil, p.lastErr
	}
	done := p.inflight
	if done == nil {
		done = make(chan struct{})
		p.inflight = done
		// The attempt outlives a caller that gives up, so one impatient
		// request does not spoil the result for the others.
		go p.attempt(context.WithoutCancel(ctx), done)
	}
	p.mu.Unlock()

	select {
	case <-done:
	case <-ctx.Done():
		return nil, unreachable("discovery document", ctx.Err())
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.party != nil {
		return p.party, nil
	}
	return nil, p.lastErr
}

// attempt builds the relying party once and records the outcome.
func (p *Provider) attempt(ctx context.Context, done chan struct{}) {
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	party, err := p.build(ctx)

	p.mu.Lock()
	defer p.mu.Unlock()
	if err == nil {
		p.party, p.lastErr, p.failures = party, nil, 0
		p.logger.Info("oidc: identity provider ready", "issuer", p.cfg.Issuer,
			"authorization_endpoint", party.OAuthConfig().Endpoint.AuthURL)
	} else {
		p.failures++
		wait := backoff(p.failures)
		p.lastErr, p.retryAt = err, p.now().Add(wait)
		p.logger.Warn("oidc: identity provider not available", "code", err.Code,
			"issuer", p.cfg.Issuer, "failures", p.failures, "retry_in", wait, "error", err.Err)
	}
	p.inflight = nil
	close(done)
}

// backoff returns the window after the n-th consecutive failure: 1s, 2s, 4s … 60s.
func backoff(n int) time.Duration {
	d := minBackoff
	for i := 1; i < n && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

type endpoints struct {
	auth, token, userinfo, jwks, endSession string
}

// build resolves the endpoints (discovery, then hand-set overrides) and
// constructs the relying party.
func (p *Provider) build(ctx context.Context) (*relyingParty, *Error) {
	c := p.cfg
	eps := endpoints{c.AuthorizationEndpoint, c.TokenEndpoint, c.UserinfoEndpoint, c.JWKSURI, c.EndSessionEndpoint}
	if eps.auth == "" || eps.token == "" || eps.jwks == "" {
		doc, err := p.discover(ctx)
		if err != nil {
			return nil, err
		}
		fill := func(dst *string, v string) {
			if *dst == "" {
				*dst = v
			}
		}
		fill(&eps.auth, doc.AuthorizationEndpoint)
		fill(&eps.token, doc.TokenEndpoint)
		fill(&eps.userinfo, doc.UserinfoEndpoint)
		fill(&eps.jwks, doc.JwksURI)
		fill(&eps.endSession, doc.EndSessionEndpoint)
	}

	var missing []string
	if eps.auth == "" {
		missing = append(missing, "authorization_endpoint")
	}
	if eps.token == "" {
		missing = append(missing, "token_endpoint")
	}
	if eps.jwks == "" {
		missing = append(missing, "jwks_uri")
	}
	if len(missing) > 0 {
		return nil, &Error{
			Code:    CodeMissingEndpoints,
			Message: "the identity provider has no " + strings.Join(missing, ", "),
			Hint:    "Set oidc." + strings.Join(missing, ", oidc.") + " by hand, or fix the identity provider's discovery document.",
		}
	}

	oc := &oauth2.Config{
		ClientID:     c.ClientID,
		ClientSecret: c.ClientSecret,
		RedirectURL:  c.RedirectURI,
		Scopes:       p.scopes,
		Endpoint:     oauth2.Endpoint{AuthURL: eps.auth, TokenURL: eps.token},
	}
	base, err := rp.NewRelyingPartyOAuth(oc, rp.WithHTTPClient(p.httpClient), rp.WithAuthStyle(p.authStyle))
	if err != nil {
		return nil, &Error{Code: CodeNotConfigured, Message: "the OpenID Connect client could not be set up", Err: err}
	}
	// All verifier options in one place: they are not additive elsewhere.
	verifier := rp.NewIDTokenVerifier(c.Issuer, c.ClientID,
		rp.NewRemoteKeySet(p.httpClient, eps.jwks),
		rp.WithSupportedSigningAlgorithms(signingAlgs...),
		rp.WithNonce(nonceFrom),
		rp.WithIssuedAtOffset(clockSkew),
	)
	return &relyingParty{
		RelyingParty: base,
		issuer:       c.Issuer,
		userinfo:     eps.userinfo,
		endSession:   eps.endSession,
		verifier:     verifier,
	}, nil
}

// discoveryURL is where the discovery document lives for the configured issuer.
func (p *Provider) discoveryURL() string {
	return strings.TrimSuffix(p.cfg.Issuer, "/") + zoidc.DiscoveryEndpoint
}

// discover loads and checks the discovery document.
func (p *Provider) discover(ctx context.Context) (*zoidc.DiscoveryConfiguration, *Error) {
	u := p.discoveryURL()
	unavailable := func(msg string, err error) *Error {
		return &Error{
			Code:    CodeUnavailable,
			Message: msg,
			Hint:    "Check that oidc.issuer is right and that " + u + " is reachable from the Headway server (DNS, firewall, proxy, TLS certificates), or set the endpoints by hand.",
			Err:     err,
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, unavailable("the discovery URL is not valid", err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := p.httpClient.Do(req)
	if err != nil {
		return nil, unavailable("the identity provider's discovery document could not be loaded", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDiscoveryBody))
	if err != nil {
		return nil, unavailable("the identity provider's discovery document could not be read", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, unavailable(fmt.Sprintf("the identity provider's discovery document could not be loaded (HTTP %d)", resp.StatusCode),
			fmt.Errorf("%w: GET %s: %s: %.512s", zoidc.ErrDiscoveryFailed, u, resp.Status, body))
	}
	var doc zoidc.DiscoveryConfiguration
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, unavailable("the identity provider's discovery document is not valid JSON", fmt.Errorf("%w: %w", zoidc.ErrDiscoveryFailed, err))
	}
	if doc.Issuer != p.cfg.Issuer {
		got := doc.Issuer
		if len(got) > 256 {
			got = got[:256] + "…"
		}
		return nil, &Error{
			Code: CodeIssuerMismatch,
			Message: fmt.Sprintf("the discovery document names the issuer %q but oidc.issuer is %q; they must be equal, including any trailing slash",
				got, p.cfg.Issuer),
			Hint: fmt.Sprintf("Set oidc.issuer to %q if that is your identity provider's issuer.", got),
			Err:  fmt.Errorf("%w: discovery issuer %q, configured %q", zoidc.ErrIssuerInvalid, doc.Issuer, p.cfg.Issuer),
		}
	}
	return &doc, nil
}
