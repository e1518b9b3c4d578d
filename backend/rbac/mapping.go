package rbac

import (
	"errors"
	"fmt"
	"strings"
)

// MappingRule gives members of an identity-provider group a role.
type MappingRule struct {
	Group string // as the IdP sends it; case and a leading "/" are ignored
	Role  Role
}

// ClaimRole returns the role a user's groups claim under rules: the
// highest-ranked (Rank) role among the rules whose group is one of groups, or
// defaultRole when none match. Groups compare case-insensitively, ignoring
// surrounding spaces and one leading "/" (Keycloak's full group path), so
// "/Admins" matches "admins".
//
// Claims never yield Owner: rules for Owner or an unknown role and rules with
// an empty group are skipped, and a defaultRole of Owner or an unknown role
// gives Member. ValidateMapping and ValidateDefaultRole reject those up front.
func ClaimRole(groups []string, rules []MappingRule, defaultRole Role) Role {
	have := make(map[string]bool, len(groups))
	for _, g := range groups {
		if g = normalizeGroup(g); g != "" {
			have[g] = true
		}
	}
	best, matched := Member, false
	for _, rule := range rules {
		if !mappable(rule.Role) || !have[normalizeGroup(rule.Group)] {
			continue
		}
		if !matched || Rank(rule.Role) > Rank(best) {
			best, matched = rule.Role, true
		}
	}
	if matched {
		return best
	}
	if !mappable(defaultRole) {
		return Member
	}
	return defaultRole
}

// ValidateMapping reports every bad rule at once: a rule with no group
// (ErrMappingGroupEmpty), an unknown role (ErrRoleInvalid) or the owner role
// (ErrOwnerNotMappable). Each problem names the rule's index and group.
func ValidateMapping(rules []MappingRule) error {
	var errs []error
	for i, rule := range rules {
		if normalizeGroup(rule.Group) == "" {
			errs = append(errs, fmt.Errorf("mapping rule %d: %w", i, ErrMappingGroupEmpty))
		}
		if err := ValidateDefaultRole(rule.Role); err != nil {
			errs = append(errs, fmt.Errorf("mapping rule %d (group %q): %w", i, rule.Group, err))
		}
	}
	return errors.Join(errs...)
}

// ValidateDefaultRole reports whether r may be given to users no rule
// matches: any role but Owner (ErrOwnerNotMappable); unknown roles match
// ErrRoleInvalid.
func ValidateDefaultRole(r Role) error {
	if !r.Valid() {
		return fmt.Errorf("role %q: %w", r, ErrRoleInvalid)
	}
	if r == Owner {
		return ErrOwnerNotMappable
	}
	return nil
}

// mappable reports whether claims may yield r.
func mappable(r Role) bool {
	return r.Valid() && r != Owner
}

// normalizeGroup folds a group name for comparison.
func normalizeGroup(g string) string {
	g = strings.TrimSpace(g)
	g = strings.TrimPrefix(g, "/")
	return strings.ToLower(g)
}
