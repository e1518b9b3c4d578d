package httpapi

import (
	"context"

	"headway/api"
)

// GetInfo reports Headway's version, whether Headscale answers, and how people can sign in.
func (s *server) GetInfo(ctx context.Context, _ api.GetInfoRequestObject) (api.GetInfoResponseObject, error) {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	status := api.HeadscaleStatus{PublicUrl: s.cfg.Headscale.PublicURL}
	hsVersion, err := s.headscale.Version(ctx)
	if err != nil {
		s.logger.WarnContext(ctx, "headscale version check failed", "err", err)
		// The cause names internal addresses; anonymous callers get only the verdict.
		reason := "Headscale did not answer. Headway's log has the details."
		status.Error = &reason
	} else {
		status.Reachable = true
		status.Version = &hsVersion
	}
	return api.GetInfo200JSONResponse{
		Version:   s.version,
		Headscale: status,
		SignIn: api.SignInMethods{
			Oidc:         s.oidcStatus(ctx),
			ApiKey:       !s.cfg.OIDC.DisableAPIKeyLogin,
			CookieSecure: s.cfg.Server.CookieSecure,
		},
	}, nil
}

// oidcStatus says whether single sign-on is configured and its provider answers.
// The provider remembers a failed discovery for a while, so this does not hammer a dead one.
func (s *server) oidcStatus(ctx context.Context) api.OIDCStatus {
	if s.oidc == nil {
		return api.OIDCStatus{}
	}
	status := api.OIDCStatus{Configured: true, Available: true}
	if e := s.oidc.Status(ctx); e != nil {
		status.Available = false
		body := errorBody(loginError{Code: e.Code, Message: e.Message, Hint: e.Hint})
		status.Error = &body
	}
	return status
}
