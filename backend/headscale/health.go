package headscale

import (
	"context"
	"fmt"
	"net/http"
)

// Health reports whether Headscale answers its health check: nil when
// GET /health returns {"status":"pass"}. No API key is sent.
func (c *Client) Health(ctx context.Context) error {
	var out struct {
		Status string `json:"status"`
	}
	err := c.do(ctx, request{name: "health", op: "health", method: http.MethodGet, path: "/health"}, &out)
	if err != nil {
		return err
	}
	if out.Status != "pass" {
		return fmt.Errorf("headscale: health: status %q, want %q", truncate(out.Status, 64), "pass")
	}
	return nil
}

// Version returns the version Headscale reports on GET /version, for example
// "v0.29.2" (or "dev" for a build from source). No API key is sent. Use
// ParseVersion to compare it.
func (c *Client) Version(ctx context.Context) (string, error) {
	var out struct {
		Version string `json:"version"`
	}
	err := c.do(ctx, request{name: "version", op: "version", method: http.MethodGet, path: "/version"}, &out)
	if err != nil {
		return "", err
	}
	if out.Version == "" {
		return "", fmt.Errorf("headscale: version: empty version in response")
	}
	return out.Version, nil
}
