package httpapi

import (
	"net/http"
	"net/url"
	"testing"

	"headway/api"
	"headway/backend/config"
	"headway/backend/headscale/hstest"
	"headway/backend/rbac"
	"headway/backend/store/storetest"
)

// TestDiagnostics: the owner runs doctor's checks from the web interface
// against the server's own configuration: all pass on a healthy stack, a
// broken database fails with its fix, no secret of the configuration is in
// the answer, and nobody but the owner may run them.
func TestDiagnostics(t *testing.T) {
	t.Parallel()
	hs := hstest.Start(t)
	dbURL, dbPassword := withPassword(t, storetest.URL(t))
	h, p := iamSite(t, func(h *site) {
		h.Cfg.Database.URL = config.Secret(dbURL)
		h.Cfg.OIDC.TokenEndpointAuthMethod = "client_secret_basic" // config.Load's default
	}, withHeadscale(hs))
	owner := newPerson(t, h, p, userOf("olivia"))
	owner.signIn()
	admin := newPerson(t, h, p, userOf("adam"))
	admin.signIn()
	setRole(t, h, admin.id, rbac.Admin)

	expect(t, "GET /diagnostics as an admin", admin.call(http.MethodGet, "/diagnostics", nil), http.StatusForbidden, "forbidden")

	d, body := diagnosticsOf(t, owner)
	checks := map[string]api.DiagnosticCheck{}
	for _, c := range d.Checks {
		checks[c.Name] = c
		if c.Status == api.Fail {
			t.Errorf("check %s failed on a healthy stack: %s (fix: %s)", c.Name, c.Detail, c.Fix)
		}
	}
	for _, name := range []string{"config", "database.reachable", "database.migrated", "headscale.reachable",
		"headscale.version", "headscale.api_key", "oidc.discovery", "oidc.issuer", "oidc.endpoints", "oidc.redirect_uri"} {
		if _, ok := checks[name]; !ok {
			t.Errorf("check %s missing from %+v", name, d.Checks)
		}
	}
	if !d.Ok {
		t.Errorf("ok = false on a healthy stack")
	}
	assertNoSecret(t, body, dbPassword, hs.APIKey, testCookieSecret, testClientSecret)

	// A database that does not answer: that check fails with its fix.
	broken, bp := iamSite(t, func(h *site) {
		h.Cfg.Database.URL = config.Secret("postgres://headway:" + dbPassword + "@127.0.0.1:1/headway")
	})
	brokenOwner := newPerson(t, broken, bp, userOf("olivia"))
	brokenOwner.signIn()
	d, body = diagnosticsOf(t, brokenOwner)
	found := false
	for _, c := range d.Checks {
		if c.Name == "database.reachable" {
			found = true
			if c.Status != api.Fail || c.Fix == "" {
				t.Errorf("database.reachable = %s (fix %q), want a failure with a fix", c.Status, c.Fix)
			}
		}
	}
	if !found || d.Ok {
		t.Errorf("diagnostics with a dead database: found %v, ok %v; want the failed check and ok false", found, d.Ok)
	}
	assertNoSecret(t, body, dbPassword)
}

func diagnosticsOf(t *testing.T, u *person) (api.Diagnostics, string) {
	t.Helper()
	r := u.call(http.MethodGet, "/diagnostics", nil)
	expect(t, "GET /diagnostics as the owner", r, http.StatusOK, "")
	return decodeReply[api.Diagnostics](t, r), string(r.body)
}

// withPassword returns raw with a password (keeping one it already has), and
// that password. The test Postgres trusts local connections, so any works.
func withPassword(t *testing.T, raw string) (string, string) {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if pw, ok := u.User.Password(); ok {
		return raw, pw
	}
	const pw = "db-pass-Xq71zKv3"
	u.User = url.UserPassword(u.User.Username(), pw)
	return u.String(), pw
}
