package auth_test

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"headway/backend/audit"
	"headway/backend/auth"
	"headway/backend/rbac"
	"headway/backend/store"
)

const day = 24 * time.Hour

// person signs p in and returns the principal of the new session, with role.
func person(t *testing.T, f fixture, p auth.Profile, role rbac.Role) *auth.Principal {
	t.Helper()
	iss := signIn(t, f, p)
	if iss.User.Role != string(role) {
		if _, err := f.store.SetConsoleUserRole(t.Context(), iss.User.ID, string(role), true, f.clock.Now()); err != nil {
			t.Fatalf("SetConsoleUserRole(%s, %s): %v", p.Subject, role, err)
		}
	}
	return authenticate(t, f, iss.Token)
}

func createToken(t *testing.T, f fixture, p *auth.Principal, name string, role rbac.Role, ttl time.Duration) auth.CreatedToken {
	t.Helper()
	c, err := f.svc.CreateToken(t.Context(), p, auth.NewToken{Name: name, Role: string(role), ExpiresAt: f.clock.Now().Add(ttl)})
	if err != nil {
		t.Fatalf("CreateToken(%s, %s) error: %v", name, role, err)
	}
	return c
}

func authenticateToken(t *testing.T, f fixture, secret string) *auth.Principal {
	t.Helper()
	p, err := f.svc.AuthenticateToken(t.Context(), secret)
	if err != nil {
		t.Fatalf("AuthenticateToken() error: %v", err)
	}
	return p
}

func TestCreateAndUseToken(t *testing.T) {
	t.Parallel()
	f := newService(t, nil)
	owner := person(t, f, alice(), rbac.Owner)
	now := f.clock.Now()

	ctx, entry := audit.Begin(t.Context(), "token.create", "token", "", "req-1", "192.0.2.7")
	c, err := f.svc.CreateToken(ctx, owner, auth.NewToken{Name: "  backup  ", Role: "viewer", ExpiresAt: now.Add(30 * day)})
	if err != nil {
		t.Fatalf("CreateToken() error: %v", err)
	}
	if len(c.Secret) != 46 || !strings.HasPrefix(c.Secret, "hw_") {
		t.Errorf("secret has %d characters (prefix %.3q), want 46 starting hw_", len(c.Secret), c.Secret)
	}
	want := auth.Token{
		ID: c.Token.ID, Name: "backup", Prefix: c.Secret[:11], Role: rbac.Viewer, EffectiveRole: rbac.Viewer,
		State: auth.TokenActive, CreatedAt: now, ExpiresAt: now.Add(30 * day),
		Owner: auth.TokenOwner{ID: strconv.FormatInt(owner.User.ID, 10), Email: "alice@example.com", Name: "Alice", Role: rbac.Owner},
	}
	if diff := cmp.Diff(want, c.Token); diff != "" {
		t.Errorf("CreateToken().Token (-want +got):\n%s", diff)
	}

	// Only the SHA-256 is stored: the lookup is by hash.
	h := sha256.Sum256([]byte(c.Secret))
	row, err := f.store.GetAPITokenByHash(t.Context(), h[:])
	if err != nil || strconv.FormatInt(row.ID, 10) != c.Token.ID {
		t.Fatalf("GetAPITokenByHash(sha256(secret)) = %d, %v; want token %s", row.ID, err, c.Token.ID)
	}

	// The creation is audited in its transaction, without the secret.
	if !entry.Written() {
		t.Error("the audit entry of the creation was not written")
	}
	events, err := f.store.ListAuditEvents(t.Context(), store.AuditFilter{TargetType: "token"}, 10)
	if err != nil || len(events) != 1 {
		t.Fatalf("audit events about tokens = %d, %v; want 1", len(events), err)
	}
	var after map[string]any
	if err := json.Unmarshal(events[0].After, &after); err != nil {
		t.Fatalf("audit event after = %s: %v", events[0].After, err)
	}
	wantAfter := map[string]any{"name": "backup", "role": "viewer", "prefix": c.Token.Prefix,
		"ownerId": strconv.FormatInt(owner.User.ID, 10), "expiresAt": now.Add(30 * day).Format(time.RFC3339)}
	if diff := cmp.Diff(wantAfter, after); diff != "" || events[0].TargetID != c.Token.ID || events[0].Before != nil {
		t.Errorf("audit event target %q before %s, want target %s, no before; after (-want +got):\n%s", events[0].TargetID, events[0].Before, c.Token.ID, diff)
	}
	if strings.Contains(string(events[0].After), c.Secret[11:]) {
		t.Error("the audit event holds the token's secret")
	}

	f.clock.Advance(time.Second)
	p := authenticateToken(t, f, c.Secret)
	if p.Kind != auth.KindToken || p.TokenID != c.Token.ID || p.TokenName != "backup" || p.SessionID != "" || p.CSRFToken != "" {
		t.Errorf("AuthenticateToken() = %+v, want kind token %s named backup, no session, no CSRF token", p, c.Token.ID)
	}
	if p.User == nil || p.User.ID != owner.User.ID || p.User.Role != string(rbac.Viewer) || !p.ExpiresAt.Equal(now.Add(30*day)) {
		t.Errorf("AuthenticateToken().User = %+v, want the owner acting as viewer until the token expires", p.User)
	}
	if owner.User.Role != string(rbac.Owner) {
		t.Error("authenticating the token changed the creator's principal")
	}
}

