package tailnet

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"headway/backend/headscale"
)

// syntheticTailnet is a 10,000-node tailnet shaped like a large real one:
// 200 users, a tenth of the nodes tagged, some subnet routers and exit
// nodes, a third online, a few expired.
func syntheticTailnet(n int) ([]headscale.Node, []headscale.User) {
	users := make([]headscale.User, 200)
	for i := range users {
		users[i] = headscale.User{ID: fmt.Sprint(i + 1), Name: fmt.Sprintf("user%03d@example.com", i+1)}
	}
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	kinds := []string{"laptop", "desktop", "phone", "web", "db", "build", "k8s-node"}
	nodes := make([]headscale.Node, n)
	for i := range nodes {
		id := i + 1
		given := fmt.Sprintf("%s-%d", kinds[i%len(kinds)], id)
		nd := headscale.Node{
			ID:              fmt.Sprint(id),
			Name:            given + ".corp",
			GivenName:       given,
			IPAddresses:     []string{fmt.Sprintf("100.%d.%d.%d", 64+id>>16, (id>>8)&255, id&255), fmt.Sprintf("fd7a:115c:a1e0::%x", id)},
			MachineKey:      "mkey:" + fmt.Sprint(id),
			NodeKey:         "nodekey:" + fmt.Sprint(id),
			Tags:            []string{},
			ApprovedRoutes:  []string{},
			AvailableRoutes: []string{},
			SubnetRoutes:    []string{},
			Online:          i%3 == 0,
			LastSeen:        new(base.Add(-time.Duration(i*37%100000) * time.Second)),
			CreatedAt:       new(base.Add(-time.Duration(i) * time.Hour)),
			RegisterMethod:  "authkey",
		}
		if i%10 == 0 {
			nd.Tags = []string{"tag:server", fmt.Sprintf("tag:team-%d", i%7)}
		} else {
			u := users[i%len(users)]
			nd.UserID, nd.User = u.ID, u.Name
		}
		if i%20 == 0 {
			nd.AvailableRoutes = []string{fmt.Sprintf("10.%d.0.0/16", i%250)}
		}
		if i%50 == 0 {
			nd.AvailableRoutes = append(nd.AvailableRoutes, "0.0.0.0/0", "::/0")
		}
		if i%4 == 0 {
			nd.Expiry = new(base.Add(time.Duration(i%9-3) * 24 * time.Hour))
		}
		nodes[i] = nd
	}
	return nodes, users
}

func benchSnapshot(b *testing.B, n int) *Snapshot {
	b.Helper()
	nodes, users := syntheticTailnet(n)
	return &Snapshot{FetchedAt: time.Now(), tables: build(nodes, users)}
}

func benchMachines(b *testing.B, q Query, wantAtLeast int) {
	s := benchSnapshot(b, 10000)
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		page, total := s.Machines(q, now)
		if len(page) < wantAtLeast || total < len(page) {
			b.Fatalf("Machines(%+v) = %d nodes of %d", q, len(page), total)
		}
	}
}

// The default view: first page, sorted by name.
func BenchmarkMachinesFirstPage10k(b *testing.B) {
	benchMachines(b, Query{Sort: "name"}, DefaultPageSize)
}

// A search typed in the box (matches a user's name and some node names),
// with a status filter, sorted by last seen.
func BenchmarkMachinesSearch10k(b *testing.B) {
	benchMachines(b, Query{Search: "user01", Status: "offline", Sort: "lastSeen", Desc: true}, DefaultPageSize)
}

// A 2,000-node page (a script or "show all"), sorted by user.
func BenchmarkMachinesAll2k(b *testing.B) {
	benchMachines(b, Query{Sort: "user", PageSize: 2000}, 2000)
}

// A search matching nothing: the full scan with no page to copy.
func BenchmarkMachinesSearchMiss10k(b *testing.B) {
	benchMachines(b, Query{Search: "no-such-machine"}, 0)
}

// Building a snapshot: the cost of each refresh.
func BenchmarkBuild10k(b *testing.B) {
	nodes, users := syntheticTailnet(10000)
	b.ReportAllocs()
	for b.Loop() {
		build(slices.Clone(nodes), slices.Clone(users))
	}
}

// One of Headway's writes on a 10,000-node tailnet (copy-on-write).
func BenchmarkPutNode10k(b *testing.B) {
	nodes, users := syntheticTailnet(10000)
	tn := New(Options{Source: &fakeSource{nodes: nodes, users: users}})
	if err := tn.Refresh(b.Context()); err != nil {
		b.Fatal(err)
	}
	n, _ := tn.Snapshot().Node("5000")
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		n.GivenName = fmt.Sprintf("renamed-%d", i)
		tn.PutNode(n)
	}
}

// Twenty clients listing machines at once, each answer JSON-encoded as a
// handler would, reporting the 99th-percentile latency. Run with -cpu 2 for
// the 2-core target.
func BenchmarkMachinesConcurrent20(b *testing.B) {
	s := benchSnapshot(b, 10000)
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	queries := []Query{
		{Sort: "name"},
		{Search: "web", Sort: "lastSeen", Desc: true},
		{Status: "online", Sort: "user", Page: 3},
		{Search: "user123"},
		{Routes: new(true), Sort: "created"},
		{Search: "100.64.1", PageSize: 200},
	}
	const clients = 20
	var (
		mu        sync.Mutex
		latencies []time.Duration
	)
	per := max(b.N/clients, 1)
	b.ResetTimer()
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			local := make([]time.Duration, 0, per)
			enc := json.NewEncoder(io.Discard)
			for i := range per {
				start := time.Now()
				page, total := s.Machines(queries[(c+i)%len(queries)], now)
				if err := enc.Encode(struct {
					Nodes []headscale.Node `json:"nodes"`
					Total int              `json:"total"`
				}{page, total}); err != nil {
					b.Error(err)
					return
				}
				local = append(local, time.Since(start))
				// A handler then blocks writing to its socket; without this the
				// scheduler's 10 ms time slices, not the work, set the tail.
				runtime.Gosched()
			}
			mu.Lock()
			latencies = append(latencies, local...)
			mu.Unlock()
		})
	}
	wg.Wait()
	b.StopTimer()
	slices.Sort(latencies)
	p := func(q float64) float64 {
		return float64(latencies[min(len(latencies)-1, int(q*float64(len(latencies))))]) / 1e6
	}
	b.ReportMetric(p(0.50), "p50-ms")
	b.ReportMetric(p(0.99), "p99-ms")
}
