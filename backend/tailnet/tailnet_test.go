package tailnet

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"headway/backend/headscale"
)

var errDown = errors.New("headscale down")

func TestSnapshotBeforeFirstRefresh(t *testing.T) {
	t.Parallel()
	tn := New(Options{Source: &fakeSource{}})
	s := tn.Snapshot()
	if s == nil {
		t.Fatal("Snapshot() = nil before the first refresh")
	}
	if !s.FetchedAt.IsZero() || s.Stale || s.Err != nil {
		t.Errorf("Snapshot() = {FetchedAt: %v, Stale: %v, Err: %v}, want all zero", s.FetchedAt, s.Stale, s.Err)
	}
	if s.Nodes() == nil || len(s.Nodes()) != 0 || s.Users() == nil || len(s.Users()) != 0 {
		t.Errorf("Nodes(), Users() = %v, %v, want empty and not nil", s.Nodes(), s.Users())
	}
	if got := s.Age(time.Now()); got < 100*365*24*time.Hour {
		t.Errorf("Age() before the first refresh = %v, want it to fail any freshness check", got)
	}
	page, total := s.Machines(Query{}, time.Now())
	if page == nil || len(page) != 0 || total != 0 {
		t.Errorf("Machines() = %v, %d, want [], 0", page, total)
	}
	select {
	case <-tn.Loaded():
		t.Error("Loaded() is closed before any refresh")
	default:
	}
}

func TestPutAndDeleteVisibleAtOnce(t *testing.T) {
	t.Parallel()
	src := &fakeSource{}
	src.set([]headscale.Node{node("1", "alpha", "1", "alice"), node("2", "beta", "2", "bob")},
		[]headscale.User{{ID: "1", Name: "alice"}, {ID: "2", Name: "bob"}}, nil)
	tn := New(Options{Source: src})
	if err := tn.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	before := tn.Snapshot()

	renamed := node("2", "beta-renamed", "2", "bob")
	tn.PutNode(renamed)
	renamed.IPAddresses[0] = "mutated by the caller" // must not reach the snapshot
	if n, _ := tn.Snapshot().Node("2"); n.GivenName != "beta-renamed" || n.IPAddresses[0] != "100.64.0.2" {
		t.Errorf("after PutNode, Node(2) = %+v, want the new given name and the original IP", n)
	}
	tn.PutNode(node("10", "gamma", "1", "alice"))
	if got := ids(tn.Snapshot().Nodes()); !slices.Equal(got, []string{"1", "2", "10"}) {
		t.Errorf("after PutNode(10), node ids = %v, want [1 2 10] (numeric order)", got)
	}
	tn.DeleteNode("1")
	if _, ok := tn.Snapshot().Node("1"); ok {
		t.Error("after DeleteNode(1), Node(1) still exists")
	}
	if got := tn.Snapshot().NodeCounts(); !cmp.Equal(got, map[string]int{"1": 1, "2": 1}) {
		t.Errorf("NodeCounts() = %v, want map[1:1 2:1]", got)
	}

	tn.PutUser(headscale.User{ID: "2", Name: "robert"})
	s := tn.Snapshot()
	if n, _ := s.Node("2"); n.User != "robert" {
		t.Errorf("after renaming user 2, Node(2).User = %q, want robert", n.User)
	}
	if _, total := s.Machines(Query{Search: "robert"}, time.Now()); total != 1 {
		t.Errorf("Machines(search robert) total = %d after the rename, want 1", total)
	}
	tn.PutUser(headscale.User{ID: "3", Name: "carol"})
	tn.DeleteUser("1")
	if got := names(tn.Snapshot().Users()); !slices.Equal(got, []string{"carol", "robert"}) {
		t.Errorf("users = %v, want [carol robert]", got)
	}

	// The snapshot taken first is untouched.
	if got := ids(before.Nodes()); !slices.Equal(got, []string{"1", "2"}) {
		t.Errorf("an earlier snapshot changed: node ids = %v, want [1 2]", got)
	}
	if n, _ := before.Node("2"); n.GivenName != "beta" || n.User != "bob" {
		t.Errorf("an earlier snapshot changed: Node(2) = %+v", n)
	}
	checkInvariants(t, before)
	checkInvariants(t, tn.Snapshot())

	// A full refresh replaces everything.
	if err := tn.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := ids(tn.Snapshot().Nodes()); !slices.Equal(got, []string{"1", "2"}) {
		t.Errorf("after a refresh, node ids = %v, want [1 2]", got)
	}
}

