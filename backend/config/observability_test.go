package config

import (
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestObservabilityKeys(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		environ []string
		want    Server // only MetricsListen, LogFormat and LogLevel are compared
	}{
		{"defaults: metrics off, text, info", nil, Server{LogFormat: "text", LogLevel: "info"}},
		{
			"set from the environment",
			[]string{"HEADWAY_SERVER__METRICS_LISTEN=127.0.0.1:9090", "HEADWAY_SERVER__LOG_FORMAT=json", "HEADWAY_SERVER__LOG_LEVEL=debug"},
			Server{MetricsListen: "127.0.0.1:9090", LogFormat: "json", LogLevel: "debug"},
		},
		{
			"format and level are case-insensitive",
			[]string{"HEADWAY_SERVER__LOG_FORMAT=JSON", "HEADWAY_SERVER__LOG_LEVEL= Warn "},
			Server{LogFormat: "json", LogLevel: "warn"},
		},
		{"IPv6 and any-address hosts", []string{"HEADWAY_SERVER__METRICS_LISTEN=[::1]:9090"}, Server{MetricsListen: "[::1]:9090", LogFormat: "text", LogLevel: "info"}},
		{"no host listens everywhere", []string{"HEADWAY_SERVER__METRICS_LISTEN=:9090"}, Server{MetricsListen: ":9090", LogFormat: "text", LogLevel: "info"}},
		{
			"same port on another host",
			[]string{"HEADWAY_SERVER__HOST=127.0.0.1", "HEADWAY_SERVER__METRICS_LISTEN=127.0.0.2:3000"},
			Server{MetricsListen: "127.0.0.2:3000", LogFormat: "text", LogLevel: "info"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg, warnings, err := Load(missingDefault(t), false, env(tc.environ...))
			if err != nil || len(warnings) > 0 {
				t.Fatalf("Load() = %v, %q", err, warnings)
			}
			got := Server{MetricsListen: cfg.Server.MetricsListen, LogFormat: cfg.Server.LogFormat, LogLevel: cfg.Server.LogLevel}
			if got != tc.want {
				t.Errorf("Load() server = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestObservabilityProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		env  string
		key  string
		want string // substring of the problem line
	}{
		{"HEADWAY_SERVER__METRICS_LISTEN=9090", "server.metrics_listen", `must be host:port, got "9090"`},
		{"HEADWAY_SERVER__METRICS_LISTEN=localhost", "server.metrics_listen", "such as 127.0.0.1:9090, or leave it unset to turn metrics off"},
		{"HEADWAY_SERVER__METRICS_LISTEN=127.0.0.1:http", "server.metrics_listen", `must have a port between 1 and 65535, got "http"`},
		{"HEADWAY_SERVER__METRICS_LISTEN=127.0.0.1:0", "server.metrics_listen", `got "0"`},
		{"HEADWAY_SERVER__METRICS_LISTEN=127.0.0.1:70000", "server.metrics_listen", `got "70000"`},
		// The main listener is 0.0.0.0:3000 by default: any host on port 3000 collides.
		{"HEADWAY_SERVER__METRICS_LISTEN=127.0.0.1:3000", "server.metrics_listen", "uses port 3000, which server.host and server.port already listen on"},
		{"HEADWAY_SERVER__LOG_FORMAT=logfmt", "server.log_format", `server.log_format: must be text or json, got "logfmt"`},
		{"HEADWAY_SERVER__LOG_LEVEL=verbose", "server.log_level", `server.log_level: must be one of debug, info, warn, error, got "verbose"`},
		{"HEADWAY_SERVER__LOG_LEVEL=warning", "server.log_level", `got "warning"`},
	}
	for _, tc := range tests {
		t.Run(tc.env, func(t *testing.T) {
			t.Parallel()
			_, _, err := Load(missingDefault(t), false, env(tc.env))
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Load() error = %v, want a *ValidationError", err)
			}
			if len(ve.Problems) != 1 || ve.Problems[0].Key != tc.key || !strings.Contains(ve.Problems[0].String(), tc.want) {
				t.Errorf("Load() problems = %q, want one for %s containing %q", ve.Error(), tc.key, tc.want)
			}
		})
	}
}

func TestSlogLevel(t *testing.T) {
	t.Parallel()
	for level, want := range map[string]slog.Level{
		"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError, "": slog.LevelInfo,
	} {
		if got := (Server{LogLevel: level}).SlogLevel(); got != want {
			t.Errorf("Server{LogLevel: %q}.SlogLevel() = %v, want %v", level, got, want)
		}
	}
}
