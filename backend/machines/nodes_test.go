package machines_test

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"headway/backend/headscale"
	"headway/backend/headscale/hstest"
	"headway/backend/machines"
)

func TestRename(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := t.Context()

	n, err := f.svc.Rename(ctx, f.admin, f.aliceNode, "laptop-2")
	if err != nil {
		t.Fatalf("Rename() error = %v", err)
	}
	if n.GivenName != "laptop-2" {
		t.Errorf("Rename() GivenName = %q, want laptop-2", n.GivenName)
	}
	if got := f.node(t, f.aliceNode).GivenName; got != "laptop-2" {
		t.Errorf("snapshot GivenName after Rename = %q, want laptop-2", got)
	}

	for _, name := range []string{"", "-laptop", "laptop-", "lap_top", "lap top", "laptop.home", strings.Repeat("a", 64), "läptop"} {
		_, err := f.svc.Rename(ctx, f.admin, f.aliceNode, name)
		e := wantError(t, "Rename("+name+")", err, "machine_name_invalid", http.StatusBadRequest)
		if !strings.Contains(e.Hint, "63") {
			t.Errorf("machine_name_invalid hint %q does not state the rule", e.Hint)
		}
	}
	_, err = f.svc.Rename(ctx, f.admin, f.aliceNode, "bob-phone")
	wantError(t, "Rename() onto another machine's name", err, "machine_name_taken", http.StatusConflict)
	_, err = f.svc.Rename(ctx, f.admin, "999", "x")
	wantError(t, "Rename() of an unknown id", err, "machine_not_found", http.StatusNotFound)
	if got := f.headscaleNode(t, f.aliceNode).GivenName; got != "laptop-2" {
		t.Errorf("Headscale GivenName after refused renames = %q, want laptop-2", got)
	}
}

func TestOwnership(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := t.Context()

	// A caller without write_machines manages their own machine.
	if !f.svc.CanManage(f.aliceV, f.node(t, f.aliceNode)) || f.svc.CanManage(f.aliceV, f.node(t, f.bobNode)) {
		t.Errorf("CanManage(alice) = wrong: want own node only")
	}
	if f.svc.CanManage(f.unlinked, f.node(t, f.aliceNode)) {
		t.Errorf("CanManage(unlinked caller, alice's node) = true, want false")
	}
	if _, err := f.svc.Rename(ctx, f.aliceV, f.aliceNode, "mine"); err != nil {
		t.Fatalf("Rename(own machine) error = %v", err)
	}
	if _, err := f.svc.Expire(ctx, f.aliceV, f.aliceNode, nil, true); err != nil {
		t.Fatalf("Expire(own machine) error = %v", err)
	}
	if _, err := f.svc.SetRoutes(ctx, f.aliceV, f.aliceNode, []string{"10.1.0.0/16"}); err != nil {
		t.Fatalf("SetRoutes(own machine) error = %v", err)
	}

	// Not another's machine, nor an unknown id (which must look the same),
	// nor anything for a caller linked to no user; not even an invalid name.
	actions := map[string]func(c machines.Caller, id string) error{
		"Rename":    func(c machines.Caller, id string) error { _, err := f.svc.Rename(ctx, c, id, "x"); return err },
		"RenameBad": func(c machines.Caller, id string) error { _, err := f.svc.Rename(ctx, c, id, "-"); return err },
		"Expire":    func(c machines.Caller, id string) error { _, err := f.svc.Expire(ctx, c, id, nil, false); return err },
		"Delete":    func(c machines.Caller, id string) error { return f.svc.Delete(ctx, c, id) },
		"SetTags": func(c machines.Caller, id string) error {
			_, err := f.svc.SetTags(ctx, c, id, []string{"tag:x"})
			return err
		},
		"SetRoutes":   func(c machines.Caller, id string) error { _, err := f.svc.SetRoutes(ctx, c, id, nil); return err },
		"SetExitNode": func(c machines.Caller, id string) error { _, err := f.svc.SetExitNode(ctx, c, id, true); return err },
	}
	for name, do := range actions {
		wantError(t, name+"(alice, bob's machine)", do(f.aliceV, f.bobNode), "forbidden", http.StatusForbidden)
		wantError(t, name+"(alice, unknown id)", do(f.aliceV, "999"), "forbidden", http.StatusForbidden)
		wantError(t, name+"(unlinked, alice's machine)", do(f.unlinked, f.aliceNode), "forbidden", http.StatusForbidden)
	}
	bob := f.headscaleNode(t, f.bobNode)
	if bob.GivenName != "bob-phone" || bob.Expiry != nil {
		t.Errorf("bob's machine after refused changes = %+v, want untouched", bob)
	}
}

