package machines_test

import (
	"net/http"
	"strings"
	"testing"

	"headway/backend/headscale/hstest"
)

func TestCreateUser(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := t.Context()

	u, err := f.svc.CreateUser(ctx, "carol", "Carol C", "carol@example.com")
	if err != nil {
		t.Fatalf("CreateUser() error = %v", err)
	}
	if u.Name != "carol" || u.DisplayName != "Carol C" || u.Email != "carol@example.com" || u.ID == "" {
		t.Errorf("CreateUser() = %+v, want carol", u)
	}
	if got, ok := f.tn.Snapshot().User(u.ID); !ok || got.Name != "carol" {
		t.Errorf("snapshot user %s after CreateUser = %+v, %v; want carol", u.ID, got, ok)
	}

	for _, name := range []string{"", "c", "1carol", "carol smith", "a@b@c", "carol/x", "-carol"} {
		_, err := f.svc.CreateUser(ctx, name, "", "")
		wantError(t, "CreateUser("+name+")", err, "user_name_invalid", http.StatusBadRequest)
	}
	_, err = f.svc.CreateUser(ctx, "alice", "", "")
	wantError(t, "CreateUser(alice again)", err, "user_name_taken", http.StatusConflict)

	// Created behind the snapshot's back: Headscale (through the client)
	// still refuses the duplicate.
	f.srv.CreateUser(t, "dave")
	_, err = f.svc.CreateUser(ctx, "dave", "", "")
	wantError(t, "CreateUser(dave, not in the snapshot)", err, "user_name_taken", http.StatusConflict)
}

func TestRenameUser(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := t.Context()

	u, err := f.svc.RenameUser(ctx, f.alice, "alicia")
	if err != nil {
		t.Fatalf("RenameUser() error = %v", err)
	}
	if u.ID != f.alice || u.Name != "alicia" {
		t.Errorf("RenameUser() = %+v, want alicia (%s)", u, f.alice)
	}
	view := f.tn.Snapshot()
	if got, _ := view.User(f.alice); got.Name != "alicia" {
		t.Errorf("snapshot user after RenameUser = %+v, want alicia", got)
	}
	if got, _ := view.Node(f.aliceNode); got.User != "alicia" {
		t.Errorf("snapshot node's user after RenameUser = %q, want alicia", got.User)
	}

	_, err = f.svc.RenameUser(ctx, f.alice, "bob")
	wantError(t, "RenameUser(onto bob)", err, "user_name_taken", http.StatusConflict)
	_, err = f.svc.RenameUser(ctx, f.alice, "a b")
	wantError(t, "RenameUser(invalid)", err, "user_name_invalid", http.StatusBadRequest)
	_, err = f.svc.RenameUser(ctx, "999", "zed")
	wantError(t, "RenameUser(unknown id)", err, "headscale_user_not_found", http.StatusNotFound)

	oidc := f.srv.CreateOIDCUser(t, "erin", "erin@corp.example", "https://idp.example/sub-erin")
	f.refresh(t)
	_, err = f.svc.RenameUser(ctx, oidc, "erin2")
	wantError(t, "RenameUser(oidc user)", err, "user_from_oidc", http.StatusBadRequest)

}

func TestDeleteUser(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := t.Context()

	e := wantError(t, "DeleteUser(alice, one machine)", f.svc.DeleteUser(ctx, f.alice), "user_has_machines", http.StatusConflict)
	if !strings.Contains(e.Hint, "their 1 machine first") {
		t.Errorf("user_has_machines hint = %q, want the count", e.Hint)
	}
	wantError(t, "DeleteUser(unknown id)", f.svc.DeleteUser(ctx, "999"), "headscale_user_not_found", http.StatusNotFound)

	u, err := f.svc.CreateUser(ctx, "carol", "", "")
	if err != nil {
		t.Fatal(err)
	}
	// A machine registered behind the snapshot's back: Headscale refuses.
	hstest.AddDebugNode(t, f.srv, "carol", "carol-pc")
	wantError(t, "DeleteUser(carol, stale snapshot)", f.svc.DeleteUser(ctx, u.ID), "user_has_machines", http.StatusConflict)

	if err := f.svc.Delete(ctx, f.admin, f.aliceNode); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.DeleteUser(ctx, f.alice); err != nil {
		t.Fatalf("DeleteUser(alice, no machines) error = %v", err)
	}
	if _, ok := f.tn.Snapshot().User(f.alice); ok {
		t.Errorf("snapshot still has user %s after DeleteUser", f.alice)
	}
	users, err := f.hs.ListUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if u.ID == f.alice {
			t.Errorf("Headscale still has user %s after DeleteUser", f.alice)
		}
	}
}
