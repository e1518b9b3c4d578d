package identity_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgconn"

	"headway/backend/identity"
	"headway/backend/rbac"
)

// TestOwnerBootstrapRace: fifty people sign in for the first time at once,
// through auth.SignInOIDC; exactly one becomes the owner.
func TestOwnerBootstrapRace(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false, func(o *identity.Options) { o.DefaultRole = rbac.Viewer })
	const n = 50
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			_, _, errs[i] = f.trySignIn(t.Context(), person{sub: fmt.Sprintf("user-%02d", i)})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("sign in user-%02d: %v", i, err)
		}
	}
	users, err := f.svc.ListConsoleUsers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	roles := map[string]int{}
	for _, u := range users {
		roles[u.Role]++
	}
	if diff := cmp.Diff(map[string]int{"owner": 1, "viewer": n - 1}, roles); diff != "" {
		t.Fatalf("roles after %d concurrent first sign-ins (-want +got):\n%s", n, diff)
	}
	// The database itself refuses a second owner.
	err = f.exec(t, `UPDATE console_users SET role = 'owner' WHERE role <> 'owner'`)
	if pgErr := (*pgconn.PgError)(nil); !errors.As(err, &pgErr) || pgErr.Code != "23505" {
		t.Errorf("making a second owner by hand: error = %v, want a unique violation (23505)", err)
	}
}

func TestRoleMapping(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false, func(o *identity.Options) {
		o.DefaultRole = rbac.Viewer
		o.GroupsClaim = "roles"
		o.RoleMapping = []rbac.MappingRule{
			{Group: "devs", Role: rbac.Auditor},
			{Group: "admins", Role: rbac.Admin},
			{Group: "/ops", Role: rbac.ITAdmin},
			{Group: "kings", Role: rbac.Owner}, // never given
		}
	})
	owner := f.signIn(t, person{sub: "owner", raw: map[string]any{"roles": []any{"devs"}}})
	if owner.Role != "owner" {
		t.Fatalf("first sign-in role = %q, want owner", owner.Role)
	}
	steps := []struct {
		name   string
		sub    string
		raw    map[string]any
		groups []string
		want   rbac.Role
	}{
		{"highest matching rule wins", "bob", map[string]any{"roles": []any{"devs", "ADMINS"}}, nil, rbac.Admin},
		{"re-applied at the next sign-in", "bob", map[string]any{"roles": []any{"devs"}}, nil, rbac.Auditor},
		{"keycloak path, single string", "bob", map[string]any{"roles": "/Ops"}, nil, rbac.ITAdmin},
		{"no match gives the default", "bob", map[string]any{"roles": []any{"sales"}}, nil, rbac.Viewer},
		{"claim absent: profile groups", "bob", nil, []string{"admins"}, rbac.Admin},
		{"owner is never claimed", "carol", map[string]any{"roles": []any{"kings"}}, nil, rbac.Viewer},
		{"owner not demoted by claims", "owner", map[string]any{"roles": []any{}}, nil, rbac.Owner},
	}
	for _, st := range steps {
		u := f.signIn(t, person{sub: st.sub, raw: st.raw, groups: st.groups})
		if rbac.Role(u.Role) != st.want {
			t.Errorf("%s: role = %q, want %q", st.name, u.Role, st.want)
		}
	}

	// Pinned by hand: claims no longer apply, until unpinned.
	bob := f.signIn(t, person{sub: "bob"})
	actor := identity.UserActor(f.get(t, owner.ID))
	if _, err := f.svc.UpdateConsoleUser(t.Context(), actor, bob.ID, ptr(rbac.NetworkAdmin), nil); err != nil {
		t.Fatal(err)
	}
	if u := f.signIn(t, person{sub: "bob", raw: map[string]any{"roles": []any{"admins"}}}); u.Role != "network_admin" || !u.RolePinned {
		t.Errorf("pinned: role %q pinned %v, want a pinned network_admin", u.Role, u.RolePinned)
	}
	if _, err := f.svc.UpdateConsoleUser(t.Context(), actor, bob.ID, nil, ptr(false)); err != nil {
		t.Fatal(err)
	}
	if u := f.signIn(t, person{sub: "bob", raw: map[string]any{"roles": []any{"admins"}}}); u.Role != "admin" {
		t.Errorf("unpinned: role %q, want admin from the claims", u.Role)
	}
}

