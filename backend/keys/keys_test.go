package keys_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"headway/backend/headscale"
	"headway/backend/headscale/hstest"
	"headway/backend/keys"
	"headway/backend/tailnet"
)

type fixture struct {
	srv        *hstest.Server
	hs         *headscale.Client
	svc        *keys.Service
	alice, bob string // Headscale user ids
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{srv: hstest.Start(t)}
	f.hs = headscale.New(f.srv.URL, f.srv.APIKey)
	f.alice = f.srv.CreateUser(t, "alice")
	f.bob = f.srv.CreateUser(t, "bob")
	tn := tailnet.New(tailnet.Options{Source: f.hs})
	if err := tn.Refresh(t.Context()); err != nil {
		t.Fatalf("Refresh() error = %v", err)
	}
	f.svc = keys.New(f.hs, keys.FromTailnet(tn), f.srv.APIKey, nil)
	return f
}

// wantError fails unless err is a *keys.Error with code and status, and
// text for users.
func wantError(t *testing.T, what string, err error, code string, status int) *keys.Error {
	t.Helper()
	var e *keys.Error
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

func ids(ks []headscale.PreAuthKey) []string {
	out := []string{}
	for _, k := range ks {
		out = append(out, k.ID)
	}
	return out
}

func ptr[T any](v T) *T { return &v }

func TestPreAuthKeyLifecycle(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	admin := keys.Caller{AnyUser: true}
	now := time.Now()

	created, err := f.svc.CreatePreAuthKey(ctx, admin, keys.NewPreAuthKey{
		UserID: f.alice, ACLTags: []string{" tag:server", "tag:server"}, Reusable: true, Ephemeral: true,
		Expiration: now.Add(24 * time.Hour),
	}, now)
	if err != nil {
		t.Fatalf("CreatePreAuthKey(alice) error = %v", err)
	}
	if created.UserID != f.alice || created.User != "alice" || !created.Reusable || !created.Ephemeral ||
		!slices.Equal(created.ACLTags, []string{"tag:server"}) || strings.Contains(created.Key, "***") || created.Key == "" {
		t.Errorf("CreatePreAuthKey(alice) = %+v, want alice's reusable ephemeral key tagged tag:server, in full", created)
	}

	tagOnly, err := f.svc.CreatePreAuthKey(ctx, admin, keys.NewPreAuthKey{ACLTags: []string{"tag:ci"}, Expiration: now.Add(time.Hour)}, now)
	if err != nil {
		t.Fatalf("CreatePreAuthKey(tag-only) error = %v", err)
	}
	if tagOnly.UserID != "" || !slices.Equal(tagOnly.ACLTags, []string{"tag:ci"}) {
		t.Errorf("CreatePreAuthKey(tag-only) = %+v, want no user and tag:ci", tagOnly)
	}
	bobKey, err := f.svc.CreatePreAuthKey(ctx, admin, keys.NewPreAuthKey{UserID: f.bob, Expiration: now.Add(time.Hour)}, now)
	if err != nil {
		t.Fatalf("CreatePreAuthKey(bob) error = %v", err)
	}

	all, err := f.svc.ListPreAuthKeys(ctx, admin, keys.PreAuthKeyFilter{}, now)
	if err != nil {
		t.Fatalf("ListPreAuthKeys() error = %v", err)
	}
	if got, want := ids(all), []string{bobKey.ID, tagOnly.ID, created.ID}; !slices.Equal(got, want) {
		t.Errorf("ListPreAuthKeys() ids = %v, want %v (newest first)", got, want)
	}
	for _, k := range all {
		if !strings.HasSuffix(k.Key, "***") {
			t.Errorf("listed key %s = %q, want it masked", k.ID, k.Key)
		}
	}

	filters := []struct {
		name string
		f    keys.PreAuthKeyFilter
		want []string
	}{
		{"user", keys.PreAuthKeyFilter{UserID: f.alice}, []string{created.ID}},
		{"tag-only", keys.PreAuthKeyFilter{TagOnly: ptr(true)}, []string{tagOnly.ID}},
		{"user keys", keys.PreAuthKeyFilter{TagOnly: ptr(false)}, []string{bobKey.ID, created.ID}},
		{"reusable", keys.PreAuthKeyFilter{Reusable: ptr(true)}, []string{created.ID}},
		{"not ephemeral", keys.PreAuthKeyFilter{Ephemeral: ptr(false)}, []string{bobKey.ID, tagOnly.ID}},
		{"active", keys.PreAuthKeyFilter{State: keys.StateActive}, []string{bobKey.ID, tagOnly.ID, created.ID}},
		{"expired", keys.PreAuthKeyFilter{State: keys.StateExpired}, []string{}},
		{"used", keys.PreAuthKeyFilter{State: keys.StateUsed}, []string{}},
	}
	for _, tc := range filters {
		got, err := f.svc.ListPreAuthKeys(ctx, admin, tc.f, now)
		if err != nil || !slices.Equal(ids(got), tc.want) {
			t.Errorf("ListPreAuthKeys(%s) = %v, %v, want %v", tc.name, ids(got), err, tc.want)
		}
	}

	if err := f.svc.ExpirePreAuthKey(ctx, admin, created.ID); err != nil {
		t.Fatalf("ExpirePreAuthKey(%s) error = %v", created.ID, err)
	}
	later := time.Now().Add(time.Second)
	got, err := f.svc.ListPreAuthKeys(ctx, admin, keys.PreAuthKeyFilter{State: keys.StateExpired}, later)
	if err != nil || !slices.Equal(ids(got), []string{created.ID}) {
		t.Errorf("ListPreAuthKeys(expired) after expiring = %v, %v, want [%s]", ids(got), err, created.ID)
	}
	if len(got) == 1 && keys.State(got[0], later) != keys.StateExpired {
		t.Errorf("State(expired key) = %q, want %q", keys.State(got[0], later), keys.StateExpired)
	}

	wantError(t, "ExpirePreAuthKey(unknown)", f.svc.ExpirePreAuthKey(ctx, admin, "9999"), "preauthkey_not_found", 404)
	wantError(t, "ExpirePreAuthKey(malformed)", f.svc.ExpirePreAuthKey(ctx, admin, "x"), "preauthkey_not_found", 404)
}

func TestCreatePreAuthKeyRefusals(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	now := time.Now()
	admin := keys.Caller{AnyUser: true}
	alice := keys.Caller{HeadscaleUserID: f.alice}
	unlinked := keys.Caller{}
	hour := now.Add(time.Hour)

	tests := []struct {
		name   string
		c      keys.Caller
		k      keys.NewPreAuthKey
		code   string
		status int
	}{
		{"no expiration", admin, keys.NewPreAuthKey{UserID: f.alice}, "expiration_invalid", 400},
		{"past expiration", admin, keys.NewPreAuthKey{UserID: f.alice, Expiration: now.Add(-time.Minute)}, "expiration_invalid", 400},
		{"expiration too far", admin, keys.NewPreAuthKey{UserID: f.alice, Expiration: now.AddDate(0, 0, 366)}, "expiration_invalid", 400},
		{"tag without prefix", admin, keys.NewPreAuthKey{UserID: f.alice, ACLTags: []string{"server"}, Expiration: hour}, "tag_invalid", 400},
		{"upper-case tag", admin, keys.NewPreAuthKey{UserID: f.alice, ACLTags: []string{"tag:Server"}, Expiration: hour}, "tag_invalid", 400},
		{"tag-only without tags", admin, keys.NewPreAuthKey{Expiration: hour}, "tag_invalid", 400},
		{"unknown user", admin, keys.NewPreAuthKey{UserID: "999", Expiration: hour}, "headscale_user_not_found", 404},
		{"malformed user", admin, keys.NewPreAuthKey{UserID: "bob", Expiration: hour}, "headscale_user_not_found", 404},
		{"own: someone else's", alice, keys.NewPreAuthKey{UserID: f.bob, Expiration: hour}, "forbidden", 403},
		{"own: tag-only", alice, keys.NewPreAuthKey{ACLTags: []string{"tag:ci"}, Expiration: hour}, "forbidden", 403},
		{"own: unlinked", unlinked, keys.NewPreAuthKey{UserID: f.alice, Expiration: hour}, "not_linked", 409},
		{"own: unlinked, tag-only", unlinked, keys.NewPreAuthKey{ACLTags: []string{"tag:ci"}, Expiration: hour}, "not_linked", 409},
		{"own: unlinked, no expiration", unlinked, keys.NewPreAuthKey{}, "not_linked", 409}, // permission before validation
		{"own: bob, bad tag", alice, keys.NewPreAuthKey{UserID: f.bob, ACLTags: []string{"x"}, Expiration: hour}, "forbidden", 403},
		{"own: past expiration", alice, keys.NewPreAuthKey{UserID: f.alice, Expiration: now.Add(-time.Minute)}, "expiration_invalid", 400},
	}
	for _, tc := range tests {
		_, err := f.svc.CreatePreAuthKey(ctx, tc.c, tc.k, now)
		wantError(t, "CreatePreAuthKey("+tc.name+")", err, tc.code, tc.status)
	}
	_, err := f.svc.CreatePreAuthKey(ctx, unlinked, keys.NewPreAuthKey{Expiration: hour}, now)
	if e := wantError(t, "CreatePreAuthKey(unlinked)", err, "not_linked", 409); !strings.Contains(e.Message, "not linked to a Headscale user") {
		t.Errorf("not_linked message = %q, want it to say why", e.Message)
	}
	if all, err := f.svc.ListPreAuthKeys(ctx, admin, keys.PreAuthKeyFilter{}, now); err != nil || len(all) != 0 {
		t.Errorf("ListPreAuthKeys() after refusals = %v, %v, want none", ids(all), err)
	}
}

func TestOwnPreAuthKeys(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	now := time.Now()
	admin := keys.Caller{AnyUser: true}
	alice := keys.Caller{HeadscaleUserID: f.alice}

	own, err := f.svc.CreatePreAuthKey(ctx, alice, keys.NewPreAuthKey{UserID: f.alice, Expiration: now.Add(time.Hour)}, now)
	if err != nil || own.UserID != f.alice {
		t.Fatalf("CreatePreAuthKey(alice for herself) = %+v, %v, want her key", own, err)
	}
	bobKey, err := f.svc.CreatePreAuthKey(ctx, admin, keys.NewPreAuthKey{UserID: f.bob, Expiration: now.Add(time.Hour)}, now)
	if err != nil {
		t.Fatal(err)
	}
	tagOnly, err := f.svc.CreatePreAuthKey(ctx, admin, keys.NewPreAuthKey{ACLTags: []string{"tag:ci"}, Expiration: now.Add(time.Hour)}, now)
	if err != nil {
		t.Fatal(err)
	}

	lists := []struct {
		name string
		c    keys.Caller
		f    keys.PreAuthKeyFilter
		want []string
	}{
		{"alice", alice, keys.PreAuthKeyFilter{}, []string{own.ID}},
		{"alice asking for bob's", alice, keys.PreAuthKeyFilter{UserID: f.bob}, []string{}},
		{"alice asking for tag-only", alice, keys.PreAuthKeyFilter{TagOnly: ptr(true)}, []string{}},
		{"unlinked", keys.Caller{}, keys.PreAuthKeyFilter{}, []string{}},
		{"admin", admin, keys.PreAuthKeyFilter{}, []string{tagOnly.ID, bobKey.ID, own.ID}},
	}
	for _, tc := range lists {
		got, err := f.svc.ListPreAuthKeys(ctx, tc.c, tc.f, now)
		if err != nil || got == nil || !slices.Equal(ids(got), tc.want) {
			t.Errorf("ListPreAuthKeys(%s) = %v, %v, want %v", tc.name, ids(got), err, tc.want)
		}
	}

	for _, id := range []string{bobKey.ID, tagOnly.ID, "9999", "x"} {
		wantError(t, "ExpirePreAuthKey(alice, "+id+")", f.svc.ExpirePreAuthKey(ctx, alice, id), "forbidden", 403)
	}
	// Unlinked: the same explanation as when creating one.
	wantError(t, "ExpirePreAuthKey(unlinked)", f.svc.ExpirePreAuthKey(ctx, keys.Caller{}, own.ID), "not_linked", 409)
	if err := f.svc.ExpirePreAuthKey(ctx, alice, own.ID); err != nil {
		t.Fatalf("ExpirePreAuthKey(alice, own) error = %v", err)
	}
	got, err := f.svc.ListPreAuthKeys(ctx, admin, keys.PreAuthKeyFilter{State: keys.StateActive}, time.Now().Add(time.Second))
	if err != nil || !slices.Equal(ids(got), []string{tagOnly.ID, bobKey.ID}) {
		t.Errorf("ListPreAuthKeys(active) = %v, %v, want only the others' keys", ids(got), err)
	}
}

func TestAPIKeyLifecycle(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	now := time.Now()

	list := func(at time.Time) []keys.APIKeyView {
		t.Helper()
		ks, err := f.svc.ListAPIKeys(ctx, at)
		if err != nil {
			t.Fatalf("ListAPIKeys() error = %v", err)
		}
		return ks
	}
	before := list(now)
	if len(before) != 1 || !before[0].UsedByHeadway || before[0].Expired {
		t.Fatalf("ListAPIKeys() = %+v, want Headway's own key only, in use and valid", before)
	}
	own := before[0]

	for _, exp := range []time.Time{{}, now.Add(-time.Minute), now.AddDate(0, 0, 731)} {
		_, _, err := f.svc.CreateAPIKey(ctx, exp, now)
		wantError(t, "CreateAPIKey("+exp.String()+")", err, "expiration_invalid", 400)
	}
	exp := now.AddDate(0, 0, 90)
	key, gotExp, err := f.svc.CreateAPIKey(ctx, exp, now)
	if err != nil || !strings.HasPrefix(key, "hskey-api-") || !gotExp.Equal(exp) {
		t.Fatalf("CreateAPIKey(90 days) = %q, %v, %v, want a new key expiring %v", key, gotExp, err, exp)
	}
	after := list(now)
	if len(after) != 2 {
		t.Fatalf("ListAPIKeys() after create = %+v, want 2 keys", after)
	}
	created := after[0]
	if created.ID == own.ID || created.UsedByHeadway || created.Expired || created.Expiration == nil ||
		created.Expiration.Sub(exp).Abs() > time.Second || !strings.HasPrefix(key, strings.TrimSuffix(created.Prefix, "***")) {
		t.Errorf("ListAPIKeys()[0] = %+v, want the new key first, not Headway's, expiring %v", created, exp)
	}

	for _, p := range []string{own.Prefix, strings.TrimSuffix(strings.TrimPrefix(own.Prefix, "hskey-api-"), "-***")} {
		wantError(t, "ExpireAPIKey(own "+p+")", f.svc.ExpireAPIKey(ctx, p), "own_api_key", 409)
		wantError(t, "DeleteAPIKey(own "+p+")", f.svc.DeleteAPIKey(ctx, p), "own_api_key", 409)
	}
	for _, p := range []string{"hskey-api-AAAAAAAAAAAA-***", "nope/x"} {
		wantError(t, "ExpireAPIKey("+p+")", f.svc.ExpireAPIKey(ctx, p), "apikey_not_found", 404)
		wantError(t, "DeleteAPIKey("+p+")", f.svc.DeleteAPIKey(ctx, p), "apikey_not_found", 404)
	}

	if err := f.svc.ExpireAPIKey(ctx, created.Prefix); err != nil {
		t.Fatalf("ExpireAPIKey(%s) error = %v", created.Prefix, err)
	}
	for _, k := range list(time.Now().Add(time.Second)) {
		if k.ID == created.ID && !k.Expired {
			t.Errorf("ListAPIKeys() after expire: %+v, want Expired", k)
		}
	}
	if err := f.svc.DeleteAPIKey(ctx, created.Prefix); err != nil {
		t.Fatalf("DeleteAPIKey(%s) error = %v", created.Prefix, err)
	}
	if got := list(now); len(got) != 1 || got[0].ID != own.ID {
		t.Errorf("ListAPIKeys() after delete = %+v, want Headway's own key only", got)
	}
	// Headway's key still works.
	if _, err := f.hs.ListAPIKeys(ctx); err != nil {
		t.Errorf("Headway's own key after the refusals: %v", err)
	}

	got, known, err := f.svc.OwnKeyExpiry(ctx)
	want := now.Add(999 * 24 * time.Hour)
	if err != nil || !known || got.Sub(want).Abs() > time.Minute {
		t.Errorf("OwnKeyExpiry() = %v, %v, %v, want about %v", got, known, err, want)
	}
}

func TestOwnKeyExpiryUnknownKey(t *testing.T) {
	t.Parallel()
	srv := hstest.Start(t)
	hs := headscale.New(srv.URL, srv.APIKey)
	for _, own := range []string{"", "not-a-key", "hskey-api-AAAAAAAAAAAA-" + strings.Repeat("A", 64)} {
		svc := keys.New(hs, nil, own, nil)
		if got, known, err := svc.OwnKeyExpiry(t.Context()); err != nil || known || !got.IsZero() {
			t.Errorf("OwnKeyExpiry() with own key %q = %v, %v, %v, want unknown", own, got, known, err)
		}
	}
}

func TestHeadscaleDown(t *testing.T) {
	t.Parallel()
	srv := hstest.Start(t)
	svc := keys.New(headscale.New(srv.URL, srv.APIKey), nil, srv.APIKey, nil)
	srv.Stop()
	ctx := t.Context()
	_, err := svc.ListPreAuthKeys(ctx, keys.Caller{AnyUser: true}, keys.PreAuthKeyFilter{}, time.Now())
	if !errors.Is(err, headscale.ErrUnreachable) || !strings.Contains(err.Error(), "headscale_unavailable") {
		t.Errorf("ListPreAuthKeys() with Headscale down = %v, want headscale_unavailable", err)
	}
	if _, _, err := svc.OwnKeyExpiry(ctx); !errors.Is(err, headscale.ErrUnreachable) {
		t.Errorf("OwnKeyExpiry() with Headscale down = %v, want ErrUnreachable", err)
	}
}
