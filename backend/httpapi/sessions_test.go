package httpapi

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"headway/api"
)

// ssoSite is a started Headway signing in through a real devidp.
func ssoSite(t *testing.T, edit func(h *site)) (*site, *idp) {
	t.Helper()
	h := newHeadway(t)
	p := startIdP(t, h.RedirectURI(), idpOptions{postLogout: []string{"https://headway.example/admin/login"}})
	h.Cfg.OIDC = ssoConfig(p.Issuer)
	if edit != nil {
		edit(h)
	}
	h.start()
	return h, p
}

func TestSessionCookie(t *testing.T) {
	t.Parallel()
	for _, secure := range []bool{false, true} {
		name := "plain HTTP"
		opts := []harnessOption{}
		if secure {
			name = "HTTPS, cookie_secure"
			opts = append(opts, withTLS())
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := newHeadway(t, opts...)
			p := startIdP(t, h.RedirectURI(), idpOptions{})
			h.Cfg.OIDC = ssoConfig(p.Issuer)
			h.start()
			b := newBrowser(t, h)
			authURL := b.beginSignIn(h, "/admin/")
			// The start's own cookie, too, is locked down.
			r := b.get(b.authorize(h, authURL, alice.Subject))
			c := r.cookie(sessionCookie)
			if c == nil {
				t.Fatalf("no session cookie: %v", r.Header.Values("Set-Cookie"))
			}
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/admin" || c.Secure != secure {
				t.Errorf("session cookie = %s, want HttpOnly; SameSite=Lax; Path=/admin; Secure=%v", c, secure)
			}
			if c.MaxAge <= 0 || c.Domain != "" {
				t.Errorf("session cookie = %s, want a positive Max-Age and no Domain", c)
			}
			me := b.me(h)
			if got := me.Session.ExpiresAt.Sub(time.Now()); got < 7*24*time.Hour-time.Minute || got > 7*24*time.Hour+time.Minute {
				t.Errorf("session expires in %v, want the default absolute timeout of 7 days", got)
			}
		})
	}
}

func TestSessionTimeouts(t *testing.T) {
	t.Parallel()
	h, _ := ssoSite(t, func(h *site) {
		h.Clock = newFakeClock()
		h.Cfg.Server.SessionIdleTimeout = 30 * time.Minute
		h.Cfg.Server.SessionMaxAge = time.Hour
	})

	t.Run("idle", func(t *testing.T) {
		b := newBrowser(t, h)
		b.signIn(h, "/admin/", alice.Subject)
		b.me(h)
		h.Clock.Advance(30*time.Minute + time.Second)
		r := b.get(h.URL + "/admin/api/v1/me")
		if code, errCode := status(t, r); code != http.StatusUnauthorized || errCode != "unauthenticated" {
			t.Fatalf("GET /me after 30 idle minutes = %d %s, want 401 unauthenticated", code, errCode)
		}
		if c := r.cookie(sessionCookie); c == nil || c.MaxAge >= 0 {
			t.Errorf("the stale cookie was not cleared: %v", c)
		}
	})

	t.Run("absolute", func(t *testing.T) {
		b := newBrowser(t, h)
		b.signIn(h, "/admin/", alice.Subject)
		// Busy all along: each request slides the idle timeout, never past the absolute one.
		for _, d := range []time.Duration{20 * time.Minute, 20 * time.Minute, 19 * time.Minute} {
			h.Clock.Advance(d)
			b.me(h)
		}
		h.Clock.Advance(2 * time.Minute) // 61 minutes after sign-in
		if code, errCode := status(t, b.get(h.URL+"/admin/api/v1/me")); code != http.StatusUnauthorized {
			t.Fatalf("GET /me an hour after sign-in = %d %s, want 401", code, errCode)
		}
	})
}

func TestSignOut(t *testing.T) {
	t.Parallel()

	t.Run("deletes the session on the server", func(t *testing.T) {
		t.Parallel()
		h, _ := ssoSite(t, nil)
		b := newBrowser(t, h)
		session := b.signIn(h, "/admin/", alice.Subject).cookie(sessionCookie)
		me := b.me(h)
		r := b.do(http.MethodPost, h.URL+"/admin/api/v1/auth/logout", nil, csrfHeader, *me.CsrfToken)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("POST /auth/logout = %d %s, want 200", r.StatusCode, r.body)
		}
		if c := r.cookie(sessionCookie); c == nil || c.MaxAge >= 0 || c.Value != "" {
			t.Errorf("logout did not clear the cookie: %v", c)
		}
		if got := decodeReply[api.SignOutResult](t, r); got.EndSessionUrl != nil {
			t.Errorf("endSessionUrl = %q without oidc.use_end_session", *got.EndSessionUrl)
		}
		// The old cookie, replayed by hand, opens nothing.
		replay := newBrowser(t, h).get(h.URL+"/admin/api/v1/me", "Cookie", sessionCookie+"="+session.Value)
		if code, _ := status(t, replay); code != http.StatusUnauthorized {
			t.Errorf("GET /me with the signed-out cookie = %d, want 401", code)
		}
		h.assertLogFree(b.issued...)
	})

	t.Run("ends the identity provider's session", func(t *testing.T) {
		t.Parallel()
		h, p := ssoSite(t, func(h *site) {
			h.Cfg.OIDC.UseEndSession = true
			h.Cfg.OIDC.PostLogoutRedirectURI = "https://headway.example/admin/login"
		})
		b := newBrowser(t, h)
		b.signIn(h, "/admin/", alice.Subject)
		me := b.me(h)
		r := b.do(http.MethodPost, h.URL+"/admin/api/v1/auth/logout", nil, csrfHeader, *me.CsrfToken)
		got := decodeReply[api.SignOutResult](t, r)
		if got.EndSessionUrl == nil {
			t.Fatalf("POST /auth/logout = %d %s, want an endSessionUrl", r.StatusCode, r.body)
		}
		u, err := url.Parse(*got.EndSessionUrl)
		if err != nil || !strings.HasPrefix(*got.EndSessionUrl, p.EndSessionEndpoint()) {
			t.Fatalf("endSessionUrl = %q, want the provider's %s", *got.EndSessionUrl, p.EndSessionEndpoint())
		}
		idToken := u.Query().Get("id_token_hint")
		if strings.Count(idToken, ".") != 2 || u.Query().Get("post_logout_redirect_uri") != "https://headway.example/admin/login" || u.Query().Get("client_id") != testClientID {
			t.Errorf("endSessionUrl query = %v, want id_token_hint (a JWT), client_id and post_logout_redirect_uri", u.Query())
		}
		// The provider accepts it and sends the browser to the registered address.
		if r := b.get(*got.EndSessionUrl); r.StatusCode/100 != 3 || !strings.HasPrefix(r.location(), "https://headway.example/admin/login") {
			t.Errorf("GET endSessionUrl = %d %q, want a redirect to the post-logout URI", r.StatusCode, r.location())
		}
		h.assertLogFree(append(b.issued, idToken)...)
	})
}

