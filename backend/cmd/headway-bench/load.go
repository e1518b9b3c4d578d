package main

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// requestTimeout bounds one request, and so how long a run can outlast its
// duration while the last requests finish.
const requestTimeout = 60 * time.Second

// maxRequestsPerRun bounds one scenario's request count whatever its duration.
const maxRequestsPerRun = 5_000_000

// scenario is one request repeated by every connection.
type scenario struct {
	Name   string // short key, e.g. "machines_page"
	Target string // the server measured: "headway" or "headscale"
	Method string
	URL    string
	Header http.Header
}

// loadResult is what one scenario measured.
type loadResult struct {
	Name        string  `json:"name"`
	Target      string  `json:"target"`
	Path        string  `json:"path"`
	Connections int     `json:"connections"`
	DurationS   float64 `json:"durationSeconds"`
	Requests    int64   `json:"requests"`
	Errors      int64   `json:"errors"`
	RPS         float64 `json:"requestsPerSecond"`
	P50ms       float64 `json:"p50Ms"`
	P90ms       float64 `json:"p90Ms"`
	P99ms       float64 `json:"p99Ms"`
	MaxMs       float64 `json:"maxMs"`
	MeanBytes   float64 `json:"meanResponseBytes"`
	// PeakRSSKiB is the largest VmRSS of the Headway process seen while this
	// scenario ran (sampled every 100 ms); 0 when not sampled.
	PeakRSSKiB int64 `json:"peakRssKiB,omitempty"`
	// FirstError describes one failure (status or transport error), if any.
	FirstError string `json:"firstError,omitempty"`
}

// runLoad sends sc's request from conns connections, back to back, for d,
// then waits for the requests under way; the rate is over the whole time.
// Every request counts: non-2xx answers and transport errors as errors, all
// of them in the latency distribution.
func runLoad(ctx context.Context, sc scenario, conns int, d time.Duration) loadResult {
	tr := &http.Transport{
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     30 * time.Second,
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: requestTimeout}
	var (
		issued   atomic.Int64
		errs     atomic.Int64
		bytes    atomic.Int64
		mu       sync.Mutex
		all      []time.Duration
		firstErr string
		wg       sync.WaitGroup
	)
	start := time.Now()
	deadline := start.Add(d)
	for range conns {
		wg.Go(func() {
			lat := make([]time.Duration, 0, 4096)
			// No new request after the deadline; those under way finish and
			// count (a slow endpoint would otherwise show no requests at all).
			for ctx.Err() == nil && time.Now().Before(deadline) && issued.Add(1) <= maxRequestsPerRun {
				t0 := time.Now()
				n, failure := doRequest(ctx, client, sc)
				el := time.Since(t0)
				if ctx.Err() != nil {
					break // interrupted
				}
				lat = append(lat, el)
				bytes.Add(n)
				if failure != "" {
					errs.Add(1)
					mu.Lock()
					if firstErr == "" {
						firstErr = failure
					}
					mu.Unlock()
				}
			}
			mu.Lock()
			all = append(all, lat...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)

	slices.Sort(all)
	r := loadResult{
		Name: sc.Name, Target: sc.Target, Path: pathOf(sc.URL),
		Connections: conns, DurationS: elapsed.Seconds(),
		Requests: int64(len(all)), Errors: errs.Load(), FirstError: firstErr,
	}
	if len(all) > 0 {
		r.RPS = float64(len(all)) / elapsed.Seconds()
		r.P50ms = ms(percentile(all, 0.50))
		r.P90ms = ms(percentile(all, 0.90))
		r.P99ms = ms(percentile(all, 0.99))
		r.MaxMs = ms(all[len(all)-1])
		r.MeanBytes = float64(bytes.Load()) / float64(len(all))
	}
	return r
}

// doRequest sends one request and reads the whole answer. It returns the
// bytes read and a description of the failure ("" for a 2xx answer).
func doRequest(ctx context.Context, client *http.Client, sc scenario) (int64, string) {
	req, err := http.NewRequestWithContext(ctx, sc.Method, sc.URL, nil)
	if err != nil {
		return 0, err.Error()
	}
	for k, v := range sc.Header {
		req.Header[k] = v
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return n, "HTTP " + resp.Status
	}
	if err != nil {
		return n, "reading the body: " + err.Error()
	}
	return n, ""
}

// percentile of sorted durations (nearest rank).
func percentile(sorted []time.Duration, p float64) time.Duration {
	i := int(p*float64(len(sorted))+0.5) - 1
	i = max(0, min(i, len(sorted)-1))
	return sorted[i]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// pathOf is the path and query of a URL (the scheme and host are loopback
// details of one run).
func pathOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.RequestURI()
}
