package httpapi

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"headway/api"
	"headway/backend/devidp"
)

// signInHappy checks every hop of a successful sign-in as sub and returns the session cookie.
func signInHappy(t *testing.T, h *site, b *browser, returnTo, sub string, wantPKCE bool) *http.Cookie {
	t.Helper()
	authURL := b.beginSignIn(h, returnTo)
	q := authURL.Query()
	for _, k := range []string{"state", "nonce"} {
		if len(q.Get(k)) < 43 {
			t.Errorf("authorization request %s = %q, want at least 256 random bits", k, q.Get(k))
		}
	}
	if got, want := q.Get("redirect_uri"), h.RedirectURI(); got != want {
		t.Errorf("redirect_uri = %q, want %q", got, want)
	}
	if got := q.Get("client_id"); got != testClientID {
		t.Errorf("client_id = %q, want %q", got, testClientID)
	}
	if got := q.Get("code_challenge") != ""; got != wantPKCE {
		t.Errorf("code_challenge sent = %v, want %v", got, wantPKCE)
	}
	if wantPKCE && q.Get("code_challenge_method") != "S256" {
		t.Errorf("code_challenge_method = %q, want S256", q.Get("code_challenge_method"))
	}
	if strings.Contains(authURL.String(), testClientSecret) {
		t.Error("the authorization URL carries the client secret")
	}

	callback := b.authorize(h, authURL, sub)
	cb, _ := url.Parse(callback)
	if cb.Path != "/admin/oidc/callback" || cb.Query().Get("code") == "" || cb.Query().Get("state") != q.Get("state") {
		t.Fatalf("the identity provider sent the browser to %q, want the callback with a code and the same state", callback)
	}
	r := b.get(callback)
	if r.StatusCode != http.StatusFound {
		t.Fatalf("GET callback = %d (Location %q), want 302", r.StatusCode, r.location())
	}
	if got := r.Header.Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("callback Referrer-Policy = %q, want no-referrer", got)
	}
	session := r.cookie(sessionCookie)
	if session == nil || len(session.Value) < 43 {
		t.Fatalf("callback set no session cookie: %v", r.Header.Values("Set-Cookie"))
	}
	if c := r.cookie(loginCookie); c == nil || c.MaxAge >= 0 {
		t.Errorf("callback did not clear the headway_login cookie: %v", c)
	}
	return session
}

func TestOIDCSignIn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		authMethod string
		pkce       bool // the client requires PKCE and oidc.use_pkce is on
		handSet    bool // endpoints configured by hand, discovery answers 404
	}{
		{name: "discovery, PKCE, client_secret_basic", authMethod: devidp.AuthMethodBasic, pkce: true},
		{name: "discovery, no PKCE, client_secret_basic", authMethod: devidp.AuthMethodBasic},
		{name: "discovery, PKCE, client_secret_post", authMethod: devidp.AuthMethodPost, pkce: true},
		{name: "discovery, no PKCE, client_secret_post", authMethod: devidp.AuthMethodPost},
		{name: "hand-set endpoints, discovery unavailable", authMethod: devidp.AuthMethodBasic, pkce: true, handSet: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHeadway(t)
			p := startIdP(t, h.RedirectURI(), idpOptions{authMethod: tc.authMethod, requirePKCE: tc.pkce, noDiscovery: tc.handSet})
			h.Cfg.OIDC = ssoConfig(p.Issuer)
			h.Cfg.OIDC.UsePKCE = tc.pkce
			h.Cfg.OIDC.TokenEndpointAuthMethod = tc.authMethod
			if tc.handSet {
				h.Cfg.OIDC.AuthorizationEndpoint = p.AuthorizationEndpoint()
				h.Cfg.OIDC.TokenEndpoint = p.TokenEndpoint()
				h.Cfg.OIDC.UserinfoEndpoint = p.UserinfoEndpoint()
				h.Cfg.OIDC.JWKSURI = p.Issuer + "/keys"
			}
			h.start()

			b := newBrowser(t, h)
			signInHappy(t, h, b, "/admin/machines?x=1", alice.Subject, tc.pkce)

			me := b.me(h)
			if me.Kind != api.MeKind("oidc") || me.User == nil || me.CsrfToken == nil || *me.CsrfToken == "" || me.Session == nil || !me.Session.Current {
				t.Fatalf("GET /me = %+v, want an oidc principal with its user, session and CSRF token", me)
			}
			if me.User.Email != alice.Email || !me.User.EmailVerified || me.User.Name != alice.Name || me.User.PreferredUsername != alice.PreferredUsername {
				t.Errorf("GET /me user = %+v, want alice's profile", *me.User)
			}
			if tc.handSet {
				if n := p.hits.get("/.well-known/openid-configuration"); n != 0 {
					t.Errorf("discovery was requested %d times with every endpoint set by hand", n)
				}
			}
			h.assertLogFree(b.issued...)
		})
	}
}

