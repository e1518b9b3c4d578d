package rbac_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"headway/backend/rbac"
)

// matrix is a literal copy of the product's role table, in plain strings, so
// a change to the table, the code or a constant's value fails here.
var matrix = map[string][]string{
	"owner": {"ui_access", "read_machines", "write_machines", "read_users", "write_users",
		"read_policy", "write_policy", "read_network", "write_network", "read_feature", "write_feature",
		"configure_iam", "generate_authkeys", "generate_own_authkeys", "read_audit", "manage_apikeys", "owner"},
	"admin": {"ui_access", "read_machines", "write_machines", "read_users", "write_users",
		"read_policy", "write_policy", "read_network", "write_network", "read_feature", "write_feature",
		"configure_iam", "generate_authkeys", "generate_own_authkeys", "read_audit", "manage_apikeys"},
	"network_admin": {"ui_access", "read_policy", "write_policy", "read_network", "write_network",
		"read_machines", "read_users", "generate_authkeys", "generate_own_authkeys", "read_feature"},
	"it_admin": {"ui_access", "read_machines", "write_machines", "read_users", "write_users",
		"read_feature", "write_feature", "configure_iam", "generate_authkeys", "generate_own_authkeys",
		"read_audit", "read_policy", "read_network"},
	"auditor": {"ui_access", "read_machines", "read_users", "read_policy", "read_network",
		"read_feature", "read_audit", "generate_own_authkeys"},
	"viewer": {"ui_access", "read_machines", "read_users", "generate_own_authkeys"},
	"member": {},
}

var allCapabilityNames = []string{
	"ui_access", "read_machines", "write_machines", "read_users", "write_users",
	"read_policy", "write_policy", "read_network", "write_network", "read_feature", "write_feature",
	"configure_iam", "generate_authkeys", "generate_own_authkeys", "read_audit", "manage_apikeys", "owner",
}

func TestMatrix(t *testing.T) {
	t.Parallel()
	for name, want := range matrix {
		r, err := rbac.ParseRole(name)
		if err != nil {
			t.Fatalf("ParseRole(%q) error: %v", name, err)
		}
		for _, c := range allCapabilityNames {
			if got, want := r.Has(rbac.Capability(c)), slices.Contains(want, c); got != want {
				t.Errorf("%s.Has(%s) = %v, want %v", r, c, got, want)
			}
		}
		wantCaps := make([]rbac.Capability, 0, len(want))
		for _, c := range want {
			wantCaps = append(wantCaps, rbac.Capability(c))
		}
		slices.Sort(wantCaps)
		if diff := cmp.Diff(wantCaps, r.Capabilities()); diff != "" {
			t.Errorf("%s.Capabilities() mismatch (-want +got):\n%s", r, diff)
		}
	}
	if len(rbac.Roles()) != len(matrix) {
		t.Errorf("Roles() = %v, want the %d roles of the matrix", rbac.Roles(), len(matrix))
	}
}

func TestCapabilities(t *testing.T) {
	t.Parallel()
	want := make([]rbac.Capability, 0, len(allCapabilityNames))
	for _, c := range allCapabilityNames {
		want = append(want, rbac.Capability(c))
		if !rbac.Capability(c).Valid() {
			t.Errorf("Capability(%q).Valid() = false, want true", c)
		}
	}
	slices.Sort(want)
	if diff := cmp.Diff(want, rbac.AllCapabilities()); diff != "" {
		t.Errorf("AllCapabilities() mismatch (-want +got):\n%s", diff)
	}
	for _, c := range []rbac.Capability{"", "public", "authenticated", "READ_MACHINES", "read_machines "} {
		if c.Valid() {
			t.Errorf("Capability(%q).Valid() = true, want false", c)
		}
	}
	if got := rbac.Member.Capabilities(); got == nil {
		t.Error("Member.Capabilities() = nil, want [] so it encodes as a JSON list")
	}
}

func TestRoleTypos(t *testing.T) {
	t.Parallel()
	// Unknown roles hold nothing and capabilities outside the list are never held.
	for _, r := range []rbac.Role{"", "Owner", "superuser", "admin "} {
		if r.Valid() || r.Set().Len() != 0 || rbac.Rank(r) != -1 {
			t.Errorf("unknown role %q: Valid %v, %d capabilities, rank %d; want false, 0, -1", r, r.Valid(), r.Set().Len(), rbac.Rank(r))
		}
	}
	if rbac.Owner.Has("root") {
		t.Error(`Owner.Has("root") = true, want false`)
	}
}

