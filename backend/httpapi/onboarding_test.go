package httpapi

import (
	"net/http"
	"slices"
	"testing"

	"headway/api"
	"headway/backend/headscale/hstest"
	"headway/backend/rbac"
)

// onboardingOf is GET /onboarding as u; it fails the test unless the answer is 200.
func onboardingOf(t *testing.T, u *person) api.Onboarding {
	t.Helper()
	r := u.call(http.MethodGet, "/onboarding", nil)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("GET /onboarding as %s = %d %s, want 200", u.sub, r.StatusCode, r.body)
	}
	return decodeReply[api.Onboarding](t, r)
}

// TestFirstSignIns: the first person to sign in owns the console; the next
// is a member who must onboard, may open no capability-gated page, and is
// told who can grant access.
func TestFirstSignIns(t *testing.T) {
	t.Parallel()
	hs := hstest.Start(t)
	h, p := iamSite(t, nil, withHeadscale(hs))

	owner := newPerson(t, h, p, userOf("olivia"))
	me := owner.signIn()
	if me.User.Role != api.Owner || !slices.Contains(me.Capabilities, string(rbac.OwnerCapability)) {
		t.Fatalf("first sign-in: role %q capabilities %v, want owner with the owner capability", me.User.Role, me.Capabilities)
	}

	member := newPerson(t, h, p, userOf("mia"))
	me = member.signIn()
	if me.User.Role != api.Member || !me.NeedsOnboarding || len(me.Capabilities) != 0 {
		t.Fatalf("second sign-in: role %q needsOnboarding %v capabilities %v, want member (default_role), needing onboarding, no capabilities",
			me.User.Role, me.NeedsOnboarding, me.Capabilities)
	}
	for _, path := range []string{"/console-users", "/users"} {
		expect(t, "GET "+path+" as member", member.call(http.MethodGet, path, nil), http.StatusForbidden, "forbidden")
	}
	expect(t, "POST /onboarding/preauthkey as member", member.call(http.MethodPost, "/onboarding/preauthkey", nil), http.StatusForbidden, "forbidden")

	o := onboardingOf(t, member)
	if len(o.Grantors) != 1 || o.Grantors[0].Email != "olivia@example.com" || o.Grantors[0].Role != api.Owner {
		t.Errorf("GET /onboarding grantors = %+v, want just the owner", o.Grantors)
	}
	if o.Step != api.Connect || o.HeadscaleUser != nil || o.CanGenerateKey || o.LoginServer != hs.URL {
		t.Errorf("GET /onboarding = step %q headscaleUser %v canGenerateKey %v loginServer %q, want connect, unlinked, no key, %q",
			o.Step, o.HeadscaleUser, o.CanGenerateKey, o.LoginServer, hs.URL)
	}
}

