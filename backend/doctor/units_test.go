package doctor

import (
	"errors"
	"strings"
	"testing"
	"time"

	"headway/backend/config"
	"headway/backend/headscale"
)

func TestSplitAPIKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		key, prefix, secret string
		ok                  bool
	}{
		{"hskey-api-0LnDc4Sv5xIj-" + strings.Repeat("s", 64), "0LnDc4Sv5xIj", strings.Repeat("s", 64), true},
		{"hskey-api-0LnDc4Sv5xIj-with-dashes", "0LnDc4Sv5xIj", "with-dashes", true},
		{"abcdefg.secretpart", "abcdefg", "secretpart", true},
		{"hskey-api-short", "", "", false},
		{"hskey-api-0LnDc4Sv5xIj-", "", "", false},
		{"no-separator", "", "", false},
		{".secret", "", "", false},
	}
	for _, tc := range tests {
		prefix, secret, ok := splitAPIKey(tc.key)
		if prefix != tc.prefix || secret != tc.secret || ok != tc.ok {
			t.Errorf("splitAPIKey(%q) = %q, %q, %v; want %q, %q, %v", tc.key, prefix, secret, ok, tc.prefix, tc.secret, tc.ok)
		}
	}
	for in, want := range map[string]string{"hskey-api-0LnDc4Sv5xIj-***": "0LnDc4Sv5xIj", "abcdefg***": "abcdefg", "abcdefg": "abcdefg"} {
		if got := listedPrefix(in); got != want {
			t.Errorf("listedPrefix(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestKeyExpiryCheck(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { x := now.Add(d); return &x }
	const key = "hskey-api-AAAAAAAAAAAA-s3cr3tv4lue"
	list := func(exp *time.Time) []headscale.APIKey {
		return []headscale.APIKey{{Prefix: "hskey-api-BBBBBBBBBBBB-***"}, {Prefix: "hskey-api-AAAAAAAAAAAA-***", Expiration: exp}}
	}
	tests := []struct {
		name   string
		key    string
		keys   []headscale.APIKey
		status Status
		detail string
	}{
		{"far", key, list(at(200 * 24 * time.Hour)), Pass, "expires in 200 days"},
		{"never", key, list(nil), Pass, "never expires"},
		{"ten days", key, list(at(240*time.Hour - time.Second)), Warn, "expires in 10 days"},
		{"hours", key, list(at(5 * time.Hour)), Warn, "expires in 5 hours"},
		{"expired", key, list(at(-time.Hour)), Fail, "expired on"},
		{"not listed", key, list(nil)[:1], Warn, "not among"},
		{"legacy", "abcdefg.s3cr3tv4lue", []headscale.APIKey{{Prefix: "abcdefg***", Expiration: at(100 * 24 * time.Hour)}}, Pass, "100 days"},
		{"unknown shape", "opaque", list(nil), Warn, "does not look like"},
	}
	for _, tc := range tests {
		c := keyExpiryCheck(tc.key, tc.keys, now)
		if c.Status != tc.status || !strings.Contains(c.Detail, tc.detail) {
			t.Errorf("%s: keyExpiryCheck() = %s %q, want %s containing %q", tc.name, c.Status, c.Detail, tc.status, tc.detail)
		}
		if strings.Contains(c.Detail+c.Fix, "s3cr3tv4lue") {
			t.Errorf("%s: the key's secret is shown: %q %q", tc.name, c.Detail, c.Fix)
		}
	}
}

func TestRedactDatabaseURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want, password string }{
		{"postgres://u:hunter2@db:5432/h?sslmode=disable", "postgres://u:xxxxx@db:5432/h?sslmode=disable", "hunter2"},
		{"postgresql://u@db/h", "postgresql://u@db/h", ""},
		{"postgres://u@db/h?password=hunter2", "postgres://u@db/h?password=xxxxx", "hunter2"},
		{"host=db user=u password=hunter2 dbname=h", "host=db user=u password=xxxxx dbname=h", "hunter2"},
		{"host=db password='hun ter2' dbname=h", "host=db password=xxxxx dbname=h", "hun ter2"},
		{"postgres://u:pa%zz@db/h", "(a database URL that does not parse)", ""}, // regression: url.Parse errors quote the URL
	}
	for _, tc := range tests {
		if got := RedactDatabaseURL(tc.in); got != tc.want {
			t.Errorf("RedactDatabaseURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := databasePassword(tc.in); got != tc.password {
			t.Errorf("databasePassword(%q) = %q, want %q", tc.in, got, tc.password)
		}
	}
}

func TestConfigChecks(t *testing.T) {
	t.Parallel()
	err := &config.ValidationError{Problems: []config.Problem{
		{Key: "server.base_url", Message: "must be an absolute http(s) URL", Fix: "use https://…"},
		{Key: "server.port", Message: "not a number"},
	}}
	checks := ConfigChecks(err)
	if len(checks) != 2 || !Failed(checks) {
		t.Fatalf("ConfigChecks() = %+v, want two failed checks", checks)
	}
	if checks[0].Detail != "server.base_url: must be an absolute http(s) URL" || checks[0].Fix != "use https://…" {
		t.Errorf("first check = %+v", checks[0])
	}
	if !strings.Contains(checks[1].Fix, "server.port") {
		t.Errorf("second check's fix = %q, want it to name the key", checks[1].Fix)
	}
	if c := ConfigChecks(errors.New("config: file /x does not exist")); len(c) != 1 || c[0].Status != Fail {
		t.Errorf("ConfigChecks(plain error) = %+v, want one failed check", c)
	}
}

func TestScrub(t *testing.T) {
	t.Parallel()
	checks := scrub([]Check{{Detail: "got hunter2-long back", Fix: "not k"}}, []string{"hunter2-long", "k"})
	if checks[0].Detail != "got [redacted] back" || checks[0].Fix != "not k" {
		t.Errorf("scrub() = %+v; want the long secret redacted and a one-letter one left alone", checks[0])
	}
}
