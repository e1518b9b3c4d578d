package store_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"headway/backend/store"
	"headway/backend/store/storetest"
)

// at returns a fixed time at the database's microsecond precision.
func at(minutes int) time.Time {
	return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC).Add(time.Duration(minutes) * time.Minute)
}

// upsert signs in subject at idp.example with the claimed role.
func upsert(t *testing.T, s *store.Store, subject, role string, minute int) store.ConsoleUser {
	t.Helper()
	u, err := s.UpsertOIDCConsoleUser(t.Context(), store.ConsoleUserProfile{
		Issuer: "https://idp.example", Subject: subject, Email: subject + "@example.com", Name: subject, Role: role,
	}, at(minute))
	if err != nil {
		t.Fatalf("UpsertOIDCConsoleUser(%s, %q) error: %v", subject, role, err)
	}
	return u
}

func TestUpsertOIDCConsoleUser(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := t.Context()

	owner := upsert(t, s, "owner", "", 0)
	if owner.Role != "owner" {
		t.Fatalf("first sign-in role = %q, want owner", owner.Role)
	}

	p := store.ConsoleUserProfile{
		Issuer: "https://idp.example", Subject: "alice-sub", Email: "alice@example.com",
		EmailVerified: true, Name: "Alice", PreferredUsername: "alice", Picture: "https://idp.example/a.png",
	}
	u, err := s.UpsertOIDCConsoleUser(ctx, p, at(0))
	if err != nil {
		t.Fatalf("UpsertOIDCConsoleUser(insert) error: %v", err)
	}
	want := store.ConsoleUser{
		ID: u.ID, Issuer: p.Issuer, Subject: p.Subject, Email: p.Email, EmailVerified: true,
		Name: "Alice", PreferredUsername: "alice", Picture: p.Picture, Groups: []string{},
		Role: "member", CreatedAt: at(0), UpdatedAt: at(0), LastLoginAt: ptr(at(0)),
	}
	if diff := cmp.Diff(want, u); diff != "" {
		t.Errorf("UpsertOIDCConsoleUser(insert) (-want +got):\n%s", diff)
	}

	// An administrator pins Alice's role to admin; a later sign-in leaves it alone.
	if _, err := s.SetConsoleUserRole(ctx, u.ID, "admin", true, at(1)); err != nil {
		t.Fatal(err)
	}
	p.Email, p.Name, p.Groups, p.Role = "alice@new.example", "Alice B.", []string{"ops", "dev"}, "viewer"
	u2, err := s.UpsertOIDCConsoleUser(ctx, p, at(5))
	if err != nil {
		t.Fatalf("UpsertOIDCConsoleUser(update) error: %v", err)
	}
	want.Email, want.Name, want.Groups, want.Role, want.RolePinned = "alice@new.example", "Alice B.", []string{"ops", "dev"}, "admin", true
	want.UpdatedAt, want.LastLoginAt = at(5), ptr(at(5))
	if diff := cmp.Diff(want, u2); diff != "" {
		t.Errorf("UpsertOIDCConsoleUser(update) (-want +got):\n%s", diff)
	}

	got, err := s.GetConsoleUser(ctx, u.ID)
	if err != nil {
		t.Fatalf("GetConsoleUser() error: %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("GetConsoleUser() (-want +got):\n%s", diff)
	}

	// Same subject at another issuer is another user.
	p.Issuer = "https://other.example"
	u3, err := s.UpsertOIDCConsoleUser(ctx, p, at(6))
	if err != nil {
		t.Fatalf("UpsertOIDCConsoleUser(other issuer) error: %v", err)
	}
	if u3.ID == u.ID || u3.Role != "viewer" {
		t.Errorf("UpsertOIDCConsoleUser(other issuer) = id %d role %q, want a new viewer (not id %d)", u3.ID, u3.Role, u.ID)
	}
}

func TestUpsertOIDCConsoleUserRoleFromClaims(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := t.Context()

	owner := upsert(t, s, "owner", "viewer", 0)
	tests := []struct {
		name, subject, claimed, want string
	}{
		{"owner keeps owner", "owner", "member", "owner"},
		{"new user gets the claim", "bob", "auditor", "auditor"},
		{"claim applied again", "bob", "network_admin", "network_admin"},
		{"empty claim is member", "bob", "", "member"},
	}
	for _, tc := range tests {
		if got := upsert(t, s, tc.subject, tc.claimed, 1); got.Role != tc.want {
			t.Errorf("%s: UpsertOIDCConsoleUser(%s, %q) role = %q, want %q", tc.name, tc.subject, tc.claimed, got.Role, tc.want)
		}
	}
	if _, err := s.UpsertOIDCConsoleUser(ctx, store.ConsoleUserProfile{Issuer: "https://idp.example", Subject: "eve", Role: "owner"}, at(2)); err == nil {
		t.Error("UpsertOIDCConsoleUser(role owner) error = nil, want a refusal")
	}

	// Unpinning lets the claims apply again.
	bob := upsert(t, s, "bob", "", 3)
	if _, err := s.SetConsoleUserRole(ctx, bob.ID, "it_admin", true, at(3)); err != nil {
		t.Fatal(err)
	}
	if got := upsert(t, s, "bob", "viewer", 4); got.Role != "it_admin" {
		t.Errorf("pinned: role = %q, want it_admin", got.Role)
	}
	if _, err := s.SetConsoleUserRolePinned(ctx, bob.ID, false, at(5)); err != nil {
		t.Fatal(err)
	}
	if got := upsert(t, s, "bob", "viewer", 6); got.Role != "viewer" || got.RolePinned {
		t.Errorf("unpinned: role = %q pinned %v, want viewer, not pinned", got.Role, got.RolePinned)
	}
	if got, _ := s.GetConsoleUser(ctx, owner.ID); got.Role != "owner" {
		t.Errorf("owner's role = %q, want owner", got.Role)
	}
}

// TestOwnerBootstrapRace signs in many new users at once on an empty
// console: exactly one becomes the owner, the others keep their claimed role.
func TestOwnerBootstrapRace(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := t.Context()
	const n = 50
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			err := s.InTx(ctx, func(q *store.Queries) error {
				_, err := q.UpsertOIDCConsoleUser(ctx, store.ConsoleUserProfile{
					Issuer: "https://idp.example", Subject: fmt.Sprintf("user-%d", i), Role: "viewer",
				}, at(0))
				return err
			})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("UpsertOIDCConsoleUser() error: %v", err)
		}
	}
	users, err := s.ListConsoleUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	roles := map[string]int{}
	for _, u := range users {
		roles[u.Role]++
	}
	if diff := cmp.Diff(map[string]int{"owner": 1, "viewer": n - 1}, roles); diff != "" {
		t.Errorf("roles after %d concurrent first sign-ins (-want +got):\n%s", n, diff)
	}
	if users[0].Role != "owner" {
		t.Errorf("ListConsoleUsers()[0].Role = %q, want the owner first", users[0].Role)
	}
}

