package metrics

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"headway/backend/headscale"
	"headway/backend/store"
)

type fakeDB struct {
	stats    store.PoolStats
	sessions int64
	err      error
	counts   atomic.Int32
}

func (f *fakeDB) PoolStats() store.PoolStats { return f.stats }

func (f *fakeDB) CountLiveSessions(context.Context, time.Time) (int64, error) {
	f.counts.Add(1)
	return f.sessions, f.err
}

// scrape returns the exposition text of m.
func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics = %d", rec.Code)
	}
	return rec.Body.String()
}

func TestExposition(t *testing.T) {
	t.Parallel()
	db := &fakeDB{stats: store.PoolStats{Acquired: 1, Idle: 2, Total: 3, Max: 8}, sessions: 5}
	m := New(db)
	m.ObserveRequest("/admin/api/v1/sessions/:sessionId", http.MethodDelete, 204, 3*time.Millisecond)
	m.ObserveRequest("", http.MethodGet, 404, time.Millisecond)
	m.ObserveRequest("/admin/*", "BREW", 405, time.Millisecond)
	m.SignIn(SignInAPIKey, ResultOK)
	m.SignIn(SignInAPIKey, "api_key_unknown")
	m.SignIn(SignInAPIKey, "api_key_unknown")
	m.ObserveHeadscale("list_users", 20*time.Millisecond, nil)
	m.ObserveHeadscale("health", time.Second, fmt.Errorf("headscale: health: %w", headscale.ErrUnreachable))
	m.ObserveHeadscale("get_node", time.Millisecond, fmt.Errorf("headscale: get node 7: %w", headscale.ErrNotFound))
	m.ObserveHeadscale("list_nodes", time.Millisecond, fmt.Errorf("wrapped: %w", headscale.ErrUnauthorized))
	m.ObserveHeadscale("set_policy", time.Millisecond, fmt.Errorf("x: %w", headscale.ErrInvalid))
	m.ObserveHeadscale("list_users", time.Millisecond, context.Canceled)

	text := scrape(t, m)
	for _, want := range []string{
		`headway_http_request_duration_seconds_count{method="DELETE",route="/admin/api/v1/sessions/:sessionId",status="204"} 1`,
		`headway_http_request_duration_seconds_count{method="GET",route="unmatched",status="404"} 1`,
		`headway_http_request_duration_seconds_count{method="other",route="/admin/*",status="405"} 1`,
		`headway_sign_ins_total{method="api_key",result="ok"} 1`,
		`headway_sign_ins_total{method="api_key",result="api_key_unknown"} 2`,
		`headway_headscale_requests_duration_seconds_count{operation="list_users",result="ok"} 1`,
		`headway_headscale_requests_duration_seconds_count{operation="health",result="unreachable"} 1`,
		`headway_headscale_requests_duration_seconds_count{operation="get_node",result="not_found"} 1`,
		`headway_headscale_requests_duration_seconds_count{operation="list_nodes",result="unauthorized"} 1`,
		`headway_headscale_requests_duration_seconds_count{operation="set_policy",result="error"} 1`,
		`headway_headscale_requests_duration_seconds_count{operation="list_users",result="canceled"} 1`,
		"headway_db_pool_acquired_conns 1",
		"headway_db_pool_idle_conns 2",
		"headway_db_pool_total_conns 3",
		"headway_db_pool_max_conns 8",
		"headway_sessions_active 5",
		"go_goroutines ",
		"process_start_time_seconds ",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("scrape lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("scrape:\n%s", text)
	}
}

func TestNilMetricsRecordNothing(t *testing.T) {
	t.Parallel()
	var m *Metrics
	m.ObserveRequest("/x", http.MethodGet, 200, time.Millisecond)
	m.SignIn(SignInOIDC, ResultOK)
	m.ObserveHeadscale("health", time.Millisecond, nil)
}

func TestSessionsCountIsCached(t *testing.T) {
	t.Parallel()
	db := &fakeDB{sessions: 4}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := &cachedCount{count: db.CountLiveSessions, ttl: 15 * time.Second, now: func() time.Time { return now }}

	if got := c.get(); got != 4 {
		t.Fatalf("first get = %v, want 4", got)
	}
	db.sessions = 9
	now = now.Add(14 * time.Second)
	if got := c.get(); got != 4 || db.counts.Load() != 1 {
		t.Errorf("get within the TTL = %v after %d queries, want the cached 4 after 1", got, db.counts.Load())
	}
	now = now.Add(time.Second)
	if got := c.get(); got != 9 || db.counts.Load() != 2 {
		t.Errorf("get after the TTL = %v after %d queries, want 9 after 2", got, db.counts.Load())
	}
	// A failed count keeps the last one, and is not retried before the TTL.
	db.err = errors.New("database down")
	now = now.Add(time.Minute)
	if got := c.get(); got != 9 {
		t.Errorf("get while counting fails = %v, want the last count 9", got)
	}
	if got := c.get(); got != 9 || db.counts.Load() != 3 {
		t.Errorf("get right after a failure = %v after %d queries, want 9 after 3", got, db.counts.Load())
	}
}

func TestSessionsUnknownBeforeFirstCount(t *testing.T) {
	t.Parallel()
	db := &fakeDB{err: errors.New("database down")}
	c := &cachedCount{count: db.CountLiveSessions, ttl: time.Second, now: time.Now}
	if got := c.get(); !math.IsNaN(got) {
		t.Errorf("get with no successful count = %v, want NaN", got)
	}
}

func TestServerServesOnlyMetrics(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(New(&fakeDB{}).Server().Handler)
	defer srv.Close()
	for path, want := range map[string]int{"/metrics": http.StatusOK, "/": http.StatusNotFound, "/admin/": http.StatusNotFound} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s = %d, want %d", path, resp.StatusCode, want)
		}
		if path == "/metrics" && !strings.Contains(string(body), "# TYPE headway_sessions_active gauge") {
			t.Errorf("GET /metrics lacks headway_sessions_active:\n%s", body)
		}
	}
}
