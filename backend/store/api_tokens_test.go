package store_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"headway/backend/store"
	"headway/backend/store/storetest"
)

func newAPIToken(t *testing.T, s *store.Store, hash string, owner int64, created, expires int) store.APIToken {
	t.Helper()
	tok, err := s.CreateAPIToken(t.Context(), store.NewAPIToken{
		TokenHash: []byte(hash), Prefix: "hw_" + hash, ConsoleUserID: owner, Name: "script " + hash, Role: "viewer",
		CreatedAt: at(created), ExpiresAt: at(expires),
	})
	if err != nil {
		t.Fatalf("CreateAPIToken(%q) error: %v", hash, err)
	}
	return tok
}

func TestAPITokenLifecycle(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := t.Context()
	owner := upsert(t, s, "olivia", "", 0)

	created := newAPIToken(t, s, "h1", owner.ID, 1, 60)
	want := store.APIToken{
		ID: created.ID, Prefix: "hw_h1", ConsoleUserID: owner.ID, Name: "script h1", Role: "viewer",
		CreatedAt: at(1), ExpiresAt: at(60),
	}
	if diff := cmp.Diff(want, created); diff != "" {
		t.Errorf("CreateAPIToken() (-want +got):\n%s", diff)
	}
	_, err := s.CreateAPIToken(ctx, store.NewAPIToken{TokenHash: []byte("h1"), Prefix: "hw_x", ConsoleUserID: owner.ID,
		Name: "again", Role: "viewer", CreatedAt: at(1), ExpiresAt: at(2)})
	if !errors.Is(err, store.ErrConflict) {
		t.Errorf("CreateAPIToken(same hash) error = %v, want ErrConflict", err)
	}

	got, err := s.GetAPITokenByHash(ctx, []byte("h1"))
	if err != nil {
		t.Fatalf("GetAPITokenByHash() error: %v", err)
	}
	if diff := cmp.Diff(store.APITokenWithOwner{APIToken: want, Owner: owner}, got); diff != "" {
		t.Errorf("GetAPITokenByHash() (-want +got):\n%s", diff)
	}
	if _, err := s.GetAPITokenByHash(ctx, []byte("nope")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetAPITokenByHash(unknown) error = %v, want ErrNotFound", err)
	}

	if err := s.TouchAPIToken(ctx, created.ID, at(5)); err != nil {
		t.Fatalf("TouchAPIToken() error: %v", err)
	}
	used := at(5)
	want.LastUsedAt = &used
	revoked, err := s.RevokeAPIToken(ctx, created.ID, at(7))
	if err != nil {
		t.Fatalf("RevokeAPIToken() error: %v", err)
	}
	revokedAt := at(7)
	want.RevokedAt = &revokedAt
	if diff := cmp.Diff(want, revoked); diff != "" {
		t.Errorf("RevokeAPIToken() (-want +got):\n%s", diff)
	}
	// Revoking again keeps the first revocation time.
	again, err := s.RevokeAPIToken(ctx, created.ID, at(9))
	if err != nil || !again.RevokedAt.Equal(at(7)) {
		t.Errorf("RevokeAPIToken(revoked) = %v, %v; want revoked_at still at minute 7", again.RevokedAt, err)
	}

	if _, err := s.RevokeAPIToken(ctx, 999999, at(9)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("RevokeAPIToken(unknown) error = %v, want ErrNotFound", err)
	}
	if err := s.TouchAPIToken(ctx, 999999, at(9)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("TouchAPIToken(unknown) error = %v, want ErrNotFound", err)
	}
	if _, err := s.LockAPIToken(ctx, 999999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("LockAPIToken(unknown) error = %v, want ErrNotFound", err)
	}
}

func TestListAPITokens(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := t.Context()
	olivia, bob := upsert(t, s, "olivia", "", 0), upsert(t, s, "bob", "viewer", 0)

	o1 := newAPIToken(t, s, "o1", olivia.ID, 1, 60)
	b1 := newAPIToken(t, s, "b1", bob.ID, 2, 60)
	o2 := newAPIToken(t, s, "o2", olivia.ID, 3, 60)

	ids := func(list []store.APITokenWithOwner) []int64 {
		out := []int64{}
		for _, x := range list {
			out = append(out, x.ID)
		}
		return out
	}
	own, err := s.ListAPITokensOfConsoleUser(ctx, olivia.ID)
	if err != nil {
		t.Fatalf("ListAPITokensOfConsoleUser() error: %v", err)
	}
	if diff := cmp.Diff([]int64{o2.ID, o1.ID}, ids(own)); diff != "" {
		t.Errorf("ListAPITokensOfConsoleUser(olivia) ids, newest first (-want +got):\n%s", diff)
	}
	all, err := s.ListAPITokens(ctx)
	if err != nil {
		t.Fatalf("ListAPITokens() error: %v", err)
	}
	if diff := cmp.Diff([]int64{o2.ID, b1.ID, o1.ID}, ids(all)); diff != "" {
		t.Errorf("ListAPITokens() ids, newest first (-want +got):\n%s", diff)
	}
	if all[1].Owner.Email != "bob@example.com" || all[1].Owner.Role != "viewer" {
		t.Errorf("ListAPITokens()[1].Owner = %+v, want bob, viewer", all[1].Owner)
	}

	// A token dies with its creator.
	if err := s.DeleteConsoleUser(ctx, bob.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetAPITokenByHash(ctx, []byte("b1")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetAPITokenByHash(deleted creator's) error = %v, want ErrNotFound", err)
	}
	if all, err := s.ListAPITokens(ctx); err != nil || len(all) != 2 {
		t.Errorf("ListAPITokens() after deleting bob = %d tokens, %v; want 2", len(all), err)
	}
}

func TestDeleteStaleAPITokens(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := t.Context()
	olivia := upsert(t, s, "olivia", "", 0)

	newAPIToken(t, s, "expired-long-ago", olivia.ID, 0, 10)
	revoked := newAPIToken(t, s, "revoked-long-ago", olivia.ID, 0, 600)
	if _, err := s.RevokeAPIToken(ctx, revoked.ID, at(5)); err != nil {
		t.Fatal(err)
	}
	recent := newAPIToken(t, s, "revoked-lately", olivia.ID, 0, 600)
	if _, err := s.RevokeAPIToken(ctx, recent.ID, at(50)); err != nil {
		t.Fatal(err)
	}
	live := newAPIToken(t, s, "live", olivia.ID, 0, 600)

	n, err := s.DeleteStaleAPITokens(ctx, at(20))
	if err != nil || n != 2 {
		t.Errorf("DeleteStaleAPITokens(at 20) = %d, %v; want 2, nil", n, err)
	}
	left, err := s.ListAPITokens(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, x := range left {
		ids = append(ids, x.ID)
	}
	if diff := cmp.Diff([]int64{live.ID, recent.ID}, ids); diff != "" {
		t.Errorf("tokens left after pruning (-want +got):\n%s", diff)
	}
}
