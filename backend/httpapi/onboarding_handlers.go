package httpapi

import (
	"context"
	"net/http"

	"headway/api"
	"headway/backend/identity"
	"headway/backend/store"
)

// GetOnboarding says where the caller stands in onboarding.
func (s *server) GetOnboarding(ctx context.Context, _ api.GetOnboardingRequestObject) (api.GetOnboardingResponseObject, error) {
	user, err := consoleUserOf(ctx)
	if err != nil {
		return nil, err
	}
	o, err := s.identity.Onboarding(ctx, *user)
	if err != nil {
		return nil, err
	}
	return api.GetOnboarding200JSONResponse(onboardingOut(o)), nil
}

// LinkSelf links the caller to an unclaimed local Headscale user.
func (s *server) LinkSelf(ctx context.Context, req api.LinkSelfRequestObject) (api.LinkSelfResponseObject, error) {
	user, err := consoleUserOf(ctx)
	if err != nil {
		return nil, err
	}
	if req.Body == nil || req.Body.HeadscaleUserId == "" {
		return nil, errHeadscaleUserIDMissing
	}
	o, err := s.identity.LinkSelf(ctx, *user, req.Body.HeadscaleUserId)
	if err != nil {
		return nil, err
	}
	return api.LinkSelf200JSONResponse(onboardingOut(o)), nil
}

// CompleteOnboarding remembers that the caller finished or skipped onboarding.
func (s *server) CompleteOnboarding(ctx context.Context, _ api.CompleteOnboardingRequestObject) (api.CompleteOnboardingResponseObject, error) {
	user, err := consoleUserOf(ctx)
	if err != nil {
		return nil, err
	}
	o, err := s.identity.CompleteOnboarding(ctx, *user)
	if err != nil {
		return nil, err
	}
	return api.CompleteOnboarding200JSONResponse(onboardingOut(o)), nil
}

// CreateOwnPreAuthKey creates a short-lived pre-auth key for the caller's own Headscale user.
func (s *server) CreateOwnPreAuthKey(ctx context.Context, _ api.CreateOwnPreAuthKeyRequestObject) (api.CreateOwnPreAuthKeyResponseObject, error) {
	user, err := consoleUserOf(ctx)
	if err != nil {
		return nil, err
	}
	key, err := s.identity.CreateOwnPreAuthKey(ctx, *user)
	if err != nil {
		return nil, err
	}
	out := api.NewPreAuthKey{Key: key.Key, User: key.User}
	if key.Expiration != nil {
		out.Expiration = *key.Expiration
	}
	return api.CreateOwnPreAuthKey201JSONResponse(out), nil
}

// consoleUserOf returns the calling console user; onboarding is theirs alone.
func consoleUserOf(ctx context.Context) (*store.ConsoleUser, error) {
	if p := principalFrom(ctx); p != nil && p.User != nil {
		return p.User, nil
	}
	return nil, &Error{Status: http.StatusBadRequest, Code: "onboarding_not_applicable",
		Message: "Onboarding is for people who sign in with single sign-on.", Hint: "API-key sessions have nothing to onboard."}
}

func onboardingOut(o identity.Onboarding) api.Onboarding {
	out := api.Onboarding{
		Step:           api.OnboardingStep(o.Step),
		LoginServer:    o.LoginServer,
		CanGenerateKey: o.CanGenerateKey,
		Candidates:     make([]api.HeadscaleUser, 0, len(o.Candidates)),
		Devices:        make([]api.DeviceSummary, 0, len(o.Devices)),
		Grantors:       make([]api.Grantor, 0, len(o.Grantors)),
	}
	if o.HeadscaleUser != nil {
		u := headscaleUserOut(*o.HeadscaleUser)
		out.HeadscaleUser = &u
	}
	for _, c := range o.Candidates {
		out.Candidates = append(out.Candidates, headscaleUserOut(c))
	}
	for _, d := range o.Devices {
		addresses := d.IPAddresses
		if addresses == nil {
			addresses = []string{}
		}
		out.Devices = append(out.Devices, api.DeviceSummary{Id: d.ID, Name: d.Name, GivenName: d.GivenName, IpAddresses: addresses, Online: d.Online})
	}
	for _, g := range o.Grantors {
		out.Grantors = append(out.Grantors, api.Grantor{Name: g.Name, Email: g.Email, Role: api.Role(g.Role)})
	}
	return out
}
