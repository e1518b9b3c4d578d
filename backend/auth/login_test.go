package auth_test

import (
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"headway/backend/auth"
)

func TestSafeReturnTo(t *testing.T) {
	t.Parallel()
	const def = "/admin/"
	tests := []struct{ in, want string }{
		{"/admin/", "/admin/"},
		{"/admin/nodes", "/admin/nodes"},
		{"/admin/nodes/42?tab=routes&x=%20y", "/admin/nodes/42?tab=routes&x=%20y"},
		{"/admin/users#section", "/admin/users#section"},
		{"/admin/nodes/", "/admin/nodes/"},
		{"/admin/a%20b", "/admin/a%20b"},
		{"/admin/@evil.com", "/admin/@evil.com"}, // a path segment, not a host
		{"", def},
		{"/", def},
		{"/admin", def},
		{"/adminx", def},           // regression: prefix without the slash
		{"/adminx/nodes", def},     // regression
		{"/ADMIN/", def},           // paths are case-sensitive
		{"admin/nodes", def},       // relative
		{"//evil.com", def},        // regression: protocol-relative URL
		{"//evil.com/admin/", def}, // regression
		{"/\\evil.com", def},       // regression: browsers read \ as /
		{"/admin/\\evil", def},
		{"/admin/x?next=\\evil", def},
		{"https://evil.com/admin/", def},
		{"http:/admin/", def},
		{"javascript:alert(1)", def},
		{"/admin/../x", def}, // regression: escapes /admin/
		{"/admin/..", def},
		{"/admin/./nodes", def},
		{"/admin/nodes/..", def},
		{"/admin/%2e%2e/x", def}, // regression: encoded dot-dot
		{"/admin/%2E%2E/x", def}, // regression
		{"/admin/.%2e/x", def},   // regression: half-encoded
		{"/admin/..%2fx", def},   // regression: encoded slash
		{"/admin/%2f%2fevil.com", def},
		{"/admin/%5cevil.com", def},  // encoded backslash
		{"/admin/%252e%252e/x", def}, // double-encoded
		{"/admin/%00", def},          // encoded NUL
		{"/admin/%0d%0aSet-Cookie:x", def},
		{"/admin//evil.com", def}, // empty segment
		{"/admin/\x00", def},
		{"/admin/\r\nSet-Cookie:x=y", def}, // header injection
		{"/admin/\tx", def},
		{"/admin/ x", def},
		{"/admin/\x7f", def},
		{"/admin/\u2215evil.com", def}, // division slash lookalike
		{"/admin/\uff0fevil.com", def}, // fullwidth solidus
		{"/admin/%zz", def},            // invalid escape
		{"/admin/" + string(make([]byte, 3000)), def},
	}
	for _, tc := range tests {
		if got := auth.SafeReturnTo(tc.in); got != tc.want {
			t.Errorf("SafeReturnTo(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestLoginRoundTrip(t *testing.T) {
	t.Parallel()
	f := newService(t, nil)
	ctx := t.Context()

	ls, err := f.svc.BeginLogin(ctx, "/admin/nodes?tab=all", "")
	if err != nil {
		t.Fatalf("BeginLogin() error: %v", err)
	}
	for name, v := range map[string]string{"State": ls.State, "Nonce": ls.Nonce, "PKCEVerifier": ls.PKCEVerifier, "BrowserBinding": ls.BrowserBinding} {
		if len(v) < 43 {
			t.Errorf("BeginLogin().%s = %d characters, want at least 43 (256 bits)", name, len(v))
		}
	}
	if ls.ReturnTo != "/admin/nodes?tab=all" {
		t.Errorf("BeginLogin().ReturnTo = %q, want the given path", ls.ReturnTo)
	}
	other, err := f.svc.BeginLogin(ctx, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if other.State == ls.State || other.BrowserBinding == ls.BrowserBinding || other.Nonce == ls.Nonce {
		t.Error("two BeginLogin calls share random values")
	}
	if other.ReturnTo != auth.DefaultReturnTo {
		t.Errorf("BeginLogin(\"\").ReturnTo = %q, want %q", other.ReturnTo, auth.DefaultReturnTo)
	}

	f.clock.Advance(9 * time.Minute)
	got, err := f.svc.ConsumeLogin(ctx, ls.State, ls.BrowserBinding)
	if err != nil {
		t.Fatalf("ConsumeLogin() error: %v", err)
	}
	want := auth.LoginAttempt{Nonce: ls.Nonce, PKCEVerifier: ls.PKCEVerifier, ReturnTo: ls.ReturnTo}
	if got != want {
		t.Errorf("ConsumeLogin() = %+v, want %+v", got, want)
	}

	// Replay: the state is used up.
	if _, err := f.svc.ConsumeLogin(ctx, ls.State, ls.BrowserBinding); !errors.Is(err, auth.ErrLoginAttemptMissing) {
		t.Errorf("replayed ConsumeLogin() error = %v, want ErrLoginAttemptMissing", err)
	}
	if _, err := f.svc.ConsumeLogin(ctx, "", ""); !errors.Is(err, auth.ErrLoginAttemptMissing) {
		t.Errorf("ConsumeLogin(\"\") error = %v, want ErrLoginAttemptMissing", err)
	}
	if _, err := f.svc.ConsumeLogin(ctx, "made-up-state", ls.BrowserBinding); !errors.Is(err, auth.ErrLoginAttemptMissing) {
		t.Errorf("ConsumeLogin(unknown state) error = %v, want ErrLoginAttemptMissing", err)
	}
}

func TestLoginOtherBrowser(t *testing.T) {
	t.Parallel()
	f := newService(t, nil)
	ctx := t.Context()
	victim, err := f.svc.BeginLogin(ctx, "", "")
	if err != nil {
		t.Fatal(err)
	}
	attacker, err := f.svc.BeginLogin(ctx, "", "")
	if err != nil {
		t.Fatal(err)
	}
	// The victim's browser is made to deliver the attacker's state.
	if _, err := f.svc.ConsumeLogin(ctx, attacker.State, victim.BrowserBinding); !errors.Is(err, auth.ErrLoginBrowserMismatch) {
		t.Errorf("ConsumeLogin(other browser's binding) error = %v, want ErrLoginBrowserMismatch", err)
	}
	if _, err := f.svc.ConsumeLogin(ctx, victim.State, ""); !errors.Is(err, auth.ErrLoginBrowserMismatch) {
		t.Errorf("ConsumeLogin(no binding) error = %v, want ErrLoginBrowserMismatch", err)
	}
	// A failed attempt is used up too.
	if _, err := f.svc.ConsumeLogin(ctx, attacker.State, attacker.BrowserBinding); !errors.Is(err, auth.ErrLoginAttemptMissing) {
		t.Errorf("ConsumeLogin(after mismatch) error = %v, want ErrLoginAttemptMissing", err)
	}
}

func TestLoginExpired(t *testing.T) {
	t.Parallel()
	f := newService(t, nil)
	ctx := t.Context()
	ls, err := f.svc.BeginLogin(ctx, "/admin/x", "")
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(10 * time.Minute)
	if _, err := f.svc.ConsumeLogin(ctx, ls.State, ls.BrowserBinding); !errors.Is(err, auth.ErrLoginAttemptExpired) {
		t.Errorf("ConsumeLogin(after TTL) error = %v, want ErrLoginAttemptExpired", err)
	}
	if _, err := f.svc.ConsumeLogin(ctx, ls.State, ls.BrowserBinding); !errors.Is(err, auth.ErrLoginAttemptMissing) {
		t.Errorf("ConsumeLogin(expired, again) error = %v, want ErrLoginAttemptMissing", err)
	}
}

func TestLoginSanitisesReturnTo(t *testing.T) {
	t.Parallel()
	f := newService(t, nil)
	for _, raw := range []string{"https://evil.example/", "//evil.example", "/admin/%2e%2e/x"} {
		ls, err := f.svc.BeginLogin(t.Context(), raw, "")
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.svc.ConsumeLogin(t.Context(), ls.State, ls.BrowserBinding)
		if err != nil {
			t.Fatal(err)
		}
		if ls.ReturnTo != auth.DefaultReturnTo || got.ReturnTo != auth.DefaultReturnTo {
			t.Errorf("BeginLogin(%q) then ConsumeLogin: ReturnTo = %q, %q; want %q", raw, ls.ReturnTo, got.ReturnTo, auth.DefaultReturnTo)
		}
	}
}

func TestConsumeLoginRace(t *testing.T) {
	t.Parallel()
	f := newService(t, nil)
	ls, err := f.svc.BeginLogin(t.Context(), "", "")
	if err != nil {
		t.Fatal(err)
	}
	const n = 8
	errs := make(chan error, n)
	for range n {
		go func() {
			_, err := f.svc.ConsumeLogin(t.Context(), ls.State, ls.BrowserBinding)
			errs <- err
		}()
	}
	wins := 0
	for range n {
		switch err := <-errs; {
		case err == nil:
			wins++
		case !errors.Is(err, auth.ErrLoginAttemptMissing):
			t.Errorf("concurrent ConsumeLogin() error = %v, want nil or ErrLoginAttemptMissing", err)
		}
	}
	if wins != 1 {
		t.Errorf("%d of %d concurrent ConsumeLogin calls succeeded, want exactly 1", wins, n)
	}
}

func TestSecretsStayOutOfLogs(t *testing.T) {
	t.Parallel()
	f := newService(t, nil)
	ls, err := f.svc.BeginLogin(t.Context(), "/admin/x", "")
	if err != nil {
		t.Fatal(err)
	}
	var buf strings.Builder
	log := slog.New(slog.NewTextHandler(&buf, nil))
	attempt, err := f.svc.ConsumeLogin(t.Context(), ls.State, ls.BrowserBinding)
	if err != nil {
		t.Fatal(err)
	}
	iss, err := f.svc.SignInOIDC(t.Context(), alice(), "", meta)
	if err != nil {
		t.Fatal(err)
	}
	p := authenticate(t, f, iss.Token)
	log.Info("x", "start", ls, "attempt", attempt, "issued", iss, "principal", p)
	for _, secret := range []string{ls.State, ls.Nonce, ls.PKCEVerifier, ls.BrowserBinding, iss.Token, iss.CSRFToken} {
		if strings.Contains(buf.String(), secret) {
			t.Errorf("log line contains a secret: %s", buf.String())
		}
	}
}

// TestLoginBindingKept: a browser that sends its binding back keeps it for
// its next sign-in (two tabs), anything not shaped like a binding gets a
// fresh one, and LoginPending tells whether an attempt with it is still open.
func TestLoginBindingKept(t *testing.T) {
	t.Parallel()
	f := newService(t, nil)
	ctx := t.Context()
	first, err := f.svc.BeginLogin(ctx, "", "")
	if err != nil {
		t.Fatal(err)
	}
	second, err := f.svc.BeginLogin(ctx, "", first.BrowserBinding)
	if err != nil {
		t.Fatal(err)
	}
	if second.BrowserBinding != first.BrowserBinding || second.State == first.State {
		t.Errorf("a second start with the browser's binding: binding kept %v, same state %v; want the binding kept and a new state",
			second.BrowserBinding == first.BrowserBinding, second.State == first.State)
	}
	for _, forged := range []string{"short", first.BrowserBinding + "x", strings.Repeat("!", 43)} {
		ls, err := f.svc.BeginLogin(ctx, "", forged)
		if err != nil {
			t.Fatal(err)
		}
		if ls.BrowserBinding == forged || len(ls.BrowserBinding) != 43 {
			t.Errorf("BeginLogin with binding %q kept it (%q), want a fresh one", forged, ls.BrowserBinding)
		}
	}

	if _, err := f.svc.ConsumeLogin(ctx, second.State, second.BrowserBinding); err != nil {
		t.Fatalf("ConsumeLogin(second tab): %v", err)
	}
	if pending, err := f.svc.LoginPending(ctx, first.BrowserBinding); err != nil || !pending {
		t.Errorf("LoginPending with the first tab's attempt open = %v, %v; want true", pending, err)
	}
	if _, err := f.svc.ConsumeLogin(ctx, first.State, first.BrowserBinding); err != nil {
		t.Fatalf("ConsumeLogin(first tab): %v", err)
	}
	if pending, err := f.svc.LoginPending(ctx, first.BrowserBinding); err != nil || pending {
		t.Errorf("LoginPending with no attempt left = %v, %v; want false", pending, err)
	}
}
