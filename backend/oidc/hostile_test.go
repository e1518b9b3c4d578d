package oidc

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/google/go-cmp/cmp"
)

const (
	hostileClientID = "headway"
	hostileSecret   = "s3cret-client-secret"
)

// signingKey is a private key with the kid it is published under.
type signingKey struct {
	kid string
	alg jose.SignatureAlgorithm
	key any // *rsa.PrivateKey or *ecdsa.PrivateKey
}

func newRSAKey(t *testing.T, kid string) signingKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return signingKey{kid: kid, alg: jose.RS256, key: k}
}

func (k signingKey) public() jose.JSONWebKey {
	var pub any
	switch key := k.key.(type) {
	case *rsa.PrivateKey:
		pub = key.Public()
	case *ecdsa.PrivateKey:
		pub = key.Public()
	}
	return jose.JSONWebKey{Key: pub, KeyID: k.kid, Algorithm: string(k.alg), Use: "sig"}
}

// hostileOP is an identity provider that answers whatever the test tells it to.
type hostileOP struct {
	t      *testing.T
	srv    *httptest.Server
	issuer string

	mu              sync.Mutex
	discoveryIssuer string         // issuer in the discovery document
	discoveryStatus int            // 0: 200
	discoveryDelay  time.Duration  // before answering discovery
	discoveryDrop   []string       // endpoints left out of the discovery document
	published       []signingKey   // keys in the JWKS
	tokenStatus     int            // 0: 200
	tokenBody       string         // when set, the token endpoint answers this instead of a token
	idToken         string         // the ID token handed out
	userinfo        map[string]any // nil: 404
	hits            map[string]int // requests per path
	lastTokenForm   map[string][]string
}

func startHostileOP(t *testing.T) *hostileOP {
	t.Helper()
	op := &hostileOP{t: t, hits: map[string]int{}}
	op.srv = httptest.NewServer(http.HandlerFunc(op.serve))
	t.Cleanup(op.srv.Close)
	op.issuer = op.srv.URL
	op.discoveryIssuer = op.issuer
	return op
}

func (op *hostileOP) set(f func(op *hostileOP)) {
	op.mu.Lock()
	defer op.mu.Unlock()
	f(op)
}

func (op *hostileOP) hitCount(path string) int {
	op.mu.Lock()
	defer op.mu.Unlock()
	return op.hits[path]
}

func (op *hostileOP) serve(w http.ResponseWriter, r *http.Request) {
	op.mu.Lock()
	op.hits[r.URL.Path]++
	delay := op.discoveryDelay
	op.mu.Unlock()
	writeJSON := func(status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	switch r.URL.Path {
	case "/.well-known/openid-configuration":
		time.Sleep(delay)
		op.mu.Lock()
		defer op.mu.Unlock()
		if op.discoveryStatus != 0 {
			http.Error(w, "<html>down for maintenance</html>", op.discoveryStatus)
			return
		}
		doc := map[string]any{
			"issuer":                 op.discoveryIssuer,
			"authorization_endpoint": op.issuer + "/authorize",
			"token_endpoint":         op.issuer + "/token",
			"userinfo_endpoint":      op.issuer + "/userinfo",
			"jwks_uri":               op.issuer + "/jwks",
			"end_session_endpoint":   op.issuer + "/logout?tenant=t1",
		}
		for _, k := range op.discoveryDrop {
			delete(doc, k)
		}
		writeJSON(http.StatusOK, doc)
	case "/jwks":
		op.mu.Lock()
		defer op.mu.Unlock()
		var set jose.JSONWebKeySet
		for _, k := range op.published {
			set.Keys = append(set.Keys, k.public())
		}
		writeJSON(http.StatusOK, set)
	case "/token":
		_ = r.ParseForm()
		op.mu.Lock()
		defer op.mu.Unlock()
		op.lastTokenForm = r.PostForm
		if op.tokenBody != "" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(op.tokenStatus)
			_, _ = w.Write([]byte(op.tokenBody))
			return
		}
		writeJSON(http.StatusOK, map[string]any{
			"access_token": "access-token",
			"token_type":   "bearer", // lower case, as some providers send it
			"expires_in":   300,
			"id_token":     op.idToken,
		})
	case "/userinfo":
		op.mu.Lock()
		defer op.mu.Unlock()
		if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer access-") {
			writeJSON(http.StatusUnauthorized, map[string]string{"error": "invalid_token"})
			return
		}
		if op.userinfo == nil {
			http.NotFound(w, r)
			return
		}
		writeJSON(http.StatusOK, op.userinfo)
	default:
		http.NotFound(w, r)
	}
}

