package devidp

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// Errors the storage returns; zitadel maps them to OAuth error codes.
var (
	errUnknownClient      = errors.New("unknown client")
	errWrongSecret        = errors.New("wrong client secret")
	errUnknownAuthRequest = errors.New("unknown or expired auth request")
	errUnknownUser        = errors.New("unknown user")
	errUnknownToken       = errors.New("unknown or expired token")
)

// storage implements op.Storage in memory. Every method takes mu; values handed
// to zitadel are copies, so a sign-in completing on one request never races
// with a token exchange reading on another.
type storage struct {
	p   *Provider
	key signingKey

	mu            sync.Mutex
	users         []User // in configuration order, for the login page
	clients       map[string]Client
	authRequests  map[string]*authRequest
	codes         map[string]string // code → auth request id
	accessTokens  map[string]*accessToken
	refreshTokens map[string]*refreshToken // keyed by the token value handed out
}

var (
	_ op.Storage                   = (*storage)(nil)
	_ op.CanSetUserinfoFromRequest = (*storage)(nil)
)

func newStorage(p *Provider, users []User, clients []Client, key *rsa.PrivateKey) (*storage, error) {
	thumb, err := (&jose.JSONWebKey{Key: &key.PublicKey}).Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("devidp: key id: %w", err)
	}
	s := &storage{
		p:             p,
		key:           signingKey{id: base64.RawURLEncoding.EncodeToString(thumb)[:16], key: key},
		users:         cloneUsers(users),
		clients:       make(map[string]Client, len(clients)),
		authRequests:  make(map[string]*authRequest),
		codes:         make(map[string]string),
		accessTokens:  make(map[string]*accessToken),
		refreshTokens: make(map[string]*refreshToken),
	}
	for _, c := range clients {
		if c.AuthMethod == "" {
			c.AuthMethod = AuthMethodBasic
		}
		s.clients[c.ID] = c
	}
	return s, nil
}

// Users.

func cloneUsers(users []User) []User {
	out := make([]User, len(users))
	for i, u := range users {
		u.Groups = slices.Clone(u.Groups)
		out[i] = u
	}
	return out
}

func (s *storage) listUsers() []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	return cloneUsers(s.users)
}

func (s *storage) setUsers(users []User) {
	users = cloneUsers(users)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users = users
}

func (s *storage) putUser(u User) {
	u.Groups = slices.Clone(u.Groups)
	s.mu.Lock()
	defer s.mu.Unlock()
	if i := s.userIndexLocked(u.Subject); i >= 0 {
		s.users[i] = u
		return
	}
	s.users = append(s.users, u)
}

func (s *storage) userIndexLocked(sub string) int {
	return slices.IndexFunc(s.users, func(u User) bool { return u.Subject == sub })
}

func (s *storage) user(sub string) (User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.userIndexLocked(sub)
	if i < 0 {
		return User{}, fmt.Errorf("user %q: %w", sub, errUnknownUser)
	}
	u := s.users[i]
	u.Groups = slices.Clone(u.Groups)
	return u, nil
}

// Auth requests.

type authRequest struct {
	id       string
	created  time.Time
	req      oidc.AuthRequest
	subject  string
	authTime time.Time
	amr      []string
	done     bool
	codes    []string
}

// authRequestView is the read-only copy of an auth request zitadel sees.
type authRequestView struct{ a authRequest }

var _ op.AuthRequest = authRequestView{}

func (v authRequestView) GetID() string                      { return v.a.id }
func (v authRequestView) GetACR() string                     { return "" }
func (v authRequestView) GetAMR() []string                   { return slices.Clone(v.a.amr) }
func (v authRequestView) GetAudience() []string              { return []string{v.a.req.ClientID} }
func (v authRequestView) GetAuthTime() time.Time             { return v.a.authTime }
func (v authRequestView) GetClientID() string                { return v.a.req.ClientID }
func (v authRequestView) GetNonce() string                   { return v.a.req.Nonce }
func (v authRequestView) GetRedirectURI() string             { return v.a.req.RedirectURI }
func (v authRequestView) GetState() string                   { return v.a.req.State }
func (v authRequestView) GetSubject() string                 { return v.a.subject }
func (v authRequestView) Done() bool                         { return v.a.done }
func (v authRequestView) GetScopes() []string                { return slices.Clone(v.a.req.Scopes) }
func (v authRequestView) GetResponseType() oidc.ResponseType { return v.a.req.ResponseType }
func (v authRequestView) GetResponseMode() oidc.ResponseMode { return v.a.req.ResponseMode }

