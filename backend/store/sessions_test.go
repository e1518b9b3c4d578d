package store_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"headway/backend/store"
	"headway/backend/store/storetest"
)

func newUser(t *testing.T, s *store.Store, subject string) store.ConsoleUser {
	t.Helper()
	u, err := s.UpsertOIDCConsoleUser(t.Context(), store.ConsoleUserProfile{Issuer: "https://idp.example", Subject: subject}, at(0))
	if err != nil {
		t.Fatalf("UpsertOIDCConsoleUser(%q) error: %v", subject, err)
	}
	return u
}

func newSession(t *testing.T, s *store.Store, token string, userID *int64, created, expires int) store.Session {
	t.Helper()
	kind := store.SessionKindOIDC
	if userID == nil {
		kind = store.SessionKindAPIKey
	}
	sess, err := s.CreateSession(t.Context(), store.NewSession{
		TokenHash: []byte(token), Kind: kind, ConsoleUserID: userID, CSRFToken: "csrf-" + token,
		UserAgent: "ua", ClientIP: "192.0.2.1",
		CreatedAt: at(created), IdleExpiresAt: at(expires), ExpiresAt: at(expires),
	})
	if err != nil {
		t.Fatalf("CreateSession(%q) error: %v", token, err)
	}
	return sess
}

func TestSessionLifecycle(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := t.Context()
	u := newUser(t, s, "alice")

	created := newSession(t, s, "tok-1", &u.ID, 0, 60)
	want := store.Session{
		ID: created.ID, TokenHash: []byte("tok-1"), Kind: "oidc", ConsoleUserID: &u.ID,
		CSRFToken: "csrf-tok-1", UserAgent: "ua", ClientIP: "192.0.2.1",
		CreatedAt: at(0), LastSeenAt: at(0), IdleExpiresAt: at(60), ExpiresAt: at(60),
	}
	if diff := cmp.Diff(want, created); diff != "" {
		t.Errorf("CreateSession() (-want +got):\n%s", diff)
	}

	// Same token hash twice is a conflict.
	_, err := s.CreateSession(ctx, store.NewSession{
		TokenHash: []byte("tok-1"), Kind: "oidc", ConsoleUserID: &u.ID, CSRFToken: "x",
		CreatedAt: at(0), IdleExpiresAt: at(1), ExpiresAt: at(1),
	})
	if !errors.Is(err, store.ErrConflict) {
		t.Errorf("CreateSession(same token hash) error = %v, want ErrConflict", err)
	}

	if err := s.SetSessionSecrets(ctx, created.ID, nil, []byte("sealed-id-token")); err != nil {
		t.Fatalf("SetSessionSecrets() error: %v", err)
	}
	want.IDTokenCiphertext = []byte("sealed-id-token")
	if err := s.TouchSession(ctx, created.ID, at(3), at(40)); err != nil {
		t.Fatalf("TouchSession() error: %v", err)
	}
	want.LastSeenAt, want.IdleExpiresAt = at(3), at(40)

	got, err := s.GetSessionByTokenHash(ctx, []byte("tok-1"))
	if err != nil {
		t.Fatalf("GetSessionByTokenHash() error: %v", err)
	}
	if diff := cmp.Diff(store.SessionWithUser{Session: want, User: &u}, got); diff != "" {
		t.Errorf("GetSessionByTokenHash() (-want +got):\n%s", diff)
	}
	byID, err := s.GetSession(ctx, created.ID)
	if err != nil {
		t.Fatalf("GetSession() error: %v", err)
	}
	if diff := cmp.Diff(want, byID); diff != "" {
		t.Errorf("GetSession() (-want +got):\n%s", diff)
	}

	deleted, err := s.DeleteSession(ctx, created.ID)
	if err != nil {
		t.Fatalf("DeleteSession() error: %v", err)
	}
	if diff := cmp.Diff(want, deleted); diff != "" {
		t.Errorf("DeleteSession() (-want +got):\n%s", diff)
	}
	if _, err := s.GetSessionByTokenHash(ctx, []byte("tok-1")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetSessionByTokenHash(deleted) error = %v, want ErrNotFound", err)
	}
	if _, err := s.DeleteSession(ctx, created.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("DeleteSession(deleted) error = %v, want ErrNotFound", err)
	}
	if err := s.TouchSession(ctx, created.ID, at(4), at(41)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("TouchSession(deleted) error = %v, want ErrNotFound", err)
	}
	if err := s.SetSessionSecrets(ctx, created.ID, nil, nil); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SetSessionSecrets(deleted) error = %v, want ErrNotFound", err)
	}
}

