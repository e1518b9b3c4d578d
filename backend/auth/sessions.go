package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"headway/backend/audit"
	"headway/backend/store"
)

// Principal kinds.
const (
	KindOIDC   = store.SessionKindOIDC   // signed in through OIDC
	KindAPIKey = store.SessionKindAPIKey // signed in with a Headscale API key
	KindBearer = "bearer"                // a Headscale API key sent as a bearer token; no session
	KindToken  = "token"                 // a Headway API token (hw_…) sent as a bearer token; no session
)

// touchInterval is the least time between two writes of a session's
// last_seen_at and sliding idle expiry.
const touchInterval = time.Minute

// maxTokenLen bounds the session tokens worth looking up; ours are 43 characters.
const maxTokenLen = 256

// ClientMeta describes the client signing in, shown in its session list.
type ClientMeta struct {
	UserAgent string
	ClientIP  string
}

// Session is a signed-in browser as its owner sees it.
type Session struct {
	ID           string
	Kind         string // KindOIDC or KindAPIKey
	CreatedAt    time.Time
	LastSeenAt   time.Time
	ExpiresAt    time.Time // absolute expiry
	UserAgent    string
	ClientIP     string
	APIKeyPrefix string // for KindAPIKey: Headscale's display prefix of the key
	Current      bool   // the caller's own session
}

// Issued is a new session, its token (the cookie value) and its CSRF token.
// The token is returned only here; Headway keeps its hash.
type Issued struct {
	Token     string
	CSRFToken string
	Session   Session
	User      *store.ConsoleUser // the console user signed in; nil for API-key sessions
}

// LogValue keeps the tokens of a new session out of logs.
func (i Issued) LogValue() slog.Value {
	return slog.GroupValue(slog.String("session_id", i.Session.ID), slog.String("kind", i.Session.Kind))
}

// Principal is an authenticated caller.
type Principal struct {
	Kind      string // KindOIDC, KindAPIKey, KindBearer or KindToken
	SessionID string // "" for KindBearer and KindToken
	// User is the console user: the one signed in for KindOIDC, the token's
	// creator for KindToken, with Role already lowered to the lesser of the
	// token's role and the creator's current one. nil for the key kinds.
	User         *store.ConsoleUser
	APIKeyPrefix string    // Headscale's display prefix of the key, for key kinds
	CSRFToken    string    // "" for KindBearer, which needs none
	ExpiresAt    time.Time // absolute expiry of the session, key or token; zero for a key that never expires
	TokenID      string    // for KindToken: the token's id
	TokenName    string    // for KindToken: the name its creator gave it

	session Session // as of this request, for Session
}

// Session describes the principal's own session (Current set); the zero
// Session for KindBearer.
func (p *Principal) Session() Session {
	return p.session
}

// CheckCSRF reports whether header carries the principal's CSRF token. It is
// false when the principal has none.
func (p *Principal) CheckCSRF(header string) bool {
	if p == nil || p.CSRFToken == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(header), []byte(p.CSRFToken)) == 1
}

// LogValue keeps the CSRF token out of logs.
func (p *Principal) LogValue() slog.Value {
	if p == nil {
		return slog.Value{}
	}
	attrs := []slog.Attr{slog.String("kind", p.Kind)}
	if p.SessionID != "" {
		attrs = append(attrs, slog.String("session_id", p.SessionID))
	}
	if p.User != nil {
		attrs = append(attrs, slog.Int64("user_id", p.User.ID))
	}
	if p.TokenID != "" {
		attrs = append(attrs, slog.String("token_id", p.TokenID))
	}
	if p.APIKeyPrefix != "" {
		attrs = append(attrs, slog.String("api_key_prefix", p.APIKeyPrefix))
	}
	return slog.GroupValue(attrs...)
}

// Profile is what an OIDC sign-in learned about the user, from the verified
// ID token and matching userinfo.
type Profile struct {
	Issuer            string
	Subject           string
	Email             string
	EmailVerified     bool
	Name              string
	PreferredUsername string
	Picture           string
	Groups            []string
	IDToken           string // raw ID token, kept sealed for id_token_hint
}

