package tailnet

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"headway/backend/headscale"
)

// fakeSource serves set lists, fails on demand, and can hold ListNodes until
// released: the failures and latency a real Headscale does not produce on cue.
type fakeSource struct {
	mu    sync.Mutex
	nodes []headscale.Node
	users []headscale.User
	err   error
	hold  chan struct{} // when not nil, ListNodes waits for it to close
	// entered receives once per ListNodes call, when not nil.
	entered chan struct{}
	calls   atomic.Int32
}

func (f *fakeSource) set(nodes []headscale.Node, users []headscale.User, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nodes, f.users, f.err = nodes, users, err
}

func (f *fakeSource) ListNodes(ctx context.Context) ([]headscale.Node, error) {
	f.calls.Add(1)
	f.mu.Lock()
	hold, entered := f.hold, f.entered
	f.mu.Unlock()
	if entered != nil {
		entered <- struct{}{}
	}
	if hold != nil {
		select {
		case <-hold:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	out := make([]headscale.Node, len(f.nodes))
	for i, n := range f.nodes {
		out[i] = cloneNode(n) // a real client returns fresh values
	}
	return out, nil
}

func (f *fakeSource) ListUsers(ctx context.Context) ([]headscale.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	return slices.Clone(f.users), nil
}

// node returns a minimal node id owned by user (id userID, name userName).
func node(id, givenName, userID, userName string) headscale.Node {
	return headscale.Node{
		ID: id, Name: givenName, GivenName: givenName, UserID: userID, User: userName,
		IPAddresses: []string{"100.64.0." + id}, Tags: []string{},
		ApprovedRoutes: []string{}, AvailableRoutes: []string{}, SubnetRoutes: []string{},
	}
}

// fleet makes n nodes spread over users users, as a refresh would see them.
func fleet(n, users int, gen int) ([]headscale.Node, []headscale.User) {
	us := make([]headscale.User, users)
	for i := range us {
		us[i] = headscale.User{ID: fmt.Sprint(i + 1), Name: fmt.Sprintf("user%d-g%d", i+1, gen)}
	}
	ns := make([]headscale.Node, n)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range ns {
		u := us[i%users]
		ns[i] = node(fmt.Sprint(i+1), fmt.Sprintf("host-%05d", (i*7919)%n), u.ID, "stale-name")
		seen := t0.Add(time.Duration(i%97) * time.Minute)
		ns[i].LastSeen = &seen
		ns[i].Online = i%3 == 0
	}
	return ns, us
}
