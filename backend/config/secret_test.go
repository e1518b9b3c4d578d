package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestSecretNeverPrinted(t *testing.T) {
	t.Parallel()
	const value = "s3cr3t-value-do-not-print"
	s := Secret(value)
	cfg := wantMinimal()
	cfg.Server.CookieSecret = s
	cfg.Database.URL = s
	cfg.Headscale.APIKey = s

	var logged bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logged, nil))
	logger.Info("x", "secret", s, "config", cfg.Server)
	var text bytes.Buffer
	slog.New(slog.NewTextHandler(&text, nil)).Info("x", "secret", s)

	jsonSecret, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	jsonConfig, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mt, _ := s.MarshalText()

	outputs := map[string]string{
		"%v":          fmt.Sprintf("%v", s),
		"%s":          fmt.Sprintf("%s", s),
		"%q":          fmt.Sprintf("%q", s),
		"%x":          fmt.Sprintf("%x", s),
		"%d":          fmt.Sprintf("%d", s),
		"%#v":         fmt.Sprintf("%#v", s),
		"%+v config":  fmt.Sprintf("%+v", cfg),
		"%v config":   fmt.Sprintf("%v", cfg),
		"%#v config":  fmt.Sprintf("%#v", cfg),
		"%v pointer":  fmt.Sprintf("%v", &cfg),
		"Sprint":      fmt.Sprint(s),
		"json":        string(jsonSecret),
		"json config": string(jsonConfig),
		"text":        string(mt),
		"slog json":   logged.String(),
		"slog text":   text.String(),
	}
	for how, out := range outputs {
		if strings.Contains(out, value) {
			t.Errorf("%s leaks the secret: %s", how, out)
		}
		if !strings.Contains(out, "[redacted]") {
			t.Errorf("%s = %s, want it to contain [redacted]", how, out)
		}
	}
	if s.Reveal() != value {
		t.Errorf("Reveal() = %q, want %q", s.Reveal(), value)
	}
}

func TestEmptySecret(t *testing.T) {
	t.Parallel()
	var s Secret
	if got := fmt.Sprintf("%v|%s|%#v", s, s, s); got != "||" {
		t.Errorf("empty secret formats as %q, want empty", got)
	}
	if b, _ := json.Marshal(s); string(b) != `""` {
		t.Errorf("json.Marshal(empty secret) = %s, want \"\"", b)
	}
}
