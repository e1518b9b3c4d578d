package httpapi

import (
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
)

// unmatchedAPIRoute answers API requests no operation took: 405 with Allow when
// the path exists under other methods, else 404. The catch-all is needed so that
// unknown API paths never fall through to the SPA, but echo's router then sends
// wrong-method requests here too.
func unmatchedAPIRoute(e *echo.Echo) echo.HandlerFunc {
	return func(c echo.Context) error {
		var allowed []string
		for _, r := range e.Routes() {
			if r.Path != "/admin/api/*" && routeMatches(r.Path, c.Request().URL.Path) && !slices.Contains(allowed, r.Method) {
				allowed = append(allowed, r.Method)
			}
		}
		if len(allowed) == 0 {
			return echo.ErrNotFound
		}
		slices.Sort(allowed)
		c.Response().Header().Set(echo.HeaderAllow, strings.Join(allowed, ", "))
		return echo.NewHTTPError(http.StatusMethodNotAllowed)
	}
}

// routeMatches reports whether path fits an echo route pattern with :params.
func routeMatches(pattern, path string) bool {
	want, got := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(want) != len(got) {
		return false
	}
	for i := range want {
		if !strings.HasPrefix(want[i], ":") && want[i] != got[i] {
			return false
		}
	}
	return true
}
