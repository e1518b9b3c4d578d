package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// APIToken is a personal API token. The token itself is never stored, only
// its SHA-256, which lookups match on and which is not read back.
type APIToken struct {
	ID            int64
	Prefix        string // "hw_" and the token's next 8 characters
	ConsoleUserID int64  // the creator
	Name          string
	Role          string // as created; the creator's current role may lower it
	CreatedAt     time.Time
	ExpiresAt     time.Time
	LastUsedAt    *time.Time
	RevokedAt     *time.Time
}

// APITokenWithOwner is a token with its creator as the creator is now.
type APITokenWithOwner struct {
	APIToken
	Owner ConsoleUser
}

// NewAPIToken is what CreateAPIToken inserts.
type NewAPIToken struct {
	TokenHash     []byte
	Prefix        string
	ConsoleUserID int64
	Name          string
	Role          string
	CreatedAt     time.Time
	ExpiresAt     time.Time
}

// apiTokenColumns lists an api_tokens row (aliased t) in the order
// APIToken.fields reads.
const apiTokenColumns = `t.id, t.prefix, t.console_user_id, t.name, t.role,
	t.created_at, t.expires_at, t.last_used_at, t.revoked_at`

// apiTokenWithOwnerColumns adds the creator's console_users row (aliased u).
// The join is an inner one: a token dies with its creator (ON DELETE CASCADE).
const apiTokenWithOwnerColumns = apiTokenColumns + `,
	u.id, coalesce(u.issuer, ''), coalesce(u.subject, ''), u.email, u.email_verified,
	u.name, u.preferred_username, u.picture, u.groups, u.role, u.role_pinned,
	coalesce(u.headscale_user_id, ''), u.onboarding_done, u.created_at, u.updated_at, u.last_login_at`

func (t *APIToken) fields() []any {
	return []any{&t.ID, &t.Prefix, &t.ConsoleUserID, &t.Name, &t.Role,
		&t.CreatedAt, &t.ExpiresAt, &t.LastUsedAt, &t.RevokedAt}
}

func scanAPIToken(row pgx.CollectableRow) (APIToken, error) {
	var t APIToken
	err := row.Scan(t.fields()...)
	return t, err
}

func scanAPITokenWithOwner(row pgx.CollectableRow) (APITokenWithOwner, error) {
	var t APITokenWithOwner
	u := &t.Owner
	dest := append(t.fields(), &u.ID, &u.Issuer, &u.Subject, &u.Email, &u.EmailVerified,
		&u.Name, &u.PreferredUsername, &u.Picture, &u.Groups, &u.Role, &u.RolePinned,
		&u.HeadscaleUserID, &u.OnboardingDone, &u.CreatedAt, &u.UpdatedAt, &u.LastLoginAt)
	err := row.Scan(dest...)
	return t, err
}

// CreateAPIToken inserts a token and returns it with its new id. A token hash
// already in use is ErrConflict.
func (q *Queries) CreateAPIToken(ctx context.Context, n NewAPIToken) (APIToken, error) {
	const sql = `INSERT INTO api_tokens AS t
		(token_hash, prefix, console_user_id, name, role, created_at, expires_at)
	VALUES ($1, $2, $3, $4, $5, $6, $7)
	RETURNING ` + apiTokenColumns
	rows, err := q.db.Query(ctx, sql, n.TokenHash, n.Prefix, n.ConsoleUserID, n.Name, n.Role, n.CreatedAt, n.ExpiresAt)
	if err != nil {
		return APIToken{}, fmt.Errorf("store: create api token: %w", classify(err))
	}
	t, err := pgx.CollectExactlyOneRow(rows, scanAPIToken)
	if err != nil {
		return APIToken{}, fmt.Errorf("store: create api token: %w", classify(err))
	}
	return t, nil
}

// GetAPITokenByHash returns the token whose secret hashes to hash, with its
// creator, in one indexed lookup; ErrNotFound when there is none. Expiry and
// revocation are the caller's to check.
func (q *Queries) GetAPITokenByHash(ctx context.Context, hash []byte) (APITokenWithOwner, error) {
	const sql = `SELECT ` + apiTokenWithOwnerColumns + `
	FROM api_tokens t JOIN console_users u ON u.id = t.console_user_id
	WHERE t.token_hash = $1`
	return q.oneAPITokenWithOwner(ctx, "get api token by hash", sql, hash)
}

