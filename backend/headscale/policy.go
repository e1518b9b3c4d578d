package headscale

import (
	"context"
	"net/http"
	"time"
)

// Policy is Headscale's ACL policy as stored: HuJSON text, returned as
// written. UpdatedAt is nil when Headscale reads the policy from a file.
type Policy struct {
	Text      string
	UpdatedAt *time.Time
}

type policyJSON struct {
	Policy    string     `json:"policy"`
	UpdatedAt *time.Time `json:"updatedAt"`
}

func (p policyJSON) policy() Policy {
	return Policy{Text: p.Policy, UpdatedAt: optionalTime(p.UpdatedAt)}
}

// GetPolicy returns the current policy (GET /api/v1/policy). With
// policy.mode: database and no policy set yet, it is ErrNotFound.
func (c *Client) GetPolicy(ctx context.Context) (Policy, error) {
	var out policyJSON
	if err := c.do(ctx, request{name: "get_policy", op: "get policy", method: http.MethodGet, path: "/api/v1/policy", auth: true}, &out); err != nil {
		return Policy{}, err
	}
	return out.policy(), nil
}

// SetPolicy stores and applies text as the policy (PUT /api/v1/policy) and
// returns it as stored. A policy that does not parse or validate is
// ErrInvalid with Headscale's message; when Headscale reads its policy from a
// file (policy.mode: file) it is ErrPolicyModeFile.
func (c *Client) SetPolicy(ctx context.Context, text string) (Policy, error) {
	var out policyJSON
	body := map[string]string{"policy": text}
	if err := c.do(ctx, request{name: "set_policy", op: "set policy", method: http.MethodPut, path: "/api/v1/policy", auth: true, body: body}, &out); err != nil {
		return Policy{}, err
	}
	return out.policy(), nil
}

// CheckPolicy validates text against the current users and nodes without
// storing it (POST /api/v1/policy/check, Headscale 0.29+; it works in either
// policy mode). An invalid policy is an *APIError with status 400 that
// matches ErrInvalid; its Message is Headscale's, for example
// "parsing policy: parsing HuJSON: hujson: line 1, column 65: …".
func (c *Client) CheckPolicy(ctx context.Context, text string) error {
	body := map[string]string{"policy": text}
	return c.do(ctx, request{name: "check_policy", op: "check policy", method: http.MethodPost, path: "/api/v1/policy/check", auth: true, body: body}, nil)
}
