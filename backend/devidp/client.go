package devidp

import (
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// client adapts a configured Client to zitadel's op.Client.
type client struct {
	c        Client
	loginURL func(authRequestID string) string
}

var _ op.Client = (*client)(nil)

func (c *client) GetID() string                    { return c.c.ID }
func (c *client) RedirectURIs() []string           { return c.c.RedirectURIs }
func (c *client) PostLogoutRedirectURIs() []string { return c.c.PostLogoutRedirectURIs }
func (c *client) LoginURL(id string) string        { return c.loginURL(id) }
func (c *client) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}
func (c *client) GrantTypes() []oidc.GrantType {
	return []oidc.GrantType{oidc.GrantTypeCode, oidc.GrantTypeRefreshToken}
}
func (c *client) AccessTokenType() op.AccessTokenType { return op.AccessTokenTypeBearer }
func (c *client) IDTokenLifetime() time.Duration      { return idTokenLifetime }
func (c *client) ClockSkew() time.Duration            { return 0 }

// ApplicationType makes public clients user-agent applications rather than
// native ones, so their redirect URIs are matched exactly, port included.
func (c *client) ApplicationType() op.ApplicationType {
	if c.c.AuthMethod == AuthMethodNone {
		return op.ApplicationTypeUserAgent
	}
	return op.ApplicationTypeWeb
}

func (c *client) AuthMethod() oidc.AuthMethod {
	switch c.c.AuthMethod {
	case AuthMethodPost:
		return oidc.AuthMethodPost
	case AuthMethodNone:
		return oidc.AuthMethodNone
	default:
		return oidc.AuthMethodBasic
	}
}

// DevMode lets registered http:// redirect URIs through; they are still matched exactly.
func (c *client) DevMode() bool { return true }

func (c *client) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(scopes []string) []string { return scopes }
}

func (c *client) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(scopes []string) []string { return scopes }
}

// IsScopeAllowed accepts the groups scope besides the standard ones.
func (c *client) IsScopeAllowed(scope string) bool { return scope == "groups" }

// IDTokenUserinfoClaimsAssertion puts profile and email claims in the ID token
// even though an access token is issued with it.
func (c *client) IDTokenUserinfoClaimsAssertion() bool { return true }