func TestCreateTokenRefusals(t *testing.T) {
	t.Parallel()
	f := newService(t, nil)
	owner := person(t, f, alice(), rbac.Owner)
	netAdmin := person(t, f, bob(), rbac.NetworkAdmin)
	tok := authenticateToken(t, f, createToken(t, f, owner, "t", rbac.Admin, day).Secret)
	keyHolder := &auth.Principal{Kind: auth.KindBearer, APIKeyPrefix: "abc"}
	now := f.clock.Now()

	tests := []struct {
		name    string
		p       *auth.Principal
		in      auth.NewToken
		wantErr error
	}{
		{"role above the creator's", netAdmin, auth.NewToken{Name: "x", Role: "admin", ExpiresAt: now.Add(day)}, auth.ErrTokenRoleTooHigh},
		// it_admin ranks below network_admin yet holds capabilities it lacks.
		{"role beside the creator's", netAdmin, auth.NewToken{Name: "x", Role: "it_admin", ExpiresAt: now.Add(day)}, auth.ErrTokenRoleTooHigh},
		{"unknown role", owner, auth.NewToken{Name: "x", Role: "root", ExpiresAt: now.Add(day)}, rbac.ErrRoleInvalid},
		{"expiry in the past", owner, auth.NewToken{Name: "x", Role: "viewer", ExpiresAt: now.Add(-time.Second)}, auth.ErrTokenExpiryInvalid},
		{"expiry now", owner, auth.NewToken{Name: "x", Role: "viewer", ExpiresAt: now}, auth.ErrTokenExpiryInvalid},
		{"expiry beyond the max age", owner, auth.NewToken{Name: "x", Role: "viewer", ExpiresAt: now.Add(auth.DefaultTokenMaxAge + time.Hour)}, auth.ErrTokenExpiryInvalid},
		{"no expiry", owner, auth.NewToken{Name: "x", Role: "viewer"}, auth.ErrTokenExpiryInvalid},
		{"empty name", owner, auth.NewToken{Name: "   ", Role: "viewer", ExpiresAt: now.Add(day)}, auth.ErrTokenNameInvalid},
		{"long name", owner, auth.NewToken{Name: strings.Repeat("n", 65), Role: "viewer", ExpiresAt: now.Add(day)}, auth.ErrTokenNameInvalid},
		{"control character in name", owner, auth.NewToken{Name: "a\nb", Role: "viewer", ExpiresAt: now.Add(day)}, auth.ErrTokenNameInvalid},
		{"token creating a token", tok, auth.NewToken{Name: "x", Role: "viewer", ExpiresAt: now.Add(day)}, auth.ErrTokenCannotCreateTokens},
		{"headscale api key", keyHolder, auth.NewToken{Name: "x", Role: "viewer", ExpiresAt: now.Add(day)}, auth.ErrConsoleUserRequired},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := f.svc.CreateToken(t.Context(), tc.p, tc.in); !errors.Is(err, tc.wantErr) {
				t.Errorf("CreateToken(%+v) error = %v, want %v", tc.in, err, tc.wantErr)
			}
		})
	}
	list, err := f.svc.ListTokens(t.Context(), nil, true)
	if err != nil || len(list) != 1 {
		t.Errorf("tokens after the refusals = %d, %v; want only the first one", len(list), err)
	}

	// A role the creator's covers is fine, and so is an expiry a few seconds
	// past the max age (the client's clock), which is capped.
	c := createToken(t, f, netAdmin, "ok", rbac.Viewer, auth.DefaultTokenMaxAge+30*time.Second)
	if !c.Token.ExpiresAt.Equal(now.Add(auth.DefaultTokenMaxAge)) {
		t.Errorf("expiry %v past the max age was stored as %v, want capped at %v", now.Add(auth.DefaultTokenMaxAge+30*time.Second), c.Token.ExpiresAt, now.Add(auth.DefaultTokenMaxAge))
	}
	_, err = f.svc.CreateToken(t.Context(), owner, auth.NewToken{Name: "x", Role: "viewer", ExpiresAt: now.Add(200 * day)})
	if err == nil || !strings.Contains(err.Error(), "at most 90 days ahead") {
		t.Errorf("CreateToken(200 days ahead) error = %v, want it to name the limit of 90 days", err)
	}
}

