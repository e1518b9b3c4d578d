package httpapi

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"headway/api"
	"headway/backend/devidp"
	"headway/backend/rbac"
)

// person is someone signed in to Headway through single sign-on, with
// their own browser.
type person struct {
	t    *testing.T
	h    *site
	b    *browser
	sub  string
	id   string // console user id
	csrf string
}

// newPerson adds user to the identity provider p (when it lacks them)
// without signing them in.
func newPerson(t *testing.T, h *site, p *idp, u devidp.User) *person {
	t.Helper()
	if !slices.ContainsFunc(p.Users(), func(known devidp.User) bool { return known.Subject == u.Subject }) {
		if err := p.AddUser(u); err != nil {
			t.Fatal(err)
		}
	}
	return &person{t: t, h: h, b: newBrowser(t, h), sub: u.Subject}
}

// signIn runs the sign-in flow and returns the caller's GET /me.
func (u *person) signIn() api.Me {
	u.t.Helper()
	r := u.b.signIn(u.h, "/admin/", u.sub)
	if r.StatusCode != http.StatusFound || r.location() != "/admin/" || r.cookie(sessionCookie) == nil {
		u.t.Fatalf("sign-in as %s = %d %q, want 302 /admin/ with a session", u.sub, r.StatusCode, r.location())
	}
	me := u.b.me(u.h)
	if me.User == nil || me.CsrfToken == nil {
		u.t.Fatalf("GET /me after signing in as %s = %+v, want a console user with a CSRF token", u.sub, me)
	}
	u.id, u.csrf = me.User.Id, *me.CsrfToken
	return me
}

// call sends a request to the API as a page of Headway would: with the
// session cookie, and the CSRF token and Origin on unsafe methods.
func (u *person) call(method, path string, body any) reply {
	u.t.Helper()
	return callAPI(u.b, u.h, u.csrf, method, path, body)
}

func callAPI(b *browser, h *site, csrf, method, path string, body any) reply {
	b.t.Helper()
	var headers []string
	if !isSafeMethod(method) {
		headers = append(headers, "Origin", h.URL, csrfHeader, csrf)
	}
	return b.do(method, h.URL+"/admin/api/v1"+path, body, headers...)
}

// me is GET /me.
func (u *person) me() api.Me {
	u.t.Helper()
	return u.b.me(u.h)
}

// setRole gives console user id a role straight in the store, pinned.
func setRole(t *testing.T, h *site, id string, role rbac.Role) {
	t.Helper()
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		t.Fatalf("console user id %q: %v", id, err)
	}
	if _, err := h.DB.SetConsoleUserRole(context.Background(), n, string(role), true, time.Now()); err != nil {
		t.Fatalf("SetConsoleUserRole(%s, %s): %v", id, role, err)
	}
}

// expect fails the test unless r answered status with error code code ("" for a success).
func expect(t *testing.T, what string, r reply, wantStatus int, wantCode string) {
	t.Helper()
	if got, code := status(t, r); got != wantStatus || code != wantCode {
		t.Errorf("%s = %d %q, want %d %q\n%.300s", what, got, code, wantStatus, wantCode, r.body)
	}
}

// consoleRoles lists console users as the caller sees them: email → role.
func consoleRoles(t *testing.T, u *person) map[string]api.Role {
	t.Helper()
	r := u.call(http.MethodGet, "/console-users", nil)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("GET /console-users as %s = %d %s, want 200", u.sub, r.StatusCode, r.body)
	}
	out := map[string]api.Role{}
	for _, cu := range decodeReply[api.ConsoleUserList](t, r).Users {
		out[cu.Email] = cu.Role
	}
	return out
}

func userOf(sub string, groups ...string) devidp.User {
	return devidp.User{Subject: sub, Email: sub + "@example.com", EmailVerified: true, Name: sub, PreferredUsername: sub, Groups: groups}
}

