package auth_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"headway/backend/auth"
	"headway/backend/headscale"
	"headway/backend/headscale/hstest"
)

var (
	newPrefix = "AbCdEf_-1234"
	newSecret = strings.Repeat("s3cr3T_-", 8) // 64 base64url characters
	newKey    = "hskey-api-" + newPrefix + "-" + newSecret
	legacyKey = "abc_-12." + strings.Repeat("x", 32)
)

func TestParseAPIKeyPrefix(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		ok       bool
	}{
		{newKey, newPrefix, true},
		{"abc_-12." + strings.Repeat("Z9", 16), "abc_-12", true}, // legacy: 7-char prefix, 32-char secret
		{"", "", false},
		{"hskey-api-", "", false},
		{"hskey-api-" + newPrefix, "", false},
		{"hskey-api-" + newPrefix + "-", "", false},
		{"hskey-api-" + newPrefix + "-" + newSecret[:63], "", false},       // secret one short
		{"hskey-api-" + newPrefix + "-" + newSecret + "x", "", false},      // secret one long
		{"hskey-api-" + newPrefix + "_" + newSecret, "", false},            // wrong separator
		{"hskey-api-" + newPrefix[:11] + "-" + newSecret + "x", "", false}, // separator shifted
		{"hskey-api-AbCdEf.+1234-" + newSecret, "", false},                 // prefix outside base64url
		{"hskey-api-" + newPrefix + "-" + newSecret[:63] + "=", "", false},
		{"HSKEY-API-" + newPrefix + "-" + newSecret, "", false},
		{" " + newKey, "", false},
		{newKey + "\n", "", false},
		{"Bearer " + newKey, "", false},
		{"abcdefg", "", false},                                      // legacy without secret
		{"abcdef." + strings.Repeat("x", 32), "", false},            // legacy prefix too short
		{"abcdefgh." + strings.Repeat("x", 32), "", false},          // legacy prefix too long
		{"abcdefg." + strings.Repeat("x", 31), "", false},           // legacy secret too short
		{"abcdefg." + strings.Repeat("x", 31) + ".", "", false},     // second dot
		{"abcdefg." + strings.Repeat("x", 31) + "\x00", "", false},  // control character
		{"hskey-authkey-" + newPrefix + "-" + newSecret, "", false}, // a pre-auth key, not an API key
	}
	for _, tc := range tests {
		got, err := auth.ParseAPIKeyPrefix(tc.in)
		if tc.ok && (err != nil || got != tc.want) {
			t.Errorf("ParseAPIKeyPrefix(%q) = %q, %v; want %q, nil", tc.in, got, err, tc.want)
		}
		if !tc.ok && !errors.Is(err, auth.ErrAPIKeyMalformed) {
			t.Errorf("ParseAPIKeyPrefix(%q) = %q, %v; want ErrAPIKeyMalformed", tc.in, got, err)
		}
	}
}

// createKey makes a Headscale API key valid for d.
func createKey(t *testing.T, hs *hstest.Server, d string) string {
	t.Helper()
	out := strings.TrimSpace(hs.Headscale(t, "apikeys", "create", "--expiration", d))
	key := out[strings.LastIndex(out, "\n")+1:]
	if _, err := auth.ParseAPIKeyPrefix(key); err != nil {
		t.Fatalf("`headscale apikeys create` printed no API key:\n%s", out)
	}
	return key
}

// withRealHeadscale returns a Service whose KeyChecker asks hs, counting calls.
func withRealHeadscale(t *testing.T, hs *hstest.Server) (fixture, *countingChecker) {
	t.Helper()
	cc := &countingChecker{next: auth.NewHeadscaleKeyChecker(hs.URL, hs.APIKey)}
	return newService(t, cc), cc
}

// noSecret fails the test when err's text contains secret.
func noSecret(t *testing.T, err error, secret string) {
	t.Helper()
	if err != nil && strings.Contains(err.Error(), secret) {
		t.Errorf("error text contains a secret: %q", err)
	}
}

