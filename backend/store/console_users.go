package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// ConsoleUser is a person who signs in to Headway. Nullable text columns read
// as "" and a missing last sign-in as nil.
type ConsoleUser struct {
	ID                int64
	Issuer            string // OIDC issuer; "" for users that do not sign in through OIDC
	Subject           string // OIDC subject at that issuer
	Email             string
	EmailVerified     bool
	Name              string
	PreferredUsername string
	Picture           string
	Groups            []string
	Role              string
	RolePinned        bool
	HeadscaleUserID   string // the linked Headscale user, "" when not linked
	OnboardingDone    bool
	CreatedAt         time.Time
	UpdatedAt         time.Time
	LastLoginAt       *time.Time
}

// ConsoleUserProfile is what an OIDC sign-in knows about a console user.
type ConsoleUserProfile struct {
	Issuer            string
	Subject           string
	Email             string
	EmailVerified     bool
	Name              string
	PreferredUsername string
	Picture           string
	Groups            []string
}

// consoleUserColumns lists a console_users row in the order scanConsoleUser reads.
const consoleUserColumns = `id, coalesce(issuer, ''), coalesce(subject, ''), email, email_verified,
	name, preferred_username, picture, groups, role, role_pinned,
	coalesce(headscale_user_id, ''), onboarding_done, created_at, updated_at, last_login_at`

func scanConsoleUser(row pgx.CollectableRow) (ConsoleUser, error) {
	var u ConsoleUser
	err := row.Scan(&u.ID, &u.Issuer, &u.Subject, &u.Email, &u.EmailVerified,
		&u.Name, &u.PreferredUsername, &u.Picture, &u.Groups, &u.Role, &u.RolePinned,
		&u.HeadscaleUserID, &u.OnboardingDone, &u.CreatedAt, &u.UpdatedAt, &u.LastLoginAt)
	return u, err
}

// UpsertOIDCConsoleUser records a sign-in of the OIDC identity (p.Issuer,
// p.Subject) at now: a new user is inserted with the default role, a known
// one has its profile fields and last_login_at refreshed. Role, link and
// onboarding state are never changed here.
func (q *Queries) UpsertOIDCConsoleUser(ctx context.Context, p ConsoleUserProfile, now time.Time) (ConsoleUser, error) {
	const sql = `INSERT INTO console_users
		(issuer, subject, email, email_verified, name, preferred_username, picture, groups,
		 created_at, updated_at, last_login_at)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $9)
	ON CONFLICT ON CONSTRAINT console_users_issuer_subject_key DO UPDATE SET
		email = EXCLUDED.email,
		email_verified = EXCLUDED.email_verified,
		name = EXCLUDED.name,
		preferred_username = EXCLUDED.preferred_username,
		picture = EXCLUDED.picture,
		groups = EXCLUDED.groups,
		updated_at = EXCLUDED.updated_at,
		last_login_at = EXCLUDED.last_login_at
	RETURNING ` + consoleUserColumns
	groups := p.Groups
	if groups == nil {
		groups = []string{} // a nil slice would be NULL
	}
	rows, err := q.db.Query(ctx, sql, p.Issuer, p.Subject, p.Email, p.EmailVerified,
		p.Name, p.PreferredUsername, p.Picture, groups, now)
	if err != nil {
		return ConsoleUser{}, fmt.Errorf("store: upsert console user: %w", classify(err))
	}
	u, err := pgx.CollectExactlyOneRow(rows, scanConsoleUser)
	if err != nil {
		return ConsoleUser{}, fmt.Errorf("store: upsert console user: %w", classify(err))
	}
	return u, nil
}

// GetConsoleUser returns the console user with the id, or ErrNotFound.
func (q *Queries) GetConsoleUser(ctx context.Context, id int64) (ConsoleUser, error) {
	const sql = `SELECT ` + consoleUserColumns + ` FROM console_users WHERE id = $1`
	rows, err := q.db.Query(ctx, sql, id)
	if err != nil {
		return ConsoleUser{}, fmt.Errorf("store: get console user %d: %w", id, classify(err))
	}
	u, err := pgx.CollectExactlyOneRow(rows, scanConsoleUser)
	if err != nil {
		return ConsoleUser{}, fmt.Errorf("store: get console user %d: %w", id, classify(err))
	}
	return u, nil
}
