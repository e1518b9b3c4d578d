// Package tailnet holds the shared in-memory snapshot of Headscale's nodes and users that every read is served from.
//
// Headscale checks its API key with bcrypt on every call, so nothing asks it
// once per page view. A Tailnet refreshes the whole snapshot in the
// background (Run), Headway's own writes patch it at once (PutNode,
// DeleteNode, PutUser, DeleteUser), and readers take the current immutable
// Snapshot with one atomic load.
package tailnet

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"headway/backend/headscale"
)

// Source lists everything a snapshot holds; *headscale.Client is one.
type Source interface {
	ListNodes(ctx context.Context) ([]headscale.Node, error)
	ListUsers(ctx context.Context) ([]headscale.User, error)
}

var _ Source = (*headscale.Client)(nil)

// DefaultInterval is the time between refreshes when Options.Interval is 0.
const DefaultInterval = 5 * time.Second

// maxBackoff is the longest wait between refreshes while Headscale fails
// (unless Options.Interval is longer still).
const maxBackoff = time.Minute

// Options configures New. Source is required.
type Options struct {
	Source Source
	// Interval is the time between refreshes while Headscale answers;
	// DefaultInterval when 0.
	Interval time.Duration
	// Logger receives refresh failures and recoveries; discarded when nil.
	Logger *slog.Logger
	// Now is the clock for FetchedAt; time.Now when nil.
	Now func() time.Time
}

// Tailnet owns the current Snapshot and keeps it fresh.
type Tailnet struct {
	src      Source
	interval time.Duration
	log      *slog.Logger
	now      func() time.Time
	// sleep waits d, reporting whether it did (false when ctx ended first).
	// Tests replace it to observe Run's backoff without waiting.
	sleep func(ctx context.Context, d time.Duration) bool

	snap atomic.Pointer[Snapshot]

	// mu serializes everything that publishes a snapshot, so that a
	// copy-on-write starts from the snapshot it replaces.
	mu sync.Mutex
	// journal records Headway's writes while a refresh is fetching (nil
	// otherwise). They are applied again on top of the fetched lists, so a
	// refresh that started before a write cannot undo it.
	journal []change

	flightMu sync.Mutex
	flight   *flight // the refresh in progress, if any

	loaded     chan struct{} // closed by the first successful refresh
	loadedOnce sync.Once
}

// change is one of Headway's own writes, applied to a snapshot's lists.
type change func(nodes []headscale.Node, users []headscale.User) ([]headscale.Node, []headscale.User)

// flight is a refresh that concurrent callers of Refresh share.
type flight struct {
	done    chan struct{}
	err     error
	waiters int // callers sharing it; guarded by Tailnet.flightMu
}

// New returns a Tailnet serving an empty snapshot until its first refresh.
func New(o Options) *Tailnet {
	if o.Source == nil {
		panic("tailnet: New: Options.Source is nil")
	}
	t := &Tailnet{
		src:      o.Source,
		interval: o.Interval,
		log:      o.Logger,
		now:      o.Now,
		sleep:    sleep,
	}
	if t.interval <= 0 {
		t.interval = DefaultInterval
	}
	if t.log == nil {
		t.log = slog.New(slog.DiscardHandler)
	}
	if t.now == nil {
		t.now = time.Now
	}
	t.snap.Store(&Snapshot{tables: build(nil, nil)})
	t.loaded = make(chan struct{})
	return t
}

// Loaded is closed once a refresh has succeeded.
func (t *Tailnet) Loaded() <-chan struct{} { return t.loaded }

// Snapshot returns the current snapshot: never nil, empty (FetchedAt zero)
// before the first successful refresh, and never changed once returned.
func (t *Tailnet) Snapshot() *Snapshot { return t.snap.Load() }

// Run refreshes now and then every Interval until ctx ends. While refreshes
// fail it waits longer each time (Interval, twice that, … up to one minute)
// and the last good snapshot stays served, marked Stale.
func (t *Tailnet) Run(ctx context.Context) {
	failures := 0
	for {
		err := t.Refresh(ctx)
		if ctx.Err() != nil {
			return
		}
		delay := t.interval
		if err != nil {
			failures++
			delay = backoff(t.interval, failures)
			t.log.Warn("headscale refresh failed; serving the last snapshot",
				"err", err, "failures", failures, "retry_in", delay)
		} else {
			if failures > 0 {
				t.log.Info("headscale refresh recovered", "failures", failures)
			}
			failures = 0
		}
		if !t.sleep(ctx, delay) {
			return
		}
	}
}

// backoff is the wait after the given number of consecutive failures:
// interval doubled per failure after the first, capped at a minute (or at
// interval when that is longer).
func backoff(interval time.Duration, failures int) time.Duration {
	limit := max(interval, maxBackoff)
	d := interval
	for i := 1; i < failures && d < limit; i++ {
		d *= 2
	}
	return min(d, limit)
}

