package identity

import (
	"slices"
	"strings"

	"headway/backend/oidc"
	"headway/backend/rbac"
)

// Claims is what the identity provider says about a person signing in.
// Raw holds every claim of the ID token (merged with userinfo), for the
// configured groups claim.
type Claims struct {
	Subject           string
	Email             string
	EmailVerified     bool
	PreferredUsername string
	Groups            []string
	Raw               map[string]any
}

// Admit reports whether the person may sign in; nil means yes. It refuses
// with a *NotAllowedError naming the rule, checked in this order:
//   - email_unverified: EmailVerifiedRequired and the provider has not
//     verified the email;
//   - domain: AllowedDomains is set and the email's domain is not in it;
//   - user: AllowedUsers is set and the email is not in it;
//   - group: AllowedGroups is set and none of the person's groups (Groups)
//     is in it.
//
// Every configured rule must admit the person. Comparisons ignore case;
// groups also ignore one leading "/". Call it before auth.SignInOIDC, so a
// refused person gets no console account.
func (s *Service) Admit(c Claims) error {
	email := strings.ToLower(strings.TrimSpace(c.Email))
	if s.o.EmailVerifiedRequired && !c.EmailVerified {
		return &NotAllowedError{Code: CodeSignInNotAllowed, Rule: "email_unverified",
			Message: "Your identity provider has not verified your email address, so you are not allowed to sign in to this console.",
			Hint:    "Verify your email address with your identity provider, then sign in again."}
	}
	if len(s.o.AllowedDomains) > 0 {
		_, domain, ok := strings.Cut(email, "@")
		if !ok || !containsFold(s.o.AllowedDomains, domain, normalizeDomain) {
			return &NotAllowedError{Code: CodeSignInNotAllowed, Rule: "domain",
				Message: "Your email domain is not allowed to sign in to this console.",
				Hint:    "Sign in with an account of an allowed domain, or ask an administrator to allow yours (oidc.allowed_domains)."}
		}
	}
	if len(s.o.AllowedUsers) > 0 && (email == "" || !containsFold(s.o.AllowedUsers, email, strings.ToLower)) {
		return &NotAllowedError{Code: CodeSignInNotAllowed, Rule: "user",
			Message: "Your account is not allowed to sign in to this console.",
			Hint:    "Ask an administrator to add your email address to oidc.allowed_users."}
	}
	if len(s.o.AllowedGroups) > 0 && !slices.ContainsFunc(s.Groups(c), func(g string) bool {
		return containsFold(s.o.AllowedGroups, g, normalizeGroup)
	}) {
		return &NotAllowedError{Code: CodeSignInNotAllowed, Rule: "group",
			Message: "You are not in a group that is allowed to sign in to this console.",
			Hint:    "Ask an administrator to add you to an allowed group (oidc.allowed_groups)."}
	}
	return nil
}

// Groups returns the person's groups: the configured groups claim read from
// c.Raw (a string or a list of strings; a dotted name such as
// "realm_access.roles" walks nested objects when no claim has the whole
// name), falling back to c.Groups when Raw lacks the claim.
func (s *Service) Groups(c Claims) []string {
	if v, ok := lookupClaim(c.Raw, s.groupsClaim); ok {
		return oidc.Groups(v)
	}
	if c.Groups == nil {
		return []string{}
	}
	return c.Groups
}

// ClaimedRole returns the role groups give under oidc.role_mapping (the
// highest matching rule wins), else oidc.default_role. Never owner.
func (s *Service) ClaimedRole(groups []string) rbac.Role {
	return rbac.ClaimRole(groups, s.o.RoleMapping, s.o.DefaultRole)
}

// lookupClaim finds claim name in raw, first as a whole and then as a
// dotted path through nested objects.
func lookupClaim(raw map[string]any, name string) (any, bool) {
	if raw == nil {
		return nil, false
	}
	if v, ok := raw[name]; ok {
		return v, true
	}
	cur := raw
	parts := strings.Split(name, ".")
	for i, p := range parts {
		v, ok := cur[p]
		if !ok {
			return nil, false
		}
		if i == len(parts)-1 {
			return v, true
		}
		if cur, ok = v.(map[string]any); !ok {
			return nil, false
		}
	}
	return nil, false
}

// containsFold reports whether list holds v, both folded by norm.
func containsFold(list []string, v string, norm func(string) string) bool {
	v = norm(strings.TrimSpace(v))
	if v == "" {
		return false
	}
	for _, e := range list {
		if norm(strings.TrimSpace(e)) == v {
			return true
		}
	}
	return false
}

// normalizeGroup folds a group name as rbac does: case and one leading "/"
// (Keycloak's full group path) are ignored.
func normalizeGroup(g string) string {
	return strings.ToLower(strings.TrimPrefix(strings.TrimSpace(g), "/"))
}

// normalizeDomain folds an email domain; a leading "@" is ignored.
func normalizeDomain(d string) string {
	return strings.ToLower(strings.TrimPrefix(d, "@"))
}
