package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"headway/backend/store"
	"headway/backend/store/storetest"
)

// TestExclusive: callers of one lock key take turns (never two inside at
// once), another key does not wait, and the lock is released however fn ends.
func TestExclusive(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	ctx := t.Context()
	var (
		mu           sync.Mutex
		inside, most int
		wg           sync.WaitGroup
	)
	enter := func(delta int) {
		mu.Lock()
		defer mu.Unlock()
		inside += delta
		most = max(most, inside)
	}
	for range 5 {
		wg.Go(func() {
			err := db.Exclusive(ctx, store.LockPolicySave, func(context.Context) error {
				enter(1)
				time.Sleep(20 * time.Millisecond)
				enter(-1)
				return nil
			})
			if err != nil {
				t.Errorf("Exclusive: %v", err)
			}
		})
	}
	wg.Wait()
	if most != 1 {
		t.Errorf("%d callers were inside the lock at once, want 1", most)
	}

	// A failed fn releases the lock: the next caller gets it at once.
	_ = db.Exclusive(ctx, store.LockPolicySave, func(context.Context) error { return context.Canceled })
	short, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := db.Exclusive(short, store.LockPolicySave, func(context.Context) error { return nil }); err != nil {
		t.Errorf("Exclusive after a failed holder: %v", err)
	}

	// Another key is not held up by this one.
	held := make(chan struct{})
	release := make(chan struct{})
	go func() {
		_ = db.Exclusive(ctx, store.LockPolicySave, func(context.Context) error { close(held); <-release; return nil })
	}()
	<-held
	if err := db.Exclusive(short, store.LockPolicySave+1, func(context.Context) error { return nil }); err != nil {
		t.Errorf("Exclusive on another key while the first is held: %v", err)
	}
	close(release)
}
