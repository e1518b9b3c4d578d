package store

import (
	"context"
	"errors"
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
	// Role is the role the identity provider's claims give (oidc.role_mapping
	// and oidc.default_role); "" means member. It is never "owner".
	Role string
}

// Roles as stored in console_users.role.
const (
	roleOwner  = "owner"
	roleMember = "member"
)

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
// p.Subject) at now. A new user is inserted with the claimed role p.Role; a
// known one has its profile fields and last_login_at refreshed, and takes the
// claimed role unless an administrator pinned its role or it is the owner.
// Link and onboarding state are never changed here.
//
// Then, while the console has no owner, this user becomes the owner: the
// first OIDC sign-in bootstraps ownership. When concurrent sign-ins race for
// it, the single-owner index lets exactly one win; the others keep their
// claimed role. Call it inside InTx so that the sign-in and the bootstrap
// commit together.
func (q *Queries) UpsertOIDCConsoleUser(ctx context.Context, p ConsoleUserProfile, now time.Time) (ConsoleUser, error) {
	const sql = `INSERT INTO console_users
		(issuer, subject, email, email_verified, name, preferred_username, picture, groups, role,
		 created_at, updated_at, last_login_at)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $10)
	ON CONFLICT ON CONSTRAINT console_users_issuer_subject_key DO UPDATE SET
		email = EXCLUDED.email,
		email_verified = EXCLUDED.email_verified,
		name = EXCLUDED.name,
		preferred_username = EXCLUDED.preferred_username,
		picture = EXCLUDED.picture,
		groups = EXCLUDED.groups,
		role = CASE WHEN console_users.role_pinned OR console_users.role = 'owner'
			THEN console_users.role ELSE EXCLUDED.role END,
		updated_at = EXCLUDED.updated_at,
		last_login_at = EXCLUDED.last_login_at
	RETURNING ` + consoleUserColumns
	role := p.Role
	switch role {
	case "":
		role = roleMember
	case roleOwner:
		return ConsoleUser{}, errors.New("store: upsert console user: claims cannot give the owner role")
	}
	groups := p.Groups
	if groups == nil {
		groups = []string{} // a nil slice would be NULL
	}
	rows, err := q.db.Query(ctx, sql, p.Issuer, p.Subject, p.Email, p.EmailVerified,
		p.Name, p.PreferredUsername, p.Picture, groups, role, now)
	if err != nil {
		return ConsoleUser{}, fmt.Errorf("store: upsert console user: %w", classify(err))
	}
	u, err := pgx.CollectExactlyOneRow(rows, scanConsoleUser)
	if err != nil {
		return ConsoleUser{}, fmt.Errorf("store: upsert console user: %w", classify(err))
	}
	if u.Role == roleOwner {
		return u, nil
	}
	won, err := q.bootstrapOwner(ctx, u.ID, now)
	if err != nil {
		return ConsoleUser{}, fmt.Errorf("store: upsert console user: %w", err)
	}
	if won {
		u.Role, u.UpdatedAt = roleOwner, now
	}
	return u, nil
}

// bootstrapOwner makes console user id the owner when there is none, and
// reports whether it did. The update runs in a savepoint (a transaction of
// its own on the pool): when a concurrent sign-in becomes the owner first,
// the single-owner index rejects this one with a unique violation, which
// rolls back only the savepoint.
func (q *Queries) bootstrapOwner(ctx context.Context, id int64, now time.Time) (bool, error) {
	const sql = `UPDATE console_users SET role = 'owner', updated_at = $2
	WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM console_users WHERE role = 'owner')`
	b, ok := q.db.(interface {
		Begin(ctx context.Context) (pgx.Tx, error)
	})
	if !ok {
		return false, errors.New("bootstrap owner: database handle cannot begin a transaction")
	}
	var won bool
	err := pgx.BeginFunc(ctx, b, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, sql, id, now)
		won = err == nil && tag.RowsAffected() == 1
		return err
	})
	if isCode(err, codeUniqueViolation) {
		return false, nil // another sign-in became the owner meanwhile
	}
	if err != nil {
		return false, fmt.Errorf("bootstrap owner: %w", err)
	}
	return won, nil
}

// GetConsoleUser returns the console user with the id, or ErrNotFound.
func (q *Queries) GetConsoleUser(ctx context.Context, id int64) (ConsoleUser, error) {
	const sql = `SELECT ` + consoleUserColumns + ` FROM console_users WHERE id = $1`
	return q.oneConsoleUser(ctx, "get console user", id, sql, id)
}

