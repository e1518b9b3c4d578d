package httpapi

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"headway/backend/audit"
	"headway/backend/auth"
	"headway/backend/identity"
	"headway/backend/oidc"
)

// oidcStart begins a sign-in: it records a login attempt bound to this
// browser and sends the browser to the identity provider.
func (s *server) oidcStart(c echo.Context) error {
	ctx := c.Request().Context()
	if s.oidc == nil {
		return s.loginFailed(c, loginError{Code: oidc.CodeNotConfigured}, "", nil)
	}
	binding := ""
	if cookie, err := c.Cookie(loginCookie); err == nil {
		binding = cookie.Value // a sign-in started in another tab keeps working
	}
	start, err := s.auth.BeginLogin(ctx, c.QueryParam("return_to"), binding)
	if err != nil {
		return s.loginFailed(c, loginError{Code: codeSignInFailed}, "", err)
	}
	verifier := ""
	if s.cfg.OIDC.UsePKCE {
		verifier = start.PKCEVerifier
	}
	target, err := s.oidc.AuthCodeURL(ctx, start.State, start.Nonce, verifier)
	if err != nil {
		return s.oidcFailed(c, err)
	}
	c.SetCookie(s.cookie(loginCookie, start.BrowserBinding, loginCookiePath, loginAttemptTTL))
	return c.Redirect(http.StatusFound, target)
}

// signInAction is the audit action of every sign-in attempt.
const signInAction = "auth.sign_in"

// oidcCallback finishes a sign-in: the attempt is used up whatever happens,
// the code is exchanged and verified, and a new session begins. It records
// one auth.sign_in event: written with the session when one begins, else
// by loginFailed with the failure's code.
func (s *server) oidcCallback(c echo.Context) error {
	entry := s.beginAudit(c, auditRule{action: signInAction, target: "session"})
	ctx := c.Request().Context()
	// Every path below records the outcome; this only guards against one that forgets.
	defer s.audit.Finish(ctx, entry, audit.Failed, codeSignInFailed)
	q := c.QueryParams()
	if s.oidc == nil {
		return s.loginFailed(c, loginError{Code: oidc.CodeNotConfigured}, "", nil)
	}
	if idpError := q.Get("error"); idpError != "" {
		// The description is the provider's text: the log may have it, the page may not.
		s.logger.WarnContext(ctx, "identity provider refused the sign-in", "error", idpError, "error_description", q.Get("error_description"))
		detail := ""
		if safeDetail.MatchString(idpError) {
			detail = idpError
		}
		if state := q.Get("state"); state != "" {
			_ = s.discardLogin(c, state)
		}
		e := loginError{Code: codeIdPError}
		if !s.cfg.OIDC.UsePKCE && mentionsPKCE(q.Get("error_description")) {
			// Authelia, Keycloak and others refuse the authorization request
			// itself when the client must use PKCE.
			e.Hint = "The identity provider requires PKCE for this client: set oidc.use_pkce: true."
		}
		return s.loginFailed(c, e, detail, nil)
	}
	state, code := q.Get("state"), q.Get("code")
	if state == "" || code == "" {
		return s.loginFailed(c, loginError{Code: codeCallbackInvalid}, "", nil)
	}
	binding, err := c.Cookie(loginCookie)
	if err != nil || binding.Value == "" {
		// Without the cookie the attempt cannot be this browser's; it is used
		// up all the same. An attempt already used (a reload of the callback,
		// a replay) or expired says so rather than blame the cookies.
		switch err := s.discardLogin(c, state); {
		case errors.Is(err, auth.ErrLoginAttemptMissing):
			return s.loginFailed(c, loginError{Code: codeLoginAttemptMissing}, "", nil)
		case errors.Is(err, auth.ErrLoginAttemptExpired):
			return s.loginFailed(c, loginError{Code: codeLoginAttemptExpired}, "", nil)
		}
		return s.loginFailed(c, loginError{Code: codeLoginCookieMissing}, "", nil)
	}
	attempt, err := s.auth.ConsumeLogin(ctx, state, binding.Value)
	if pending, perr := s.auth.LoginPending(ctx, binding.Value); perr != nil || !pending {
		c.SetCookie(s.expiredCookie(loginCookie, loginCookiePath))
	}
	switch {
	case errors.Is(err, auth.ErrLoginAttemptMissing):
		return s.loginFailed(c, loginError{Code: codeLoginAttemptMissing}, "", nil)
	case errors.Is(err, auth.ErrLoginAttemptExpired):
		return s.loginFailed(c, loginError{Code: codeLoginAttemptExpired}, "", nil)
	case errors.Is(err, auth.ErrLoginBrowserMismatch):
		return s.loginFailed(c, loginError{Code: codeLoginOtherBrowser}, "", nil)
	case err != nil:
		return s.loginFailed(c, loginError{Code: codeSignInFailed}, "", err)
	}

	verifier := ""
	if s.cfg.OIDC.UsePKCE {
		verifier = attempt.PKCEVerifier
	}
	who, err := s.oidc.Exchange(ctx, code, verifier, attempt.Nonce)
	if err != nil {
		return s.oidcFailed(c, err)
	}
	// Verified now: a refusal below is recorded against this person.
	claimed := who.Email
	if claimed == "" {
		claimed = who.Subject
	}
	audit.SetActor(ctx, audit.Actor{Type: audit.ActorAnonymous, Name: claimed})
	claims := identity.Claims{
		Subject: who.Subject, Email: who.Email, EmailVerified: who.EmailVerified,
		PreferredUsername: who.PreferredUsername, Groups: who.Groups, Raw: who.Claims,
	}
	if err := s.identity.Admit(claims); err != nil {
		return s.refused(c, err)
	}
	groups := s.identity.Groups(claims)
	issued, err := s.auth.SignInOIDC(ctx, auth.Profile{
		Issuer:            who.Issuer,
		Subject:           who.Subject,
		Email:             who.Email,
		EmailVerified:     who.EmailVerified,
		Name:              who.Name,
		PreferredUsername: who.PreferredUsername,
		Picture:           who.Picture,
		Groups:            groups,
		IDToken:           who.IDToken,
	}, string(s.identity.ClaimedRole(groups)), clientMeta(c))
	if err != nil {
		return s.loginFailed(c, loginError{Code: codeSignInFailed}, "", err)
	}
	if issued.User != nil {
		if issued.User.HeadscaleUserID == "" {
			// Linking looks for this person among Headscale's users: read them
			// now rather than up to a refresh interval ago (sign-ins are rare).
			if err := s.tailnet.Refresh(ctx); err != nil {
				s.logger.WarnContext(ctx, "reading Headscale before linking failed", "err", err)
			}
		}
		if _, err := s.identity.LinkOnSignIn(ctx, *issued.User); err != nil {
			s.logger.WarnContext(ctx, "linking to a Headscale user failed", "err", err)
		}
	}
	s.logger.InfoContext(ctx, "signed in", "method", "oidc", "user", who)
	s.countSignIn(signInOIDC, nil)
	c.SetCookie(s.sessionCookieFor(issued.Token, issued.Session.ExpiresAt))
	c.SetCookie(s.expiredCookie(loginErrorCookie, cookiePath))
	return c.Redirect(http.StatusFound, attempt.ReturnTo)
}

