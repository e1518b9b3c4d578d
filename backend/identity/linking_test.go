package identity_test

import (
	"errors"
	"testing"

	"headway/backend/identity"
)

func TestLinkOnSignIn(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true, nil)
	hs := f.hs
	exact := hs.CreateOIDCUser(t, "exact", "", issuer+"/sub-exact")
	slash := hs.CreateOIDCUser(t, "slash", "", issuer+"/sub-slash/")
	entra := hs.CreateOIDCUser(t, "entra", "", "https://login.microsoftonline.com/tenant/v2.0/abc%40def")
	carol := hs.CreateOIDCUser(t, "carol", "Carol@Corp.example", "https://login.microsoftonline.com/tenant/v2.0/oid-carol")
	hs.CreateUser(t, "dave") // local, no email
	daveMail := hs.CreateOIDCUser(t, "dave-mail", "dave@corp.example", "https://other.example/dave")
	erin := hs.CreateOIDCUser(t, "erin", "erin@corp.example", "https://other.example/erin")
	other := hs.CreateOIDCUser(t, "other-issuer", "", "https://other.example/sub-nobody")

	f.signIn(t, person{sub: "owner"}) // owns the console, links to nothing
	tests := []struct {
		name string
		p    person
		want string
	}{
		{"exact providerId", person{sub: "sub-exact"}, exact},
		{"providerId with a trailing slash", person{sub: "sub-slash"}, slash},
		{"last segment, URL-decoded (Entra)", person{sub: "abc@def"}, entra},
		{"verified email, other subject (Entra pairwise)", person{sub: "pairwise-xyz", email: "carol@corp.EXAMPLE", verified: true}, carol},
		{"unverified email never links", person{sub: "dave-sub", email: "dave@corp.example"}, ""},
		{"verified email", person{sub: "erin-1", email: "erin@corp.example", verified: true}, erin},
		{"claimed by another console user", person{sub: "erin-2", email: "ERIN@corp.example", verified: true}, ""},
		{"subject at another issuer only matches its last segment", person{sub: "sub-nobody"}, other},
	}
	for _, tc := range tests {
		u := f.signIn(t, tc.p)
		if u.HeadscaleUserID != tc.want {
			t.Errorf("%s: linked to %q, want %q", tc.name, u.HeadscaleUserID, tc.want)
		}
		if got := f.get(t, u.ID).HeadscaleUserID; got != tc.want {
			t.Errorf("%s: stored link %q, want %q", tc.name, got, tc.want)
		}
	}

	// Once the email is verified, dave links.
	if u := f.signIn(t, person{sub: "dave-sub", email: "dave@corp.example", verified: true}); u.HeadscaleUserID != daveMail {
		t.Errorf("dave, verified: linked to %q, want %q", u.HeadscaleUserID, daveMail)
	}

	// The linked Headscale user disappears: the link is cleared and matching runs again.
	erin1 := f.signIn(t, person{sub: "erin-1", email: "erin@corp.example", verified: true})
	if err := f.hc.DeleteUser(t.Context(), erin); err != nil {
		t.Fatal(err)
	}
	erinNew := hs.CreateOIDCUser(t, "erin-new", "erin@corp.example", "https://other.example/erin-new")
	if u := f.signIn(t, person{sub: "erin-1", email: "erin@corp.example", verified: true}); u.ID != erin1.ID || u.HeadscaleUserID != erinNew {
		t.Errorf("after deleting erin's Headscale user: linked to %q, want the new %q", u.HeadscaleUserID, erinNew)
	}
	// A Headscale user with no match leaves the link cleared.
	if err := f.hc.DeleteUser(t.Context(), erinNew); err != nil {
		t.Fatal(err)
	}
	if u := f.signIn(t, person{sub: "erin-1", email: "erin@corp.example", verified: true}); u.HeadscaleUserID != "" {
		t.Errorf("after deleting every match: linked to %q, want none", u.HeadscaleUserID)
	}
}

func TestLinkByEmailOff(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true, func(o *identity.Options) { o.LinkByEmail = false })
	f.hs.CreateOIDCUser(t, "carol", "carol@corp.example", "https://other.example/oid-carol")
	if u := f.signIn(t, person{sub: "carol", email: "carol@corp.example", verified: true}); u.HeadscaleUserID != "" {
		t.Errorf("link_by_email off: linked to %q, want none", u.HeadscaleUserID)
	}
}

