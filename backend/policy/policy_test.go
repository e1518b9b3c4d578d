package policy_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"headway/backend/headscale"
	"headway/backend/headscale/hstest"
	"headway/backend/policy"
	"headway/backend/store/storetest"
)

const (
	allowAll = `{
  // Everyone reaches everything.
  "acls": [{"action": "accept", "src": ["*"], "dst": ["*:*"]},],
}`
	allowAdmins = `{
  "groups": {"group:admins": []},
  "acls": [{"action": "accept", "src": ["group:admins"], "dst": ["*:*"]}],
}`
	// broken has a syntax error at line 3, column 6 (the second bracket).
	broken = "{\n  \"acls\": [\n    ]]\n}"
)

// wantError fails unless err is a *policy.Error with code and status, and
// text for users.
func wantError(t *testing.T, what string, err error, code string, status int) *policy.Error {
	t.Helper()
	var e *policy.Error
	if !errors.As(err, &e) {
		t.Fatalf("%s error = %v, want %s", what, err, code)
	}
	if e.Code != code || e.Status != status {
		t.Fatalf("%s error = %v (status %d), want %s (%d)", what, err, e.Status, code, status)
	}
	if e.Message == "" || e.Hint == "" {
		t.Errorf("%s error %s has Message %q, Hint %q; want both", what, code, e.Message, e.Hint)
	}
	return e
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	srv := hstest.Start(t)
	hs := headscale.New(srv.URL, srv.APIKey)
	svc := policy.New(hs, nil, nil)
	ctx := t.Context()

	empty, err := svc.Get(ctx)
	if err != nil || empty.Text != "" || empty.Version != "" || empty.UpdatedAt != nil || empty.Mode != policy.ModeDatabase {
		t.Fatalf("Get() before any policy = %+v, %v, want an empty database-mode document", empty, err)
	}

	saved, err := svc.Save(ctx, allowAll, "")
	if err != nil {
		t.Fatalf("Save(allowAll, \"\") error = %v", err)
	}
	if saved.Text != allowAll || saved.Version != policy.Version(allowAll) || len(saved.Version) != 16 || saved.UpdatedAt == nil || saved.Mode != policy.ModeDatabase {
		t.Errorf("Save(allowAll) = %+v, want the text, its version and an update time", saved)
	}
	got, err := svc.Get(ctx)
	if err != nil || got.Text != allowAll || got.Version != saved.Version {
		t.Errorf("Get() after Save = %+v, %v, want %+v", got, err, saved)
	}
	if p, err := hs.GetPolicy(ctx); err != nil || p.Text != allowAll {
		t.Errorf("Headscale's policy = %q, %v, want the saved text", p.Text, err)
	}

	// Saving the same text again changes nothing.
	again, err := svc.Save(ctx, allowAll, saved.Version)
	if err != nil || again.Version != saved.Version || !again.UpdatedAt.Equal(*saved.UpdatedAt) {
		t.Errorf("Save(same text) = %+v, %v, want %+v unchanged", again, err, saved)
	}

	// An invalid policy: refused with its position, nothing changes.
	_, err = svc.Save(ctx, broken, saved.Version)
	e := wantError(t, "Save(broken)", err, "policy_invalid", 400)
	var ie *policy.InvalidError
	if !errors.As(err, &ie) || ie.Line != 3 || ie.Column != 6 || !strings.Contains(e.Message, ie.Message) || !strings.Contains(e.Hint, "line 3, column 6") {
		t.Errorf("Save(broken) error = %#v (%v), want an *InvalidError at line 3, column 6, in the message and hint", ie, err)
	}
	_, err = svc.Save(ctx, `{"acls": [{"action": "bogus", "src": ["*"], "dst": ["*:*"]}]}`, saved.Version)
	if wantError(t, "Save(bogus action)", err, "policy_invalid", 400); !errors.As(err, &ie) || !strings.Contains(ie.Message, "bogus") {
		t.Errorf("Save(bogus action) error = %v, want Headscale's message naming it", err)
	}
	if p, err := hs.GetPolicy(ctx); err != nil || p.Text != allowAll {
		t.Errorf("Headscale's policy after refusals = %q, %v, want it unchanged", p.Text, err)
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	srv := hstest.Start(t)
	svc := policy.New(headscale.New(srv.URL, srv.APIKey), nil, nil)
	tests := []struct {
		name, text    string
		want          policy.CheckResult
		wantInMessage string
	}{
		{"valid", allowAll, policy.CheckResult{Valid: true}, ""},
		{"syntax", broken, policy.CheckResult{Line: 3, Column: 6}, "hujson"},
		{"syntax on line 1", `{"acls": [}`, policy.CheckResult{Line: 1, Column: 11}, "hujson"},
		{"unknown action", `{"acls": [{"action": "bogus", "src": ["*"], "dst": ["*:*"]}]}`, policy.CheckResult{}, "bogus"},
	}
	for _, tc := range tests {
		got, err := svc.Check(t.Context(), tc.text)
		if err != nil || got.Valid != tc.want.Valid || got.Line != tc.want.Line || got.Column != tc.want.Column ||
			!strings.Contains(got.Message, tc.wantInMessage) || got.Valid != (got.Message == "") {
			t.Errorf("Check(%s) = %+v, %v, want %+v with a message mentioning %q", tc.name, got, err, tc.want, tc.wantInMessage)
		}
	}
}

func TestConcurrentEdits(t *testing.T) {
	t.Parallel()
	srv := hstest.Start(t)
	hs := headscale.New(srv.URL, srv.APIKey)
	ctx := t.Context()
	// Two Headway processes (separate caches) editing the same policy.
	one, two := policy.New(hs, nil, nil), policy.New(hs, nil, nil)
	base, err := one.Save(ctx, allowAll, "")
	if err != nil {
		t.Fatal(err)
	}
	a, err := one.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, err := two.Get(ctx)
	if err != nil || a.Version != b.Version || a.Version != base.Version {
		t.Fatalf("two Gets = %+v, %+v, %v, want the same version", a, b, err)
	}
	first, err := one.Save(ctx, allowAdmins, a.Version)
	if err != nil {
		t.Fatalf("first Save error = %v", err)
	}
	_, err = two.Save(ctx, strings.Replace(allowAll, "Everyone", "Really everyone", 1), b.Version)
	e := wantError(t, "second Save with the old version", err, "policy_conflict", 409)
	if !strings.Contains(e.Hint, "editor") {
		t.Errorf("policy_conflict hint = %q, want it to say the text is kept", e.Hint)
	}
	if p, err := hs.GetPolicy(ctx); err != nil || p.Text != allowAdmins {
		t.Errorf("Headscale's policy = %q, %v, want the first save's", p.Text, err)
	}
	// The second editor reloads (its cache is not older than 5 s, but Save
	// read the fresh policy) and saves on the new version.
	if got, err := two.Save(ctx, allowAll, first.Version); err != nil || got.Text != allowAll {
		t.Errorf("Save on the new version = %+v, %v, want it saved", got, err)
	}
	// A first policy saved with a base version of "" while one exists.
	wantError(t, "Save(base \"\") over a policy", func() error { _, err := one.Save(ctx, allowAdmins, ""); return err }(), "policy_conflict", 409)
}

func TestConcurrentSaves(t *testing.T) {
	t.Parallel()
	srv := hstest.Start(t)
	svc := policy.New(headscale.New(srv.URL, srv.APIKey), nil, nil)
	ctx := t.Context()
	texts := []string{allowAll, allowAdmins, strings.Replace(allowAll, "Everyone", "All", 1), strings.Replace(allowAdmins, "admins", "ops", 2)}
	var wg sync.WaitGroup
	errs := make([]error, len(texts))
	for i, text := range texts {
		wg.Go(func() { _, errs[i] = svc.Save(ctx, text, "") })
	}
	wg.Wait()
	wantOneSaved(t, errs, "in one process")
}

// wantOneSaved fails unless exactly one of concurrent saves on the same
// base version succeeded and the others were refused as conflicts.
func wantOneSaved(t *testing.T, errs []error, where string) {
	t.Helper()
	ok := 0
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, policy.ErrConflict):
			t.Errorf("Save(%d) error = %v, want nil or policy_conflict", i, err)
		}
	}
	if ok != 1 {
		t.Errorf("%d saves on the same base version succeeded %s, want exactly 1", ok, where)
	}
}

