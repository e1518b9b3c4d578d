package rbac_test

import (
	"errors"
	"strings"
	"testing"

	"headway/backend/rbac"
)

func TestClaimRole(t *testing.T) {
	t.Parallel()
	rules := []rbac.MappingRule{
		{Group: "tailnet-viewers", Role: rbac.Viewer},
		{Group: "/Auditors", Role: rbac.Auditor},
		{Group: "netops", Role: rbac.NetworkAdmin},
		{Group: "helpdesk", Role: rbac.ITAdmin},
		{Group: "admins", Role: rbac.Admin},
		{Group: "staff", Role: rbac.Member},
		{Group: "root", Role: rbac.Owner},   // invalid; must never apply
		{Group: "typo", Role: "superadmin"}, // invalid; must never apply
		{Group: "/", Role: rbac.Admin},      // invalid; must not match an empty group
	}
	tests := []struct {
		name   string
		groups []string
		def    rbac.Role
		want   rbac.Role
	}{
		{"single match", []string{"netops"}, rbac.Member, rbac.NetworkAdmin},
		{"highest of several", []string{"tailnet-viewers", "admins", "helpdesk"}, rbac.Member, rbac.Admin},
		{"network_admin outranks it_admin", []string{"helpdesk", "netops"}, rbac.Member, rbac.NetworkAdmin},
		{"case-insensitive", []string{"ADMINS"}, rbac.Member, rbac.Admin},
		{"keycloak slash on the claim", []string{"/admins"}, rbac.Member, rbac.Admin},
		{"keycloak slash on the rule", []string{"auditors"}, rbac.Member, rbac.Auditor},
		{"slash on both", []string{"/auditors"}, rbac.Member, rbac.Auditor},
		{"no match gives default", []string{"sales"}, rbac.Viewer, rbac.Viewer},
		{"no groups gives default", nil, rbac.Auditor, rbac.Auditor},
		{"a match beats the default", []string{"staff"}, rbac.Viewer, rbac.Member},
		{"subgroup path is not its parent", []string{"/admins/interns"}, rbac.Member, rbac.Member},
		{"owner rule never applies", []string{"root"}, rbac.Viewer, rbac.Viewer},
		{"owner rule never outranks", []string{"root", "netops"}, rbac.Member, rbac.NetworkAdmin},
		{"owner default gives member", []string{"sales"}, rbac.Owner, rbac.Member},
		{"unknown default gives member", nil, "superuser", rbac.Member},
		{"unknown rule role skipped", []string{"typo"}, rbac.Viewer, rbac.Viewer},
		{"empty group matches nothing", []string{"", "/"}, rbac.Viewer, rbac.Viewer},
	}
	for _, tc := range tests {
		if got := rbac.ClaimRole(tc.groups, rules, tc.def); got != tc.want {
			t.Errorf("%s: ClaimRole(%q, rules, %s) = %s, want %s", tc.name, tc.groups, tc.def, got, tc.want)
		}
	}
}

// TestClaimRoleNeverOwner tries every default and every single-rule mapping.
func TestClaimRoleNeverOwner(t *testing.T) {
	t.Parallel()
	for _, def := range rbac.Roles() {
		for _, ruleRole := range rbac.Roles() {
			rules := []rbac.MappingRule{{Group: "g", Role: ruleRole}}
			if got := rbac.ClaimRole([]string{"g", "/G"}, rules, def); got == rbac.Owner {
				t.Errorf("ClaimRole(g, {g: %s}, %s) = owner", ruleRole, def)
			}
		}
	}
}

func TestValidateMapping(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		rules []rbac.MappingRule
		want  []*rbac.Error
	}{
		{"empty", nil, nil},
		{"good", []rbac.MappingRule{{Group: "admins", Role: rbac.Admin}, {Group: "/ops", Role: rbac.ITAdmin}, {Group: "all", Role: rbac.Member}}, nil},
		{"owner rule rejected", []rbac.MappingRule{{Group: "admins", Role: rbac.Owner}}, []*rbac.Error{rbac.ErrOwnerNotMappable}},
		{"unknown role", []rbac.MappingRule{{Group: "admins", Role: "Admin"}}, []*rbac.Error{rbac.ErrRoleInvalid}},
		{"empty group", []rbac.MappingRule{{Group: "/", Role: rbac.Viewer}}, []*rbac.Error{rbac.ErrMappingGroupEmpty}},
		{"every problem at once", []rbac.MappingRule{{Group: "", Role: rbac.Viewer}, {Group: "root", Role: rbac.Owner}, {Group: "x", Role: "boss"}},
			[]*rbac.Error{rbac.ErrMappingGroupEmpty, rbac.ErrOwnerNotMappable, rbac.ErrRoleInvalid}},
	}
	for _, tc := range tests {
		err := rbac.ValidateMapping(tc.rules)
		if len(tc.want) == 0 {
			if err != nil {
				t.Errorf("%s: ValidateMapping() = %v, want nil", tc.name, err)
			}
			continue
		}
		for _, want := range tc.want {
			if !errors.Is(err, want) {
				t.Errorf("%s: ValidateMapping() = %v, want it to include %s", tc.name, err, want.Code)
			}
		}
	}
	// The problem names the rule, so an operator can find it.
	err := rbac.ValidateMapping([]rbac.MappingRule{{Group: "admins", Role: rbac.Admin}, {Group: "root", Role: rbac.Owner}})
	if err == nil || !strings.Contains(err.Error(), `mapping rule 1 (group "root")`) {
		t.Errorf("ValidateMapping() = %v, want it to name rule 1 and its group", err)
	}
}

func TestValidateDefaultRole(t *testing.T) {
	t.Parallel()
	for _, r := range rbac.Roles() {
		err := rbac.ValidateDefaultRole(r)
		if r == rbac.Owner {
			if !errors.Is(err, rbac.ErrOwnerNotMappable) {
				t.Errorf("ValidateDefaultRole(owner) = %v, want owner_not_mappable", err)
			}
		} else if err != nil {
			t.Errorf("ValidateDefaultRole(%s) = %v, want nil", r, err)
		}
	}
	if err := rbac.ValidateDefaultRole(""); !errors.Is(err, rbac.ErrRoleInvalid) {
		t.Errorf(`ValidateDefaultRole("") = %v, want role_invalid`, err)
	}
}
