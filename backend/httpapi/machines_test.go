package httpapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"headway/api"
	"headway/backend/headscale/hstest"
	"headway/backend/rbac"
)

// caller is anyone who calls Headway's API: a signed-in person or a script.
type caller interface {
	call(method, path string, body any) reply
}

// script calls the API as a program does: Authorization: Bearer <Headscale
// API key> on every request, no session and no CSRF token.
type script struct {
	h   *site
	b   *browser
	key string
}

func newScript(t *testing.T, h *site, key string) *script {
	t.Helper()
	return &script{h: h, b: newBrowser(t, h), key: key}
}

func (s *script) call(method, path string, body any) reply {
	s.b.t.Helper()
	return s.b.do(method, s.h.URL+"/admin/api/v1"+path, body, "Authorization", "Bearer "+s.key)
}

// machinesOf is GET /machines?query as c; it fails the test unless the answer is 200.
func machinesOf(t *testing.T, c caller, query string) api.MachinePage {
	t.Helper()
	r := c.call(http.MethodGet, "/machines?"+query, nil)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("GET /machines?%s = %d %s, want 200", query, r.StatusCode, r.body)
	}
	return decodeReply[api.MachinePage](t, r)
}

// machineOf is GET /machines/{id} as c; it fails the test unless the answer is 200.
func machineOf(t *testing.T, c caller, id string) api.Machine {
	t.Helper()
	r := c.call(http.MethodGet, "/machines/"+id, nil)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("GET /machines/%s = %d %s, want 200", id, r.StatusCode, r.body)
	}
	return decodeReply[api.Machine](t, r)
}

// machineReply decodes a successful write that answers with the machine,
// failing the test unless it answered want.
func machineReply(t *testing.T, what string, r reply, want int) api.Machine {
	t.Helper()
	if got, code := status(t, r); got != want {
		t.Fatalf("%s = %d %q, want %d\n%.300s", what, got, code, want, r.body)
	}
	return decodeReply[api.Machine](t, r)
}

// givenNames lists the given names of a page's machines, in its order.
func givenNames(ms []api.Machine) []string {
	out := make([]string, 0, len(ms))
	for _, m := range ms {
		out = append(out, m.GivenName)
	}
	return out
}

// byGivenName finds a machine by its given name.
func byGivenName(t *testing.T, ms []api.Machine, name string) api.Machine {
	t.Helper()
	for _, m := range ms {
		if m.GivenName == name {
			return m
		}
	}
	t.Fatalf("no machine called %q among %v", name, givenNames(ms))
	return api.Machine{}
}

// queueAll queues a registration for each node, all at once, as clients
// waiting for a web login do (POST /api/v1/debug/node, as
// hstest.AddPendingNode does), and returns the nodes with their registration
// ids set. Headscale v0.28 refuses hstest's hskey-authreq-… ids
// ("registration ID must be 24 characters long"): it gets the bare 24
// characters.
func queueAll(t *testing.T, hs *hstest.Server, nodes ...pending) []pending {
	t.Helper()
	out := slices.Clone(nodes)
	errs := make([]error, len(out))
	var wg sync.WaitGroup
	for i := range out {
		wg.Go(func() {
			b := make([]byte, 18) // 24 URL-safe characters
			if _, err := rand.Read(b); err != nil {
				errs[i] = err
				return
			}
			out[i].reg = base64.RawURLEncoding.EncodeToString(b)
			if hs.Version != "v0.28.0" {
				out[i].reg = "hskey-authreq-" + out[i].reg
			}
			errs[i] = postHeadscale(hs, "/api/v1/debug/node", map[string]string{"user": out[i].user, "key": out[i].reg, "name": out[i].name})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("queue node %q for %q: %v", out[i].name, out[i].user, err)
		}
	}
	return out
}

// postHeadscale sends an authenticated JSON request to Headscale's REST API.
func postHeadscale(hs *hstest.Server, path string, in any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hs.URL+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+hs.APIKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		out, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("POST %s = %d %s", path, resp.StatusCode, out)
	}
	return nil
}

// pending is a node waiting to register: its name, the Headscale user it is
// for (name and id), and its registration id once queued.
type pending struct{ name, user, userID, reg string }

