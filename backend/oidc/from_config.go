package oidc

import "headway/backend/config"

// ConfigFrom builds the relying party's settings from Headway's configuration.
func ConfigFrom(c *config.Config) Config {
	o := c.OIDC
	return Config{
		Issuer:                  o.Issuer,
		ClientID:                o.ClientID,
		ClientSecret:            o.ClientSecret.Reveal(),
		RedirectURI:             c.Server.RedirectURI(),
		Scopes:                  o.Scopes(),
		ExtraParams:             o.ExtraParams,
		UsePKCE:                 o.UsePKCE,
		TokenEndpointAuthMethod: o.TokenEndpointAuthMethod,
		AuthorizationEndpoint:   o.AuthorizationEndpoint,
		TokenEndpoint:           o.TokenEndpoint,
		UserinfoEndpoint:        o.UserinfoEndpoint,
		JWKSURI:                 o.JWKSURI,
		EndSessionEndpoint:      o.EndSessionEndpoint,
	}
}