// refused ends a sign-in the admission rules turned away; no account was
// created. Its event records a refusal rather than a failure.
func (s *server) refused(c echo.Context, err error) error {
	e := loginError{Code: codeSignInFailed}
	var ie *identity.Error
	if errors.As(err, &ie) {
		e = loginError{Code: ie.Code, Message: ie.Message, Hint: ie.Hint}
	}
	ctx := c.Request().Context()
	s.audit.Finish(ctx, audit.From(ctx), audit.Denied, e.Code)
	return s.loginFailed(c, e, "", err)
}

// discardLogin uses up the attempt a failed callback belonged to, so it
// cannot be replayed, and returns why the attempt was not usable anyway.
func (s *server) discardLogin(c echo.Context, state string) error {
	_, err := s.auth.ConsumeLogin(c.Request().Context(), state, "")
	c.SetCookie(s.expiredCookie(loginCookie, loginCookiePath))
	return err
}

// oidcFailed ends a sign-in that the relying party refused, keeping its precise explanation.
func (s *server) oidcFailed(c echo.Context, err error) error {
	var oe *oidc.Error
	if errors.As(err, &oe) {
		return s.loginFailed(c, loginError{Code: oe.Code, Message: oe.Message, Hint: oe.Hint}, "", err)
	}
	return s.loginFailed(c, loginError{Code: codeSignInFailed}, "", err)
}

// loginFailed sends the browser to the login page with the failure's code.
// The explanation travels in a signed cookie; fields left empty are filled
// from the general catalogue.
func (s *server) loginFailed(c echo.Context, e loginError, detail string, cause error) error {
	s.countLoginFailed(e.Code)
	// The callback's sign-in event, unless refused wrote it already; the
	// start of a sign-in records none.
	ctx := c.Request().Context()
	s.audit.Finish(ctx, audit.From(ctx), audit.Failed, e.Code)
	if cause != nil {
		s.logger.WarnContext(ctx, "sign-in failed", "code", e.Code, "err", cause)
	}
	general, _ := s.loginErrorFor(e.Code, detail)
	if e.Message == "" {
		e.Message = general.Message
	}
	if e.Hint == "" {
		e.Hint = general.Hint
	}
	c.SetCookie(s.cookie(loginErrorCookie, s.signedLoginError(e), cookiePath, loginAttemptTTL))
	target := url.Values{"error": {e.Code}}
	if detail != "" {
		target.Set("detail", detail)
	}
	return c.Redirect(http.StatusFound, "/admin/login?"+target.Encode())
}

// mentionsPKCE reports whether an identity provider's error description is about PKCE.
func mentionsPKCE(description string) bool {
	d := strings.ToLower(description)
	for _, word := range []string{"pkce", "code_challenge", "code challenge", "code_verifier", "code verifier"} {
		if strings.Contains(d, word) {
			return true
		}
	}
	return false
}