func TestTokenActsWithTheLesserRole(t *testing.T) {
	t.Parallel()
	f := newService(t, nil)
	signIn(t, f, alice()) // the owner
	bobP := person(t, f, bob(), rbac.Admin)
	c := createToken(t, f, bobP, "deploy", rbac.ITAdmin, day)
	setRole := func(r rbac.Role) {
		t.Helper()
		if _, err := f.store.SetConsoleUserRole(t.Context(), bobP.User.ID, string(r), true, f.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}

	tests := []struct {
		creator rbac.Role
		want    rbac.Role
	}{
		{rbac.Admin, rbac.ITAdmin},
		{rbac.Viewer, rbac.Viewer}, // demoted: lowered at once
		// Neither covers the other: the highest role within both (auditor
		// would need read_audit, which network_admin lacks).
		{rbac.NetworkAdmin, rbac.Viewer},
		{rbac.Member, rbac.Member}, // no console access at all
		{rbac.Admin, rbac.ITAdmin}, // promoted again: never above the token's own role
	}
	for _, tc := range tests {
		setRole(tc.creator)
		if p := authenticateToken(t, f, c.Secret); p.User.Role != string(tc.want) {
			t.Errorf("creator %s, token it_admin: acts as %s, want %s", tc.creator, p.User.Role, tc.want)
		}
		list, err := f.svc.ListTokens(t.Context(), bobP, false)
		if err != nil || len(list) != 1 || list[0].EffectiveRole != tc.want || list[0].Owner.Role != tc.creator {
			t.Errorf("creator %s: ListTokens() = %+v, %v; want effective role %s", tc.creator, list, err, tc.want)
		}
	}
}

func TestTokenStopsWorking(t *testing.T) {
	t.Parallel()
	f := newService(t, nil)
	owner := person(t, f, alice(), rbac.Owner)
	bobP := person(t, f, bob(), rbac.Viewer)
	ctx := t.Context()

	revoked := createToken(t, f, owner, "revoked", rbac.Viewer, day)
	expiring := createToken(t, f, owner, "expiring", rbac.Viewer, time.Hour)
	orphan := createToken(t, f, bobP, "orphan", rbac.Viewer, day)
	for _, c := range []auth.CreatedToken{revoked, expiring, orphan} {
		authenticateToken(t, f, c.Secret)
	}

	if err := f.svc.RevokeToken(ctx, owner, revoked.Token.ID, false); err != nil {
		t.Fatalf("RevokeToken(own) error: %v", err)
	}
	if err := f.store.DeleteConsoleUser(ctx, bobP.User.ID); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Hour)

	unknown := "hw_" + strings.Repeat("A", 43)
	tests := []struct{ name, secret string }{
		{"revoked", revoked.Secret},
		{"expired", expiring.Secret},
		{"creator deleted", orphan.Secret},
		{"unknown", unknown},
		{"truncated", revoked.Secret[:45]},
		{"no prefix", strings.TrimPrefix(revoked.Secret, "hw_") + "xyz"},
		{"empty", ""},
	}
	for _, tc := range tests {
		p, err := f.svc.AuthenticateToken(ctx, tc.secret)
		if !errors.Is(err, auth.ErrTokenInvalid) || p != nil {
			t.Errorf("AuthenticateToken(%s) = %v, %v; want ErrTokenInvalid", tc.name, p, err)
		}
		if tc.secret != "" && strings.Contains(err.Error(), tc.secret) {
			t.Errorf("AuthenticateToken(%s) error %q holds the token", tc.name, err)
		}
	}

	list, err := f.svc.ListTokens(ctx, owner, false)
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]string{}
	for _, tok := range list {
		states[tok.Name] = tok.State
	}
	if diff := cmp.Diff(map[string]string{"revoked": auth.TokenRevoked, "expiring": auth.TokenExpired}, states); diff != "" {
		t.Errorf("states of the owner's tokens (-want +got):\n%s", diff)
	}
}