func TestExpire(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := t.Context()

	at := time.Now().Add(48 * time.Hour).Truncate(time.Second)
	n, err := f.svc.Expire(ctx, f.admin, f.aliceNode, &at, false)
	if err != nil {
		t.Fatalf("Expire(at) error = %v", err)
	}
	if n.Expiry == nil || !n.Expiry.Equal(at) {
		t.Errorf("Expire(at) Expiry = %v, want %v", n.Expiry, at)
	}
	if got := f.node(t, f.aliceNode).Expiry; got == nil || !got.Equal(at) {
		t.Errorf("snapshot Expiry after Expire(at) = %v, want %v", got, at)
	}

	before := time.Now().Add(-time.Second)
	n, err = f.svc.Expire(ctx, f.admin, f.aliceNode, nil, false)
	if err != nil {
		t.Fatalf("Expire(now) error = %v", err)
	}
	if n.Expiry == nil || n.Expiry.Before(before) || n.Expiry.After(time.Now().Add(time.Second)) {
		t.Errorf("Expire(now) Expiry = %v, want about now", n.Expiry)
	}

	if _, err := f.svc.Expire(ctx, f.admin, f.aliceNode, nil, true); err != nil {
		t.Fatalf("Expire(disable) error = %v", err)
	}
	if got := f.node(t, f.aliceNode).Expiry; got != nil && !got.IsZero() {
		t.Errorf("snapshot Expiry after Expire(disable) = %v, want none", got)
	}

	_, err = f.svc.Expire(ctx, f.admin, f.aliceNode, &at, true)
	wantError(t, "Expire(at, disable)", err, "expiry_invalid", http.StatusBadRequest)
	_, err = f.svc.Expire(ctx, f.admin, "999", nil, false)
	wantError(t, "Expire(unknown id)", err, "machine_not_found", http.StatusNotFound)
}

func TestDelete(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := t.Context()

	if err := f.svc.Delete(ctx, f.aliceV, f.aliceNode); err != nil {
		t.Fatalf("Delete(own machine) error = %v", err)
	}
	if _, ok := f.tn.Snapshot().Node(f.aliceNode); ok {
		t.Errorf("snapshot still has node %s after Delete", f.aliceNode)
	}
	if _, err := f.hs.GetNode(ctx, f.aliceNode); !errors.Is(err, headscale.ErrNotFound) {
		t.Errorf("GetNode(deleted) error = %v, want ErrNotFound", err)
	}
	wantError(t, "Delete(deleted, admin)", f.svc.Delete(ctx, f.admin, f.aliceNode), "machine_not_found", http.StatusNotFound)
	wantError(t, "Delete(deleted, alice)", f.svc.Delete(ctx, f.aliceV, f.aliceNode), "forbidden", http.StatusForbidden)

	// Deleted behind the snapshot's back: not found, and dropped from it.
	if err := f.hs.DeleteNode(ctx, f.bobNode); err != nil {
		t.Fatal(err)
	}
	_, err := f.svc.Rename(ctx, f.bobV, f.bobNode, "gone")
	wantError(t, "Rename(deleted in Headscale only)", err, "machine_not_found", http.StatusNotFound)
	if _, ok := f.tn.Snapshot().Node(f.bobNode); ok {
		t.Errorf("snapshot still has node %s that Headscale no longer knows", f.bobNode)
	}
}

