package identity

import (
	"context"
	"errors"
	"fmt"
	"time"

	"headway/backend/audit"
	"headway/backend/headscale"
	"headway/backend/rbac"
	"headway/backend/store"
)

// Onboarding steps.
const (
	StepLink    = "link"    // unlinked, and local Headscale users are free to claim
	StepConnect = "connect" // connect a first device (or skip)
	StepDone    = "done"    // finished or skipped
)

// ownKeyTTL is how long a pre-auth key from CreateOwnPreAuthKey lasts.
const ownKeyTTL = time.Hour

// Onboarding is where a console user stands in onboarding.
//
// Step is StepDone once the user finished or skipped it; else StepLink while
// unlinked with Candidates to choose from; else StepConnect (an unlinked
// user with no candidates gets StepConnect too, and no HeadscaleUser). The
// page shows success as soon as Devices is not empty, and the step becomes
// StepDone only through CompleteOnboarding. Lists are never nil.
type Onboarding struct {
	Step          string
	LoginServer   string         // for `tailscale up --login-server`
	HeadscaleUser *HeadscaleUser // the linked Headscale user; nil when unlinked
	// Candidates are the local Headscale users nobody has claimed, offered
	// while the user is unlinked.
	Candidates     []HeadscaleUser
	Devices        []headscale.Node // the linked Headscale user's nodes
	CanGenerateKey bool             // linked, and the role may create its own pre-auth keys
	// Grantors are the console users who can grant roles (configure_iam).
	Grantors []store.ConsoleUser
}

// Onboarding returns where console user u stands. It clears a link to a
// Headscale user that no longer exists. It asks Headscale for users once,
// and for nodes once when there are devices or candidates to count.
func (s *Service) Onboarding(ctx context.Context, u store.ConsoleUser) (Onboarding, error) {
	users, err := s.hs.ListUsers(ctx)
	if err != nil {
		return Onboarding{}, fmt.Errorf("onboarding of console user %d: %w", u.ID, err)
	}
	return s.onboarding(ctx, u, users)
}

// LinkSelf links console user u, while unlinked, to the local Headscale
// user hsUserID that nobody has claimed, and returns the onboarding after.
// Refusals: ErrAlreadyLinked, ErrHeadscaleUserNotFound,
// ErrHeadscaleUserNotLocal (it has a provider), ErrHeadscaleUserClaimed.
func (s *Service) LinkSelf(ctx context.Context, u store.ConsoleUser, hsUserID string) (Onboarding, error) {
	audit.SetTarget(ctx, "", formatID(u.ID))
	users, err := s.hs.ListUsers(ctx)
	if err != nil {
		return Onboarding{}, fmt.Errorf("link console user %d: %w", u.ID, err)
	}
	u, err = s.clearStaleLink(ctx, u, users)
	if err != nil {
		return Onboarding{}, err
	}
	if u.HeadscaleUserID != "" {
		return Onboarding{}, fmt.Errorf("link console user %d: %w", u.ID, ErrAlreadyLinked)
	}
	h := findUser(users, hsUserID)
	switch {
	case hsUserID == "" || h == nil:
		return Onboarding{}, fmt.Errorf("link console user %d to %q: %w", u.ID, hsUserID, ErrHeadscaleUserNotFound)
	case h.Provider != "":
		return Onboarding{}, fmt.Errorf("link console user %d to %s (provider %q): %w", u.ID, hsUserID, h.Provider, ErrHeadscaleUserNotLocal)
	}
	var linked store.ConsoleUser
	err = audit.InTx(ctx, s.store, func(q *store.Queries) error {
		var err error
		if linked, err = q.LinkUnlinkedConsoleUser(ctx, u.ID, hsUserID, s.now()); err != nil {
			return err
		}
		audit.SetChange(ctx, linkAudit(u), linkAudit(linked))
		return nil
	})
	if errors.Is(err, store.ErrConflict) {
		// Either this user was linked meanwhile or someone else holds hsUserID.
		fresh, gerr := s.store.GetConsoleUser(ctx, u.ID)
		switch {
		case gerr != nil:
			err = gerr
		case fresh.HeadscaleUserID != "":
			err = fmt.Errorf("%w: %w", ErrAlreadyLinked, err)
		default:
			err = fmt.Errorf("%w: %w", ErrHeadscaleUserClaimed, err)
		}
	}
	if err != nil {
		return Onboarding{}, fmt.Errorf("link console user %d to %s: %w", u.ID, hsUserID, consoleUserNotFound(err))
	}
	s.log.InfoContext(ctx, "linked console user", "user_id", u.ID, "headscale_user_id", hsUserID, "rule", "chosen")
	return s.onboarding(ctx, linked, users)
}

