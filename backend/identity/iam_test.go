package identity_test

import (
	"errors"
	"net/http"
	"testing"

	"headway/backend/auth"
	"headway/backend/identity"
	"headway/backend/rbac"
	"headway/backend/store"
)

func TestUpdateConsoleUser(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false, nil)
	ctx := t.Context()
	owner := f.signIn(t, person{sub: "owner"})
	ita := f.signIn(t, person{sub: "ita"})
	bob := f.signIn(t, person{sub: "bob"})
	ownerA := identity.UserActor(owner)
	if _, err := f.svc.UpdateConsoleUser(ctx, ownerA, ita.ID, ptr(rbac.ITAdmin), nil); err != nil {
		t.Fatal(err)
	}
	admin := f.signIn(t, person{sub: "admin"})
	if _, err := f.svc.UpdateConsoleUser(ctx, ownerA, admin.ID, ptr(rbac.Admin), nil); err != nil {
		t.Fatal(err)
	}
	itaA := identity.UserActor(f.get(t, ita.ID))
	viewerA := identity.Actor{ConsoleUserID: bob.ID, Role: rbac.Viewer}

	tests := []struct {
		name    string
		a       identity.Actor
		target  int64
		role    *rbac.Role
		pinned  *bool
		wantErr error
	}{
		{"it_admin cannot grant admin", itaA, bob.ID, ptr(rbac.Admin), nil, rbac.ErrRoleExceedsActor},
		{"it_admin cannot grant network_admin", itaA, bob.ID, ptr(rbac.NetworkAdmin), nil, rbac.ErrRoleExceedsActor},
		{"it_admin cannot demote an admin", itaA, admin.ID, ptr(rbac.Viewer), nil, rbac.ErrTargetExceedsActor},
		{"nobody changes their own role", itaA, ita.ID, ptr(rbac.Viewer), nil, rbac.ErrCannotChangeOwnRole},
		{"owner is never assigned", ownerA, bob.ID, ptr(rbac.Owner), nil, rbac.ErrOwnerNotAssignable},
		{"the owner changes their own role", ownerA, owner.ID, ptr(rbac.Admin), nil, rbac.ErrCannotChangeOwnRole},
		{"admin cannot touch the owner", identity.UserActor(f.get(t, admin.ID)), owner.ID, ptr(rbac.Admin), nil, rbac.ErrOwnerRoleLocked},
		{"pinning the owner is locked too", identity.APIKeyActor(), owner.ID, nil, ptr(true), rbac.ErrOwnerRoleLocked},
		{"viewer cannot change roles", viewerA, ita.ID, ptr(rbac.Viewer), nil, rbac.ErrRoleChangeForbidden},
		{"unknown role", ownerA, bob.ID, ptr(rbac.Role("superuser")), nil, rbac.ErrRoleInvalid},
		{"unknown user", ownerA, 4242, ptr(rbac.Viewer), nil, identity.ErrConsoleUserNotFound},
	}
	for _, tc := range tests {
		_, err := f.svc.UpdateConsoleUser(ctx, tc.a, tc.target, tc.role, tc.pinned)
		if !errors.Is(err, tc.wantErr) {
			t.Errorf("%s: UpdateConsoleUser() error = %v, want %v", tc.name, err, tc.wantErr)
		}
	}
	if _, err := f.svc.UpdateConsoleUser(ctx, ownerA, 4242, ptr(rbac.Viewer), nil); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UpdateConsoleUser(4242) error = %v, want it to match store.ErrNotFound too", err)
	}
	var ie *identity.Error
	if _, err := f.svc.UpdateConsoleUser(ctx, ownerA, 4242, ptr(rbac.Viewer), nil); !errors.As(err, &ie) || ie.Status != http.StatusNotFound || ie.Code != "console_user_not_found" {
		t.Errorf("UpdateConsoleUser(4242) error = %v, want console_user_not_found (404)", err)
	}

	// it_admin may grant a role within its own capabilities; it is pinned
	// and takes effect on bob's next request.
	_, bobIss, err := f.trySignIn(ctx, person{sub: "bob"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := f.svc.UpdateConsoleUser(ctx, itaA, bob.ID, ptr(rbac.Viewer), nil)
	if err != nil || u.Role != "viewer" || !u.RolePinned {
		t.Fatalf("it_admin grants viewer: %+v, %v; want a pinned viewer", u, err)
	}
	p, err := f.auth.Authenticate(ctx, bobIss.Token)
	if err != nil || p.User.Role != "viewer" {
		t.Errorf("bob's next request: %+v, %v; want role viewer", p, err)
	}
	// Role with pinned=false given explicitly.
	if u, err := f.svc.UpdateConsoleUser(ctx, identity.APIKeyActor(), bob.ID, ptr(rbac.Auditor), ptr(false)); err != nil || u.Role != "auditor" || u.RolePinned {
		t.Errorf("API key grants auditor unpinned: %+v, %v", u, err)
	}
	// Neither field: nothing changes.
	if u, err := f.svc.UpdateConsoleUser(ctx, identity.APIKeyActor(), bob.ID, nil, nil); err != nil || u.Role != "auditor" {
		t.Errorf("UpdateConsoleUser(no change) = %+v, %v", u, err)
	}
}

func TestTransferOwnershipAndDelete(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false, nil)
	ctx := t.Context()
	owner := f.signIn(t, person{sub: "owner"})
	bob := f.signIn(t, person{sub: "bob"})
	carol := f.signIn(t, person{sub: "carol"})
	ownerA := identity.UserActor(owner)

	for _, tc := range []struct {
		name    string
		a       identity.Actor
		target  int64
		wantErr error
	}{
		{"only the owner", identity.APIKeyActor(), bob.ID, rbac.ErrOwnerOnly},
		{"not to self", ownerA, owner.ID, rbac.ErrCannotTransferToSelf},
		{"unknown target", ownerA, 4242, identity.ErrConsoleUserNotFound},
	} {
		if _, err := f.svc.TransferOwnership(ctx, tc.a, tc.target); !errors.Is(err, tc.wantErr) {
			t.Errorf("%s: TransferOwnership() error = %v, want %v", tc.name, err, tc.wantErr)
		}
	}
	if got := f.get(t, owner.ID); got.Role != "owner" {
		t.Fatalf("after refused transfers the owner is %q", got.Role)
	}

	nu, err := f.svc.TransferOwnership(ctx, ownerA, bob.ID)
	if err != nil || nu.ID != bob.ID || nu.Role != "owner" {
		t.Fatalf("TransferOwnership(bob) = %+v, %v", nu, err)
	}
	if old := f.get(t, owner.ID); old.Role != "admin" {
		t.Errorf("previous owner's role = %q, want admin", old.Role)
	}
	// The stale actor (still thinking it owns) is refused.
	if _, err := f.svc.TransferOwnership(ctx, ownerA, carol.ID); !errors.Is(err, rbac.ErrOwnerOnly) {
		t.Errorf("TransferOwnership by the previous owner: error = %v, want ErrOwnerOnly", err)
	}

	// Deletion.
	_, carolIss, err := f.trySignIn(ctx, person{sub: "carol"})
	if err != nil {
		t.Fatal(err)
	}
	adminA := identity.UserActor(f.get(t, owner.ID))
	for _, tc := range []struct {
		name    string
		a       identity.Actor
		target  int64
		wantErr error
	}{
		{"the owner cannot be deleted", adminA, bob.ID, rbac.ErrOwnerNotDeletable},
		{"nobody deletes themselves", adminA, owner.ID, rbac.ErrCannotDeleteSelf},
		{"a member cannot delete", identity.UserActor(carol), owner.ID, rbac.ErrUserDeleteForbidden},
		{"unknown user", adminA, 4242, identity.ErrConsoleUserNotFound},
	} {
		if err := f.svc.DeleteConsoleUser(ctx, tc.a, tc.target); !errors.Is(err, tc.wantErr) {
			t.Errorf("%s: DeleteConsoleUser() error = %v, want %v", tc.name, err, tc.wantErr)
		}
	}
	if err := f.svc.DeleteConsoleUser(ctx, adminA, carol.ID); err != nil {
		t.Fatalf("DeleteConsoleUser(carol) error: %v", err)
	}
	if _, err := f.auth.Authenticate(ctx, carolIss.Token); !errors.Is(err, auth.ErrNoSession) {
		t.Errorf("carol's session after deletion: error = %v, want ErrNoSession", err)
	}
	if _, err := f.store.GetConsoleUser(ctx, carol.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("carol after deletion: error = %v, want ErrNotFound", err)
	}
}

