package auth_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"headway/backend/auth"
	"headway/backend/store"
)

var meta = auth.ClientMeta{UserAgent: "Firefox/140", ClientIP: "192.0.2.7"}

func alice() auth.Profile {
	return auth.Profile{
		Issuer: "https://idp.example", Subject: "alice-sub", Email: "alice@example.com", EmailVerified: true,
		Name: "Alice", PreferredUsername: "alice", Groups: []string{"ops"}, IDToken: "eyJhbGciOi.alice-id-token.sig",
	}
}

func bob() auth.Profile {
	return auth.Profile{Issuer: "https://idp.example", Subject: "bob-sub", Email: "bob@example.com", IDToken: "bob-id-token"}
}

func signIn(t *testing.T, f fixture, p auth.Profile) auth.Issued {
	t.Helper()
	iss, err := f.svc.SignInOIDC(t.Context(), p, "", meta)
	if err != nil {
		t.Fatalf("SignInOIDC(%s) error: %v", p.Subject, err)
	}
	return iss
}

func authenticate(t *testing.T, f fixture, token string) *auth.Principal {
	t.Helper()
	p, err := f.svc.Authenticate(t.Context(), token)
	if err != nil {
		t.Fatalf("Authenticate() error: %v", err)
	}
	return p
}

func row(t *testing.T, f fixture, id string) store.Session {
	t.Helper()
	s, err := f.store.GetSession(t.Context(), sessionID(t, id))
	if err != nil {
		t.Fatalf("GetSession(%s) error: %v", id, err)
	}
	return s
}

func TestSignInOIDC(t *testing.T) {
	t.Parallel()
	f := newService(t, nil)
	start := f.clock.Now()
	iss := signIn(t, f, alice())
	if len(iss.Token) < 43 {
		t.Errorf("token has %d characters, want at least 43 (256 bits)", len(iss.Token))
	}
	wantSession := auth.Session{
		ID: iss.Session.ID, Kind: auth.KindOIDC, CreatedAt: start, LastSeenAt: start,
		ExpiresAt: start.Add(time.Hour), UserAgent: meta.UserAgent, ClientIP: meta.ClientIP, Current: true,
	}
	if diff := cmp.Diff(wantSession, iss.Session); diff != "" {
		t.Errorf("SignInOIDC().Session (-want +got):\n%s", diff)
	}

	p := authenticate(t, f, iss.Token)
	if diff := cmp.Diff(wantSession, p.Session()); diff != "" {
		t.Errorf("Authenticate().Session() (-want +got):\n%s", diff)
	}
	if p.CSRFToken != iss.CSRFToken || len(iss.CSRFToken) < 43 {
		t.Errorf("Authenticate().CSRFToken differs from SignInOIDC().CSRFToken or is short")
	}
	if p.Kind != auth.KindOIDC || p.SessionID != iss.Session.ID || p.User == nil || !p.ExpiresAt.Equal(start.Add(time.Hour)) {
		t.Fatalf("Authenticate() = %+v, want the oidc session %s with its user", p, iss.Session.ID)
	}
	// The console's first OIDC user becomes its owner.
	if p.User.Subject != "alice-sub" || p.User.Email != "alice@example.com" || p.User.Role != "owner" ||
		!cmp.Equal(p.User.Groups, []string{"ops"}) {
		t.Errorf("Authenticate().User = %+v, want alice, the owner, in ops", p.User)
	}
	if iss.User == nil || iss.User.ID != p.User.ID || iss.User.Role != "owner" {
		t.Errorf("SignInOIDC().User = %+v, want alice (id %d), the owner", iss.User, p.User.ID)
	}

	// Only the token's hash is stored, and the ID token is sealed.
	r := row(t, f, iss.Session.ID)
	if bytes.Contains(r.TokenHash, []byte(iss.Token)) || len(r.TokenHash) != 32 {
		t.Errorf("stored token hash = %x, want a 32-byte hash", r.TokenHash)
	}
	if r.IDTokenCiphertext == nil || bytes.Contains(r.IDTokenCiphertext, []byte("alice-id-token")) {
		t.Errorf("stored ID token ciphertext = %q, want a sealed value", r.IDTokenCiphertext)
	}
	if r.APIKeyCiphertext != nil {
		t.Errorf("oidc session stores an API key ciphertext")
	}

	// A second sign-in: same user, new token, first session still valid.
	f.clock.Advance(time.Minute)
	iss2 := signIn(t, f, alice())
	if iss2.Token == iss.Token || iss2.Session.ID == iss.Session.ID {
		t.Error("second sign-in reused the token or session")
	}
	p2 := authenticate(t, f, iss2.Token)
	if p2.User.ID != p.User.ID {
		t.Errorf("second sign-in user id = %d, want %d", p2.User.ID, p.User.ID)
	}
	authenticate(t, f, iss.Token)

	if _, err := f.svc.SignInOIDC(t.Context(), auth.Profile{Issuer: "https://idp.example"}, "", meta); err == nil {
		t.Error("SignInOIDC(no subject) error = nil")
	}
}