func TestFileMode(t *testing.T) {
	t.Parallel()
	srv := hstest.Start(t, hstest.WithPolicyFile(allowAll))
	hs := headscale.New(srv.URL, srv.APIKey)
	svc := policy.New(hs, nil, nil)
	ctx := t.Context()

	got, err := svc.Get(ctx)
	if err != nil || got.Text != allowAll || got.Version != policy.Version(allowAll) || got.UpdatedAt != nil || got.Mode != policy.ModeFile {
		t.Fatalf("Get() in file mode = %+v, %v, want the file's text in mode file", got, err)
	}
	_, err = svc.Save(ctx, allowAdmins, got.Version)
	wantError(t, "Save() in file mode", err, "policy_read_only", 409)
	if r, err := svc.Check(ctx, allowAdmins); err != nil || !r.Valid {
		t.Errorf("Check() in file mode = %+v, %v, want valid", r, err)
	}
	if p, err := hs.GetPolicy(ctx); err != nil || p.Text != allowAll {
		t.Errorf("Headscale's policy = %q, %v, want the file's, unchanged", p.Text, err)
	}
}

func TestHeadscaleDown(t *testing.T) {
	t.Parallel()
	srv := hstest.Start(t)
	svc := policy.New(headscale.New(srv.URL, srv.APIKey), nil, nil)
	srv.Stop()
	ctx := t.Context()
	if _, err := svc.Get(ctx); !errors.Is(err, headscale.ErrUnreachable) || !strings.Contains(err.Error(), "headscale_unavailable") {
		t.Errorf("Get() with Headscale down = %v, want headscale_unavailable", err)
	}
	if _, err := svc.Check(ctx, allowAll); !errors.Is(err, headscale.ErrUnreachable) {
		t.Errorf("Check() with Headscale down = %v, want ErrUnreachable", err)
	}
	if _, err := svc.Save(ctx, allowAll, ""); !errors.Is(err, headscale.ErrUnreachable) {
		t.Errorf("Save() with Headscale down = %v, want ErrUnreachable", err)
	}
}