func (v authRequestView) GetCodeChallenge() *oidc.CodeChallenge {
	if v.a.req.CodeChallenge == "" {
		return nil
	}
	return &oidc.CodeChallenge{Challenge: v.a.req.CodeChallenge, Method: v.a.req.CodeChallengeMethod}
}

func (s *storage) CreateAuthRequest(_ context.Context, req *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.clients[req.ClientID]
	if !ok {
		return nil, oidc.ErrInvalidRequest().WithDescription("unknown client_id")
	}
	if req.CodeChallenge != "" && req.CodeChallengeMethod != oidc.CodeChallengeMethodS256 {
		return nil, oidc.ErrInvalidRequest().WithDescription("only code_challenge_method=S256 is supported")
	}
	if c.RequirePKCE && req.CodeChallenge == "" {
		return nil, oidc.ErrInvalidRequest().WithDescription("this client requires PKCE: send code_challenge with code_challenge_method=S256")
	}
	s.purgeExpiredLocked(time.Now())
	a := &authRequest{id: rand.Text(), created: time.Now(), req: *req}
	a.req.Scopes = slices.Clone(req.Scopes)
	s.authRequests[a.id] = a
	return authRequestView{*a}, nil
}

func (s *storage) purgeExpiredLocked(now time.Time) {
	for id, a := range s.authRequests {
		if now.Sub(a.created) > authRequestLifetime {
			s.deleteAuthRequestLocked(id)
		}
	}
	for id, t := range s.accessTokens {
		if now.After(t.expires) {
			delete(s.accessTokens, id)
		}
	}
	for v, t := range s.refreshTokens {
		if now.After(t.expires) {
			delete(s.refreshTokens, v)
		}
	}
}

func (s *storage) authRequestLocked(id string) (*authRequest, error) {
	a, ok := s.authRequests[id]
	if !ok || time.Since(a.created) > authRequestLifetime {
		return nil, fmt.Errorf("auth request %q: %w", id, errUnknownAuthRequest)
	}
	return a, nil
}

func (s *storage) AuthRequestByID(_ context.Context, id string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.authRequestLocked(id)
	if err != nil {
		return nil, err
	}
	return authRequestView{*a}, nil
}

// pendingAuthRequest returns a copy of the auth request for the login page.
func (s *storage) pendingAuthRequest(id string) (authRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.authRequestLocked(id)
	if err != nil {
		return authRequest{}, err
	}
	return *a, nil
}

// completeLogin marks the auth request as signed in by sub.
func (s *storage) completeLogin(id, sub string, amr []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.authRequestLocked(id)
	if err != nil {
		return err
	}
	if s.userIndexLocked(sub) < 0 {
		return fmt.Errorf("user %q: %w", sub, errUnknownUser)
	}
	a.subject, a.authTime, a.amr, a.done = sub, time.Now().UTC().Truncate(time.Second), amr, true
	return nil
}

func (s *storage) AuthRequestByCode(_ context.Context, code string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.codes[code]
	if !ok {
		return nil, errUnknownAuthRequest
	}
	a, err := s.authRequestLocked(id)
	if err != nil {
		return nil, err
	}
	return authRequestView{*a}, nil
}

func (s *storage) SaveAuthCode(_ context.Context, id, code string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.authRequestLocked(id)
	if err != nil {
		return err
	}
	s.codes[code] = id
	a.codes = append(a.codes, code)
	return nil
}

func (s *storage) DeleteAuthRequest(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deleteAuthRequestLocked(id)
	return nil
}

func (s *storage) deleteAuthRequestLocked(id string) {
	if a, ok := s.authRequests[id]; ok {
		for _, c := range a.codes {
			delete(s.codes, c)
		}
	}
	delete(s.authRequests, id)
}

// Tokens.

type accessToken struct {
	id           string
	subject      string
	clientID     string
	audience     []string
	scopes       []string
	expires      time.Time
	refreshToken string
}

type refreshToken struct {
	token         string
	subject       string
	clientID      string
	audience      []string
	scopes        []string
	amr           []string
	authTime      time.Time
	expires       time.Time
	accessTokenID string
}

// refreshTokenRequest is the copy of a refresh token zitadel sees and narrows.
type refreshTokenRequest struct{ t refreshToken }

