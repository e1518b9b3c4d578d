package httpapi

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// probeTimeout bounds each dependency check so a hung dependency cannot hang the probe.
const probeTimeout = 2 * time.Second

type probeResult struct {
	Status string            `json:"status"`
	Checks map[string]string `json:"checks,omitempty"`
}

// healthz answers as long as the process serves HTTP.
func healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, probeResult{Status: "ok"})
}

// readyz answers 200 when the database and Headscale both answer, else 503 naming what failed.
func (s *server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), probeTimeout)
	defer cancel()
	checks := map[string]func(context.Context) error{
		"database":  s.db.Ping,
		"headscale": s.headscaleRead,
	}
	result := probeResult{Status: "ok", Checks: map[string]string{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for name, check := range checks {
		wg.Go(func() {
			verdict := "ok"
			if err := check(ctx); err != nil {
				verdict = "unavailable"
				s.logger.WarnContext(ctx, "readiness check failed", "check", name, "err", err)
			}
			mu.Lock()
			result.Checks[name] = verdict
			mu.Unlock()
		})
	}
	wg.Wait()
	status := http.StatusOK
	for _, verdict := range result.Checks {
		if verdict != "ok" {
			result.Status = "unavailable"
			status = http.StatusServiceUnavailable
		}
	}
	return c.JSON(status, result)
}

// headscaleRead fails while the shared snapshot could not be read from
// Headscale (never yet, or the last refresh failed), without asking Headscale again.
func (s *server) headscaleRead(context.Context) error {
	snap := s.tailnet.Snapshot()
	switch {
	case snap.FetchedAt.IsZero():
		return errors.New("headscale has not been read yet")
	case snap.Stale:
		return snap.Err
	}
	return nil
}