// iamSite is a started Headway with single sign-on through a fresh
// development identity provider; configure adjusts the configuration first.
func iamSite(t *testing.T, configure func(*site), opts ...harnessOption) (*site, *idp) {
	t.Helper()
	h := newHeadway(t, opts...)
	p := startIdP(t, h.RedirectURI(), idpOptions{})
	h.Cfg.OIDC = ssoConfig(p.Issuer)
	if configure != nil {
		configure(h)
	}
	h.start()
	return h, p
}

// TestRoleMappingAndPinning: oidc.role_mapping gives a role at each
// sign-in until an administrator sets the role by hand, which pins it;
// unpinning lets the mapping apply again at the next sign-in.
func TestRoleMappingAndPinning(t *testing.T) {
	t.Parallel()
	h, p := iamSite(t, func(h *site) {
		h.Cfg.OIDC.RoleMapping = []rbac.MappingRule{{Group: "admins", Role: rbac.Admin}}
	})
	owner := newPerson(t, h, p, userOf("olivia"))
	if me := owner.signIn(); me.User.Role != api.Owner {
		t.Fatalf("first sign-in: role %q, want owner", me.User.Role)
	}
	dana := newPerson(t, h, p, userOf("dana", "admins"))
	alice := newPerson(t, h, p, userOf("alice", "/Admins"))
	for _, u := range []*person{dana, alice} {
		if me := u.signIn(); me.User.Role != api.Admin || me.User.RolePinned {
			t.Fatalf("%s in group admins signs in with role %q (pinned %v), want admin, not pinned", u.sub, me.User.Role, me.User.RolePinned)
		}
	}

	// An admin sets alice's role by hand: it is pinned and survives her next sign-in.
	r := dana.call(http.MethodPatch, "/console-users/"+alice.id, api.ConsoleUserUpdate{Role: ptr(api.Viewer)})
	expect(t, "PATCH alice {role: viewer} as admin", r, http.StatusOK, "")
	if got := decodeReply[api.ConsoleUser](t, r); got.Role != api.Viewer || !got.RolePinned {
		t.Errorf("PATCH alice {role: viewer} = role %q pinned %v, want viewer pinned", got.Role, got.RolePinned)
	}
	if me := alice.me(); me.User.Role != api.Viewer {
		t.Errorf("alice's own session after the change: role %q, want viewer at once", me.User.Role)
	}
	if me := alice.signIn(); me.User.Role != api.Viewer || !me.User.RolePinned {
		t.Errorf("alice signs in again with a pinned role: role %q pinned %v, want viewer pinned", me.User.Role, me.User.RolePinned)
	}

	// Unpinned, the mapping applies again at her next sign-in, not before.
	r = dana.call(http.MethodPatch, "/console-users/"+alice.id, api.ConsoleUserUpdate{RolePinned: ptr(false)})
	expect(t, "PATCH alice {rolePinned: false}", r, http.StatusOK, "")
	if got := decodeReply[api.ConsoleUser](t, r); got.Role != api.Viewer || got.RolePinned {
		t.Errorf("PATCH alice {rolePinned: false} = role %q pinned %v, want viewer, not pinned", got.Role, got.RolePinned)
	}
	if me := alice.signIn(); me.User.Role != api.Admin || me.User.RolePinned {
		t.Errorf("alice signs in after unpinning: role %q pinned %v, want admin from the mapping", me.User.Role, me.User.RolePinned)
	}
}

