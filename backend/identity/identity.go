// Package identity owns console users: who may sign in, their roles from claims, their links to Headscale users, onboarding, and IAM changes.
//
// It decides and writes through backend/store; it asks Headscale through the
// small Headscale interface below and never speaks its wire format. Grant
// rules come from backend/rbac.
package identity

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"headway/backend/headscale"
	"headway/backend/rbac"
	"headway/backend/store"
)

// Headscale is what the service asks Headscale; *headscale.Client has it.
type Headscale interface {
	ListUsers(ctx context.Context) ([]headscale.User, error)
	ListNodes(ctx context.Context) ([]headscale.Node, error)
	CreatePreAuthKey(ctx context.Context, r headscale.PreAuthKeyRequest) (headscale.PreAuthKey, error)
}

// Options are the service's dependencies and the oidc.* settings it applies.
// Slices are compared case-insensitively; nil means no restriction.
type Options struct {
	Store     *store.Store
	Headscale Headscale
	// Issuer is the configured OIDC issuer, used to match Headscale users'
	// providerId when a console user has no issuer of its own.
	Issuer string

	DefaultRole rbac.Role          // oidc.default_role; an invalid role or owner means member
	GroupsClaim string             // oidc.groups_claim; "" means "groups"
	RoleMapping []rbac.MappingRule // oidc.role_mapping, in order

	AllowedDomains        []string // oidc.allowed_domains: email domains
	AllowedGroups         []string // oidc.allowed_groups
	AllowedUsers          []string // oidc.allowed_users: email addresses
	EmailVerifiedRequired bool     // oidc.email_verified_required
	LinkByEmail           bool     // oidc.link_by_email

	PublicURL string // headscale.public_url, for `tailscale up --login-server`

	Logger *slog.Logger     // nil discards
	Now    func() time.Time // nil means time.Now
}

// Service applies the identity rules. It is safe for concurrent use.
type Service struct {
	store       *store.Store
	hs          Headscale
	o           Options
	log         *slog.Logger
	now         func() time.Time
	groupsClaim string
}

// New returns a Service using o.
func New(o Options) *Service {
	s := &Service{store: o.Store, hs: o.Headscale, o: o, log: o.Logger, now: o.Now, groupsClaim: o.GroupsClaim}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.groupsClaim == "" {
		s.groupsClaim = "groups"
	}
	return s
}

// Actor is who asks for an IAM change. ConsoleUserID is 0 for a Headscale
// API key, which acts as rbac.Admin and matches no console user.
type Actor struct {
	ConsoleUserID int64
	Role          rbac.Role
}

// APIKeyActor is the actor of an API-key session or bearer key.
func APIKeyActor() Actor { return Actor{Role: rbac.Admin} }

// UserActor is the actor of console user u.
func UserActor(u store.ConsoleUser) Actor {
	return Actor{ConsoleUserID: u.ID, Role: rbac.Role(u.Role)}
}

// id is the actor's id as the rbac grant rules compare it.
func (a Actor) id() string {
	if a.ConsoleUserID == 0 {
		return "api-key" // no console user has this id
	}
	return formatID(a.ConsoleUserID)
}

func formatID(id int64) string { return strconv.FormatInt(id, 10) }

// grantorRoles are the roles holding configure_iam: who can grant access.
func grantorRoles() []string {
	var out []string
	for _, r := range rbac.Roles() {
		if r.Has(rbac.ConfigureIAM) {
			out = append(out, string(r))
		}
	}
	return out
}
