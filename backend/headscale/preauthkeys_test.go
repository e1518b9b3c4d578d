package headscale

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"headway/backend/headscale/hstest"
)

func TestRealPreAuthKeys(t *testing.T) {
	t.Parallel()
	s := hstest.Start(t)
	c := New(s.URL, s.APIKey)
	ctx := t.Context()
	aliceID := s.CreateUser(t, "alice")
	exp := time.Now().Add(24 * time.Hour).Truncate(time.Second).UTC()

	keys, err := c.ListPreAuthKeys(ctx)
	if err != nil || keys == nil || len(keys) != 0 {
		t.Fatalf("ListPreAuthKeys() on a fresh server = %#v, %v, want an empty non-nil list", keys, err)
	}

	userKey, err := c.CreatePreAuthKey(ctx, PreAuthKeyRequest{UserID: aliceID, Reusable: true, Expiration: exp})
	if err != nil {
		t.Fatalf("CreatePreAuthKey(alice) = %v", err)
	}
	if !strings.HasPrefix(userKey.Key, "hskey-auth-") || strings.Contains(userKey.Key, "*") {
		t.Errorf("CreatePreAuthKey(alice).Key = %q, want the full key", userKey.Key)
	}
	if userKey.UserID != aliceID || userKey.User != "alice" || !userKey.Reusable || userKey.Ephemeral || userKey.Used ||
		userKey.Expiration == nil || !userKey.Expiration.Equal(exp) || userKey.CreatedAt == nil || userKey.ACLTags == nil {
		t.Errorf("CreatePreAuthKey(alice) = %+v, want alice's reusable key expiring %v", userKey, exp)
	}

	tagKey, err := c.CreatePreAuthKey(ctx, PreAuthKeyRequest{Ephemeral: true, Expiration: exp, ACLTags: []string{"tag:ci"}})
	if err != nil {
		t.Fatalf("CreatePreAuthKey(tag-only) = %v", err)
	}
	if tagKey.UserID != "" || tagKey.User != "" || !tagKey.Ephemeral || !cmp.Equal([]string{"tag:ci"}, tagKey.ACLTags) {
		t.Errorf("CreatePreAuthKey(tag-only) = %+v, want an ephemeral key without user, tagged tag:ci", tagKey)
	}

	keys, err = c.ListPreAuthKeys(ctx)
	if err != nil || len(keys) != 2 {
		t.Fatalf("ListPreAuthKeys() = %+v, %v, want two keys", keys, err)
	}
	if keys[0].ID != userKey.ID || keys[1].ID != tagKey.ID {
		t.Errorf("ListPreAuthKeys() ids = %s, %s, want %s, %s", keys[0].ID, keys[1].ID, userKey.ID, tagKey.ID)
	}
	for _, k := range keys {
		if !strings.HasSuffix(k.Key, "***") || k.Key == userKey.Key || k.Key == tagKey.Key {
			t.Errorf("ListPreAuthKeys() key %s = %q, want it masked", k.ID, k.Key)
		}
	}

	if err := c.ExpirePreAuthKey(ctx, userKey.ID); err != nil {
		t.Fatalf("ExpirePreAuthKey(%s) = %v", userKey.ID, err)
	}
	keys, _ = c.ListPreAuthKeys(ctx)
	if len(keys) == 0 || keys[0].Expiration == nil || keys[0].Expiration.After(time.Now()) {
		t.Errorf("after ExpirePreAuthKey, key = %+v, want an expiration in the past", keys)
	}

	if err := c.DeletePreAuthKey(ctx, tagKey.ID); err != nil {
		t.Fatalf("DeletePreAuthKey(%s) = %v", tagKey.ID, err)
	}
	keys, _ = c.ListPreAuthKeys(ctx)
	if len(keys) != 1 || keys[0].ID != userKey.ID {
		t.Errorf("after DeletePreAuthKey, keys = %+v, want only %s", keys, userKey.ID)
	}

	// Headscale 0.29 answers 200 for unknown ids here; the client does not.
	if err := c.ExpirePreAuthKey(ctx, "9999"); !errors.Is(err, ErrNotFound) {
		t.Errorf("ExpirePreAuthKey(9999) = %v, want ErrNotFound", err)
	}
	if err := c.DeletePreAuthKey(ctx, tagKey.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("DeletePreAuthKey(deleted) = %v, want ErrNotFound", err)
	}

	for _, tc := range []struct {
		name string
		req  PreAuthKeyRequest
		want error
	}{
		{"unknown user", PreAuthKeyRequest{UserID: "9999", Expiration: exp}, ErrNotFound},
		{"neither user nor tags", PreAuthKeyRequest{Expiration: exp}, ErrInvalid},
		{"malformed tag", PreAuthKeyRequest{UserID: aliceID, Expiration: exp, ACLTags: []string{"ci"}}, ErrInvalid},
		{"no expiration", PreAuthKeyRequest{UserID: aliceID}, ErrInvalid},
		{"malformed user id", PreAuthKeyRequest{UserID: "alice", Expiration: exp}, ErrInvalid},
	} {
		if _, err := c.CreatePreAuthKey(ctx, tc.req); !errors.Is(err, tc.want) {
			t.Errorf("CreatePreAuthKey(%s) = %v, want %v", tc.name, err, tc.want)
		}
	}
}
