package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"headway/backend/audit"
	"headway/backend/problem"
	"headway/backend/rbac"
	"headway/backend/store"
)

// TokenPrefix starts every Headway API token, so that a bearer value can be
// told apart from a Headscale API key without a lookup.
const TokenPrefix = "hw_"

const (
	// tokenLen is the length of a token: the prefix and 256 random bits in
	// unpadded base64url.
	tokenLen = len(TokenPrefix) + 43
	// tokenPrefixLen is how much of a token is kept and shown to recognise it.
	tokenPrefixLen = len(TokenPrefix) + 8
	// maxTokenNameLen bounds a token's name, in characters.
	maxTokenNameLen = 64
	// tokenExpirySlack lets an expiry computed on the client as "now + max
	// age" through despite clock skew and the request's time in flight; the
	// stored expiry is still capped at the max age.
	tokenExpirySlack = time.Minute
	// tokenRetention is how long revoked and expired tokens stay listed
	// before Prune deletes them.
	tokenRetention = 30 * 24 * time.Hour
)

// DefaultTokenMaxAge is the longest lifetime of a token when
// Options.TokenMaxAge is zero (auth.token_max_age).
const DefaultTokenMaxAge = 90 * 24 * time.Hour

// Token states.
const (
	TokenActive  = "active"
	TokenExpired = "expired"
	TokenRevoked = "revoked"
)

// Token is an API token as its owner and administrators see it; never its secret.
type Token struct {
	ID            string
	Name          string
	Prefix        string
	Role          rbac.Role // as created
	EffectiveRole rbac.Role // the lesser of Role and the owner's current role
	State         string    // TokenActive, TokenExpired or TokenRevoked
	CreatedAt     time.Time
	ExpiresAt     time.Time
	LastUsedAt    *time.Time
	RevokedAt     *time.Time
	Owner         TokenOwner
}

// TokenOwner is the console user who created a token, as they are now.
type TokenOwner struct {
	ID    string
	Email string
	Name  string
	Role  rbac.Role
}

// NewToken is what a console user asks for.
type NewToken struct {
	Name      string
	Role      string
	ExpiresAt time.Time
}

// CreatedToken is a new token: its secret, returned only here, and its details.
type CreatedToken struct {
	Secret string
	Token  Token
}

// LogValue keeps the secret of a new token out of logs.
func (c CreatedToken) LogValue() slog.Value {
	return slog.GroupValue(slog.String("token_id", c.Token.ID), slog.String("prefix", c.Token.Prefix))
}

// Refusals about API tokens; match with errors.Is (by code).
var (
	// ErrTokenInvalid: the bearer token is malformed, unknown, expired or
	// revoked, or its creator was deleted. One answer for all, so a caller
	// learns nothing about tokens it does not hold; the cause is for the log.
	ErrTokenInvalid = &problem.Problem{Status: http.StatusUnauthorized, Code: "token_invalid",
		Message: "This API token is not valid.",
		Hint:    "It is unknown, expired or revoked, or its creator's account was deleted. Create a new one under API tokens in Headway and send it whole as Authorization: Bearer hw_…"}
	ErrTokenNotFound = &problem.Problem{Status: http.StatusNotFound, Code: "token_not_found",
		Message: "You have no API token with that id.",
		Hint:    "List your tokens with GET /tokens; administrators see everyone's with GET /tokens?all=true."}
	ErrTokenRoleTooHigh = &problem.Problem{Status: http.StatusForbidden, Code: "token_role_too_high",
		Message: "A token's role can be no higher than your own.",
		Hint:    "Choose a role whose capabilities are all among yours."}
	ErrTokenExpiryInvalid = &problem.Problem{Status: http.StatusBadRequest, Code: "token_expiry_invalid",
		Message: "Choose an expiry in the future, within the longest lifetime tokens may have.",
		Hint:    "GET /tokens tells the longest lifetime (maxAgeDays); auth.token_max_age sets it."}
	ErrTokenCannotCreateTokens = &problem.Problem{Status: http.StatusForbidden, Code: "token_cannot_create_tokens",
		Message: "An API token cannot create tokens.",
		Hint:    "Sign in to Headway and create the token there."}
	ErrConsoleUserRequired = &problem.Problem{Status: http.StatusForbidden, Code: "console_user_required",
		Message: "Only a console user can create API tokens; a Headscale API key is none.",
		Hint:    "Sign in with single sign-on and create the token there, or keep using the Headscale API key."}
	ErrTokenNameInvalid = &problem.Problem{Status: http.StatusBadRequest, Code: "token_name_invalid",
		Message: fmt.Sprintf("Give the token a name of 1 to %d characters, without control characters.", maxTokenNameLen),
		Hint:    "Name it after the script that uses it, for example backup-nightly."}
)

