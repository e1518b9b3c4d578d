package headscale

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// PreAuthKey is a key that registers nodes without an interactive login. Key
// is the full secret only in the result of CreatePreAuthKey; lists show it
// masked ("hskey-auth-XXXXXXXXXXXX-***"). UserID and User are empty for a
// tag-only key (0.28+), whose nodes its ACLTags own. Unset times are nil.
type PreAuthKey struct {
	ID         string
	Key        string
	UserID     string
	User       string
	Reusable   bool
	Ephemeral  bool
	Used       bool
	Expiration *time.Time
	CreatedAt  *time.Time
	ACLTags    []string
}

// PreAuthKeyRequest describes a pre-auth key to create. UserID is empty for a
// tag-only key, which then needs ACLTags ("tag:name"). Expiration is
// required: Headscale treats a key without one as expired at once.
type PreAuthKeyRequest struct {
	UserID     string
	Reusable   bool
	Ephemeral  bool
	Expiration time.Time
	ACLTags    []string
}

type preAuthKeyJSON struct {
	User       *userJSON  `json:"user"`
	ID         string     `json:"id"`
	Key        string     `json:"key"`
	Reusable   bool       `json:"reusable"`
	Ephemeral  bool       `json:"ephemeral"`
	Used       bool       `json:"used"`
	Expiration *time.Time `json:"expiration"`
	CreatedAt  *time.Time `json:"createdAt"`
	ACLTags    []string   `json:"aclTags"`
}

func (k preAuthKeyJSON) preAuthKey() PreAuthKey {
	out := PreAuthKey{
		ID:         k.ID,
		Key:        k.Key,
		Reusable:   k.Reusable,
		Ephemeral:  k.Ephemeral,
		Used:       k.Used,
		Expiration: optionalTime(k.Expiration),
		CreatedAt:  optionalTime(k.CreatedAt),
		ACLTags:    nonNil(k.ACLTags),
	}
	if k.User != nil {
		out.UserID, out.User = k.User.ID, k.User.Name
	}
	return out
}

// ListPreAuthKeys returns every pre-auth key of every user, ordered by id,
// with the keys masked (GET /api/v1/preauthkey).
func (c *Client) ListPreAuthKeys(ctx context.Context) ([]PreAuthKey, error) {
	return c.listPreAuthKeys(ctx, "list pre-auth keys")
}

func (c *Client) listPreAuthKeys(ctx context.Context, op string) ([]PreAuthKey, error) {
	var out struct {
		PreAuthKeys []preAuthKeyJSON `json:"preAuthKeys"`
	}
	if err := c.do(ctx, request{name: "list_pre_auth_keys", op: op, method: http.MethodGet, path: "/api/v1/preauthkey", auth: true}, &out); err != nil {
		return nil, err
	}
	keys := make([]PreAuthKey, 0, len(out.PreAuthKeys))
	for _, k := range out.PreAuthKeys {
		keys = append(keys, k.preAuthKey())
	}
	return keys, nil
}

// CreatePreAuthKey creates a pre-auth key (POST /api/v1/preauthkey) and
// returns it with the full secret in Key, the only time it is shown. An
// unknown user is ErrNotFound; a malformed tag, or neither user nor tags,
// ErrInvalid. Headscale 0.29 does not check tags against tagOwners here: a
// node registering with the key is refused later.
func (c *Client) CreatePreAuthKey(ctx context.Context, r PreAuthKeyRequest) (PreAuthKey, error) {
	op := "create pre-auth key"
	if r.UserID != "" {
		var err error
		if op, err = withID("create pre-auth key for user", r.UserID); err != nil {
			return PreAuthKey{}, err
		}
	}
	if r.UserID == "" && len(r.ACLTags) == 0 {
		return PreAuthKey{}, fmt.Errorf("headscale: %s: %w: a key needs a user or tags", op, ErrInvalid)
	}
	if r.Expiration.IsZero() {
		return PreAuthKey{}, fmt.Errorf("headscale: %s: %w: an expiration is required", op, ErrInvalid)
	}
	body := struct {
		User       string    `json:"user,omitempty"`
		Reusable   bool      `json:"reusable"`
		Ephemeral  bool      `json:"ephemeral"`
		Expiration time.Time `json:"expiration"`
		ACLTags    []string  `json:"aclTags"`
	}{r.UserID, r.Reusable, r.Ephemeral, r.Expiration.UTC(), nonNil(r.ACLTags)}
	var out struct {
		PreAuthKey *preAuthKeyJSON `json:"preAuthKey"`
	}
	if err := c.do(ctx, request{name: "create_pre_auth_key", op: op, method: http.MethodPost, path: "/api/v1/preauthkey", auth: true, body: body}, &out); err != nil {
		return PreAuthKey{}, err
	}
	if out.PreAuthKey == nil {
		return PreAuthKey{}, fmt.Errorf("headscale: %s: no key in response", op)
	}
	return out.PreAuthKey.preAuthKey(), nil
}

// ExpirePreAuthKey expires pre-auth key id now (POST /api/v1/preauthkey/expire).
// Headscale 0.29 answers success for an unknown id, so the client looks the
// key up first and returns ErrNotFound.
func (c *Client) ExpirePreAuthKey(ctx context.Context, id string) error {
	op, err := withID("expire pre-auth key", id)
	if err != nil {
		return err
	}
	if err := c.preAuthKeyExists(ctx, op, id); err != nil {
		return err
	}
	return c.do(ctx, request{name: "expire_pre_auth_key", op: op, method: http.MethodPost, path: "/api/v1/preauthkey/expire", auth: true,
		body: map[string]string{"id": id}}, nil)
}

// DeletePreAuthKey deletes pre-auth key id (DELETE /api/v1/preauthkey?id=).
// As for ExpirePreAuthKey, an unknown id is ErrNotFound.
func (c *Client) DeletePreAuthKey(ctx context.Context, id string) error {
	op, err := withID("delete pre-auth key", id)
	if err != nil {
		return err
	}
	if err := c.preAuthKeyExists(ctx, op, id); err != nil {
		return err
	}
	return c.do(ctx, request{name: "delete_pre_auth_key", op: op, method: http.MethodDelete, path: "/api/v1/preauthkey?id=" + url.QueryEscape(id), auth: true}, nil)
}

func (c *Client) preAuthKeyExists(ctx context.Context, op, id string) error {
	keys, err := c.listPreAuthKeys(ctx, op)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if k.ID == id {
			return nil
		}
	}
	return fmt.Errorf("headscale: %s: %w", op, ErrNotFound)
}
