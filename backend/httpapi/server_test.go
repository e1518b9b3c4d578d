package httpapi

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"headway"
	"headway/backend/app"
	"headway/backend/audit"
	"headway/backend/config"
	"headway/backend/headscale/hstest"
	"headway/backend/store/storetest"
)

// testServer is Headway's HTTP handler over a real database and a real Headscale.
type testServer struct {
	*httptest.Server
	headscale *hstest.Server
	services  *app.Services
}

// stopHeadscale stops Headscale and lets Headway notice, as its next background refresh would.
func (s *testServer) stopHeadscale(t *testing.T) {
	t.Helper()
	s.headscale.Stop()
	if err := s.services.Tailnet.Refresh(context.Background()); err == nil {
		t.Fatal("refresh with Headscale stopped succeeded")
	}
}

var testSPA = fstest.MapFS{
	"index.html":            {Data: []byte("<!doctype html><title>Headway</title><div id=root></div>")},
	"assets/index-abc12.js": {Data: []byte("console.log('app')")},
	"favicon.svg":           {Data: []byte("<svg/>")},
}

func startServer(t *testing.T) *testServer {
	t.Helper()
	hs := hstest.Start(t)
	cfg := &config.Config{
		Server:    config.Server{BaseURL: "http://127.0.0.1", CookieSecret: "0123456789abcdef0123456789abcdef"},
		Headscale: config.Headscale{URL: hs.URL, PublicURL: "https://hs.example.com", APIKey: config.Secret(hs.APIKey)},
	}
	db := storetest.New(t)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	services, err := app.Build(context.Background(), cfg, db, logger, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := services.Tailnet.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	handler, err := New(Deps{
		Logger:   logger,
		Config:   cfg,
		Version:  "1.2.3-test",
		DB:       db,
		Services: services,
		Audit:    audit.NewRecorder(db, logger),
		Contract: headway.OpenAPI,
		SPA:      testSPA,
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	return &testServer{Server: srv, headscale: hs, services: services}
}

func (s *testServer) do(t *testing.T, method, path string, body io.Reader) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func decode[T any](t *testing.T, resp *http.Response) T {
	t.Helper()
	var v T
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		t.Fatalf("decode %s: %v", resp.Request.URL.Path, err)
	}
	return v
}

type errorResponse struct {
	Error struct {
		Code, Message, Hint, RequestID string
	} `json:"error"`
}

type infoBody struct {
	Version   string
	Headscale struct {
		Reachable bool
		Version   string
		PublicURL string `json:"publicUrl"`
		Error     string
	}
	SignIn struct {
		OIDC struct {
			Configured, Available bool
		} `json:"oidc"`
		APIKey       bool `json:"apiKey"`
		CookieSecure bool `json:"cookieSecure"`
	}
}

func TestInfoReportsHeadscale(t *testing.T) {
	s := startServer(t)

	resp := s.do(t, http.MethodGet, "/admin/api/v1/info", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /info = %d, want 200", resp.StatusCode)
	}
	info := decode[infoBody](t, resp)
	if info.Version != "1.2.3-test" {
		t.Errorf("version = %q, want 1.2.3-test", info.Version)
	}
	if !info.Headscale.Reachable || info.Headscale.Version != hstest.DefaultVersion {
		t.Errorf("headscale = %+v, want reachable %s", info.Headscale, hstest.DefaultVersion)
	}
	if info.Headscale.PublicURL != "https://hs.example.com" {
		t.Errorf("publicUrl = %q", info.Headscale.PublicURL)
	}
	if !info.SignIn.APIKey {
		t.Errorf("signIn.apiKey = false, want true")
	}

	s.stopHeadscale(t)
	info = decode[infoBody](t, s.do(t, http.MethodGet, "/admin/api/v1/info", nil))
	if info.Headscale.Reachable || info.Headscale.Version != "" {
		t.Errorf("with Headscale stopped, headscale = %+v, want unreachable", info.Headscale)
	}
	if info.Headscale.Error == "" || strings.Contains(info.Headscale.Error, "127.0.0.1") {
		t.Errorf("unreachable error = %q, want a reason that names no internal address", info.Headscale.Error)
	}
}

func TestProbes(t *testing.T) {
	s := startServer(t)

	if resp := s.do(t, http.MethodGet, "/admin/healthz", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("healthz = %d, want 200", resp.StatusCode)
	}
	resp := s.do(t, http.MethodGet, "/admin/readyz", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("readyz = %d, want 200", resp.StatusCode)
	}

	s.stopHeadscale(t)
	resp = s.do(t, http.MethodGet, "/admin/readyz", nil)
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("readyz with Headscale down = %d, want 503", resp.StatusCode)
	}
	got := decode[probeResult](t, resp)
	if got.Checks["headscale"] != "unavailable" || got.Checks["database"] != "ok" {
		t.Errorf("readyz checks = %v, want headscale unavailable and database ok", got.Checks)
	}
	if resp := s.do(t, http.MethodGet, "/admin/healthz", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("healthz with Headscale down = %d, want 200 (liveness does not depend on Headscale)", resp.StatusCode)
	}
}

func TestErrorShape(t *testing.T) {
	s := startServer(t)
	tests := []struct {
		name, method, path string
		body               io.Reader
		wantStatus         int
		wantCode           string
	}{
		{"unknown API path", http.MethodGet, "/admin/api/v1/nope", nil, 404, "not_found"},
		{"unknown API version", http.MethodGet, "/admin/api/v2/info", nil, 404, "not_found"},
		{"wrong method", http.MethodPost, "/admin/api/v1/info", nil, 405, "method_not_allowed"},
		{"wrong method, unknown path", http.MethodPost, "/admin/api/v1/nope", nil, 404, "not_found"},
		{"body over the limit", http.MethodPost, "/admin/api/v1/info", strings.NewReader(strings.Repeat("x", 3<<20)), 413, "request_too_large"},
		{"missing hashed asset", http.MethodGet, "/admin/assets/index-old.js", nil, 404, "not_found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := s.do(t, tc.method, tc.path, tc.body)
			if resp.StatusCode != tc.wantStatus {
				t.Fatalf("%s %s = %d, want %d", tc.method, tc.path, resp.StatusCode, tc.wantStatus)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type = %q, want JSON", ct)
			}
			got := decode[errorResponse](t, resp)
			if got.Error.Code != tc.wantCode || got.Error.Message == "" {
				t.Errorf("error = %+v, want code %q with a message", got.Error, tc.wantCode)
			}
			if got.Error.RequestID == "" || got.Error.RequestID != resp.Header.Get("X-Request-Id") {
				t.Errorf("requestId = %q, header %q: want the same, non-empty", got.Error.RequestID, resp.Header.Get("X-Request-Id"))
			}
		})
	}
}

