package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"headway/backend/devidp"
	"headway/backend/devidp/devidptest"
	"headway/backend/headscale/hstest"
	"headway/backend/store/storetest"
)

const doctorDBPassword = "db-pass-Rw83nVq2"

type doctorCheck struct {
	Name   string `json:"name"`
	Status string `json:"status"`
	Detail string `json:"detail"`
	Fix    string `json:"fix"`
}

// runDoctor runs `headway doctor` twice, as text and as JSON, and returns
// both outputs (stdout and stderr together), the parsed checks and the error.
func runDoctor(t *testing.T, path string, environ []string) (text, jsonOut string, checks []doctorCheck, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), []string{"doctor", "--config", path}, environ, &out, &errOut)
	text = out.String() + errOut.String()

	var jout, jerr bytes.Buffer
	jsonErr := run(context.Background(), []string{"doctor", "--config", path, "--json"}, environ, &jout, &jerr)
	if (jsonErr == nil) != (err == nil) {
		t.Errorf("doctor = %v but doctor --json = %v", err, jsonErr)
	}
	if uerr := json.Unmarshal(jout.Bytes(), &checks); uerr != nil {
		t.Fatalf("doctor --json output does not parse: %v\n%s", uerr, jout.String())
	}
	return text, jout.String() + jerr.String(), checks, err
}

func dbURLWithPassword(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := u.User.Password(); !ok {
		u.User = url.UserPassword(u.User.Username(), doctorDBPassword)
	}
	return u.String()
}

func TestDoctor(t *testing.T) {
	hs := hstest.Start(t)
	idp := devidptest.Start(t, devidp.Config{Clients: []devidp.Client{{ID: "headway", Secret: ssoClientSecret, RedirectURIs: []string{"http://127.0.0.1:3000/admin/oidc/callback"}}}})
	dbURL := dbURLWithPassword(t, storetest.URL(t))
	u, _ := url.Parse(dbURL)
	dbPassword, _ := u.User.Password()
	config := func(dbURL, apiKey string, cookieSecure bool) string {
		return writeConfig(t, fmt.Sprintf(`
server: {base_url: "http://127.0.0.1:3000", cookie_secret: %q, cookie_secure: %v}
database: {url: %q}
headscale: {url: %q, api_key: %q}
oidc: {issuer: %q, client_id: headway, client_secret: %q, use_pkce: true}
`, ssoCookieSecret, cookieSecure, dbURL, hs.URL, apiKey, idp.Issuer, ssoClientSecret))
	}
	secrets := []string{hs.APIKey, ssoClientSecret, ssoCookieSecret, dbPassword}
	noSecrets := func(t *testing.T, outputs ...string) {
		t.Helper()
		for _, out := range outputs {
			for _, s := range secrets {
				if strings.Contains(out, s) {
					t.Errorf("a secret starting %q was printed:\n%s", s[:4], out)
				}
			}
		}
	}

	t.Run("healthy", func(t *testing.T) {
		text, jsonOut, checks, err := runDoctor(t, config(dbURL, hs.APIKey, false), nil)
		if err != nil {
			t.Errorf("doctor = %v, want nil\n%s", err, text)
		}
		if len(checks) < 10 {
			t.Errorf("doctor --json printed %d checks, want every one", len(checks))
		}
		for _, c := range checks {
			if c.Status != "pass" {
				t.Errorf("%s = %s: %s", c.Name, c.Status, c.Detail)
			}
		}
		if !strings.Contains(text, "PASS  oidc.redirect_uri") || !strings.Contains(text, "0 failed") {
			t.Errorf("text output lacks the checks or the summary:\n%s", text)
		}
		noSecrets(t, text, jsonOut)
	})

	t.Run("broken", func(t *testing.T) {
		badDB := fmt.Sprintf("postgres://postgres:%s@127.0.0.1:%d/headway?sslmode=disable", dbPassword, freePort(t))
		text, jsonOut, checks, err := runDoctor(t, config(badDB, "hskey-api-AAAAAAAAAAAA-"+strings.Repeat("x", 64), true), nil)
		if err == nil || !strings.Contains(err.Error(), "check(s) failed") {
			t.Errorf("doctor = %v, want an error counting the failed checks", err)
		}
		want := map[string]string{"database.reachable": "fail", "headscale.api_key": "fail", "server.cookie_secure": "warn"}
		for _, c := range checks {
			if w, ok := want[c.Name]; ok {
				if c.Status != w || c.Fix == "" {
					t.Errorf("%s = %s (fix %q), want %s with a fix", c.Name, c.Status, c.Fix, w)
				}
				delete(want, c.Name)
			}
		}
		if len(want) > 0 {
			t.Errorf("checks missing: %v\n%s", want, text)
		}
		if !strings.Contains(text, "FAIL  database.reachable") || !strings.Contains(text, "fix: ") {
			t.Errorf("text output lacks the failure or its fix:\n%s", text)
		}
		noSecrets(t, text, jsonOut)
	})

	t.Run("invalid configuration", func(t *testing.T) {
		path := writeConfig(t, `
server: {base_url: "ftp://example.com", cookie_secret: "too-short-but-secret"}
database: {url: "postgres://postgres:`+doctorDBPassword+`@127.0.0.1:5432/postgres"}
headscale: {url: "http://127.0.0.1:1", api_key: "k"}
`)
		text, jsonOut, checks, err := runDoctor(t, path, []string{"HEADWAY_SERVER__PORT=abc"})
		if err == nil {
			t.Error("doctor with an invalid configuration = nil, want an error")
		}
		keys := map[string]bool{}
		for _, c := range checks {
			if c.Name != "config" || c.Status != "fail" {
				t.Errorf("check %s = %s, want only failed config checks", c.Name, c.Status)
			}
			key, _, _ := strings.Cut(c.Detail, ":")
			keys[key] = true
		}
		for _, k := range []string{"server.base_url", "server.cookie_secret", "server.port"} {
			if !keys[k] {
				t.Errorf("no failed check for %s:\n%s", k, text)
			}
		}
		for _, s := range []string{"too-short-but-secret", doctorDBPassword} {
			if strings.Contains(text+jsonOut, s) {
				t.Errorf("a secret was printed:\n%s", text+jsonOut)
			}
		}
	})
}
