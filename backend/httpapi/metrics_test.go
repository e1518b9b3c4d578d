package httpapi

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

type recordedRequest struct {
	route, method string
	status        int
}

type fakeMetrics struct {
	mu       sync.Mutex
	requests []recordedRequest
	signIns  []string
}

func (f *fakeMetrics) ObserveRequest(route, method string, status int, _ time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, recordedRequest{route, method, status})
}

func (f *fakeMetrics) SignIn(method, result string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.signIns = append(f.signIns, method+"/"+result)
}

func TestRequestMetricsUseRouteTemplates(t *testing.T) {
	t.Parallel()
	m := &fakeMetrics{}
	e := echo.New()
	e.Use(requestMetrics(m))
	e.DELETE("/admin/api/v1/sessions/:sessionId", func(c echo.Context) error { return c.NoContent(http.StatusNoContent) })
	e.GET("/admin/fails", func(echo.Context) error { return echo.NewHTTPError(http.StatusTeapot) })

	for _, r := range []struct{ method, path string }{
		{http.MethodDelete, "/admin/api/v1/sessions/0b6f1c2e-secret-id"},
		{http.MethodGet, "/admin/fails"},
		{http.MethodGet, "/nowhere/9f8e7d"},
	} {
		e.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(r.method, r.path, nil))
	}
	want := []recordedRequest{
		{"/admin/api/v1/sessions/:sessionId", http.MethodDelete, http.StatusNoContent},
		{"/admin/fails", http.MethodGet, http.StatusTeapot}, // an error no middleware handled yet
		{"", http.MethodGet, http.StatusNotFound},           // the metrics name it "unmatched"
	}
	if len(m.requests) != len(want) {
		t.Fatalf("recorded %+v, want %+v", m.requests, want)
	}
	for i := range want {
		if m.requests[i] != want[i] {
			t.Errorf("request %d recorded as %+v, want %+v", i, m.requests[i], want[i])
		}
	}
}

func TestNoMetricsRecordsNothing(t *testing.T) {
	t.Parallel()
	s := &server{}
	s.countSignIn(signInAPIKey, nil)
	s.countLoginFailed("idp_error")
	e := echo.New()
	e.Use(requestMetrics(nil))
	e.GET("/", func(c echo.Context) error { return c.NoContent(http.StatusOK) })
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusOK {
		t.Errorf("GET / = %d with metrics off", rec.Code)
	}
}

func TestCountSignInResult(t *testing.T) {
	t.Parallel()
	m := &fakeMetrics{}
	s := &server{metrics: m}
	s.countSignIn(signInAPIKey, nil)
	s.countSignIn(signInAPIKey, &Error{Status: http.StatusUnauthorized, Code: "api_key_unknown"})
	s.countSignIn(signInAPIKey, http.ErrHandlerTimeout)
	s.countLoginFailed("login_attempt_expired")
	want := []string{"api_key/ok", "api_key/api_key_unknown", "api_key/error", "oidc/login_attempt_expired"}
	if len(m.signIns) != len(want) {
		t.Fatalf("counted %q, want %q", m.signIns, want)
	}
	for i := range want {
		if m.signIns[i] != want[i] {
			t.Errorf("sign-in %d counted as %q, want %q", i, m.signIns[i], want[i])
		}
	}
}