// TestOIDCReturnTo: only a local path under /admin/ survives the sign-in.
func TestOIDCReturnTo(t *testing.T) {
	t.Parallel()
	h := newHeadway(t)
	p := startIdP(t, h.RedirectURI(), idpOptions{})
	h.Cfg.OIDC = ssoConfig(p.Issuer)
	h.start()

	tests := []struct {
		returnTo, want string
	}{
		{"/admin/machines?x=1", "/admin/machines?x=1"},
		{"/admin/users/7#top", "/admin/users/7#top"},
		{"", "/admin/"},
		{"https://evil.example", "/admin/"},
		{"//evil.example", "/admin/"},
		{`/\evil.example`, "/admin/"},
		{"/admin/../x", "/admin/"},
		{"/admin/%2e%2e/x", "/admin/"},
		{"/admin//evil.example", "/admin/"},
		{`/admin/\evil.example`, "/admin/"},
		{"javascript:alert(1)", "/admin/"},
		{"https://evil.example/admin/", "/admin/"},
	}
	for _, tc := range tests {
		t.Run(tc.returnTo, func(t *testing.T) {
			t.Parallel()
			b := newBrowser(t, h)
			r := b.signIn(h, tc.returnTo, alice.Subject)
			if r.StatusCode != http.StatusFound || r.location() != tc.want {
				t.Errorf("sign-in with return_to %q ends at %d %q, want 302 %q", tc.returnTo, r.StatusCode, r.location(), tc.want)
			}
			if r.cookie(sessionCookie) == nil {
				t.Errorf("sign-in with return_to %q set no session", tc.returnTo)
			}
		})
	}
}

// TestOIDCTwoTabs: one browser starts signing in from two tabs; both
// finish, in either order, each to its own page, and the login cookie goes
// only with the last open attempt.
func TestOIDCTwoTabs(t *testing.T) {
	t.Parallel()
	h := newHeadway(t)
	p := startIdP(t, h.RedirectURI(), idpOptions{})
	h.Cfg.OIDC = ssoConfig(p.Issuer)
	h.start()
	b := newBrowser(t, h)

	first := b.beginSignIn(h, "/admin/machines")
	second := b.beginSignIn(h, "/admin/keys")
	if first.Query().Get("state") == second.Query().Get("state") {
		t.Fatal("two sign-ins share a state")
	}
	r := b.get(b.authorize(h, second, alice.Subject))
	if r.StatusCode != http.StatusFound || r.location() != "/admin/keys" || r.cookie(sessionCookie) == nil {
		t.Fatalf("the second tab's callback = %d %q, want 302 /admin/keys with a session", r.StatusCode, r.location())
	}
	if c := r.cookie(loginCookie); c != nil && c.MaxAge < 0 {
		t.Error("the second tab's callback cleared the login cookie while the first tab's sign-in is open")
	}
	r = b.get(b.authorize(h, first, alice.Subject))
	if r.StatusCode != http.StatusFound || r.location() != "/admin/machines" || r.cookie(sessionCookie) == nil {
		t.Fatalf("the first tab's callback = %d %q, want 302 /admin/machines with a session", r.StatusCode, r.location())
	}
	if c := r.cookie(loginCookie); c == nil || c.MaxAge >= 0 {
		t.Errorf("the last open sign-in's callback did not clear the login cookie: %v", c)
	}
}