func TestGroupsClaim(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false, func(o *identity.Options) { o.GroupsClaim = "realm_access.roles" })
	tests := []struct {
		name string
		c    identity.Claims
		want []string
	}{
		{"nested list", identity.Claims{Raw: map[string]any{"realm_access": map[string]any{"roles": []any{"a", "b"}}}}, []string{"a", "b"}},
		{"dotted name as a whole", identity.Claims{Raw: map[string]any{"realm_access.roles": "c"}}, []string{"c"}},
		{"absent: fallback", identity.Claims{Groups: []string{"d"}, Raw: map[string]any{"groups": []any{"x"}}}, []string{"d"}},
		{"nothing", identity.Claims{}, []string{}},
	}
	for _, tc := range tests {
		if got := f.svc.Groups(tc.c); !cmp.Equal(got, tc.want) {
			t.Errorf("%s: Groups() = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestAdmit(t *testing.T) {
	t.Parallel()
	type opts struct {
		domains, groups, users []string
		verified               bool
	}
	tests := []struct {
		name     string
		o        opts
		p        person
		wantRule string // "" admits
	}{
		{"no filters", opts{}, person{sub: "a", email: "a@anywhere.example"}, ""},
		{"domain ok, case ignored", opts{domains: []string{"Corp.Example"}, verified: true}, person{sub: "a", email: "A@CORP.example", verified: true}, ""},
		{"domain with @", opts{domains: []string{"@corp.example"}, verified: true}, person{sub: "a", email: "a@corp.example", verified: true}, ""},
		{"other domain", opts{domains: []string{"corp.example"}, verified: true}, person{sub: "a", email: "a@evil.example", verified: true}, "domain"},
		{"subdomain is another domain", opts{domains: []string{"corp.example"}, verified: true}, person{sub: "a", email: "a@x.corp.example", verified: true}, "domain"},
		{"no email", opts{domains: []string{"corp.example"}}, person{sub: "a"}, "domain"},
		{"unverified email", opts{domains: []string{"corp.example"}, verified: true}, person{sub: "a", email: "a@corp.example"}, "email_unverified"},
		{"unverified allowed when not required", opts{domains: []string{"corp.example"}}, person{sub: "a", email: "a@corp.example"}, ""},
		{"user ok", opts{users: []string{"Alice@Corp.example"}, verified: true}, person{sub: "a", email: "alice@corp.EXAMPLE", verified: true}, ""},
		{"other user", opts{users: []string{"alice@corp.example"}, verified: true}, person{sub: "a", email: "bob@corp.example", verified: true}, "user"},
		{"group ok", opts{groups: []string{"Staff"}}, person{sub: "a", groups: []string{"/staff"}}, ""},
		{"group from raw claim", opts{groups: []string{"staff"}}, person{sub: "a", raw: map[string]any{"groups": "STAFF"}}, ""},
		{"no group", opts{groups: []string{"staff"}}, person{sub: "a", groups: []string{"guests"}}, "group"},
		{"domain and group both needed", opts{domains: []string{"corp.example"}, groups: []string{"staff"}}, person{sub: "a", email: "a@corp.example", groups: []string{"guests"}}, "group"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, false, func(o *identity.Options) {
				o.AllowedDomains, o.AllowedGroups, o.AllowedUsers = tc.o.domains, tc.o.groups, tc.o.users
				o.EmailVerifiedRequired = tc.o.verified
			})
			_, _, err := f.trySignIn(t.Context(), tc.p)
			var na *identity.NotAllowedError
			switch {
			case tc.wantRule == "" && err != nil:
				t.Fatalf("sign in: %v, want admitted", err)
			case tc.wantRule != "" && (!errors.As(err, &na) || na.Rule != tc.wantRule || na.Code != "sign_in_not_allowed" || na.Message == "" || na.Hint == ""):
				t.Fatalf("sign in: error %v, want sign_in_not_allowed by rule %q", err, tc.wantRule)
			}
			var ie *identity.Error
			if tc.wantRule != "" && (!errors.Is(err, identity.ErrSignInNotAllowed) || !errors.As(err, &ie) ||
				ie.Status != 403 || ie.Code != "sign_in_not_allowed" || ie.Message != na.Message || ie.Hint != na.Hint) {
				t.Errorf("sign in: error %v does not read as identity.ErrSignInNotAllowed (403) with its own text", err)
			}
			users, err := f.svc.ListConsoleUsers(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if want := map[bool]int{true: 1, false: 0}[tc.wantRule == ""]; len(users) != want {
				t.Errorf("console users after sign-in: %d, want %d (a refused person gets no account)", len(users), want)
			}
		})
	}
}
