package httpapi

import (
	"context"
	"errors"
	"net/http"

	"headway/api"
	"headway/backend/auth"
	"headway/backend/rbac"
)

// SignInWithAPIKey starts a full-access session for a valid Headscale API key.
func (s *server) SignInWithAPIKey(ctx context.Context, req api.SignInWithAPIKeyRequestObject) (api.SignInWithAPIKeyResponseObject, error) {
	if s.cfg.OIDC.DisableAPIKeyLogin {
		return nil, &Error{Status: http.StatusForbidden, Code: "api_key_login_disabled", Message: "Signing in with an API key is turned off.", Hint: "Sign in with single sign-on, or ask the administrator (oidc.disable_api_key_login)."}
	}
	if req.Body == nil {
		return nil, &Error{Status: http.StatusBadRequest, Code: "api_key_malformed", Message: "No API key was sent.", Hint: `Send {"apiKey": "hskey-api-…"}.`}
	}
	issued, err := s.auth.SignInAPIKey(ctx, req.Body.ApiKey, metaFrom(ctx))
	if err != nil {
		s.logger.InfoContext(ctx, "sign-in refused", "method", "api_key", "err", err)
		err = apiKeyError(err)
		s.countSignIn(signInAPIKey, err)
		return nil, err
	}
	s.logger.InfoContext(ctx, "signed in", "method", "api_key", "session_id", issued.Session.ID)
	s.countSignIn(signInAPIKey, nil)
	cookie := s.sessionCookieFor(issued.Token, issued.Session.ExpiresAt).String()
	prefix := issued.Session.APIKeyPrefix
	me := api.Me{Kind: api.MeKind(auth.KindAPIKey), Session: sessionOut(issued.Session), CsrfToken: &issued.CSRFToken, ApiKeyPrefix: &prefix,
		Capabilities: capabilityNames(rbac.FullAccess())}
	return api.SignInWithAPIKey200JSONResponse{Body: me, Headers: api.SignInWithAPIKey200ResponseHeaders{SetCookie: &cookie}}, nil
}

// SignOut ends the caller's session and, when configured, hands back the identity provider's logout URL.
func (s *server) SignOut(ctx context.Context, _ api.SignOutRequestObject) (api.SignOutResponseObject, error) {
	p := principalFrom(ctx)
	var result api.SignOutResult
	if p.SessionID != "" {
		idToken, err := s.auth.SignOut(ctx, p.SessionID)
		if err != nil && !errors.Is(err, auth.ErrSessionNotFound) {
			return nil, err
		}
		if s.cfg.OIDC.UseEndSession && s.oidc != nil && idToken != "" {
			endSession, err := s.oidc.EndSessionURL(ctx, idToken, s.cfg.OIDC.PostLogoutRedirectURI)
			if err != nil {
				s.logger.WarnContext(ctx, "end-session URL unavailable", "err", err)
			} else if endSession != "" {
				result.EndSessionUrl = &endSession
			}
		}
	}
	cookie := s.expiredCookie(sessionCookie, cookiePath).String()
	return api.SignOut200JSONResponse{Body: result, Headers: api.SignOut200ResponseHeaders{SetCookie: &cookie}}, nil
}

// GetMe describes the caller.
func (s *server) GetMe(ctx context.Context, _ api.GetMeRequestObject) (api.GetMeResponseObject, error) {
	p := principalFrom(ctx)
	me := api.Me{Kind: api.MeKind(p.Kind), Capabilities: capabilityNames(capabilitiesOf(p))}
	if p.User != nil {
		me.User = consoleUserOut(p.User)
		me.NeedsOnboarding = !p.User.OnboardingDone
	}
	if p.APIKeyPrefix != "" {
		me.ApiKeyPrefix = &p.APIKeyPrefix
	}
	if p.Kind == auth.KindToken {
		me.TokenName = &p.TokenName
	}
	if p.CSRFToken != "" {
		me.CsrfToken = &p.CSRFToken
	}
	if p.SessionID != "" {
		me.Session = sessionOut(p.Session())
	}
	return api.GetMe200JSONResponse(me), nil
}

// ListSessions lists the caller's live sessions.
func (s *server) ListSessions(ctx context.Context, _ api.ListSessionsRequestObject) (api.ListSessionsResponseObject, error) {
	sessions, err := s.auth.ListSessions(ctx, principalFrom(ctx))
	if err != nil {
		return nil, err
	}
	out := api.SessionList{Sessions: make([]api.Session, 0, len(sessions))}
	for _, session := range sessions {
		out.Sessions = append(out.Sessions, *sessionOut(session))
	}
	return api.ListSessions200JSONResponse(out), nil
}

// RevokeSession ends one of the caller's own sessions.
func (s *server) RevokeSession(ctx context.Context, req api.RevokeSessionRequestObject) (api.RevokeSessionResponseObject, error) {
	err := s.auth.RevokeSession(ctx, principalFrom(ctx), req.SessionId)
	if errors.Is(err, auth.ErrSessionNotFound) {
		return nil, &Error{Status: http.StatusNotFound, Code: "session_not_found", Message: "You have no session with that id.", Hint: "List your sessions with GET /sessions."}
	}
	if err != nil {
		return nil, err
	}
	return api.RevokeSession204Response{}, nil
}

func capabilityNames(set rbac.Set) []string {
	names := []string{}
	for _, c := range set.Slice() {
		names = append(names, string(c))
	}
	return names
}

func sessionOut(s auth.Session) *api.Session {
	out := &api.Session{
		Id: s.ID, Kind: api.SessionKind(s.Kind), Current: s.Current,
		CreatedAt: s.CreatedAt, LastSeenAt: s.LastSeenAt, ExpiresAt: s.ExpiresAt,
	}
	if s.UserAgent != "" {
		out.UserAgent = &s.UserAgent
	}
	if s.ClientIP != "" {
		out.ClientIp = &s.ClientIP
	}
	return out
}
