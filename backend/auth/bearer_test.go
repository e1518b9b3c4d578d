package auth_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"headway/backend/auth"
)

// legacyKeyN returns a distinct well-formed legacy key for each n.
func legacyKeyN(n int) string {
	return fmt.Sprintf("k%06d.", n) + strings.Repeat("x", 32)
}

func TestBearerVerdictNeverOutlivesKey(t *testing.T) {
	t.Parallel()
	c := newClock()
	cc := &countingChecker{next: stubChecker{info: auth.KeyInfo{Prefix: "abc_-12***", Expiration: c.Now().Add(10 * time.Second)}}}
	f := newService(t, cc) // its clock starts at the same instant as c
	p, err := f.svc.AuthenticateBearer(t.Context(), legacyKey)
	if err != nil {
		t.Fatalf("AuthenticateBearer() error: %v", err)
	}
	if !p.ExpiresAt.Equal(c.Now().Add(10*time.Second)) || p.APIKeyPrefix != "abc_-12***" {
		t.Errorf("AuthenticateBearer() = %+v, want the key's prefix and expiration", p)
	}
	f.clock.Advance(9 * time.Second)
	if _, err := f.svc.AuthenticateBearer(t.Context(), legacyKey); err != nil || cc.calls.Load() != 1 {
		t.Errorf("AuthenticateBearer(+9s) = %v with %d checks, want a cached verdict", err, cc.calls.Load())
	}
	// At the key's expiration the cached verdict is gone; the checker (whose
	// answer still carries the past expiration) is asked again and the key refused.
	f.clock.Advance(time.Second)
	if _, err := f.svc.AuthenticateBearer(t.Context(), legacyKey); !errors.Is(err, auth.ErrAPIKeyExpired) {
		t.Errorf("AuthenticateBearer(at key expiration) error = %v, want ErrAPIKeyExpired", err)
	}
	if n := cc.calls.Load(); n != 2 {
		t.Errorf("checks = %d, want 2", n)
	}
}

func TestSignInAPIKeyPastExpiration(t *testing.T) {
	t.Parallel()
	c := newClock()
	f := newService(t, stubChecker{info: auth.KeyInfo{Prefix: "abc_-12***", Expiration: c.Now()}})
	if _, err := f.svc.SignInAPIKey(t.Context(), legacyKey, meta); !errors.Is(err, auth.ErrAPIKeyExpired) {
		t.Errorf("SignInAPIKey(key expiring now) error = %v, want ErrAPIKeyExpired", err)
	}
}

func TestSignInAPIKeyCappedByKey(t *testing.T) {
	t.Parallel()
	c := newClock()
	keyExp := c.Now().Add(20 * time.Minute)
	f := newService(t, stubChecker{info: auth.KeyInfo{Prefix: "abc_-12***", Expiration: keyExp}}) // max age 1h
	iss, err := f.svc.SignInAPIKey(t.Context(), legacyKey, meta)
	if err != nil {
		t.Fatalf("SignInAPIKey() error: %v", err)
	}
	if !iss.Session.ExpiresAt.Equal(keyExp) {
		t.Errorf("session expires %v, want the key's expiration %v", iss.Session.ExpiresAt, keyExp)
	}
	f.clock.Advance(9 * time.Minute)
	authenticate(t, f, iss.Token)
	f.clock.Advance(9 * time.Minute)
	p := authenticate(t, f, iss.Token)
	if r := row(t, f, p.SessionID); !r.IdleExpiresAt.Equal(keyExp) {
		t.Errorf("idle expiry %v, want capped at the key's expiration %v", r.IdleExpiresAt, keyExp)
	}
	f.clock.Advance(2 * time.Minute)
	if _, err := f.svc.Authenticate(t.Context(), iss.Token); !errors.Is(err, auth.ErrNoSession) {
		t.Errorf("Authenticate(at key expiration) error = %v, want ErrNoSession", err)
	}
	if _, err := f.svc.SessionAPIKey(t.Context(), &auth.Principal{Kind: auth.KindOIDC}); !errors.Is(err, auth.ErrNoAPIKey) {
		t.Errorf("SessionAPIKey(oidc principal) error = %v, want ErrNoAPIKey", err)
	}
	if _, err := f.svc.SessionAPIKey(t.Context(), &auth.Principal{Kind: auth.KindBearer}); !errors.Is(err, auth.ErrNoAPIKey) {
		t.Errorf("SessionAPIKey(bearer principal) error = %v, want ErrNoAPIKey", err)
	}
}

func TestBearerCacheBounded(t *testing.T) {
	t.Parallel()
	cc := &countingChecker{next: stubChecker{info: auth.KeyInfo{Prefix: "p***"}}}
	f := newService(t, cc)
	ctx := t.Context()
	for i := range auth.BearerCacheSize + 100 {
		if _, err := f.svc.AuthenticateBearer(ctx, legacyKeyN(i)); err != nil {
			t.Fatalf("AuthenticateBearer(key %d) error: %v", i, err)
		}
		f.clock.Advance(time.Millisecond)
	}
	if n := auth.BearerCacheLenForTest(f.svc); n > auth.BearerCacheSize {
		t.Errorf("cache holds %d verdicts, want at most %d", n, auth.BearerCacheSize)
	}
	// The newest verdicts stayed, the oldest went.
	before := cc.calls.Load()
	if _, err := f.svc.AuthenticateBearer(ctx, legacyKeyN(auth.BearerCacheSize+99)); err != nil || cc.calls.Load() != before {
		t.Errorf("newest key: %v, checks %d → %d; want a cached verdict", err, before, cc.calls.Load())
	}
	if _, err := f.svc.AuthenticateBearer(ctx, legacyKeyN(0)); err != nil || cc.calls.Load() != before+1 {
		t.Errorf("oldest key: %v, checks %d → %d; want it checked again", err, before, cc.calls.Load())
	}

	// Once everything has expired, a full cache makes room by dropping it all.
	f.clock.Advance(31 * time.Second)
	if _, err := f.svc.AuthenticateBearer(ctx, legacyKeyN(999999)); err != nil {
		t.Fatal(err)
	}
	if n := auth.BearerCacheLenForTest(f.svc); n != 1 {
		t.Errorf("cache holds %d verdicts after the others expired, want 1", n)
	}
}

func TestBearerOtherErrorsNotCached(t *testing.T) {
	t.Parallel()
	cc := &countingChecker{next: stubChecker{err: errors.New("boom")}}
	f := newService(t, cc)
	for range 2 {
		if _, err := f.svc.AuthenticateBearer(t.Context(), legacyKey); err == nil {
			t.Error("AuthenticateBearer() error = nil, want the checker's failure")
		}
	}
	if n := cc.calls.Load(); n != 2 {
		t.Errorf("checks = %d, want 2 (failures are not verdicts)", n)
	}
}
