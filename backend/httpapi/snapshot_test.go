package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"headway/api"
	"headway/backend/auth"
	"headway/backend/config"
	"headway/backend/headscale"
	"headway/backend/headscale/hstest"
)

// refreshFails makes every replica of h read Headscale now and fails the
// test unless each read fails with want.
func (h *site) refreshFails(want error) {
	h.t.Helper()
	for _, s := range h.services {
		if err := s.Tailnet.Refresh(context.Background()); !errors.Is(err, want) {
			h.t.Fatalf("read Headscale = %v, want %v", err, want)
		}
	}
}

// readyzOf is GET /admin/readyz: its status and body.
func readyzOf(t *testing.T, h *site) (int, probeResult) {
	t.Helper()
	r := newBrowser(t, h).get(h.URL + "/admin/readyz")
	return r.StatusCode, decodeReply[probeResult](t, r)
}

// infoOf is GET /info, Headscale's part.
func infoOf(t *testing.T, h *site) api.HeadscaleStatus {
	t.Helper()
	r := newBrowser(t, h).get(h.URL + "/admin/api/v1/info")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("GET /info = %d %s, want 200", r.StatusCode, r.body)
	}
	return decodeReply[api.Info](t, r).Headscale
}

// TestSnapshotFollowsHeadscale: reads come from the shared snapshot, so a
// change made straight in Headscale shows after the next refresh, not
// before; while Headscale is down the last snapshot is still served, marked
// stale, and writes fail with headscale_unavailable until it is back.
func TestSnapshotFollowsHeadscale(t *testing.T) {
	t.Parallel()
	hs := hstest.Start(t)
	frankID := hs.CreateUser(t, "frank-hs")
	queued := queueAll(t, hs, pending{name: "frank-pc", user: "frank-hs", userID: frankID})
	h, p := iamSite(t, nil, withHeadscale(hs))
	pc := registerAll(t, newScript(t, h, hs.APIKey), queued...)["frank-pc"].Id
	// A session, not a bearer key: signing in needs no Headscale, so the
	// caller stays signed in while it is down.
	owner := newPerson(t, h, p, userOf("olivia"))
	owner.signIn()

	var phone string
	t.Run("changes behind Headway's back", func(t *testing.T) {
		hs.Headscale(t, "nodes", "rename", "-i", pc, "renamed-by-cli")
		phone = hstest.AddDebugNode(t, hs, "frank-hs", "frank-phone")
		hs.CreateUser(t, "grace-hs")

		if m := machineOf(t, owner, pc); m.GivenName != "frank-pc" {
			t.Errorf("GET /machines/%s before a refresh: givenName %q, want frank-pc (the snapshot's)", pc, m.GivenName)
		}
		if page := machinesOf(t, owner, ""); page.Total != 1 {
			t.Errorf("GET /machines before a refresh = %v, want only frank-pc", givenNames(page.Machines))
		}
		expect(t, "GET /machines/"+phone+" before a refresh", owner.call(http.MethodGet, "/machines/"+phone, nil), http.StatusNotFound, "machine_not_found")
		if _, ok := headscaleUsersOf(t, owner)["grace-hs"]; ok {
			t.Error("GET /users before a refresh lists grace-hs")
		}

		h.refresh() // as the background refresh would within headscale.refresh_interval
		page := machinesOf(t, owner, "")
		if diff := cmp.Diff([]string{"frank-phone", "renamed-by-cli"}, givenNames(page.Machines)); diff != "" {
			t.Errorf("GET /machines after a refresh, given names (-want +got):\n%s", diff)
		}
		if page.Stale || page.DataAge > 5 {
			t.Errorf("GET /machines after a refresh: stale %v dataAge %v, want fresh", page.Stale, page.DataAge)
		}
		if diff := cmp.Diff(map[string]int{"frank-hs": 2, "grace-hs": 0}, headscaleUsersOf(t, owner)); diff != "" {
			t.Errorf("GET /users after a refresh, name → nodeCount (-want +got):\n%s", diff)
		}
	})

	t.Run("a machine deleted behind Headway's back", func(t *testing.T) {
		hs.Headscale(t, "nodes", "delete", "-i", phone, "--force")
		machineOf(t, owner, phone) // still in the snapshot
		r := owner.call(http.MethodPost, "/machines/"+phone+"/rename", api.RenameMachine{Name: "ghost"})
		expect(t, "rename a machine Headscale no longer has", r, http.StatusNotFound, "machine_not_found")
		// Headscale's answer drops it from the snapshot at once.
		expect(t, "GET it right after", owner.call(http.MethodGet, "/machines/"+phone, nil), http.StatusNotFound, "machine_not_found")
		if page := machinesOf(t, owner, ""); page.Total != 1 {
			t.Errorf("GET /machines right after = %v, want only renamed-by-cli", givenNames(page.Machines))
		}
	})

	t.Run("Headscale stops", func(t *testing.T) {
		hs.Stop()
		h.refreshFails(headscale.ErrUnreachable)

		page := machinesOf(t, owner, "")
		if diff := cmp.Diff([]string{"renamed-by-cli"}, givenNames(page.Machines)); diff != "" || !page.Stale {
			t.Errorf("GET /machines with Headscale down: stale %v, given names (-want +got):\n%s", page.Stale, diff)
		}
		if m := machineOf(t, owner, pc); m.GivenName != "renamed-by-cli" {
			t.Errorf("GET /machines/%s with Headscale down: givenName %q, want the last one read", pc, m.GivenName)
		}
		if diff := cmp.Diff(map[string]int{"frank-hs": 1, "grace-hs": 0}, headscaleUsersOf(t, owner)); diff != "" {
			t.Errorf("GET /users with Headscale down, name → nodeCount (-want +got):\n%s", diff)
		}
		if info := infoOf(t, h); info.Reachable || info.Version != nil || info.Error == nil || strings.Contains(*info.Error, "127.0.0.1") {
			t.Errorf("GET /info with Headscale down = %+v, want unreachable, with a reason naming no address", info)
		}
		code, body := readyzOf(t, h)
		want := probeResult{Status: "unavailable", Checks: map[string]string{"database": "ok", "headscale": "unavailable"}}
		if diff := cmp.Diff(want, body); diff != "" || code != http.StatusServiceUnavailable {
			t.Errorf("GET /admin/readyz with Headscale down = %d, want 503; body (-want +got):\n%s", code, diff)
		}

		writes := []struct {
			name, method, path string
			body               any
		}{
			{"rename", http.MethodPost, "/machines/" + pc + "/rename", api.RenameMachine{Name: "offline-rename"}},
			{"expire", http.MethodPost, "/machines/" + pc + "/expire", api.ExpireMachine{}},
			{"exit node", http.MethodPut, "/machines/" + pc + "/exit-node", api.MachineExitNode{Enabled: true}},
			{"delete", http.MethodDelete, "/machines/" + pc, nil},
			{"create user", http.MethodPost, "/users", api.CreateHeadscaleUser{Name: "ivan-hs"}},
		}
		for _, w := range writes {
			expect(t, w.name+" with Headscale down", owner.call(w.method, w.path, w.body), http.StatusBadGateway, "headscale_unavailable")
		}
		if m := machineOf(t, owner, pc); m.GivenName != "renamed-by-cli" {
			t.Errorf("GET /machines/%s after failed writes: givenName %q, want it unchanged", pc, m.GivenName)
		}
	})

	t.Run("Headscale is back", func(t *testing.T) {
		hs.Restart(t)
		h.refresh()
		if page := machinesOf(t, owner, ""); page.Stale || page.Total != 1 {
			t.Errorf("GET /machines after Headscale is back = stale %v total %d, want fresh, 1", page.Stale, page.Total)
		}
		if info := infoOf(t, h); !info.Reachable || info.Version == nil || *info.Version != hstest.DefaultVersion {
			t.Errorf("GET /info after Headscale is back = %+v, want reachable %s", info, hstest.DefaultVersion)
		}
		if code, body := readyzOf(t, h); code != http.StatusOK || body.Status != "ok" {
			t.Errorf("GET /admin/readyz after Headscale is back = %d %+v, want 200 ok", code, body)
		}
		r := owner.call(http.MethodPost, "/machines/"+pc+"/rename", api.RenameMachine{Name: "back-online"})
		if m := machineReply(t, "rename after Headscale is back", r, http.StatusOK); m.GivenName != "back-online" {
			t.Errorf("rename after Headscale is back: givenName %q, want back-online", m.GivenName)
		}
	})

	t.Run("Headscale rejects Headway's key", func(t *testing.T) {
		tests := []struct {
			name string
			key  func(t *testing.T) (key string, afterStart func())
		}{
			{"a key Headscale never issued", func(*testing.T) (string, func()) {
				return "hskey-api-AAAAAAAAAAAA-" + strings.Repeat("B", 64), nil
			}},
			{"a key revoked while Headway runs", func(t *testing.T) (string, func()) {
				key := createKey(t, hs, "1h")
				prefix, _ := auth.ParseAPIKeyPrefix(key)
				return key, func() { hs.Headscale(t, "apikeys", "expire", "--prefix", prefix) }
			}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				// Not parallel: the rows take under a second, and a parallel
				// subtest would wait for a slot behind the package's other tests.
				key, afterStart := tc.key(t)
				// Headway's own key is key; the caller's, checked apart, is valid.
				k := newHeadway(t)
				k.Cfg.Headscale = config.Headscale{URL: hs.URL, PublicURL: hs.URL, APIKey: config.Secret(key)}
				k.start()
				if afterStart == nil {
					k.refreshFails(headscale.ErrUnauthorized)
				} else {
					k.refresh()
					afterStart()
				}
				s := newScript(t, k, hs.APIKey)
				expect(t, "POST /users", s.call(http.MethodPost, "/users", api.CreateHeadscaleUser{Name: "judy-hs"}), http.StatusBadGateway, "headscale_key_invalid")
				if afterStart != nil {
					expect(t, "rename", s.call(http.MethodPost, "/machines/"+pc+"/rename", api.RenameMachine{Name: "keyless"}), http.StatusBadGateway, "headscale_key_invalid")
					k.refreshFails(headscale.ErrUnauthorized)
					if page := machinesOf(t, s, ""); !page.Stale || page.Total != 1 {
						t.Errorf("GET /machines once the key is revoked = stale %v total %d, want the last one read, stale", page.Stale, page.Total)
					}
				}
				if code, _ := readyzOf(t, k); code != http.StatusServiceUnavailable {
					t.Errorf("GET /admin/readyz with a rejected key = %d, want 503", code)
				}
				k.assertLogFree(key)
			})
		}
	})
}
