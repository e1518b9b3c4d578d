package auth

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Bearer verdicts are cached so that a script calling the API does not cost
// a Headscale round trip per request.
const (
	bearerCacheTTL  = 30 * time.Second
	bearerCacheSize = 1024
)

// AuthenticateBearer returns the principal of a Headscale API key sent as a
// bearer token. Headscale's verdict, valid or not, is remembered for 30
// seconds under the key's hash (a valid one never past the key's
// expiration). Errors match ErrAPIKeyMalformed, ErrAPIKeyUnknown,
// ErrAPIKeyExpired or ErrHeadscaleUnavailable (which is never remembered),
// among others.
func (s *Service) AuthenticateBearer(ctx context.Context, apiKey string) (*Principal, error) {
	if _, err := ParseAPIKeyPrefix(apiKey); err != nil {
		return nil, err
	}
	h := sha256.Sum256([]byte(apiKey))
	now := s.now()
	if v, ok := s.bearer.get(h, now); ok {
		if v.err != nil {
			return nil, v.err
		}
		return bearerPrincipal(v.info), nil
	}

	info, err := s.checker.CheckAPIKey(ctx, apiKey)
	now = s.now()
	switch {
	case err == nil && !info.Expiration.IsZero() && !info.Expiration.After(now):
		err = fmt.Errorf("authenticate bearer %s: %w", info.Prefix, ErrAPIKeyExpired)
		s.bearer.put(h, verdict{err: err, until: now.Add(bearerCacheTTL)}, now)
		return nil, err
	case err == nil:
		until := now.Add(bearerCacheTTL)
		if !info.Expiration.IsZero() {
			until = minTime(until, info.Expiration)
		}
		s.bearer.put(h, verdict{info: info, until: until}, now)
		return bearerPrincipal(info), nil
	case errors.Is(err, ErrAPIKeyUnknown), errors.Is(err, ErrAPIKeyExpired):
		err = fmt.Errorf("authenticate bearer: %w", err)
		s.bearer.put(h, verdict{err: err, until: now.Add(bearerCacheTTL)}, now)
		return nil, err
	default:
		return nil, fmt.Errorf("authenticate bearer: %w", err)
	}
}

func bearerPrincipal(info KeyInfo) *Principal {
	return &Principal{Kind: KindBearer, APIKeyPrefix: info.Prefix, ExpiresAt: info.Expiration}
}

// verdict is a remembered answer about one key: its info, or the error.
type verdict struct {
	info  KeyInfo
	err   error
	until time.Time
	added time.Time
}

// verdictCache is a small map from key hashes to verdicts. When full, the
// expired entries go first, then the oldest.
type verdictCache struct {
	mu      sync.Mutex
	max     int
	entries map[[sha256.Size]byte]verdict
}

func newVerdictCache(size int) *verdictCache {
	return &verdictCache{max: size, entries: make(map[[sha256.Size]byte]verdict, size)}
}

func (c *verdictCache) get(h [sha256.Size]byte, now time.Time) (verdict, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.entries[h]
	if !ok {
		return verdict{}, false
	}
	if !now.Before(v.until) {
		delete(c.entries, h)
		return verdict{}, false
	}
	return v, true
}

func (c *verdictCache) put(h [sha256.Size]byte, v verdict, now time.Time) {
	if !now.Before(v.until) {
		return
	}
	v.added = now
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[h]; !ok && len(c.entries) >= c.max {
		c.evictLocked(now)
	}
	c.entries[h] = v
}

// evictLocked drops every expired entry, or the oldest when none is.
func (c *verdictCache) evictLocked(now time.Time) {
	var oldest [sha256.Size]byte
	var oldestAt time.Time
	first := true
	for h, v := range c.entries {
		if !now.Before(v.until) {
			delete(c.entries, h)
			continue
		}
		if first || v.added.Before(oldestAt) {
			oldest, oldestAt, first = h, v.added, false
		}
	}
	if len(c.entries) >= c.max {
		delete(c.entries, oldest)
	}
}

// len returns the number of entries, expired ones included.
func (c *verdictCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