func TestSignInOIDCClaimedRole(t *testing.T) {
	t.Parallel()
	f := newService(t, nil)
	signIn(t, f, alice()) // the owner

	steps := []struct {
		claimed, want string
	}{
		{"viewer", "viewer"},   // a new user gets the claimed role
		{"auditor", "auditor"}, // a later sign-in applies the claims again
		{"", "member"},         // no claimed role means member
	}
	for _, st := range steps {
		iss, err := f.svc.SignInOIDC(t.Context(), bob(), st.claimed, meta)
		if err != nil {
			t.Fatalf("SignInOIDC(bob, %q) error: %v", st.claimed, err)
		}
		if got := authenticate(t, f, iss.Token).User.Role; got != st.want || iss.User.Role != st.want {
			t.Errorf("SignInOIDC(bob, %q): role %q (issued %q), want %q", st.claimed, got, iss.User.Role, st.want)
		}
	}
	// Claims never make anyone the owner.
	if _, err := f.svc.SignInOIDC(t.Context(), bob(), "owner", meta); err == nil {
		t.Error("SignInOIDC(bob, owner) error = nil, want a refusal")
	}
	// Claims never demote the owner.
	iss, err := f.svc.SignInOIDC(t.Context(), alice(), "viewer", meta)
	if err != nil {
		t.Fatalf("SignInOIDC(alice, viewer) error: %v", err)
	}
	if iss.User.Role != "owner" {
		t.Errorf("SignInOIDC(alice, viewer) role = %q, want owner", iss.User.Role)
	}
}

func TestAuthenticateRejects(t *testing.T) {
	t.Parallel()
	f := newService(t, nil)
	iss := signIn(t, f, alice())
	for _, tok := range []string{"", "not-a-token", iss.Token + "x", iss.Token[1:], string(make([]byte, 1000))} {
		if _, err := f.svc.Authenticate(t.Context(), tok); !errors.Is(err, auth.ErrNoSession) {
			t.Errorf("Authenticate(%.12q…) error = %v, want ErrNoSession", tok, err)
		}
	}
}

func TestIdleTimeout(t *testing.T) {
	t.Parallel()
	f := newService(t, nil) // idle 10m, max age 1h
	iss := signIn(t, f, alice())

	f.clock.Advance(9 * time.Minute)
	authenticate(t, f, iss.Token) // slides idle expiry to +19m
	f.clock.Advance(9 * time.Minute)
	authenticate(t, f, iss.Token) // +18m: alive thanks to the slide; idle expiry now +28m
	if r := row(t, f, iss.Session.ID); !r.IdleExpiresAt.Equal(f.clock.Now().Add(10 * time.Minute)) {
		t.Errorf("idle_expires_at = %v, want %v", r.IdleExpiresAt, f.clock.Now().Add(10*time.Minute))
	}

	f.clock.Advance(10 * time.Minute) // unused for the whole idle timeout
	if _, err := f.svc.Authenticate(t.Context(), iss.Token); !errors.Is(err, auth.ErrNoSession) {
		t.Fatalf("Authenticate(idle) error = %v, want ErrNoSession", err)
	}
	if _, err := f.store.GetSession(t.Context(), sessionID(t, iss.Session.ID)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("idle session row: GetSession error = %v, want ErrNotFound (deleted)", err)
	}
}