// LockConsoleUser returns the console user with the id, locked FOR UPDATE
// until the transaction ends, or ErrNotFound. Use it inside InTx before a
// change that depends on the row's current role or link.
func (q *Queries) LockConsoleUser(ctx context.Context, id int64) (ConsoleUser, error) {
	const sql = `SELECT ` + consoleUserColumns + ` FROM console_users WHERE id = $1 FOR UPDATE`
	return q.oneConsoleUser(ctx, "lock console user", id, sql, id)
}

// ListConsoleUsers returns every console user, the owner first, then by
// name (or email when there is no name), then by id.
func (q *Queries) ListConsoleUsers(ctx context.Context) ([]ConsoleUser, error) {
	const sql = `SELECT ` + consoleUserColumns + ` FROM console_users
	ORDER BY role = 'owner' DESC, lower(coalesce(nullif(name, ''), email)), id`
	return q.listConsoleUsers(ctx, "list console users", sql)
}

// ListConsoleUsersWithRoles returns the console users holding one of roles,
// ordered as ListConsoleUsers.
func (q *Queries) ListConsoleUsersWithRoles(ctx context.Context, roles []string) ([]ConsoleUser, error) {
	const sql = `SELECT ` + consoleUserColumns + ` FROM console_users WHERE role = ANY($1)
	ORDER BY role = 'owner' DESC, lower(coalesce(nullif(name, ''), email)), id`
	if roles == nil {
		roles = []string{}
	}
	return q.listConsoleUsers(ctx, "list console users by role", sql, roles)
}

// SetConsoleUserRole gives console user id the role and sets whether it is
// pinned (sign-ins then leave it alone). The owner role is never set here
// (see TransferOwnership), and the owner's role is never changed here: both
// are refused with ErrConflict. An unknown id is ErrNotFound.
func (q *Queries) SetConsoleUserRole(ctx context.Context, id int64, role string, pinned bool, now time.Time) (ConsoleUser, error) {
	const sql = `UPDATE console_users SET role = $2, role_pinned = $3, updated_at = $4
	WHERE id = $1 AND role <> 'owner'
	RETURNING ` + consoleUserColumns
	const op = "set console user role"
	if role == roleOwner {
		return ConsoleUser{}, fmt.Errorf("store: %s %d: %w: the owner role moves only by transfer", op, id, ErrConflict)
	}
	u, err := q.oneConsoleUser(ctx, op, id, sql, id, role, pinned, now)
	if !errors.Is(err, ErrNotFound) {
		return u, err
	}
	if _, gerr := q.GetConsoleUser(ctx, id); gerr != nil {
		return ConsoleUser{}, gerr
	}
	return ConsoleUser{}, fmt.Errorf("store: %s %d: %w: the owner's role moves only by transfer", op, id, ErrConflict)
}

// SetConsoleUserRolePinned sets whether console user id's role is pinned.
// An unknown id is ErrNotFound.
func (q *Queries) SetConsoleUserRolePinned(ctx context.Context, id int64, pinned bool, now time.Time) (ConsoleUser, error) {
	const sql = `UPDATE console_users SET role_pinned = $2, updated_at = $3 WHERE id = $1
	RETURNING ` + consoleUserColumns
	return q.oneConsoleUser(ctx, "set console user role pinned", id, sql, id, pinned, now)
}

// LinkConsoleUser links console user id to the Headscale user hsUserID,
// replacing any link it had. ErrConflict when another console user is linked
// to hsUserID; ErrNotFound for an unknown id.
func (q *Queries) LinkConsoleUser(ctx context.Context, id int64, hsUserID string, now time.Time) (ConsoleUser, error) {
	const sql = `UPDATE console_users SET headscale_user_id = $2, updated_at = $3 WHERE id = $1
	RETURNING ` + consoleUserColumns
	return q.oneConsoleUser(ctx, "link console user", id, sql, id, hsUserID, now)
}

// LinkUnlinkedConsoleUser links console user id to the Headscale user
// hsUserID only while it is linked to none. ErrConflict when it is already
// linked or when another console user is linked to hsUserID; ErrNotFound for
// an unknown id.
func (q *Queries) LinkUnlinkedConsoleUser(ctx context.Context, id int64, hsUserID string, now time.Time) (ConsoleUser, error) {
	const sql = `UPDATE console_users SET headscale_user_id = $2, updated_at = $3
	WHERE id = $1 AND headscale_user_id IS NULL
	RETURNING ` + consoleUserColumns
	const op = "link unlinked console user"
	u, err := q.oneConsoleUser(ctx, op, id, sql, id, hsUserID, now)
	if !errors.Is(err, ErrNotFound) {
		return u, err
	}
	if _, gerr := q.GetConsoleUser(ctx, id); gerr != nil {
		return ConsoleUser{}, gerr
	}
	return ConsoleUser{}, fmt.Errorf("store: %s %d: %w: already linked", op, id, ErrConflict)
}

