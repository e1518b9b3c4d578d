package headscale

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"headway/backend/headscale/hstest"
)

// These tests run against a real Headscale started by hstest, one per test.

func TestRealHealthVersionAPIKeys(t *testing.T) {
	t.Parallel()
	s := hstest.Start(t)
	c := New(s.URL, s.APIKey)

	if err := c.Health(t.Context()); err != nil {
		t.Errorf("Health() = %v, want nil", err)
	}

	v, err := c.Version(t.Context())
	if err != nil {
		t.Fatalf("Version() = %v", err)
	}
	if s.Version != "" && v != s.Version {
		t.Errorf("Version() = %q, want %q", v, s.Version)
	}
	pv, err := ParseVersion(v)
	if err != nil || !pv.Supported() {
		t.Errorf("ParseVersion(%q) = %+v, %v, want a supported version", v, pv, err)
	}

	keys, err := c.ListAPIKeys(t.Context())
	if err != nil {
		t.Fatalf("ListAPIKeys() = %v", err)
	}
	if len(keys) != 1 {
		t.Fatalf("ListAPIKeys() = %d keys, want 1: %+v", len(keys), keys)
	}
	k := keys[0]
	if p := strings.TrimSuffix(k.Prefix, "***"); p == "" || !strings.HasPrefix(s.APIKey, p) {
		t.Errorf("ListAPIKeys()[0].Prefix = %q, want a prefix of the key", k.Prefix)
	}
	if k.ID == "" || k.CreatedAt == nil || k.Expiration == nil || !k.Expiration.After(*k.CreatedAt) {
		t.Errorf("ListAPIKeys()[0] = %+v, want an id, a creation time and a later expiration", k)
	}
}

func TestRealBogusKeyIsUnauthorized(t *testing.T) {
	t.Parallel()
	s := hstest.Start(t)
	const bogus = "hskey-api-AAAAAAAAAAAA-BOGUSBOGUSBOGUSBOGUSBOGUS"
	for _, key := range []string{bogus, ""} {
		_, err := New(s.URL, key).ListAPIKeys(t.Context())
		if !errors.Is(err, ErrUnauthorized) {
			t.Errorf("ListAPIKeys() with key %q = %v, want ErrUnauthorized", key, err)
		}
		if err != nil && strings.Contains(err.Error(), "BOGUS") {
			t.Errorf("error text contains the API key: %q", err)
		}
	}
}

func TestRealStopRestart(t *testing.T) {
	t.Parallel()
	s := hstest.Start(t)
	c := New(s.URL, s.APIKey)

	s.Stop()
	if err := c.Health(t.Context()); !errors.Is(err, ErrUnreachable) {
		t.Fatalf("Health() after Stop = %v, want ErrUnreachable", err)
	}
	if _, err := c.ListAPIKeys(t.Context()); !errors.Is(err, ErrUnreachable) {
		t.Errorf("ListAPIKeys() after Stop = %v, want ErrUnreachable", err)
	}

	s.Restart(t)
	if err := c.Health(t.Context()); err != nil {
		t.Fatalf("Health() after Restart = %v, want nil", err)
	}
	// Same state: the key made before the restart still works.
	if _, err := c.ListAPIKeys(t.Context()); err != nil {
		t.Errorf("ListAPIKeys() after Restart = %v, want nil", err)
	}
}

// TestRealErrorsByMessage checks the mapping table in errors.go against the
// answers the pinned Headscale really gives (many client errors arrive as 500).
func TestRealErrorsByMessage(t *testing.T) {
	t.Parallel()
	s := hstest.Start(t)
	c := New(s.URL, s.APIKey)
	userID := s.CreateUser(t, "alice")
	nodeID := hstest.AddDebugNode(t, s, "alice", "n1")

	var nodes struct {
		Nodes []struct {
			ID        string `json:"id"`
			GivenName string `json:"givenName"`
			User      struct {
				Name string `json:"name"`
			} `json:"user"`
		} `json:"nodes"`
	}
	if err := c.do(t.Context(), request{op: "list nodes", method: http.MethodGet, path: "/api/v1/node", auth: true}, &nodes); err != nil {
		t.Fatalf("list nodes: %v", err)
	}
	if len(nodes.Nodes) != 1 || nodes.Nodes[0].ID != nodeID || nodes.Nodes[0].GivenName != "n1" || nodes.Nodes[0].User.Name != "alice" {
		t.Errorf("nodes = %+v, want the debug node %s named n1 owned by alice", nodes.Nodes, nodeID)
	}

	tests := []struct {
		name string
		req  request
		want error
	}{
		{"delete missing user", request{method: http.MethodDelete, path: "/api/v1/user/9999"}, ErrNotFound},
		{"get missing node", request{method: http.MethodGet, path: "/api/v1/node/9999"}, ErrNotFound},
		{"duplicate user name", request{method: http.MethodPost, path: "/api/v1/user", body: map[string]string{"name": "alice"}}, ErrConflict},
		{"delete user with nodes", request{method: http.MethodDelete, path: "/api/v1/user/" + userID}, ErrUserHasNodes},
		{"policy before any was set", request{method: http.MethodGet, path: "/api/v1/policy"}, ErrNotFound},
	}
	for _, tc := range tests {
		tc.req.op, tc.req.auth = tc.name, true
		err := c.do(t.Context(), tc.req, nil)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s %s = %v, want errors.Is %v", tc.req.method, tc.req.path, err, tc.want)
		}
	}
}