var _ op.RefreshTokenRequest = (*refreshTokenRequest)(nil)

func (r *refreshTokenRequest) GetAMR() []string            { return slices.Clone(r.t.amr) }
func (r *refreshTokenRequest) GetAudience() []string       { return slices.Clone(r.t.audience) }
func (r *refreshTokenRequest) GetAuthTime() time.Time      { return r.t.authTime }
func (r *refreshTokenRequest) GetClientID() string         { return r.t.clientID }
func (r *refreshTokenRequest) GetScopes() []string         { return slices.Clone(r.t.scopes) }
func (r *refreshTokenRequest) GetSubject() string          { return r.t.subject }
func (r *refreshTokenRequest) SetCurrentScopes(s []string) { r.t.scopes = slices.Clone(s) }

func clientIDOf(req op.TokenRequest) string {
	if c, ok := req.(interface{ GetClientID() string }); ok {
		return c.GetClientID()
	}
	return ""
}

func (s *storage) CreateAccessToken(_ context.Context, req op.TokenRequest) (string, time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.newAccessTokenLocked(req, "")
	return t.id, t.expires, nil
}

func (s *storage) newAccessTokenLocked(req op.TokenRequest, refresh string) *accessToken {
	t := &accessToken{
		id:           rand.Text(),
		subject:      req.GetSubject(),
		clientID:     clientIDOf(req),
		audience:     slices.Clone(req.GetAudience()),
		scopes:       slices.Clone(req.GetScopes()),
		expires:      time.Now().Add(accessTokenLifetime),
		refreshToken: refresh,
	}
	s.accessTokens[t.id] = t
	return t
}

func (s *storage) CreateAccessAndRefreshTokens(_ context.Context, req op.TokenRequest, current string) (string, string, time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rt := &refreshToken{
		token:    rand.Text(),
		subject:  req.GetSubject(),
		clientID: clientIDOf(req),
		audience: slices.Clone(req.GetAudience()),
		scopes:   slices.Clone(req.GetScopes()),
		expires:  time.Now().Add(refreshTokenLifetime),
	}
	if ir, ok := req.(op.IDTokenRequest); ok {
		rt.amr, rt.authTime = slices.Clone(ir.GetAMR()), ir.GetAuthTime()
	}
	if current != "" {
		old, ok := s.refreshTokens[current]
		if !ok || time.Now().After(old.expires) {
			return "", "", time.Time{}, op.ErrInvalidRefreshToken
		}
		// Rotation: the presented token and its access token stop working.
		delete(s.refreshTokens, current)
		delete(s.accessTokens, old.accessTokenID)
	}
	at := s.newAccessTokenLocked(req, rt.token)
	rt.accessTokenID = at.id
	s.refreshTokens[rt.token] = rt
	return at.id, rt.token, at.expires, nil
}

func (s *storage) TokenRequestByRefreshToken(_ context.Context, token string) (op.RefreshTokenRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rt, ok := s.refreshTokens[token]
	if !ok || time.Now().After(rt.expires) {
		return nil, op.ErrInvalidRefreshToken
	}
	return &refreshTokenRequest{*rt}, nil
}

func (s *storage) TerminateSession(_ context.Context, userID, clientID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, t := range s.accessTokens {
		if t.subject == userID && t.clientID == clientID {
			delete(s.accessTokens, id)
		}
	}
	for v, t := range s.refreshTokens {
		if t.subject == userID && t.clientID == clientID {
			delete(s.refreshTokens, v)
		}
	}
	return nil
}

func (s *storage) RevokeToken(_ context.Context, tokenOrID, _ string, clientID string) *oidc.Error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.accessTokens[tokenOrID]; ok {
		if t.clientID != clientID {
			return oidc.ErrInvalidClient().WithDescription("token was issued to another client")
		}
		delete(s.accessTokens, tokenOrID)
		return nil
	}
	if t, ok := s.refreshTokens[tokenOrID]; ok {
		if t.clientID != clientID {
			return oidc.ErrInvalidClient().WithDescription("token was issued to another client")
		}
		delete(s.refreshTokens, tokenOrID)
		delete(s.accessTokens, t.accessTokenID)
	}
	return nil // RFC 7009: an unknown token is not an error
}

