package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"headway/api"
	"headway/backend/headscale/hstest"
	"headway/backend/store/storetest"
)

const testCookieSecret = "0123456789abcdef0123456789abcdef"

// startServe runs "headway serve" with the configuration file body until the
// test ends, and returns once GET base+readyPath answers 200.
func startServe(t *testing.T, config string, environ []string, base, readyPath string) *syncBuffer {
	t.Helper()
	path := writeConfig(t, config)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	log := &syncBuffer{}
	go func() { done <- run(ctx, []string{"serve", "--config", path}, environ, io.Discard, log) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve returned %v after shutdown, want nil", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("serve did not return after its context was cancelled")
		}
	})

	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case err := <-done:
			t.Fatalf("serve returned early: %v\n%s", err, log.String())
		default:
		}
		resp, err := http.Get(base + readyPath)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return log
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("headway did not become ready: last error %v\n%s", err, log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// createAPIKey makes a Headscale API key valid for an hour.
func createAPIKey(t *testing.T, hs *hstest.Server) string {
	t.Helper()
	out := strings.Fields(hs.Headscale(t, "apikeys", "create", "--expiration", "1h"))
	if len(out) == 0 || !strings.HasPrefix(out[len(out)-1], "hskey-api-") {
		t.Fatalf("headscale apikeys create printed %q, not a key", out)
	}
	return out[len(out)-1]
}

// unknownAPIKey is shaped like a Headscale API key that Headscale never issued.
var unknownAPIKey = "hskey-api-AAAAAAAAAAAA-" + strings.Repeat("B", 64)

type reply struct {
	status int
	header http.Header
	body   []byte
}

func send(t *testing.T, method, target string, body any, headers ...string) reply {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, target, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}

// signIn signs in with an API key and returns the session cookie's value and
// the CSRF token.
func signIn(t *testing.T, base, key string) (cookie, csrf string) {
	t.Helper()
	r := send(t, http.MethodPost, base+"/admin/api/v1/auth/apikey", api.APIKeySignIn{ApiKey: key}, "Origin", base)
	if r.status != http.StatusOK {
		t.Fatalf("API-key sign-in = %d %s, want 200", r.status, r.body)
	}
	var me api.Me
	if err := json.Unmarshal(r.body, &me); err != nil || me.CsrfToken == nil {
		t.Fatalf("API-key sign-in answered %s (%v), want a Me with a CSRF token", r.body, err)
	}
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == "headway_session" && c.Value != "" {
			return c.Value, *me.CsrfToken
		}
	}
	t.Fatalf("API-key sign-in set no session cookie: %v", r.header.Values("Set-Cookie"))
	return "", ""
}

