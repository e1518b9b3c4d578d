package auth

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"headway/backend/headscale"
)

// Headscale API key formats (hscontrol/db/api_key.go, v0.29):
//
//	new:    hskey-api-<prefix: 12 base64url chars>-<secret: 64 base64url chars>
//	legacy: <prefix: 7 base64url chars>.<secret: 32 base64url chars>
//
// Headscale lists a key by a display prefix: "hskey-api-<prefix>-***" for new
// keys, "<prefix>***" for legacy ones.
const (
	newKeyMarker       = "hskey-api-"
	newKeyPrefixLen    = 12
	newKeySecretLen    = 64
	legacyKeyPrefixLen = 7
	legacyKeySecretLen = 32
)

// ParseAPIKeyPrefix returns the prefix by which Headscale stores key (12
// characters for new keys, 7 for legacy ones), or ErrAPIKeyMalformed when key
// has neither format. The prefix is not secret.
func ParseAPIKeyPrefix(key string) (string, error) {
	if rest, ok := strings.CutPrefix(key, newKeyMarker); ok {
		if len(rest) != newKeyPrefixLen+1+newKeySecretLen || rest[newKeyPrefixLen] != '-' {
			return "", ErrAPIKeyMalformed
		}
		prefix, secret := rest[:newKeyPrefixLen], rest[newKeyPrefixLen+1:]
		if !isBase64URL(prefix) || !isBase64URL(secret) {
			return "", ErrAPIKeyMalformed
		}
		return prefix, nil
	}
	prefix, secret, ok := strings.Cut(key, ".")
	if !ok || len(prefix) != legacyKeyPrefixLen || len(secret) != legacyKeySecretLen ||
		!isBase64URL(prefix) || !isBase64URL(secret) {
		return "", ErrAPIKeyMalformed
	}
	return prefix, nil
}

// displayPrefix is how Headscale lists the key with the stored prefix.
func displayPrefix(prefix string) string {
	if len(prefix) == newKeyPrefixLen {
		return newKeyMarker + prefix + "-***"
	}
	return prefix + "***"
}

func isBase64URL(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// KeyInfo describes a Headscale API key that Headscale accepted.
type KeyInfo struct {
	// Prefix as Headscale lists it ("hskey-api-XXXXXXXXXXXX-***" or
	// "XXXXXXX***"); not secret.
	Prefix string
	// Expiration; zero when the key never expires.
	Expiration time.Time
}

// KeyChecker asks Headscale whether an API key is valid.
//
// CheckAPIKey returns the key's KeyInfo when Headscale accepts it, else an
// error matching ErrAPIKeyMalformed, ErrAPIKeyUnknown, ErrAPIKeyExpired or
// ErrHeadscaleUnavailable, or another error when something else failed. The
// key never appears in an error.
type KeyChecker interface {
	CheckAPIKey(ctx context.Context, apiKey string) (KeyInfo, error)
}

// NewHeadscaleKeyChecker returns the KeyChecker for the Headscale at
// headscaleURL. A key is checked by calling Headscale with it; when Headscale
// rejects it, Headway's own key (ownKey) looks its prefix up to tell an
// expired key from an unknown one.
func NewHeadscaleKeyChecker(headscaleURL string, ownKey string) KeyChecker {
	// One HTTP client for every key checked, so connections are reused.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	tr.TLSHandshakeTimeout = 5 * time.Second
	tr.ResponseHeaderTimeout = 15 * time.Second
	hc := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	return &headscaleKeyChecker{
		url: headscaleURL,
		hc:  hc,
		own: headscale.New(headscaleURL, ownKey, headscale.WithHTTPClient(hc)),
		now: time.Now,
	}
}

type headscaleKeyChecker struct {
	url string
	hc  *http.Client
	own *headscale.Client
	now func() time.Time
}

func (c *headscaleKeyChecker) CheckAPIKey(ctx context.Context, apiKey string) (KeyInfo, error) {
	prefix, err := ParseAPIKeyPrefix(apiKey)
	if err != nil {
		return KeyInfo{}, err
	}
	display := displayPrefix(prefix)

	// Listing API keys is an authenticated call: it succeeds only with a valid key.
	keys, err := headscale.New(c.url, apiKey, headscale.WithHTTPClient(c.hc)).ListAPIKeys(ctx)
	switch {
	case err == nil:
		info := KeyInfo{Prefix: display}
		if k, ok := findKey(keys, display); ok && k.Expiration != nil {
			info.Expiration = *k.Expiration
		}
		return info, nil
	case errors.Is(err, headscale.ErrUnauthorized):
		return KeyInfo{}, c.whyRejected(ctx, display)
	case errors.Is(err, headscale.ErrUnreachable):
		return KeyInfo{}, fmt.Errorf("check api key %s: %w: %w", display, ErrHeadscaleUnavailable, err)
	default:
		return KeyInfo{}, fmt.Errorf("check api key %s: %w", display, err)
	}
}

// whyRejected tells an expired key from an unknown one, asking with
// Headway's own key.
func (c *headscaleKeyChecker) whyRejected(ctx context.Context, display string) error {
	keys, err := c.own.ListAPIKeys(ctx)
	switch {
	case errors.Is(err, headscale.ErrUnreachable):
		return fmt.Errorf("check api key %s: %w: %w", display, ErrHeadscaleUnavailable, err)
	case err != nil:
		return fmt.Errorf("check api key %s: look up with headway's own key: %w", display, err)
	}
	if k, ok := findKey(keys, display); ok && k.Expiration != nil && !k.Expiration.After(c.now()) {
		return fmt.Errorf("check api key %s: %w", display, ErrAPIKeyExpired)
	}
	return fmt.Errorf("check api key %s: %w", display, ErrAPIKeyUnknown)
}

func findKey(keys []headscale.APIKey, display string) (headscale.APIKey, bool) {
	for _, k := range keys {
		if k.Prefix == display {
			return k, true
		}
	}
	return headscale.APIKey{}, false
}