// IsToken reports whether a bearer credential is a Headway API token rather
// than a Headscale API key. A legacy Headscale key ("<7 characters>.<32>")
// may happen to start with "hw_", but it has a dot, which no token has.
func IsToken(credential string) bool {
	return strings.HasPrefix(credential, TokenPrefix) && !strings.Contains(credential, ".")
}

// TokenMaxAge is the longest lifetime a new token may have.
func (s *Service) TokenMaxAge() time.Duration { return s.tokenMaxAge }

// CreateToken creates an API token for p's console user. The token's role
// may be no higher than p's (ErrTokenRoleTooHigh; an unknown role matches
// rbac.ErrRoleInvalid); its expiry must be in the future and at most
// TokenMaxAge away (ErrTokenExpiryInvalid). A token cannot create tokens
// (ErrTokenCannotCreateTokens), nor can a Headscale API key
// (ErrConsoleUserRequired). Only the token's hash is stored; the creation is
// audited in the same transaction.
func (s *Service) CreateToken(ctx context.Context, p *Principal, n NewToken) (CreatedToken, error) {
	switch {
	case p.Kind == KindToken:
		return CreatedToken{}, ErrTokenCannotCreateTokens
	case p.User == nil:
		return CreatedToken{}, ErrConsoleUserRequired
	}
	name, err := tokenName(n.Name)
	if err != nil {
		return CreatedToken{}, err
	}
	role, err := rbac.ParseRole(n.Role)
	if err != nil {
		return CreatedToken{}, fmt.Errorf("create token: %w", err)
	}
	if !rbac.Role(p.User.Role).Set().Covers(role.Set()) {
		return CreatedToken{}, ErrTokenRoleTooHigh.With(fmt.Errorf("role %s above creator's %s", role, p.User.Role))
	}
	now := s.now()
	expires := n.ExpiresAt.Truncate(time.Microsecond)
	if !expires.After(now) || expires.After(now.Add(s.tokenMaxAge+tokenExpirySlack)) {
		return CreatedToken{}, s.expiryInvalid()
	}
	expires = minTime(expires, now.Add(s.tokenMaxAge))

	secret := TokenPrefix + randomToken()
	var created CreatedToken
	err = audit.InTx(ctx, s.store, func(q *store.Queries) error {
		row, err := q.CreateAPIToken(ctx, store.NewAPIToken{
			TokenHash: hashToken(secret), Prefix: secret[:tokenPrefixLen], ConsoleUserID: p.User.ID,
			Name: name, Role: string(role), CreatedAt: now, ExpiresAt: expires,
		})
		if err != nil {
			return err
		}
		audit.SetTarget(ctx, "token", formatID(row.ID))
		audit.SetChange(ctx, nil, auditRecord(row))
		created = CreatedToken{Secret: secret, Token: tokenView(store.APITokenWithOwner{APIToken: row, Owner: *p.User}, now)}
		return nil
	})
	if err != nil {
		return CreatedToken{}, fmt.Errorf("create token: %w", err)
	}
	return created, nil
}

// AuthenticateToken returns the principal of an API token sent as a bearer
// token: its creator, with the role lowered to the lesser of the token's and
// the creator's current one. Any token that does not work, whatever the
// reason, is ErrTokenInvalid. A use is recorded at most once a minute.
func (s *Service) AuthenticateToken(ctx context.Context, secret string) (*Principal, error) {
	if len(secret) != tokenLen || !strings.HasPrefix(secret, TokenPrefix) {
		return nil, ErrTokenInvalid.With(errors.New("malformed token"))
	}
	row, err := s.store.GetAPITokenByHash(ctx, hashToken(secret))
	if errors.Is(err, store.ErrNotFound) {
		// Unknown, or its creator was deleted and it with them.
		return nil, ErrTokenInvalid.With(errors.New("unknown token"))
	}
	if err != nil {
		return nil, fmt.Errorf("authenticate token: %w", err)
	}
	now := s.now()
	switch {
	case row.RevokedAt != nil:
		return nil, ErrTokenInvalid.With(fmt.Errorf("token %s revoked", row.Prefix))
	case !now.Before(row.ExpiresAt):
		return nil, ErrTokenInvalid.With(fmt.Errorf("token %s expired", row.Prefix))
	}
	if row.LastUsedAt == nil || now.Sub(*row.LastUsedAt) >= touchInterval {
		err := s.store.TouchAPIToken(ctx, row.ID, now)
		switch {
		case errors.Is(err, store.ErrNotFound):
			return nil, ErrTokenInvalid.With(fmt.Errorf("token %s deleted meanwhile", row.Prefix))
		case err != nil:
			// The token is valid; the use is recorded on a later request.
			s.log.WarnContext(ctx, "record token use", "token_id", row.ID, "error", err)
		}
	}
	user := row.Owner
	user.Role = string(rbac.Lesser(rbac.Role(row.Role), rbac.Role(user.Role)))
	return &Principal{
		Kind:      KindToken,
		User:      &user,
		ExpiresAt: row.ExpiresAt,
		TokenID:   formatID(row.ID),
		TokenName: row.Name,
	}, nil
}