// SignInOIDC records the console user (issuer, subject) with its current
// profile and opens a new OIDC session for it. claimedRole is the role the
// identity provider's claims give ("" means member; never owner): a new user
// gets it, and so does a known one unless its role is pinned or it is the
// owner. While the console has no owner, the user signing in becomes the
// owner; concurrent first sign-ins yield exactly one.
func (s *Service) SignInOIDC(ctx context.Context, p Profile, claimedRole string, meta ClientMeta) (Issued, error) {
	if p.Issuer == "" || p.Subject == "" {
		return Issued{}, errors.New("sign in oidc: issuer and subject are required")
	}
	now := s.now()
	expires := now.Add(s.maxAge)
	var issued Issued
	err := audit.InTx(ctx, s.store, func(q *store.Queries) error {
		u, err := q.UpsertOIDCConsoleUser(ctx, store.ConsoleUserProfile{
			Issuer: p.Issuer, Subject: p.Subject, Email: p.Email, EmailVerified: p.EmailVerified,
			Name: p.Name, PreferredUsername: p.PreferredUsername, Picture: p.Picture, Groups: p.Groups,
			Role: claimedRole,
		}, now)
		if err != nil {
			return err
		}
		issued, err = s.createSession(ctx, q, store.NewSession{
			Kind:          KindOIDC,
			ConsoleUserID: &u.ID,
			UserAgent:     meta.UserAgent,
			ClientIP:      meta.ClientIP,
			CreatedAt:     now,
			ExpiresAt:     expires,
		}, "", p.IDToken)
		issued.User = &u
		if err != nil {
			return err
		}
		audit.SetActor(ctx, audit.UserActor(u))
		auditSessionStart(ctx, issued.Session)
		return nil
	})
	if err != nil {
		return Issued{}, fmt.Errorf("sign in oidc: %w", err)
	}
	return issued, nil
}

// SignInAPIKey opens an API-key session once Headscale accepts apiKey. The
// session ends at MaxAge or at the key's expiration, whichever comes first;
// the key is kept sealed for acting as it later. Errors match
// ErrAPIKeyMalformed (Headscale is not asked), ErrAPIKeyUnknown,
// ErrAPIKeyExpired or ErrHeadscaleUnavailable, among others.
func (s *Service) SignInAPIKey(ctx context.Context, apiKey string, meta ClientMeta) (Issued, error) {
	if prefix, err := ParseAPIKeyPrefix(apiKey); err == nil {
		// Until Headscale vouches for the key, the caller only claims it.
		audit.SetActor(ctx, audit.Actor{Type: audit.ActorAnonymous, Name: displayPrefix(prefix)})
	}
	info, err := s.checkAPIKey(ctx, apiKey)
	if err != nil {
		return Issued{}, fmt.Errorf("sign in with api key: %w", err)
	}
	now := s.now()
	expires := now.Add(s.maxAge)
	if !info.Expiration.IsZero() {
		if !info.Expiration.After(now) {
			return Issued{}, fmt.Errorf("sign in with api key %s: %w", info.Prefix, ErrAPIKeyExpired)
		}
		expires = minTime(expires, info.Expiration.Truncate(time.Microsecond))
	}
	var issued Issued
	err = audit.InTx(ctx, s.store, func(q *store.Queries) error {
		var err error
		issued, err = s.createSession(ctx, q, store.NewSession{
			Kind:         KindAPIKey,
			APIKeyPrefix: info.Prefix,
			UserAgent:    meta.UserAgent,
			ClientIP:     meta.ClientIP,
			CreatedAt:    now,
			ExpiresAt:    expires,
		}, apiKey, "")
		if err != nil {
			return err
		}
		audit.SetActor(ctx, audit.APIKeyActor(info.Prefix))
		auditSessionStart(ctx, issued.Session)
		return nil
	})
	if err != nil {
		return Issued{}, fmt.Errorf("sign in with api key %s: %w", info.Prefix, err)
	}
	return issued, nil
}

// checkAPIKey parses apiKey before asking the KeyChecker, so a malformed key
// never reaches Headscale.
func (s *Service) checkAPIKey(ctx context.Context, apiKey string) (KeyInfo, error) {
	if _, err := ParseAPIKeyPrefix(apiKey); err != nil {
		return KeyInfo{}, err
	}
	return s.checker.CheckAPIKey(ctx, apiKey)
}