func TestFailedRefreshKeepsLastSnapshot(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	src := &fakeSource{}
	src.set([]headscale.Node{node("1", "alpha", "1", "alice")}, []headscale.User{{ID: "1", Name: "alice"}}, nil)
	tn := New(Options{Source: src, Now: func() time.Time { return now }})
	if err := tn.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	good := tn.Snapshot()

	now = now.Add(time.Minute)
	src.set(nil, nil, fmt.Errorf("list nodes: %w: connection refused", headscale.ErrUnreachable))
	err := tn.Refresh(t.Context())
	if !errors.Is(err, headscale.ErrUnreachable) {
		t.Fatalf("Refresh() with Headscale down = %v, want ErrUnreachable", err)
	}
	s := tn.Snapshot()
	if !s.Stale || !errors.Is(s.Err, headscale.ErrUnreachable) {
		t.Errorf("after a failed refresh, Stale = %v, Err = %v; want true, ErrUnreachable", s.Stale, s.Err)
	}
	if !s.FetchedAt.Equal(good.FetchedAt) || s.Age(now) != time.Minute {
		t.Errorf("after a failed refresh, FetchedAt = %v, Age = %v; want %v, 1m", s.FetchedAt, s.Age(now), good.FetchedAt)
	}
	if got := ids(s.Nodes()); !slices.Equal(got, []string{"1"}) {
		t.Errorf("after a failed refresh, node ids = %v, want the last snapshot's [1]", got)
	}
	if good.Stale {
		t.Error("the earlier snapshot was marked stale in place")
	}

	// A write while stale keeps the flag; the next success clears it.
	tn.PutNode(node("2", "beta", "1", "alice"))
	if s := tn.Snapshot(); !s.Stale || len(s.Nodes()) != 2 {
		t.Errorf("PutNode while stale: Stale = %v, %d nodes; want true, 2", s.Stale, len(s.Nodes()))
	}
	now = now.Add(time.Minute)
	src.set([]headscale.Node{node("1", "alpha", "1", "alice"), node("3", "gamma", "1", "alice")}, []headscale.User{{ID: "1", Name: "alice"}}, nil)
	if err := tn.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	s = tn.Snapshot()
	if s.Stale || s.Err != nil || !s.FetchedAt.Equal(now) {
		t.Errorf("after recovering, Stale = %v, Err = %v, FetchedAt = %v; want false, nil, %v", s.Stale, s.Err, s.FetchedAt, now)
	}
	if got := ids(s.Nodes()); !slices.Equal(got, []string{"1", "3"}) {
		t.Errorf("after recovering, node ids = %v, want [1 3]", got)
	}
}

func TestConcurrentRefreshesShareOne(t *testing.T) {
	t.Parallel()
	src := &fakeSource{hold: make(chan struct{}), entered: make(chan struct{}, 1)}
	src.set([]headscale.Node{node("1", "alpha", "1", "alice")}, []headscale.User{{ID: "1", Name: "alice"}}, nil)
	tn := New(Options{Source: src})

	const callers = 8
	errs := make(chan error, callers)
	go func() { errs <- tn.Refresh(t.Context()) }()
	<-src.entered // the first refresh is fetching
	var wg sync.WaitGroup
	for range callers - 1 {
		wg.Go(func() { errs <- tn.Refresh(t.Context()) })
	}
	waitFor(t, func() bool { // the others have joined the refresh in flight
		tn.flightMu.Lock()
		defer tn.flightMu.Unlock()
		return tn.flight != nil && tn.flight.waiters == callers-1
	})
	close(src.hold)
	wg.Wait()
	for range callers {
		if err := <-errs; err != nil {
			t.Errorf("Refresh() = %v", err)
		}
	}
	if got := src.calls.Load(); got != 1 {
		t.Errorf("%d concurrent Refresh calls fetched %d times, want them to share the fetch in flight", callers, got)
	}
	if len(tn.Snapshot().Nodes()) != 1 {
		t.Errorf("after the shared refresh, %d nodes, want 1", len(tn.Snapshot().Nodes()))
	}
}

