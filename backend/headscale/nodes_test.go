package headscale

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"headway/backend/headscale/hstest"
)

func TestRealNodes(t *testing.T) {
	t.Parallel()
	s := hstest.Start(t)
	c := New(s.URL, s.APIKey)
	ctx := t.Context()
	aliceID := s.CreateUser(t, "alice")
	id := hstest.AddDebugNode(t, s, "alice", "n1")

	nodes, err := c.ListNodes(ctx)
	if err != nil || len(nodes) != 1 {
		t.Fatalf("ListNodes() = %+v, %v, want one node", nodes, err)
	}
	n := nodes[0]
	if n.ID != id || n.Name != "n1" || n.GivenName != "n1" || n.UserID != aliceID || n.User != "alice" {
		t.Errorf("ListNodes()[0] = %+v, want node %s n1/n1 owned by alice (%s)", n, id, aliceID)
	}
	if len(n.IPAddresses) != 2 || n.MachineKey == "" || n.NodeKey == "" || n.DiscoKey == "" {
		t.Errorf("ListNodes()[0] = %+v, want two addresses and three keys", n)
	}
	if n.Online || n.RegisterMethod != "cli" || n.CreatedAt == nil || n.LastSeen == nil {
		t.Errorf("ListNodes()[0] = %+v, want offline, registered by cli, with creation and last-seen times", n)
	}
	// A debug node has no expiry (0001-01-01 on the wire) and no tags or routes.
	if n.Expiry != nil || n.Tags == nil || len(n.Tags) != 0 || n.ApprovedRoutes == nil || n.AvailableRoutes == nil || n.SubnetRoutes == nil {
		t.Errorf("ListNodes()[0] = %+v, want nil expiry and empty, non-nil lists", n)
	}

	got, err := c.GetNode(ctx, id)
	if err != nil {
		t.Fatalf("GetNode(%s) = %v", id, err)
	}
	if diff := cmp.Diff(n, got); diff != "" {
		t.Errorf("GetNode(%s) differs from the listed node (-list +get):\n%s", id, diff)
	}

	renamed, err := c.RenameNode(ctx, id, "web-1")
	if err != nil || renamed.GivenName != "web-1" || renamed.Name != "n1" {
		t.Errorf("RenameNode(%s, web-1) = %+v, %v, want given name web-1, hostname n1", id, renamed, err)
	}
	for _, bad := range []string{"Bad_Name!", "-lead", "a.b"} {
		_, err := c.RenameNode(ctx, id, bad)
		var ae *APIError
		if !errors.Is(err, ErrInvalid) || !errors.As(err, &ae) || ae.Message == "" {
			t.Errorf("RenameNode(%s, %q) = %v, want ErrInvalid with Headscale's message", id, bad, err)
		}
	}
	if _, err := c.RenameNode(ctx, id, ""); !errors.Is(err, ErrInvalid) {
		t.Errorf("RenameNode(%s, \"\") = %v, want ErrInvalid", id, err)
	}

	at := time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC)
	expired, err := c.ExpireNode(ctx, id, &at, false)
	if err != nil || expired.Expiry == nil || !expired.Expiry.Equal(at) {
		t.Errorf("ExpireNode(%s, %v) = %+v, %v, want expiry %v", id, at, expired.Expiry, err, at)
	}
	expired, err = c.ExpireNode(ctx, id, nil, true)
	if err != nil || expired.Expiry != nil {
		t.Errorf("ExpireNode(%s, disable) = %+v, %v, want no expiry", id, expired.Expiry, err)
	}
	before := time.Now().Add(-time.Second)
	expired, err = c.ExpireNode(ctx, id, nil, false)
	if err != nil || expired.Expiry == nil || expired.Expiry.Before(before) || expired.Expiry.After(time.Now().Add(time.Second)) {
		t.Errorf("ExpireNode(%s, now) = %+v, %v, want an expiry about now", id, expired.Expiry, err)
	}
	if _, err := c.ExpireNode(ctx, id, &at, true); !errors.Is(err, ErrInvalid) {
		t.Errorf("ExpireNode(%s, at, disable) = %v, want ErrInvalid", id, err)
	}

	if err := c.DeleteNode(ctx, id); err != nil {
		t.Fatalf("DeleteNode(%s) = %v", id, err)
	}
	if nodes, err := c.ListNodes(ctx); err != nil || nodes == nil || len(nodes) != 0 {
		t.Errorf("ListNodes() after delete = %#v, %v, want an empty non-nil list", nodes, err)
	}

	// Unknown ids: Headscale 0.29 answers 404, 500 and 400 depending on the
	// call; all are ErrNotFound.
	const missing = "9999"
	for name, call := range map[string]func() error{
		"GetNode":       func() error { _, err := c.GetNode(ctx, missing); return err },
		"RenameNode":    func() error { _, err := c.RenameNode(ctx, missing, "x"); return err },
		"ExpireNode":    func() error { _, err := c.ExpireNode(ctx, missing, nil, false); return err },
		"DeleteNode":    func() error { return c.DeleteNode(ctx, missing) },
		"SetTags":       func() error { _, err := c.SetTags(ctx, missing, []string{"tag:web"}); return err },
		"ApproveRoutes": func() error { _, err := c.ApproveRoutes(ctx, missing, nil); return err },
	} {
		if err := call(); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s(%s) = %v, want ErrNotFound", name, missing, err)
		}
	}
	if _, err := c.GetNode(ctx, "n1"); !errors.Is(err, ErrInvalid) {
		t.Errorf("GetNode(n1) = %v, want ErrInvalid", err)
	}
}

