package headscale

import (
	"context"
	"net/http"
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
	err := c.do(ctx, request{op: "list api keys", method: http.MethodGet, path: "/api/v1/apikey", auth: true}, &out)
	if err != nil {
		return nil, err
	}
	keys := make([]APIKey, 0, len(out.APIKeys))
	for _, k := range out.APIKeys {
		keys = append(keys, k.apiKey())
	}
	return keys, nil
}
