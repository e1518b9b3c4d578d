package headscale

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"headway/backend/headscale/hstest"
)

func TestRealUsers(t *testing.T) {
	t.Parallel()
	s := hstest.Start(t)
	c := New(s.URL, s.APIKey)
	ctx := t.Context()

	users, err := c.ListUsers(ctx)
	if err != nil || users == nil || len(users) != 0 {
		t.Fatalf("ListUsers() on a fresh server = %#v, %v, want an empty non-nil list", users, err)
	}

	alice, err := c.CreateUser(ctx, "alice", "Alice Liddell", "alice@example.com")
	if err != nil {
		t.Fatalf("CreateUser(alice) = %v", err)
	}
	want := User{ID: alice.ID, Name: "alice", DisplayName: "Alice Liddell", Email: "alice@example.com"}
	if diff := cmp.Diff(want, alice, cmpopts.IgnoreFields(User{}, "CreatedAt")); diff != "" {
		t.Errorf("CreateUser(alice) mismatch (-want +got):\n%s", diff)
	}
	if alice.ID == "" || alice.CreatedAt.IsZero() {
		t.Errorf("CreateUser(alice) = %+v, want an id and a creation time", alice)
	}
	bob, err := c.CreateUser(ctx, "bob", "", "")
	if err != nil {
		t.Fatalf("CreateUser(bob) = %v", err)
	}

	if _, err := c.CreateUser(ctx, "alice", "", ""); !errors.Is(err, ErrConflict) {
		t.Errorf("CreateUser(alice) again = %v, want ErrConflict", err)
	}
	if _, err := c.RenameUser(ctx, bob.ID, "alice"); !errors.Is(err, ErrConflict) {
		t.Errorf("RenameUser(bob, alice) = %v, want ErrConflict", err)
	}

	renamed, err := c.RenameUser(ctx, bob.ID, "robert")
	if err != nil || renamed.ID != bob.ID || renamed.Name != "robert" {
		t.Errorf("RenameUser(bob, robert) = %+v, %v, want bob's id named robert", renamed, err)
	}
	// Renaming to its own name is not a conflict.
	if _, err := c.RenameUser(ctx, bob.ID, "robert"); err != nil {
		t.Errorf("RenameUser(robert, robert) = %v, want nil", err)
	}

	users, err = c.ListUsers(ctx)
	if err != nil {
		t.Fatalf("ListUsers() = %v", err)
	}
	var names []string
	for _, u := range users {
		names = append(names, u.Name)
	}
	if diff := cmp.Diff([]string{"alice", "robert"}, names); diff != "" {
		t.Errorf("ListUsers() names mismatch (-want +got):\n%s", diff)
	}

	hstest.AddDebugNode(t, s, "alice", "n1")
	if err := c.DeleteUser(ctx, alice.ID); !errors.Is(err, ErrUserHasNodes) {
		t.Errorf("DeleteUser(alice with a node) = %v, want ErrUserHasNodes", err)
	}
	if err := c.DeleteUser(ctx, bob.ID); err != nil {
		t.Errorf("DeleteUser(robert) = %v, want nil", err)
	}

	for name, call := range map[string]func() error{
		"DeleteUser":  func() error { return c.DeleteUser(ctx, bob.ID) },
		"RenameUser":  func() error { _, err := c.RenameUser(ctx, "9999", "x"); return err },
		"DeleteUser9": func() error { return c.DeleteUser(ctx, "9999") },
	} {
		if err := call(); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s(unknown id) = %v, want ErrNotFound", name, err)
		}
	}
	for _, id := range []string{"", "0", "abc", "1/../2"} {
		if err := c.DeleteUser(ctx, id); !errors.Is(err, ErrInvalid) {
			t.Errorf("DeleteUser(%q) = %v, want ErrInvalid", id, err)
		}
	}
}
