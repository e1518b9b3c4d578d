package hstest_test

import (
	"testing"

	"headway/backend/headscale"
	"headway/backend/headscale/hstest"
)

func TestCreateOIDCUser(t *testing.T) {
	t.Parallel()
	s := hstest.Start(t)
	const pid = "https://login.microsoftonline.com/tenant/v2.0/abc%40def"
	id := s.CreateOIDCUser(t, "alice", "alice@corp.example", pid)
	hstest.AddDebugNode(t, s, "alice", "alice-laptop")

	c := headscale.New(s.URL, s.APIKey)
	users, err := c.ListUsers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 1 {
		t.Fatalf("ListUsers() = %+v, want alice only", users)
	}
	u := users[0]
	if u.ID != id || u.Name != "alice" || u.Email != "alice@corp.example" || u.Provider != "oidc" || u.ProviderID != pid {
		t.Errorf("ListUsers()[0] = %+v, want alice (id %s), provider oidc, providerId %s", u, id, pid)
	}
	nodes, err := c.ListNodes(t.Context())
	if err != nil || len(nodes) != 1 || nodes[0].UserID != id {
		t.Errorf("ListNodes() = %+v, %v; want one node of user %s", nodes, err, id)
	}
}