// createSession inserts n with a fresh token and CSRF token, then seals the
// API key and ID token (when not "") to the new session's id.
func (s *Service) createSession(ctx context.Context, q *store.Queries, n store.NewSession, apiKey, idToken string) (Issued, error) {
	token := randomToken()
	n.TokenHash = hashToken(token)
	n.CSRFToken = randomToken()
	n.IdleExpiresAt = minTime(n.CreatedAt.Add(s.idle), n.ExpiresAt)
	row, err := q.CreateSession(ctx, n)
	if err != nil {
		return Issued{}, err
	}
	var apiKeyCT, idTokenCT []byte
	if apiKey != "" {
		apiKeyCT = seal(s.apiKeyAEAD, row.ID, apiKey)
	}
	if idToken != "" {
		idTokenCT = seal(s.idTokenAEAD, row.ID, idToken)
	}
	if apiKeyCT != nil || idTokenCT != nil {
		if err := q.SetSessionSecrets(ctx, row.ID, apiKeyCT, idTokenCT); err != nil {
			return Issued{}, err
		}
	}
	return Issued{Token: token, CSRFToken: n.CSRFToken, Session: sessionView(row, row.ID)}, nil
}

// Authenticate returns the principal of the session token (the cookie
// value), or ErrNoSession. A session past either expiry is deleted. A valid
// one has its idle expiry pushed to now+IdleTimeout (never past its absolute
// expiry), written at most once a minute.
func (s *Service) Authenticate(ctx context.Context, token string) (*Principal, error) {
	if token == "" || len(token) > maxTokenLen {
		return nil, ErrNoSession
	}
	su, err := s.store.GetSessionByTokenHash(ctx, hashToken(token))
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNoSession
	}
	if err != nil {
		return nil, fmt.Errorf("authenticate: %w", err)
	}
	now := s.now()
	if !now.Before(su.IdleExpiresAt) || !now.Before(su.ExpiresAt) {
		if _, err := s.store.DeleteSession(ctx, su.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
			s.log.WarnContext(ctx, "delete expired session", "session_id", su.ID, "error", err)
		}
		return nil, ErrNoSession
	}
	if now.Sub(su.LastSeenAt) >= touchInterval {
		err := s.store.TouchSession(ctx, su.ID, now, minTime(now.Add(s.idle), su.ExpiresAt))
		switch {
		case errors.Is(err, store.ErrNotFound):
			return nil, ErrNoSession // signed out meanwhile
		case err != nil:
			// The session is valid; the slide is retried on the next request.
			s.log.WarnContext(ctx, "record session use", "session_id", su.ID, "error", err)
		default:
			su.LastSeenAt = now
		}
	}
	return &Principal{
		Kind:         su.Kind,
		SessionID:    formatID(su.ID),
		User:         su.User,
		APIKeyPrefix: su.APIKeyPrefix,
		CSRFToken:    su.CSRFToken,
		ExpiresAt:    su.ExpiresAt,
		session:      sessionView(su.Session, su.ID),
	}, nil
}