func TestRefreshWaiterHonoursItsContext(t *testing.T) {
	t.Parallel()
	src := &fakeSource{hold: make(chan struct{}), entered: make(chan struct{}, 1)}
	tn := New(Options{Source: src})
	done := make(chan error, 1)
	go func() { done <- tn.Refresh(t.Context()) }()
	<-src.entered
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := tn.Refresh(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Refresh(cancelled ctx) while another runs = %v, want context.Canceled", err)
	}
	close(src.hold)
	if err := <-done; err != nil {
		t.Errorf("the first Refresh() = %v", err)
	}
}

// A refresh that began fetching before one of Headway's writes must not undo
// it when it publishes.
func TestRefreshKeepsWritesMadeWhileFetching(t *testing.T) {
	t.Parallel()
	src := &fakeSource{}
	users := []headscale.User{{ID: "1", Name: "alice"}}
	src.set([]headscale.Node{node("1", "alpha", "1", "alice"), node("2", "beta", "1", "alice")}, users, nil)
	tn := New(Options{Source: src})
	if err := tn.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}

	src.mu.Lock()
	src.hold, src.entered = make(chan struct{}), make(chan struct{}, 1)
	src.mu.Unlock()
	done := make(chan error, 1)
	go func() { done <- tn.Refresh(t.Context()) }()
	<-src.entered
	tn.PutNode(node("1", "alpha-renamed", "1", "alice"))
	tn.DeleteNode("2")
	tn.PutUser(headscale.User{ID: "1", Name: "alicia"})
	close(src.hold) // the fetch returns what Headscale had before the writes
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	s := tn.Snapshot()
	if n, _ := s.Node("1"); n.GivenName != "alpha-renamed" || n.User != "alicia" {
		t.Errorf("Node(1) = {GivenName: %q, User: %q}, want the writes made during the fetch kept", n.GivenName, n.User)
	}
	if _, ok := s.Node("2"); ok {
		t.Error("node 2, deleted during the fetch, came back")
	}
	// The next refresh, begun after the writes, takes Headscale's word again.
	if err := tn.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, ok := tn.Snapshot().Node("2"); !ok {
		t.Error("a refresh begun after the writes did not replace the snapshot")
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	tests := []struct {
		interval time.Duration
		failures int
		want     time.Duration
	}{
		{5 * time.Second, 1, 5 * time.Second},
		{5 * time.Second, 2, 10 * time.Second},
		{5 * time.Second, 4, 40 * time.Second},
		{5 * time.Second, 5, time.Minute},
		{5 * time.Second, 1000, time.Minute},  // no overflow
		{2 * time.Minute, 3, 2 * time.Minute}, // an interval above the cap is kept
	}
	for _, tc := range tests {
		if got := backoff(tc.interval, tc.failures); got != tc.want {
			t.Errorf("backoff(%v, %d) = %v, want %v", tc.interval, tc.failures, got, tc.want)
		}
	}
}