func TestAbsoluteTimeout(t *testing.T) {
	t.Parallel()
	f := newService(t, nil) // idle 10m, max age 1h
	iss := signIn(t, f, alice())
	start := f.clock.Now()
	expires := start.Add(time.Hour)

	for f.clock.Now().Before(start.Add(55 * time.Minute)) {
		f.clock.Advance(5 * time.Minute)
		authenticate(t, f, iss.Token)
	}
	// At +55m the slide is capped by the absolute expiry.
	if r := row(t, f, iss.Session.ID); !r.IdleExpiresAt.Equal(expires) {
		t.Errorf("idle_expires_at at +55m = %v, want capped at %v", r.IdleExpiresAt, expires)
	}
	f.clock.Advance(4*time.Minute + 59*time.Second)
	authenticate(t, f, iss.Token)

	f.clock.Advance(time.Second) // exactly at expires_at
	if _, err := f.svc.Authenticate(t.Context(), iss.Token); !errors.Is(err, auth.ErrNoSession) {
		t.Fatalf("Authenticate(at max age) error = %v, want ErrNoSession", err)
	}
	if _, err := f.store.GetSession(t.Context(), sessionID(t, iss.Session.ID)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("expired session row: GetSession error = %v, want ErrNotFound (deleted)", err)
	}
}

func TestLastSeenThrottled(t *testing.T) {
	t.Parallel()
	f := newService(t, nil)
	iss := signIn(t, f, alice())
	start := f.clock.Now()

	f.clock.Advance(30 * time.Second)
	authenticate(t, f, iss.Token)
	f.clock.Advance(29 * time.Second)
	authenticate(t, f, iss.Token)
	r := row(t, f, iss.Session.ID)
	if !r.LastSeenAt.Equal(start) || !r.IdleExpiresAt.Equal(start.Add(10*time.Minute)) {
		t.Errorf("within a minute: last_seen_at = %v, idle_expires_at = %v; want unchanged %v, %v",
			r.LastSeenAt, r.IdleExpiresAt, start, start.Add(10*time.Minute))
	}

	f.clock.Advance(time.Second) // a minute after the last write
	p := authenticate(t, f, iss.Token)
	if !p.Session().LastSeenAt.Equal(f.clock.Now()) {
		t.Errorf("Authenticate().Session().LastSeenAt = %v, want now", p.Session().LastSeenAt)
	}
	r = row(t, f, iss.Session.ID)
	if now := f.clock.Now(); !r.LastSeenAt.Equal(now) || !r.IdleExpiresAt.Equal(now.Add(10*time.Minute)) {
		t.Errorf("after a minute: last_seen_at = %v, idle_expires_at = %v; want %v, %v",
			r.LastSeenAt, r.IdleExpiresAt, now, now.Add(10*time.Minute))
	}
}

func TestSignOut(t *testing.T) {
	t.Parallel()
	f := newService(t, nil)
	iss := signIn(t, f, alice())
	p := authenticate(t, f, iss.Token)

	hint, err := f.svc.SignOut(t.Context(), p.SessionID)
	if err != nil {
		t.Fatalf("SignOut() error: %v", err)
	}
	if hint != alice().IDToken {
		t.Errorf("SignOut() id token hint = %q, want the session's ID token", hint)
	}
	if _, err := f.svc.Authenticate(t.Context(), iss.Token); !errors.Is(err, auth.ErrNoSession) {
		t.Errorf("Authenticate(after sign-out) error = %v, want ErrNoSession", err)
	}
	if _, err := f.svc.SignOut(t.Context(), p.SessionID); !errors.Is(err, auth.ErrSessionNotFound) {
		t.Errorf("second SignOut() error = %v, want ErrSessionNotFound", err)
	}
	for _, id := range []string{"", "abc", "-1", "0", "01"} {
		if _, err := f.svc.SignOut(t.Context(), id); !errors.Is(err, auth.ErrSessionNotFound) {
			t.Errorf("SignOut(%q) error = %v, want ErrSessionNotFound", id, err)
		}
	}
}