// registerAll registers the pending nodes through POST /machines/register,
// all at once (Headscale answers each after a batching delay of about a
// second), and returns the machines by name. Every answer must be 201.
func registerAll(t *testing.T, s *script, nodes ...pending) map[string]api.Machine {
	t.Helper()
	type result struct {
		status int
		body   []byte
		err    error
	}
	results := make([]result, len(nodes))
	var wg sync.WaitGroup
	for i, n := range nodes {
		wg.Go(func() {
			data, _ := json.Marshal(api.RegisterMachine{User: n.userID, RegistrationId: n.reg})
			req, err := http.NewRequest(http.MethodPost, s.h.URL+"/admin/api/v1/machines/register", bytes.NewReader(data))
			if err != nil {
				results[i].err = err
				return
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+s.key)
			resp, err := s.b.client.Do(req)
			if err != nil {
				results[i].err = err
				return
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			results[i] = result{status: resp.StatusCode, body: body, err: err}
		})
	}
	wg.Wait()
	out := map[string]api.Machine{}
	for i, r := range results {
		n := nodes[i]
		if r.err != nil || r.status != http.StatusCreated {
			t.Fatalf("POST /machines/register {user: %s, %s} = %d %v %s, want 201", n.userID, n.name, r.status, r.err, r.body)
		}
		var m api.Machine
		if err := json.Unmarshal(r.body, &m); err != nil {
			t.Fatalf("decode POST /machines/register for %s: %v", n.name, err)
		}
		out[n.name] = m
	}
	return out
}

// setPolicy stores an ACL policy in Headscale through its CLI.
func setPolicy(t *testing.T, hs *hstest.Server, policy string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "policy.json")
	if err := os.WriteFile(path, []byte(policy), 0o600); err != nil {
		t.Fatal(err)
	}
	hs.Headscale(t, "policy", "set", "-f", path)
}

