package httpapi

import (
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"headway/backend/tailnet"
)

// TestPageCacheSharesOneBuild: callers missing the same answer at once wait
// for a single build; a failed build is not kept, so the next caller tries
// again; another snapshot starts a new cache.
func TestPageCacheSharesOneBuild(t *testing.T) {
	t.Parallel()
	var c pageCache
	snap := &tailnet.Snapshot{}
	var builds atomic.Int32
	release := make(chan struct{})
	build := func() ([]byte, error) {
		builds.Add(1)
		<-release
		return []byte(`{"machines":[]}`), nil
	}

	const callers = 20
	var wg sync.WaitGroup
	bodies := make([]string, callers)
	for i := range callers {
		wg.Go(func() {
			p, err := c.answer(snap, "all", build)
			if err != nil {
				t.Errorf("answer: %v", err)
				return
			}
			bodies[i] = string(p.body)
		})
	}
	for builds.Load() == 0 {
		runtime.Gosched() // until the first caller is building
	}
	close(release)
	wg.Wait()
	if n := builds.Load(); n != 1 {
		t.Errorf("%d concurrent misses ran %d builds, want 1", callers, n)
	}
	for i, b := range bodies {
		if b != `{"machines":[]}` {
			t.Errorf("caller %d got %q", i, b)
		}
	}

	failing := errors.New("encode failed")
	if _, err := c.answer(snap, "broken", func() ([]byte, error) { return nil, failing }); !errors.Is(err, failing) {
		t.Errorf("a failed build = %v, want its error", err)
	}
	p, err := c.answer(snap, "broken", func() ([]byte, error) { return []byte("ok"), nil })
	if err != nil || string(p.body) != "ok" {
		t.Errorf("after a failed build, answer = %v, %v; want a fresh build", p, err)
	}

	builds.Store(0)
	if _, err := c.answer(&tailnet.Snapshot{}, "all", func() ([]byte, error) { builds.Add(1); return []byte("new"), nil }); err != nil || builds.Load() != 1 {
		t.Errorf("a new snapshot reused the old answer (builds %d, err %v)", builds.Load(), err)
	}
}
