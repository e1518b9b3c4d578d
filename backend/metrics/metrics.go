// Package metrics defines Headway's Prometheus metrics and serves them on their own listener.
package metrics

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"headway/backend/headscale"
	"headway/backend/store"
)

// Unmatched is the route label of a request that matched no route: the raw
// path is never a label, so a scanner cannot create a series per URL.
const Unmatched = "unmatched"

// Sign-in methods, the method label of headway_sign_ins_total.
const (
	SignInOIDC   = "oidc"
	SignInAPIKey = "api_key"
)

// ResultOK is the result label of a call or sign-in that succeeded.
const ResultOK = "ok"

// sessionsCacheTTL is how long a count of live sessions is reused, so that
// frequent scrapes cost at most one query per interval.
const sessionsCacheTTL = 15 * time.Second

// sessionsQueryTimeout bounds the count of live sessions during a scrape.
const sessionsQueryTimeout = 2 * time.Second

// Database is what the metrics read from the store.
type Database interface {
	PoolStats() store.PoolStats
	CountLiveSessions(ctx context.Context, now time.Time) (int64, error)
}

// Metrics holds Headway's metrics on a registry of their own (with the Go
// runtime and process collectors), never the global default one. Its methods
// are safe for concurrent use and do nothing on a nil *Metrics.
type Metrics struct {
	registry  *prometheus.Registry
	requests  *prometheus.HistogramVec
	signIns   *prometheus.CounterVec
	headscale *prometheus.HistogramVec
	sessions  *cachedCount
}

// New creates and registers every metric. The pool and session gauges read
// db at scrape time.
func New(db Database) *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "headway_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route template (unmatched when no route matched), method and status.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "method", "status"}),
		signIns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "headway_sign_ins_total",
			Help: "Sign-ins that ended, by method (oidc, api_key) and result (ok, or the failure's error code).",
		}, []string{"method", "result"}),
		headscale: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "headway_headscale_requests_duration_seconds",
			Help:    "Time of calls to Headscale's API, by operation and result (ok, unreachable, unauthorized, not_found, canceled, error).",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"operation", "result"}),
		sessions: &cachedCount{count: db.CountLiveSessions, ttl: sessionsCacheTTL, now: time.Now},
	}
	pool := func(read func(store.PoolStats) int32) func() float64 {
		return func() float64 { return float64(read(db.PoolStats())) }
	}
	m.registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.signIns, m.headscale,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "headway_db_pool_acquired_conns",
			Help: "Database connections in use.",
		}, pool(func(s store.PoolStats) int32 { return s.Acquired })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "headway_db_pool_idle_conns",
			Help: "Database connections open and idle.",
		}, pool(func(s store.PoolStats) int32 { return s.Idle })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "headway_db_pool_total_conns",
			Help: "Database connections open, in use or idle.",
		}, pool(func(s store.PoolStats) int32 { return s.Total })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "headway_db_pool_max_conns",
			Help: "The most database connections the pool opens.",
		}, pool(func(s store.PoolStats) int32 { return s.Max })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "headway_sessions_active",
			Help: "Sessions neither expired nor idle too long; counted at most every 15 seconds.",
		}, m.sessions.get),
	)
	return m
}

// ObserveRequest records one answered HTTP request. route is the matched
// route's template (/admin/api/v1/sessions/:sessionId), "" when none matched.
func (m *Metrics) ObserveRequest(route, method string, status int, d time.Duration) {
	if m == nil {
		return
	}
	if route == "" {
		route = Unmatched
	}
	m.requests.WithLabelValues(route, methodLabel(method), strconv.Itoa(status)).Observe(d.Seconds())
}

// SignIn counts a sign-in that ended: method is SignInOIDC or SignInAPIKey,
// result ResultOK or the failure's stable error code.
func (m *Metrics) SignIn(method, result string) {
	if m == nil {
		return
	}
	m.signIns.WithLabelValues(method, result).Inc()
}

// ObserveHeadscale records one call to Headscale; its signature is a
// headscale.Observer.
func (m *Metrics) ObserveHeadscale(operation string, d time.Duration, err error) {
	if m == nil {
		return
	}
	if operation == "" {
		operation = "unnamed"
	}
	m.headscale.WithLabelValues(operation, headscaleResult(err)).Observe(d.Seconds())
}

// Handler serves the metrics in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

// Server returns an HTTP server answering GET /metrics, to run on a listener
// of its own.
func (m *Metrics) Server() *http.Server {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	return &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
}

// headscaleResult sorts a call's outcome into a few classes.
func headscaleResult(err error) string {
	switch {
	case err == nil:
		return ResultOK
	case errors.Is(err, context.Canceled):
		return "canceled" // the caller went away: not Headscale's fault
	case errors.Is(err, headscale.ErrUnreachable):
		return "unreachable"
	case errors.Is(err, headscale.ErrUnauthorized):
		return "unauthorized"
	case errors.Is(err, headscale.ErrNotFound):
		return "not_found"
	default:
		return "error"
	}
}

// methodLabel keeps the method label to the standard methods.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return method
	default:
		return "other"
	}
}

// cachedCount is a count reused for ttl after it was taken. When counting
// fails, the last count stands (NaN before any succeeded) until the next try,
// ttl later.
type cachedCount struct {
	count func(ctx context.Context, now time.Time) (int64, error)
	ttl   time.Duration
	now   func() time.Time

	mu    sync.Mutex
	value float64
	at    time.Time // when value was last refreshed or tried; zero: never
}

func (c *cachedCount) get() float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if !c.at.IsZero() && now.Sub(c.at) < c.ttl {
		return c.value
	}
	if c.at.IsZero() {
		c.value = math.NaN()
	}
	c.at = now
	ctx, cancel := context.WithTimeout(context.Background(), sessionsQueryTimeout)
	defer cancel()
	if n, err := c.count(ctx, now); err == nil {
		c.value = float64(n)
	}
	return c.value
}
