package identity_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"

	"headway/backend/auth"
	"headway/backend/headscale"
	"headway/backend/headscale/hstest"
	"headway/backend/identity"
	"headway/backend/rbac"
	"headway/backend/store"
	"headway/backend/store/storetest"
)

const issuer = "https://idp.example"

// fixture is an identity service on a fresh database, with a sign-in
// service and, when asked for, a real Headscale.
type fixture struct {
	svc   *identity.Service
	auth  *auth.Service
	store *store.Store
	dbURL string
	hs    *hstest.Server    // nil without Headscale
	hc    *headscale.Client // nil without Headscale
	opts  identity.Options
}

// noHeadscale answers every call with ErrUnreachable.
type noHeadscale struct{}

func (noHeadscale) ListUsers(context.Context) ([]headscale.User, error) {
	return nil, headscale.ErrUnreachable
}
func (noHeadscale) ListNodes(context.Context) ([]headscale.Node, error) {
	return nil, headscale.ErrUnreachable
}
func (noHeadscale) CreatePreAuthKey(context.Context, headscale.PreAuthKeyRequest) (headscale.PreAuthKey, error) {
	return headscale.PreAuthKey{}, headscale.ErrUnreachable
}

type keyChecker struct{}

func (keyChecker) CheckAPIKey(context.Context, string) (auth.KeyInfo, error) {
	return auth.KeyInfo{}, errors.New("no api keys in these tests")
}

// newFixture starts the service; withHeadscale starts a real Headscale.
// edit adjusts the options.
func newFixture(t *testing.T, withHeadscale bool, edit func(*identity.Options)) *fixture {
	t.Helper()
	f := &fixture{dbURL: storetest.URL(t)}
	st, err := store.Open(t.Context(), f.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	f.store = st
	a, err := auth.New(auth.Options{Store: f.store, Headscale: keyChecker{}, CookieSecret: "0123456789abcdef0123456789abcdef-test"})
	if err != nil {
		t.Fatal(err)
	}
	f.auth = a
	f.opts = identity.Options{
		Store: f.store, Headscale: noHeadscale{}, Issuer: issuer,
		DefaultRole: rbac.Member, LinkByEmail: true, PublicURL: "https://hs.example",
	}
	if withHeadscale {
		f.hs = hstest.Start(t)
		f.hc = headscale.New(f.hs.URL, f.hs.APIKey)
		f.opts.Headscale = f.hc
	}
	if edit != nil {
		edit(&f.opts)
	}
	f.svc = identity.New(f.opts)
	return f
}

// person is someone signing in.
type person struct {
	sub, email string
	verified   bool
	groups     []string
	raw        map[string]any
}

func (p person) claims() identity.Claims {
	return identity.Claims{Subject: p.sub, Email: p.email, EmailVerified: p.verified, Groups: p.groups, Raw: p.raw}
}

// trySignIn runs the callback's identity steps: admit, sign in with the
// claimed role, link.
func (f *fixture) trySignIn(ctx context.Context, p person) (store.ConsoleUser, auth.Issued, error) {
	c := p.claims()
	if err := f.svc.Admit(c); err != nil {
		return store.ConsoleUser{}, auth.Issued{}, err
	}
	role := f.svc.ClaimedRole(f.svc.Groups(c))
	iss, err := f.auth.SignInOIDC(ctx, auth.Profile{
		Issuer: issuer, Subject: p.sub, Email: p.email, EmailVerified: p.verified, Groups: f.svc.Groups(c),
	}, string(role), auth.ClientMeta{UserAgent: "test"})
	if err != nil {
		return store.ConsoleUser{}, auth.Issued{}, err
	}
	u, err := f.svc.LinkOnSignIn(ctx, *iss.User)
	return u, iss, err
}

func (f *fixture) signIn(t *testing.T, p person) store.ConsoleUser {
	t.Helper()
	u, _, err := f.trySignIn(t.Context(), p)
	if err != nil {
		t.Fatalf("sign in %s: %v", p.sub, err)
	}
	return u
}

func (f *fixture) get(t *testing.T, id int64) store.ConsoleUser {
	t.Helper()
	u, err := f.store.GetConsoleUser(t.Context(), id)
	if err != nil {
		t.Fatalf("GetConsoleUser(%d): %v", id, err)
	}
	return u
}

func ptr[T any](v T) *T { return &v }

// exec runs one statement on the fixture's database, bypassing the store.
func (f *fixture) exec(t *testing.T, sql string, args ...any) error {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), f.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(t.Context(), sql, args...)
	return err
}
