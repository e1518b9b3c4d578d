package machines_test

import (
	"errors"
	"testing"

	"headway/backend/headscale"
	"headway/backend/headscale/hstest"
	"headway/backend/machines"
	"headway/backend/tailnet"
)

// fixture is a real Headscale with users alice and bob, each with one
// machine, a snapshot of it, and a Service.
type fixture struct {
	srv                 *hstest.Server
	hs                  *headscale.Client
	tn                  *tailnet.Tailnet
	svc                 *machines.Service
	alice, bob          string // user ids
	aliceNode, bobNode  string // node ids
	admin, aliceV, bobV machines.Caller
	unlinked            machines.Caller
}

func setup(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{srv: hstest.Start(t)}
	f.hs = headscale.New(f.srv.URL, f.srv.APIKey)
	f.tn = tailnet.New(tailnet.Options{Source: f.hs})
	f.alice = f.srv.CreateUser(t, "alice")
	f.bob = f.srv.CreateUser(t, "bob")
	f.aliceNode = hstest.AddDebugNode(t, f.srv, "alice", "alice-laptop")
	f.bobNode = hstest.AddDebugNode(t, f.srv, "bob", "bob-phone")
	f.refresh(t)
	f.svc = machines.New(f.hs, machines.FromTailnet(f.tn), nil)
	f.admin = machines.Caller{CanWrite: true}
	f.aliceV = machines.Caller{HeadscaleUserID: f.alice}
	f.bobV = machines.Caller{HeadscaleUserID: f.bob}
	return f
}

// refresh reads the snapshot afresh from Headscale.
func (f *fixture) refresh(t *testing.T) {
	t.Helper()
	if err := f.tn.Refresh(t.Context()); err != nil {
		t.Fatalf("Refresh() error = %v", err)
	}
}

// node returns node id from the snapshot, failing the test when absent.
func (f *fixture) node(t *testing.T, id string) headscale.Node {
	t.Helper()
	n, ok := f.tn.Snapshot().Node(id)
	if !ok {
		t.Fatalf("snapshot has no node %s", id)
	}
	return n
}

// headscaleNode returns node id as Headscale has it.
func (f *fixture) headscaleNode(t *testing.T, id string) headscale.Node {
	t.Helper()
	n, err := f.hs.GetNode(t.Context(), id)
	if err != nil {
		t.Fatalf("GetNode(%s) error = %v", id, err)
	}
	return n
}

// wantError fails unless err is a *machines.Error with code and status.
func wantError(t *testing.T, what string, err error, code string, status int) *machines.Error {
	t.Helper()
	var e *machines.Error
	if !errors.As(err, &e) {
		t.Fatalf("%s error = %v, want %s", what, err, code)
	}
	if e.Code != code || e.Status != status {
		t.Fatalf("%s error = %v (status %d), want %s (%d)", what, err, e.Status, code, status)
	}
	if e.Message == "" || e.Hint == "" {
		t.Errorf("%s error %s has Message %q, Hint %q; want both", what, code, e.Message, e.Hint)
	}
	return e
}
