package httpapi

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"headway/api"
	"headway/backend/headscale/hstest"
)

// headscaleUsersOf is GET /users as c, name → node count; it fails the test unless the answer is 200.
func headscaleUsersOf(t *testing.T, c caller) map[string]int {
	t.Helper()
	r := c.call(http.MethodGet, "/users", nil)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("GET /users = %d %s, want 200", r.StatusCode, r.body)
	}
	out := map[string]int{}
	for _, u := range decodeReply[api.HeadscaleUserList](t, r).Users {
		out[u.Name] = u.NodeCount
	}
	return out
}

// TestHeadscaleUsers creates, renames and deletes Headscale users through
// HTTP: every refusal, and each change listed by the very next GET /users.
func TestHeadscaleUsers(t *testing.T) {
	t.Parallel()
	hs := hstest.Start(t)
	daveID := hs.CreateUser(t, "dave-hs")
	emptyID := hs.CreateUser(t, "empty-hs")
	erinID := hs.CreateOIDCUser(t, "erin", "erin@example.com", "https://idp.example/erin")
	queued := queueAll(t, hs, pending{name: "dave-pc", user: "dave-hs", userID: daveID})
	h := newHeadway(t, withHeadscale(hs))
	h.start()
	s := newScript(t, h, hs.APIKey)
	pc := registerAll(t, s, queued...)["dave-pc"].Id

	var carolID string
	tests := []struct {
		name       string
		method     string
		path       func() string
		body       any
		wantStatus int
		wantCode   string
		wantUsers  map[string]int // GET /users right after, name → nodeCount; nil: not checked
		then       func(t *testing.T)
	}{
		{name: "create starting with a digit", method: http.MethodPost, path: func() string { return "/users" }, body: api.CreateHeadscaleUser{Name: "9lives"}, wantStatus: 400, wantCode: "user_name_invalid"},
		{name: "create with one character", method: http.MethodPost, path: func() string { return "/users" }, body: api.CreateHeadscaleUser{Name: "c"}, wantStatus: 400, wantCode: "user_name_invalid"},
		{name: "create with a space", method: http.MethodPost, path: func() string { return "/users" }, body: api.CreateHeadscaleUser{Name: "carol hs"}, wantStatus: 400, wantCode: "user_name_invalid"},
		{name: "create", method: http.MethodPost, path: func() string { return "/users" }, body: api.CreateHeadscaleUser{Name: "carol-hs", DisplayName: ptr("Carol"), Email: ptr("carol@example.com")}, wantStatus: 201,
			wantUsers: map[string]int{"carol-hs": 0, "dave-hs": 1, "empty-hs": 0, "erin": 0}},
		{name: "create a taken name", method: http.MethodPost, path: func() string { return "/users" }, body: api.CreateHeadscaleUser{Name: "carol-hs"}, wantStatus: 409, wantCode: "user_name_taken"},
		{name: "create a name Headscale had before Headway", method: http.MethodPost, path: func() string { return "/users" }, body: api.CreateHeadscaleUser{Name: "dave-hs"}, wantStatus: 409, wantCode: "user_name_taken"},
		{name: "rename", method: http.MethodPatch, path: func() string { return "/users/" + carolID }, body: api.RenameHeadscaleUser{Name: "carol"}, wantStatus: 200,
			wantUsers: map[string]int{"carol": 0, "dave-hs": 1, "empty-hs": 0, "erin": 0}},
		{name: "rename to a taken name", method: http.MethodPatch, path: func() string { return "/users/" + carolID }, body: api.RenameHeadscaleUser{Name: "dave-hs"}, wantStatus: 409, wantCode: "user_name_taken"},
		{name: "rename to a bad name", method: http.MethodPatch, path: func() string { return "/users/" + carolID }, body: api.RenameHeadscaleUser{Name: "carol!"}, wantStatus: 400, wantCode: "user_name_invalid"},
		{name: "rename a user with machines", method: http.MethodPatch, path: func() string { return "/users/" + daveID }, body: api.RenameHeadscaleUser{Name: "david"}, wantStatus: 200,
			wantUsers: map[string]int{"carol": 0, "david": 1, "empty-hs": 0, "erin": 0},
			then: func(t *testing.T) {
				// Their machines show the new name at once, and are found by it.
				if m := machineOf(t, s, pc); m.User == nil || m.User.Name != "david" {
					t.Errorf("GET /machines/%s right after renaming its user: user %+v, want david", pc, m.User)
				}
				if p := machinesOf(t, s, "q=david"); p.Total != 1 {
					t.Errorf("GET /machines?q=david right after = %v, want dave-pc", givenNames(p.Machines))
				}
			}},
		{name: "rename an OIDC user", method: http.MethodPatch, path: func() string { return "/users/" + erinID }, body: api.RenameHeadscaleUser{Name: "erin2"}, wantStatus: 400, wantCode: "user_from_oidc"},
		{name: "rename an unknown user", method: http.MethodPatch, path: func() string { return "/users/999999" }, body: api.RenameHeadscaleUser{Name: "nobody"}, wantStatus: 404, wantCode: "headscale_user_not_found"},
		{name: "delete a user with machines", method: http.MethodDelete, path: func() string { return "/users/" + daveID }, wantStatus: 409, wantCode: "user_has_machines"},
		{name: "delete", method: http.MethodDelete, path: func() string { return "/users/" + carolID }, wantStatus: 204,
			wantUsers: map[string]int{"david": 1, "empty-hs": 0, "erin": 0}},
		{name: "delete again", method: http.MethodDelete, path: func() string { return "/users/" + carolID }, wantStatus: 404, wantCode: "headscale_user_not_found"},
		{name: "delete an unknown user", method: http.MethodDelete, path: func() string { return "/users/999999" }, wantStatus: 404, wantCode: "headscale_user_not_found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Sequential: each row starts from the state the previous left.
			path := tc.path()
			r := s.call(tc.method, path, tc.body)
			if got, code := status(t, r); got != tc.wantStatus || code != tc.wantCode {
				t.Fatalf("%s %s %+v = %d %q, want %d %q\n%.300s", tc.method, path, tc.body, got, code, tc.wantStatus, tc.wantCode, r.body)
			}
			if r.StatusCode == http.StatusCreated {
				u := decodeReply[api.HeadscaleUser](t, r)
				carolID = u.Id
				want := api.HeadscaleUser{Id: u.Id, Name: "carol-hs", DisplayName: "Carol", Email: "carol@example.com", CreatedAt: u.CreatedAt}
				if diff := cmp.Diff(want, u); diff != "" || u.Id == "" || u.CreatedAt.IsZero() {
					t.Errorf("POST /users answer (-want +got):\n%s", diff)
				}
			}
			if tc.then != nil {
				tc.then(t)
			}
			if tc.wantUsers != nil {
				if diff := cmp.Diff(tc.wantUsers, headscaleUsersOf(t, s)); diff != "" {
					t.Errorf("GET /users right after %s %s, name → nodeCount (-want +got):\n%s", tc.method, path, diff)
				}
			}
		})
	}

	t.Run("Headscale agrees after a refresh", func(t *testing.T) {
		h.refresh()
		want := map[string]int{"david": 1, "empty-hs": 0, "erin": 0}
		if diff := cmp.Diff(want, headscaleUsersOf(t, s)); diff != "" {
			t.Errorf("GET /users after a refresh, name → nodeCount (-want +got):\n%s", diff)
		}
	})

	t.Run("a machine added behind Headway's back", func(t *testing.T) {
		// The snapshot says empty-hs has none; Headscale refuses all the same.
		hstest.AddDebugNode(t, hs, "empty-hs", "sneaky")
		expect(t, "DELETE /users/empty-hs", s.call(http.MethodDelete, "/users/"+emptyID, nil), http.StatusConflict, "user_has_machines")
		h.refresh()
		if got := headscaleUsersOf(t, s)["empty-hs"]; got != 1 {
			t.Errorf("GET /users after a refresh: empty-hs has %d machines, want 1", got)
		}
	})
}