// UnlinkConsoleUser removes console user id's link, if any. An unknown id is
// ErrNotFound.
func (q *Queries) UnlinkConsoleUser(ctx context.Context, id int64, now time.Time) (ConsoleUser, error) {
	const sql = `UPDATE console_users SET headscale_user_id = NULL, updated_at = $2 WHERE id = $1
	RETURNING ` + consoleUserColumns
	return q.oneConsoleUser(ctx, "unlink console user", id, sql, id, now)
}

// ClearConsoleUserLink removes console user id's link only while it still
// points at hsUserID (the Headscale user is gone), so a link made meanwhile
// survives. It returns the user as it is afterwards; ErrNotFound for an
// unknown id.
func (q *Queries) ClearConsoleUserLink(ctx context.Context, id int64, hsUserID string, now time.Time) (ConsoleUser, error) {
	const sql = `UPDATE console_users SET headscale_user_id = NULL, updated_at = $3
	WHERE id = $1 AND headscale_user_id = $2
	RETURNING ` + consoleUserColumns
	u, err := q.oneConsoleUser(ctx, "clear console user link", id, sql, id, hsUserID, now)
	if errors.Is(err, ErrNotFound) {
		return q.GetConsoleUser(ctx, id)
	}
	return u, err
}

// SetOnboardingDone records that console user id finished or skipped
// onboarding. An unknown id is ErrNotFound.
func (q *Queries) SetOnboardingDone(ctx context.Context, id int64, now time.Time) (ConsoleUser, error) {
	const sql = `UPDATE console_users SET onboarding_done = true, updated_at = $2 WHERE id = $1
	RETURNING ` + consoleUserColumns
	return q.oneConsoleUser(ctx, "set onboarding done", id, sql, id, now)
}

// DeleteConsoleUser deletes console user id; their sessions go with it. An
// unknown id is ErrNotFound.
func (q *Queries) DeleteConsoleUser(ctx context.Context, id int64) error {
	const sql = `DELETE FROM console_users WHERE id = $1`
	tag, err := q.db.Exec(ctx, sql, id)
	if err != nil {
		return fmt.Errorf("store: delete console user %d: %w", id, classify(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("store: delete console user %d: %w", id, ErrNotFound)
	}
	return nil
}

// TransferOwnership makes console user to the owner and the owner from an
// admin, with that role pinned so that sign-ins keep it. It demotes first and
// then promotes, so the single-owner index never sees two owners; run it
// inside InTx so both changes commit together. ErrNotFound when to does not
// exist; ErrConflict when from is not the owner (or to is from). It returns
// the new owner.
func (q *Queries) TransferOwnership(ctx context.Context, from, to int64, now time.Time) (ConsoleUser, error) {
	const demote = `UPDATE console_users SET role = 'admin', role_pinned = true, updated_at = $2
	WHERE id = $1 AND role = 'owner'`
	const promote = `UPDATE console_users SET role = 'owner', role_pinned = true, updated_at = $2
	WHERE id = $1
	RETURNING ` + consoleUserColumns
	const op = "transfer ownership"
	if from == to {
		return ConsoleUser{}, fmt.Errorf("store: %s to %d: %w: already the owner", op, to, ErrConflict)
	}
	tag, err := q.db.Exec(ctx, demote, from, now)
	if err != nil {
		return ConsoleUser{}, fmt.Errorf("store: %s from %d: %w", op, from, classify(err))
	}
	if tag.RowsAffected() == 0 {
		return ConsoleUser{}, fmt.Errorf("store: %s from %d: %w: not the owner", op, from, ErrConflict)
	}
	return q.oneConsoleUser(ctx, op, to, promote, to, now)
}

// oneConsoleUser runs sql, which returns one console user row.
func (q *Queries) oneConsoleUser(ctx context.Context, op string, id int64, sql string, args ...any) (ConsoleUser, error) {
	rows, err := q.db.Query(ctx, sql, args...)
	if err != nil {
		return ConsoleUser{}, fmt.Errorf("store: %s %d: %w", op, id, classify(err))
	}
	u, err := pgx.CollectExactlyOneRow(rows, scanConsoleUser)
	if err != nil {
		return ConsoleUser{}, fmt.Errorf("store: %s %d: %w", op, id, classify(err))
	}
	return u, nil
}

func (q *Queries) listConsoleUsers(ctx context.Context, op, sql string, args ...any) ([]ConsoleUser, error) {
	rows, err := q.db.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", op, classify(err))
	}
	users, err := pgx.CollectRows(rows, scanConsoleUser)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", op, classify(err))
	}
	return users, nil
}