func TestAPIKeySessionHasNoUser(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	sess := newSession(t, s, "key-tok", nil, 0, 60)
	if err := s.SetSessionSecrets(t.Context(), sess.ID, []byte("sealed-key"), nil); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetSessionByTokenHash(t.Context(), []byte("key-tok"))
	if err != nil {
		t.Fatalf("GetSessionByTokenHash() error: %v", err)
	}
	if got.User != nil || got.ConsoleUserID != nil || string(got.APIKeyCiphertext) != "sealed-key" || got.Kind != "api_key" {
		t.Errorf("GetSessionByTokenHash() = %+v, want an api_key session with its sealed key and no user", got)
	}
}

func TestOIDCSessionNeedsUser(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	_, err := s.CreateSession(t.Context(), store.NewSession{
		TokenHash: []byte("t"), Kind: "oidc", CSRFToken: "c", CreatedAt: at(0), IdleExpiresAt: at(1), ExpiresAt: at(1),
	})
	if err == nil {
		t.Error("CreateSession(oidc without user) error = nil, want a check violation")
	}
}

func TestListAndDeleteSessionsOfConsoleUser(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := t.Context()
	alice, bob := newUser(t, s, "alice"), newUser(t, s, "bob")

	a1 := newSession(t, s, "a1", &alice.ID, 0, 60)
	a2 := newSession(t, s, "a2", &alice.ID, 1, 60)
	newSession(t, s, "a-expired", &alice.ID, 0, 5)
	b1 := newSession(t, s, "b1", &bob.ID, 0, 60)
	newSession(t, s, "key", nil, 0, 60)
	// Idle-expired: absolute expiry ahead, idle expiry behind.
	idle := newSession(t, s, "a-idle", &alice.ID, 0, 60)
	if err := s.TouchSession(ctx, idle.ID, at(0), at(8)); err != nil {
		t.Fatal(err)
	}

	list, err := s.ListLiveSessionsOfConsoleUser(ctx, alice.ID, at(10))
	if err != nil {
		t.Fatalf("ListLiveSessionsOfConsoleUser() error: %v", err)
	}
	var ids []int64
	for _, x := range list {
		ids = append(ids, x.ID)
	}
	if diff := cmp.Diff([]int64{a2.ID, a1.ID}, ids); diff != "" {
		t.Errorf("ListLiveSessionsOfConsoleUser(alice) ids (-want +got):\n%s", diff)
	}

	if _, err := s.DeleteSessionOfConsoleUser(ctx, b1.ID, alice.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("DeleteSessionOfConsoleUser(bob's, alice) error = %v, want ErrNotFound", err)
	}
	if _, err := s.DeleteSessionOfConsoleUser(ctx, a1.ID, alice.ID); err != nil {
		t.Errorf("DeleteSessionOfConsoleUser(alice's own) error = %v", err)
	}
	if _, err := s.GetSession(ctx, b1.ID); err != nil {
		t.Errorf("GetSession(bob's) after alice's attempt error = %v, want nil", err)
	}

	n, err := s.DeleteExpiredSessions(ctx, at(10))
	if err != nil || n != 2 {
		t.Errorf("DeleteExpiredSessions(at 10) = %d, %v; want 2 (expired and idle), nil", n, err)
	}
	list, err = s.ListLiveSessionsOfConsoleUser(ctx, alice.ID, at(10))
	if err != nil || len(list) != 1 || list[0].ID != a2.ID {
		t.Errorf("ListLiveSessionsOfConsoleUser(alice) after prune = %v, %v; want only session %d", list, err, a2.ID)
	}
}

func TestMigration2SealsIDToken(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	cols, err := store.StringsForTest(t.Context(), s.Queries, `SELECT column_name::text FROM information_schema.columns
		WHERE table_name = 'sessions' AND column_name LIKE 'id_token%' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"id_token_ciphertext"}, cols); diff != "" {
		t.Errorf("sessions id_token columns (-want +got):\n%s", diff)
	}
}
