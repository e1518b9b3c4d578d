package headscale

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// APIKey is a Headscale API key as listed by Headscale: the secret itself is
// never returned, only its Prefix (for example "hskey-api-0LnDc4Sv5xIj-***").
// Unset times are nil.
type APIKey struct {
	ID         string
	Prefix     string
	Expiration *time.Time
	CreatedAt  *time.Time
	LastSeen   *time.Time
}

type apiKeyJSON struct {
	ID         string     `json:"id"`
	Prefix     string     `json:"prefix"`
	Expiration *time.Time `json:"expiration"`
	CreatedAt  *time.Time `json:"createdAt"`
	LastSeen   *time.Time `json:"lastSeen"`
}

func (k apiKeyJSON) apiKey() APIKey {
	return APIKey{
		ID:         k.ID,
		Prefix:     k.Prefix,
		Expiration: optionalTime(k.Expiration),
		CreatedAt:  optionalTime(k.CreatedAt),
		LastSeen:   optionalTime(k.LastSeen),
	}
}

// ListAPIKeys returns every API key Headscale knows (GET /api/v1/apikey). As
// an authenticated call it also validates the client's own key: a bad key
// yields ErrUnauthorized.
func (c *Client) ListAPIKeys(ctx context.Context) ([]APIKey, error) {
	var out struct {
		APIKeys []apiKeyJSON `json:"apiKeys"`
	}
	err := c.do(ctx, request{name: "list_api_keys", op: "list api keys", method: http.MethodGet, path: "/api/v1/apikey", auth: true}, &out)
	if err != nil {
		return nil, err
	}
	keys := make([]APIKey, 0, len(out.APIKeys))
	for _, k := range out.APIKeys {
		keys = append(keys, k.apiKey())
	}
	return keys, nil
}

// CreateAPIKey creates an API key valid until expiration
// (POST /api/v1/apikey) and returns the full secret, the only time it is
// shown. expiration is required and must lie ahead: Headscale stores a key
// created without one as expired at once.
func (c *Client) CreateAPIKey(ctx context.Context, expiration time.Time) (string, error) {
	const op = "create api key"
	if expiration.IsZero() {
		return "", fmt.Errorf("headscale: %s: %w: an expiration is required", op, ErrInvalid)
	}
	var out struct {
		APIKey string `json:"apiKey"`
	}
	body := map[string]time.Time{"expiration": expiration.UTC()}
	if err := c.do(ctx, request{name: "create_api_key", op: op, method: http.MethodPost, path: "/api/v1/apikey", auth: true, body: body}, &out); err != nil {
		return "", err
	}
	if out.APIKey == "" {
		return "", fmt.Errorf("headscale: %s: no key in response", op)
	}
	return out.APIKey, nil
}

// ExpireAPIKey expires the API key with this prefix now
// (POST /api/v1/apikey/expire). prefix may be given as ListAPIKeys shows it
// ("hskey-api-XXXXXXXXXXXX-***", or "XXXXXXX***" for a legacy key) or bare.
// An unknown prefix is ErrNotFound.
func (c *Client) ExpireAPIKey(ctx context.Context, prefix string) error {
	p, err := storedAPIKeyPrefix("expire api key", prefix)
	if err != nil {
		return err
	}
	return c.do(ctx, request{name: "expire_api_key", op: "expire api key " + p, method: http.MethodPost, path: "/api/v1/apikey/expire", auth: true,
		body: map[string]string{"prefix": p}}, nil)
}

// DeleteAPIKey deletes the API key with this prefix
// (DELETE /api/v1/apikey/{prefix}); prefix as for ExpireAPIKey. An unknown
// prefix is ErrNotFound.
func (c *Client) DeleteAPIKey(ctx context.Context, prefix string) error {
	p, err := storedAPIKeyPrefix("delete api key", prefix)
	if err != nil {
		return err
	}
	return c.do(ctx, request{name: "delete_api_key", op: "delete api key " + p, method: http.MethodDelete, path: "/api/v1/apikey/" + url.PathEscape(p), auth: true}, nil)
}

// storedAPIKeyPrefix turns the masked prefix Headscale lists
// ("hskey-api-XXXXXXXXXXXX-***", legacy "XXXXXXX***") into the prefix it
// stores and looks keys up by ("XXXXXXXXXXXX").
func storedAPIKeyPrefix(op, prefix string) (string, error) {
	p := strings.TrimSpace(prefix)
	if s, ok := strings.CutSuffix(p, "-***"); ok {
		p = strings.TrimPrefix(s, "hskey-api-")
	} else {
		p = strings.TrimSuffix(p, "***")
	}
	if p == "" || strings.ContainsAny(p, "/?#* ") {
		return "", fmt.Errorf("headscale: %s: %w: malformed api key prefix %q", op, ErrInvalid, truncate(prefix, 40))
	}
	return p, nil
}