func TestConsoleUserRoles(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := t.Context()
	owner := upsert(t, s, "owner", "", 0)
	bob := upsert(t, s, "bob", "", 0)

	u, err := s.SetConsoleUserRole(ctx, bob.ID, "auditor", true, at(1))
	if err != nil || u.Role != "auditor" || !u.RolePinned || !u.UpdatedAt.Equal(at(1)) {
		t.Errorf("SetConsoleUserRole(bob, auditor) = %+v, %v; want a pinned auditor", u, err)
	}
	tests := []struct {
		name    string
		id      int64
		role    string
		wantErr error
	}{
		{"owner is never set", bob.ID, "owner", store.ErrConflict},
		{"the owner's role is never changed", owner.ID, "admin", store.ErrConflict},
		{"unknown user", 4242, "viewer", store.ErrNotFound},
	}
	for _, tc := range tests {
		if _, err := s.SetConsoleUserRole(ctx, tc.id, tc.role, true, at(2)); !errors.Is(err, tc.wantErr) {
			t.Errorf("%s: SetConsoleUserRole(%d, %s) error = %v, want %v", tc.name, tc.id, tc.role, err, tc.wantErr)
		}
	}
	if _, err := s.SetConsoleUserRolePinned(ctx, 4242, true, at(2)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SetConsoleUserRolePinned(4242) error = %v, want ErrNotFound", err)
	}

	// The database itself refuses a second owner.
	err = store.ExecForTest(ctx, s.Queries, `UPDATE console_users SET role = 'owner' WHERE id = $1`, bob.ID)
	if !errors.Is(store.Classify(err), store.ErrConflict) {
		t.Errorf("second owner by hand: error = %v, want a unique violation", err)
	}

	grantors, err := s.ListConsoleUsersWithRoles(ctx, []string{"owner", "admin", "it_admin"})
	if err != nil || len(grantors) != 1 || grantors[0].ID != owner.ID {
		t.Errorf("ListConsoleUsersWithRoles(owner, admin, it_admin) = %+v, %v; want the owner only", grantors, err)
	}
	if got, err := s.ListConsoleUsersWithRoles(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("ListConsoleUsersWithRoles(nil) = %+v, %v; want none", got, err)
	}
}