// TestGrantRules drives the grant rules through HTTP with real sessions.
func TestGrantRules(t *testing.T) {
	t.Parallel()
	h, p := iamSite(t, nil)
	owner := newPerson(t, h, p, userOf("olivia"))
	owner.signIn()
	ita := newPerson(t, h, p, userOf("ivan"))
	ita.signIn()
	setRole(t, h, ita.id, rbac.ITAdmin)
	mia := newPerson(t, h, p, userOf("mia"))
	if me := mia.signIn(); me.User.Role != api.Member || !me.NeedsOnboarding {
		t.Fatalf("a later sign-in: role %q needsOnboarding %v, want member needing onboarding", me.User.Role, me.NeedsOnboarding)
	}
	vic := newPerson(t, h, p, userOf("victor"))
	vic.signIn()
	setRole(t, h, vic.id, rbac.Viewer)

	tests := []struct {
		name       string
		actor      *person
		target     func() string
		body       api.ConsoleUserUpdate
		wantStatus int
		wantCode   string
	}{
		{"it_admin grants admin", ita, func() string { return mia.id }, api.ConsoleUserUpdate{Role: ptr(api.Admin)}, 403, "role_exceeds_actor"},
		{"it_admin grants network_admin", ita, func() string { return mia.id }, api.ConsoleUserUpdate{Role: ptr(api.NetworkAdmin)}, 403, "role_exceeds_actor"},
		{"it_admin changes own role", ita, func() string { return ita.id }, api.ConsoleUserUpdate{Role: ptr(api.Viewer)}, 403, "cannot_change_own_role"},
		{"owner changes own role", owner, func() string { return owner.id }, api.ConsoleUserUpdate{Role: ptr(api.Admin)}, 403, "cannot_change_own_role"},
		{"owner assigns owner", owner, func() string { return mia.id }, api.ConsoleUserUpdate{Role: ptr(api.Owner)}, 403, "owner_not_assignable"},
		{"it_admin demotes the owner", ita, func() string { return owner.id }, api.ConsoleUserUpdate{Role: ptr(api.Viewer)}, 403, "owner_role_locked"},
		{"viewer changes a role", vic, func() string { return mia.id }, api.ConsoleUserUpdate{Role: ptr(api.Viewer)}, 403, "forbidden"},
		{"member changes a role", mia, func() string { return vic.id }, api.ConsoleUserUpdate{Role: ptr(api.Member)}, 403, "forbidden"},
		{"unknown role", owner, func() string { return mia.id }, api.ConsoleUserUpdate{Role: ptr(api.Role("root"))}, 400, "role_invalid"},
		{"unknown user", owner, func() string { return "999999" }, api.ConsoleUserUpdate{Role: ptr(api.Viewer)}, 404, "console_user_not_found"},
		{"nothing to change", owner, func() string { return mia.id }, api.ConsoleUserUpdate{}, 400, "nothing_to_change"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Sequential: the people's browsers are shared.
			target := tc.target()
			r := tc.actor.call(http.MethodPatch, "/console-users/"+target, tc.body)
			if got, code := status(t, r); got != tc.wantStatus || code != tc.wantCode {
				t.Errorf("PATCH /console-users/%s %+v as %s = %d %q, want %d %q", target, tc.body, tc.actor.sub, got, code, tc.wantStatus, tc.wantCode)
			}
		})
	}
	if roles := consoleRoles(t, owner); roles["mia@example.com"] != api.Member || roles["olivia@example.com"] != api.Owner {
		t.Fatalf("after the refused changes: roles %v, want mia member and olivia owner", roles)
	}

	t.Run("a role change applies on the target's next request", func(t *testing.T) {
		expect(t, "GET /console-users as member", mia.call(http.MethodGet, "/console-users", nil), 403, "forbidden")
		expect(t, "GET /users as member", mia.call(http.MethodGet, "/users", nil), 403, "forbidden")
		r := ita.call(http.MethodPatch, "/console-users/"+mia.id, api.ConsoleUserUpdate{Role: ptr(api.Viewer)})
		expect(t, "PATCH mia {role: viewer} as it_admin", r, 200, "")
		expect(t, "GET /console-users as mia, now viewer, same session", mia.call(http.MethodGet, "/console-users", nil), 200, "")
		if diff := cmp.Diff(names(rbac.Viewer.Capabilities()), mia.me().Capabilities); diff != "" {
			t.Errorf("GET /me capabilities of mia after promotion (-want +got):\n%s", diff)
		}
	})

	t.Run("transfer ownership", func(t *testing.T) {
		expect(t, "transfer as it_admin", ita.call(http.MethodPost, "/console-users/"+mia.id+"/transfer-ownership", nil), 403, "forbidden")
		expect(t, "transfer to self", owner.call(http.MethodPost, "/console-users/"+owner.id+"/transfer-ownership", nil), 403, "cannot_transfer_to_self")
		r := owner.call(http.MethodPost, "/console-users/"+vic.id+"/transfer-ownership", nil)
		expect(t, "transfer to victor", r, 200, "")
		if got := decodeReply[api.ConsoleUser](t, r); got.Role != api.Owner || got.Id != vic.id {
			t.Errorf("transfer answered %s with role %q, want victor (%s) as owner", got.Id, got.Role, vic.id)
		}
		want := map[string]api.Role{
			"olivia@example.com": api.Admin, "victor@example.com": api.Owner,
			"ivan@example.com": api.ItAdmin, "mia@example.com": api.Viewer,
		}
		if diff := cmp.Diff(want, consoleRoles(t, vic)); diff != "" {
			t.Errorf("roles after the transfer (-want +got):\n%s", diff)
		}
		if me := owner.me(); me.User.Role != api.Admin || slices.Contains(me.Capabilities, string(rbac.OwnerCapability)) {
			t.Errorf("the previous owner's /me: role %q capabilities %v, want admin without owner", me.User.Role, me.Capabilities)
		}
		if me := vic.me(); !slices.Contains(me.Capabilities, string(rbac.OwnerCapability)) {
			t.Errorf("the new owner's /me capabilities %v lack owner", me.Capabilities)
		}
		expect(t, "transfer back by the previous owner", owner.call(http.MethodPost, "/console-users/"+owner.id+"/transfer-ownership", nil), 403, "forbidden")
	})

	t.Run("a deleted user's session ends", func(t *testing.T) {
		expect(t, "GET /me as mia before", mia.call(http.MethodGet, "/me", nil), 200, "")
		expect(t, "it_admin deletes the owner", ita.call(http.MethodDelete, "/console-users/"+vic.id, nil), 403, "owner_not_deletable")
		expect(t, "it_admin deletes an admin", ita.call(http.MethodDelete, "/console-users/"+owner.id, nil), 403, "target_exceeds_actor")
		expect(t, "it_admin deletes self", ita.call(http.MethodDelete, "/console-users/"+ita.id, nil), 403, "cannot_delete_self")
		expect(t, "it_admin deletes mia", ita.call(http.MethodDelete, "/console-users/"+mia.id, nil), 204, "")
		expect(t, "GET /me with mia's cookie", mia.call(http.MethodGet, "/me", nil), 401, "unauthenticated")
		expect(t, "GET /console-users with mia's cookie", mia.call(http.MethodGet, "/console-users", nil), 401, "unauthenticated")
		if _, ok := consoleRoles(t, vic)["mia@example.com"]; ok {
			t.Error("GET /console-users still lists mia after her deletion")
		}
		expect(t, "delete mia again", ita.call(http.MethodDelete, "/console-users/"+mia.id, nil), 404, "console_user_not_found")
	})
}

// TestAdmission: a person the admission rules refuse lands on the login
// page with sign_in_not_allowed and gets no console account.
func TestAdmission(t *testing.T) {
	t.Parallel()
	h, p := iamSite(t, func(h *site) {
		h.Cfg.OIDC.AllowedDomains = []string{"example.com"}
	})
	owner := newPerson(t, h, p, userOf("olivia"))
	owner.signIn()

	outsider := newPerson(t, h, p, devidp.User{Subject: "oscar", Email: "oscar@elsewhere.org", EmailVerified: true, Name: "Oscar"})
	r := outsider.b.signIn(h, "/admin/", outsider.sub)
	e := outsider.b.loginErrorAt(h, r, "sign_in_not_allowed")
	if e.Code != "sign_in_not_allowed" || e.Message == "" {
		t.Errorf("login page explanation = %+v, want sign_in_not_allowed with a message", e)
	}
	expect(t, "GET /me as the refused person", outsider.call(http.MethodGet, "/me", nil), 401, "unauthenticated")
	roles := consoleRoles(t, owner)
	if _, ok := roles["oscar@elsewhere.org"]; ok || len(roles) != 1 {
		t.Errorf("console users after a refused sign-in: %v, want only the owner", roles)
	}
}
