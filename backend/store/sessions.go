package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Session kinds, as the sessions_kind_check constraint allows them.
const (
	SessionKindOIDC   = "oidc"
	SessionKindAPIKey = "api_key"
)

// Session is a signed-in browser. Only the hash of its token is kept; the
// ciphertexts are sealed by the auth package and opaque here.
type Session struct {
	ID                int64
	TokenHash         []byte
	Kind              string
	ConsoleUserID     *int64 // nil for api_key sessions
	APIKeyCiphertext  []byte
	APIKeyPrefix      string
	IDTokenCiphertext []byte
	CSRFToken         string
	UserAgent         string
	ClientIP          string
	CreatedAt         time.Time
	LastSeenAt        time.Time
	IdleExpiresAt     time.Time
	ExpiresAt         time.Time
}

// SessionWithUser is a session and its console user (nil for api_key sessions).
type SessionWithUser struct {
	Session
	User *ConsoleUser
}

// NewSession is what CreateSession inserts. Ciphertexts are set afterwards by
// SetSessionSecrets, once the id they are bound to is known.
type NewSession struct {
	TokenHash     []byte
	Kind          string
	ConsoleUserID *int64
	APIKeyPrefix  string
	CSRFToken     string
	UserAgent     string
	ClientIP      string
	CreatedAt     time.Time // also the first last_seen_at
	IdleExpiresAt time.Time
	ExpiresAt     time.Time
}

// sessionColumns lists a sessions row in the order scanSession reads.
const sessionColumns = `id, token_hash, kind, console_user_id, api_key_ciphertext, api_key_prefix,
	id_token_ciphertext, csrf_token, user_agent, client_ip,
	created_at, last_seen_at, idle_expires_at, expires_at`

func scanSession(row pgx.CollectableRow) (Session, error) {
	var s Session
	err := row.Scan(s.fields()...)
	return s, err
}

func (s *Session) fields() []any {
	return []any{&s.ID, &s.TokenHash, &s.Kind, &s.ConsoleUserID, &s.APIKeyCiphertext, &s.APIKeyPrefix,
		&s.IDTokenCiphertext, &s.CSRFToken, &s.UserAgent, &s.ClientIP,
		&s.CreatedAt, &s.LastSeenAt, &s.IdleExpiresAt, &s.ExpiresAt}
}

// CreateSession inserts a session and returns it with its new id. A token
// hash already in use is ErrConflict.
func (q *Queries) CreateSession(ctx context.Context, n NewSession) (Session, error) {
	const sql = `INSERT INTO sessions
		(token_hash, kind, console_user_id, api_key_prefix, csrf_token, user_agent, client_ip,
		 created_at, last_seen_at, idle_expires_at, expires_at)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10)
	RETURNING ` + sessionColumns
	rows, err := q.db.Query(ctx, sql, n.TokenHash, n.Kind, n.ConsoleUserID, n.APIKeyPrefix, n.CSRFToken,
		n.UserAgent, n.ClientIP, n.CreatedAt, n.IdleExpiresAt, n.ExpiresAt)
	if err != nil {
		return Session{}, fmt.Errorf("store: create session: %w", classify(err))
	}
	s, err := pgx.CollectExactlyOneRow(rows, scanSession)
	if err != nil {
		return Session{}, fmt.Errorf("store: create session: %w", classify(err))
	}
	return s, nil
}