// TestOnboardingLinks: linking at sign-in by providerId, choosing an
// unclaimed local Headscale user, a pre-auth key for it, its first device,
// and finishing onboarding.
func TestOnboardingLinks(t *testing.T) {
	t.Parallel()
	hs := hstest.Start(t)
	h, p := iamSite(t, nil, withHeadscale(hs))
	owner := newPerson(t, h, p, userOf("olivia"))
	owner.signIn()

	t.Run("Headscale's own OIDC user links at sign-in", func(t *testing.T) {
		hsID := hs.CreateOIDCUser(t, "carol", "carol@example.com", p.Issuer+"/carol")
		carol := newPerson(t, h, p, userOf("carol"))
		if me := carol.signIn(); me.User.HeadscaleUserId == nil || *me.User.HeadscaleUserId != hsID {
			t.Errorf("GET /me after carol's sign-in: headscaleUserId %v, want %s", me.User.HeadscaleUserId, hsID)
		}
		if o := onboardingOf(t, carol); o.HeadscaleUser == nil || o.HeadscaleUser.Id != hsID || o.Step != api.Connect {
			t.Errorf("GET /onboarding as carol = step %q headscaleUser %+v, want connect, linked to %s", o.Step, o.HeadscaleUser, hsID)
		}
	})

	laptop := hs.CreateUser(t, "dave-laptop")
	dave := newPerson(t, h, p, userOf("dave"))
	dave.signIn()
	setRole(t, h, dave.id, rbac.Viewer)
	erin := newPerson(t, h, p, userOf("erin"))
	erin.signIn()

	t.Run("choose a local Headscale user", func(t *testing.T) {
		o := onboardingOf(t, dave)
		if o.Step != api.Link || !slices.ContainsFunc(o.Candidates, func(c api.HeadscaleUser) bool { return c.Id == laptop }) {
			t.Fatalf("GET /onboarding as dave = step %q candidates %+v, want link offering %s", o.Step, o.Candidates, laptop)
		}
		expect(t, "POST /onboarding/preauthkey before linking", dave.call(http.MethodPost, "/onboarding/preauthkey", nil), http.StatusConflict, "not_linked")
		r := dave.call(http.MethodPost, "/onboarding/link", api.LinkRequest{HeadscaleUserId: laptop})
		expect(t, "POST /onboarding/link as dave", r, http.StatusOK, "")
		if o := decodeReply[api.Onboarding](t, r); o.Step != api.Connect || o.HeadscaleUser == nil || o.HeadscaleUser.Id != laptop || !o.CanGenerateKey {
			t.Errorf("POST /onboarding/link = step %q headscaleUser %+v canGenerateKey %v, want connect, linked to %s, may create a key", o.Step, o.HeadscaleUser, o.CanGenerateKey, laptop)
		}
		if me := dave.me(); me.User.HeadscaleUserId == nil || *me.User.HeadscaleUserId != laptop {
			t.Errorf("GET /me as dave: headscaleUserId %v, want %s", me.User.HeadscaleUserId, laptop)
		}
		expect(t, "POST /onboarding/link again", dave.call(http.MethodPost, "/onboarding/link", api.LinkRequest{HeadscaleUserId: laptop}), http.StatusConflict, "already_linked")
	})

	t.Run("a claimed Headscale user cannot be chosen again", func(t *testing.T) {
		if o := onboardingOf(t, erin); slices.ContainsFunc(o.Candidates, func(c api.HeadscaleUser) bool { return c.Id == laptop }) {
			t.Errorf("GET /onboarding as erin offers %s, which dave claimed", laptop)
		}
		r := erin.call(http.MethodPost, "/onboarding/link", api.LinkRequest{HeadscaleUserId: laptop})
		expect(t, "POST /onboarding/link as erin to dave's user", r, http.StatusConflict, "headscale_user_claimed")
		carolID := ""
		for _, u := range decodeReply[api.HeadscaleUserList](t, owner.call(http.MethodGet, "/users", nil)).Users {
			if u.Name == "carol" {
				carolID = u.Id
			}
		}
		expect(t, "POST /onboarding/link to an OIDC user", erin.call(http.MethodPost, "/onboarding/link", api.LinkRequest{HeadscaleUserId: carolID}), http.StatusForbidden, "headscale_user_not_local")
		expect(t, "POST /onboarding/link to nobody", erin.call(http.MethodPost, "/onboarding/link", api.LinkRequest{HeadscaleUserId: "999999"}), http.StatusNotFound, "headscale_user_not_found")
		if me := erin.me(); me.User.HeadscaleUserId != nil {
			t.Errorf("erin is linked to %s after refused links", *me.User.HeadscaleUserId)
		}
	})

	t.Run("a pre-auth key, a device, done", func(t *testing.T) {
		r := dave.call(http.MethodPost, "/onboarding/preauthkey", nil)
		expect(t, "POST /onboarding/preauthkey as dave (viewer, linked)", r, http.StatusCreated, "")
		if key := decodeReply[api.NewPreAuthKey](t, r); key.Key == "" || key.Expiration.IsZero() {
			t.Errorf("POST /onboarding/preauthkey = %+v, want a key with its expiry", key)
		}
		if o := onboardingOf(t, dave); len(o.Devices) != 0 {
			t.Fatalf("GET /onboarding devices before any = %+v, want none", o.Devices)
		}
		nodeID := hstest.AddDebugNode(t, hs, "dave-laptop", "dave-phone")
		h.refresh() // as the background refresh would within headscale.refresh_interval
		o := onboardingOf(t, dave)
		if len(o.Devices) != 1 || o.Devices[0].Id != nodeID {
			t.Errorf("GET /onboarding devices = %+v, want node %s", o.Devices, nodeID)
		}
		if o.Step != api.Connect {
			t.Errorf("GET /onboarding step with a device = %q, want connect until completed", o.Step)
		}
		r = dave.call(http.MethodPost, "/onboarding/complete", nil)
		expect(t, "POST /onboarding/complete", r, http.StatusOK, "")
		if o := decodeReply[api.Onboarding](t, r); o.Step != api.Done {
			t.Errorf("POST /onboarding/complete step = %q, want done", o.Step)
		}
		if me := dave.me(); me.NeedsOnboarding {
			t.Error("GET /me after completing onboarding: needsOnboarding true, want false")
		}
	})

	t.Run("API-key principals have no onboarding", func(t *testing.T) {
		key := createKey(t, hs, "1h")
		b := newBrowser(t, h)
		r := b.do(http.MethodPost, h.URL+"/admin/api/v1/auth/apikey", api.APIKeySignIn{ApiKey: key})
		if r.StatusCode != http.StatusOK {
			t.Fatalf("POST /auth/apikey = %d %s, want 200", r.StatusCode, r.body)
		}
		csrf := *decodeReply[api.Me](t, r).CsrfToken
		if me := b.me(h); me.NeedsOnboarding || me.Kind != api.MeKindApiKey {
			t.Errorf("GET /me for an API-key session = kind %q needsOnboarding %v, want api_key, false", me.Kind, me.NeedsOnboarding)
		}
		expect(t, "GET /onboarding, API-key session", callAPI(b, h, csrf, http.MethodGet, "/onboarding", nil), http.StatusBadRequest, "onboarding_not_applicable")
		expect(t, "POST /onboarding/complete, API-key session", callAPI(b, h, csrf, http.MethodPost, "/onboarding/complete", nil), http.StatusBadRequest, "onboarding_not_applicable")
		bearer := newBrowser(t, h)
		expect(t, "GET /onboarding, bearer", bearer.get(h.URL+"/admin/api/v1/onboarding", "Authorization", "Bearer "+key), http.StatusBadRequest, "onboarding_not_applicable")
		if me := bearer.me(h, "Authorization", "Bearer "+key); me.NeedsOnboarding {
			t.Error("GET /me for a bearer key: needsOnboarding true, want false")
		}
	})
}