func TestParseRole(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    rbac.Role
		wantErr bool
	}{
		{"owner", rbac.Owner, false},
		{"admin", rbac.Admin, false},
		{"network_admin", rbac.NetworkAdmin, false},
		{"it_admin", rbac.ITAdmin, false},
		{"auditor", rbac.Auditor, false},
		{"viewer", rbac.Viewer, false},
		{"member", rbac.Member, false},
		{"", "", true},
		{"Admin", "", true}, // stored roles are lowercase; no silent folding
		{" admin", "", true},
		{"network-admin", "", true},
		{"root", "", true},
	}
	for _, tc := range tests {
		got, err := rbac.ParseRole(tc.in)
		if got != tc.want || (err != nil) != tc.wantErr {
			t.Errorf("ParseRole(%q) = %q, %v; want %q, error %v", tc.in, got, err, tc.want, tc.wantErr)
		}
		if err != nil && !errors.Is(err, rbac.ErrRoleInvalid) {
			t.Errorf("ParseRole(%q) error = %v, want ErrRoleInvalid", tc.in, err)
		}
	}
}

func TestRank(t *testing.T) {
	t.Parallel()
	want := []rbac.Role{"owner", "admin", "network_admin", "it_admin", "auditor", "viewer", "member"}
	if diff := cmp.Diff(want, rbac.Roles()); diff != "" {
		t.Errorf("Roles() mismatch (-want +got):\n%s", diff)
	}
	for i, r := range want {
		if got := rbac.Rank(r); got != len(want)-1-i {
			t.Errorf("Rank(%s) = %d, want %d", r, got, len(want)-1-i)
		}
	}
}

func TestSet(t *testing.T) {
	t.Parallel()
	s := rbac.NewSet(rbac.ReadMachines, rbac.ReadUsers, "bogus", rbac.ReadMachines)
	if diff := cmp.Diff([]rbac.Capability{rbac.ReadMachines, rbac.ReadUsers}, s.Slice()); diff != "" {
		t.Errorf("NewSet(...).Slice() mismatch (-want +got):\n%s", diff)
	}
	if s.Len() != 2 || s.Has("bogus") || !s.Has(rbac.ReadUsers) {
		t.Errorf("NewSet(...) = %v, want [read_machines read_users]", s)
	}
	if !rbac.Viewer.Set().Covers(s) || s.Covers(rbac.Viewer.Set()) {
		t.Errorf("Covers: viewer %v vs %v wrong", rbac.Viewer.Set(), s)
	}
	if got := rbac.Viewer.Set().Without(s); got != rbac.NewSet(rbac.UIAccess, rbac.GenerateOwnAuthKeys) {
		t.Errorf("Viewer.Set().Without(%v) = %v, want [generate_own_authkeys ui_access]", s, got)
	}
	if got, want := s.String(), "[read_machines read_users]"; got != want {
		t.Errorf("Set.String() = %q, want %q", got, want)
	}
	if (rbac.Set{}).Len() != 0 || !s.Covers(rbac.Set{}) {
		t.Error("the zero Set must be empty and covered by every set")
	}
}

func TestFullAccess(t *testing.T) {
	t.Parallel()
	// An API key is as powerful as an admin but is never the owner.
	if got := rbac.FullAccess(); got != rbac.Admin.Set() || got.Has(rbac.OwnerCapability) {
		t.Errorf("FullAccess() = %v, want admin's capabilities %v", got, rbac.Admin.Set())
	}
	for _, c := range rbac.AllCapabilities() {
		if c != rbac.OwnerCapability && !rbac.FullAccess().Has(c) {
			t.Errorf("FullAccess() lacks %s", c)
		}
	}
}

func TestLesser(t *testing.T) {
	cases := []struct{ a, b, want rbac.Role }{
		{rbac.Admin, rbac.Viewer, rbac.Viewer},
		{rbac.Viewer, rbac.Admin, rbac.Viewer},
		{rbac.Owner, rbac.Owner, rbac.Owner},
		{rbac.Admin, rbac.Owner, rbac.Admin},
		// Neither covers the other: the best role both cover.
		{rbac.NetworkAdmin, rbac.ITAdmin, rbac.Viewer},
		{rbac.NetworkAdmin, rbac.Auditor, rbac.Viewer},
		{rbac.Member, rbac.Admin, rbac.Member},
	}
	for _, c := range cases {
		got := rbac.Lesser(c.a, c.b)
		if got != c.want {
			t.Errorf("rbac.Lesser(%s, %s) = %s, want %s", c.a, c.b, got, c.want)
		}
		if gs := got.Set(); !c.a.Set().Covers(gs) || !c.b.Set().Covers(gs) {
			t.Errorf("rbac.Lesser(%s, %s) = %s holds %v beyond one of them", c.a, c.b, got, gs)
		}
	}
}