func TestRunBacksOffWhileDown(t *testing.T) {
	t.Parallel()
	src := &fakeSource{}
	src.set([]headscale.Node{node("1", "alpha", "1", "alice")}, []headscale.User{{ID: "1", Name: "alice"}}, nil)
	tn := New(Options{Source: src, Interval: 5 * time.Second})

	// Refreshes: ok, then 7 failures, then ok again. The fake sleep records
	// each wait and switches the source at the right moments.
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var waits []time.Duration
	var staleDuring []bool
	tn.sleep = func(ctx context.Context, d time.Duration) bool {
		waits = append(waits, d)
		staleDuring = append(staleDuring, tn.Snapshot().Stale)
		switch len(waits) {
		case 1:
			src.set(nil, nil, errDown)
		case 8:
			src.set([]headscale.Node{node("1", "alpha", "1", "alice")}, []headscale.User{{ID: "1", Name: "alice"}}, nil)
		case 10:
			cancel()
			return false
		}
		return true
	}
	tn.Run(ctx)

	s := 5 * time.Second
	want := []time.Duration{s, s, 2 * s, 4 * s, 8 * s, time.Minute, time.Minute, time.Minute, s, s}
	if diff := cmp.Diff(want, waits); diff != "" {
		t.Errorf("Run's waits (-want +got):\n%s", diff)
	}
	wantStale := []bool{false, true, true, true, true, true, true, true, false, false}
	if diff := cmp.Diff(wantStale, staleDuring); diff != "" {
		t.Errorf("Stale after each refresh (-want +got):\n%s", diff)
	}
	if got := ids(tn.Snapshot().Nodes()); !slices.Equal(got, []string{"1"}) {
		t.Errorf("node ids after Run = %v, want [1]", got)
	}
}

func TestRunStopsWithContext(t *testing.T) {
	t.Parallel()
	src := &fakeSource{}
	tn := New(Options{Source: src, Interval: time.Hour})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { tn.Run(ctx); close(done) }()
	waitFor(t, func() bool { return !tn.Snapshot().FetchedAt.IsZero() })
	cancel()
	<-done // Run returns instead of waiting out the hour
}

// Readers never see a half-built snapshot while refreshes and writes race.
func TestConcurrentReadersSeeWholeSnapshots(t *testing.T) {
	t.Parallel()
	src := &fakeSource{}
	ns, us := fleet(100, 7, 0)
	src.set(ns, us, nil)
	tn := New(Options{Source: src})
	if err := tn.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(t.Context())
	var readers, writers sync.WaitGroup
	for range 4 {
		readers.Go(func() {
			for ctx.Err() == nil {
				s := tn.Snapshot()
				if !checkInvariants(t, s) {
					cancel()
					return
				}
				page, total := s.Machines(Query{Sort: "user", PageSize: 20, Page: 2}, time.Now())
				if total != len(s.Nodes()) || len(page) != min(20, max(0, total-20)) {
					t.Errorf("Machines() = %d nodes of %d, snapshot has %d", len(page), total, len(s.Nodes()))
					cancel()
					return
				}
			}
		})
	}
	writers.Go(func() {
		for gen := 1; gen <= 20 && ctx.Err() == nil; gen++ {
			ns, us := fleet(80+gen*5, 3+gen%5, gen)
			src.set(ns, us, nil)
			if gen%7 == 0 {
				src.set(nil, nil, errDown)
			}
			_ = tn.Refresh(ctx)
		}
	})
	for w := range 3 {
		writers.Go(func() {
			for i := 0; i < 40 && ctx.Err() == nil; i++ {
				id := fmt.Sprint(1000 + w*1000 + i)
				tn.PutNode(node(id, "put-"+id, "1", "x"))
				tn.PutUser(headscale.User{ID: fmt.Sprint(50 + w), Name: fmt.Sprintf("writer-%d-%d", w, i)})
				if i%2 == 0 {
					tn.DeleteNode(id)
				}
			}
		})
	}
	writers.Wait()
	cancel()
	readers.Wait()
}

