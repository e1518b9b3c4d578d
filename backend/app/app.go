// Package app builds Headway's services from its configuration, the same way for the binary and for tests.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"headway/backend/auth"
	"headway/backend/config"
	"headway/backend/dns"
	"headway/backend/headscale"
	"headway/backend/identity"
	"headway/backend/keys"
	"headway/backend/machines"
	"headway/backend/oidc"
	"headway/backend/policy"
	"headway/backend/store"
	"headway/backend/tailnet"
)

// Services are the parts the HTTP layer is built from.
type Services struct {
	Headscale *headscale.Client
	Tailnet   *tailnet.Tailnet
	Auth      *auth.Service
	Identity  *identity.Service
	Machines  *machines.Service
	Keys      *keys.Service
	Policy    *policy.Service
	DNS       *dns.Service
	OIDC      *oidc.Provider // nil when single sign-on is not configured
}

// Options adjust how services are built; the zero value is what serve uses.
type Options struct {
	HeadscaleOptions []headscale.Option
	Now              func() time.Time // the clock of sessions and login attempts; time.Now when nil
	LoginAttemptTTL  time.Duration
}

// Build creates the services. It does no I/O, except that with
// oidc.only_start_if_oidc_is_available it asks the identity provider now.
func Build(ctx context.Context, cfg *config.Config, db *store.Store, logger *slog.Logger, o Options) (*Services, error) {
	hs := headscale.New(cfg.Headscale.URL, cfg.Headscale.APIKey.Reveal(), o.HeadscaleOptions...)
	tn := tailnet.New(tailnet.Options{Source: hs, Interval: cfg.Headscale.RefreshInterval, Logger: logger})

	authService, err := auth.New(auth.Options{
		Store:           db,
		Headscale:       auth.NewHeadscaleKeyChecker(cfg.Headscale.URL, cfg.Headscale.APIKey.Reveal()),
		CookieSecret:    cfg.Server.CookieSecret.Reveal(),
		IdleTimeout:     cfg.Server.SessionIdleTimeout,
		MaxAge:          cfg.Server.SessionMaxAge,
		LoginAttemptTTL: o.LoginAttemptTTL,
		TokenMaxAge:     cfg.Auth.TokenMaxAge,
		Now:             o.Now,
		Logger:          logger,
	})
	if err != nil {
		return nil, err
	}

	identityOptions := identity.OptionsFrom(cfg)
	identityOptions.Store, identityOptions.Logger = db, logger
	identityOptions.Headscale = snapshotReads{tailnet: tn, headscale: hs}
	provider, err := relyingParty(ctx, cfg, logger)
	if err != nil {
		return nil, err
	}
	return &Services{
		Headscale: hs,
		Tailnet:   tn,
		Auth:      authService,
		Identity:  identity.New(identityOptions),
		Machines:  machines.New(hs, machines.FromTailnet(tn), logger),
		Keys:      keys.New(hs, keys.FromTailnet(tn), cfg.Headscale.APIKey.Reveal(), logger),
		Policy:    policy.New(hs, db, logger),
		DNS:       dns.New(cfg.Headscale.ConfigPath, cfg.Headscale.RestartCommand, logger),
		OIDC:      provider,
	}, nil
}

// relyingParty builds the OpenID Connect relying party, or nil when single
// sign-on is not configured. With only_start_if_oidc_is_available the
// identity provider must answer now; otherwise discovery waits for the first sign-in.
func relyingParty(ctx context.Context, cfg *config.Config, logger *slog.Logger) (*oidc.Provider, error) {
	if !cfg.OIDC.Enabled() {
		return nil, nil
	}
	provider := oidc.New(oidc.ConfigFrom(cfg), logger)
	if cfg.OIDC.OnlyStartIfOIDCIsAvailable {
		if err := provider.Ready(ctx); err != nil {
			return nil, fmt.Errorf("oidc.only_start_if_oidc_is_available is set and the identity provider is not available: %w", err)
		}
	}
	return provider, nil
}

// errNotLoaded means Headscale has not been read yet: nothing may be
// concluded from an empty snapshot (such as "the linked user is gone").
var errNotLoaded = errors.New("headscale has not been read yet")

// snapshotReads serves the identity service's reads of users and nodes from
// the shared snapshot; only writes go to Headscale.
type snapshotReads struct {
	tailnet   *tailnet.Tailnet
	headscale *headscale.Client
}

func (r snapshotReads) loaded() (*tailnet.Snapshot, error) {
	snap := r.tailnet.Snapshot()
	if snap.FetchedAt.IsZero() {
		return nil, fmt.Errorf("%w: %w", errNotLoaded, headscale.ErrUnreachable)
	}
	return snap, nil
}

func (r snapshotReads) ListUsers(context.Context) ([]headscale.User, error) {
	snap, err := r.loaded()
	if err != nil {
		return nil, err
	}
	return snap.Users(), nil
}

func (r snapshotReads) ListNodes(context.Context) ([]headscale.Node, error) {
	snap, err := r.loaded()
	if err != nil {
		return nil, err
	}
	return snap.Nodes(), nil
}

func (r snapshotReads) CreatePreAuthKey(ctx context.Context, req headscale.PreAuthKeyRequest) (headscale.PreAuthKey, error) {
	return r.headscale.CreatePreAuthKey(ctx, req)
}