// baseClaims are the claims of a valid ID token for nonce.
func (op *hostileOP) baseClaims(nonce string) map[string]any {
	now := time.Now()
	return map[string]any{
		"iss":   op.issuer,
		"sub":   "alice-sub",
		"aud":   hostileClientID,
		"exp":   now.Add(5 * time.Minute).Unix(),
		"iat":   now.Unix(),
		"nonce": nonce,
	}
}

// sign returns a compact JWS of claims signed with key; withKid false leaves kid out.
func sign(t *testing.T, key signingKey, withKid bool, claims map[string]any) string {
	t.Helper()
	sk := jose.SigningKey{Algorithm: key.alg, Key: key.key}
	if withKid {
		sk.Key = jose.JSONWebKey{Key: key.key, KeyID: key.kid}
	}
	signer, err := jose.NewSigner(sk, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(claims)
	jws, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	s, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// unsigned returns an alg "none" token.
func unsigned(claims map[string]any) string {
	enc := base64.RawURLEncoding
	header, _ := json.Marshal(map[string]string{"alg": "none", "typ": "JWT"})
	payload, _ := json.Marshal(claims)
	return enc.EncodeToString(header) + "." + enc.EncodeToString(payload) + "."
}

func (op *hostileOP) provider(t *testing.T, mod func(*Config)) *Provider {
	t.Helper()
	cfg := Config{
		Issuer:       op.issuer,
		ClientID:     hostileClientID,
		ClientSecret: hostileSecret,
		RedirectURI:  "https://headway.example/admin/oidc/callback",
	}
	if mod != nil {
		mod(&cfg)
	}
	return New(cfg, nil)
}

func errCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return "not *Error: " + err.Error()
}

func TestHostileIDTokens(t *testing.T) {
	key1 := newRSAKey(t, "key-1")
	other := newRSAKey(t, "key-1") // same kid, different key: a forged signature
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ec := signingKey{kid: "ec-1", alg: jose.ES256, key: ecKey}

	tests := []struct {
		name      string
		published []signingKey
		token     func(t *testing.T, c map[string]any) string
		claims    func(c map[string]any)
		userinfo  map[string]any // nil: no userinfo (404 would fail: see userinfo cases)
		wantCode  string
		wantMsg   string // substring of Message
		check     func(t *testing.T, id *Identity)
	}{
		{
			name: "valid", userinfo: map[string]any{"sub": "alice-sub", "email": "alice@example.com", "email_verified": "true"},
			claims: func(c map[string]any) { c["name"] = "Alice"; c["groups"] = "admins" },
			check: func(t *testing.T, id *Identity) {
				want := Identity{Issuer: id.Issuer, Subject: "alice-sub", Email: "alice@example.com", EmailVerified: true,
					Name: "Alice", Groups: []string{"admins"}}
				got := *id
				got.IDToken, got.Claims = "", nil
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("identity mismatch (-want +got):\n%s", diff)
				}
			},
		},
		{
			name: "ID token claims win, userinfo fills gaps",
			claims: func(c map[string]any) {
				c["email"] = "id@example.com"
				c["email_verified"] = false
				c["groups"] = []string{"/team-a", "/team-b"}
			},
			userinfo: map[string]any{"sub": "alice-sub", "email": "ui@example.com", "email_verified": true,
				"preferred_username": "alice", "picture": "https://example.com/a.png", "groups": "ignored"},
			check: func(t *testing.T, id *Identity) {
				if id.Email != "id@example.com" || id.EmailVerified || id.PreferredUsername != "alice" ||
					id.Picture != "https://example.com/a.png" || !cmp.Equal(id.Groups, []string{"/team-a", "/team-b"}) {
					t.Errorf("identity = %+v", id)
				}
				if id.Claims["preferred_username"] != "alice" || id.Claims["iss"] == nil {
					t.Errorf("claims = %v, want userinfo and ID token claims merged", id.Claims)
				}
			},
		},
		{
			name:     "email_verified follows its email",
			claims:   func(c map[string]any) { c["email_verified"] = true },
			userinfo: map[string]any{"sub": "alice-sub", "email": "ui@example.com", "email_verified": false},
			check: func(t *testing.T, id *Identity) {
				if id.Email != "ui@example.com" || id.EmailVerified {
					t.Errorf("email = %q verified %v, want ui@example.com unverified", id.Email, id.EmailVerified)
				}
			},
		},
		{name: "multiple audiences with azp", claims: func(c map[string]any) { c["aud"] = []string{hostileClientID, "other"}; c["azp"] = hostileClientID }},
		{name: "ES256", published: []signingKey{ec}, token: func(t *testing.T, c map[string]any) string { return sign(t, ec, true, c) }},
		{name: "no kid, single key in JWKS", token: func(t *testing.T, c map[string]any) string { return sign(t, key1, false, c) }},

		{name: "wrong iss", claims: func(c map[string]any) { c["iss"] = "https://evil.example" }, wantCode: CodeIDTokenInvalid, wantMsg: "issuer"},
		{name: "iss with trailing slash", claims: func(c map[string]any) { c["iss"] = c["iss"].(string) + "/" }, wantCode: CodeIDTokenInvalid, wantMsg: "issuer"},
		{name: "missing sub", claims: func(c map[string]any) { delete(c, "sub") }, wantCode: CodeMissingSub},
		{name: "wrong aud", claims: func(c map[string]any) { c["aud"] = "someone-else" }, wantCode: CodeIDTokenInvalid, wantMsg: "audience"},
		{name: "missing aud", claims: func(c map[string]any) { delete(c, "aud") }, wantCode: CodeIDTokenInvalid, wantMsg: "audience"},
		{name: "multiple audiences without azp", claims: func(c map[string]any) { c["aud"] = []string{hostileClientID, "other"} }, wantCode: CodeIDTokenInvalid, wantMsg: "azp"},
		{name: "azp of another client", claims: func(c map[string]any) { c["azp"] = "other" }, wantCode: CodeIDTokenInvalid, wantMsg: "azp"},
		{name: "missing iat", claims: func(c map[string]any) { delete(c, "iat") }, wantCode: CodeIDTokenInvalid, wantMsg: "iat"},
		{name: "iat in the future", claims: func(c map[string]any) { c["iat"] = time.Now().Add(time.Hour).Unix() }, wantCode: CodeIDTokenInvalid, wantMsg: "iat"},
		{name: "expired", claims: func(c map[string]any) { c["exp"] = time.Now().Add(-time.Minute).Unix() }, wantCode: CodeIDTokenInvalid, wantMsg: "expired"},
		{name: "missing exp", claims: func(c map[string]any) { delete(c, "exp") }, wantCode: CodeIDTokenInvalid, wantMsg: "expired"},
		{name: "wrong nonce", claims: func(c map[string]any) { c["nonce"] = "replayed" }, wantCode: CodeIDTokenInvalid, wantMsg: "nonce"},
		{name: "missing nonce", claims: func(c map[string]any) { delete(c, "nonce") }, wantCode: CodeIDTokenInvalid, wantMsg: "nonce"},
		{name: "bad signature", token: func(t *testing.T, c map[string]any) string { return sign(t, other, true, c) }, wantCode: CodeIDTokenInvalid, wantMsg: "signature"},
		{name: "bad signature, no kid", token: func(t *testing.T, c map[string]any) string { return sign(t, other, false, c) }, wantCode: CodeIDTokenInvalid, wantMsg: "signature"},
		{name: "tampered payload", token: func(t *testing.T, c map[string]any) string {
			s := sign(t, key1, true, c)
			c["sub"] = "mallory"
			parts := strings.Split(s, ".")
			p, _ := json.Marshal(c)
			return parts[0] + "." + base64.RawURLEncoding.EncodeToString(p) + "." + parts[2]
		}, wantCode: CodeIDTokenInvalid, wantMsg: "signature"},
		{name: "alg none", token: func(t *testing.T, c map[string]any) string { return unsigned(c) }, wantCode: CodeIDTokenInvalid, wantMsg: "signature algorithm"},
		{name: "HS256 with the client secret", token: func(t *testing.T, c map[string]any) string {
			return sign(t, signingKey{kid: "key-1", alg: jose.HS256, key: []byte(hostileSecret + hostileSecret)}, true, c)
		}, wantCode: CodeIDTokenInvalid, wantMsg: "signature algorithm"},
		{name: "unknown kid", token: func(t *testing.T, c map[string]any) string {
			return sign(t, newRSAKey(t, "key-9"), true, c)
		}, wantCode: CodeIDTokenInvalid, wantMsg: "signature"},
		{name: "not a JWT", token: func(t *testing.T, c map[string]any) string { return "abc.def" }, wantCode: CodeIDTokenInvalid, wantMsg: "malformed"},
		{name: "numeric sub", claims: func(c map[string]any) { c["sub"] = 42 }, wantCode: CodeIDTokenInvalid, wantMsg: "malformed"},
		{name: "no ID token", token: func(t *testing.T, c map[string]any) string { return "" }, wantCode: CodeIDTokenInvalid, wantMsg: "no ID token"},

		{name: "userinfo sub mismatch", userinfo: map[string]any{"sub": "mallory", "email": "mallory@example.com"}, wantCode: CodeUserinfoInvalid, wantMsg: "sub"},
		{name: "userinfo without sub", userinfo: map[string]any{"email": "alice@example.com"}, wantCode: CodeUserinfoInvalid, wantMsg: "sub"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			op := startHostileOP(t)
			published := tc.published
			if published == nil {
				published = []signingKey{key1}
			}
			nonce := RandomToken()
			claims := op.baseClaims(nonce)
			if tc.claims != nil {
				tc.claims(claims)
			}
			var token string
			if tc.token != nil {
				token = tc.token(t, maps.Clone(claims))
			} else {
				token = sign(t, key1, true, claims)
			}
			op.set(func(op *hostileOP) {
				op.published = published
				op.idToken = token
				op.userinfo = tc.userinfo
				if tc.userinfo == nil {
					op.discoveryDrop = []string{"userinfo_endpoint"}
				}
			})
			p := op.provider(t, nil)
			id, err := p.Exchange(context.Background(), "the-code", "", nonce)
			if got := errCode(err); got != tc.wantCode {
				t.Fatalf("Exchange() error = %v, want code %q", err, tc.wantCode)
			}
			if tc.wantCode != "" {
				var e *Error
				errors.As(err, &e)
				if !strings.Contains(e.Message, tc.wantMsg) {
					t.Errorf("Message = %q, want it to mention %q", e.Message, tc.wantMsg)
				}
				if id != nil {
					t.Errorf("Exchange() identity = %+v with an error", id)
				}
				return
			}
			if id.Subject != "alice-sub" || id.IDToken != token || id.Issuer != op.issuer {
				t.Errorf("identity = %+v", id)
			}
			if tc.check != nil {
				tc.check(t, id)
			}
		})
	}
}