func TestSignInAPIKeyRealHeadscale(t *testing.T) {
	t.Parallel()
	hs := hstest.Start(t)
	ctx := t.Context()

	t.Run("valid key", func(t *testing.T) {
		f, _ := withRealHeadscale(t, hs)
		key := createKey(t, hs, "1h")
		iss, err := f.svc.SignInAPIKey(ctx, key, meta)
		if err != nil {
			t.Fatalf("SignInAPIKey(valid) error: %v", err)
		}
		if want := f.clock.Now().Add(time.Hour); iss.Session.ExpiresAt.After(want) {
			t.Errorf("session expires %v, after MaxAge (%v)", iss.Session.ExpiresAt, want)
		}
		p := authenticate(t, f, iss.Token)
		prefix, _ := auth.ParseAPIKeyPrefix(key)
		if p.Kind != auth.KindAPIKey || p.User != nil || p.APIKeyPrefix != "hskey-api-"+prefix+"-***" ||
			iss.Session.APIKeyPrefix != p.APIKeyPrefix || p.Session().APIKeyPrefix != p.APIKeyPrefix {
			t.Errorf("Authenticate() = %+v, want an api_key principal with prefix %q and no user", p, prefix)
		}
		got, err := f.svc.SessionAPIKey(ctx, p)
		if err != nil || got != key {
			t.Errorf("SessionAPIKey() = %d characters, %v; want the key back", len(got), err)
		}

		// The row holds a sealed key bound to this session.
		r := row(t, f, p.SessionID)
		if r.APIKeyCiphertext == nil || bytes.Contains(r.APIKeyCiphertext, []byte(key)) ||
			bytes.Contains(r.APIKeyCiphertext, []byte(key[len(key)-64:])) {
			t.Fatal("api_key_ciphertext is missing or contains the key")
		}
		if opened, err := auth.OpenAPIKeyForTest(f.svc, r.ID, r.APIKeyCiphertext); err != nil || opened != key {
			t.Errorf("opening the sealed key with its own session id failed: %v", err)
		}
		if _, err := auth.OpenAPIKeyForTest(f.svc, r.ID+1, r.APIKeyCiphertext); err == nil {
			t.Error("the sealed key opened with another session id as associated data")
		}
		tampered := bytes.Clone(r.APIKeyCiphertext)
		tampered[len(tampered)-1] ^= 1
		if _, err := auth.OpenAPIKeyForTest(f.svc, r.ID, tampered); err == nil {
			t.Error("a tampered sealed key opened")
		}
		if _, err := auth.OpenIDTokenForTest(f.svc, r.ID, r.APIKeyCiphertext); err == nil {
			t.Error("the sealed key opened with the ID token's key")
		}

		// A session cannot outlive its key.
		list, err := f.svc.ListSessions(ctx, p)
		if err != nil || len(list) != 1 || !list[0].Current {
			t.Errorf("ListSessions(api key) = %+v, %v; want its own session only", list, err)
		}
		if _, err := f.svc.SignOut(ctx, p.SessionID); err != nil {
			t.Errorf("SignOut(api key session) error: %v", err)
		}
		if _, err := f.svc.SessionAPIKey(ctx, p); !errors.Is(err, auth.ErrNoSession) {
			t.Errorf("SessionAPIKey(after sign-out) error = %v, want ErrNoSession", err)
		}
	})

	t.Run("session capped by key expiration", func(t *testing.T) {
		// A real clock here, so that the key's real expiration is comparable.
		f, _ := withRealHeadscale(t, hs)
		svc, err := auth.New(auth.Options{Store: f.store, Headscale: auth.NewHeadscaleKeyChecker(hs.URL, hs.APIKey), CookieSecret: testSecret})
		if err != nil {
			t.Fatal(err)
		}
		key := createKey(t, hs, "2h")
		iss, err := svc.SignInAPIKey(ctx, key, meta)
		if err != nil {
			t.Fatalf("SignInAPIKey() error: %v", err)
		}
		keys, err := headscale.New(hs.URL, hs.APIKey).ListAPIKeys(ctx)
		if err != nil {
			t.Fatal(err)
		}
		prefix, _ := auth.ParseAPIKeyPrefix(key)
		var keyExp time.Time
		for _, k := range keys {
			if k.Prefix == "hskey-api-"+prefix+"-***" && k.Expiration != nil {
				keyExp = *k.Expiration
			}
		}
		if keyExp.IsZero() {
			t.Fatal("new key not listed with an expiration")
		}
		if got := iss.Session.ExpiresAt; got.After(keyExp) || keyExp.Sub(got) > time.Millisecond {
			t.Errorf("session expires %v, want the key's expiration %v (MaxAge is 7 days)", got, keyExp)
		}
	})

	t.Run("unknown key", func(t *testing.T) {
		f, _ := withRealHeadscale(t, hs)
		_, err := f.svc.SignInAPIKey(ctx, newKey, meta)
		if !errors.Is(err, auth.ErrAPIKeyUnknown) {
			t.Errorf("SignInAPIKey(never created) error = %v, want ErrAPIKeyUnknown", err)
		}
		noSecret(t, err, newSecret)

		// A real prefix with a wrong secret is unknown too, not expired.
		real := createKey(t, hs, "1h")
		wrong := real[:len(real)-64] + newSecret
		_, err = f.svc.SignInAPIKey(ctx, wrong, meta)
		if !errors.Is(err, auth.ErrAPIKeyUnknown) {
			t.Errorf("SignInAPIKey(wrong secret) error = %v, want ErrAPIKeyUnknown", err)
		}
		noSecret(t, err, newSecret)
	})

	t.Run("expired key", func(t *testing.T) {
		f, _ := withRealHeadscale(t, hs)
		key := createKey(t, hs, "1h")
		prefix, _ := auth.ParseAPIKeyPrefix(key)
		hs.Headscale(t, "apikeys", "expire", "--prefix", prefix)
		_, err := f.svc.SignInAPIKey(ctx, key, meta)
		if !errors.Is(err, auth.ErrAPIKeyExpired) {
			t.Errorf("SignInAPIKey(expired) error = %v, want ErrAPIKeyExpired", err)
		}
		noSecret(t, err, key[len(key)-64:])
	})

	t.Run("malformed key never reaches headscale", func(t *testing.T) {
		f, cc := withRealHeadscale(t, hs)
		for _, k := range []string{"", "hunter2", "Bearer " + newKey, newKey + "x", hs.APIKey + " "} {
			if _, err := f.svc.SignInAPIKey(ctx, k, meta); !errors.Is(err, auth.ErrAPIKeyMalformed) {
				t.Errorf("SignInAPIKey(%q) error = %v, want ErrAPIKeyMalformed", k, err)
			}
			if _, err := f.svc.AuthenticateBearer(ctx, k); !errors.Is(err, auth.ErrAPIKeyMalformed) {
				t.Errorf("AuthenticateBearer(%q) error = %v, want ErrAPIKeyMalformed", k, err)
			}
		}
		if n := cc.calls.Load(); n != 0 {
			t.Errorf("KeyChecker called %d times for malformed keys, want 0", n)
		}
	})

	t.Run("bearer cache", func(t *testing.T) {
		f, cc := withRealHeadscale(t, hs)
		key := createKey(t, hs, "1h")
		for i := range 3 {
			p, err := f.svc.AuthenticateBearer(ctx, key)
			if err != nil {
				t.Fatalf("AuthenticateBearer(valid) #%d error: %v", i, err)
			}
			if p.Kind != auth.KindBearer || p.SessionID != "" || p.CSRFToken != "" || p.APIKeyPrefix == "" {
				t.Errorf("AuthenticateBearer() = %+v, want a bearer principal with a prefix", p)
			}
		}
		if n := cc.calls.Load(); n != 1 {
			t.Errorf("3 bearer calls reached Headscale %d times, want 1", n)
		}
		for range 2 {
			if _, err := f.svc.AuthenticateBearer(ctx, newKey); !errors.Is(err, auth.ErrAPIKeyUnknown) {
				t.Errorf("AuthenticateBearer(unknown) error = %v, want ErrAPIKeyUnknown", err)
			}
		}
		if n := cc.calls.Load(); n != 2 {
			t.Errorf("after 2 unknown-key calls Headscale was asked %d times in all, want 2", n)
		}
		f.clock.Advance(30 * time.Second)
		if _, err := f.svc.AuthenticateBearer(ctx, key); err != nil {
			t.Fatalf("AuthenticateBearer(after 30s) error: %v", err)
		}
		if _, err := f.svc.AuthenticateBearer(ctx, newKey); !errors.Is(err, auth.ErrAPIKeyUnknown) {
			t.Errorf("AuthenticateBearer(unknown, after 30s) error = %v", err)
		}
		if n := cc.calls.Load(); n != 4 {
			t.Errorf("after the verdicts expired Headscale was asked %d times in all, want 4", n)
		}
	})
}