func TestRealNodeTags(t *testing.T) {
	t.Parallel()
	s := hstest.Start(t)
	c := New(s.URL, s.APIKey)
	ctx := t.Context()
	s.CreateUser(t, "alice")
	id := hstest.AddDebugNode(t, s, "alice", "n1")

	for _, tc := range []struct {
		tags []string
		why  string
	}{
		{[]string{"tag:web"}, "not in tagOwners (no policy)"},
		{[]string{"web"}, "no tag: prefix"},
		{[]string{"tag:Web"}, "not lowercase"},
		{nil, "no tags"},
	} {
		_, err := c.SetTags(ctx, id, tc.tags)
		var ae *APIError
		if !errors.Is(err, ErrInvalid) || !errors.As(err, &ae) {
			t.Errorf("SetTags(%s, %q) [%s] = %v, want ErrInvalid with an *APIError", id, tc.tags, tc.why, err)
		}
	}

	const policy = `{"tagOwners": {"tag:web": ["alice@"], "tag:db": ["alice@"]}, "acls": [{"action": "accept", "src": ["*"], "dst": ["*:*"]}]}`
	if _, err := c.SetPolicy(ctx, policy); err != nil {
		t.Fatalf("SetPolicy() = %v", err)
	}
	n, err := c.SetTags(ctx, id, []string{"tag:web", "tag:db"})
	if err != nil {
		t.Fatalf("SetTags(%s) with tagOwners = %v", id, err)
	}
	if diff := cmp.Diff([]string{"tag:db", "tag:web"}, n.Tags); diff != "" {
		t.Errorf("SetTags(%s) tags mismatch (-want +got):\n%s", id, diff)
	}
	// A tagged node belongs to its tags: Headscale reports no user (null) in
	// single-node answers and a synthetic "tagged-devices" user in lists.
	if n.UserID != "" || n.User != "" {
		t.Errorf("SetTags(%s) = user %q (%s), want none for a tagged node", id, n.User, n.UserID)
	}
	nodes, err := c.ListNodes(ctx)
	if err != nil || len(nodes) != 1 {
		t.Fatalf("ListNodes() = %+v, %v", nodes, err)
	}
	if l := nodes[0]; l.UserID != "" || l.User != "" || len(l.Tags) != 2 {
		t.Errorf("ListNodes()[0] = user %q (%s), tags %q, want no user and two tags", l.User, l.UserID, l.Tags)
	}
	if _, err := c.SetTags(ctx, id, []string{"tag:other"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("SetTags(%s, tag:other) = %v, want ErrInvalid", id, err)
	}
}

func TestRealNodeRoutes(t *testing.T) {
	t.Parallel()
	s := hstest.Start(t)
	c := New(s.URL, s.APIKey)
	ctx := t.Context()
	s.CreateUser(t, "alice")
	id := hstest.AddDebugNode(t, s, "alice", "n1")

	// A debug node advertises nothing; approval is stored all the same and
	// is what the node will be allowed once it advertises the routes.
	n, err := c.ApproveRoutes(ctx, id, []string{"192.168.0.0/24", "10.0.0.0/8"})
	if err != nil {
		t.Fatalf("ApproveRoutes() = %v", err)
	}
	if diff := cmp.Diff([]string{"10.0.0.0/8", "192.168.0.0/24"}, n.ApprovedRoutes); diff != "" {
		t.Errorf("ApproveRoutes() approved mismatch (-want +got):\n%s", diff)
	}
	if len(n.AvailableRoutes) != 0 || n.SubnetRoutes == nil || len(n.SubnetRoutes) != 0 {
		t.Errorf("ApproveRoutes() = available %q, subnet %q, want both empty (nothing advertised)", n.AvailableRoutes, n.SubnetRoutes)
	}

	// One exit route approves both.
	n, err = c.ApproveRoutes(ctx, id, []string{"0.0.0.0/0"})
	if err != nil {
		t.Fatalf("ApproveRoutes(exit) = %v", err)
	}
	if diff := cmp.Diff([]string{"0.0.0.0/0", "::/0"}, n.ApprovedRoutes); diff != "" {
		t.Errorf("ApproveRoutes(0.0.0.0/0) approved mismatch (-want +got):\n%s", diff)
	}
	got, err := c.GetNode(ctx, id)
	if err != nil || !cmp.Equal(n.ApprovedRoutes, got.ApprovedRoutes) {
		t.Errorf("GetNode() approved = %q, %v, want %q", got.ApprovedRoutes, err, n.ApprovedRoutes)
	}

	if _, err := c.ApproveRoutes(ctx, id, []string{"bogus"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("ApproveRoutes(bogus) = %v, want ErrInvalid", err)
	}

	n, err = c.ApproveRoutes(ctx, id, nil)
	if err != nil || n.ApprovedRoutes == nil || len(n.ApprovedRoutes) != 0 {
		t.Errorf("ApproveRoutes(none) = %#v, %v, want an empty approved list", n.ApprovedRoutes, err)
	}
}

func TestRealRegistration(t *testing.T) {
	t.Parallel()
	s := hstest.Start(t)
	c := New(s.URL, s.APIKey)
	ctx := t.Context()
	aliceID := s.CreateUser(t, "alice")

	authID := hstest.AddPendingNode(t, s, "alice", "laptop")
	if err := c.ApproveRegistration(ctx, authID); err != nil {
		t.Errorf("ApproveRegistration(pending) = %v, want nil", err)
	}
	n, err := c.RegisterNode(ctx, "alice", authID)
	if err != nil {
		t.Fatalf("RegisterNode(alice, pending) = %v", err)
	}
	if n.ID == "" || n.Name != "laptop" || n.UserID != aliceID || n.RegisterMethod != "cli" || len(n.IPAddresses) == 0 {
		t.Errorf("RegisterNode() = %+v, want laptop owned by alice (%s), registered by cli, with addresses", n, aliceID)
	}

	const unknown = "hskey-authreq-AAAAAAAAAAAAAAAAAAAAAAAA"
	if _, err := c.RegisterNode(ctx, "alice", unknown); !errors.Is(err, ErrNotFound) {
		t.Errorf("RegisterNode(unknown auth id) = %v, want ErrNotFound", err)
	}
	if _, err := c.RegisterNode(ctx, "nobody", hstest.AddPendingNode(t, s, "alice", "x")); !errors.Is(err, ErrNotFound) {
		t.Errorf("RegisterNode(unknown user) = %v, want ErrNotFound", err)
	}
	if err := c.ApproveRegistration(ctx, unknown); !errors.Is(err, ErrNotFound) {
		t.Errorf("ApproveRegistration(unknown) = %v, want ErrNotFound", err)
	}
	if err := c.RejectRegistration(ctx, unknown); !errors.Is(err, ErrNotFound) {
		t.Errorf("RejectRegistration(unknown) = %v, want ErrNotFound", err)
	}
	if err := c.RejectRegistration(ctx, "bogus"); !errors.Is(err, ErrInvalid) {
		t.Errorf("RejectRegistration(bogus) = %v, want ErrInvalid", err)
	}
}

// TestNodeWire checks the decoding of shapes the pinned Headscale does not
// produce: 0.27's forcedTags/validTags/invalidTags.
func TestNodeWire(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"nodes":[{"id":"3","name":"h","givenName":"g","user":{"id":"2","name":"bob"},
			"ipAddresses":null,"lastSeen":null,"expiry":"0001-01-01T00:00:00Z","createdAt":"2025-01-02T03:04:05Z",
			"registerMethod":"REGISTER_METHOD_AUTH_KEY","forcedTags":["tag:b","tag:a"],"validTags":["tag:a","tag:c"],"invalidTags":["tag:x"]}]}`))
	}))
	defer srv.Close()
	nodes, err := New(srv.URL, testKey).ListNodes(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	created := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	want := []Node{{
		ID: "3", Name: "h", GivenName: "g", UserID: "2", User: "bob",
		IPAddresses: []string{}, Tags: []string{"tag:a", "tag:b", "tag:c"},
		ApprovedRoutes: []string{}, AvailableRoutes: []string{}, SubnetRoutes: []string{},
		CreatedAt: &created, RegisterMethod: "authkey",
	}}
	if diff := cmp.Diff(want, nodes); diff != "" {
		t.Errorf("ListNodes() mismatch (-want +got):\n%s", diff)
	}
}

// TestNodeListShapes: the node list is read one node at a time; other keys,
// a null list and an empty answer are fine, a broken one is an error.
func TestNodeListShapes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		body  string
		want  []string // node ids
		fails bool
	}{
		{body: `{"nodes":[{"id":"1"},{"id":"2"}],"next":{"a":[1,2]}}`, want: []string{"1", "2"}},
		{body: `{"extra":[{"id":"9"}],"nodes":[{"id":"3"}]}`, want: []string{"3"}},
		{body: `{"nodes":null}`, want: []string{}},
		{body: `{}`, want: []string{}},
		{body: `{"nodes":{"id":"1"}}`, fails: true},
		{body: `{"nodes":[{"id":"1"},`, fails: true},
		{body: `[]`, fails: true},
	}
	for _, c := range cases {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(c.body))
		}))
		nodes, err := New(srv.URL, testKey).ListNodes(t.Context())
		srv.Close()
		if c.fails {
			if err == nil {
				t.Errorf("ListNodes(%s) = %+v, want an error", c.body, nodes)
			}
			continue
		}
		got := []string{}
		for _, n := range nodes {
			got = append(got, n.ID)
		}
		if err != nil || nodes == nil || !cmp.Equal(got, c.want) {
			t.Errorf("ListNodes(%s) = %v (nil %v), %v; want %v", c.body, got, nodes == nil, err, c.want)
		}
	}
}