func TestSecurityHeaders(t *testing.T) {
	s := startServer(t)
	for _, path := range []string{"/admin/", "/admin/api/v1/info", "/admin/api/v1/nope"} {
		resp := s.do(t, http.MethodGet, path, nil)
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP = %q", path, csp)
		}
		for header, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"} {
			if got := resp.Header.Get(header); got != want {
				t.Errorf("%s: %s = %q, want %q", path, header, got, want)
			}
		}
	}
}

func TestServesSPA(t *testing.T) {
	s := startServer(t)
	tests := []struct {
		path, wantBody, wantCache string
	}{
		{"/admin/", "<div id=root>", "no-store"},
		{"/admin/machines/42", "<div id=root>", "no-store"}, // a client route gets index.html
		{"/admin/index.html", "<div id=root>", "no-store"},
		{"/admin/api/docs", "<div id=root>", "no-store"}, // the API reference is a page of the SPA
		{"/admin/assets/index-abc12.js", "console.log", "public, max-age=31536000, immutable"},
		{"/admin/favicon.svg", "<svg/>", "no-cache"},
	}
	for _, tc := range tests {
		resp := s.do(t, http.MethodGet, tc.path, nil)
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), tc.wantBody) {
			t.Errorf("GET %s = %d %q, want 200 containing %q", tc.path, resp.StatusCode, body, tc.wantBody)
		}
		if got := resp.Header.Get("Cache-Control"); got != tc.wantCache {
			t.Errorf("GET %s Cache-Control = %q, want %q", tc.path, got, tc.wantCache)
		}
	}
	for path, want := range map[string]string{"/admin": "/admin/", "/": "/admin/"} {
		resp := s.do(t, http.MethodGet, path, nil)
		if loc := resp.Header.Get("Location"); resp.StatusCode/100 != 3 || loc != want {
			t.Errorf("GET %s = %d to %q, want a redirect to %q", path, resp.StatusCode, loc, want)
		}
	}
}

