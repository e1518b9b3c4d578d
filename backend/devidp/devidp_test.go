package devidp_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/zitadel/oidc/v3/pkg/client/rp"
	"github.com/zitadel/oidc/v3/pkg/oidc"

	"headway/backend/devidp"
	"headway/backend/devidp/devidptest"
)

const (
	headwayRedirect  = "http://127.0.0.1:3000/admin/oidc/callback"
	headwayLoggedOut = "http://127.0.0.1:3000/admin/"
	postRedirect     = "http://127.0.0.1:8080/oidc/callback"
	publicRedirect   = "http://127.0.0.1:5173/callback"
)

func testConfig() devidp.Config {
	return devidp.Config{
		Users: []devidp.User{
			{Subject: "alice", Email: "alice@example.com", EmailVerified: true, Name: "Alice Admin", PreferredUsername: "alice", Groups: []string{"admins"}},
			{Subject: "bob", Email: "bob@example.com", EmailVerified: true, Name: "Bob Network", PreferredUsername: "bob", Groups: []string{"network"}},
			{Subject: "dave", Email: "dave@example.com", Name: "Dave Unverified", PreferredUsername: "dave"},
			{Subject: "erin", Email: "erin@example.com", EmailVerified: true, Name: "Erin Password", Password: "s3cret"},
		},
		Clients: []devidp.Client{
			{ID: "headway", Secret: "headway-secret", RedirectURIs: []string{headwayRedirect}, AuthMethod: devidp.AuthMethodBasic, RequirePKCE: true, PostLogoutRedirectURIs: []string{headwayLoggedOut}},
			{ID: "posty", Secret: "posty-secret", RedirectURIs: []string{postRedirect}, AuthMethod: devidp.AuthMethodPost},
			{ID: "public", RedirectURIs: []string{publicRedirect}, AuthMethod: devidp.AuthMethodNone, RequirePKCE: true},
		},
	}
}

// browser is a cookie-keeping HTTP client that follows redirects only within
// the provider, stopping at the first one that leaves it.
type browser struct {
	t      *testing.T
	s      *devidptest.Server
	client *http.Client
}

func newBrowser(t *testing.T, s *devidptest.Server) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := s.Client()
	c.Jar = jar
	return &browser{t: t, s: s, client: c}
}