// eventually refreshes h until ok holds of GET /machines/{id}, for what
// Headscale works out in the background (primary routes), for at most 10s.
func eventually(t *testing.T, h *site, c caller, id, what string, ok func(api.Machine) bool) api.Machine {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		h.refresh()
		m := machineOf(t, c, id)
		if ok(m) {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET /machines/%s after 10s of refreshes = %+v, want %s", id, m, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// machineView is what the API says of a machine, less what differs by
// nature between two Headscales (ids, keys, addresses, times).
type machineView struct {
	GivenName, User                                string
	Online, Expired, ExitNode, ExitNodeAvail, Mine bool
	Approved, Available, Subnet, Tags              []string
}

func viewOf(m api.Machine) machineView {
	v := machineView{
		GivenName: m.GivenName, Online: m.Online, Expired: m.Expired,
		ExitNode: m.ExitNode, ExitNodeAvail: m.ExitNodeAvailable, Mine: m.CanManage,
		Approved: sorted(m.ApprovedRoutes), Available: sorted(m.AvailableRoutes), Subnet: sorted(m.SubnetRoutes), Tags: m.Tags,
	}
	if m.User != nil {
		v.User = m.User.Name
	}
	return v
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// TestMachinesAcrossVersions runs a real Tailscale client advertising a
// subnet route and an exit node next to five registered nodes, against
// Headscale v0.29.2 and v0.28.0, and drives the list (search, filters,
// sorting, pages), route and exit-node approval and a rename through HTTP.
// Both releases must give the same answers.
func TestMachinesAcrossVersions(t *testing.T) {
	t.Parallel()
	views := map[string][]machineView{}
	var mu sync.Mutex
	t.Run("versions", func(t *testing.T) {
		for _, version := range []string{hstest.DefaultVersion, "v0.28.0"} {
			t.Run(version, func(t *testing.T) {
				t.Parallel()
				v := machinesOn(t, version)
				mu.Lock()
				views[version] = v
				mu.Unlock()
			})
		}
	})
	if t.Failed() {
		return
	}
	if diff := cmp.Diff(views[hstest.DefaultVersion], views["v0.28.0"]); diff != "" {
		t.Errorf("GET /machines after the same steps differs between Headscale %s and v0.28.0 (-%s +v0.28.0):\n%s", hstest.DefaultVersion, hstest.DefaultVersion, diff)
	}
}

// machinesOn is TestMachinesAcrossVersions against one Headscale release;
// it returns the final list, less what differs by nature.
func machinesOn(t *testing.T, version string) []machineView {
	hs := hstest.Start(t, hstest.WithVersion(version))
	router := hs.StartClient(t, hstest.ClientOptions{
		User: "alice-hs", Hostname: "router",
		AdvertiseRoutes: []string{"10.42.0.0/24"}, AdvertiseExitNode: true,
	})
	bobID := hs.CreateUser(t, "bob-hs")
	queued := queueAll(t, hs,
		pending{name: "alice-laptop", user: "alice-hs"},
		pending{name: "alice-phone", user: "alice-hs"},
		pending{name: "bob-desktop", user: "bob-hs", userID: bobID},
		pending{name: "bob-nas", user: "bob-hs", userID: bobID},
		pending{name: "bob-tv", user: "bob-hs", userID: bobID},
	)

	h := newHeadway(t, withHeadscale(hs))
	h.start()
	s := newScript(t, h, hs.APIKey)

	// The router's user, from the list; then the others register through Headway.
	all := machinesOf(t, s, "")
	if all.Total != 1 || len(all.Machines) != 1 || all.Machines[0].Id != router.NodeID {
		t.Fatalf("GET /machines before registering = total %d %v, want just the router (node %s)", all.Total, givenNames(all.Machines), router.NodeID)
	}
	if all.Stale || all.DataAge < 0 || all.DataAge > 60 {
		t.Errorf("GET /machines stale %v dataAge %v, want fresh data", all.Stale, all.DataAge)
	}
	aliceID := all.Machines[0].User.Id
	for i := range queued {
		if queued[i].userID == "" {
			queued[i].userID = aliceID
		}
	}
	registered := registerAll(t, s, queued...)
	for _, n := range queued {
		if m := registered[n.name]; m.GivenName != n.name || m.User == nil || m.User.Id != n.userID || m.Online {
			t.Errorf("POST /machines/register %s for user %s = givenName %q user %+v online %v, want %s of user %s, offline", n.name, n.userID, m.GivenName, m.User, m.Online, n.name, n.userID)
		}
	}

	all = machinesOf(t, s, "")
	r := byGivenName(t, all.Machines, "router")
	if !r.Online || !slices.Contains(r.AvailableRoutes, "10.42.0.0/24") || !r.ExitNodeAvailable || r.ExitNode || len(r.ApprovedRoutes) != 0 {
		t.Errorf("GET /machines: router = online %v availableRoutes %v exitNodeAvailable %v exitNode %v approvedRoutes %v, want online, offering 10.42.0.0/24 and an exit node, nothing approved",
			r.Online, r.AvailableRoutes, r.ExitNodeAvailable, r.ExitNode, r.ApprovedRoutes)
	}
	if r.User == nil || r.User.Name != "alice-hs" || !r.CanManage {
		t.Errorf("GET /machines: router user %+v canManage %v, want alice-hs, manageable with a Headscale API key", r.User, r.CanManage)
	}
	routerIP := r.IpAddresses[0]

	t.Run("list", func(t *testing.T) {
		tests := []struct {
			name      string
			query     url.Values
			want      []string // given names, in order
			wantTotal int      // 0: len(want)
		}{
			{name: "everything by name", query: nil, want: []string{"alice-laptop", "alice-phone", "bob-desktop", "bob-nas", "bob-tv", "router"}},
			{name: "q by given name", query: url.Values{"q": {"PHONE"}}, want: []string{"alice-phone"}},
			{name: "q by IP address", query: url.Values{"q": {routerIP}}, want: []string{"router"}},
			{name: "q by user name", query: url.Values{"q": {"bob-hs"}}, want: []string{"bob-desktop", "bob-nas", "bob-tv"}},
			{name: "q matching nothing", query: url.Values{"q": {"nobody"}}, want: []string{}},
			// Regression: q's maxLength (200) was counted in bytes, refusing 150 "é".
			{name: "q of 150 two-byte characters", query: url.Values{"q": {strings.Repeat("é", 150)}}, want: []string{}},
			{name: "online", query: url.Values{"status": {"online"}}, want: []string{"router"}},
			{name: "offline", query: url.Values{"status": {"offline"}}, want: []string{"alice-laptop", "alice-phone", "bob-desktop", "bob-nas", "bob-tv"}},
			{name: "by user", query: url.Values{"user": {aliceID}}, want: []string{"alice-laptop", "alice-phone", "router"}},
			{name: "by user and offline", query: url.Values{"user": {aliceID}, "status": {"offline"}}, want: []string{"alice-laptop", "alice-phone"}},
			{name: "subnet routes", query: url.Values{"routes": {"true"}}, want: []string{"router"}},
			{name: "no subnet routes", query: url.Values{"routes": {"false"}}, want: []string{"alice-laptop", "alice-phone", "bob-desktop", "bob-nas", "bob-tv"}},
			{name: "exit nodes", query: url.Values{"exitNode": {"true"}}, want: []string{"router"}},
			{name: "by name descending", query: url.Values{"sort": {"name"}, "order": {"desc"}}, want: []string{"router", "bob-tv", "bob-nas", "bob-desktop", "alice-phone", "alice-laptop"}},
			{name: "page 2 of 2 descending", query: url.Values{"sort": {"name"}, "order": {"desc"}, "page": {"2"}, "pageSize": {"2"}}, want: []string{"bob-nas", "bob-desktop"}, wantTotal: 6},
			{name: "last page", query: url.Values{"page": {"3"}, "pageSize": {"4"}, "status": {"offline"}}, want: []string{}, wantTotal: 5},
			{name: "by user name", query: url.Values{"sort": {"user"}, "order": {"desc"}, "pageSize": {"3"}}, want: []string{"bob-desktop", "bob-nas", "bob-tv"}, wantTotal: 6},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				// Not parallel: each row is one read of the snapshot, and a
				// parallel subtest would wait for a slot behind other tests.
				got := machinesOf(t, s, tc.query.Encode())
				if diff := cmp.Diff(tc.want, givenNames(got.Machines)); diff != "" {
					t.Errorf("GET /machines?%s given names (-want +got):\n%s", tc.query.Encode(), diff)
				}
				wantTotal := tc.wantTotal
				if wantTotal == 0 {
					wantTotal = len(tc.want)
				}
				if got.Total != wantTotal {
					t.Errorf("GET /machines?%s total = %d, want %d", tc.query.Encode(), got.Total, wantTotal)
				}
			})
		}
	})

	t.Run("refused queries", func(t *testing.T) {
		tests := []struct{ name, query string }{
			{"unknown status", "status=asleep"},
			{"q of 201 characters", "q=" + strings.Repeat("a", 201)},
			{"page size 0", "pageSize=0"},
			{"page size above the maximum", "pageSize=10001"},
			{"page 0", "page=0"},
			{"unknown sort", "sort=size"},
			{"unknown order", "order=sideways"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				// Not parallel: each row is one read of the snapshot, and a
				// parallel subtest would wait for a slot behind other tests.
				expect(t, "GET /machines?"+tc.query, s.call(http.MethodGet, "/machines?"+tc.query, nil), http.StatusBadRequest, "invalid_parameter")
			})
		}
	})

	t.Run("routes and exit node", func(t *testing.T) {
		id := router.NodeID
		got := machineReply(t, "PUT routes {10.42.0.0/24}", s.call(http.MethodPut, "/machines/"+id+"/routes", api.MachineRoutes{Routes: []string{"10.42.0.0/24"}}), http.StatusOK)
		if diff := cmp.Diff([]string{"10.42.0.0/24"}, got.ApprovedRoutes); diff != "" {
			t.Errorf("PUT /machines/%s/routes approvedRoutes (-want +got):\n%s", id, diff)
		}
		// The very next read shows it, without a refresh.
		if m := machineOf(t, s, id); !slices.Equal(m.ApprovedRoutes, []string{"10.42.0.0/24"}) || m.ExitNode {
			t.Errorf("GET /machines/%s right after = approvedRoutes %v exitNode %v, want [10.42.0.0/24], no exit node", id, m.ApprovedRoutes, m.ExitNode)
		}
		eventually(t, h, s, id, "subnetRoutes holding 10.42.0.0/24", func(m api.Machine) bool {
			return slices.Contains(m.SubnetRoutes, "10.42.0.0/24")
		})

		got = machineReply(t, "PUT exit-node {enabled: true}", s.call(http.MethodPut, "/machines/"+id+"/exit-node", api.MachineExitNode{Enabled: true}), http.StatusOK)
		want := []string{"0.0.0.0/0", "10.42.0.0/24", "::/0"}
		if diff := cmp.Diff(want, sorted(got.ApprovedRoutes)); diff != "" || !got.ExitNode {
			t.Errorf("PUT /machines/%s/exit-node {enabled: true} = exitNode %v, approvedRoutes (-want +got):\n%s", id, got.ExitNode, diff)
		}
		if m := machineOf(t, s, id); !m.ExitNode || !slices.Equal(sorted(m.ApprovedRoutes), want) {
			t.Errorf("GET /machines/%s right after = exitNode %v approvedRoutes %v, want an exit node with %v", id, m.ExitNode, m.ApprovedRoutes, want)
		}
		if p := machinesOf(t, s, "exitNode=true&q=router"); p.Total != 1 || !p.Machines[0].ExitNode {
			t.Errorf("GET /machines?exitNode=true&q=router right after = %+v, want the router as an approved exit node", p.Machines)
		}

		got = machineReply(t, "PUT exit-node {enabled: false}", s.call(http.MethodPut, "/machines/"+id+"/exit-node", api.MachineExitNode{Enabled: false}), http.StatusOK)
		if got.ExitNode || !slices.Equal(got.ApprovedRoutes, []string{"10.42.0.0/24"}) {
			t.Errorf("PUT /machines/%s/exit-node {enabled: false} = exitNode %v approvedRoutes %v, want no exit node, the subnet route kept", id, got.ExitNode, got.ApprovedRoutes)
		}
		expect(t, "PUT routes {10.42.0.1/24}", s.call(http.MethodPut, "/machines/"+id+"/routes", api.MachineRoutes{Routes: []string{"10.42.0.1/24"}}), http.StatusBadRequest, "route_invalid")
	})

	t.Run("rename", func(t *testing.T) {
		id := registered["alice-laptop"].Id
		got := machineReply(t, "rename alice-laptop", s.call(http.MethodPost, "/machines/"+id+"/rename", api.RenameMachine{Name: "alice-notebook"}), http.StatusOK)
		if got.GivenName != "alice-notebook" || got.Name != "alice-laptop" {
			t.Errorf("POST /machines/%s/rename {alice-notebook} = givenName %q name %q, want alice-notebook, hostname kept", id, got.GivenName, got.Name)
		}
		if p := machinesOf(t, s, "q=notebook"); p.Total != 1 || p.Machines[0].Id != id {
			t.Errorf("GET /machines?q=notebook right after the rename = %v, want node %s", givenNames(p.Machines), id)
		}
		expect(t, "rename to a bad name", s.call(http.MethodPost, "/machines/"+id+"/rename", api.RenameMachine{Name: "not a name"}), http.StatusBadRequest, "machine_name_invalid")
		expect(t, "rename to a taken name", s.call(http.MethodPost, "/machines/"+id+"/rename", api.RenameMachine{Name: "alice-phone"}), http.StatusConflict, "machine_name_taken")
		if version == "v0.28.0" {
			// Regression: v0.28 refuses upper case with a 500, which answered 500 internal.
			expect(t, "rename to upper case on v0.28", s.call(http.MethodPost, "/machines/"+id+"/rename", api.RenameMachine{Name: "Alice-Notebook"}), http.StatusBadRequest, "machine_name_invalid")
		}
	})

	// After a refresh, Headscale agrees with what Headway showed.
	h.refresh()
	final := machinesOf(t, s, "")
	views := make([]machineView, 0, len(final.Machines))
	for _, m := range final.Machines {
		views = append(views, viewOf(m))
	}
	return views
}

