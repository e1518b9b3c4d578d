package auth_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"headway/backend/auth"
	"headway/backend/store"
	"headway/backend/store/storetest"
)

const testSecret = "0123456789abcdef0123456789abcdef-test-secret"

// clock is a settable Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// stubChecker answers every key with the same verdict.
type stubChecker struct {
	info auth.KeyInfo
	err  error
}

func (c stubChecker) CheckAPIKey(context.Context, string) (auth.KeyInfo, error) { return c.info, c.err }

// countingChecker counts the calls that reach the checker it wraps.
type countingChecker struct {
	next  auth.KeyChecker
	calls atomic.Int64
}

func (c *countingChecker) CheckAPIKey(ctx context.Context, key string) (auth.KeyInfo, error) {
	c.calls.Add(1)
	return c.next.CheckAPIKey(ctx, key)
}

type fixture struct {
	svc   *auth.Service
	store *store.Store
	clock *clock
}

// newService returns a Service on a fresh database with a fake clock; the
// timeouts are short round numbers: idle 10 minutes, max age 1 hour.
func newService(t *testing.T, checker auth.KeyChecker) fixture {
	t.Helper()
	if checker == nil {
		checker = stubChecker{err: errors.New("no headscale in this test")}
	}
	st := storetest.New(t)
	c := newClock()
	svc, err := auth.New(auth.Options{
		Store: st, Headscale: checker, CookieSecret: testSecret,
		IdleTimeout: 10 * time.Minute, MaxAge: time.Hour, LoginAttemptTTL: 10 * time.Minute,
		Now: c.Now,
	})
	if err != nil {
		t.Fatalf("auth.New() error: %v", err)
	}
	return fixture{svc: svc, store: st, clock: c}
}

func sessionID(t *testing.T, id string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		t.Fatalf("session id %q is not a number", id)
	}
	return n
}

func TestNewValidates(t *testing.T) {
	t.Parallel()
	_, err := auth.New(auth.Options{CookieSecret: "short", IdleTimeout: -1})
	if err == nil {
		t.Fatal("New(bad options) error = nil")
	}
	for _, want := range []string{"store is required", "key checker is required", "at least 32 characters", "idle timeout must not be negative"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("New(bad options) error = %q, want it to mention %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "short") {
		t.Errorf("New(bad options) error = %q contains the secret", err)
	}
}
