package oidc

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"maps"
	"net/url"
	"sort"
	"strconv"

	"github.com/zitadel/oidc/v3/pkg/client/rp"
	zoidc "github.com/zitadel/oidc/v3/pkg/oidc"
)

// Identity is the verified user from a completed sign-in.
type Identity struct {
	Issuer            string
	Subject           string
	Email             string
	EmailVerified     bool
	Name              string
	PreferredUsername string
	Picture           string
	// Groups is the groups claim as a list (a single string becomes one
	// element); names are kept as sent (Keycloak's leading "/" included).
	Groups []string
	// IDToken is the raw ID token, kept for id_token_hint at sign-out.
	IDToken string
	// Claims are all claims: userinfo's, overlaid with the ID token's.
	Claims map[string]any
}

// LogValue keeps the raw ID token and the claims out of logs.
func (id Identity) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("issuer", id.Issuer),
		slog.String("subject", id.Subject),
		slog.String("email", id.Email),
		slog.Bool("email_verified", id.EmailVerified),
		slog.Any("groups", id.Groups),
	)
}

// AuthCodeURL returns the identity provider's authorization URL for one sign-in.
// state and nonce must be fresh random values the caller keeps server-side;
// pkceVerifier is required when PKCE is on and ignored when it is off.
func (p *Provider) AuthCodeURL(ctx context.Context, state, nonce, pkceVerifier string) (string, error) {
	party, perr := p.relyingParty(ctx, false)
	if perr != nil {
		return "", perr
	}
	if state == "" || nonce == "" {
		return "", errors.New("oidc: auth code url: state and nonce are required")
	}
	opts := []rp.AuthURLOpt{rp.AuthURLOpt(rp.WithURLParam("nonce", nonce))}
	if p.cfg.UsePKCE {
		if pkceVerifier == "" {
			return "", errors.New("oidc: auth code url: PKCE is on but the verifier is empty")
		}
		opts = append(opts, rp.WithCodeChallenge(zoidc.NewSHACodeChallenge(pkceVerifier)))
	}
	keys := make([]string, 0, len(p.extra))
	for k := range p.extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		opts = append(opts, rp.AuthURLOpt(rp.WithURLParam(k, p.extra[k])))
	}
	return rp.AuthURL(state, party, opts...), nil
}

type nonceKey struct{}

// nonceFrom gives the verifier the nonce expected for the token being verified.
func nonceFrom(ctx context.Context) string {
	n, _ := ctx.Value(nonceKey{}).(string)
	return n
}

// Exchange redeems the authorization code from the callback, verifies the ID
// token (signature, iss, aud, azp, exp, iat, nonce), fetches userinfo when the
// provider has the endpoint, and returns the merged identity. nonce is the
// value sent with AuthCodeURL and is required; pkceVerifier is required when
// PKCE is on.
//
// Claims: the ID token's win where present, userinfo fills the gaps, and
// email_verified always comes from the same source as email. A userinfo
// answer for another sub, or one that cannot be read, fails the sign-in.
// Failures are *Error; the caller logs them.
func (p *Provider) Exchange(ctx context.Context, code, pkceVerifier, nonce string) (*Identity, error) {
	party, perr := p.relyingParty(ctx, false)
	if perr != nil {
		return nil, perr
	}
	if nonce == "" {
		// An empty expected nonce would accept tokens without one.
		return nil, errors.New("oidc: exchange: nonce is required")
	}
	if code == "" {
		return nil, &Error{
			Code:    CodeTokenExchangeFailed,
			Message: "the identity provider sent no authorization code",
			Hint:    "Start the sign-in again.",
		}
	}
	var opts []rp.CodeExchangeOpt
	if p.cfg.UsePKCE {
		if pkceVerifier == "" {
			return nil, errors.New("oidc: exchange: PKCE is on but the verifier is empty")
		}
		opts = append(opts, rp.WithCodeVerifier(pkceVerifier))
	}

	xctx, cancel := context.WithTimeout(context.WithValue(ctx, nonceKey{}, nonce), p.timeout)
	defer cancel()
	tokens, err := rp.CodeExchange[*zoidc.IDTokenClaims](xctx, code, party, opts...)
	if err != nil {
		e := p.exchangeError(err)
		p.logger.DebugContext(ctx, "oidc: sign-in failed", "code", e.Code, "message", e.Message, "error", e.Err)
		return nil, e
	}
	claims := tokens.IDTokenClaims

	all, fromUserinfo := map[string]any{}, map[string]any{}
	if party.userinfo != "" {
		uctx, cancel := context.WithTimeout(ctx, p.timeout)
		defer cancel()
		info, err := rp.Userinfo[*zoidc.UserInfo](uctx, tokens.AccessToken, tokens.Type(), claims.Subject, party)
		if err != nil {
			e := userinfoError(err)
			p.logger.DebugContext(ctx, "oidc: sign-in failed", "code", e.Code, "message", e.Message, "error", e.Err)
			return nil, e
		}
		fromUserinfo = info.Claims
		maps.Copy(all, fromUserinfo)
	}
	// The ID token is signed and verified: its claims win; userinfo fills gaps.
	maps.Copy(all, claims.Claims)

	id := identityFrom(all)
	// email_verified describes the email next to it: take both from the same source.
	if _, ok := claims.Claims["email"]; ok {
		id.EmailVerified = truthy(claims.Claims["email_verified"])
	} else {
		id.EmailVerified = truthy(fromUserinfo["email_verified"])
	}
	id.Issuer = p.cfg.Issuer
	id.Subject = claims.Subject
	id.IDToken = tokens.IDToken
	id.Claims = all
	return id, nil
}