// SetSessionSecrets stores the sealed API key and ID token of session id (nil
// for none), or returns ErrNotFound.
func (q *Queries) SetSessionSecrets(ctx context.Context, id int64, apiKeyCiphertext, idTokenCiphertext []byte) error {
	const sql = `UPDATE sessions SET api_key_ciphertext = $2, id_token_ciphertext = $3 WHERE id = $1`
	tag, err := q.db.Exec(ctx, sql, id, apiKeyCiphertext, idTokenCiphertext)
	if err != nil {
		return fmt.Errorf("store: set secrets of session %d: %w", id, classify(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("store: set secrets of session %d: %w", id, ErrNotFound)
	}
	return nil
}

// GetSessionByTokenHash returns the session whose token hashes to hash, with
// its console user, in one indexed lookup; ErrNotFound when there is none.
// Expiry is the caller's to check.
func (q *Queries) GetSessionByTokenHash(ctx context.Context, hash []byte) (SessionWithUser, error) {
	// The user's columns are coalesced so that the LEFT JOIN's all-NULL row of
	// an api_key session scans; u.id tells whether a user was joined.
	const sql = `SELECT s.id, s.token_hash, s.kind, s.console_user_id, s.api_key_ciphertext, s.api_key_prefix,
		s.id_token_ciphertext, s.csrf_token, s.user_agent, s.client_ip,
		s.created_at, s.last_seen_at, s.idle_expires_at, s.expires_at,
		u.id, coalesce(u.issuer, ''), coalesce(u.subject, ''), coalesce(u.email, ''),
		coalesce(u.email_verified, false), coalesce(u.name, ''), coalesce(u.preferred_username, ''),
		coalesce(u.picture, ''), coalesce(u.groups, '{}'), coalesce(u.role, ''),
		coalesce(u.role_pinned, false), coalesce(u.headscale_user_id, ''),
		coalesce(u.onboarding_done, false), coalesce(u.created_at, 'epoch'),
		coalesce(u.updated_at, 'epoch'), u.last_login_at
	FROM sessions s LEFT JOIN console_users u ON u.id = s.console_user_id
	WHERE s.token_hash = $1`
	rows, err := q.db.Query(ctx, sql, hash)
	if err != nil {
		return SessionWithUser{}, fmt.Errorf("store: get session by token: %w", classify(err))
	}
	su, err := pgx.CollectExactlyOneRow(rows, func(row pgx.CollectableRow) (SessionWithUser, error) {
		var su SessionWithUser
		var u ConsoleUser
		var userID *int64
		dest := append(su.fields(), &userID, &u.Issuer, &u.Subject, &u.Email,
			&u.EmailVerified, &u.Name, &u.PreferredUsername,
			&u.Picture, &u.Groups, &u.Role,
			&u.RolePinned, &u.HeadscaleUserID,
			&u.OnboardingDone, &u.CreatedAt,
			&u.UpdatedAt, &u.LastLoginAt)
		if err := row.Scan(dest...); err != nil {
			return su, err
		}
		if userID != nil {
			u.ID = *userID
			su.User = &u
		}
		return su, nil
	})
	if err != nil {
		return SessionWithUser{}, fmt.Errorf("store: get session by token: %w", classify(err))
	}
	return su, nil
}

// GetSession returns the session with the id, or ErrNotFound.
func (q *Queries) GetSession(ctx context.Context, id int64) (Session, error) {
	const sql = `SELECT ` + sessionColumns + ` FROM sessions WHERE id = $1`
	rows, err := q.db.Query(ctx, sql, id)
	if err != nil {
		return Session{}, fmt.Errorf("store: get session %d: %w", id, classify(err))
	}
	s, err := pgx.CollectExactlyOneRow(rows, scanSession)
	if err != nil {
		return Session{}, fmt.Errorf("store: get session %d: %w", id, classify(err))
	}
	return s, nil
}

// TouchSession records a use of session id: last_seen_at and the sliding
// idle expiry. ErrNotFound when the session is gone.
func (q *Queries) TouchSession(ctx context.Context, id int64, lastSeenAt, idleExpiresAt time.Time) error {
	const sql = `UPDATE sessions SET last_seen_at = $2, idle_expires_at = $3 WHERE id = $1`
	tag, err := q.db.Exec(ctx, sql, id, lastSeenAt, idleExpiresAt)
	if err != nil {
		return fmt.Errorf("store: touch session %d: %w", id, classify(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("store: touch session %d: %w", id, ErrNotFound)
	}
	return nil
}

// ListLiveSessionsOfConsoleUser returns the sessions of the console user that
// have neither expiry behind them at now, newest first.
func (q *Queries) ListLiveSessionsOfConsoleUser(ctx context.Context, consoleUserID int64, now time.Time) ([]Session, error) {
	const sql = `SELECT ` + sessionColumns + ` FROM sessions
	WHERE console_user_id = $1 AND expires_at > $2 AND idle_expires_at > $2
	ORDER BY created_at DESC, id DESC`
	rows, err := q.db.Query(ctx, sql, consoleUserID, now)
	if err != nil {
		return nil, fmt.Errorf("store: list sessions of console user %d: %w", consoleUserID, classify(err))
	}
	sessions, err := pgx.CollectRows(rows, scanSession)
	if err != nil {
		return nil, fmt.Errorf("store: list sessions of console user %d: %w", consoleUserID, classify(err))
	}
	return sessions, nil
}

// DeleteSession deletes the session with the id and returns what it held, or
// ErrNotFound.
func (q *Queries) DeleteSession(ctx context.Context, id int64) (Session, error) {
	const sql = `DELETE FROM sessions WHERE id = $1 RETURNING ` + sessionColumns
	rows, err := q.db.Query(ctx, sql, id)
	if err != nil {
		return Session{}, fmt.Errorf("store: delete session %d: %w", id, classify(err))
	}
	s, err := pgx.CollectExactlyOneRow(rows, scanSession)
	if err != nil {
		return Session{}, fmt.Errorf("store: delete session %d: %w", id, classify(err))
	}
	return s, nil
}

// DeleteSessionOfConsoleUser deletes session id if it belongs to the console
// user and returns what it held; ErrNotFound otherwise, whether or not the
// id exists.
func (q *Queries) DeleteSessionOfConsoleUser(ctx context.Context, id, consoleUserID int64) (Session, error) {
	const sql = `DELETE FROM sessions WHERE id = $1 AND console_user_id = $2 RETURNING ` + sessionColumns
	rows, err := q.db.Query(ctx, sql, id, consoleUserID)
	if err != nil {
		return Session{}, fmt.Errorf("store: delete session %d of console user %d: %w", id, consoleUserID, classify(err))
	}
	s, err := pgx.CollectExactlyOneRow(rows, scanSession)
	if err != nil {
		return Session{}, fmt.Errorf("store: delete session %d of console user %d: %w", id, consoleUserID, classify(err))
	}
	return s, nil
}

// DeleteExpiredSessions deletes every session with either expiry at or
// before now and returns how many there were.
func (q *Queries) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	const sql = `DELETE FROM sessions WHERE expires_at <= $1 OR idle_expires_at <= $1`
	tag, err := q.db.Exec(ctx, sql, now)
	if err != nil {
		return 0, fmt.Errorf("store: delete expired sessions: %w", classify(err))
	}
	return tag.RowsAffected(), nil
}
