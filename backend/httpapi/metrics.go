package httpapi

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// Metrics records what the HTTP layer observes. Deps.Metrics is nil when
// metrics are off, and then nothing is recorded.
type Metrics interface {
	// ObserveRequest records an answered request under its route template
	// ("" when no route matched), never its raw path.
	ObserveRequest(route, method string, status int, d time.Duration)
	// SignIn counts a sign-in that ended: method "oidc" or "api_key", result
	// "ok" or the failure's error code.
	SignIn(method, result string)
}

// Sign-in methods and the successful result, as Metrics.SignIn takes them.
const (
	signInOIDC   = "oidc"
	signInAPIKey = "api_key"
	signInOK     = "ok"
)

// requestMetrics times every request. It runs outside the access log, whose
// error handling has written the response, so the status is final.
func requestMetrics(m Metrics) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		if m == nil {
			return next
		}
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			status := c.Response().Status
			if err != nil && !c.Response().Committed {
				status = http.StatusInternalServerError
				if he := (*echo.HTTPError)(nil); errors.As(err, &he) {
					status = he.Code
				}
			}
			m.ObserveRequest(c.Path(), c.Request().Method, status, time.Since(start))
			return err
		}
	}
}

// countSignIn counts a sign-in that ended, when metrics are on. A failure
// counts under its error code, or "error" when it has none.
func (s *server) countSignIn(method string, err error) {
	if s.metrics == nil {
		return
	}
	result := signInOK
	if err != nil {
		result = "error"
		if e := (*Error)(nil); errors.As(err, &e) && e.Code != "" {
			result = e.Code
		}
	}
	s.metrics.SignIn(method, result)
}

// countLoginFailed counts a browser sign-in that ended on the login page.
func (s *server) countLoginFailed(code string) {
	if s.metrics != nil {
		s.metrics.SignIn(signInOIDC, code)
	}
}