// exchangeError maps a failure of the token exchange or the ID-token checks.
func (p *Provider) exchangeError(err error) *Error {
	switch {
	case errors.Is(err, rp.ErrMissingIDToken), verificationError(err):
		if errors.Is(err, zoidc.ErrSignatureInvalid) && isTransport(err) {
			return unreachable("signing keys (jwks_uri)", err)
		}
		return idTokenError(err)
	default:
		return p.tokenError(err, p.cfg.UsePKCE)
	}
}

// verificationError reports whether err comes from checking the ID token.
func verificationError(err error) bool {
	for _, target := range []error{
		zoidc.ErrParse, zoidc.ErrSubjectMissing, zoidc.ErrIssuerInvalid, zoidc.ErrAudience,
		zoidc.ErrAzpMissing, zoidc.ErrAzpInvalid, zoidc.ErrSignatureMissing, zoidc.ErrSignatureMultiple,
		zoidc.ErrSignatureUnsupportedAlg, zoidc.ErrSignatureInvalidPayload, zoidc.ErrSignatureInvalid,
		zoidc.ErrExpired, zoidc.ErrIatMissing, zoidc.ErrIatInFuture, zoidc.ErrIatToOld,
		zoidc.ErrNonceInvalid, zoidc.ErrAcrInvalid, zoidc.ErrAuthTimeNotPresent, zoidc.ErrAuthTimeToOld,
		zoidc.ErrAtHash,
	} {
		if errors.Is(err, target) {
			return true
		}
	}
	return isJSONError(err)
}

// isJSONError reports whether err is a JSON decoding error: a token whose
// claims are not valid JSON, or have the wrong types (a numeric sub), fails
// in ParseToken with one.
func isJSONError(err error) bool {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	return errors.As(err, &syntax) || errors.As(err, &typ)
}

func userinfoError(err error) *Error {
	var oe *zoidc.Error
	switch {
	case errors.Is(err, rp.ErrUserInfoSubNotMatching):
		return &Error{
			Code:    CodeUserinfoInvalid,
			Message: "the userinfo subject (sub) differs from the ID token's",
			Hint:    "The identity provider's userinfo endpoint answered for a different user; check oidc.userinfo_endpoint.",
			Err:     err,
		}
	case errors.As(err, &oe):
		msg := "the identity provider's userinfo endpoint refused the request"
		if c := safeOAuthCode(string(oe.ErrorType)); c != "" {
			msg += " (" + c + ")"
		}
		return &Error{Code: CodeUserinfoInvalid, Message: msg, Hint: "Check oidc.userinfo_endpoint; the server log has the identity provider's answer.", Err: err}
	case isTransport(err):
		return unreachable("userinfo endpoint", err)
	default:
		return &Error{
			Code:    CodeUserinfoInvalid,
			Message: "the identity provider's userinfo answer could not be used",
			Hint:    "Check oidc.userinfo_endpoint; the server log has the identity provider's answer.",
			Err:     err,
		}
	}
}

// identityFrom reads the profile claims from the merged claims.
func identityFrom(c map[string]any) *Identity {
	str := func(k string) string {
		s, _ := c[k].(string)
		return s
	}
	return &Identity{
		Email:             str("email"),
		EmailVerified:     truthy(c["email_verified"]),
		Name:              str("name"),
		PreferredUsername: str("preferred_username"),
		Picture:           str("picture"),
		Groups:            Groups(c["groups"]),
	}
}

// truthy reads a boolean claim; some providers send "true" as a string.
func truthy(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case string:
		b, _ := strconv.ParseBool(v)
		return b
	}
	return false
}

// Groups normalises a groups claim: a string is one group, a list keeps its
// non-empty strings, anything else is no groups. The result is never nil.
func Groups(v any) []string {
	out := []string{}
	switch v := v.(type) {
	case string:
		if v != "" {
			out = append(out, v)
		}
	case []string:
		for _, s := range v {
			if s != "" {
				out = append(out, s)
			}
		}
	case []any:
		for _, e := range v {
			if s, ok := e.(string); ok && s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// EndSessionURL returns where to send the browser to sign out at the identity
// provider (RP-initiated logout), or "" and no error when it has no
// end_session_endpoint. Both arguments may be empty.
func (p *Provider) EndSessionURL(ctx context.Context, idTokenHint, postLogoutRedirectURI string) (string, error) {
	party, perr := p.relyingParty(ctx, false)
	if perr != nil {
		return "", perr
	}
	if party.endSession == "" {
		return "", nil
	}
	u, err := url.Parse(party.endSession)
	if err != nil {
		return "", &Error{Code: CodeMissingEndpoints, Message: "the end_session_endpoint is not a valid URL", Err: err}
	}
	q := u.Query()
	q.Set("client_id", p.cfg.ClientID)
	if idTokenHint != "" {
		q.Set("id_token_hint", idTokenHint)
	}
	if postLogoutRedirectURI != "" {
		q.Set("post_logout_redirect_uri", postLogoutRedirectURI)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// RandomToken returns 256 random bits, base64url without padding: for state and nonce.
func RandomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand panics rather than return an error)
	return base64.RawURLEncoding.EncodeToString(b)
}

// NewPKCEVerifier returns a PKCE code verifier (RFC 7636: 43 characters from 256 random bits).
func NewPKCEVerifier() string {
	return RandomToken()
}