// checkInvariants reports (and records) whether s is internally consistent.
func checkInvariants(t *testing.T, s *Snapshot) bool {
	t.Helper()
	fail := func(format string, args ...any) bool {
		t.Errorf(format, args...)
		return false
	}
	nodes, users := s.Nodes(), s.Users()
	if len(nodes) != len(s.nodeIndex) || len(nodes) != len(s.facts) {
		return fail("len(Nodes()) = %d, node index %d, facts %d", len(nodes), len(s.nodeIndex), len(s.facts))
	}
	if len(users) != len(s.userIndex) {
		return fail("len(Users()) = %d, user index %d", len(users), len(s.userIndex))
	}
	for k, o := range s.orders {
		if len(o.asc) != len(nodes) || len(o.desc) != len(nodes) {
			return fail("order %d has %d/%d entries, want %d", k, len(o.asc), len(o.desc), len(nodes))
		}
	}
	counted := 0
	for i, n := range nodes {
		if j, ok := s.nodeIndex[n.ID]; !ok || int(j) != i {
			return fail("node index of %s = %d, %v; want %d", n.ID, j, ok, i)
		}
		if i > 0 && compareIDs(nodes[i-1].ID, n.ID) >= 0 {
			return fail("nodes out of id order: %s before %s", nodes[i-1].ID, n.ID)
		}
		if u, ok := s.User(n.UserID); ok && n.User != u.Name {
			return fail("node %s shows user %q, the user list says %q", n.ID, n.User, u.Name)
		}
		if n.UserID != "" {
			counted++
		}
	}
	total := 0
	for _, c := range s.NodeCounts() {
		total += c
	}
	if total != counted {
		return fail("NodeCounts() sums to %d, %d nodes have an owner", total, counted)
	}
	for i, u := range users {
		if j := s.userIndex[u.ID]; int(j) != i {
			return fail("user index of %s = %d, want %d", u.ID, j, i)
		}
	}
	return true
}

func ids(nodes []headscale.Node) []string {
	out := make([]string, len(nodes))
	for i, n := range nodes {
		out[i] = n.ID
	}
	return out
}

func names(users []headscale.User) []string {
	out := make([]string, len(users))
	for i, u := range users {
		out[i] = u.Name
	}
	return out
}

// waitFor polls cond for up to 30 seconds; it asserts behaviour, not speed.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 30s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestQuietRefreshKeepsTables: a refresh that finds exactly what the
// snapshot holds keeps its tables (no rebuild, no new memory) while the
// snapshot's age starts over; any difference in a node or user rebuilds.
func TestQuietRefreshKeepsTables(t *testing.T) {
	t.Parallel()
	nodes := []headscale.Node{node("1", "alpha", "1", "alice"), node("2", "beta", "2", "bob")}
	users := []headscale.User{{ID: "1", Name: "alice"}, {ID: "2", Name: "bob"}}
	src := &fakeSource{}
	src.set(nodes, users, nil)
	tn := New(Options{Source: src})
	if err := tn.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	first := tn.Snapshot()
	select {
	case <-tn.Loaded():
	default:
		t.Error("Loaded() is not closed after a successful refresh")
	}
	if err := tn.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	if second := tn.Snapshot(); second == first || second.tables != first.tables || second.FetchedAt.Before(first.FetchedAt) {
		t.Errorf("a quiet refresh: new snapshot %v, same tables %v; want a new snapshot sharing the tables", second != first, second.tables == first.tables)
	}

	changes := map[string]func(n []headscale.Node, u []headscale.User){
		"online":    func(n []headscale.Node, _ []headscale.User) { n[0].Online = !n[0].Online },
		"tag":       func(n []headscale.Node, _ []headscale.User) { n[1].Tags = []string{"tag:new"} },
		"last seen": func(n []headscale.Node, _ []headscale.User) { n[0].LastSeen = new(time.Now()) },
		"user name": func(_ []headscale.Node, u []headscale.User) { u[1].Name = "robert" },
	}
	for what, change := range changes {
		n := []headscale.Node{cloneNode(nodes[0]), cloneNode(nodes[1])}
		u := slices.Clone(users)
		change(n, u)
		src.set(n, u, nil)
		before := tn.Snapshot()
		if err := tn.Refresh(t.Context()); err != nil {
			t.Fatal(err)
		}
		if tn.Snapshot().tables == before.tables {
			t.Errorf("a refresh after a change of %s kept the old tables", what)
		}
		checkInvariants(t, tn.Snapshot())
	}
}