func TestListAndRevokeSessions(t *testing.T) {
	t.Parallel()
	f := newService(t, nil)
	ctx := t.Context()
	a1 := signIn(t, f, alice())
	f.clock.Advance(time.Second)
	a2 := signIn(t, f, alice())
	b1 := signIn(t, f, bob())
	pa := authenticate(t, f, a2.Token)
	pb := authenticate(t, f, b1.Token)

	list, err := f.svc.ListSessions(ctx, pa)
	if err != nil {
		t.Fatalf("ListSessions(alice) error: %v", err)
	}
	want := []auth.Session{a2.Session, a1.Session}
	want[1].Current = false // issued as the then caller's own
	if diff := cmp.Diff(want, list); diff != "" {
		t.Errorf("ListSessions(alice) (-want +got):\n%s", diff)
	}

	// Someone else's session looks exactly like one that does not exist.
	if err := f.svc.RevokeSession(ctx, pa, b1.Session.ID); !errors.Is(err, auth.ErrSessionNotFound) {
		t.Errorf("RevokeSession(alice, bob's) error = %v, want ErrSessionNotFound", err)
	}
	if err := f.svc.RevokeSession(ctx, pa, "999999"); !errors.Is(err, auth.ErrSessionNotFound) {
		t.Errorf("RevokeSession(alice, unknown) error = %v, want ErrSessionNotFound", err)
	}
	if err := f.svc.RevokeSession(ctx, pa, "x"); !errors.Is(err, auth.ErrSessionNotFound) {
		t.Errorf("RevokeSession(alice, \"x\") error = %v, want ErrSessionNotFound", err)
	}
	authenticate(t, f, b1.Token)

	if err := f.svc.RevokeSession(ctx, pa, a1.Session.ID); err != nil {
		t.Fatalf("RevokeSession(alice, own other) error: %v", err)
	}
	if _, err := f.svc.Authenticate(ctx, a1.Token); !errors.Is(err, auth.ErrNoSession) {
		t.Errorf("Authenticate(revoked) error = %v, want ErrNoSession", err)
	}
	if err := f.svc.RevokeSession(ctx, pa, a1.Session.ID); !errors.Is(err, auth.ErrSessionNotFound) {
		t.Errorf("RevokeSession(already revoked) error = %v, want ErrSessionNotFound", err)
	}
	list, err = f.svc.ListSessions(ctx, pb)
	if err != nil || len(list) != 1 || list[0].ID != b1.Session.ID {
		t.Errorf("ListSessions(bob) = %+v, %v; want only %s", list, err, b1.Session.ID)
	}
}

func TestCheckCSRF(t *testing.T) {
	t.Parallel()
	f := newService(t, nil)
	a, b := signIn(t, f, alice()), signIn(t, f, bob())
	pa, pb := authenticate(t, f, a.Token), authenticate(t, f, b.Token)
	if len(pa.CSRFToken) < 43 || pa.CSRFToken == pb.CSRFToken {
		t.Fatalf("CSRF tokens %q, %q: want distinct 256-bit values", pa.CSRFToken, pb.CSRFToken)
	}
	tests := []struct {
		name   string
		p      *auth.Principal
		header string
		want   bool
	}{
		{"own token", pa, pa.CSRFToken, true},
		{"empty header", pa, "", false},
		{"other session's token", pa, pb.CSRFToken, false},
		{"truncated", pa, pa.CSRFToken[:len(pa.CSRFToken)-1], false},
		{"principal without token", &auth.Principal{Kind: auth.KindBearer}, "", false},
		{"nil principal", nil, "x", false},
	}
	for _, tc := range tests {
		if got := tc.p.CheckCSRF(tc.header); got != tc.want {
			t.Errorf("%s: CheckCSRF() = %v, want %v", tc.name, got, tc.want)
		}
	}
	// The token survives re-authentication unchanged.
	if again := authenticate(t, f, a.Token); again.CSRFToken != pa.CSRFToken {
		t.Error("CSRF token changed between requests")
	}
}

func TestPrune(t *testing.T) {
	t.Parallel()
	f := newService(t, nil)
	ctx := t.Context()
	old := signIn(t, f, alice())
	if _, err := f.svc.BeginLogin(ctx, "", ""); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(11 * time.Minute) // past the login TTL and the idle timeout
	fresh := signIn(t, f, bob())
	live, err := f.svc.BeginLogin(ctx, "", "")
	if err != nil {
		t.Fatal(err)
	}

	n, err := f.svc.Prune(ctx)
	if err != nil || n != 2 {
		t.Fatalf("Prune() = %d, %v; want 2 (a session and a login attempt), nil", n, err)
	}
	if _, err := f.store.GetSession(ctx, sessionID(t, old.Session.ID)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("pruned session: GetSession error = %v, want ErrNotFound", err)
	}
	authenticate(t, f, fresh.Token)
	if _, err := f.svc.ConsumeLogin(ctx, live.State, live.BrowserBinding); err != nil {
		t.Errorf("ConsumeLogin(live attempt after prune) error = %v", err)
	}
	if n, err := f.svc.Prune(ctx); err != nil || n != 0 {
		t.Errorf("second Prune() = %d, %v; want 0, nil", n, err)
	}

	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { f.svc.RunPruner(runCtx, time.Hour); close(done) }()
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("RunPruner did not return after its context ended")
	}
}
