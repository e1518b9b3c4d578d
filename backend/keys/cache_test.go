package keys

import (
	"context"
	"errors"
	"testing"
	"time"

	"headway/backend/headscale"
)

// countingHeadscale lists one API key and counts the lists.
type countingHeadscale struct {
	Headscale
	lists int
	err   error
	key   headscale.APIKey
}

func (c *countingHeadscale) ListAPIKeys(context.Context) ([]headscale.APIKey, error) {
	c.lists++
	if c.err != nil {
		return nil, c.err
	}
	return []headscale.APIKey{c.key}, nil
}

func TestOwnKeyExpiryCache(t *testing.T) {
	exp := time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC)
	hs := &countingHeadscale{key: headscale.APIKey{ID: "1", Prefix: "hskey-api-AbCdEfGhIjKl-***", Expiration: &exp}}
	s := New(hs, nil, "hskey-api-AbCdEfGhIjKl-0123456789012345678901234567890123456789012345678901234567890123", nil)
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return clock }

	check := func(what string, wantLists int, wantErr bool) {
		t.Helper()
		got, known, err := s.OwnKeyExpiry(t.Context())
		if (err != nil) != wantErr || !known || !got.Equal(exp) || hs.lists != wantLists {
			t.Errorf("%s: OwnKeyExpiry() = %v, %v, %v after %d lists, want %v, true, error %v after %d", what, got, known, err, hs.lists, exp, wantErr, wantLists)
		}
	}
	check("first", 1, false)
	clock = clock.Add(9 * time.Minute)
	check("within 10 minutes", 1, false)
	clock = clock.Add(2 * time.Minute)
	hs.err = errors.New("boom")
	check("after 10 minutes, failing", 2, true) // the last value comes with the error
	check("failure not remembered", 3, true)
	hs.err = nil
	check("recovered", 4, false)
	check("cached again", 4, false)
}
