package store_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"headway/backend/store"
	"headway/backend/store/storetest"
)

func TestLoginAttempts(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := t.Context()

	n := store.NewLoginAttempt{
		StateHash: []byte("state-hash"), BrowserBindingHash: []byte("binding-hash"),
		Nonce: "nonce", PKCEVerifier: "verifier", ReturnTo: "/admin/nodes",
		CreatedAt: at(0), ExpiresAt: at(10),
	}
	id, err := s.CreateLoginAttempt(ctx, n)
	if err != nil {
		t.Fatalf("CreateLoginAttempt() error: %v", err)
	}
	if _, err := s.CreateLoginAttempt(ctx, n); !errors.Is(err, store.ErrConflict) {
		t.Errorf("CreateLoginAttempt(same state) error = %v, want ErrConflict", err)
	}

	got, err := s.ConsumeLoginAttempt(ctx, []byte("state-hash"))
	if err != nil {
		t.Fatalf("ConsumeLoginAttempt() error: %v", err)
	}
	want := store.LoginAttempt{
		ID: id, StateHash: n.StateHash, BrowserBindingHash: n.BrowserBindingHash, Nonce: "nonce",
		PKCEVerifier: "verifier", ReturnTo: "/admin/nodes", CreatedAt: at(0), ExpiresAt: at(10),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ConsumeLoginAttempt() (-want +got):\n%s", diff)
	}
	if _, err := s.ConsumeLoginAttempt(ctx, []byte("state-hash")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second ConsumeLoginAttempt() error = %v, want ErrNotFound", err)
	}
}

func TestDeleteExpiredLoginAttempts(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := t.Context()
	for i, exp := range []int{5, 10, 15} {
		_, err := s.CreateLoginAttempt(ctx, store.NewLoginAttempt{
			StateHash: []byte{byte(i)}, BrowserBindingHash: []byte{1}, Nonce: "n", PKCEVerifier: "v",
			CreatedAt: at(0), ExpiresAt: at(exp),
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.DeleteExpiredLoginAttempts(ctx, at(10))
	if err != nil || n != 2 {
		t.Errorf("DeleteExpiredLoginAttempts(at 10) = %d, %v; want 2, nil", n, err)
	}
	if _, err := s.ConsumeLoginAttempt(ctx, []byte{2}); err != nil {
		t.Errorf("ConsumeLoginAttempt(live one) error = %v, want nil", err)
	}
}