func TestTransferOwnership(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := t.Context()
	owner := upsert(t, s, "owner", "", 0)
	bob := upsert(t, s, "bob", "viewer", 0)

	if _, err := s.TransferOwnership(ctx, bob.ID, owner.ID, at(1)); !errors.Is(err, store.ErrConflict) {
		t.Errorf("TransferOwnership(from a non-owner) error = %v, want ErrConflict", err)
	}
	if _, err := s.TransferOwnership(ctx, owner.ID, owner.ID, at(1)); !errors.Is(err, store.ErrConflict) {
		t.Errorf("TransferOwnership(to self) error = %v, want ErrConflict", err)
	}
	// An unknown target rolls the demotion back.
	err := s.InTx(ctx, func(q *store.Queries) error {
		_, err := q.TransferOwnership(ctx, owner.ID, 4242, at(1))
		return err
	})
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("TransferOwnership(to 4242) error = %v, want ErrNotFound", err)
	}
	if got, _ := s.GetConsoleUser(ctx, owner.ID); got.Role != "owner" {
		t.Errorf("after a failed transfer the owner's role = %q, want owner", got.Role)
	}

	var newOwner store.ConsoleUser
	err = s.InTx(ctx, func(q *store.Queries) error {
		var err error
		newOwner, err = q.TransferOwnership(ctx, owner.ID, bob.ID, at(2))
		return err
	})
	if err != nil || newOwner.ID != bob.ID || newOwner.Role != "owner" {
		t.Fatalf("TransferOwnership(to bob) = %+v, %v; want bob as owner", newOwner, err)
	}
	old, _ := s.GetConsoleUser(ctx, owner.ID)
	if old.Role != "admin" || !old.RolePinned {
		t.Errorf("previous owner: role %q pinned %v, want a pinned admin", old.Role, old.RolePinned)
	}
	// The previous owner's sign-in keeps admin; no new owner is bootstrapped.
	if got := upsert(t, s, "owner", "member", 3); got.Role != "admin" {
		t.Errorf("previous owner signs in: role %q, want admin", got.Role)
	}
}