func TestSetTags(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := t.Context()
	const policy = `{"tagOwners": {"tag:server": ["alice@"], "tag:db": ["alice@"]}, "acls": [{"action": "accept", "src": ["*"], "dst": ["*:*"]}]}`
	if _, err := f.hs.SetPolicy(ctx, policy); err != nil {
		t.Fatalf("SetPolicy() error = %v", err)
	}

	_, err := f.svc.SetTags(ctx, f.admin, f.bobNode, []string{"tag:server", "tag:nope"})
	e := wantError(t, "SetTags(tag not in tagOwners)", err, "tag_not_allowed", http.StatusBadRequest)
	if !strings.Contains(e.Message, "tag:nope") {
		t.Errorf("tag_not_allowed message %q does not name the tag", e.Message)
	}
	for _, tags := range [][]string{nil, {"server"}, {"tag:Server"}, {"tag:a b"}, {"tag:"}} {
		_, err := f.svc.SetTags(ctx, f.admin, f.bobNode, tags)
		wantError(t, "SetTags("+strings.Join(tags, ",")+")", err, "tag_invalid", http.StatusBadRequest)
	}
	_, err = f.svc.SetTags(ctx, f.admin, "999", []string{"tag:server"})
	wantError(t, "SetTags(unknown id)", err, "machine_not_found", http.StatusNotFound)

	n, err := f.svc.SetTags(ctx, f.admin, f.bobNode, []string{"tag:server", "tag:db"})
	if err != nil {
		t.Fatalf("SetTags() error = %v", err)
	}
	want := []string{"tag:db", "tag:server"}
	if !slices.Equal(n.Tags, want) || n.UserID != "" {
		t.Errorf("SetTags() = tags %v, user %q; want %v and no user", n.Tags, n.UserID, want)
	}
	got := f.node(t, f.bobNode)
	if !slices.Equal(got.Tags, want) || got.UserID != "" {
		t.Errorf("snapshot after SetTags = tags %v, user %q; want %v and no user", got.Tags, got.UserID, want)
	}
	// A tagged machine belongs to nobody: bob can no longer manage it.
	_, err = f.svc.Rename(ctx, f.bobV, f.bobNode, "server")
	wantError(t, "Rename(bob, his machine after tagging)", err, "forbidden", http.StatusForbidden)
}

