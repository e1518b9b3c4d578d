package httpapi

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"headway/api"
	"headway/backend/auth"
	"headway/backend/headscale/hstest"
)

// createKey makes a Headscale API key that expires after expiration ("1h").
func createKey(t *testing.T, hs *hstest.Server, expiration string) string {
	t.Helper()
	out := strings.Fields(hs.Headscale(t, "apikeys", "create", "--expiration", expiration))
	if len(out) == 0 {
		t.Fatal("headscale apikeys create printed nothing")
	}
	key := out[len(out)-1]
	if _, err := auth.ParseAPIKeyPrefix(key); err != nil {
		t.Fatalf("headscale apikeys create printed %q, not a key", key)
	}
	return key
}

func TestAPIKeySignIn(t *testing.T) {
	t.Parallel()
	hs := hstest.Start(t)
	h := newHeadway(t, withHeadscale(hs))
	h.start()
	apikey := h.URL + "/admin/api/v1/auth/apikey"

	hourKey := createKey(t, hs, "1h")
	expiredKey := createKey(t, hs, "1h")
	prefix, _ := auth.ParseAPIKeyPrefix(expiredKey)
	hs.Headscale(t, "apikeys", "expire", "--prefix", prefix)
	unknownKey := "hskey-api-AAAAAAAAAAAA-" + strings.Repeat("B", 64)
	var secrets []string

	t.Run("valid key", func(t *testing.T) {
		b := newBrowser(t, h)
		before := time.Now()
		r := b.do(http.MethodPost, apikey, api.APIKeySignIn{ApiKey: hourKey})
		if r.StatusCode != http.StatusOK {
			t.Fatalf("POST /auth/apikey = %d %s, want 200", r.StatusCode, r.body)
		}
		me := decodeReply[api.Me](t, r)
		if me.Kind != "api_key" || me.ApiKeyPrefix == nil || !strings.HasPrefix(*me.ApiKeyPrefix, "hskey-api-"+hourKey[10:22]) || me.CsrfToken == nil || me.Session == nil {
			t.Errorf("POST /auth/apikey = %+v, want an api_key principal with prefix, CSRF token and session", me)
		}
		if me.Session != nil && me.Session.ExpiresAt.After(before.Add(time.Hour+time.Minute)) {
			t.Errorf("session expires at %v, after the key (about %v)", me.Session.ExpiresAt, before.Add(time.Hour))
		}
		c := r.cookie(sessionCookie)
		if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/admin" || c.Secure {
			t.Fatalf("session cookie = %v, want HttpOnly; SameSite=Lax; Path=/admin; not Secure", c)
		}
		if c.MaxAge > 3600 {
			t.Errorf("cookie Max-Age = %d, want at most the key's remaining hour", c.MaxAge)
		}
		if strings.Contains(string(r.body)+c.Value, hourKey[22:]) {
			t.Error("the key's secret came back to the browser")
		}
		if got := b.me(h); got.Kind != "api_key" {
			t.Errorf("GET /me kind = %q, want api_key", got.Kind)
		}
		list := decodeReply[api.SessionList](t, b.get(h.URL+"/admin/api/v1/sessions"))
		if len(list.Sessions) != 1 || !list.Sessions[0].Current || list.Sessions[0].Kind != "api_key" {
			t.Errorf("GET /sessions = %+v, want just this api_key session", list)
		}
		secrets = append(secrets, b.issued...)
	})

	tests := []struct {
		name       string
		key        string
		wantStatus int
		wantCode   string
	}{
		{"expired key", expiredKey, 401, "api_key_expired"},
		{"unknown key", unknownKey, 401, "api_key_unknown"},
		{"right prefix, wrong secret", hourKey[:len(hourKey)-64] + strings.Repeat("C", 64), 401, "api_key_unknown"},
		{"malformed key", "hunter2", 400, "api_key_malformed"},
		{"empty key", "", 400, "api_key_malformed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := newBrowser(t, h)
			r := b.do(http.MethodPost, apikey, api.APIKeySignIn{ApiKey: tc.key})
			if code, errCode := status(t, r); code != tc.wantStatus || errCode != tc.wantCode {
				t.Errorf("POST /auth/apikey = %d %q, want %d %q", code, errCode, tc.wantStatus, tc.wantCode)
			}
			if r.cookie(sessionCookie) != nil {
				t.Error("a refused key set a session cookie")
			}
		})
	}

	t.Run("bearer", func(t *testing.T) {
		b := newBrowser(t, h)
		me := b.me(h, "Authorization", "Bearer "+hourKey)
		if me.Kind != "bearer" || me.CsrfToken != nil || me.Session != nil {
			t.Errorf("GET /me with a bearer key = %+v, want kind bearer without session or CSRF token", me)
		}
		// Unsafe requests with a bearer key need no CSRF token.
		if code, errCode := status(t, b.do(http.MethodPost, h.URL+"/admin/api/v1/auth/logout", nil, "Authorization", "Bearer "+hourKey)); code != 200 {
			t.Errorf("POST /auth/logout with a bearer key = %d %q, want 200", code, errCode)
		}
		for _, tc := range []struct {
			header, wantCode string
			wantStatus       int
		}{
			{"Bearer " + expiredKey, "api_key_expired", 401},
			{"Bearer " + unknownKey, "api_key_unknown", 401},
			{"Bearer hunter2", "api_key_malformed", 400},
			{"Basic dXNlcjpwYXNz", "authorization_invalid", 401},
		} {
			r := b.get(h.URL+"/admin/api/v1/me", "Authorization", tc.header)
			if code, errCode := status(t, r); code != tc.wantStatus || errCode != tc.wantCode {
				t.Errorf("GET /me with Authorization %.20s… = %d %q, want %d %q", tc.header, code, errCode, tc.wantStatus, tc.wantCode)
			}
		}
		// A bad bearer key is refused even when a good session cookie comes along.
		b.do(http.MethodPost, apikey, api.APIKeySignIn{ApiKey: hourKey})
		if code, _ := status(t, b.get(h.URL+"/admin/api/v1/me", "Authorization", "Bearer "+unknownKey)); code != http.StatusUnauthorized {
			t.Errorf("a bad bearer key with a valid cookie = %d, want 401", code)
		}
		secrets = append(secrets, b.issued...)
	})

	t.Run("API-key sign-in turned off", func(t *testing.T) {
		off := newHeadway(t, withHeadscale(hs))
		off.Cfg.OIDC.DisableAPIKeyLogin = true
		off.start()
		r := newBrowser(t, off).do(http.MethodPost, off.URL+"/admin/api/v1/auth/apikey", api.APIKeySignIn{ApiKey: hourKey})
		if code, errCode := status(t, r); code != http.StatusForbidden || errCode != "api_key_login_disabled" {
			t.Errorf("POST /auth/apikey with disable_api_key_login = %d %q, want 403 api_key_login_disabled", code, errCode)
		}
		info := decodeReply[api.Info](t, newBrowser(t, off).get(off.URL+"/admin/api/v1/info"))
		if info.SignIn.ApiKey {
			t.Error("GET /info says API-key sign-in is on")
		}
	})

	t.Run("Headscale stopped", func(t *testing.T) {
		hs.Stop()
		b := newBrowser(t, h)
		r := b.do(http.MethodPost, apikey, api.APIKeySignIn{ApiKey: hourKey})
		if code, errCode := status(t, r); code != http.StatusBadGateway || errCode != "headscale_unavailable" {
			t.Errorf("POST /auth/apikey with Headscale down = %d %q, want 502 headscale_unavailable", code, errCode)
		}
	})

	h.assertLogFree(append(secrets, hourKey, expiredKey, unknownKey, hourKey[len(hourKey)-64:], expiredKey[len(expiredKey)-64:])...)
}
