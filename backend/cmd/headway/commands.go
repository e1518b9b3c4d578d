package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"headway"
	"headway/backend/app"
	"headway/backend/audit"
	"headway/backend/config"
	"headway/backend/headscale"
	"headway/backend/httpapi"
	"headway/backend/metrics"
	"headway/backend/store"
	"headway/backend/version"
	"headway/frontend"
)

// shutdownGrace is how long in-flight requests get to finish after SIGTERM.
const shutdownGrace = 15 * time.Second

// pruneInterval is how often expired sessions and login attempts are deleted.
const pruneInterval = 10 * time.Minute

// auditPruneInterval is how often audit events past audit.retention are deleted.
const auditPruneInterval = time.Hour

func printVersion(stdout io.Writer) error {
	_, err := fmt.Fprintln(stdout, "headway", version.Version)
	return err
}

// loadConfig parses the command's flags and loads the configuration they point to,
// logging every warning (such as unknown keys) before returning.
func loadConfig(name string, args, environ []string, stderr io.Writer) (*config.Config, *slog.Logger, error) {
	flags := flag.NewFlagSet(name, flag.ContinueOnError)
	flags.SetOutput(stderr)
	configPath := flags.String("config", "", "configuration file (default $HEADWAY_CONFIG, else "+config.DefaultPath+")")
	if err := flags.Parse(args); err != nil {
		return nil, nil, err
	}
	if flags.NArg() > 0 {
		return nil, nil, fmt.Errorf("%s: unexpected argument %q", name, flags.Arg(0))
	}
	path, explicit := config.ResolvePath(*configPath, environ)
	cfg, warnings, err := config.Load(path, explicit, environ)
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	if cfg != nil {
		logger = newLogger(stderr, cfg.Server)
	}
	for _, w := range warnings {
		logger.Warn(w)
	}
	if err != nil {
		var invalid *config.ValidationError
		if errors.As(err, &invalid) {
			return nil, nil, fmt.Errorf("the configuration has %d problem(s):\n%w", len(invalid.Problems), err)
		}
		return nil, nil, err
	}
	return cfg, logger, nil
}

// newLogger writes s.LogFormat (text or JSON lines) to w, from s.LogLevel up.
func newLogger(w io.Writer, s config.Server) *slog.Logger {
	opts := &slog.HandlerOptions{Level: s.SlogLevel()}
	if s.LogFormat == config.LogFormatJSON {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func migrate(ctx context.Context, args, environ []string, stderr io.Writer) error {
	cfg, logger, err := loadConfig("migrate", args, environ, stderr)
	if err != nil {
		return err
	}
	if err := store.Migrate(ctx, cfg.Database.URL.Reveal(), logger); err != nil {
		return err
	}
	logger.Info("database is up to date")
	return nil
}

func serve(ctx context.Context, args, environ []string, stderr io.Writer) error {
	cfg, logger, err := loadConfig("serve", args, environ, stderr)
	if err != nil {
		return err
	}
	if err := store.Migrate(ctx, cfg.Database.URL.Reveal(), logger); err != nil {
		return err
	}
	db, err := store.Open(ctx, cfg.Database.URL.Reveal())
	if err != nil {
		return err
	}
	defer db.Close()

	// With metrics off, m stays nil and Deps.Metrics a nil interface.
	var (
		m           *metrics.Metrics
		httpMetrics httpapi.Metrics
		hsOptions   []headscale.Option
	)
	if cfg.Server.MetricsListen != "" {
		m = metrics.New(db)
		httpMetrics = m
		hsOptions = append(hsOptions, headscale.WithObserver(m.ObserveHeadscale))
	}
	services, err := app.Build(ctx, cfg, db, logger, app.Options{HeadscaleOptions: hsOptions})
	if err != nil {
		return err
	}
	go services.Auth.RunPruner(ctx, pruneInterval)
	go services.Tailnet.Run(ctx)
	recorder := audit.NewRecorder(db, logger)
	go recorder.RunPruner(ctx, cfg.Audit.Retention, auditPruneInterval)
	go func() {
		// The first read of a large tailnet leaves megabytes of garbage (the
		// answer as decoded, the tables' scratch space). Hand it back to the
		// OS now rather than whenever the runtime's scavenger gets to it, so
		// that an idle Headway stays small.
		select {
		case <-services.Tailnet.Loaded():
			debug.FreeOSMemory()
		case <-ctx.Done():
		}
	}()

	spa, err := fs.Sub(frontend.Dist, "dist")
	if err != nil {
		return err
	}
	handler, err := httpapi.New(httpapi.Deps{
		Logger:   logger,
		Config:   cfg,
		Version:  version.Version,
		DB:       db,
		Services: services,
		Audit:    recorder,
		Contract: headway.OpenAPI,
		SPA:      spa,
		Metrics:  httpMetrics,
	})
	if err != nil {
		return err
	}

	listener, err := net.Listen("tcp", cfg.Server.ListenAddr())
	if err != nil {
		return fmt.Errorf("listen on %s: %w (set server.host and server.port, or free the port)", cfg.Server.ListenAddr(), err)
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	servers := []*http.Server{srv}
	var (
		metricsSrv      *http.Server
		metricsListener net.Listener
	)
	if m != nil {
		metricsListener, err = net.Listen("tcp", cfg.Server.MetricsListen)
		if err != nil {
			listener.Close()
			return fmt.Errorf("listen on %s for metrics: %w (set server.metrics_listen to a free address, or unset it)", cfg.Server.MetricsListen, err)
		}
		metricsSrv = m.Server()
		metricsSrv.ErrorLog = srv.ErrorLog
		servers = append(servers, metricsSrv)
	}

	served := make(chan error, len(servers))
	go func() { served <- srv.Serve(listener) }()
	logger.Info("headway is serving", "version", version.Version, "listen", listener.Addr().String(), "url", cfg.Server.BaseURL+"/admin/")
	if metricsSrv != nil {
		go func() { served <- fmt.Errorf("metrics: %w", metricsSrv.Serve(metricsListener)) }()
		logger.Info("serving metrics", "listen", metricsListener.Addr().String(), "path", "/metrics")
	}

	// When one listener fails, the other is shut down too and the failure returned.
	var serveErr error
	select {
	case serveErr = <-served:
	case <-ctx.Done():
		logger.Info("shutting down", "grace", shutdownGrace)
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	var shutdownErrs []error
	for _, s := range servers {
		if err := s.Shutdown(shutdownCtx); err != nil {
			shutdownErrs = append(shutdownErrs, err)
		}
	}
	if serveErr != nil {
		return fmt.Errorf("serve: %w", serveErr)
	}
	if err := errors.Join(shutdownErrs...); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
}
