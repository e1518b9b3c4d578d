package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"

	"headway/backend/store"
)

// LoginStart is what an OIDC sign-in needs before redirecting to the
// identity provider. Every value is secret until the callback consumes it.
type LoginStart struct {
	State          string // OAuth state parameter
	Nonce          string // OIDC nonce, checked in the ID token
	PKCEVerifier   string // PKCE code verifier (send its S256 challenge)
	BrowserBinding string // value of the short-lived pre-session cookie
	ReturnTo       string // sanitised local path to land on after sign-in
}

// LoginAttempt is what the callback needs from the consumed attempt.
type LoginAttempt struct {
	Nonce        string
	PKCEVerifier string
	ReturnTo     string
}

// BeginLogin starts an OIDC sign-in: fresh random state, nonce and PKCE
// verifier (256 bits each), recorded for LoginAttemptTTL with the state and
// the browser binding kept only as hashes. binding is the browser's binding
// from an earlier start, if it sent one: it is kept when it has the shape of
// one, so that sign-ins started in two tabs of one browser both complete;
// otherwise a fresh one is made. returnTo is sanitised by SafeReturnTo.
func (s *Service) BeginLogin(ctx context.Context, returnTo, binding string) (LoginStart, error) {
	if !isRandomToken(binding) {
		binding = randomToken()
	}
	ls := LoginStart{
		State:          randomToken(),
		Nonce:          randomToken(),
		PKCEVerifier:   randomToken(),
		BrowserBinding: binding,
		ReturnTo:       SafeReturnTo(returnTo),
	}
	now := s.now()
	_, err := s.store.CreateLoginAttempt(ctx, store.NewLoginAttempt{
		StateHash:          hashToken(ls.State),
		BrowserBindingHash: hashToken(ls.BrowserBinding),
		Nonce:              ls.Nonce,
		PKCEVerifier:       ls.PKCEVerifier,
		ReturnTo:           ls.ReturnTo,
		CreatedAt:          now,
		ExpiresAt:          now.Add(s.attemptTT),
	})
	if err != nil {
		return LoginStart{}, fmt.Errorf("begin login: %w", err)
	}
	return ls, nil
}

// LoginPending reports whether another sign-in this browser started (with
// the same binding) is still open, so that its binding must be kept.
func (s *Service) LoginPending(ctx context.Context, binding string) (bool, error) {
	if binding == "" {
		return false, nil
	}
	return s.store.HasLoginAttempts(ctx, hashToken(binding), s.now())
}

// ConsumeLogin uses up the login attempt for state: whatever the outcome, no
// later call finds it. It fails with ErrLoginAttemptMissing (unknown or
// already used), ErrLoginAttemptExpired, or ErrLoginBrowserMismatch when
// browserBinding is not the one BeginLogin issued with that state.
func (s *Service) ConsumeLogin(ctx context.Context, state, browserBinding string) (LoginAttempt, error) {
	if state == "" {
		return LoginAttempt{}, ErrLoginAttemptMissing
	}
	a, err := s.store.ConsumeLoginAttempt(ctx, hashToken(state))
	if errors.Is(err, store.ErrNotFound) {
		return LoginAttempt{}, ErrLoginAttemptMissing
	}
	if err != nil {
		return LoginAttempt{}, fmt.Errorf("consume login: %w", err)
	}
	if !s.now().Before(a.ExpiresAt) {
		return LoginAttempt{}, ErrLoginAttemptExpired
	}
	if subtle.ConstantTimeCompare(hashToken(browserBinding), a.BrowserBindingHash) != 1 {
		return LoginAttempt{}, ErrLoginBrowserMismatch
	}
	return LoginAttempt{Nonce: a.Nonce, PKCEVerifier: a.PKCEVerifier, ReturnTo: SafeReturnTo(a.ReturnTo)}, nil
}

// DefaultReturnTo is where a sign-in lands when no safe return path was given.
const DefaultReturnTo = "/admin/"

// maxReturnToLen bounds a return path.
const maxReturnToLen = 2048

// SafeReturnTo returns raw when it is a local path under /admin/ (with an
// optional query and fragment) that cannot be read as another origin or
// escape /admin/, and DefaultReturnTo otherwise. It is strict rather than
// clever: printable ASCII only, no backslash, no empty, "." or ".." path
// segment, and no percent-encoded '.', '/', '\', '%' or control character
// in the path.
func SafeReturnTo(raw string) string {
	if !strings.HasPrefix(raw, DefaultReturnTo) || len(raw) > maxReturnToLen {
		return DefaultReturnTo
	}
	for i := 0; i < len(raw); i++ {
		// Controls, space, DEL and non-ASCII (lookalike slashes) are out; so is
		// the backslash, which browsers treat as a slash.
		if c := raw[i]; c <= ' ' || c >= 0x7f || c == '\\' {
			return DefaultReturnTo
		}
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "" || u.Opaque != "" || u.User != nil || u.Host != "" {
		return DefaultReturnTo
	}
	// u.Path is decoded once: "%2e%2e" is "..", "%2f" a "/", "%252e" a "%2e".
	if strings.ContainsAny(u.Path, "\\%") || !strings.HasPrefix(u.Path, DefaultReturnTo) {
		return DefaultReturnTo
	}
	for i := 0; i < len(u.Path); i++ {
		if c := u.Path[i]; c < ' ' || c == 0x7f {
			return DefaultReturnTo // an encoded control character
		}
	}
	escaped := strings.ToLower(u.EscapedPath())
	for _, enc := range []string{"%2e", "%2f", "%5c", "%25"} {
		if strings.Contains(escaped, enc) {
			return DefaultReturnTo
		}
	}
	segments := strings.Split(strings.TrimPrefix(u.Path, "/"), "/")
	for i, seg := range segments {
		last := i == len(segments)-1
		if seg == "." || seg == ".." || (seg == "" && !last) {
			return DefaultReturnTo
		}
	}
	return raw
}

// LogValue keeps the secrets of a login start out of logs.
func (l LoginStart) LogValue() slog.Value {
	return slog.GroupValue(slog.String("return_to", l.ReturnTo))
}

// LogValue keeps the secrets of a login attempt out of logs.
func (a LoginAttempt) LogValue() slog.Value {
	return slog.GroupValue(slog.String("return_to", a.ReturnTo))
}