func TestAdminLinkAndHeadscaleUsers(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true, nil)
	ctx := t.Context()
	h1 := f.hs.CreateUser(t, "zed")
	h2 := f.hs.CreateOIDCUser(t, "amy", "amy@corp.example", "https://other.example/amy")
	f.hs.CreateUser(t, "Bea")
	f.hs.CreateUser(t, "bea") // no one has nodes but bea's twin
	owner := f.signIn(t, person{sub: "owner"})
	bob := f.signIn(t, person{sub: "bob"})
	carol := f.signIn(t, person{sub: "carol"})
	ownerA := identity.UserActor(owner)

	if _, err := f.svc.Link(ctx, identity.UserActor(bob), carol.ID, h1); !errors.Is(err, rbac.ErrLinkForbidden) {
		t.Errorf("member links: error = %v, want ErrLinkForbidden", err)
	}
	if _, err := f.svc.Link(ctx, ownerA, carol.ID, "4242"); !errors.Is(err, identity.ErrHeadscaleUserNotFound) {
		t.Errorf("Link(unknown headscale user) error = %v, want ErrHeadscaleUserNotFound", err)
	}
	if _, err := f.svc.Link(ctx, ownerA, 4242, h1); !errors.Is(err, identity.ErrConsoleUserNotFound) {
		t.Errorf("Link(unknown console user) error = %v, want ErrConsoleUserNotFound", err)
	}
	// Admins link anyone, to local or OIDC Headscale users, themselves included.
	if u, err := f.svc.Link(ctx, ownerA, bob.ID, h2); err != nil || u.HeadscaleUserID != h2 {
		t.Errorf("Link(bob, amy) = %+v, %v", u, err)
	}
	if u, err := f.svc.Link(ctx, identity.APIKeyActor(), owner.ID, h1); err != nil || u.HeadscaleUserID != h1 {
		t.Errorf("Link(owner, zed) = %+v, %v", u, err)
	}
	if _, err := f.svc.Link(ctx, ownerA, carol.ID, h2); !errors.Is(err, identity.ErrHeadscaleUserClaimed) {
		t.Errorf("Link(carol, amy) error = %v, want ErrHeadscaleUserClaimed", err)
	}
	hstestNode(t, f, "zed", "zed-1")

	users, err := f.svc.HeadscaleUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		name   string
		nodes  int
		linked int64
	}
	var got []row
	for _, u := range users {
		got = append(got, row{u.Name, u.NodeCount, u.LinkedConsoleUserID})
	}
	want := []row{{"amy", 0, bob.ID}, {"Bea", 0, 0}, {"bea", 0, 0}, {"zed", 1, owner.ID}}
	if len(got) != len(want) {
		t.Fatalf("HeadscaleUsers() = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("HeadscaleUsers()[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}

	if _, err := f.svc.Unlink(ctx, identity.UserActor(carol), bob.ID); !errors.Is(err, rbac.ErrLinkForbidden) {
		t.Errorf("member unlinks: error = %v, want ErrLinkForbidden", err)
	}
	if u, err := f.svc.Unlink(ctx, ownerA, bob.ID); err != nil || u.HeadscaleUserID != "" {
		t.Errorf("Unlink(bob) = %+v, %v", u, err)
	}
	if _, err := f.svc.Unlink(ctx, ownerA, 4242); !errors.Is(err, identity.ErrConsoleUserNotFound) {
		t.Errorf("Unlink(4242) error = %v, want ErrConsoleUserNotFound", err)
	}
	if u, err := f.svc.Link(ctx, ownerA, carol.ID, h2); err != nil || u.HeadscaleUserID != h2 {
		t.Errorf("Link(carol, amy) after unlinking bob = %+v, %v", u, err)
	}
}