func TestTokenUseIsRecordedAtMostOnceAMinute(t *testing.T) {
	t.Parallel()
	f := newService(t, nil)
	owner := person(t, f, alice(), rbac.Owner)
	c := createToken(t, f, owner, "t", rbac.Viewer, day)
	lastUsed := func() *time.Time {
		t.Helper()
		list, err := f.svc.ListTokens(t.Context(), owner, false)
		if err != nil || len(list) != 1 {
			t.Fatalf("ListTokens() = %v, %v", list, err)
		}
		return list[0].LastUsedAt
	}
	if lastUsed() != nil {
		t.Fatal("a new token has a last use")
	}
	first := f.clock.Now()
	authenticateToken(t, f, c.Secret)
	f.clock.Advance(59 * time.Second)
	authenticateToken(t, f, c.Secret)
	if got := lastUsed(); got == nil || !got.Equal(first) {
		t.Errorf("last use after two uses within a minute = %v, want the first, %v", got, first)
	}
	f.clock.Advance(time.Second)
	authenticateToken(t, f, c.Secret)
	if got := lastUsed(); got == nil || !got.Equal(f.clock.Now()) {
		t.Errorf("last use a minute later = %v, want %v", got, f.clock.Now())
	}
}

func TestListAndRevokeTokens(t *testing.T) {
	t.Parallel()
	f := newService(t, nil)
	ctx := t.Context()
	owner := person(t, f, alice(), rbac.Owner)
	bobP := person(t, f, bob(), rbac.Viewer)
	keyHolder := &auth.Principal{Kind: auth.KindBearer, APIKeyPrefix: "abc"}
	o1 := createToken(t, f, owner, "o1", rbac.Viewer, day)
	f.clock.Advance(time.Second)
	b1 := createToken(t, f, bobP, "b1", rbac.Viewer, day)
	f.clock.Advance(time.Second)
	o2 := createToken(t, f, owner, "o2", rbac.Admin, day)

	names := func(p *auth.Principal, all bool) []string {
		t.Helper()
		list, err := f.svc.ListTokens(ctx, p, all)
		if err != nil {
			t.Fatalf("ListTokens(all %v) error: %v", all, err)
		}
		out := []string{}
		for _, tok := range list {
			out = append(out, tok.Name)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		p    *auth.Principal
		all  bool
		want []string
	}{
		{"owner's own", owner, false, []string{"o2", "o1"}},
		{"bob's own", bobP, false, []string{"b1"}},
		{"everyone's", owner, true, []string{"o2", "b1", "o1"}},
		{"a key holder's own", keyHolder, false, []string{}},
		{"everyone's for a key holder", keyHolder, true, []string{"o2", "b1", "o1"}},
	} {
		if diff := cmp.Diff(tc.want, names(tc.p, tc.all)); diff != "" {
			t.Errorf("ListTokens(%s) (-want +got):\n%s", tc.name, diff)
		}
	}

	// Someone else's token, without the right to manage everyone's, is not found.
	for _, id := range []string{o1.Token.ID, "999999", "abc", "-1", "01"} {
		if err := f.svc.RevokeToken(ctx, bobP, id, false); !errors.Is(err, auth.ErrTokenNotFound) {
			t.Errorf("RevokeToken(%q) as bob error = %v, want ErrTokenNotFound", id, err)
		}
	}
	if err := f.svc.RevokeToken(ctx, keyHolder, o1.Token.ID, false); !errors.Is(err, auth.ErrTokenNotFound) {
		t.Errorf("RevokeToken(owner's) as a key holder without anyOwner error = %v, want ErrTokenNotFound", err)
	}
	authenticateToken(t, f, o1.Secret)

	// A token may revoke itself; anyOwner revokes anyone's; twice is fine.
	self := authenticateToken(t, f, o2.Secret)
	if err := f.svc.RevokeToken(ctx, self, o2.Token.ID, false); err != nil {
		t.Errorf("RevokeToken(itself) error = %v", err)
	}
	if err := f.svc.RevokeToken(ctx, keyHolder, b1.Token.ID, true); err != nil {
		t.Errorf("RevokeToken(bob's) with anyOwner error = %v", err)
	}
	if err := f.svc.RevokeToken(ctx, bobP, b1.Token.ID, false); err != nil {
		t.Errorf("RevokeToken(own, revoked) error = %v, want nil", err)
	}
	for _, secret := range []string{o2.Secret, b1.Secret} {
		if _, err := f.svc.AuthenticateToken(ctx, secret); !errors.Is(err, auth.ErrTokenInvalid) {
			t.Errorf("AuthenticateToken(revoked) error = %v, want ErrTokenInvalid", err)
		}
	}
	authenticateToken(t, f, o1.Secret)
}

func TestPruneDeletesLongDeadTokens(t *testing.T) {
	t.Parallel()
	f := newService(t, nil)
	ctx := t.Context()
	owner := person(t, f, alice(), rbac.Owner)
	dead := createToken(t, f, owner, "dead", rbac.Viewer, time.Hour)
	live := createToken(t, f, owner, "live", rbac.Viewer, 60*day)
	f.clock.Advance(10 * day)
	revoked := createToken(t, f, owner, "revoked lately", rbac.Viewer, day)
	if err := f.svc.RevokeToken(ctx, owner, revoked.Token.ID, false); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(21 * day) // the first expired more than 30 days ago

	if _, err := f.svc.Prune(ctx); err != nil {
		t.Fatalf("Prune() error: %v", err)
	}
	list, err := f.svc.ListTokens(ctx, owner, false)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, tok := range list {
		ids = append(ids, tok.ID)
	}
	if diff := cmp.Diff([]string{revoked.Token.ID, live.Token.ID}, ids); diff != "" {
		t.Errorf("tokens after pruning, %s gone (-want +got):\n%s", dead.Token.ID, diff)
	}
}

func TestIsToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want bool
	}{
		{"hw_" + strings.Repeat("A", 43), true},
		{"hw_short", true}, // refused later as token_invalid, not sent to Headscale
		{"hskey-api-abcdefghijkl-" + strings.Repeat("x", 64), false},
		{"hw_abcd." + strings.Repeat("x", 32), false}, // a legacy Headscale key that happens to start with hw_
		{"HW_" + strings.Repeat("A", 43), false},
		{"", false},
	}
	for _, tc := range tests {
		if got := auth.IsToken(tc.in); got != tc.want {
			t.Errorf("IsToken(%.12q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
