// Package auth owns who is calling: sessions, login attempts, API-key sign-in, bearer keys, API tokens, CSRF.
//
// It knows nothing of HTTP: the server layer hands it cookie values, headers
// and client metadata, and maps its sentinel errors to responses. Secrets
// (session tokens, API tokens, API keys, ID tokens, PKCE verifiers) never
// appear in its logs or error texts; only hashes of tokens and sealed copies
// of keys reach the database.
package auth

import (
	"crypto/cipher"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"headway/backend/store"
)

// Sentinel errors; test with errors.Is.
var (
	// ErrNoSession: the session token is unknown, expired or revoked.
	ErrNoSession = errors.New("no valid session")
	// ErrSessionNotFound: no session with that id belongs to the caller.
	ErrSessionNotFound = errors.New("session not found")
	// ErrNoAPIKey: the principal holds no Headscale API key Headway can use.
	ErrNoAPIKey = errors.New("principal holds no api key")

	// ErrAPIKeyMalformed: the string is not a Headscale API key at all.
	ErrAPIKeyMalformed = errors.New("malformed headscale api key")
	// ErrAPIKeyUnknown: Headscale does not accept the key and does not know it
	// as expired (wrong secret, deleted, never existed).
	ErrAPIKeyUnknown = errors.New("unknown headscale api key")
	// ErrAPIKeyExpired: Headscale knows the key but it has expired.
	ErrAPIKeyExpired = errors.New("headscale api key expired")
	// ErrHeadscaleUnavailable: Headscale could not be asked; the key's
	// validity is unknown. Wraps headscale.ErrUnreachable.
	ErrHeadscaleUnavailable = errors.New("headscale unavailable")

	// ErrLoginAttemptMissing: the OAuth state is unknown or already used.
	ErrLoginAttemptMissing = errors.New("login attempt not found")
	// ErrLoginAttemptExpired: the login attempt was found (and is now used up)
	// but took too long.
	ErrLoginAttemptExpired = errors.New("login attempt expired")
	// ErrLoginBrowserMismatch: the callback came from another browser than the
	// one that started the login.
	ErrLoginBrowserMismatch = errors.New("login attempt started in another browser")
)

// Defaults for zero Options durations.
const (
	DefaultIdleTimeout     = 12 * time.Hour
	DefaultMaxAge          = 7 * 24 * time.Hour
	DefaultLoginAttemptTTL = 10 * time.Minute
)

// MinCookieSecretLen is the shortest accepted Options.CookieSecret.
const MinCookieSecretLen = 32

// Options configures a Service.
type Options struct {
	Store *store.Store
	// Headscale checks Headscale API keys (NewHeadscaleKeyChecker in production).
	Headscale KeyChecker
	// CookieSecret (server.cookie_secret), at least 32 characters; the keys
	// sealing session secrets are derived from it.
	CookieSecret string
	// IdleTimeout ends a session unused for that long (DefaultIdleTimeout when zero).
	IdleTimeout time.Duration
	// MaxAge ends a session that long after sign-in (DefaultMaxAge when zero).
	MaxAge time.Duration
	// LoginAttemptTTL bounds the time between BeginLogin and ConsumeLogin
	// (DefaultLoginAttemptTTL when zero).
	LoginAttemptTTL time.Duration
	// TokenMaxAge (auth.token_max_age) bounds the lifetime of an API token
	// (DefaultTokenMaxAge when zero).
	TokenMaxAge time.Duration
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Logger; discarded when nil.
	Logger *slog.Logger
}

// Service authenticates callers. It is safe for concurrent use.
type Service struct {
	store     *store.Store
	checker   KeyChecker
	idle      time.Duration
	maxAge    time.Duration
	attemptTT time.Duration
	// tokenMaxAge bounds the lifetime of API tokens.
	tokenMaxAge time.Duration
	clock       func() time.Time
	log         *slog.Logger

	apiKeyAEAD  cipher.AEAD // seals sessions.api_key_ciphertext
	idTokenAEAD cipher.AEAD // seals sessions.id_token_ciphertext

	bearer *verdictCache
}

// New returns a Service, or an error naming every problem with o.
func New(o Options) (*Service, error) {
	var errs []error
	if o.Store == nil {
		errs = append(errs, errors.New("store is required"))
	}
	if o.Headscale == nil {
		errs = append(errs, errors.New("headscale key checker is required"))
	}
	if len(o.CookieSecret) < MinCookieSecretLen {
		errs = append(errs, fmt.Errorf("cookie secret must be at least %d characters", MinCookieSecretLen))
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"idle timeout", o.IdleTimeout}, {"max age", o.MaxAge}, {"login attempt ttl", o.LoginAttemptTTL}, {"token max age", o.TokenMaxAge}} {
		if d.v < 0 {
			errs = append(errs, fmt.Errorf("%s must not be negative", d.name))
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("auth: %w", errors.Join(errs...))
	}

	s := &Service{
		store:       o.Store,
		checker:     o.Headscale,
		idle:        orDefault(o.IdleTimeout, DefaultIdleTimeout),
		maxAge:      orDefault(o.MaxAge, DefaultMaxAge),
		attemptTT:   orDefault(o.LoginAttemptTTL, DefaultLoginAttemptTTL),
		tokenMaxAge: orDefault(o.TokenMaxAge, DefaultTokenMaxAge),
		clock:       o.Now,
		log:         o.Logger,
		bearer:      newVerdictCache(bearerCacheSize),
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	var err error
	if s.apiKeyAEAD, err = deriveAEAD(o.CookieSecret, infoSessionAPIKey); err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	if s.idTokenAEAD, err = deriveAEAD(o.CookieSecret, infoSessionIDToken); err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	return s, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

// now returns the clock's time at the database's microsecond precision, so
// that what is stored and what is computed compare equal.
func (s *Service) now() time.Time {
	return s.clock().Truncate(time.Microsecond)
}