// TestLinkOnSignInHeadscaleDown: sign-in goes on without a link.
func TestLinkOnSignInHeadscaleDown(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true, nil)
	id := f.hs.CreateOIDCUser(t, "alice", "", issuer+"/alice")
	f.hs.Stop()
	u := f.signIn(t, person{sub: "alice"})
	if u.HeadscaleUserID != "" {
		t.Errorf("Headscale down: linked to %q, want none", u.HeadscaleUserID)
	}
	f.hs.Restart(t)
	if u := f.signIn(t, person{sub: "alice"}); u.HeadscaleUserID != id {
		t.Errorf("Headscale back: linked to %q, want %q", u.HeadscaleUserID, id)
	}
	// A known link survives Headscale being down.
	f.hs.Stop()
	if u := f.signIn(t, person{sub: "alice"}); u.HeadscaleUserID != id {
		t.Errorf("Headscale down again: linked to %q, want %q kept", u.HeadscaleUserID, id)
	}
}

func TestLinkSelf(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true, nil)
	l1 := f.hs.CreateUser(t, "l1")
	l2 := f.hs.CreateUser(t, "l2")
	o1 := f.hs.CreateOIDCUser(t, "o1", "", "https://other.example/o1")
	f.hs.CreateOIDCUser(t, "o2", "", "https://other.example/o2")
	ctx := t.Context()

	f.signIn(t, person{sub: "owner"})
	alice := f.signIn(t, person{sub: "alice"})
	ob, err := f.svc.Onboarding(ctx, alice)
	if err != nil {
		t.Fatal(err)
	}
	if ob.Step != identity.StepLink || ob.HeadscaleUser != nil || len(ob.Candidates) != 2 ||
		ob.Candidates[0].ID != l1 || ob.Candidates[1].ID != l2 {
		t.Fatalf("Onboarding(unlinked) = %+v, want step link offering l1 and l2 only", ob)
	}

	tests := []struct {
		name    string
		hsID    string
		wantErr error
	}{
		{"unknown", "4242", identity.ErrHeadscaleUserNotFound},
		{"empty", "", identity.ErrHeadscaleUserNotFound},
		{"has a provider", o1, identity.ErrHeadscaleUserNotLocal},
	}
	for _, tc := range tests {
		_, err := f.svc.LinkSelf(ctx, alice, tc.hsID)
		var ie *identity.Error
		if !errors.Is(err, tc.wantErr) || !errors.As(err, &ie) {
			t.Errorf("%s: LinkSelf(%q) error = %v, want %v", tc.name, tc.hsID, err, tc.wantErr)
		}
	}

	ob, err = f.svc.LinkSelf(ctx, alice, l1)
	if err != nil {
		t.Fatalf("LinkSelf(l1) error: %v", err)
	}
	if ob.Step != identity.StepConnect || ob.HeadscaleUser == nil || ob.HeadscaleUser.ID != l1 ||
		ob.HeadscaleUser.LinkedConsoleUserID != alice.ID || len(ob.Candidates) != 0 {
		t.Errorf("LinkSelf(l1) = %+v, want step connect linked to l1", ob)
	}
	alice = f.get(t, alice.ID)
	if _, err := f.svc.LinkSelf(ctx, alice, l2); !errors.Is(err, identity.ErrAlreadyLinked) {
		t.Errorf("LinkSelf(l2) while linked: error = %v, want ErrAlreadyLinked", err)
	}
	// A stale copy of alice (read before the link) is refused all the same.
	stale := alice
	stale.HeadscaleUserID = ""
	if _, err := f.svc.LinkSelf(ctx, stale, l2); !errors.Is(err, identity.ErrAlreadyLinked) {
		t.Errorf("LinkSelf(l2) from a stale read: error = %v, want ErrAlreadyLinked", err)
	}

	bob := f.signIn(t, person{sub: "bob"})
	ob, err = f.svc.Onboarding(ctx, bob)
	if err != nil {
		t.Fatal(err)
	}
	if len(ob.Candidates) != 1 || ob.Candidates[0].ID != l2 {
		t.Errorf("Onboarding(bob).Candidates = %+v, want l2 only (l1 is claimed)", ob.Candidates)
	}
	if _, err := f.svc.LinkSelf(ctx, bob, l1); !errors.Is(err, identity.ErrHeadscaleUserClaimed) {
		t.Errorf("LinkSelf(bob, l1) error = %v, want ErrHeadscaleUserClaimed", err)
	}
	if ob, err := f.svc.LinkSelf(ctx, bob, l2); err != nil || ob.HeadscaleUser == nil || ob.HeadscaleUser.ID != l2 {
		t.Errorf("LinkSelf(bob, l2) = %+v, %v", ob, err)
	}

	// Nobody left to choose: an unlinked user goes straight to connect.
	carol := f.signIn(t, person{sub: "carol"})
	ob, err = f.svc.Onboarding(ctx, carol)
	if err != nil || ob.Step != identity.StepConnect || ob.HeadscaleUser != nil || len(ob.Candidates) != 0 {
		t.Errorf("Onboarding(carol, nothing to claim) = %+v, %v; want step connect, unlinked", ob, err)
	}
}