// TestOIDCAcrossReplicas: the sign-in starts on one Headway and comes back to
// another on the same database.
func TestOIDCAcrossReplicas(t *testing.T) {
	t.Parallel()
	h := newHeadway(t)
	h.Replicas = 2
	p := startIdP(t, h.RedirectURI(), idpOptions{requirePKCE: true})
	h.Cfg.OIDC = ssoConfig(p.Issuer)
	h.Cfg.OIDC.UsePKCE = true
	h.start()

	b := newBrowser(t, h)
	h.use(0)
	authURL := b.beginSignIn(h, "/admin/users")
	callback := b.authorize(h, authURL, alice.Subject)
	h.use(1)
	r := b.get(callback)
	if r.StatusCode != http.StatusFound || r.location() != "/admin/users" || r.cookie(sessionCookie) == nil {
		t.Fatalf("callback on the second replica = %d %q, want 302 /admin/users with a session", r.StatusCode, r.location())
	}
	for i := range 2 {
		h.use(i)
		if me := b.me(h); me.User == nil || me.User.Email != alice.Email {
			t.Errorf("replica %d: GET /me = %+v, want alice", i, me)
		}
	}
}

func TestOIDCFailures(t *testing.T) {
	t.Parallel()

	t.Run("not configured", func(t *testing.T) {
		t.Parallel()
		h := newHeadway(t)
		h.start()
		b := newBrowser(t, h)
		for _, path := range []string{"/admin/oidc/start", "/admin/oidc/callback?code=c&state=s"} {
			e := b.loginErrorAt(h, b.get(h.URL+path), "oidc_not_configured")
			if e.Message != "Single sign-on is not configured." || !strings.Contains(hintOf(e), "oidc.issuer") {
				t.Errorf("%s: explanation = %q / %q", path, e.Message, hintOf(e))
			}
		}
	})

	t.Run("identity provider down", func(t *testing.T) {
		t.Parallel()
		h := newHeadway(t)
		h.Cfg.OIDC = ssoConfig("http://" + closedAddr(t))
		h.start()
		b := newBrowser(t, h)
		e := b.loginErrorAt(h, b.get(h.URL+"/admin/oidc/start"), "oidc_unavailable")
		if !strings.Contains(e.Message, "discovery document") || !strings.Contains(hintOf(e), h.Cfg.OIDC.Issuer+"/.well-known/openid-configuration") {
			t.Errorf("precise explanation = %q / %q, want the discovery document and its URL", e.Message, hintOf(e))
		}
		// Another browser, without the signed cookie, gets the general text only.
		general := decodeReply[api.ErrorBody](t, newBrowser(t, h).get(h.URL+"/admin/api/v1/auth/login-error?code=oidc_unavailable"))
		if general.Message != "The identity provider could not be reached." {
			t.Errorf("general explanation = %q", general.Message)
		}
		h.assertLogFree(b.issued...)
	})

	t.Run("PKCE required by the provider, oidc.use_pkce off", func(t *testing.T) {
		t.Parallel()
		h := newHeadway(t)
		p := startIdP(t, h.RedirectURI(), idpOptions{requirePKCE: true})
		h.Cfg.OIDC = ssoConfig(p.Issuer)
		h.start()
		b := newBrowser(t, h)
		authURL := b.beginSignIn(h, "/admin/")
		// The provider refuses the authorization request itself and sends the
		// browser back with an error. Regression: the hint used to be the
		// generic "if you cancelled, try again", never naming oidc.use_pkce.
		r := b.get(b.authorize(h, authURL, alice.Subject))
		e := b.loginErrorAt(h, r, "oidc_idp_error")
		if !strings.Contains(e.Message, "invalid_request") || !strings.Contains(hintOf(e), "oidc.use_pkce") {
			t.Errorf("explanation = %q / %q, want invalid_request and a hint naming oidc.use_pkce", e.Message, hintOf(e))
		}
		if strings.Contains(string(r.body)+r.location()+e.Message+hintOf(e), "code_challenge_method") {
			t.Error("the provider's error description reached the browser")
		}
	})

	t.Run("identity provider refuses (access_denied)", func(t *testing.T) {
		t.Parallel()
		h := newHeadway(t)
		p := startIdP(t, h.RedirectURI(), idpOptions{})
		h.Cfg.OIDC = ssoConfig(p.Issuer)
		h.start()
		b := newBrowser(t, h)
		state := b.beginSignIn(h, "/admin/").Query().Get("state")
		r := b.get(h.RedirectURI() + "?" + url.Values{"error": {"access_denied"}, "error_description": {"<script>alert(1)</script> user said no"}, "state": {state}}.Encode())
		e := b.loginErrorAt(h, r, "oidc_idp_error")
		if !strings.Contains(e.Message, "access_denied") {
			t.Errorf("message = %q, want it to name access_denied", e.Message)
		}
		if strings.Contains(e.Message+hintOf(e)+r.location(), "script") {
			t.Errorf("the provider's description reached the browser: %q %q", r.location(), e.Message)
		}
		// The attempt is used up: a code for that state no longer signs anyone in.
		r = b.get(h.RedirectURI() + "?" + url.Values{"code": {"c"}, "state": {state}}.Encode())
		b.loginErrorAt(h, r, "login_attempt_missing")
	})

	t.Run("callback without code or state", func(t *testing.T) {
		t.Parallel()
		h := newHeadway(t)
		p := startIdP(t, h.RedirectURI(), idpOptions{})
		h.Cfg.OIDC = ssoConfig(p.Issuer)
		h.start()
		b := newBrowser(t, h)
		b.beginSignIn(h, "/admin/")
		b.loginErrorAt(h, b.get(h.RedirectURI()+"?code=abc"), "oidc_callback_invalid")
	})

	t.Run("replayed callback", func(t *testing.T) {
		t.Parallel()
		h := newHeadway(t)
		p := startIdP(t, h.RedirectURI(), idpOptions{})
		h.Cfg.OIDC = ssoConfig(p.Issuer)
		h.start()
		b := newBrowser(t, h)
		callback := b.authorize(h, b.beginSignIn(h, "/admin/"), alice.Subject)
		if r := b.get(callback); r.StatusCode != http.StatusFound || r.cookie(sessionCookie) == nil {
			t.Fatalf("first callback = %d %q, want a session", r.StatusCode, r.location())
		}
		// The same browser going back to the callback (history, reload).
		// Regression: this used to blame the cookies (login_cookie_missing),
		// because the first callback had already cleared the login cookie.
		e := b.loginErrorAt(h, b.get(callback), "login_attempt_missing")
		if e.Message != "This sign-in was already used or is unknown." {
			t.Errorf("replay explanation = %q", e.Message)
		}
		// An attacker replaying it elsewhere fares no better.
		other := newBrowser(t, h)
		other.loginErrorAt(h, other.get(callback), "login_attempt_missing")
		b.me(h) // the first sign-in stands
	})

	t.Run("callback in a browser without the login cookie", func(t *testing.T) {
		t.Parallel()
		h := newHeadway(t)
		p := startIdP(t, h.RedirectURI(), idpOptions{})
		h.Cfg.OIDC = ssoConfig(p.Issuer)
		h.start()
		victim, attacker := newBrowser(t, h), newBrowser(t, h)
		callback := victim.authorize(h, victim.beginSignIn(h, "/admin/"), alice.Subject)
		attacker.loginErrorAt(h, attacker.get(callback), "login_cookie_missing")
		if r := attacker.get(h.URL + "/admin/api/v1/me"); r.StatusCode != http.StatusUnauthorized {
			t.Errorf("the other browser: GET /me = %d, want 401", r.StatusCode)
		}
		// The attempt is burned: its rightful browser cannot use it afterwards either.
		victim.loginErrorAt(h, victim.get(callback), "login_attempt_missing")
	})

	t.Run("callback in a browser with its own login attempt", func(t *testing.T) {
		t.Parallel()
		h := newHeadway(t)
		p := startIdP(t, h.RedirectURI(), idpOptions{})
		h.Cfg.OIDC = ssoConfig(p.Issuer)
		h.start()
		victim, attacker := newBrowser(t, h), newBrowser(t, h)
		attacker.beginSignIn(h, "/admin/")
		callback := victim.authorize(h, victim.beginSignIn(h, "/admin/"), alice.Subject)
		attacker.loginErrorAt(h, attacker.get(callback), "login_browser_mismatch")
		victim.loginErrorAt(h, victim.get(callback), "login_attempt_missing")
	})

	t.Run("expired attempt", func(t *testing.T) {
		t.Parallel()
		h := newHeadway(t)
		h.Clock = newFakeClock()
		p := startIdP(t, h.RedirectURI(), idpOptions{})
		h.Cfg.OIDC = ssoConfig(p.Issuer)
		h.start()
		b := newBrowser(t, h)
		callback := b.authorize(h, b.beginSignIn(h, "/admin/"), alice.Subject)
		h.Clock.Advance(10*time.Minute + time.Second)
		b.loginErrorAt(h, b.get(callback), "login_attempt_expired")
		b.loginErrorAt(h, b.get(callback), "login_attempt_missing")
	})

	t.Run("cookie_secure over plain HTTP", func(t *testing.T) {
		t.Parallel()
		// Browsers drop Secure cookies over http:// (except on loopback, where
		// this test runs): the explanation must name the setting.
		h := newHeadway(t)
		h.Cfg.Server.CookieSecure = true
		h.start()
		e := decodeReply[api.ErrorBody](t, newBrowser(t, h).get(h.URL+"/admin/api/v1/auth/login-error?code=login_cookie_missing"))
		if !strings.Contains(hintOf(e), "server.cookie_secure") {
			t.Errorf("hint = %q, want it to name server.cookie_secure", hintOf(e))
		}
	})
}