func TestServesContract(t *testing.T) {
	s := startServer(t)
	resp := s.do(t, http.MethodGet, "/admin/api/openapi.yaml", nil)
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || string(body) != string(headway.OpenAPI) {
		t.Errorf("GET /admin/api/openapi.yaml = %d, %d bytes; want 200 with openapi.yaml as written", resp.StatusCode, len(body))
	}
}

func TestCompressesLargeResponses(t *testing.T) {
	s := startServer(t)
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/admin/api/openapi.yaml", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	// A transport that leaves decompression to the test, to see the header.
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if got := resp.Header.Get("Content-Encoding"); got != "gzip" {
		t.Errorf("Content-Encoding = %q, want gzip for a client that accepts it", got)
	}

	resp = s.do(t, http.MethodGet, "/admin/healthz", nil)
	if got := resp.Header.Get("Content-Encoding"); got != "" {
		t.Errorf("a tiny answer got Content-Encoding %q, want none", got)
	}
}

func TestMachineListCompressedOnceAndDecodable(t *testing.T) {
	s := startServer(t)
	s.headscale.CreateUser(t, "gzip-user")
	for _, name := range []string{"gz-a", "gz-b", "gz-c"} {
		hstest.AddDebugNode(t, s.headscale, "gzip-user", name)
	}
	if err := s.services.Tailnet.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	get := func(acceptGzip bool) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, s.URL+"/admin/api/v1/machines", nil)
		req.Header.Set("Authorization", "Bearer "+s.headscale.APIKey)
		if acceptGzip {
			req.Header.Set("Accept-Encoding", "gzip")
		}
		resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, body
	}

	resp, zipped := get(true)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("GET /machines accepting gzip = %d, Content-Encoding %q", resp.StatusCode, resp.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(zipped))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	resp, plain := get(false)
	if resp.Header.Get("Content-Encoding") != "" {
		t.Errorf("a client that does not accept gzip got Content-Encoding %q", resp.Header.Get("Content-Encoding"))
	}
	var page struct {
		Machines []struct{ GivenName string }
		Total    int
	}
	if err := json.Unmarshal(unzipped, &page); err != nil || page.Total != 3 || len(page.Machines) != 3 {
		t.Fatalf("gzipped answer = %s (%v), want 3 machines", unzipped, err)
	}
	if !bytes.Equal(unzipped, plain) {
		t.Errorf("the gzipped and plain answers differ:\n%s\n%s", unzipped, plain)
	}
}

// TestRequestIDFromClient: a caller's short, plain X-Request-Id is kept (a
// proxy's id then ties its log to ours); anything longer or with other
// characters is replaced, so no client writes arbitrary text into the log or
// the audit trail.
func TestRequestIDFromClient(t *testing.T) {
	s := startServer(t)
	for _, tc := range []struct {
		sent string
		kept bool
	}{
		{"proxy-7f3a_01.2", true},
		{strings.Repeat("a", 65), false},
		{"evil\" actor=admin", false},
		{"zwölf", false},
	} {
		req, err := http.NewRequest(http.MethodGet, s.URL+"/admin/api/v1/info", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Request-Id", tc.sent)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		got := resp.Header.Get("X-Request-Id")
		if (got == tc.sent) != tc.kept || got == "" {
			t.Errorf("X-Request-Id %q answered with %q, want it kept: %v", tc.sent, got, tc.kept)
		}
	}
}
