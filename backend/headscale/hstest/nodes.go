package hstest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// CreateUser creates a local Headscale user through the CLI and returns its
// id.
func (s *Server) CreateUser(t testing.TB, name string) string {
	t.Helper()
	out := s.Headscale(t, "users", "create", name, "--output", "json")
	var u struct {
		ID json.Number `json:"id"`
	}
	if err := json.Unmarshal([]byte(out), &u); err != nil || u.ID == "" {
		t.Fatalf("hstest: parse the output of `headscale users create %s`: %v\n%s", name, err, out)
	}
	return u.ID.String()
}

// AddDebugNode registers an offline node called name for the existing user
// (by name) without a Tailscale client, through Headscale's debug endpoint
// and a pending web registration: POST /api/v1/debug/node, then
// POST /api/v1/auth/register. It returns the node id. It takes about a
// second (Headscale answers the register call after its batching delay).
func AddDebugNode(t testing.TB, s *Server, user, name string) string {
	t.Helper()
	authID := AddPendingNode(t, s, user, name)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	var out struct {
		Node struct {
			ID string `json:"id"`
		} `json:"node"`
	}
	if err := s.post(ctx, "/api/v1/auth/register", map[string]string{"user": user, "authId": authID}, &out); err != nil {
		t.Fatalf("hstest: register debug node %q for user %q: %v", name, user, err)
	}
	if _, err := strconv.ParseUint(out.Node.ID, 10, 64); err != nil || out.Node.ID == "0" {
		t.Fatalf("hstest: register debug node %q: unexpected node id %q", name, out.Node.ID)
	}
	return out.Node.ID
}

// AddPendingNode queues a registration for a node called name through
// Headscale's debug endpoint (POST /api/v1/debug/node) and returns its auth
// id ("hskey-authreq-…"), as a client waiting for a web login would have it.
// The user (by name) must exist; no node exists until the registration is
// completed, for example by POST /api/v1/auth/register.
func AddPendingNode(t testing.TB, s *Server, user, name string) string {
	t.Helper()
	b := make([]byte, 18) // 24 URL-safe characters
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("hstest: %v", err)
	}
	authID := "hskey-authreq-" + base64.RawURLEncoding.EncodeToString(b)

	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := s.post(ctx, "/api/v1/debug/node", map[string]string{"user": user, "key": authID, "name": name}, nil); err != nil {
		t.Fatalf("hstest: add debug node %q for user %q: %v", name, user, err)
	}
	return authID
}

// post sends an authenticated JSON request to this server's REST API.
func (s *Server) post(ctx context.Context, path string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+s.APIKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("POST %s: status %d: %s", path, resp.StatusCode, b)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(b, out)
}