func sleep(ctx context.Context, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// Refresh reads every node and user from the Source now and publishes them
// as the new snapshot. A caller arriving while a refresh is in progress
// waits for that one and gets its result; the first caller's ctx bounds it.
// On failure the previous snapshot stays, marked Stale with Err set.
func (t *Tailnet) Refresh(ctx context.Context) error {
	t.flightMu.Lock()
	if f := t.flight; f != nil {
		f.waiters++
		t.flightMu.Unlock()
		select {
		case <-f.done:
			return f.err
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	f := &flight{done: make(chan struct{})}
	t.flight = f
	t.flightMu.Unlock()

	defer func() {
		t.flightMu.Lock()
		t.flight = nil
		t.flightMu.Unlock()
		close(f.done)
	}()
	f.err = t.refresh(ctx)
	return f.err
}

// refresh does one fetch and publish; Refresh makes sure only one runs.
func (t *Tailnet) refresh(ctx context.Context) error {
	t.mu.Lock()
	t.journal = []change{}
	t.mu.Unlock()

	started := t.now()
	var (
		users []headscale.User
		uerr  error
		wg    sync.WaitGroup
	)
	wg.Go(func() { users, uerr = t.src.ListUsers(ctx) })
	nodes, err := t.src.ListNodes(ctx)
	wg.Wait()
	if err == nil {
		err = uerr
	}

	t.mu.Lock()
	defer t.mu.Unlock()
	journal := t.journal
	t.journal = nil
	prev := t.snap.Load()
	if err != nil {
		err = fmt.Errorf("tailnet: refresh: %w", err)
		next := *prev
		next.Stale, next.Err = true, err
		t.snap.Store(&next)
		return err
	}
	for _, c := range journal {
		nodes, users = c(nodes, users)
	}
	tables := prev.tables
	if !tables.holds(nodes, users) {
		// Only a change costs a rebuild; a quiet tailnet keeps its tables
		// (and the memory they use) from refresh to refresh.
		tables = build(nodes, users)
	}
	t.snap.Store(&Snapshot{FetchedAt: started, tables: tables})
	t.loadedOnce.Do(func() { close(t.loaded) })
	return nil
}

// applyLocked publishes the current snapshot with c applied, and records c
// for a refresh in progress. t.mu must be held.
func (t *Tailnet) applyLocked(c change) {
	prev := t.snap.Load()
	nodes, users := c(slices.Clone(prev.nodes), slices.Clone(prev.users))
	next := *prev
	next.tables = build(nodes, users)
	t.snap.Store(&next)
	if t.journal != nil {
		t.journal = append(t.journal, c)
	}
}

func (t *Tailnet) apply(c change) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.applyLocked(c)
}

// PutNode adds n to the snapshot, or replaces the node with its id: for
// Headway's own writes, which Headscale has already accepted. n's lists are
// copied.
func (t *Tailnet) PutNode(n headscale.Node) {
	n = cloneNode(n)
	t.apply(func(nodes []headscale.Node, users []headscale.User) ([]headscale.Node, []headscale.User) {
		if i := slices.IndexFunc(nodes, func(m headscale.Node) bool { return m.ID == n.ID }); i >= 0 {
			nodes[i] = n
			return nodes, users
		}
		return append(nodes, n), users
	})
}

// DeleteNode removes node id from the snapshot, if it is there.
func (t *Tailnet) DeleteNode(id string) {
	t.apply(func(nodes []headscale.Node, users []headscale.User) ([]headscale.Node, []headscale.User) {
		return slices.DeleteFunc(nodes, func(m headscale.Node) bool { return m.ID == id }), users
	})
}

// PutUser adds u to the snapshot, or replaces the user with its id. The
// nodes it owns show its new name at once.
func (t *Tailnet) PutUser(u headscale.User) {
	t.apply(func(nodes []headscale.Node, users []headscale.User) ([]headscale.Node, []headscale.User) {
		if i := slices.IndexFunc(users, func(v headscale.User) bool { return v.ID == u.ID }); i >= 0 {
			users[i] = u
			return nodes, users
		}
		return nodes, append(users, u)
	})
}

// DeleteUser removes user id from the snapshot, if it is there. Its nodes
// (Headscale refuses to delete a user who has any) are left alone.
func (t *Tailnet) DeleteUser(id string) {
	t.apply(func(nodes []headscale.Node, users []headscale.User) ([]headscale.Node, []headscale.User) {
		return nodes, slices.DeleteFunc(users, func(v headscale.User) bool { return v.ID == id })
	})
}

// cloneNode copies n's lists and times, so that the caller may reuse them.
func cloneNode(n headscale.Node) headscale.Node {
	clone := func(s []string) []string {
		if s == nil {
			return []string{}
		}
		return slices.Clone(s)
	}
	n.IPAddresses = clone(n.IPAddresses)
	n.Tags = clone(n.Tags)
	n.ApprovedRoutes = clone(n.ApprovedRoutes)
	n.AvailableRoutes = clone(n.AvailableRoutes)
	n.SubnetRoutes = clone(n.SubnetRoutes)
	n.LastSeen = cloneTime(n.LastSeen)
	n.Expiry = cloneTime(n.Expiry)
	n.CreatedAt = cloneTime(n.CreatedAt)
	return n
}

func cloneTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	c := *t
	return &c
}
