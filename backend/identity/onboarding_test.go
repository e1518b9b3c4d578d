package identity_test

import (
	"errors"
	"testing"
	"time"

	"headway/backend/headscale/hstest"
	"headway/backend/identity"
	"headway/backend/rbac"
)

func hstestNode(t *testing.T, f *fixture, user, name string) string {
	t.Helper()
	return hstest.AddDebugNode(t, f.hs, user, name)
}

func TestOnboardingConnectsFirstDevice(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true, func(o *identity.Options) { o.DefaultRole = rbac.Viewer })
	ctx := t.Context()
	hsID := f.hs.CreateOIDCUser(t, "alice", "", issuer+"/alice")
	owner := f.signIn(t, person{sub: "owner"})
	ita := f.signIn(t, person{sub: "ita"})
	if _, err := f.svc.UpdateConsoleUser(ctx, identity.UserActor(owner), ita.ID, ptr(rbac.ITAdmin), nil); err != nil {
		t.Fatal(err)
	}
	alice := f.signIn(t, person{sub: "alice"})
	if alice.HeadscaleUserID != hsID {
		t.Fatalf("alice linked to %q, want %q", alice.HeadscaleUserID, hsID)
	}

	ob, err := f.svc.Onboarding(ctx, alice)
	if err != nil {
		t.Fatal(err)
	}
	if ob.Step != identity.StepConnect || ob.LoginServer != "https://hs.example" || ob.HeadscaleUser == nil ||
		ob.HeadscaleUser.ID != hsID || len(ob.Devices) != 0 || !ob.CanGenerateKey || ob.Candidates == nil {
		t.Errorf("Onboarding(before a device) = %+v", ob)
	}
	if len(ob.Grantors) != 2 || ob.Grantors[0].ID != owner.ID || ob.Grantors[1].ID != ita.ID {
		t.Errorf("Onboarding().Grantors = %+v, want the owner and the it_admin", ob.Grantors)
	}

	nodeID := hstestNode(t, f, "alice", "alice-laptop")
	ob, err = f.svc.Onboarding(ctx, alice)
	if err != nil {
		t.Fatal(err)
	}
	if ob.Step != identity.StepConnect || len(ob.Devices) != 1 || ob.Devices[0].ID != nodeID || ob.HeadscaleUser.NodeCount != 1 {
		t.Errorf("Onboarding(after a device) = %+v, want step connect with the new device", ob)
	}

	ob, err = f.svc.CompleteOnboarding(ctx, alice)
	if err != nil || ob.Step != identity.StepDone || len(ob.Devices) != 1 {
		t.Errorf("CompleteOnboarding() = %+v, %v; want step done", ob, err)
	}
	if ob, err := f.svc.Onboarding(ctx, f.get(t, alice.ID)); err != nil || ob.Step != identity.StepDone {
		t.Errorf("Onboarding(after completing) = %+v, %v; want step done, remembered", ob, err)
	}

	// A member skips: remembered too; it may not create keys.
	bob := f.signIn(t, person{sub: "bob"})
	if _, err := f.svc.UpdateConsoleUser(ctx, identity.UserActor(owner), bob.ID, ptr(rbac.Member), nil); err != nil {
		t.Fatal(err)
	}
	bob = f.get(t, bob.ID)
	ob, err = f.svc.Onboarding(ctx, bob)
	if err != nil || ob.Step != identity.StepConnect || ob.HeadscaleUser != nil || ob.CanGenerateKey || len(ob.Grantors) != 2 {
		t.Errorf("Onboarding(bob, member, unlinked) = %+v, %v; want connect, no key, grantors listed", ob, err)
	}
	if ob, err := f.svc.CompleteOnboarding(ctx, bob); err != nil || ob.Step != identity.StepDone {
		t.Errorf("CompleteOnboarding(bob) = %+v, %v", ob, err)
	}

	// The linked Headscale user disappears: Onboarding clears the link.
	if err := f.hc.DeleteNode(ctx, nodeID); err != nil {
		t.Fatal(err)
	}
	if err := f.hc.DeleteUser(ctx, hsID); err != nil {
		t.Fatal(err)
	}
	ob, err = f.svc.Onboarding(ctx, f.get(t, alice.ID))
	if err != nil || ob.HeadscaleUser != nil || len(ob.Devices) != 0 || ob.CanGenerateKey {
		t.Errorf("Onboarding(after the Headscale user went) = %+v, %v; want unlinked", ob, err)
	}
	if got := f.get(t, alice.ID).HeadscaleUserID; got != "" {
		t.Errorf("alice's stored link = %q, want cleared", got)
	}
}

func TestCreateOwnPreAuthKey(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true, nil)
	ctx := t.Context()
	hsID := f.hs.CreateOIDCUser(t, "alice", "", issuer+"/alice")
	owner := f.signIn(t, person{sub: "owner"})
	alice := f.signIn(t, person{sub: "alice"})

	start := time.Now()
	key, err := f.svc.CreateOwnPreAuthKey(ctx, alice)
	if err != nil {
		t.Fatalf("CreateOwnPreAuthKey(linked) error: %v", err)
	}
	if key.Key == "" || key.UserID != hsID || key.Reusable || key.Ephemeral || key.Expiration == nil ||
		key.Expiration.Before(start.Add(59*time.Minute)) || key.Expiration.After(time.Now().Add(61*time.Minute)) {
		t.Errorf("CreateOwnPreAuthKey(linked) = %+v, want a single-use one-hour key for user %s", key, hsID)
	}

	var ie *identity.Error
	if _, err := f.svc.CreateOwnPreAuthKey(ctx, owner); !errors.Is(err, identity.ErrNotLinked) || !errors.As(err, &ie) || ie.Code != "not_linked" || ie.Status != 409 {
		t.Errorf("CreateOwnPreAuthKey(unlinked) error = %v, want not_linked (409)", err)
	}
}
