// Package httpapi serves Headway over HTTP: echo, middleware, the handlers of the generated contract, probes and the SPA.
package httpapi

import (
	"context"
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"headway/api"
	"headway/backend/app"
	"headway/backend/audit"
	"headway/backend/auth"
	"headway/backend/config"
	"headway/backend/dns"
	"headway/backend/identity"
	"headway/backend/keys"
	"headway/backend/machines"
	"headway/backend/oidc"
	"headway/backend/policy"
	"headway/backend/tailnet"
)

// Database is what the HTTP layer needs of the store for readiness.
type Database interface {
	Ping(ctx context.Context) error
}

// Headscale is what the HTTP layer needs of Headscale for status and readiness.
type Headscale interface {
	Version(ctx context.Context) (string, error)
}

// Deps are everything the HTTP server is built from.
type Deps struct {
	Logger   *slog.Logger
	Config   *config.Config
	Version  string
	DB       Database
	Services *app.Services
	Audit    *audit.Recorder
	Contract []byte  // openapi.yaml as written
	SPA      fs.FS   // the built frontend, index.html at its root
	Metrics  Metrics // nil when metrics are off
}

// gzipMinLength is the smallest answer worth compressing.
const gzipMinLength = 1024

// maxBodySize bounds request bodies; the largest legitimate one is an ACL policy.
const maxBodySize = "2M"

type server struct {
	logger    *slog.Logger
	cfg       *config.Config
	version   string
	db        Database
	headscale Headscale
	auth      *auth.Service
	identity  *identity.Service
	tailnet   *tailnet.Tailnet
	hsVersion versionCache
	pages     pageCache
	machines  *machines.Service
	keys      *keys.Service
	policy    *policy.Service
	dns       *dns.Service
	oidc      *oidc.Provider
	metrics   Metrics
	audit     *audit.Recorder
	// origin is scheme://host of server.base_url, the only Origin accepted on unsafe requests.
	origin        string
	loginErrorKey []byte
}

var _ api.StrictServerInterface = (*server)(nil)

// New builds the HTTP handler serving everything under /admin.
func New(d Deps) (http.Handler, error) {
	spec, err := api.GetSwagger()
	if err != nil {
		return nil, fmt.Errorf("load contract: %w", err)
	}
	caps, err := operationCapabilities(spec)
	if err != nil {
		return nil, err
	}
	audits, err := operationAudits(spec)
	if err != nil {
		return nil, err
	}
	if d.Audit == nil {
		return nil, errors.New("an audit recorder is required")
	}
	app, err := newSPA(d.SPA)
	if err != nil {
		return nil, fmt.Errorf("load web interface: %w", err)
	}
	loginErrorKey, err := hkdf.Key(sha256.New, []byte(d.Config.Server.CookieSecret.Reveal()), nil, "headway login error cookie", 32)
	if err != nil {
		return nil, fmt.Errorf("derive cookie key: %w", err)
	}
	s := &server{
		logger: d.Logger, cfg: d.Config, version: d.Version, db: d.DB, headscale: d.Services.Headscale,
		auth: d.Services.Auth, identity: d.Services.Identity, tailnet: d.Services.Tailnet, machines: d.Services.Machines,
		keys: d.Services.Keys, policy: d.Services.Policy, dns: d.Services.DNS, oidc: d.Services.OIDC,
		origin: originOf(d.Config.Server.BaseURL), loginErrorKey: loginErrorKey,
		metrics: d.Metrics, audit: d.Audit,
	}

	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = errorHandler(d.Logger)
	// Behind a reverse proxy the client's address comes from X-Forwarded-For,
	// trusted only when the proxy itself is on a loopback or private address.
	e.IPExtractor = echo.ExtractIPFromXFFHeader()
	e.Use(requestID())
	e.Use(requestMetrics(d.Metrics))
	e.Use(accessLog(d.Logger))
	e.Use(recoverPanics())
	e.Use(securityHeaders)
	e.Use(middleware.BodyLimit(maxBodySize))
	// Fast compression for anything worth it: a full machine list shrinks
	// about tenfold, and level 1 costs little CPU next to encoding the JSON.
	e.Use(middleware.GzipWithConfig(middleware.GzipConfig{Level: 1, MinLength: gzipMinLength,
		// The machines list caches its answers compressed and compresses them itself.
		Skipper: func(c echo.Context) bool { return c.Path() == machinesRoute && c.Request().Method == http.MethodGet },
	}))

	e.GET("/", func(c echo.Context) error { return c.Redirect(http.StatusFound, "/admin/") })
	e.GET("/admin", func(c echo.Context) error { return c.Redirect(http.StatusMovedPermanently, "/admin/") })
	e.GET("/admin/healthz", healthz)
	e.GET("/admin/readyz", s.readyz)
	e.GET("/admin/api/docs", app.serve) // the API reference, a page of the SPA
	e.GET("/admin/api/openapi.yaml", func(c echo.Context) error {
		return c.Blob(http.StatusOK, "application/yaml", d.Contract)
	})

	e.GET("/admin/oidc/start", s.oidcStart)
	e.GET("/admin/oidc/callback", s.oidcCallback)

	// Group middleware would make echo answer unknown methods with 404, so
	// identification and authorization run as strict middleware instead.
	apiGroup := e.Group("/admin/api/v1")
	api.RegisterHandlers(apiGroup, api.NewStrictHandler(s, []api.StrictMiddlewareFunc{s.authorize(caps, audits)}))
	// Unknown API paths answer in the error shape rather than falling through to the SPA.
	e.Any("/admin/api/*", unmatchedAPIRoute(e))

	e.GET("/admin/*", app.serve)
	e.HEAD("/admin/*", app.serve)
	return e, nil
}
