package hstest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"headway/backend/headscale"
)

func TestStartClientRoutes(t *testing.T) {
	t.Parallel()
	s := Start(t)
	c := s.StartClient(t, ClientOptions{
		User:              "alice",
		Hostname:          "router",
		AdvertiseRoutes:   []string{"10.42.0.0/24"},
		AdvertiseExitNode: true,
	})
	hc := headscale.New(s.URL, s.APIKey)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	n := findNode(ctx, t, hc, c.NodeID)
	if !n.Online {
		t.Errorf("node %s is offline right after StartClient", c.NodeID)
	}
	if n.User != "alice" {
		t.Errorf("node %s belongs to %q, want alice", c.NodeID, n.User)
	}
	for _, want := range []string{"10.42.0.0/24", "0.0.0.0/0", "::/0"} {
		if !slices.Contains(n.AvailableRoutes, want) {
			t.Errorf("AvailableRoutes = %v, want it to contain %s", n.AvailableRoutes, want)
		}
	}
	if len(n.SubnetRoutes) != 0 {
		t.Errorf("SubnetRoutes before approval = %v, want none", n.SubnetRoutes)
	}

	approved, err := hc.ApproveRoutes(ctx, c.NodeID, []string{"10.42.0.0/24"})
	if err != nil {
		t.Fatalf("ApproveRoutes: %v", err)
	}
	if !slices.Contains(approved.ApprovedRoutes, "10.42.0.0/24") {
		t.Errorf("ApprovedRoutes after approval = %v, want 10.42.0.0/24", approved.ApprovedRoutes)
	}
	// Headscale computes the primary routes asynchronously; poll briefly.
	deadline := time.Now().Add(10 * time.Second)
	for {
		n = findNode(ctx, t, hc, c.NodeID)
		if slices.Contains(n.SubnetRoutes, "10.42.0.0/24") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("SubnetRoutes = %v 10s after approving 10.42.0.0/24, want it listed", n.SubnetRoutes)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !n.Online {
		t.Errorf("node %s went offline", c.NodeID)
	}

	// A second client of the same (now existing) user.
	c2 := s.StartClient(t, ClientOptions{User: "alice", Hostname: "laptop"})
	if c2.NodeID == c.NodeID {
		t.Fatalf("second client got the first one's node id %s", c.NodeID)
	}

	// Stop is idempotent; cleanup calls it again.
	c.Stop()
	c.Stop()
}

func findNode(ctx context.Context, t *testing.T, hc *headscale.Client, id string) headscale.Node {
	t.Helper()
	nodes, err := hc.ListNodes(ctx)
	if err != nil {
		t.Fatalf("ListNodes: %v", err)
	}
	for _, n := range nodes {
		if n.ID == id {
			return n
		}
	}
	t.Fatalf("node %s not in ListNodes (%d nodes)", id, len(nodes))
	return headscale.Node{}
}

func TestStartClientMissingBinaryHint(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-tailscaled")
	t.Setenv(tailscaledEnv, missing)
	f := &fatalTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		(&Server{}).StartClient(f, ClientOptions{User: "alice"})
		f.mu.Lock()
		f.msg = "StartClient returned"
		f.mu.Unlock()
	}()
	<-done
	for _, want := range []string{missing, "run `make tailscale`"} {
		if !strings.Contains(f.msg, want) {
			t.Errorf("StartClient() with a missing binary failed with %q, want it to contain %q", f.msg, want)
		}
	}
}

func TestStartOldVersion(t *testing.T) {
	t.Parallel()
	s := Start(t, WithVersion("v0.28.0"))
	resp, err := http.Get(s.URL + "/version")
	if err != nil {
		t.Fatalf("GET /version: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var v struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("GET /version: %v: %s", err, b)
	}
	if v.Version != "v0.28.0" {
		t.Errorf("GET /version = %q (%s), want v0.28.0", v.Version, b)
	}
}