// TestMachineActions drives every machine action through HTTP, with a
// Headscale API key (write_machines): each success and each refusal.
func TestMachineActions(t *testing.T) {
	t.Parallel()
	hs := hstest.Start(t)
	carolID := hs.CreateUser(t, "carol-hs")
	queued := queueAll(t, hs,
		pending{name: "web", user: "carol-hs", userID: carolID},
		pending{name: "db", user: "carol-hs", userID: carolID},
		pending{name: "old", user: "carol-hs", userID: carolID},
		pending{name: "late", user: "carol-hs", userID: carolID},
	)
	late := queued[3].reg
	h := newHeadway(t, withHeadscale(hs))
	h.start()
	s := newScript(t, h, hs.APIKey)
	nodes := registerAll(t, s, queued[:3]...)
	web, db, old := nodes["web"].Id, nodes["db"].Id, nodes["old"].Id
	past := time.Now().Add(-time.Hour)

	tests := []struct {
		name       string
		method     string
		path       string
		body       any
		wantStatus int
		wantCode   string
		check      func(t *testing.T, m api.Machine) // on the answer and on GET /machines/{id} right after
	}{
		{name: "rename to a bad name", method: http.MethodPost, path: "/machines/" + web + "/rename", body: api.RenameMachine{Name: "web server"}, wantStatus: 400, wantCode: "machine_name_invalid"},
		{name: "rename to a leading hyphen", method: http.MethodPost, path: "/machines/" + web + "/rename", body: api.RenameMachine{Name: "-web"}, wantStatus: 400, wantCode: "machine_name_invalid"},
		{name: "rename to an empty name", method: http.MethodPost, path: "/machines/" + web + "/rename", body: api.RenameMachine{Name: ""}, wantStatus: 400, wantCode: "machine_name_invalid"},
		{name: "rename", method: http.MethodPost, path: "/machines/" + web + "/rename", body: api.RenameMachine{Name: "web-1"}, wantStatus: 200,
			check: func(t *testing.T, m api.Machine) {
				if m.GivenName != "web-1" {
					t.Errorf("givenName = %q, want web-1", m.GivenName)
				}
			}},
		{name: "rename to another machine's name", method: http.MethodPost, path: "/machines/" + db + "/rename", body: api.RenameMachine{Name: "web-1"}, wantStatus: 409, wantCode: "machine_name_taken"},
		{name: "expire now", method: http.MethodPost, path: "/machines/" + web + "/expire", body: api.ExpireMachine{}, wantStatus: 200,
			check: func(t *testing.T, m api.Machine) {
				if !m.Expired || m.Expiry == nil || m.Expiry.After(time.Now()) {
					t.Errorf("expired %v expiry %v, want expired now", m.Expired, m.Expiry)
				}
			}},
		{name: "expire without a body", method: http.MethodPost, path: "/machines/" + db + "/expire", wantStatus: 200,
			check: func(t *testing.T, m api.Machine) {
				if !m.Expired {
					t.Errorf("expired false, want true")
				}
			}},
		{name: "expire at a time and never", method: http.MethodPost, path: "/machines/" + web + "/expire", body: api.ExpireMachine{Expiry: &past, DisableExpiry: ptr(true)}, wantStatus: 400, wantCode: "expiry_invalid"},
		{name: "disable expiry", method: http.MethodPost, path: "/machines/" + web + "/expire", body: api.ExpireMachine{DisableExpiry: ptr(true)}, wantStatus: 200,
			check: func(t *testing.T, m api.Machine) {
				if m.Expired || m.Expiry != nil {
					t.Errorf("expired %v expiry %v, want no expiry", m.Expired, m.Expiry)
				}
			}},
		{name: "tags without a policy", method: http.MethodPut, path: "/machines/" + web + "/tags", body: api.MachineTags{Tags: []string{"tag:server"}}, wantStatus: 400, wantCode: "tag_not_allowed"},
		{name: "a malformed tag", method: http.MethodPut, path: "/machines/" + web + "/tags", body: api.MachineTags{Tags: []string{"server"}}, wantStatus: 400, wantCode: "tag_invalid"},
		{name: "no tags", method: http.MethodPut, path: "/machines/" + web + "/tags", body: api.MachineTags{Tags: []string{}}, wantStatus: 400, wantCode: "tag_invalid"},
		{name: "a route with host bits", method: http.MethodPut, path: "/machines/" + web + "/routes", body: api.MachineRoutes{Routes: []string{"10.0.0.1/8"}}, wantStatus: 400, wantCode: "route_invalid"},
		{name: "a route that is no prefix", method: http.MethodPut, path: "/machines/" + web + "/routes", body: api.MachineRoutes{Routes: []string{"lan"}}, wantStatus: 400, wantCode: "route_invalid"},
		{name: "no routes", method: http.MethodPut, path: "/machines/" + web + "/routes", body: api.MachineRoutes{Routes: []string{}}, wantStatus: 200,
			check: func(t *testing.T, m api.Machine) {
				if len(m.ApprovedRoutes) != 0 {
					t.Errorf("approvedRoutes %v, want none", m.ApprovedRoutes)
				}
			}},
		{name: "get an unknown machine", method: http.MethodGet, path: "/machines/999999", wantStatus: 404, wantCode: "machine_not_found"},
		{name: "rename an unknown machine", method: http.MethodPost, path: "/machines/999999/rename", body: api.RenameMachine{Name: "ghost"}, wantStatus: 404, wantCode: "machine_not_found"},
		{name: "expire an unknown machine", method: http.MethodPost, path: "/machines/999999/expire", body: api.ExpireMachine{}, wantStatus: 404, wantCode: "machine_not_found"},
		{name: "tag an unknown machine", method: http.MethodPut, path: "/machines/999999/tags", body: api.MachineTags{Tags: []string{"tag:server"}}, wantStatus: 404, wantCode: "machine_not_found"},
		{name: "routes of an unknown machine", method: http.MethodPut, path: "/machines/999999/routes", body: api.MachineRoutes{Routes: []string{}}, wantStatus: 404, wantCode: "machine_not_found"},
		{name: "exit node of an unknown machine", method: http.MethodPut, path: "/machines/999999/exit-node", body: api.MachineExitNode{Enabled: true}, wantStatus: 404, wantCode: "machine_not_found"},
		{name: "delete an unknown machine", method: http.MethodDelete, path: "/machines/999999", wantStatus: 404, wantCode: "machine_not_found"},
		{name: "delete", method: http.MethodDelete, path: "/machines/" + old, wantStatus: 204},
		{name: "delete again", method: http.MethodDelete, path: "/machines/" + old, wantStatus: 404, wantCode: "machine_not_found"},
		{name: "register an unknown registration", method: http.MethodPost, path: "/machines/register", body: api.RegisterMachine{User: carolID, RegistrationId: "hskey-authreq-AAAAAAAAAAAAAAAAAAAAAAAA"}, wantStatus: 404, wantCode: "registration_not_found"},
		{name: "register an empty registration", method: http.MethodPost, path: "/machines/register", body: api.RegisterMachine{User: carolID, RegistrationId: " "}, wantStatus: 404, wantCode: "registration_not_found"},
		{name: "register for an unknown user", method: http.MethodPost, path: "/machines/register", body: api.RegisterMachine{User: "999999", RegistrationId: late}, wantStatus: 404, wantCode: "headscale_user_not_found"},
		{name: "register", method: http.MethodPost, path: "/machines/register", body: api.RegisterMachine{User: carolID, RegistrationId: late}, wantStatus: 201,
			check: func(t *testing.T, m api.Machine) {
				if m.GivenName != "late" || m.User == nil || m.User.Id != carolID {
					t.Errorf("givenName %q user %+v, want late of carol-hs", m.GivenName, m.User)
				}
			}},
		{name: "approve an unknown registration", method: http.MethodPost, path: "/registrations/hskey-authreq-AAAAAAAAAAAAAAAAAAAAAAAA/approve", wantStatus: 404, wantCode: "registration_not_found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Sequential: each row starts from the state the previous left.
			r := s.call(tc.method, tc.path, tc.body)
			if got, code := status(t, r); got != tc.wantStatus || code != tc.wantCode {
				t.Fatalf("%s %s %+v = %d %q, want %d %q\n%.300s", tc.method, tc.path, tc.body, got, code, tc.wantStatus, tc.wantCode, r.body)
			}
			if tc.check != nil {
				m := decodeReply[api.Machine](t, r)
				tc.check(t, m)
				tc.check(t, machineOf(t, s, m.Id))
			}
		})
	}

	t.Run("the deleted machine is gone", func(t *testing.T) {
		page := machinesOf(t, s, "")
		if slices.Contains(givenNames(page.Machines), "old") || page.Total != 3 {
			t.Errorf("GET /machines after deleting old = %v (total %d), want web-1, db, late", givenNames(page.Machines), page.Total)
		}
		h.refresh()
		if page := machinesOf(t, s, ""); slices.Contains(givenNames(page.Machines), "old") {
			t.Errorf("GET /machines after a refresh still lists old: Headscale kept it")
		}
	})

	t.Run("tags once the policy owns them", func(t *testing.T) {
		setPolicy(t, hs, `{"tagOwners": {"tag:server": ["carol-hs@"]}, "acls": [{"action": "accept", "src": ["*"], "dst": ["*:*"]}]}`)
		expect(t, "PUT tags {tag:other}", s.call(http.MethodPut, "/machines/"+web+"/tags", api.MachineTags{Tags: []string{"tag:other"}}), http.StatusBadRequest, "tag_not_allowed")
		got := machineReply(t, "PUT tags {tag:server}", s.call(http.MethodPut, "/machines/"+web+"/tags", api.MachineTags{Tags: []string{"tag:server"}}), http.StatusOK)
		for _, m := range []api.Machine{got, machineOf(t, s, web)} {
			if !slices.Equal(m.Tags, []string{"tag:server"}) || m.User != nil {
				t.Errorf("machine %s after tagging = tags %v user %+v, want [tag:server] and no user (owned by its tag)", web, m.Tags, m.User)
			}
		}
		if p := machinesOf(t, s, "tag=tag:server"); p.Total != 1 || p.Machines[0].Id != web {
			t.Errorf("GET /machines?tag=tag:server = %v, want web-1", givenNames(p.Machines))
		}
		if p := machinesOf(t, s, "user="+carolID); p.Total != 2 {
			t.Errorf("GET /machines?user=carol-hs after tagging web-1 = %v, want db and late: a tagged machine belongs to no user", givenNames(p.Machines))
		}
		h.refresh()
		if m := machineOf(t, s, web); !slices.Equal(m.Tags, []string{"tag:server"}) || m.User != nil {
			t.Errorf("machine %s after a refresh = tags %v user %+v, want [tag:server] and no user", web, m.Tags, m.User)
		}
	})
}