// LockAPIToken returns token id, locked FOR UPDATE until the transaction
// ends, or ErrNotFound. Use it inside InTx before revoking.
func (q *Queries) LockAPIToken(ctx context.Context, id int64) (APITokenWithOwner, error) {
	const sql = `SELECT ` + apiTokenWithOwnerColumns + `
	FROM api_tokens t JOIN console_users u ON u.id = t.console_user_id
	WHERE t.id = $1
	FOR UPDATE OF t`
	return q.oneAPITokenWithOwner(ctx, fmt.Sprintf("lock api token %d", id), sql, id)
}

// ListAPITokensOfConsoleUser returns the console user's tokens, revoked and
// expired ones included, newest first.
func (q *Queries) ListAPITokensOfConsoleUser(ctx context.Context, consoleUserID int64) ([]APITokenWithOwner, error) {
	const sql = `SELECT ` + apiTokenWithOwnerColumns + `
	FROM api_tokens t JOIN console_users u ON u.id = t.console_user_id
	WHERE t.console_user_id = $1
	ORDER BY t.created_at DESC, t.id DESC`
	return q.listAPITokens(ctx, fmt.Sprintf("list api tokens of console user %d", consoleUserID), sql, consoleUserID)
}

// ListAPITokens returns every console user's tokens, revoked and expired ones
// included, newest first.
func (q *Queries) ListAPITokens(ctx context.Context) ([]APITokenWithOwner, error) {
	const sql = `SELECT ` + apiTokenWithOwnerColumns + `
	FROM api_tokens t JOIN console_users u ON u.id = t.console_user_id
	ORDER BY t.created_at DESC, t.id DESC`
	return q.listAPITokens(ctx, "list api tokens", sql)
}

// RevokeAPIToken marks token id revoked at now and returns it; a token
// already revoked keeps its first revocation time. ErrNotFound for an
// unknown id.
func (q *Queries) RevokeAPIToken(ctx context.Context, id int64, now time.Time) (APIToken, error) {
	const sql = `UPDATE api_tokens AS t SET revoked_at = coalesce(t.revoked_at, $2)
	WHERE t.id = $1
	RETURNING ` + apiTokenColumns
	rows, err := q.db.Query(ctx, sql, id, now)
	if err != nil {
		return APIToken{}, fmt.Errorf("store: revoke api token %d: %w", id, classify(err))
	}
	t, err := pgx.CollectExactlyOneRow(rows, scanAPIToken)
	if err != nil {
		return APIToken{}, fmt.Errorf("store: revoke api token %d: %w", id, classify(err))
	}
	return t, nil
}

// TouchAPIToken records a use of token id at now. ErrNotFound when the token
// is gone.
func (q *Queries) TouchAPIToken(ctx context.Context, id int64, now time.Time) error {
	const sql = `UPDATE api_tokens SET last_used_at = $2 WHERE id = $1`
	tag, err := q.db.Exec(ctx, sql, id, now)
	if err != nil {
		return fmt.Errorf("store: touch api token %d: %w", id, classify(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("store: touch api token %d: %w", id, ErrNotFound)
	}
	return nil
}

// DeleteStaleAPITokens deletes the tokens that expired or were revoked at or
// before cutoff and returns how many there were.
func (q *Queries) DeleteStaleAPITokens(ctx context.Context, cutoff time.Time) (int64, error) {
	const sql = `DELETE FROM api_tokens WHERE expires_at <= $1 OR revoked_at <= $1`
	tag, err := q.db.Exec(ctx, sql, cutoff)
	if err != nil {
		return 0, fmt.Errorf("store: delete stale api tokens: %w", classify(err))
	}
	return tag.RowsAffected(), nil
}

func (q *Queries) oneAPITokenWithOwner(ctx context.Context, op, sql string, args ...any) (APITokenWithOwner, error) {
	rows, err := q.db.Query(ctx, sql, args...)
	if err != nil {
		return APITokenWithOwner{}, fmt.Errorf("store: %s: %w", op, classify(err))
	}
	t, err := pgx.CollectExactlyOneRow(rows, scanAPITokenWithOwner)
	if err != nil {
		return APITokenWithOwner{}, fmt.Errorf("store: %s: %w", op, classify(err))
	}
	return t, nil
}

func (q *Queries) listAPITokens(ctx context.Context, op, sql string, args ...any) ([]APITokenWithOwner, error) {
	rows, err := q.db.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", op, classify(err))
	}
	tokens, err := pgx.CollectRows(rows, scanAPITokenWithOwner)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", op, classify(err))
	}
	return tokens, nil
}