func TestMetricsExposedAndCounting(t *testing.T) {
	hs := hstest.Start(t)
	port, metricsPort := freePort(t), freePort(t)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	metricsURL := fmt.Sprintf("http://127.0.0.1:%d/metrics", metricsPort)
	log := startServe(t, fmt.Sprintf(`
server: {host: 127.0.0.1, port: %d, base_url: %q, cookie_secret: %q, cookie_secure: false, metrics_listen: "127.0.0.1:%d"}
database: {url: %q}
headscale: {url: %q}
`, port, base, testCookieSecret, metricsPort, storetest.URL(t), hs.URL), []string{"HEADWAY_HEADSCALE__API_KEY=" + hs.APIKey}, base, "/admin/readyz")

	if want := fmt.Sprintf("listen=127.0.0.1:%d path=/metrics", metricsPort); !strings.Contains(log.String(), want) {
		t.Errorf("the log does not give the metrics address (%s):\n%s", want, log.String())
	}

	cookie, csrf := signIn(t, base, createAPIKey(t, hs))
	if r := send(t, http.MethodPost, base+"/admin/api/v1/auth/apikey", api.APIKeySignIn{ApiKey: unknownAPIKey}, "Origin", base); r.status != http.StatusUnauthorized {
		t.Fatalf("sign-in with an unknown key = %d %s, want 401", r.status, r.body)
	}
	const rawID = "4242424242"
	if r := send(t, http.MethodDelete, base+"/admin/api/v1/sessions/"+rawID, nil,
		"Cookie", "headway_session="+cookie, "X-CSRF-Token", csrf, "Origin", base); r.status != http.StatusNotFound {
		t.Fatalf("DELETE /sessions/%s = %d %s, want 404", rawID, r.status, r.body)
	}
	if r := send(t, http.MethodGet, base+"/admin/api/v1/sessions", nil, "Cookie", "headway_session="+cookie); r.status != http.StatusOK {
		t.Fatalf("GET /sessions = %d %s, want 200", r.status, r.body)
	}
	const rawPath = "/no-such-page-7f3a9c"
	send(t, http.MethodGet, base+rawPath, nil)

	scrape := send(t, http.MethodGet, metricsURL, nil)
	if scrape.status != http.StatusOK {
		t.Fatalf("GET %s = %d", metricsURL, scrape.status)
	}
	text := string(scrape.body)
	for _, want := range []string{
		`headway_sign_ins_total{method="api_key",result="ok"} 1`,
		`headway_sign_ins_total{method="api_key",result="api_key_unknown"} 1`,
		`headway_http_request_duration_seconds_count{method="DELETE",route="/admin/api/v1/sessions/:sessionId",status="404"} 1`,
		`headway_http_request_duration_seconds_count{method="GET",route="/admin/api/v1/sessions",status="200"} 1`,
		`headway_http_request_duration_seconds_count{method="POST",route="/admin/api/v1/auth/apikey",status="401"} 1`,
		`headway_http_request_duration_seconds_bucket{method="GET",route="unmatched",status="404",le="+Inf"} 1`,
		`headway_headscale_requests_duration_seconds_count{operation="list_nodes",result="ok"}`, // the snapshot's refresh
		"headway_db_pool_max_conns ",
		"headway_db_pool_total_conns ",
		"headway_db_pool_acquired_conns ",
		"headway_db_pool_idle_conns ",
		"go_goroutines ",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the scrape lacks %s", want)
		}
	}
	for _, raw := range []string{rawID, rawPath} {
		if strings.Contains(text, raw) {
			t.Errorf("the scrape holds the raw %q: routes must be templates", raw)
		}
	}
	if n := gauge(t, text, "headway_sessions_active"); n < 1 {
		t.Errorf("headway_sessions_active = %v, want at least 1", n)
	}
	if n := gauge(t, text, "headway_db_pool_max_conns"); n < 1 {
		t.Errorf("headway_db_pool_max_conns = %v, want at least 1", n)
	}
	if t.Failed() {
		t.Logf("scrape:\n%s", text)
	}

	// The metrics stay on their own listener.
	if r := send(t, http.MethodGet, base+"/metrics", nil); strings.Contains(string(r.body), "headway_sign_ins_total") {
		t.Error("the main listener serves the metrics")
	}
}

// gauge returns the value of the unlabelled sample name in an exposition.
func gauge(t *testing.T, text, name string) float64 {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("%s has value %q", name, v)
			}
			return f
		}
	}
	t.Fatalf("the scrape has no %s", name)
	return 0
}

