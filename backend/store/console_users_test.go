package store_test

import (
	"errors"
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

func TestUpsertOIDCConsoleUser(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := t.Context()

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

	// An administrator makes Alice an admin; a later sign-in leaves the role alone.
	if err := store.ExecForTest(ctx, s.Queries, `UPDATE console_users SET role = 'admin' WHERE id = $1`, u.ID); err != nil {
		t.Fatal(err)
	}
	p.Email, p.Name, p.Groups = "alice@new.example", "Alice B.", []string{"ops", "dev"}
	u2, err := s.UpsertOIDCConsoleUser(ctx, p, at(5))
	if err != nil {
		t.Fatalf("UpsertOIDCConsoleUser(update) error: %v", err)
	}
	want.Email, want.Name, want.Groups, want.Role = "alice@new.example", "Alice B.", []string{"ops", "dev"}, "admin"
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
	if u3.ID == u.ID || u3.Role != "member" {
		t.Errorf("UpsertOIDCConsoleUser(other issuer) = id %d role %q, want a new member (not id %d)", u3.ID, u3.Role, u.ID)
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
