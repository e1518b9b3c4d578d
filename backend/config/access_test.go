package config

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"headway/backend/rbac"
)

// TestOIDCAccess covers the keys deciding who may sign in with OIDC and with
// which role: defaults, YAML and environment forms, and the computed default
// of oidc.email_verified_required.
func TestOIDCAccess(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		yaml    string // under oidc:, written to a file with the required keys when non-empty
		environ []string
		want    func(o *OIDC)
	}{
		{
			name: "defaults",
			want: func(o *OIDC) {},
		},
		{
			name:    "default_role and groups_claim from the environment",
			environ: []string{"HEADWAY_OIDC__DEFAULT_ROLE=viewer", "HEADWAY_OIDC__GROUPS_CLAIM=https://example.com/groups"},
			want:    func(o *OIDC) { o.DefaultRole, o.GroupsClaim = "viewer", "https://example.com/groups" },
		},
		{
			name: "role_mapping from YAML keeps its order",
			yaml: "  role_mapping:\n    - group: viewers\n      role: viewer\n    - group: /Admins\n      role: admin\n" +
				"    - {group: ' network ', role: ' network_admin '}\n    - {group: viewers, role: auditor}\n",
			want: func(o *OIDC) {
				o.RoleMapping = []rbac.MappingRule{
					{Group: "viewers", Role: rbac.Viewer},
					{Group: "/Admins", Role: rbac.Admin},
					{Group: "network", Role: rbac.NetworkAdmin},
					{Group: "viewers", Role: rbac.Auditor},
				}
			},
		},
		{
			name:    "role_mapping from the environment keeps its order",
			environ: []string{"HEADWAY_OIDC__ROLE_MAPPING=viewers=viewer, admins = admin ,,network=network_admin,"},
			want: func(o *OIDC) {
				o.RoleMapping = []rbac.MappingRule{
					{Group: "viewers", Role: rbac.Viewer},
					{Group: "admins", Role: rbac.Admin},
					{Group: "network", Role: rbac.NetworkAdmin},
				}
			},
		},
		{
			name:    "role_mapping from the environment: the last = separates the role",
			environ: []string{"HEADWAY_OIDC__ROLE_MAPPING=cn=admins=admin"},
			want:    func(o *OIDC) { o.RoleMapping = []rbac.MappingRule{{Group: "cn=admins", Role: rbac.Admin}} },
		},
		{
			name:    "role_mapping from the environment replaces the file's",
			yaml:    "  role_mapping:\n    - {group: a, role: admin}\n    - {group: b, role: viewer}\n",
			environ: []string{"HEADWAY_OIDC__ROLE_MAPPING=c=auditor"},
			want:    func(o *OIDC) { o.RoleMapping = []rbac.MappingRule{{Group: "c", Role: rbac.Auditor}} },
		},
		{
			name: "allowed lists from YAML are trimmed and lower-cased",
			yaml: "  allowed_domains: [' Example.COM ', example.org]\n  allowed_groups:\n    - /HeadScale\n    - Staff\n" +
				"  allowed_users: [Alice@Example.com]\n",
			want: func(o *OIDC) {
				o.AllowedDomains = []string{"example.com", "example.org"}
				o.AllowedGroups = []string{"/headscale", "staff"}
				o.AllowedUsers = []string{"alice@example.com"}
				o.EmailVerifiedRequired = true
			},
		},
		{
			name: "allowed lists from the environment are split on commas",
			environ: []string{
				"HEADWAY_OIDC__ALLOWED_DOMAINS=Example.com, example.org,",
				"HEADWAY_OIDC__ALLOWED_GROUPS= Admins ,, ops",
				"HEADWAY_OIDC__ALLOWED_USERS=Bob@Example.org",
			},
			want: func(o *OIDC) {
				o.AllowedDomains = []string{"example.com", "example.org"}
				o.AllowedGroups = []string{"admins", "ops"}
				o.AllowedUsers = []string{"bob@example.org"}
				o.EmailVerifiedRequired = true
			},
		},
		{
			name: "an empty YAML list is no restriction",
			yaml: "  allowed_domains: []\n  allowed_users: []\n",
			want: func(o *OIDC) {},
		},
		{
			name:    "email_verified_required defaults to true with allowed_domains",
			environ: []string{"HEADWAY_OIDC__ALLOWED_DOMAINS=example.com"},
			want:    func(o *OIDC) { o.AllowedDomains, o.EmailVerifiedRequired = []string{"example.com"}, true },
		},
		{
			name:    "email_verified_required defaults to true with allowed_users",
			yaml:    "  allowed_users: [alice@example.com]\n",
			environ: nil,
			want:    func(o *OIDC) { o.AllowedUsers, o.EmailVerifiedRequired = []string{"alice@example.com"}, true },
		},
		{
			name:    "email_verified_required stays false with only allowed_groups",
			environ: []string{"HEADWAY_OIDC__ALLOWED_GROUPS=admins"},
			want:    func(o *OIDC) { o.AllowedGroups = []string{"admins"} },
		},
		{
			name:    "explicit email_verified_required false wins over the computed default",
			yaml:    "  allowed_domains: [example.com]\n  email_verified_required: false\n",
			environ: nil,
			want:    func(o *OIDC) { o.AllowedDomains = []string{"example.com"} },
		},
		{
			name:    "explicit email_verified_required true without allowed lists",
			environ: []string{"HEADWAY_OIDC__EMAIL_VERIFIED_REQUIRED=true"},
			want:    func(o *OIDC) { o.EmailVerifiedRequired = true },
		},
		{
			name:    "environment email_verified_required overrides the file",
			yaml:    "  allowed_users: [alice@example.com]\n  email_verified_required: true\n",
			environ: []string{"HEADWAY_OIDC__EMAIL_VERIFIED_REQUIRED=false"},
			want:    func(o *OIDC) { o.AllowedUsers = []string{"alice@example.com"} },
		},
		{
			name:    "link_by_email off",
			environ: []string{"HEADWAY_OIDC__LINK_BY_EMAIL=false"},
			want:    func(o *OIDC) { o.LinkByEmail = false },
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path, explicit := missingDefault(t), false
			environ := append(env(), tc.environ...)
			if tc.yaml != "" {
				path, explicit = writeFile(t, t.TempDir(), "config.yaml", "oidc:\n"+tc.yaml), true
			}
			got, warnings, err := Load(path, explicit, environ)
			if err != nil {
				t.Fatalf("Load() error = %v", err)
			}
			if len(warnings) > 0 {
				t.Errorf("Load() warnings = %q, want none", warnings)
			}
			want := wantMinimal().OIDC
			tc.want(&want)
			if diff := cmp.Diff(want, got.OIDC); diff != "" {
				t.Errorf("Load() OIDC mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// Problems about rules of oidc.role_mapping are listed with that key, in
// declaration order, not ahead of every other key.
func TestRoleMappingProblemOrder(t *testing.T) {
	t.Parallel()
	_, _, err := Load(missingDefault(t), false, env(
		"HEADWAY_OIDC__LINK_BY_EMAIL=x",
		"HEADWAY_OIDC__ROLE_MAPPING=a=owner,=admin",
		"HEADWAY_OIDC__DEFAULT_ROLE=owner",
		"HEADWAY_OIDC__SCOPE=email",
	))
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Load() error = %v, want a *ValidationError", err)
	}
	var got []string
	for _, p := range ve.Problems {
		got = append(got, p.Key)
	}
	want := []string{"oidc.scope", "oidc.default_role", "oidc.role_mapping[0].role", "oidc.role_mapping[1].group", "oidc.link_by_email"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problem order mismatch (-want +got):\n%s\n%v", diff, err)
	}
	if !strings.Contains(err.Error(), "oidc.role_mapping[0].role: must not be owner") {
		t.Errorf("Error() = %q, want it to name oidc.role_mapping[0].role", err)
	}
}
