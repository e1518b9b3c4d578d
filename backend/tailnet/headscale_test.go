package tailnet

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"headway/backend/headscale"
	"headway/backend/headscale/hstest"
)

// TestAgainstHeadscale runs a Tailnet against a real Headscale: the first
// refresh, changes made behind Headway's back, Headway's own writes, Headscale
// going down and coming back, and Run picking changes up by itself.
func TestAgainstHeadscale(t *testing.T) {
	hs := hstest.Start(t)
	client := headscale.New(hs.URL, hs.APIKey, headscale.WithTimeout(5*time.Second))
	aliceID := hs.CreateUser(t, "alice")
	bobID := hs.CreateUser(t, "bob")
	laptop := hstest.AddDebugNode(t, hs, "alice", "laptop")
	phone := hstest.AddDebugNode(t, hs, "bob", "phone")

	tn := New(Options{Source: client, Interval: 100 * time.Millisecond})
	ctx := t.Context()
	if err := tn.Refresh(ctx); err != nil {
		t.Fatalf("Refresh() = %v", err)
	}
	s := tn.Snapshot()
	if s.FetchedAt.IsZero() || s.Stale || s.Err != nil {
		t.Errorf("after Refresh, FetchedAt = %v, Stale = %v, Err = %v", s.FetchedAt, s.Stale, s.Err)
	}
	if got := names(s.Users()); !slices.Equal(got, []string{"alice", "bob"}) {
		t.Errorf("Users() = %v, want [alice bob]", got)
	}
	if got := ids(s.Nodes()); !slices.Equal(got, []string{laptop, phone}) {
		t.Errorf("Nodes() ids = %v, want [%s %s]", got, laptop, phone)
	}
	if n, ok := s.Node(laptop); !ok || n.UserID != aliceID || n.User != "alice" || len(n.IPAddresses) == 0 {
		t.Errorf("Node(%s) = %+v, %v; want alice's node with addresses", laptop, n, ok)
	}
	if got := s.NodeCounts(); got[aliceID] != 1 || got[bobID] != 1 {
		t.Errorf("NodeCounts() = %v, want one node each for %s and %s", got, aliceID, bobID)
	}
	if page, total := s.Machines(Query{Search: "bob"}, time.Now()); total != 1 || page[0].ID != phone {
		t.Errorf("Machines(search bob) = %v, %d; want [%s], 1", ids(page), total, phone)
	}

	// Changed directly in Headscale: seen after the next refresh, not before.
	hs.Headscale(t, "users", "create", "carol")
	desk := hstest.AddDebugNode(t, hs, "carol", "desk")
	if _, ok := tn.Snapshot().Node(desk); ok {
		t.Errorf("node %s visible before a refresh", desk)
	}
	if err := tn.Refresh(ctx); err != nil {
		t.Fatalf("Refresh() = %v", err)
	}
	s = tn.Snapshot()
	if n, ok := s.Node(desk); !ok || n.User != "carol" {
		t.Errorf("after a refresh, Node(%s) = %+v, %v; want carol's desk", desk, n, ok)
	}
	if got := names(s.Users()); !slices.Equal(got, []string{"alice", "bob", "carol"}) {
		t.Errorf("after a refresh, Users() = %v, want [alice bob carol]", got)
	}

	// Headway's own writes: applied from Headscale's answer, at once.
	renamed, err := client.RenameNode(ctx, laptop, "work-laptop")
	if err != nil {
		t.Fatal(err)
	}
	tn.PutNode(renamed)
	if n, _ := tn.Snapshot().Node(laptop); n.GivenName != "work-laptop" {
		t.Errorf("after PutNode, Node(%s).GivenName = %q, want work-laptop", laptop, n.GivenName)
	}
	user, err := client.RenameUser(ctx, bobID, "robert")
	if err != nil {
		t.Fatal(err)
	}
	tn.PutUser(user)
	if n, _ := tn.Snapshot().Node(phone); n.User != "robert" {
		t.Errorf("after PutUser, Node(%s).User = %q, want robert", phone, n.User)
	}
	if err := client.DeleteNode(ctx, desk); err != nil {
		t.Fatal(err)
	}
	tn.DeleteNode(desk)
	if _, ok := tn.Snapshot().Node(desk); ok {
		t.Errorf("after DeleteNode, node %s still there", desk)
	}
	// A refresh agrees with what the writes did.
	if err := tn.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	s = tn.Snapshot()
	if n, _ := s.Node(laptop); n.GivenName != "work-laptop" {
		t.Errorf("after a refresh, Node(%s).GivenName = %q, want work-laptop", laptop, n.GivenName)
	}
	if n, _ := s.Node(phone); n.User != "robert" {
		t.Errorf("after a refresh, Node(%s).User = %q, want robert", phone, n.User)
	}
	if _, ok := s.Node(desk); ok {
		t.Errorf("after a refresh, deleted node %s is back", desk)
	}

	// Headscale down: the last snapshot stays, marked stale.
	hs.Stop()
	err = tn.Refresh(ctx)
	if !errors.Is(err, headscale.ErrUnreachable) {
		t.Errorf("Refresh() with Headscale stopped = %v, want ErrUnreachable", err)
	}
	down := tn.Snapshot()
	if !down.Stale || !errors.Is(down.Err, headscale.ErrUnreachable) || len(down.Nodes()) != 2 {
		t.Errorf("while down: Stale = %v, Err = %v, %d nodes; want true, ErrUnreachable, 2", down.Stale, down.Err, len(down.Nodes()))
	}
	hs.Restart(t)

	// Run picks up changes by itself and clears Stale.
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { tn.Run(runCtx); close(done) }()
	defer func() { cancel(); <-done }()
	hs.Headscale(t, "users", "create", "dave")
	waitFor(t, func() bool {
		s := tn.Snapshot()
		return !s.Stale && slices.Contains(names(s.Users()), "dave")
	})
}