func (s *storage) GetRefreshTokenInfo(_ context.Context, clientID, token string) (string, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.refreshTokens[token]
	if !ok || t.clientID != clientID {
		return "", "", op.ErrInvalidRefreshToken
	}
	return t.subject, t.token, nil
}

// Keys.

type signingKey struct {
	id  string
	key *rsa.PrivateKey
}

func (k signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k signingKey) Key() any                                    { return k.key }
func (k signingKey) ID() string                                  { return k.id }

type publicKey struct{ signingKey }

func (k publicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k publicKey) Use() string                        { return "sig" }
func (k publicKey) Key() any                           { return &k.key.PublicKey }

func (s *storage) SigningKey(context.Context) (op.SigningKey, error) { return s.key, nil }

func (s *storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

func (s *storage) KeySet(context.Context) ([]op.Key, error) {
	return []op.Key{publicKey{s.key}}, nil
}

// Clients.

func (s *storage) GetClientByClientID(_ context.Context, id string) (op.Client, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.clients[id]
	if !ok {
		return nil, fmt.Errorf("client %q: %w", id, errUnknownClient)
	}
	return &client{c: c, loginURL: s.p.loginURL}, nil
}

func (s *storage) AuthorizeClientIDSecret(_ context.Context, id, secret string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.clients[id]
	if !ok {
		return fmt.Errorf("client %q: %w", id, errUnknownClient)
	}
	if c.AuthMethod == AuthMethodNone || subtle.ConstantTimeCompare([]byte(c.Secret), []byte(secret)) != 1 {
		return fmt.Errorf("client %q: %w", id, errWrongSecret)
	}
	return nil
}

// Claims.

// SetUserinfoFromScopes is deprecated in zitadel/oidc; SetUserinfoFromRequest does the work.
func (s *storage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}

func (s *storage) SetUserinfoFromRequest(_ context.Context, info *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	u, err := s.user(req.GetSubject())
	if err != nil {
		return err
	}
	fillUserinfo(info, u, scopes)
	return nil
}

func (s *storage) SetUserinfoFromToken(_ context.Context, info *oidc.UserInfo, tokenID, subject, _ string) error {
	s.mu.Lock()
	t, ok := s.accessTokens[tokenID]
	valid := ok && t.subject == subject && time.Now().Before(t.expires)
	var scopes []string
	if valid {
		scopes = slices.Clone(t.scopes)
	}
	s.mu.Unlock()
	if !valid {
		return errUnknownToken
	}
	u, err := s.user(subject)
	if err != nil {
		return err
	}
	fillUserinfo(info, u, scopes)
	return nil
}

func (s *storage) SetIntrospectionFromToken(_ context.Context, resp *oidc.IntrospectionResponse, tokenID, subject, clientID string) error {
	s.mu.Lock()
	t, ok := s.accessTokens[tokenID]
	valid := ok && t.subject == subject && time.Now().Before(t.expires)
	var scopes []string
	if valid {
		scopes = slices.Clone(t.scopes)
	}
	s.mu.Unlock()
	if !valid {
		return errUnknownToken
	}
	u, err := s.user(subject)
	if err != nil {
		return err
	}
	info := new(oidc.UserInfo)
	fillUserinfo(info, u, scopes)
	resp.SetUserInfo(info)
	resp.Active = true
	resp.Scope = scopes
	resp.ClientID = clientID
	return nil
}

func (s *storage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil // no extra access token claims: access tokens are opaque
}

func (s *storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errors.New("private_key_jwt is not supported")
}

func (s *storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errors.New("the JWT profile grant is not supported")
}

func (s *storage) Health(context.Context) error { return nil }

// fillUserinfo sets the claims the scopes grant. sub and groups are always set.
func fillUserinfo(info *oidc.UserInfo, u User, scopes []string) {
	info.Subject = u.Subject
	for _, scope := range scopes {
		switch scope {
		case oidc.ScopeProfile:
			info.Name = u.Name
			info.PreferredUsername = u.PreferredUsername
		case oidc.ScopeEmail:
			if u.Email == "" {
				continue
			}
			info.Email = u.Email
			info.EmailVerified = oidc.Bool(u.EmailVerified)
			// The struct field is omitempty: without this a false value would vanish.
			info.AppendClaims("email_verified", u.EmailVerified)
		}
	}
	groups := u.Groups
	if groups == nil {
		groups = []string{}
	}
	info.AppendClaims("groups", slices.Clone(groups))
}
