package oidc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"

	"github.com/zitadel/oidc/v3/pkg/client/rp"
	zoidc "github.com/zitadel/oidc/v3/pkg/oidc"
	"golang.org/x/oauth2"
)

// Error codes. They are stable: the API returns them and the frontend keys on them.
const (
	CodeNotConfigured       = "oidc_not_configured"
	CodeUnavailable         = "oidc_unavailable"
	CodeIssuerMismatch      = "oidc_issuer_mismatch"
	CodeMissingEndpoints    = "oidc_missing_endpoints"
	CodeTokenExchangeFailed = "oidc_token_exchange_failed"
	CodeRedirectURIMismatch = "oidc_redirect_uri_mismatch"
	CodeIDTokenInvalid      = "oidc_id_token_invalid"
	CodeMissingSub          = "oidc_missing_sub"
	CodeUserinfoInvalid     = "oidc_userinfo_invalid"
)

// Error is a sign-in failure worth explaining to the person setting Headway up.
// Code, Message and Hint are written for users and never carry the identity
// provider's response body or a secret; Err is the underlying cause, for the log only.
type Error struct {
	Code    string
	Message string
	Hint    string
	Err     error
}

// Error returns the code and message, followed by the cause. The cause may
// quote the identity provider: log it, don't show it.
func (e *Error) Error() string {
	if e.Err != nil {
		return e.Code + ": " + e.Message + ": " + e.Err.Error()
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// oauthErrorCode matches an OAuth 2.0 error code (RFC 6749 §5.2 allows %x20-21 / %x23-5B / %x5D-7E;
// in practice these are snake_case words). Anything else is not echoed to users.
var oauthErrorCode = regexp.MustCompile(`^[a-z][a-z0-9_.\-]{0,63}$`)

// safeOAuthCode returns code if it looks like an OAuth error code, else "".
func safeOAuthCode(code string) string {
	if oauthErrorCode.MatchString(code) {
		return code
	}
	return ""
}

// isTransport reports whether err means the identity provider could not be reached
// (or did not answer in time), rather than answering with an error.
func isTransport(err error) bool {
	var ue *url.Error
	var ne net.Error
	return errors.As(err, &ue) || errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded)
}

func unreachable(what string, err error) *Error {
	return &Error{
		Code:    CodeUnavailable,
		Message: "the identity provider's " + what + " could not be reached",
		Hint:    "Check that the identity provider is reachable from the Headway server (DNS, firewall, proxy, TLS certificates).",
		Err:     err,
	}
}

// tokenError maps a failed call to the token endpoint.
func (p *Provider) tokenError(err error, pkceSent bool) *Error {
	var code, text string
	var re *oauth2.RetrieveError
	var oe *zoidc.Error
	switch {
	case errors.As(err, &re):
		code = re.ErrorCode
		text = re.ErrorCode + " " + re.ErrorDescription + " " + string(re.Body)
	case errors.As(err, &oe):
		code = string(oe.ErrorType)
		text = code + " " + oe.Description
	case isTransport(err):
		return unreachable("token endpoint", err)
	default:
		text = err.Error()
	}
	code = safeOAuthCode(code)
	lower := strings.ToLower(text)

	msg := "the identity provider refused to exchange the authorization code"
	if code != "" {
		msg += " (" + code + ")"
	}
	e := &Error{Code: CodeTokenExchangeFailed, Message: msg, Err: err}

	switch {
	case strings.Contains(lower, "redirect_uri") || strings.Contains(lower, "redirect uri") || strings.Contains(lower, "redirecturi") || strings.Contains(lower, "reply url"):
		e.Code = CodeRedirectURIMismatch
		e.Message = "the identity provider rejected the redirect URI"
		if code != "" {
			e.Message += " (" + code + ")"
		}
		e.Hint = fmt.Sprintf("Register exactly %s as a redirect URI of the client at the identity provider (scheme, host, port and path must match; it is derived from server.base_url).", p.cfg.RedirectURI)
	case strings.Contains(lower, "code_verifier") || strings.Contains(lower, "code verifier") ||
		strings.Contains(lower, "pkce") || strings.Contains(lower, "code_challenge") || strings.Contains(lower, "code challenge"):
		if pkceSent {
			e.Hint = "The PKCE code verifier was not accepted. Start the sign-in again from the beginning; if this keeps happening, check that the identity provider supports the S256 code challenge method."
		} else {
			e.Hint = "The identity provider requires PKCE for this client: set oidc.use_pkce: true."
		}
	case code == "invalid_client" || code == "unauthorized_client" || (re != nil && re.Response != nil && re.Response.StatusCode == 401):
		e.Hint = fmt.Sprintf("Check oidc.client_id and oidc.client_secret, and that oidc.token_endpoint_auth_method (now %s) is what the identity provider expects for this client.", p.authMethod)
	case code == "invalid_grant":
		e.Hint = "The authorization code was rejected: it may have expired or been used already. Start the sign-in again; if this keeps happening, check the server clocks and the client settings at the identity provider."
	default:
		e.Hint = fmt.Sprintf("Check oidc.client_id, oidc.client_secret and oidc.token_endpoint_auth_method (now %s); the server log has the identity provider's answer.", p.authMethod)
	}
	return e
}

// idTokenError maps a failed ID-token verification to a message naming the failed check.
func idTokenError(err error) *Error {
	check := func(what, hint string) *Error {
		return &Error{Code: CodeIDTokenInvalid, Message: "the ID token was rejected: " + what, Hint: hint, Err: err}
	}
	clockHint := "Check that the clocks of the Headway server and the identity provider are synchronised (NTP)."
	switch {
	case errors.Is(err, rp.ErrMissingIDToken):
		return check("the token response has no ID token",
			`Make sure "openid" is among oidc.scope and that the client is an OpenID Connect client at the identity provider.`)
	case errors.Is(err, zoidc.ErrSubjectMissing):
		return &Error{Code: CodeMissingSub, Message: "the ID token has no subject (sub) claim", Hint: "The identity provider must identify the user with a sub claim.", Err: err}
	case errors.Is(err, zoidc.ErrIssuerInvalid):
		return check("issuer (iss) does not match oidc.issuer", "Set oidc.issuer to exactly the issuer the identity provider puts in its tokens, including any trailing slash.")
	case errors.Is(err, zoidc.ErrAudience):
		return check("audience (aud) does not contain the client ID", "Check oidc.client_id.")
	case errors.Is(err, zoidc.ErrAzpMissing), errors.Is(err, zoidc.ErrAzpInvalid):
		return check("authorized party (azp) is missing or not the client ID", "Check oidc.client_id.")
	case errors.Is(err, zoidc.ErrSignatureUnsupportedAlg):
		return check("signature algorithm not allowed", "Configure the identity provider to sign ID tokens with RS256, ES256 or another asymmetric algorithm (never none or HS256).")
	case errors.Is(err, zoidc.ErrSignatureMissing), errors.Is(err, zoidc.ErrSignatureMultiple),
		errors.Is(err, zoidc.ErrSignatureInvalid), errors.Is(err, zoidc.ErrSignatureInvalidPayload):
		return check("signature", "The signature does not verify with the identity provider's published keys; check oidc.issuer and oidc.jwks_uri.")
	case errors.Is(err, zoidc.ErrExpired):
		return check("expired", clockHint)
	case errors.Is(err, zoidc.ErrIatMissing):
		return check("issued-at (iat) claim missing", "")
	case errors.Is(err, zoidc.ErrIatInFuture), errors.Is(err, zoidc.ErrIatToOld):
		return check("issued-at (iat) out of range", clockHint)
	case errors.Is(err, zoidc.ErrNonceInvalid):
		return check("nonce missing or different", "Start the sign-in again from the beginning.")
	case errors.Is(err, zoidc.ErrAtHash):
		return check("access token hash (at_hash) does not match", "")
	case errors.Is(err, zoidc.ErrParse), isJSONError(err):
		return check("malformed token", "")
	default:
		return check("could not be verified", "")
	}
}