func TestLoginErrorExplanations(t *testing.T) {
	t.Parallel()
	h := newHeadway(t)
	h.start()
	b := newBrowser(t, h)
	tests := []struct {
		name, query string
		wantStatus  int
		wantCode    string
		wantMessage string
	}{
		{"general text", "code=login_attempt_expired", 200, "login_attempt_expired", "The sign-in took too long and expired."},
		{"safe detail", "code=oidc_idp_error&detail=access_denied", 200, "oidc_idp_error", "The identity provider refused the sign-in (access_denied)."},
		{"detail with spaces and HTML", "code=oidc_idp_error&detail=" + url.QueryEscape("<b>call +1 555</b>"), 200, "oidc_idp_error", "The identity provider refused the sign-in."},
		{"detail with spaces", "code=oidc_idp_error&detail=" + url.QueryEscape("visit evil.example now"), 200, "oidc_idp_error", "The identity provider refused the sign-in."},
		{"unknown code", "code=you_have_been_hacked", 404, "unknown_login_error", "There is no sign-in failure with that code."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := b.get(h.URL + "/admin/api/v1/auth/login-error?" + tc.query)
			if r.StatusCode != tc.wantStatus {
				t.Fatalf("GET login-error?%s = %d %s, want %d", tc.query, r.StatusCode, r.body, tc.wantStatus)
			}
			var got api.ErrorBody
			if r.StatusCode == 200 {
				got = decodeReply[api.ErrorBody](t, r)
			} else {
				got = decodeReply[api.Error](t, r).Error
			}
			if got.Code != tc.wantCode || got.Message != tc.wantMessage {
				t.Errorf("GET login-error?%s = %q %q, want %q %q", tc.query, got.Code, got.Message, tc.wantCode, tc.wantMessage)
			}
		})
	}

	// A forged or foreign headway_login_error cookie is ignored.
	forged := b.get(h.URL+"/admin/api/v1/auth/login-error?code=sign_in_failed",
		"Cookie", loginErrorCookie+"="+forgeLoginError("sign_in_failed", "Call +1 555 0100 to fix this"))
	if got := decodeReply[api.ErrorBody](t, forged); got.Message != "Signing you in failed on the server." {
		t.Errorf("with a forged cookie, message = %q, want the general text", got.Message)
	}
}

// forgeLoginError builds a cookie value in the right shape signed with the wrong key.
func forgeLoginError(code, message string) string {
	other := &server{loginErrorKey: []byte("not the server's key, 32 bytes!!")}
	return other.signedLoginError(loginError{Code: code, Message: message})
}
