package httpapi

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

func TestPanicBecomesInternalError(t *testing.T) {
	var logged strings.Builder
	e := echo.New()
	e.HTTPErrorHandler = errorHandler(slog.New(slog.NewTextHandler(&logged, nil)))
	e.Use(middleware.RequestID(), recoverPanics())
	e.GET("/boom", func(echo.Context) error { panic("secret-internal-detail") })

	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/boom", nil))

	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status = %d, want 500", rec.Code)
	}
	var body errorResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	if body.Error.Code != "internal" || body.Error.RequestID == "" {
		t.Errorf("error = %+v, want code internal with a request id", body.Error)
	}
	if strings.Contains(rec.Body.String(), "secret-internal-detail") {
		t.Errorf("the panic's text reached the client: %s", rec.Body.String())
	}
	if !strings.Contains(logged.String(), "secret-internal-detail") || !strings.Contains(logged.String(), body.Error.RequestID) {
		t.Errorf("log = %q, want the cause and the request id", logged.String())
	}
}

func TestErrorHandlerKeepsTypedErrors(t *testing.T) {
	e := echo.New()
	e.HTTPErrorHandler = errorHandler(slog.New(slog.NewTextHandler(io.Discard, nil)))
	e.GET("/typed", func(echo.Context) error {
		return &Error{Status: http.StatusConflict, Code: "policy_conflict", Message: "The policy changed.", Hint: "Reload it."}
	})
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/typed", nil))
	var body errorResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	if rec.Code != http.StatusConflict || body.Error.Code != "policy_conflict" || body.Error.Hint != "Reload it." {
		t.Errorf("got %d %+v, want 409 policy_conflict with its hint", rec.Code, body.Error)
	}
}