// ListTokens returns p's own tokens, or with all every console user's,
// newest first, revoked and expired ones included until Prune deletes them.
// Whether p may see all is the caller's to decide (configure_iam). A
// principal without a console user owns no tokens.
func (s *Service) ListTokens(ctx context.Context, p *Principal, all bool) ([]Token, error) {
	var rows []store.APITokenWithOwner
	var err error
	switch {
	case all:
		rows, err = s.store.ListAPITokens(ctx)
	case p.User != nil:
		rows, err = s.store.ListAPITokensOfConsoleUser(ctx, p.User.ID)
	}
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	now := s.now()
	out := make([]Token, 0, len(rows))
	for _, r := range rows {
		out = append(out, tokenView(r, now))
	}
	return out, nil
}

// RevokeToken revokes token id at once: one of p's own, or with anyOwner
// (configure_iam, decided by the caller) anyone's. Any other id, existing or
// not, is ErrTokenNotFound. Revoking a revoked token changes nothing. The
// revocation is audited in the same transaction.
func (s *Service) RevokeToken(ctx context.Context, p *Principal, id string, anyOwner bool) error {
	tid, ok := parseID(id)
	if !ok {
		return ErrTokenNotFound
	}
	now := s.now()
	err := audit.InTx(ctx, s.store, func(q *store.Queries) error {
		row, err := q.LockAPIToken(ctx, tid)
		if errors.Is(err, store.ErrNotFound) {
			return ErrTokenNotFound.With(err)
		}
		if err != nil {
			return err
		}
		if !anyOwner && (p.User == nil || row.ConsoleUserID != p.User.ID) {
			return ErrTokenNotFound.With(fmt.Errorf("token %d belongs to console user %d", tid, row.ConsoleUserID))
		}
		revoked, err := q.RevokeAPIToken(ctx, tid, now)
		if err != nil {
			return err
		}
		audit.SetTarget(ctx, "token", id)
		audit.SetChange(ctx, auditRecord(row.APIToken), auditRecord(revoked))
		return nil
	})
	if err != nil {
		return fmt.Errorf("revoke token %s: %w", id, err)
	}
	return nil
}

// tokenName trims a token's name and checks it.
func tokenName(raw string) (string, error) {
	name := strings.TrimSpace(raw)
	if name == "" || utf8.RuneCountInString(name) > maxTokenNameLen || strings.IndexFunc(name, unicode.IsControl) >= 0 || !utf8.ValidString(name) {
		return "", ErrTokenNameInvalid
	}
	return name, nil
}

// expiryInvalid is ErrTokenExpiryInvalid saying how far ahead the expiry may lie.
func (s *Service) expiryInvalid() *problem.Problem {
	limit := s.tokenMaxAge.String()
	if s.tokenMaxAge%(24*time.Hour) == 0 {
		limit = fmt.Sprintf("%d days", s.tokenMaxAge/(24*time.Hour))
	}
	e := *ErrTokenExpiryInvalid
	e.Message = "Choose an expiry in the future, at most " + limit + " ahead."
	e.Hint = "Pick a date and time between now and " + limit + " from now; auth.token_max_age sets the limit."
	return &e
}

func tokenView(r store.APITokenWithOwner, now time.Time) Token {
	state := TokenActive
	switch {
	case r.RevokedAt != nil:
		state = TokenRevoked
	case !now.Before(r.ExpiresAt):
		state = TokenExpired
	}
	return Token{
		ID:            formatID(r.ID),
		Name:          r.Name,
		Prefix:        r.Prefix,
		Role:          rbac.Role(r.Role),
		EffectiveRole: rbac.Lesser(rbac.Role(r.Role), rbac.Role(r.Owner.Role)),
		State:         state,
		CreatedAt:     r.CreatedAt,
		ExpiresAt:     r.ExpiresAt,
		LastUsedAt:    r.LastUsedAt,
		RevokedAt:     r.RevokedAt,
		Owner:         TokenOwner{ID: formatID(r.Owner.ID), Email: r.Owner.Email, Name: r.Owner.Name, Role: rbac.Role(r.Owner.Role)},
	}
}

// tokenRecord is what the audit trail keeps of a token: never its secret.
type tokenRecord struct {
	Name      string     `json:"name"`
	Role      string     `json:"role"`
	Prefix    string     `json:"prefix"`
	ExpiresAt time.Time  `json:"expiresAt"`
	OwnerID   string     `json:"ownerId"`
	RevokedAt *time.Time `json:"revokedAt,omitempty"`
}

func auditRecord(t store.APIToken) tokenRecord {
	return tokenRecord{Name: t.Name, Role: t.Role, Prefix: t.Prefix, ExpiresAt: t.ExpiresAt,
		OwnerID: formatID(t.ConsoleUserID), RevokedAt: t.RevokedAt}
}