func TestConsoleUserLinks(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := t.Context()
	alice := upsert(t, s, "alice", "", 0)
	bob := upsert(t, s, "bob", "", 0)

	u, err := s.LinkConsoleUser(ctx, alice.ID, "7", at(1))
	if err != nil || u.HeadscaleUserID != "7" {
		t.Fatalf("LinkConsoleUser(alice, 7) = %+v, %v", u, err)
	}
	tests := []struct {
		name    string
		run     func() error
		wantErr error
	}{
		{"another user's headscale user", func() error { _, err := s.LinkConsoleUser(ctx, bob.ID, "7", at(2)); return err }, store.ErrConflict},
		{"unlinked only: already linked", func() error { _, err := s.LinkUnlinkedConsoleUser(ctx, alice.ID, "8", at(2)); return err }, store.ErrConflict},
		{"unlinked only: claimed", func() error { _, err := s.LinkUnlinkedConsoleUser(ctx, bob.ID, "7", at(2)); return err }, store.ErrConflict},
		{"unlinked only: unknown user", func() error { _, err := s.LinkUnlinkedConsoleUser(ctx, 4242, "9", at(2)); return err }, store.ErrNotFound},
		{"link unknown user", func() error { _, err := s.LinkConsoleUser(ctx, 4242, "9", at(2)); return err }, store.ErrNotFound},
		{"unlink unknown user", func() error { _, err := s.UnlinkConsoleUser(ctx, 4242, at(2)); return err }, store.ErrNotFound},
	}
	for _, tc := range tests {
		if err := tc.run(); !errors.Is(err, tc.wantErr) {
			t.Errorf("%s: error = %v, want %v", tc.name, err, tc.wantErr)
		}
	}

	if u, err := s.LinkUnlinkedConsoleUser(ctx, bob.ID, "8", at(3)); err != nil || u.HeadscaleUserID != "8" {
		t.Errorf("LinkUnlinkedConsoleUser(bob, 8) = %+v, %v", u, err)
	}
	// Clearing a stale link leaves a newer one alone.
	if u, err := s.ClearConsoleUserLink(ctx, bob.ID, "5", at(4)); err != nil || u.HeadscaleUserID != "8" {
		t.Errorf("ClearConsoleUserLink(bob, 5) = %+v, %v; want the link to 8 kept", u, err)
	}
	if u, err := s.ClearConsoleUserLink(ctx, bob.ID, "8", at(4)); err != nil || u.HeadscaleUserID != "" {
		t.Errorf("ClearConsoleUserLink(bob, 8) = %+v, %v; want unlinked", u, err)
	}
	if u, err := s.UnlinkConsoleUser(ctx, alice.ID, at(5)); err != nil || u.HeadscaleUserID != "" {
		t.Errorf("UnlinkConsoleUser(alice) = %+v, %v", u, err)
	}
	// The Headscale user is free again.
	if u, err := s.LinkConsoleUser(ctx, bob.ID, "7", at(6)); err != nil || u.HeadscaleUserID != "7" {
		t.Errorf("LinkConsoleUser(bob, 7) after unlink = %+v, %v", u, err)
	}
}

func TestDeleteConsoleUserAndOnboarding(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := t.Context()
	upsert(t, s, "owner", "", 0)
	bob := upsert(t, s, "bob", "", 0)
	sess := newSession(t, s, "bob-token", &bob.ID, 0, 60)

	u, err := s.SetOnboardingDone(ctx, bob.ID, at(1))
	if err != nil || !u.OnboardingDone {
		t.Errorf("SetOnboardingDone(bob) = %+v, %v", u, err)
	}
	if _, err := s.SetOnboardingDone(ctx, 4242, at(1)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SetOnboardingDone(4242) error = %v, want ErrNotFound", err)
	}

	if err := s.DeleteConsoleUser(ctx, bob.ID); err != nil {
		t.Fatalf("DeleteConsoleUser(bob) error: %v", err)
	}
	if _, err := s.GetSession(ctx, sess.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetSession(bob's session) after deleting bob: error = %v, want ErrNotFound", err)
	}
	if err := s.DeleteConsoleUser(ctx, bob.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("DeleteConsoleUser(bob) again: error = %v, want ErrNotFound", err)
	}
	err = s.InTx(ctx, func(q *store.Queries) error {
		_, err := q.LockConsoleUser(ctx, bob.ID)
		return err
	})
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("LockConsoleUser(deleted) error = %v, want ErrNotFound", err)
	}
}

func TestGetConsoleUserNotFound(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	if _, err := s.GetConsoleUser(t.Context(), 4242); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetConsoleUser(4242) error = %v, want ErrNotFound", err)
	}
}

func ptr[T any](v T) *T { return &v }