func TestHeadscaleStopped(t *testing.T) {
	t.Parallel()
	hs := hstest.Start(t)
	ctx := t.Context()
	f, cc := withRealHeadscale(t, hs)
	key := createKey(t, hs, "1h")
	hs.Stop()

	_, err := f.svc.SignInAPIKey(ctx, key, meta)
	if !errors.Is(err, auth.ErrHeadscaleUnavailable) || !errors.Is(err, headscale.ErrUnreachable) {
		t.Errorf("SignInAPIKey(headscale stopped) error = %v, want ErrHeadscaleUnavailable wrapping headscale.ErrUnreachable", err)
	}
	noSecret(t, err, key[len(key)-64:])
	for range 2 {
		if _, err := f.svc.AuthenticateBearer(ctx, key); !errors.Is(err, auth.ErrHeadscaleUnavailable) {
			t.Errorf("AuthenticateBearer(headscale stopped) error = %v, want ErrHeadscaleUnavailable", err)
		}
	}
	if n := cc.calls.Load(); n != 3 {
		t.Errorf("Headscale asked %d times, want 3: unavailability is never cached", n)
	}

	hs.Restart(t)
	if _, err := f.svc.AuthenticateBearer(ctx, key); err != nil {
		t.Errorf("AuthenticateBearer(after restart) error = %v, want nil", err)
	}
}
