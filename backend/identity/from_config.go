package identity

import (
	"headway/backend/config"
	"headway/backend/rbac"
)

// OptionsFrom fills the options that come from Headway's configuration;
// the caller adds the store, Headscale and the logger.
func OptionsFrom(c *config.Config) Options {
	o := c.OIDC
	return Options{
		Issuer:                o.Issuer,
		DefaultRole:           rbac.Role(o.DefaultRole),
		GroupsClaim:           o.GroupsClaim,
		RoleMapping:           o.RoleMapping,
		AllowedDomains:        o.AllowedDomains,
		AllowedGroups:         o.AllowedGroups,
		AllowedUsers:          o.AllowedUsers,
		EmailVerifiedRequired: o.EmailVerifiedRequired,
		LinkByEmail:           o.LinkByEmail,
		PublicURL:             c.Headscale.PublicURL,
	}
}
