package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// LoginAttempt is an OIDC sign-in in flight, between the redirect to the
// identity provider and its callback. State and browser binding are kept
// only as hashes.
type LoginAttempt struct {
	ID                 int64
	StateHash          []byte
	BrowserBindingHash []byte
	Nonce              string
	PKCEVerifier       string
	ReturnTo           string
	CreatedAt          time.Time
	ExpiresAt          time.Time
}

// NewLoginAttempt is what CreateLoginAttempt inserts.
type NewLoginAttempt struct {
	StateHash          []byte
	BrowserBindingHash []byte
	Nonce              string
	PKCEVerifier       string
	ReturnTo           string
	CreatedAt          time.Time
	ExpiresAt          time.Time
}

// loginAttemptColumns lists a login_attempts row in the order scanLoginAttempt reads.
const loginAttemptColumns = `id, state_hash, browser_binding_hash, nonce, pkce_verifier, return_to, created_at, expires_at`

func scanLoginAttempt(row pgx.CollectableRow) (LoginAttempt, error) {
	var a LoginAttempt
	err := row.Scan(&a.ID, &a.StateHash, &a.BrowserBindingHash, &a.Nonce, &a.PKCEVerifier,
		&a.ReturnTo, &a.CreatedAt, &a.ExpiresAt)
	return a, err
}

// CreateLoginAttempt inserts a login attempt and returns its id. A state hash
// already in use is ErrConflict.
func (q *Queries) CreateLoginAttempt(ctx context.Context, n NewLoginAttempt) (int64, error) {
	const sql = `INSERT INTO login_attempts
		(state_hash, browser_binding_hash, nonce, pkce_verifier, return_to, created_at, expires_at)
	VALUES ($1, $2, $3, $4, $5, $6, $7)
	RETURNING id`
	var id int64
	err := q.db.QueryRow(ctx, sql, n.StateHash, n.BrowserBindingHash, n.Nonce, n.PKCEVerifier,
		n.ReturnTo, n.CreatedAt, n.ExpiresAt).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: create login attempt: %w", classify(err))
	}
	return id, nil
}

// ConsumeLoginAttempt deletes the login attempt whose state hashes to
// stateHash and returns it: of callers racing on one state, only one gets it,
// the others (and any later caller) get ErrNotFound. Expiry is the caller's
// to check.
func (q *Queries) ConsumeLoginAttempt(ctx context.Context, stateHash []byte) (LoginAttempt, error) {
	const sql = `DELETE FROM login_attempts WHERE state_hash = $1 RETURNING ` + loginAttemptColumns
	rows, err := q.db.Query(ctx, sql, stateHash)
	if err != nil {
		return LoginAttempt{}, fmt.Errorf("store: consume login attempt: %w", classify(err))
	}
	a, err := pgx.CollectExactlyOneRow(rows, scanLoginAttempt)
	if err != nil {
		return LoginAttempt{}, fmt.Errorf("store: consume login attempt: %w", classify(err))
	}
	return a, nil
}

// HasLoginAttempts reports whether a login attempt bound to the browser
// binding that hashes to bindingHash is still open at now.
func (q *Queries) HasLoginAttempts(ctx context.Context, bindingHash []byte, now time.Time) (bool, error) {
	const sql = `SELECT EXISTS (SELECT 1 FROM login_attempts WHERE browser_binding_hash = $1 AND expires_at > $2)`
	var open bool
	if err := q.db.QueryRow(ctx, sql, bindingHash, now).Scan(&open); err != nil {
		return false, fmt.Errorf("store: has login attempts: %w", classify(err))
	}
	return open, nil
}

// DeleteExpiredLoginAttempts deletes every login attempt that expired at or
// before now and returns how many there were.
func (q *Queries) DeleteExpiredLoginAttempts(ctx context.Context, now time.Time) (int64, error) {
	const sql = `DELETE FROM login_attempts WHERE expires_at <= $1`
	tag, err := q.db.Exec(ctx, sql, now)
	if err != nil {
		return 0, fmt.Errorf("store: delete expired login attempts: %w", classify(err))
	}
	return tag.RowsAffected(), nil
}
