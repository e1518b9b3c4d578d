package httpapi

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"headway/backend/auth"
)

type principalKey struct{}

// principalFrom returns the authenticated caller, or nil for an anonymous one.
func principalFrom(ctx context.Context) *auth.Principal {
	p, _ := ctx.Value(principalKey{}).(*auth.Principal)
	return p
}

// clientMeta describes the calling client for its session list.
func clientMeta(c echo.Context) auth.ClientMeta {
	ua := c.Request().UserAgent()
	if len(ua) > 512 {
		ua = ua[:512]
	}
	return auth.ClientMeta{UserAgent: ua, ClientIP: c.RealIP()}
}

type metaKey struct{}

type loginErrorKey struct{}

// loginErrorCookieFrom returns the signed sign-in failure the browser sent, if any.
func loginErrorCookieFrom(ctx context.Context) string {
	v, _ := ctx.Value(loginErrorKey{}).(string)
	return v
}

func metaFrom(ctx context.Context) auth.ClientMeta {
	m, _ := ctx.Value(metaKey{}).(auth.ClientMeta)
	return m
}

// identify works out who is calling and records it in the request's context:
// a bearer credential in Authorization (a Headway API token, hw_…, or else a
// Headscale API key), else the session cookie. A bearer credential that does
// not check out is refused at once; a stale cookie only makes the caller
// anonymous (and is cleared).
func (s *server) identify(c echo.Context) (*auth.Principal, error) {
	ctx := context.WithValue(c.Request().Context(), metaKey{}, clientMeta(c))
	ctx = context.WithValue(ctx, acceptsGzipKey{}, strings.Contains(c.Request().Header.Get(echo.HeaderAcceptEncoding), "gzip"))
	if cookie, err := c.Cookie(loginErrorCookie); err == nil {
		ctx = context.WithValue(ctx, loginErrorKey{}, cookie.Value)
	}
	var principal *auth.Principal
	if header := c.Request().Header.Get(echo.HeaderAuthorization); header != "" {
		scheme, credential, _ := strings.Cut(header, " ")
		credential = strings.TrimSpace(credential)
		if !strings.EqualFold(scheme, "Bearer") || credential == "" {
			return nil, &Error{Status: http.StatusUnauthorized, Code: "authorization_invalid", Message: "The Authorization header is not a bearer credential.",
				Hint: "Send Authorization: Bearer <Headway API token (hw_…) or Headscale API key>."}
		}
		p, err := s.bearer(ctx, credential)
		if err != nil {
			return nil, err
		}
		principal = p
	} else if cookie, err := c.Cookie(sessionCookie); err == nil && cookie.Value != "" {
		p, err := s.auth.Authenticate(ctx, cookie.Value)
		switch {
		case errors.Is(err, auth.ErrNoSession):
			c.SetCookie(s.expiredCookie(sessionCookie, cookiePath))
		case err != nil:
			return nil, err
		default:
			principal = p
		}
	}
	if principal != nil {
		ctx = context.WithValue(ctx, principalKey{}, principal)
	}
	c.SetRequest(c.Request().WithContext(ctx))
	return principal, nil
}

// bearer authenticates a credential sent as a bearer token. Headway's own
// tokens are told apart by their form, so they never cost a Headscale round
// trip; their refusals (token_invalid) come back ready to send.
func (s *server) bearer(ctx context.Context, credential string) (*auth.Principal, error) {
	if auth.IsToken(credential) {
		return s.auth.AuthenticateToken(ctx, credential)
	}
	p, err := s.auth.AuthenticateBearer(ctx, credential)
	if errors.Is(err, auth.ErrAPIKeyMalformed) {
		return nil, &Error{Status: http.StatusBadRequest, Code: "api_key_malformed", Message: "This is neither a Headway API token nor a Headscale API key.",
			Hint: "Send a Headway API token (hw_…, from API tokens in Headway) or a Headscale API key (hskey-api-…), whole.", Err: err}
	}
	if err != nil {
		return nil, apiKeyError(err)
	}
	return p, nil
}

// checkOrigin refuses unsafe requests a browser sent from another site: the
// Origin header, when present, must be Headway's own (server.base_url).
func (s *server) checkOrigin(r *http.Request) error {
	if isSafeMethod(r.Method) {
		return nil
	}
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return s.originError()
	}
	if origin := r.Header.Get(echo.HeaderOrigin); origin != "" && origin != s.origin {
		return s.originError()
	}
	return nil
}

func (s *server) originError() error {
	return &Error{Status: http.StatusForbidden, Code: "origin_mismatch", Message: "The request came from another site.",
		Hint: "Open Headway at " + s.cfg.Server.BaseURL + "/admin/ (server.base_url) and try again."}
}

func isSafeMethod(method string) bool {
	return method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions
}

// originOf returns scheme://host of a URL, as browsers send it in Origin.
func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// apiKeyError maps a refused Headscale API key to the contract's codes.
func apiKeyError(err error) error {
	switch {
	case errors.Is(err, auth.ErrAPIKeyMalformed):
		return &Error{Status: http.StatusBadRequest, Code: "api_key_malformed", Message: "This is not a Headscale API key.", Hint: "Headscale API keys look like hskey-api-… ; create one with: headscale apikeys create --expiration 90d", Err: err}
	case errors.Is(err, auth.ErrAPIKeyExpired):
		return &Error{Status: http.StatusUnauthorized, Code: "api_key_expired", Message: "This Headscale API key has expired.", Hint: "Create a new one with: headscale apikeys create --expiration 90d", Err: err}
	case errors.Is(err, auth.ErrAPIKeyUnknown):
		return &Error{Status: http.StatusUnauthorized, Code: "api_key_unknown", Message: "Headscale does not accept this API key.", Hint: "Check that it was copied whole and has not been deleted (headscale apikeys list).", Err: err}
	case errors.Is(err, auth.ErrHeadscaleUnavailable):
		return headscaleUnavailable(err)
	default:
		return err
	}
}

func headscaleUnavailable(err error) *Error {
	return &Error{Status: http.StatusBadGateway, Code: "headscale_unavailable", Message: "Headscale did not answer.", Hint: "Check that Headscale is running and that headscale.url points to it.", Err: err}
}
