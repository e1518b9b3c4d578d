package headscale

import (
	"errors"
	"strings"
	"testing"
	"time"

	"headway/backend/headscale/hstest"
)

func TestRealAPIKeyLifecycle(t *testing.T) {
	t.Parallel()
	s := hstest.Start(t)
	c := New(s.URL, s.APIKey)
	ctx := t.Context()

	secret, err := c.CreateAPIKey(ctx, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatalf("CreateAPIKey() = %v", err)
	}
	if !strings.HasPrefix(secret, "hskey-api-") {
		t.Errorf("CreateAPIKey() = %q, want a full hskey-api- key", secret)
	}
	// The new key works.
	if _, err := New(s.URL, secret).ListAPIKeys(ctx); err != nil {
		t.Fatalf("ListAPIKeys() with the new key = %v", err)
	}

	keys, err := c.ListAPIKeys(ctx)
	if err != nil || len(keys) != 2 {
		t.Fatalf("ListAPIKeys() = %+v, %v, want two keys", keys, err)
	}
	listed := keys[1].Prefix // as shown: hskey-api-XXXXXXXXXXXX-***
	if !strings.HasPrefix(secret, strings.TrimSuffix(listed, "***")) {
		t.Fatalf("ListAPIKeys()[1].Prefix = %q, not a prefix of the new key", listed)
	}

	if err := c.ExpireAPIKey(ctx, listed); err != nil {
		t.Fatalf("ExpireAPIKey(%q) = %v", listed, err)
	}
	if _, err := New(s.URL, secret).ListAPIKeys(ctx); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("ListAPIKeys() with the expired key = %v, want ErrUnauthorized", err)
	}

	if err := c.DeleteAPIKey(ctx, listed); err != nil {
		t.Fatalf("DeleteAPIKey(%q) = %v", listed, err)
	}
	if keys, err := c.ListAPIKeys(ctx); err != nil || len(keys) != 1 {
		t.Errorf("ListAPIKeys() after delete = %+v, %v, want only the test's key", keys, err)
	}

	if err := c.ExpireAPIKey(ctx, listed); !errors.Is(err, ErrNotFound) {
		t.Errorf("ExpireAPIKey(deleted) = %v, want ErrNotFound", err)
	}
	if err := c.DeleteAPIKey(ctx, "hskey-api-AAAAAAAAAAAA-***"); !errors.Is(err, ErrNotFound) {
		t.Errorf("DeleteAPIKey(unknown) = %v, want ErrNotFound", err)
	}
	if _, err := c.CreateAPIKey(ctx, time.Time{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("CreateAPIKey(no expiration) = %v, want ErrInvalid", err)
	}
	if err := c.DeleteAPIKey(ctx, "***"); !errors.Is(err, ErrInvalid) {
		t.Errorf("DeleteAPIKey(***) = %v, want ErrInvalid", err)
	}
}

func TestStoredAPIKeyPrefix(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{"hskey-api-isn-409Yo5YN-***", "isn-409Yo5YN", false},
		{"isn-409Yo5YN", "isn-409Yo5YN", false},
		{"abcdefg***", "abcdefg", false}, // legacy 7-character prefix
		{" hskey-api-AAAAAAAAAAAA-*** ", "AAAAAAAAAAAA", false},
		{"", "", true},
		{"***", "", true},
		{"a/b", "", true},
	}
	for _, tc := range tests {
		got, err := storedAPIKeyPrefix("test", tc.in)
		if got != tc.want && !tc.wantErr || (err != nil) != tc.wantErr {
			t.Errorf("storedAPIKeyPrefix(%q) = %q, %v, want %q (error %v)", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}
