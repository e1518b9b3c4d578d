package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"regexp"

	"headway/api"
	"headway/backend/oidc"
)

// loginError is why a browser sign-in failed, as the login page shows it.
type loginError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Hint    string `json:"hint,omitempty"`
}

// Codes of sign-in failures that happen in Headway's callback rather than in the relying party.
const (
	codeIdPError            = "oidc_idp_error"
	codeCallbackInvalid     = "oidc_callback_invalid"
	codeLoginCookieMissing  = "login_cookie_missing"
	codeLoginAttemptMissing = "login_attempt_missing"
	codeLoginAttemptExpired = "login_attempt_expired"
	codeLoginOtherBrowser   = "login_browser_mismatch"
	codeSignInFailed        = "sign_in_failed"
	codeSignInNotAllowed    = "sign_in_not_allowed"
)

// safeDetail is what a detail in the login page's URL may look like: an OAuth error code, nothing more.
var safeDetail = regexp.MustCompile(`^[a-z][a-z0-9_.\-]{0,63}$`)

// loginErrorFor explains a sign-in failure code in general terms. The callback
// stores the precise explanation in a signed cookie; this is what a browser
// without that cookie is told, and the only text a crafted link can summon.
func (s *server) loginErrorFor(code, detail string) (loginError, bool) {
	cookieHint := fmt.Sprintf("Open Headway at exactly %s/admin/ (server.base_url) and allow cookies for it.", s.cfg.Server.BaseURL)
	if s.cfg.Server.CookieSecure && !s.cfg.Server.IsHTTPS() {
		cookieHint = "server.cookie_secure is true but server.base_url is plain HTTP, so browsers drop Headway's cookies: serve Headway over HTTPS, or set server.cookie_secure: false for local testing."
	}
	e := loginError{Code: code}
	switch code {
	case oidc.CodeNotConfigured:
		e.Message, e.Hint = "Single sign-on is not configured.", "Set oidc.issuer, oidc.client_id and oidc.client_secret, or sign in with a Headscale API key."
	case oidc.CodeUnavailable:
		e.Message, e.Hint = "The identity provider could not be reached.", "Check that oidc.issuer is reachable from the Headway server; Headway retries on the next sign-in."
	case oidc.CodeIssuerMismatch:
		e.Message, e.Hint = "The identity provider reports a different issuer than oidc.issuer.", "Set oidc.issuer to exactly the issuer in the provider's discovery document, trailing slash included. Run headway doctor for details."
	case oidc.CodeMissingEndpoints:
		e.Message, e.Hint = "The identity provider's endpoints are not known.", "Check oidc.issuer, or set oidc.authorization_endpoint, oidc.token_endpoint and oidc.jwks_uri by hand."
	case oidc.CodeTokenExchangeFailed:
		e.Message, e.Hint = "The identity provider refused to exchange the sign-in code.", "Check oidc.client_id, oidc.client_secret and oidc.token_endpoint_auth_method; if the provider requires PKCE, set oidc.use_pkce: true. Headway's log has the provider's answer."
	case oidc.CodeRedirectURIMismatch:
		e.Message, e.Hint = "The identity provider rejected the redirect URI.", fmt.Sprintf("Register exactly %s as a redirect URI of the client at the identity provider.", s.cfg.Server.RedirectURI())
	case oidc.CodeIDTokenInvalid:
		e.Message, e.Hint = "The identity provider's ID token did not pass verification.", "Headway's log says which check failed; check oidc.issuer, oidc.client_id and the server clocks."
	case oidc.CodeMissingSub:
		e.Message, e.Hint = "The identity provider did not say who you are (no sub claim).", "Configure the client at the identity provider to issue a subject claim."
	case oidc.CodeUserinfoInvalid:
		e.Message, e.Hint = "The identity provider's userinfo answer does not match the ID token.", "Headway's log has the details."
	case codeIdPError:
		e.Message = "The identity provider refused the sign-in."
		if safeDetail.MatchString(detail) {
			e.Message = fmt.Sprintf("The identity provider refused the sign-in (%s).", detail)
		}
		e.Hint = "If you cancelled, try again. Otherwise check that your account may use this application at the identity provider."
	case codeCallbackInvalid:
		e.Message, e.Hint = "The sign-in came back without a code or state.", "Start the sign-in again from Headway's login page."
	case codeLoginCookieMissing:
		e.Message, e.Hint = "The browser did not send back the sign-in cookie.", cookieHint
	case codeLoginAttemptMissing:
		e.Message, e.Hint = "This sign-in was already used or is unknown.", "Start the sign-in again from Headway's login page. "+cookieHint
	case codeLoginAttemptExpired:
		e.Message, e.Hint = "The sign-in took too long and expired.", "Start the sign-in again; you have ten minutes to finish it."
	case codeLoginOtherBrowser:
		e.Message, e.Hint = "The sign-in was started in another browser.", "Start the sign-in again in this browser."
	case codeSignInNotAllowed:
		e.Message, e.Hint = "Your account may not sign in to Headway.", "Ask an administrator to allow your email domain, group or address (oidc.allowed_domains, oidc.allowed_groups, oidc.allowed_users)."
	case codeSignInFailed:
		e.Message, e.Hint = "Signing you in failed on the server.", "Try again; Headway's log has the details."
	default:
		return e, false
	}
	return e, true
}

// GetLoginError explains a failed sign-in: precisely from the signed cookie the
// callback left when it matches the code, else in general terms.
func (s *server) GetLoginError(ctx context.Context, req api.GetLoginErrorRequestObject) (api.GetLoginErrorResponseObject, error) {
	if stored, ok := s.openLoginError(loginErrorCookieFrom(ctx)); ok && stored.Code == req.Params.Code {
		return api.GetLoginError200JSONResponse(errorBody(stored)), nil
	}
	detail := ""
	if req.Params.Detail != nil {
		detail = *req.Params.Detail
	}
	e, ok := s.loginErrorFor(req.Params.Code, detail)
	if !ok {
		return nil, &Error{Status: http.StatusNotFound, Code: "unknown_login_error", Message: "There is no sign-in failure with that code.", Hint: "Start the sign-in again from the login page."}
	}
	return api.GetLoginError200JSONResponse(errorBody(e)), nil
}

func errorBody(e loginError) api.ErrorBody {
	body := api.ErrorBody{Code: e.Code, Message: e.Message}
	if e.Hint != "" {
		body.Hint = &e.Hint
	}
	return body
}
