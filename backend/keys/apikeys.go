package keys

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"headway/backend/audit"
	"headway/backend/headscale"
)

// APIKeyView is a Headscale API key as Headway shows it.
type APIKeyView struct {
	headscale.APIKey
	// Expired reports whether the key's expiration has passed.
	Expired bool
	// UsedByHeadway reports whether this is the key Headway itself uses.
	UsedByHeadway bool
}

// ListAPIKeys returns every Headscale API key (prefixes only), newest
// first.
func (s *Service) ListAPIKeys(ctx context.Context, now time.Time) ([]APIKeyView, error) {
	all, err := s.hs.ListAPIKeys(ctx)
	if err != nil {
		return nil, headscaleFailure("list api keys", err, nil)
	}
	out := make([]APIKeyView, 0, len(all))
	for _, k := range all {
		out = append(out, APIKeyView{
			APIKey:        k,
			Expired:       k.Expiration != nil && !k.Expiration.After(now),
			UsedByHeadway: s.isOwn(k.Prefix),
		})
	}
	slices.SortFunc(out, func(a, b APIKeyView) int {
		var ta, tb time.Time
		if a.CreatedAt != nil {
			ta = *a.CreatedAt
		}
		if b.CreatedAt != nil {
			tb = *b.CreatedAt
		}
		if c := tb.Compare(ta); c != 0 {
			return c
		}
		return compareIDs(b.ID, a.ID)
	})
	return out, nil
}

// CreateAPIKey creates a Headscale API key valid until expiration, which
// must lie ahead of now by at most MaxAPIKeyDays (expiration_invalid). It
// returns the full key, the only time it is shown, and its expiration.
func (s *Service) CreateAPIKey(ctx context.Context, expiration, now time.Time) (string, time.Time, error) {
	if expiration.IsZero() || !expiration.After(now) || expiration.After(now.AddDate(0, 0, MaxAPIKeyDays)) {
		return "", time.Time{}, expirationInvalid(MaxAPIKeyDays)
	}
	expiration = expiration.UTC()
	key, err := s.hs.CreateAPIKey(ctx, expiration)
	if err != nil {
		return "", time.Time{}, headscaleFailure("create api key", err, nil)
	}
	prefix := listedPrefix(key)
	audit.SetTarget(ctx, "", prefix)
	audit.SetChange(ctx, nil, map[string]any{"prefix": prefix, "expiration": expiration})
	return key, expiration, nil
}

// ExpireAPIKey expires the API key with this prefix now. prefix is as
// ListAPIKeys shows it ("hskey-api-XXXXXXXXXXXX-***", legacy "XXXXXXX***")
// or bare. Headway's own key is refused (own_api_key); an unknown prefix is
// apikey_not_found.
func (s *Service) ExpireAPIKey(ctx context.Context, prefix string) error {
	audit.SetTarget(ctx, "", listedPrefix(prefix))
	if s.isOwn(prefix) {
		return ErrOwnAPIKey
	}
	return apiKeyFailure("expire api key", s.hs.ExpireAPIKey(ctx, prefix))
}

// DeleteAPIKey deletes the API key with this prefix; as for ExpireAPIKey.
func (s *Service) DeleteAPIKey(ctx context.Context, prefix string) error {
	audit.SetTarget(ctx, "", listedPrefix(prefix))
	if s.isOwn(prefix) {
		return ErrOwnAPIKey
	}
	return apiKeyFailure("delete api key", s.hs.DeleteAPIKey(ctx, prefix))
}

// apiKeyFailure maps an error from expiring or deleting an API key: a
// prefix Headscale does not know, or that is malformed (and so names no
// key), is apikey_not_found.
func apiKeyFailure(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, headscale.ErrInvalid) {
		return ErrAPIKeyNotFound.With(err)
	}
	return headscaleFailure(op, err, ErrAPIKeyNotFound)
}

// isOwn reports whether prefix, in any of the forms ExpireAPIKey accepts,
// names Headway's own key.
func (s *Service) isOwn(prefix string) bool {
	return s.ownPrefix != "" && storedPrefix(prefix) == s.ownPrefix
}

// storedPrefix turns a listed prefix ("hskey-api-XXXXXXXXXXXX-***", legacy
// "XXXXXXX***") into the prefix Headscale stores ("XXXXXXXXXXXX").
func storedPrefix(prefix string) string {
	p := strings.TrimSpace(prefix)
	if s, ok := strings.CutSuffix(p, "-***"); ok {
		return strings.TrimPrefix(s, "hskey-api-")
	}
	return strings.TrimSuffix(p, "***")
}

// listedPrefix returns an API key's prefix as ListAPIKeys shows it
// ("hskey-api-XXXXXXXXXXXX-***", legacy "XXXXXXX***"), from the key itself
// or any form ExpireAPIKey accepts: never more of a key than that.
func listedPrefix(key string) string {
	p := storedPrefix(audit.Mask(key))
	if len(p) == newKeyPrefixLen {
		return "hskey-api-" + p + "-***"
	}
	return p + "***"
}

// newKeyPrefixLen is the length of the stored prefix of a current
// (hskey-api-…) key; legacy keys have shorter ones.
const newKeyPrefixLen = 12

// OwnKeyExpiry returns when Headway's own API key expires, as Headscale
// lists it; known is false when Headway's key is not among the listed keys,
// or never expires. What it read is trusted for ten minutes; a failure to
// read is not remembered, and the last value read is returned with it when
// there is one.
func (s *Service) OwnKeyExpiry(ctx context.Context) (time.Time, bool, error) {
	if s.ownPrefix == "" {
		return time.Time{}, false, nil
	}
	s.ownMu.Lock()
	defer s.ownMu.Unlock()
	now := s.now()
	if !s.ownAt.IsZero() && now.Sub(s.ownAt) < ownKeyTTL {
		return s.ownExpiry, s.ownKnown, nil
	}
	all, err := s.hs.ListAPIKeys(ctx)
	if err != nil {
		return s.ownExpiry, s.ownKnown, headscaleFailure("read own api key expiry", err, nil)
	}
	s.ownExpiry, s.ownKnown = time.Time{}, false
	for _, k := range all {
		if s.isOwn(k.Prefix) && k.Expiration != nil {
			s.ownExpiry, s.ownKnown = *k.Expiration, true
		}
	}
	s.ownAt = now
	return s.ownExpiry, s.ownKnown, nil
}