// SignOut deletes the session and returns the ID token it kept, for the
// identity provider's id_token_hint ("" for API-key sessions, or when the
// token no longer opens). An unknown id is ErrSessionNotFound.
func (s *Service) SignOut(ctx context.Context, sessionID string) (idTokenHint string, err error) {
	id, ok := parseID(sessionID)
	if !ok {
		return "", ErrSessionNotFound
	}
	audit.SetTarget(ctx, "", sessionID)
	var row store.Session
	err = audit.InTx(ctx, s.store, func(q *store.Queries) error {
		var err error
		if row, err = q.DeleteSession(ctx, id); err != nil {
			return err
		}
		audit.SetChange(ctx, sessionAudit(row), nil)
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return "", ErrSessionNotFound
	}
	if err != nil {
		return "", fmt.Errorf("sign out: %w", err)
	}
	if row.IDTokenCiphertext == nil {
		return "", nil
	}
	hint, err := open(s.idTokenAEAD, row.ID, row.IDTokenCiphertext)
	if err != nil {
		// The session is gone all the same; only the hint is lost.
		s.log.WarnContext(ctx, "open id token of signed-out session", "session_id", row.ID, "error", err)
		return "", nil
	}
	return hint, nil
}

// ListSessions returns the live sessions of p's console user, newest first;
// for an API-key session just that session, for a bearer key none.
func (s *Service) ListSessions(ctx context.Context, p *Principal) ([]Session, error) {
	current, _ := parseID(p.SessionID)
	switch {
	case p.Kind == KindOIDC && p.User != nil:
		rows, err := s.store.ListLiveSessionsOfConsoleUser(ctx, p.User.ID, s.now())
		if err != nil {
			return nil, fmt.Errorf("list sessions: %w", err)
		}
		out := make([]Session, 0, len(rows))
		for _, r := range rows {
			out = append(out, sessionView(r, current))
		}
		return out, nil
	case p.Kind == KindAPIKey:
		row, err := s.store.GetSession(ctx, current)
		if errors.Is(err, store.ErrNotFound) {
			return []Session{}, nil
		}
		if err != nil {
			return nil, fmt.Errorf("list sessions: %w", err)
		}
		return []Session{sessionView(row, current)}, nil
	default:
		return []Session{}, nil
	}
}

// RevokeSession deletes session id when it is one of p's own (see
// ListSessions); any other id, existing or not, is ErrSessionNotFound.
func (s *Service) RevokeSession(ctx context.Context, p *Principal, id string) error {
	sid, ok := parseID(id)
	if !ok {
		return ErrSessionNotFound
	}
	var deleted store.Session
	err := audit.InTx(ctx, s.store, func(q *store.Queries) error {
		var err error
		switch {
		case p.Kind == KindOIDC && p.User != nil:
			deleted, err = q.DeleteSessionOfConsoleUser(ctx, sid, p.User.ID)
		case p.Kind == KindAPIKey && id == p.SessionID:
			deleted, err = q.DeleteSession(ctx, sid)
		default:
			return ErrSessionNotFound
		}
		if err != nil {
			return err
		}
		audit.SetChange(ctx, sessionAudit(deleted), nil)
		return nil
	})
	if errors.Is(err, ErrSessionNotFound) {
		return err
	}
	if errors.Is(err, store.ErrNotFound) {
		return ErrSessionNotFound
	}
	if err != nil {
		return fmt.Errorf("revoke session: %w", err)
	}
	return nil
}

// SessionAPIKey returns the Headscale API key an API-key session signed in
// with. Other principals have none (ErrNoAPIKey; a bearer caller already
// holds its key); a session gone meanwhile is ErrNoSession.
func (s *Service) SessionAPIKey(ctx context.Context, p *Principal) (string, error) {
	if p.Kind != KindAPIKey {
		return "", ErrNoAPIKey
	}
	id, ok := parseID(p.SessionID)
	if !ok {
		return "", ErrNoSession
	}
	row, err := s.store.GetSession(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return "", ErrNoSession
	}
	if err != nil {
		return "", fmt.Errorf("session api key: %w", err)
	}
	if row.APIKeyCiphertext == nil {
		return "", ErrNoAPIKey
	}
	key, err := open(s.apiKeyAEAD, row.ID, row.APIKeyCiphertext)
	if err != nil {
		return "", fmt.Errorf("session api key of session %d: %w", row.ID, err)
	}
	return key, nil
}

// auditSessionStart records a new session as the target of a sign-in.
func auditSessionStart(ctx context.Context, s Session) {
	audit.SetTarget(ctx, "", s.ID)
	audit.SetChange(ctx, nil, map[string]any{"kind": s.Kind, "expiresAt": s.ExpiresAt})
}

// sessionAudit is what the audit trail keeps of a session that ends: never
// its tokens.
func sessionAudit(r store.Session) map[string]any {
	return map[string]any{"kind": r.Kind, "createdAt": r.CreatedAt, "clientIp": r.ClientIP}
}

func sessionView(r store.Session, current int64) Session {
	return Session{
		ID:           formatID(r.ID),
		Kind:         r.Kind,
		CreatedAt:    r.CreatedAt,
		LastSeenAt:   r.LastSeenAt,
		ExpiresAt:    r.ExpiresAt,
		UserAgent:    r.UserAgent,
		ClientIP:     r.ClientIP,
		APIKeyPrefix: r.APIKeyPrefix,
		Current:      current != 0 && r.ID == current,
	}
}

func formatID(id int64) string { return strconv.FormatInt(id, 10) }

// parseID reads a session id as formatID writes it.
func parseID(s string) (int64, bool) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 || formatID(id) != s {
		return 0, false
	}
	return id, true
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