func TestSetRoutes(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := t.Context()

	n, err := f.svc.SetRoutes(ctx, f.admin, f.aliceNode, []string{"10.0.0.0/24", "fd00:1::/64"})
	if err != nil {
		t.Fatalf("SetRoutes() error = %v", err)
	}
	want := []string{"10.0.0.0/24", "fd00:1::/64"}
	if !slices.Equal(n.ApprovedRoutes, want) || !slices.Equal(f.node(t, f.aliceNode).ApprovedRoutes, want) {
		t.Errorf("SetRoutes() ApprovedRoutes = %v, snapshot %v; want %v", n.ApprovedRoutes, f.node(t, f.aliceNode).ApprovedRoutes, want)
	}

	for _, r := range []string{"nope", "10.0.0.1/24", "10.0.0.0", "10.0.0.0/33", ""} {
		_, err := f.svc.SetRoutes(ctx, f.admin, f.aliceNode, []string{"10.2.0.0/16", r})
		wantError(t, "SetRoutes("+r+")", err, "route_invalid", http.StatusBadRequest)
	}
	_, err = f.svc.SetRoutes(ctx, f.admin, "999", nil)
	wantError(t, "SetRoutes(unknown id)", err, "machine_not_found", http.StatusNotFound)

	// Exit node: both exit routes added, the others kept.
	n, err = f.svc.SetExitNode(ctx, f.admin, f.aliceNode, true)
	if err != nil {
		t.Fatalf("SetExitNode(true) error = %v", err)
	}
	want = []string{"0.0.0.0/0", "10.0.0.0/24", "::/0", "fd00:1::/64"}
	if got := sorted(n.ApprovedRoutes); !slices.Equal(got, want) {
		t.Errorf("SetExitNode(true) ApprovedRoutes = %v, want %v", got, want)
	}
	if got := sorted(f.node(t, f.aliceNode).ApprovedRoutes); !slices.Equal(got, want) {
		t.Errorf("snapshot ApprovedRoutes after SetExitNode(true) = %v, want %v", got, want)
	}
	n, err = f.svc.SetExitNode(ctx, f.admin, f.aliceNode, false)
	if err != nil {
		t.Fatalf("SetExitNode(false) error = %v", err)
	}
	want = []string{"10.0.0.0/24", "fd00:1::/64"}
	if got := sorted(n.ApprovedRoutes); !slices.Equal(got, want) {
		t.Errorf("SetExitNode(false) ApprovedRoutes = %v, want %v", got, want)
	}
	if got := sorted(f.headscaleNode(t, f.aliceNode).ApprovedRoutes); !slices.Equal(got, want) {
		t.Errorf("Headscale ApprovedRoutes after SetExitNode(false) = %v, want %v", got, want)
	}
	_, err = f.svc.SetExitNode(ctx, f.admin, "999", true)
	wantError(t, "SetExitNode(unknown id)", err, "machine_not_found", http.StatusNotFound)

	n, err = f.svc.SetRoutes(ctx, f.admin, f.aliceNode, nil)
	if err != nil || len(n.ApprovedRoutes) != 0 || len(f.node(t, f.aliceNode).ApprovedRoutes) != 0 {
		t.Errorf("SetRoutes(nil) = %v, %v; want no routes", n.ApprovedRoutes, err)
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func TestRegister(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := t.Context()

	authID := hstest.AddPendingNode(t, f.srv, "alice", "alice-desktop")
	_, err := f.svc.Register(ctx, "999", authID)
	wantError(t, "Register(unknown user)", err, "headscale_user_not_found", http.StatusNotFound)
	n, err := f.svc.Register(ctx, f.alice, authID)
	if err != nil {
		t.Fatalf("Register() error = %v", err)
	}
	if n.UserID != f.alice || n.GivenName != "alice-desktop" {
		t.Errorf("Register() = user %q, name %q; want %s, alice-desktop", n.UserID, n.GivenName, f.alice)
	}
	if got := f.node(t, n.ID); got.UserID != f.alice {
		t.Errorf("snapshot node after Register = %+v, want alice's", got)
	}
	// The registration is used up.
	_, err = f.svc.Register(ctx, f.alice, authID)
	wantError(t, "Register(used id)", err, "registration_not_found", http.StatusNotFound)
	for _, id := range []string{"hskey-authreq-AAAAAAAAAAAAAAAAAAAAAAAA", "nonsense", ""} {
		_, err := f.svc.Register(ctx, f.alice, id)
		wantError(t, "Register("+id+")", err, "registration_not_found", http.StatusNotFound)
	}
}

func TestApproveRejectRegistration(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := t.Context()

	for _, id := range []string{"hskey-authreq-AAAAAAAAAAAAAAAAAAAAAAAA", "nonsense"} {
		wantError(t, "ApproveRegistration("+id+")", f.svc.ApproveRegistration(ctx, id), "registration_not_found", http.StatusNotFound)
		wantError(t, "RejectRegistration("+id+")", f.svc.RejectRegistration(ctx, id), "registration_not_found", http.StatusNotFound)
	}
	if err := f.svc.ApproveRegistration(ctx, hstest.AddPendingNode(t, f.srv, "alice", "pending-1")); err != nil {
		t.Errorf("ApproveRegistration(pending) error = %v", err)
	}
	if err := f.svc.RejectRegistration(ctx, hstest.AddPendingNode(t, f.srv, "alice", "pending-2")); err != nil {
		t.Errorf("RejectRegistration(pending) error = %v", err)
	}
}

func TestHeadscaleDown(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := t.Context()

	f.srv.Stop()
	_, err := f.svc.Rename(ctx, f.admin, f.aliceNode, "x")
	e := wantError(t, "Rename(Headscale stopped)", err, "headscale_unavailable", http.StatusBadGateway)
	if !errors.Is(err, headscale.ErrUnreachable) || !strings.Contains(e.Hint, "headscale.url") {
		t.Errorf("headscale_unavailable = %v, hint %q; want it to wrap ErrUnreachable and name headscale.url", err, e.Hint)
	}
	_, err = f.svc.CreateUser(ctx, "carol", "", "")
	wantError(t, "CreateUser(Headscale stopped)", err, "headscale_unavailable", http.StatusBadGateway)
	if got := f.node(t, f.aliceNode).GivenName; got != "alice-laptop" {
		t.Errorf("snapshot GivenName after a failed rename = %q, want alice-laptop", got)
	}
}

func TestBadAPIKey(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := t.Context()

	svc := machines.New(headscale.New(f.srv.URL, "hskey-api-wrong-key"), machines.FromTailnet(f.tn), nil)
	_, err := svc.Rename(ctx, f.admin, f.aliceNode, "x")
	e := wantError(t, "Rename(bad API key)", err, "headscale_key_invalid", http.StatusBadGateway)
	if !strings.Contains(e.Hint, "headscale.api_key") || !strings.Contains(e.Hint, "headway doctor") {
		t.Errorf("headscale_key_invalid hint = %q, want headscale.api_key and headway doctor", e.Hint)
	}
	_, err = svc.CreateUser(ctx, "carol", "", "")
	wantError(t, "CreateUser(bad API key)", err, "headscale_key_invalid", http.StatusBadGateway)
	if err := svc.Delete(ctx, f.admin, f.bobNode); !errors.Is(err, machines.ErrHeadscaleKeyInvalid) {
		t.Errorf("Delete(bad API key) error = %v, want headscale_key_invalid", err)
	}
	if _, ok := f.tn.Snapshot().Node(f.bobNode); !ok {
		t.Errorf("snapshot lost node %s after a refused delete", f.bobNode)
	}
}