// slowReads is Headscale answering policy reads slowly: it widens the window
// between two processes' read and write, where only a shared lock keeps
// their saves from interleaving.
type slowReads struct {
	*headscale.Client
}

func (s slowReads) GetPolicy(ctx context.Context) (headscale.Policy, error) {
	p, err := s.Client.GetPolicy(ctx)
	time.Sleep(150 * time.Millisecond)
	return p, err
}

// TestSavesAcrossProcesses: several Headway processes on one database save
// on the same base version at once; the database's lock lets exactly one
// through and the others get policy_conflict, however slowly Headscale
// answers.
func TestSavesAcrossProcesses(t *testing.T) {
	t.Parallel()
	srv := hstest.Start(t)
	hs := slowReads{headscale.New(srv.URL, srv.APIKey)}
	db := storetest.New(t)
	ctx := t.Context()
	texts := []string{allowAll, allowAdmins, strings.Replace(allowAll, "Everyone", "All", 1), strings.Replace(allowAdmins, "admins", "ops", 2)}
	var wg sync.WaitGroup
	errs := make([]error, len(texts))
	for i, text := range texts {
		replica := policy.New(hs, db, nil) // a process of its own
		wg.Go(func() { _, errs[i] = replica.Save(ctx, text, "") })
	}
	wg.Wait()
	wantOneSaved(t, errs, "across processes")
}