// CompleteOnboarding records that console user u finished or skipped
// onboarding, and returns it (step StepDone).
func (s *Service) CompleteOnboarding(ctx context.Context, u store.ConsoleUser) (Onboarding, error) {
	audit.SetTarget(ctx, "", formatID(u.ID))
	var done store.ConsoleUser
	err := audit.InTx(ctx, s.store, func(q *store.Queries) error {
		var err error
		if done, err = q.SetOnboardingDone(ctx, u.ID, s.now()); err != nil {
			return err
		}
		audit.SetChange(ctx, map[string]any{"onboardingDone": u.OnboardingDone}, map[string]any{"onboardingDone": true})
		return nil
	})
	if err != nil {
		return Onboarding{}, fmt.Errorf("complete onboarding of console user %d: %w", u.ID, consoleUserNotFound(err))
	}
	return s.Onboarding(ctx, done)
}

// CreateOwnPreAuthKey creates a single-use pre-auth key, valid for one hour,
// for console user u's linked Headscale user; ErrNotLinked when there is
// none (or it no longer exists, in which case the link is cleared). The
// caller checks the generate_own_authkeys capability.
func (s *Service) CreateOwnPreAuthKey(ctx context.Context, u store.ConsoleUser) (headscale.PreAuthKey, error) {
	if u.HeadscaleUserID == "" {
		return headscale.PreAuthKey{}, fmt.Errorf("create own pre-auth key of console user %d: %w", u.ID, ErrNotLinked)
	}
	key, err := s.hs.CreatePreAuthKey(ctx, headscale.PreAuthKeyRequest{
		UserID:     u.HeadscaleUserID,
		Expiration: s.now().Add(ownKeyTTL),
	})
	if errors.Is(err, headscale.ErrNotFound) {
		if _, cerr := s.store.ClearConsoleUserLink(ctx, u.ID, u.HeadscaleUserID, s.now()); cerr != nil {
			s.log.WarnContext(ctx, "clear stale link", "user_id", u.ID, "error", cerr)
		}
		return headscale.PreAuthKey{}, fmt.Errorf("create own pre-auth key of console user %d: %w: %w", u.ID, ErrNotLinked, err)
	}
	if err != nil {
		return headscale.PreAuthKey{}, fmt.Errorf("create own pre-auth key of console user %d: %w", u.ID, err)
	}
	audit.SetTarget(ctx, "", key.ID)
	audit.SetChange(ctx, nil, map[string]any{"user": u.HeadscaleUserID, "expiration": key.Expiration,
		"reusable": key.Reusable, "ephemeral": key.Ephemeral})
	return key, nil
}

// onboarding builds u's onboarding from users, Headscale's user list.
func (s *Service) onboarding(ctx context.Context, u store.ConsoleUser, users []headscale.User) (Onboarding, error) {
	u, err := s.clearStaleLink(ctx, u, users)
	if err != nil {
		return Onboarding{}, err
	}
	claimed, err := s.claimedHeadscaleUsers(ctx)
	if err != nil {
		return Onboarding{}, err
	}
	grantors, err := s.store.ListConsoleUsersWithRoles(ctx, grantorRoles())
	if err != nil {
		return Onboarding{}, fmt.Errorf("list grantors: %w", err)
	}
	out := Onboarding{
		LoginServer: s.o.PublicURL,
		Candidates:  []HeadscaleUser{},
		Devices:     []headscale.Node{},
		Grantors:    grantors,
	}
	var candidates []headscale.User
	if u.HeadscaleUserID == "" {
		for _, h := range users {
			if _, taken := claimed[h.ID]; !taken && h.Provider == "" {
				candidates = append(candidates, h)
			}
		}
	}
	var nodes []headscale.Node
	if u.HeadscaleUserID != "" || len(candidates) > 0 {
		if nodes, err = s.hs.ListNodes(ctx); err != nil {
			return Onboarding{}, fmt.Errorf("onboarding of console user %d: %w", u.ID, err)
		}
	}
	out.Candidates = annotate(candidates, nodes, claimed)
	if h := findUser(users, u.HeadscaleUserID); h != nil {
		linked := annotate([]headscale.User{*h}, nodes, claimed)[0]
		out.HeadscaleUser = &linked
		for _, n := range nodes {
			if n.UserID == h.ID {
				out.Devices = append(out.Devices, n)
			}
		}
		out.CanGenerateKey = rbac.Role(u.Role).Has(rbac.GenerateOwnAuthKeys)
	}
	switch {
	case u.OnboardingDone:
		out.Step = StepDone
	case u.HeadscaleUserID == "" && len(out.Candidates) > 0:
		out.Step = StepLink
	default:
		out.Step = StepConnect
	}
	return out, nil
}