// TestNoSecretReachesTheLog runs serve at debug level with JSON logs and
// sends every kind of secret Headway handles; none may appear in the log.
func TestNoSecretReachesTheLog(t *testing.T) {
	hs := hstest.Start(t)
	port := freePort(t)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	const dbPassword = "s3cretpw"
	// The test Postgres trusts local connections: the password is sent and ignored.
	dbURL, err := url.Parse(storetest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	dbURL.User = url.UserPassword(dbURL.User.Username(), dbPassword)
	log := startServe(t, fmt.Sprintf(`
server: {host: 127.0.0.1, port: %d, base_url: %q, cookie_secure: false, log_format: json, log_level: debug}
database: {url: %q}
headscale: {url: %q}
`, port, base, dbURL.String(), hs.URL), []string{
		"HEADWAY_HEADSCALE__API_KEY=" + hs.APIKey,
		"HEADWAY_SERVER__COOKIE_SECRET=" + testCookieSecret,
	}, base, "/admin/readyz")

	signInKey, bearerKey := createAPIKey(t, hs), createAPIKey(t, hs)
	cookie, csrf := signIn(t, base, signInKey)
	send(t, http.MethodPost, base+"/admin/api/v1/auth/apikey", api.APIKeySignIn{ApiKey: unknownAPIKey}, "Origin", base)
	const queryToken = "qtok-5d1e9a7c3b"
	withCookie := []string{"Cookie", "headway_session=" + cookie}
	send(t, http.MethodGet, base+"/admin/api/v1/me?token="+queryToken, nil, withCookie...)
	send(t, http.MethodGet, base+"/admin/api/v1/sessions?token="+queryToken, nil, withCookie...)
	send(t, http.MethodGet, base+"/admin/login?token="+queryToken, nil)
	send(t, http.MethodGet, base+"/admin/oidc/callback?code="+queryToken+"&state="+queryToken, nil)
	send(t, http.MethodDelete, base+"/admin/api/v1/sessions/999999?token="+queryToken, nil,
		append(withCookie, "X-CSRF-Token", csrf, "Origin", base)...)
	send(t, http.MethodDelete, base+"/admin/api/v1/sessions/999999", nil,
		append(withCookie, "X-CSRF-Token", "wrong-"+csrf, "Origin", base)...)
	send(t, http.MethodGet, base+"/admin/api/v1/me", nil, "Authorization", "Bearer "+bearerKey)
	send(t, http.MethodGet, base+"/admin/api/v1/me", nil, "Authorization", "Bearer "+unknownAPIKey)
	send(t, http.MethodGet, base+"/admin/api/v1/me", nil, "Authorization", "Basic "+bearerKey)
	if r := send(t, http.MethodPost, base+"/admin/api/v1/auth/logout", nil, append(withCookie, "X-CSRF-Token", csrf, "Origin", base)...); r.status != http.StatusOK {
		t.Errorf("sign-out = %d %s, want 200", r.status, r.body)
	}

	text := log.String()
	secret := func(key string) string { return key[len("hskey-api-AAAAAAAAAAAA-"):] } // the part after the public prefix
	for what, value := range map[string]string{
		"server.cookie_secret":              testCookieSecret,
		"headscale.api_key":                 hs.APIKey,
		"headscale.api_key's secret part":   secret(hs.APIKey),
		"the database password":             dbPassword,
		"the session cookie":                cookie,
		"the CSRF token":                    csrf,
		"the sign-in API key's secret part": secret(signInKey),
		"the bearer key's secret part":      secret(bearerKey),
		"the unknown API key's secret part": secret(unknownAPIKey),
		"a token in the query string":       queryToken,
	} {
		if strings.Contains(text, value) {
			t.Errorf("%s reached the log", what)
		}
	}

	// Every line is a JSON object with time, level and msg; debug is on.
	levels := map[string]bool{}
	for i, line := range strings.Split(strings.TrimSpace(text), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %d is not JSON (%v): %s", i+1, err, line)
		}
		for _, k := range []string{"time", "level", "msg"} {
			if _, ok := rec[k]; !ok {
				t.Errorf("log line %d has no %q: %s", i+1, k, line)
			}
		}
		levels[fmt.Sprint(rec["level"])] = true
	}
	if !levels["DEBUG"] {
		t.Error("log_level debug logged no DEBUG line")
	}
	if !strings.Contains(text, `"msg":"signed in"`) || !strings.Contains(text, `"msg":"request"`) {
		t.Errorf("the log lacks the sign-in and request lines:\n%s", text)
	}
	if t.Failed() {
		t.Logf("log:\n%s", text)
	}
}

// TestLogLevelFilters checks that server.log_level drops less severe lines.
func TestLogLevelFilters(t *testing.T) {
	port := freePort(t)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	log := startServe(t, fmt.Sprintf(`
server: {host: 127.0.0.1, port: %d, base_url: %q, cookie_secret: %q, cookie_secure: false, log_level: warn}
database: {url: %q}
headscale: {url: "http://127.0.0.1:1", api_key: "k"}
`, port, base, testCookieSecret, storetest.URL(t)), nil, base, "/admin/healthz")
	send(t, http.MethodGet, base+"/admin/healthz", nil)
	if text := log.String(); strings.Contains(text, "level=INFO") || strings.Contains(text, "headway is serving") {
		t.Errorf("log_level warn still logged info lines:\n%s", text)
	}
}

// TestMetricsListenerBusy checks that serve refuses to start, and frees its
// own port, when the metrics address is taken.
func TestMetricsListenerBusy(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	port := freePort(t)
	path := writeConfig(t, fmt.Sprintf(`
server: {host: 127.0.0.1, port: %d, base_url: "http://127.0.0.1:%d", cookie_secret: %q, metrics_listen: %q}
database: {url: %q}
headscale: {url: "http://127.0.0.1:1", api_key: "k"}
`, port, port, testCookieSecret, busy.Addr().String(), storetest.URL(t)))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = run(ctx, []string{"serve", "--config", path}, nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "server.metrics_listen") {
		t.Fatalf("serve with the metrics address taken = %v, want an error naming server.metrics_listen", err)
	}
	if conn, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
		conn.Close()
		t.Error("Headway's port is still open after serve refused to start")
	}
}