// TestMachineOwnership: a viewer linked to a Headscale user manages their
// own machines (rename, expire, routes, delete) and no one else's; tags need
// write_machines even on their own; canManage says which are theirs.
func TestMachineOwnership(t *testing.T) {
	t.Parallel()
	hs := hstest.Start(t)
	veraHS := hs.CreateUser(t, "vera-hs")
	ottoHS := hs.CreateUser(t, "otto-hs")
	queued := queueAll(t, hs,
		pending{name: "vera-laptop", user: "vera-hs", userID: veraHS},
		pending{name: "vera-phone", user: "vera-hs", userID: veraHS},
		pending{name: "otto-pc", user: "otto-hs", userID: ottoHS},
	)
	h, p := iamSite(t, nil, withHeadscale(hs))
	nodes := registerAll(t, newScript(t, h, hs.APIKey), queued...)

	owner := newPerson(t, h, p, userOf("olivia"))
	owner.signIn()
	viewer := newPerson(t, h, p, userOf("vera"))
	viewer.signIn()
	setRole(t, h, viewer.id, rbac.Viewer)
	walt := newPerson(t, h, p, userOf("walt")) // a viewer without a Headscale user
	walt.signIn()
	setRole(t, h, walt.id, rbac.Viewer)
	expect(t, "PUT /console-users/vera/link as owner", owner.call(http.MethodPut, "/console-users/"+viewer.id+"/link", api.LinkRequest{HeadscaleUserId: veraHS}), http.StatusOK, "")
	laptop, phone, pc := nodes["vera-laptop"].Id, nodes["vera-phone"].Id, nodes["otto-pc"].Id

	t.Run("canManage", func(t *testing.T) {
		tests := []struct {
			who  *person
			want map[string]bool
		}{
			{viewer, map[string]bool{"vera-laptop": true, "vera-phone": true, "otto-pc": false}},
			{walt, map[string]bool{"vera-laptop": false, "vera-phone": false, "otto-pc": false}},
			{owner, map[string]bool{"vera-laptop": true, "vera-phone": true, "otto-pc": true}},
		}
		for _, tc := range tests {
			r := tc.who.call(http.MethodGet, "/machines", nil)
			if r.StatusCode != http.StatusOK {
				t.Fatalf("GET /machines as %s = %d %s, want 200", tc.who.sub, r.StatusCode, r.body)
			}
			got := map[string]bool{}
			for _, m := range decodeReply[api.MachinePage](t, r).Machines {
				got[m.GivenName] = m.CanManage
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("GET /machines as %s canManage (-want +got):\n%s", tc.who.sub, diff)
			}
		}
		for id, want := range map[string]bool{laptop: true, pc: false} {
			if got := machineOf(t, viewer, id).CanManage; got != want {
				t.Errorf("GET /machines/%s as vera canManage = %v, want %v", id, got, want)
			}
		}
	})

	tests := []struct {
		name       string
		who        *person
		method     string
		path       string
		body       any
		wantStatus int
		wantCode   string
	}{
		{"rename another's", viewer, http.MethodPost, "/machines/" + pc + "/rename", api.RenameMachine{Name: "mine-now"}, 403, "forbidden"},
		{"expire another's", viewer, http.MethodPost, "/machines/" + pc + "/expire", api.ExpireMachine{}, 403, "forbidden"},
		{"routes of another's", viewer, http.MethodPut, "/machines/" + pc + "/routes", api.MachineRoutes{Routes: []string{}}, 403, "forbidden"},
		{"exit node of another's", viewer, http.MethodPut, "/machines/" + pc + "/exit-node", api.MachineExitNode{Enabled: false}, 403, "forbidden"},
		{"delete another's", viewer, http.MethodDelete, "/machines/" + pc, nil, 403, "forbidden"},
		// Unknown and foreign alike, so the answer does not tell which ids exist.
		{"rename an unknown id", viewer, http.MethodPost, "/machines/999999/rename", api.RenameMachine{Name: "ghost"}, 403, "forbidden"},
		{"delete an unknown id", viewer, http.MethodDelete, "/machines/999999", nil, 403, "forbidden"},
		{"tag their own", viewer, http.MethodPut, "/machines/" + laptop + "/tags", api.MachineTags{Tags: []string{"tag:server"}}, 403, "forbidden"},
		{"register", viewer, http.MethodPost, "/machines/register", api.RegisterMachine{User: veraHS, RegistrationId: "hskey-authreq-AAAAAAAAAAAAAAAAAAAAAAAA"}, 403, "forbidden"},
		{"rename, unlinked", walt, http.MethodPost, "/machines/" + laptop + "/rename", api.RenameMachine{Name: "walts"}, 403, "forbidden"},
		{"rename their own", viewer, http.MethodPost, "/machines/" + laptop + "/rename", api.RenameMachine{Name: "vera-notebook"}, 200, ""},
		{"rename their own to a bad name", viewer, http.MethodPost, "/machines/" + laptop + "/rename", api.RenameMachine{Name: "vera notebook"}, 400, "machine_name_invalid"},
		{"expire their own", viewer, http.MethodPost, "/machines/" + laptop + "/expire", api.ExpireMachine{}, 200, ""},
		{"routes of their own", viewer, http.MethodPut, "/machines/" + laptop + "/routes", api.MachineRoutes{Routes: []string{}}, 200, ""},
		{"delete their own", viewer, http.MethodDelete, "/machines/" + phone, nil, 204, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Sequential: the browsers are shared.
			r := tc.who.call(tc.method, tc.path, tc.body)
			if got, code := status(t, r); got != tc.wantStatus || code != tc.wantCode {
				t.Errorf("%s %s as %s = %d %q, want %d %q\n%.300s", tc.method, tc.path, tc.who.sub, got, code, tc.wantStatus, tc.wantCode, r.body)
			}
		})
	}

	page := machinesOf(t, owner, "")
	got := map[string]bool{}
	for _, m := range page.Machines {
		got[m.GivenName] = m.Expired
	}
	if diff := cmp.Diff(map[string]bool{"vera-notebook": true, "otto-pc": false}, got); diff != "" {
		t.Errorf("GET /machines as owner afterwards, name → expired (-want +got):\n%s", diff)
	}
}