// follow GETs u and follows redirects while they stay on the provider. It
// returns the last response (body read) and, when it left the provider, the
// address it was sent to.
func (b *browser) follow(u string) (*http.Response, string, string) {
	b.t.Helper()
	for range 10 {
		resp, err := b.client.Get(u)
		if err != nil {
			b.t.Fatalf("GET %s: %v", u, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound && resp.StatusCode != http.StatusSeeOther {
			return resp, string(body), ""
		}
		loc, err := resp.Location()
		if err != nil {
			b.t.Fatalf("GET %s: %v", u, err)
		}
		if !strings.HasPrefix(loc.String(), b.s.URL+"/") {
			return resp, string(body), loc.String()
		}
		u = loc.String()
	}
	b.t.Fatalf("too many redirects from %s", u)
	return nil, "", ""
}

// authorize runs an authorization request up to the redirect to the client and
// returns that redirect's query.
func (b *browser) authorize(authURL string) url.Values {
	b.t.Helper()
	resp, body, left := b.follow(authURL)
	if left == "" {
		b.t.Fatalf("authorization stayed on the provider: %d %s", resp.StatusCode, body)
	}
	u, err := url.Parse(left)
	if err != nil {
		b.t.Fatal(err)
	}
	return u.Query()
}

func authURL(s *devidptest.Server, params url.Values) string {
	return s.AuthorizationEndpoint() + "?" + params.Encode()
}

func codeParams(clientID, redirectURI string, extra ...string) url.Values {
	v := url.Values{
		"client_id":     {clientID},
		"redirect_uri":  {redirectURI},
		"response_type": {"code"},
		"scope":         {"openid profile email groups"},
		"state":         {"st-" + clientID},
		"nonce":         {"n-" + clientID},
	}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v
}

type tokenResponse struct {
	status int
	body   map[string]any
}

func (r tokenResponse) errorCode() string { s, _ := r.body["error"].(string); return s }

// exchange posts form to the token endpoint, with basic credentials if user is set.
func exchange(t *testing.T, s *devidptest.Server, form url.Values, user, pass string) tokenResponse {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.TokenEndpoint(), strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if user != "" {
		req.SetBasicAuth(url.QueryEscape(user), url.QueryEscape(pass))
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("token response: %v", err)
	}
	return tokenResponse{status: resp.StatusCode, body: body}
}

func codeForm(code, redirectURI string, extra ...string) url.Values {
	v := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirectURI}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v
}

func TestDiscoveryIssuerExact(t *testing.T) {
	t.Parallel()
	for _, path := range []string{"", "/oidc", "/oidc/", "/a/b"} {
		t.Run("path="+path, func(t *testing.T) {
			t.Parallel()
			cfg := testConfig()
			cfg.Issuer = path
			s := devidptest.Start(t, cfg)
			if want := s.URL + path; s.Issuer != want {
				t.Fatalf("Issuer = %q, want %q", s.Issuer, want)
			}
			resp, err := s.Client().Get(s.DiscoveryURL())
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var doc struct {
				Issuer          string   `json:"issuer"`
				Authorization   string   `json:"authorization_endpoint"`
				JWKS            string   `json:"jwks_uri"`
				EndSession      string   `json:"end_session_endpoint"`
				PKCEMethods     []string `json:"code_challenge_methods_supported"`
				AuthMethods     []string `json:"token_endpoint_auth_methods_supported"`
				Claims          []string `json:"claims_supported"`
				SigningAlgs     []string `json:"id_token_signing_alg_values_supported"`
				ScopesSupported []string `json:"scopes_supported"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
				t.Fatal(err)
			}
			if doc.Issuer != s.Issuer {
				t.Errorf("discovery issuer = %q, want %q", doc.Issuer, s.Issuer)
			}
			prefix := strings.TrimSuffix(s.Issuer, "/") + "/"
			for _, e := range []string{doc.Authorization, doc.JWKS, doc.EndSession} {
				if !strings.HasPrefix(e, prefix) {
					t.Errorf("endpoint %q is not below the issuer %q", e, s.Issuer)
				}
			}
			for _, want := range []struct {
				list []string
				v    string
			}{{doc.PKCEMethods, "S256"}, {doc.AuthMethods, "client_secret_basic"}, {doc.AuthMethods, "client_secret_post"}, {doc.Claims, "groups"}, {doc.SigningAlgs, "RS256"}, {doc.ScopesSupported, "groups"}} {
				if !slices.Contains(want.list, want.v) {
					t.Errorf("discovery lacks %q in %v", want.v, want.list)
				}
			}
			jwks, err := s.Client().Get(doc.JWKS)
			if err != nil {
				t.Fatal(err)
			}
			defer jwks.Body.Close()
			if jwks.StatusCode != http.StatusOK {
				t.Errorf("GET jwks = %d, want 200", jwks.StatusCode)
			}
			// Nothing is served outside the issuer's path.
			if path != "" {
				r, err := s.Client().Get(s.URL + "/.well-known/openid-configuration")
				if err != nil {
					t.Fatal(err)
				}
				r.Body.Close()
				if r.StatusCode != http.StatusNotFound {
					t.Errorf("discovery at the root = %d, want 404", r.StatusCode)
				}
			}
		})
	}
}

// TestCodeFlowRelyingParty runs the code flow with zitadel's relying party
// verifying the ID token and fetching userinfo, signing in through login_hint.
func TestCodeFlowRelyingParty(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	cfg.Issuer = "/oidc"
	s := devidptest.Start(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	const nonce, state = "nonce-123", "state-456"
	verifier := "verifier-" + strings.Repeat("x", 40)
	relyingParty, err := rp.NewRelyingPartyOIDC(ctx, s.Issuer, "headway", "headway-secret", headwayRedirect,
		[]string{oidc.ScopeOpenID, oidc.ScopeProfile, oidc.ScopeEmail, "groups"},
		rp.WithHTTPClient(s.Client()),
		rp.WithVerifierOpts(rp.WithNonce(func(context.Context) string { return nonce })),
	)
	if err != nil {
		t.Fatalf("NewRelyingPartyOIDC: %v", err)
	}
	u := rp.AuthURL(state, relyingParty,
		rp.WithCodeChallenge(oidc.NewSHACodeChallenge(verifier)),
		rp.AuthURLOpt(rp.WithURLParam("nonce", nonce)),
		rp.AuthURLOpt(rp.WithURLParam("login_hint", "alice")),
	)
	q := newBrowser(t, s).authorize(u)
	if q.Get("state") != state || q.Get("code") == "" {
		t.Fatalf("redirect query = %v, want state %q and a code", q, state)
	}

	tokens, err := rp.CodeExchange[*oidc.IDTokenClaims](ctx, q.Get("code"), relyingParty, rp.WithCodeVerifier(verifier))
	if err != nil {
		t.Fatalf("CodeExchange: %v", err)
	}
	c := tokens.IDTokenClaims
	got := map[string]any{
		"sub": c.Subject, "email": c.Email, "email_verified": bool(c.EmailVerified), "name": c.Name,
		"preferred_username": c.PreferredUsername, "groups": c.Claims["groups"], "nonce": c.Nonce,
		"aud": []string(c.Audience), "iss": c.Issuer,
	}
	want := map[string]any{
		"sub": "alice", "email": "alice@example.com", "email_verified": true, "name": "Alice Admin",
		"preferred_username": "alice", "groups": []any{"admins"}, "nonce": nonce,
		"aud": []string{"headway"}, "iss": s.Issuer,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ID token claims (-want +got):\n%s", diff)
	}

	info, err := rp.Userinfo[*oidc.UserInfo](ctx, tokens.AccessToken, tokens.TokenType, c.Subject, relyingParty)
	if err != nil {
		t.Fatalf("Userinfo: %v", err)
	}
	if info.Subject != "alice" || info.Email != "alice@example.com" || !slices.Equal(toStrings(info.Claims["groups"]), []string{"admins"}) {
		t.Errorf("userinfo = %+v (claims %v), want alice with groups [admins]", info, info.Claims)
	}

	// The code is single use.
	if _, err := rp.CodeExchange[*oidc.IDTokenClaims](ctx, q.Get("code"), relyingParty, rp.WithCodeVerifier(verifier)); err == nil {
		t.Error("second CodeExchange with the same code succeeded, want invalid_grant")
	}
}

func toStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

func TestPKCE(t *testing.T) {
	t.Parallel()
	s := devidptest.Start(t, testConfig())
	verifier := strings.Repeat("v", 43)
	challenge := oidc.NewSHACodeChallenge(verifier)

	t.Run("authorization without code_challenge refused", func(t *testing.T) {
		t.Parallel()
		q := newBrowser(t, s).authorize(authURL(s, codeParams("headway", headwayRedirect, "login_hint", "alice")))
		if q.Get("error") != "invalid_request" || q.Get("code") != "" {
			t.Errorf("redirect query = %v, want error=invalid_request and no code", q)
		}
	})
	t.Run("plain method refused", func(t *testing.T) {
		t.Parallel()
		q := newBrowser(t, s).authorize(authURL(s, codeParams("headway", headwayRedirect, "login_hint", "alice",
			"code_challenge", verifier, "code_challenge_method", "plain")))
		if q.Get("error") != "invalid_request" {
			t.Errorf("redirect query = %v, want error=invalid_request", q)
		}
	})
	t.Run("exchange needs the verifier", func(t *testing.T) {
		t.Parallel()
		q := newBrowser(t, s).authorize(authURL(s, codeParams("headway", headwayRedirect, "login_hint", "alice",
			"code_challenge", challenge, "code_challenge_method", "S256")))
		code := q.Get("code")
		tests := []struct {
			name       string
			verifier   string
			wantStatus int
			wantError  string
		}{
			{"missing verifier", "", http.StatusBadRequest, "invalid_request"},
			{"wrong verifier", strings.Repeat("w", 43), http.StatusBadRequest, "invalid_grant"},
			{"right verifier", verifier, http.StatusOK, ""},
			{"code reused", verifier, http.StatusBadRequest, "invalid_grant"},
		}
		for _, tc := range tests { // in order: the code stays valid until a success
			form := codeForm(code, headwayRedirect)
			if tc.verifier != "" {
				form.Set("code_verifier", tc.verifier)
			}
			r := exchange(t, s, form, "headway", "headway-secret")
			if r.status != tc.wantStatus || r.errorCode() != tc.wantError {
				t.Errorf("%s: token response = %d %v, want %d error %q", tc.name, r.status, r.body, tc.wantStatus, tc.wantError)
			}
		}
	})
	t.Run("public client", func(t *testing.T) {
		t.Parallel()
		q := newBrowser(t, s).authorize(authURL(s, codeParams("public", publicRedirect, "login_hint", "bob",
			"code_challenge", challenge, "code_challenge_method", "S256")))
		r := exchange(t, s, codeForm(q.Get("code"), publicRedirect, "client_id", "public", "code_verifier", verifier), "", "")
		if r.status != http.StatusOK || r.body["id_token"] == nil {
			t.Errorf("token response = %d %v, want 200 with an id_token", r.status, r.body)
		}
	})
}

func TestClientAuthentication(t *testing.T) {
	t.Parallel()
	s := devidptest.Start(t, testConfig())
	verifier := strings.Repeat("v", 43)
	headwayCode := func(t *testing.T) string {
		q := newBrowser(t, s).authorize(authURL(s, codeParams("headway", headwayRedirect, "login_hint", "alice",
			"code_challenge", oidc.NewSHACodeChallenge(verifier), "code_challenge_method", "S256")))
		return q.Get("code")
	}
	postyCode := func(t *testing.T) string {
		return newBrowser(t, s).authorize(authURL(s, codeParams("posty", postRedirect, "login_hint", "bob"))).Get("code")
	}
	tests := []struct {
		name       string
		form       func(t *testing.T) url.Values
		user, pass string
		wantStatus int
		wantError  string
	}{
		{
			name: "basic", user: "headway", pass: "headway-secret", wantStatus: http.StatusOK,
			form: func(t *testing.T) url.Values {
				return codeForm(headwayCode(t), headwayRedirect, "code_verifier", verifier)
			},
		},
		{
			name: "basic, wrong secret", user: "headway", pass: "nope", wantStatus: http.StatusUnauthorized, wantError: "invalid_client",
			form: func(t *testing.T) url.Values {
				return codeForm(headwayCode(t), headwayRedirect, "code_verifier", verifier)
			},
		},
		{
			name: "basic client sending its secret in the body", wantStatus: http.StatusUnauthorized, wantError: "invalid_client",
			form: func(t *testing.T) url.Values {
				return codeForm(headwayCode(t), headwayRedirect, "code_verifier", verifier, "client_id", "headway", "client_secret", "headway-secret")
			},
		},
		{
			name: "post", wantStatus: http.StatusOK,
			form: func(t *testing.T) url.Values {
				return codeForm(postyCode(t), postRedirect, "client_id", "posty", "client_secret", "posty-secret")
			},
		},
		{
			name: "post, wrong secret", wantStatus: http.StatusUnauthorized, wantError: "invalid_client",
			form: func(t *testing.T) url.Values {
				return codeForm(postyCode(t), postRedirect, "client_id", "posty", "client_secret", "wrong")
			},
		},
		{
			name: "post client using basic", user: "posty", pass: "posty-secret", wantStatus: http.StatusUnauthorized, wantError: "invalid_client",
			form: func(t *testing.T) url.Values { return codeForm(postyCode(t), postRedirect) },
		},
		{
			name: "code of another client", wantStatus: http.StatusBadRequest, wantError: "invalid_grant",
			form: func(t *testing.T) url.Values {
				return codeForm(headwayCode(t), headwayRedirect, "code_verifier", verifier, "client_id", "posty", "client_secret", "posty-secret")
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := exchange(t, s, tc.form(t), tc.user, tc.pass)
			if r.status != tc.wantStatus || r.errorCode() != tc.wantError {
				t.Errorf("token response = %d %v, want %d error %q", r.status, r.body, tc.wantStatus, tc.wantError)
			}
		})
	}
}

func TestLoginPage(t *testing.T) {
	t.Parallel()
	s := devidptest.Start(t, testConfig())
	b := newBrowser(t, s)
	resp, body, left := b.follow(authURL(s, codeParams("posty", postRedirect)))
	if left != "" || resp.StatusCode != http.StatusOK {
		t.Fatalf("authorization = %d (left to %q), want the login page", resp.StatusCode, left)
	}
	for _, want := range []string{"Alice Admin", "Bob Network", "Dave Unverified", "Erin Password",
		`<button type="submit">Sign in as Bob Network</button>`, `<label for="password-3">`, "(unverified)", "<h1>Sign in</h1>"} {
		if !strings.Contains(body, want) {
			t.Errorf("login page lacks %q", want)
		}
	}
	if strings.Contains(body, "s3cret") {
		t.Error("login page shows a password")
	}
	loginURL := resp.Request.URL
	id := loginURL.Query().Get("authRequestID")

	post := func(form url.Values) *http.Response {
		t.Helper()
		resp, err := b.client.PostForm(loginURL.String(), form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if r := post(url.Values{"authRequestID": {id}, "sub": {"erin"}, "password": {"wrong"}}); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong password: status %d, want 401", r.StatusCode)
	}
	if r := post(url.Values{"authRequestID": {"nope"}, "sub": {"dave"}}); r.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown auth request: status %d, want 400", r.StatusCode)
	}
	r := post(url.Values{"authRequestID": {id}, "sub": {"dave"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as dave: status %d, want 303", r.StatusCode)
	}
	loc, _ := r.Location()
	_, _, left = b.follow(loc.String())
	code := mustQuery(t, left).Get("code")

	tr := exchange(t, s, codeForm(code, postRedirect, "client_id", "posty", "client_secret", "posty-secret"), "", "")
	if tr.status != http.StatusOK {
		t.Fatalf("token response = %d %v", tr.status, tr.body)
	}
	claims := idTokenPayload(t, tr.body["id_token"].(string))
	// email_verified must be present and false, not left out.
	want := map[string]any{"sub": "dave", "email_verified": false, "groups": []any{}, "nonce": "n-posty"}
	for k, v := range want {
		if diff := cmp.Diff(v, claims[k]); diff != "" {
			t.Errorf("ID token %s (-want +got):\n%s", k, diff)
		}
	}
}

func TestLoginHintWithPasswordShowsPage(t *testing.T) {
	t.Parallel()
	s := devidptest.Start(t, testConfig())
	resp, body, left := newBrowser(t, s).follow(authURL(s, codeParams("posty", postRedirect, "login_hint", "erin")))
	if left != "" || resp.StatusCode != http.StatusOK || !strings.Contains(body, "autofocus") {
		t.Errorf("login_hint for a user with a password = %d (left to %q), want the login page with the password focused", resp.StatusCode, left)
	}
	q := newBrowser(t, s).authorize(authURL(s, codeParams("posty", postRedirect, "prompt", "none")))
	if q.Get("error") != "login_required" {
		t.Errorf("prompt=none without login_hint: redirect query = %v, want error=login_required", q)
	}
}

func TestRefreshAndRuntimeUsers(t *testing.T) {
	t.Parallel()
	s := devidptest.Start(t, testConfig())
	if err := s.AddUser(devidp.User{Subject: "frank", Name: "Frank New", Groups: []string{"viewers"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddUser(devidp.User{}); err == nil {
		t.Error("AddUser without sub succeeded")
	}
	q := newBrowser(t, s).authorize(authURL(s, codeParams("posty", postRedirect, "login_hint", "frank", "scope", "openid profile offline_access")))
	tr := exchange(t, s, codeForm(q.Get("code"), postRedirect, "client_id", "posty", "client_secret", "posty-secret"), "", "")
	refresh, _ := tr.body["refresh_token"].(string)
	if tr.status != http.StatusOK || refresh == "" {
		t.Fatalf("token response = %d %v, want a refresh token", tr.status, tr.body)
	}
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}, "client_id": {"posty"}, "client_secret": {"posty-secret"}}
	if r := exchange(t, s, form, "", ""); r.status != http.StatusOK || idTokenPayload(t, r.body["id_token"].(string))["sub"] != "frank" {
		t.Errorf("refresh = %d %v, want new tokens for frank", r.status, r.body)
	}
	if r := exchange(t, s, form, "", ""); r.errorCode() != "invalid_grant" {
		t.Errorf("rotated refresh token reused = %d %v, want invalid_grant", r.status, r.body)
	}

	if err := s.SetUsers([]devidp.User{{Subject: "gina", Name: "Gina Only"}}); err != nil {
		t.Fatal(err)
	}
	if got := s.Users(); len(got) != 1 || got[0].Subject != "gina" {
		t.Errorf("Users() = %v, want only gina", got)
	}
}

func TestEndSession(t *testing.T) {
	t.Parallel()
	s := devidptest.Start(t, testConfig())
	verifier := strings.Repeat("v", 43)
	q := newBrowser(t, s).authorize(authURL(s, codeParams("headway", headwayRedirect, "login_hint", "alice",
		"code_challenge", oidc.NewSHACodeChallenge(verifier), "code_challenge_method", "S256")))
	tr := exchange(t, s, codeForm(q.Get("code"), headwayRedirect, "code_verifier", verifier), "headway", "headway-secret")
	idToken, _ := tr.body["id_token"].(string)
	accessToken, _ := tr.body["access_token"].(string)

	tests := []struct {
		name       string
		params     url.Values
		wantStatus int
		wantLoc    string
	}{
		{"registered uri with id_token_hint", url.Values{"id_token_hint": {idToken}, "post_logout_redirect_uri": {headwayLoggedOut}, "state": {"bye"}}, http.StatusFound, headwayLoggedOut + "?state=bye"},
		{"registered uri with client_id", url.Values{"client_id": {"headway"}, "post_logout_redirect_uri": {headwayLoggedOut}}, http.StatusFound, headwayLoggedOut},
		{"unregistered uri", url.Values{"client_id": {"headway"}, "post_logout_redirect_uri": {"http://evil.example/"}}, http.StatusBadRequest, ""},
		{"no uri", url.Values{}, http.StatusFound, s.Issuer + "/logged-out"},
	}
	for _, tc := range tests { // in order: the first one ends alice's session
		resp, err := s.Client().Get(s.EndSessionEndpoint() + "?" + tc.params.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.wantStatus || resp.Header.Get("Location") != tc.wantLoc {
			t.Errorf("%s: end_session = %d %q, want %d %q", tc.name, resp.StatusCode, resp.Header.Get("Location"), tc.wantStatus, tc.wantLoc)
		}
	}

	req, _ := http.NewRequest(http.MethodGet, s.UserinfoEndpoint(), nil)
	req.Header.Set("Authorization", "Bearer "+accessToken)
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		t.Error("userinfo with an access token of an ended session = 200, want a refusal")
	}

	_, body, _ := newBrowser(t, s).follow(s.Issuer + "/logged-out")
	if !strings.Contains(body, "You are signed out") {
		t.Error("logged-out page lacks its heading")
	}
}

func TestConfig(t *testing.T) {
	t.Parallel()
	_, err := devidp.ParseConfig([]byte("issuer: http://x\nuser: []\n"))
	if err == nil || !strings.Contains(err.Error(), "user") {
		t.Errorf("ParseConfig with a misspelt key: err = %v, want it named", err)
	}
	cfg, err := devidp.ParseConfig([]byte(`{"issuer": "http://127.0.0.1:9000", "users": [{"sub": "a", "groups": ["g"]}],
		"clients": [{"client_id": "c", "client_secret": "s", "redirect_uris": ["http://127.0.0.1/cb"], "require_pkce": true}]}`))
	if err != nil {
		t.Fatalf("ParseConfig(JSON): %v", err)
	}
	if cfg.Users[0].Groups[0] != "g" || !cfg.Clients[0].RequirePKCE {
		t.Errorf("ParseConfig(JSON) = %+v", cfg)
	}

	bad := devidp.Config{
		Issuer:  "http://127.0.0.1:9000",
		Users:   []devidp.User{{Subject: "a"}, {Subject: "a"}, {}},
		Clients: []devidp.Client{{ID: "c", AuthMethod: "magic"}, {ID: "d", RedirectURIs: []string{"/relative"}}},
	}
	_, err = devidp.New(bad)
	if err == nil {
		t.Fatal("New(bad config) succeeded")
	}
	for _, want := range []string{"users[1].sub", "users[2].sub", "clients[0].auth_method", "clients[0].redirect_uris", "clients[1].client_secret", `"/relative"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("New(bad config) error lacks %q:\n%v", want, err)
		}
	}
	for _, issuer := range []string{"", "127.0.0.1:9000", "http://x/?a=b", "ftp://x"} {
		if _, err := devidp.New(devidp.Config{Issuer: issuer}); err == nil {
			t.Errorf("New(issuer %q) succeeded, want an error", issuer)
		}
	}
}

func mustQuery(t *testing.T, raw string) url.Values {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil || raw == "" {
		t.Fatalf("redirect %q: %v", raw, err)
	}
	return u.Query()
}

// idTokenPayload decodes a JWT's claims without verifying it (the relying-party
// test verifies signatures).
func idTokenPayload(t *testing.T, jwt string) map[string]any {
	t.Helper()
	var claims map[string]any
	payload, err := oidc.ParseToken(jwt, &claims)
	if err != nil {
		t.Fatalf("parse ID token: %v (%s)", err, payload)
	}
	return claims
}
