package httpapi

import (
	"context"
	"sync"
	"time"

	"headway/api"
)

// GetInfo reports Headway's version, whether Headscale answers, and how people
// can sign in. Whether Headscale answers comes from the shared snapshot's last
// refresh, so this public endpoint never makes Headscale work per request.
func (s *server) GetInfo(ctx context.Context, _ api.GetInfoRequestObject) (api.GetInfoResponseObject, error) {
	status := api.HeadscaleStatus{PublicUrl: s.cfg.Headscale.PublicURL}
	if s.headscaleAnswers() {
		status.Reachable = true
		if v := s.hsVersion.get(ctx, s.headscale.Version); v != "" {
			status.Version = &v
		}
		// Cached by the keys service, so this asks Headscale at most every few minutes.
		if expires, known, err := s.keys.OwnKeyExpiry(ctx); err == nil && known {
			soon := time.Until(expires) < apiKeyWarning
			status.ApiKeyExpiresAt, status.ApiKeyExpiresSoon = &expires, &soon
		}
	} else {
		// The cause names internal addresses; anonymous callers get only the verdict.
		reason := "Headscale did not answer. Headway's log has the details."
		status.Error = &reason
	}
	return api.GetInfo200JSONResponse{
		Version:   s.version,
		Headscale: status,
		SignIn: api.SignInMethods{
			Oidc:         s.oidcStatus(ctx),
			ApiKey:       !s.cfg.OIDC.DisableAPIKeyLogin,
			CookieSecure: s.cfg.Server.CookieSecure,
		},
	}, nil
}

// headscaleAnswers reports whether the last read of Headscale succeeded.
func (s *server) headscaleAnswers() bool {
	snap := s.tailnet.Snapshot()
	return !snap.FetchedAt.IsZero() && !snap.Stale
}

// apiKeyWarning is how long before its API key expires Headway starts warning.
const apiKeyWarning = 30 * 24 * time.Hour

// versionCacheTTL bounds how often Headscale's version is asked for; it changes only on upgrades.
const versionCacheTTL = time.Minute

// versionCache remembers Headscale's version for a while.
type versionCache struct {
	mu        sync.Mutex
	version   string
	checkedAt time.Time
}

// get returns the cached version, asking Headscale when it is older than versionCacheTTL.
// Concurrent callers wait for one answer rather than each asking.
func (c *versionCache) get(ctx context.Context, ask func(context.Context) (string, error)) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != "" && time.Since(c.checkedAt) < versionCacheTTL {
		return c.version
	}
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	if v, err := ask(ctx); err == nil {
		c.version, c.checkedAt = v, time.Now()
	}
	return c.version
}

// oidcStatus says whether single sign-on is configured and its provider answers.
// The provider remembers a failed discovery for a while, so this does not hammer a dead one.
func (s *server) oidcStatus(ctx context.Context) api.OIDCStatus {
	if s.oidc == nil {
		return api.OIDCStatus{}
	}
	status := api.OIDCStatus{Configured: true, Available: true}
	if e := s.oidc.Status(ctx); e != nil {
		status.Available = false
		body := errorBody(loginError{Code: e.Code, Message: e.Message, Hint: e.Hint})
		status.Error = &body
	}
	return status
}