func TestSessionList(t *testing.T) {
	t.Parallel()
	h, _ := ssoSite(t, nil)
	laptop, phone, bobs := newBrowser(t, h), newBrowser(t, h), newBrowser(t, h)
	laptop.signIn(h, "/admin/", alice.Subject)
	phone.signIn(h, "/admin/", alice.Subject)
	bobs.signIn(h, "/admin/", bob.Subject)
	me := laptop.me(h)
	csrf := *me.CsrfToken

	list := decodeReply[api.SessionList](t, laptop.get(h.URL+"/admin/api/v1/sessions"))
	if len(list.Sessions) != 2 {
		t.Fatalf("GET /sessions lists %d sessions, want alice's 2: %+v", len(list.Sessions), list)
	}
	var other string
	for _, s := range list.Sessions {
		switch {
		case s.Current && s.Id != me.Session.Id:
			t.Errorf("session %s is marked current, want %s", s.Id, me.Session.Id)
		case !s.Current:
			other = s.Id
		}
		if s.Kind != "oidc" || s.UserAgent == nil || *s.UserAgent != "headway-test-browser" {
			t.Errorf("session = %+v, want kind oidc and the browser's user agent", s)
		}
	}
	if other == "" {
		t.Fatal("no other session listed")
	}
	bobSession := bobs.me(h).Session.Id

	tests := []struct {
		name, id   string
		wantStatus int
		wantCode   string
	}{
		{"someone else's session", bobSession, 404, "session_not_found"},
		{"no such session", "999999", 404, "session_not_found"},
		{"not an id", "abc", 404, "session_not_found"},
		{"own other session", other, 204, ""},
		{"the same again", other, 404, "session_not_found"},
	}
	for _, tc := range tests {
		r := laptop.do(http.MethodDelete, h.URL+"/admin/api/v1/sessions/"+tc.id, nil, csrfHeader, csrf)
		if code, errCode := status(t, r); code != tc.wantStatus || errCode != tc.wantCode {
			t.Errorf("%s: DELETE /sessions/%s = %d %q, want %d %q", tc.name, tc.id, code, errCode, tc.wantStatus, tc.wantCode)
		}
	}
	if code, _ := status(t, phone.get(h.URL+"/admin/api/v1/me")); code != http.StatusUnauthorized {
		t.Errorf("the revoked session: GET /me = %d, want 401", code)
	}
	bobs.me(h) // untouched
	laptop.me(h)
}

func TestCSRFAndOrigin(t *testing.T) {
	t.Parallel()
	h, _ := ssoSite(t, nil)
	b := newBrowser(t, h)
	b.signIn(h, "/admin/", alice.Subject)
	csrf := *b.me(h).CsrfToken
	logout := h.URL + "/admin/api/v1/auth/logout"

	tests := []struct {
		name       string
		headers    []string
		wantStatus int
		wantCode   string
	}{
		{"no CSRF token", nil, 403, "csrf_token_invalid"},
		{"wrong CSRF token", []string{csrfHeader, csrf + "x"}, 403, "csrf_token_invalid"},
		{"another site's Origin", []string{csrfHeader, csrf, "Origin", "https://evil.example"}, 403, "origin_mismatch"},
		{"cross-site fetch", []string{csrfHeader, csrf, "Sec-Fetch-Site", "cross-site"}, 403, "origin_mismatch"},
		{"own Origin and token", []string{csrfHeader, csrf, "Origin", h.URL}, 200, ""},
	}
	for _, tc := range tests {
		r := b.do(http.MethodPost, logout, nil, tc.headers...)
		if code, errCode := status(t, r); code != tc.wantStatus || errCode != tc.wantCode {
			t.Errorf("%s: POST /auth/logout = %d %q, want %d %q", tc.name, code, errCode, tc.wantStatus, tc.wantCode)
		}
		if tc.wantStatus != 200 {
			b.me(h) // a refused request leaves the session alone
		}
	}
	if code, _ := status(t, b.get(h.URL+"/admin/api/v1/me")); code != http.StatusUnauthorized {
		t.Errorf("after logout GET /me = %d, want 401", code)
	}
}
